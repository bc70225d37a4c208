// Scalar decoding with Vault's rules. Config arrives either as JSON or as HCL1 decoded to generic
// values, so one setting may be a number, a string or (HCL blocks) a one-element list of objects.
import { parseGoDuration } from '../../../common/src/go-duration.js';
import { parseGoBool } from '../../../common/src/go-strconv.js';

export type Decoded<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

const ok = <T>(value: T): Decoded<T> => ({ ok: true, value });
const fail = <T>(error: string): Decoded<T> => ({ ok: false, error });

/** Vault's parseutil.ParseDurationSecond: number = seconds, "30" = seconds, "2d" = days, else Go syntax. Result in ms. */
export function decodeDurationMs(value: unknown): Decoded<number> {
  if (typeof value === 'number') {
    return Number.isFinite(value) && value >= 0 ? ok(value * 1000) : fail(`invalid duration ${String(value)}`);
  }
  if (typeof value !== 'string') return fail(`expected a duration such as "30s", got ${describe(value)}`);
  const text = value.trim();
  if (text === '') return ok(0);
  if (/^[0-9]+$/.test(text)) return ok(Number(text) * 1000);
  const days = /^([0-9]+)d$/.exec(text);
  if (days?.[1] !== undefined) return ok(Number(days[1]) * 86_400_000);
  const parsed = parseGoDuration(text);
  if (!parsed.ok) return fail(parsed.error);
  if (parsed.value < 0) return fail(`negative duration ${JSON.stringify(text)}`);
  return ok(parsed.value / 1e6);
}

/** Booleans: JSON/HCL true/false, or strings Go's strconv.ParseBool accepts (weak decoding). */
export function decodeBool(value: unknown): Decoded<boolean> {
  if (typeof value === 'boolean') return ok(value);
  if (typeof value === 'string') {
    const parsed = parseGoBool(value);
    return parsed.ok ? ok(parsed.value) : fail(parsed.error);
  }
  return fail(`expected a boolean, got ${describe(value)}`);
}

export function decodeString(value: unknown): Decoded<string> {
  if (typeof value === 'string') return ok(value);
  if (typeof value === 'number' || typeof value === 'boolean') return ok(String(value));
  return fail(`expected a string, got ${describe(value)}`);
}

export function decodeInt(value: unknown): Decoded<number> {
  const number = typeof value === 'string' && /^-?[0-9]+$/.test(value.trim()) ? Number(value.trim()) : value;
  if (typeof number === 'number' && Number.isInteger(number)) return ok(number);
  return fail(`expected an integer, got ${describe(value)}`);
}

export function decodeFloat(value: unknown): Decoded<number> {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof number === 'number' && Number.isFinite(number)) return ok(number);
  return fail(`expected a number, got ${describe(value)}`);
}

/**
 * File modes: a string is octal ("0600", "600"); a number is the mode itself (HCL already reads
 * the literal 0600 as octal, JSON gives the decimal value of the mode).
 */
export function decodeFileMode(value: unknown): Decoded<number> {
  if (typeof value === 'number') {
    return Number.isInteger(value) && value >= 0 && value <= 0o7777 ? ok(value) : fail(`invalid file mode ${value}`);
  }
  if (typeof value === 'string' && /^[0-7]{1,5}$/.test(value.trim())) {
    const mode = Number.parseInt(value.trim(), 8);
    if (mode <= 0o7777) return ok(mode);
  }
  return fail(`invalid file mode ${describe(value)}: expected an octal string such as "0600"`);
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${JSON.stringify(value)}`;
}
