// Identifiers in the formats Vault hands out (hvs./hvb. tokens, 24-character accessors and lease
// suffixes, UUID request ids). Randomness comes from one injectable source.
import { randomBytes, randomUUID } from 'node:crypto';

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export interface IdSource {
  /** `length` characters of [A-Za-z0-9]. */
  base62(length: number): string;
  uuid(): string;
  /** `bytes` random bytes as lowercase hex. */
  hex(bytes: number): string;
}

export const cryptoIdSource: IdSource = {
  base62(length: number): string {
    let out = '';
    while (out.length < length) {
      for (const byte of randomBytes(length * 2)) {
        // 248 = 4 × 62: dropping larger bytes keeps every character equally likely.
        if (byte < 248 && out.length < length) out += BASE62.charAt(byte % 62);
      }
    }
    return out;
  },
  uuid: () => randomUUID(),
  hex: (bytes: number) => randomBytes(bytes).toString('hex'),
};

export function serviceTokenId(ids: IdSource): string {
  return `hvs.${ids.base62(24)}`;
}

export function batchTokenId(ids: IdSource): string {
  return `hvb.${ids.base62(24)}`;
}
