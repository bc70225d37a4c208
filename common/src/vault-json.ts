// Vault's client decodes JSON with UseNumber: numbers keep their source text (1.50 stays 1.50,
// big integers stay exact). lossless-json gives us that; LosslessNumber is our json.Number.
import { parse, isLosslessNumber, LosslessNumber } from 'lossless-json';

export { LosslessNumber as JsonNumber, isLosslessNumber as isJsonNumber };

/** Parses a Vault response body keeping every number as a JsonNumber (Go's json.Number). */
export function parseVaultJson(text: string): unknown {
  return parse(text);
}

/**
 * Parses JSON as Go's encoding/json with UseNumber does: numbers stay JsonNumbers and a repeated
 * object key keeps its last value (instead of being an error).
 */
export function parseGoJson(text: string): unknown {
  return parse(text, null, { onDuplicateKey: ({ newValue }) => newValue });
}
