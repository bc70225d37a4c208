// Go's strconv parse rules and error texts (ParseBool, ParseInt, ParseUint, ParseFloat).
// vault-k8s parses annotation values with these, and its users see these exact messages.
import { goQuote } from './go-quote.js';

export type GoParseResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

const TRUE_WORDS = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE_WORDS = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

function syntaxError<T>(fn: string, value: string): GoParseResult<T> {
  return { ok: false, error: `strconv.${fn}: parsing ${goQuote(value)}: invalid syntax` };
}

function rangeError<T>(fn: string, value: string): GoParseResult<T> {
  return { ok: false, error: `strconv.${fn}: parsing ${goQuote(value)}: value out of range` };
}

/** strconv.ParseBool. The empty string is an error here; callers decide whether "" means false. */
export function parseGoBool(value: string): GoParseResult<boolean> {
  if (TRUE_WORDS.has(value)) return { ok: true, value: true };
  if (FALSE_WORDS.has(value)) return { ok: true, value: false };
  return syntaxError('ParseBool', value);
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** strconv.ParseInt(value, 10, 64). Values beyond 2^53 are returned as bigint-checked numbers. */
export function parseGoInt64(value: string): GoParseResult<number> {
  if (!/^[+-]?[0-9]+$/.test(value)) return syntaxError('ParseInt', value);
  const parsed = BigInt(value);
  if (parsed < INT64_MIN || parsed > INT64_MAX) return rangeError('ParseInt', value);
  return { ok: true, value: Number(parsed) };
}

/** strconv.ParseUint(value, 10, 64): digits only, no sign. */
export function parseGoUint64(value: string): GoParseResult<number> {
  if (!/^[0-9]+$/.test(value)) return syntaxError('ParseUint', value);
  const parsed = BigInt(value);
  if (parsed > UINT64_MAX) return rangeError('ParseUint', value);
  return { ok: true, value: Number(parsed) };
}

const DECIMAL_FLOAT = /^[+-]?(?:[0-9](?:_?[0-9])*(?:\.(?:[0-9](?:_?[0-9])*)?)?|\.[0-9](?:_?[0-9])*)(?:[eE][+-]?[0-9]+)?$/;
const HEX_FLOAT = /^[+-]?0[xX](?:[0-9a-fA-F]+(?:\.[0-9a-fA-F]*)?|\.[0-9a-fA-F]+)[pP][+-]?[0-9]+$/;
const SPECIAL_FLOAT = /^[+-]?(?:inf|infinity|nan)$/i;

/** strconv.ParseFloat(value, 64): decimal, hexadecimal (with p exponent), Inf and NaN. */
export function parseGoFloat64(value: string): GoParseResult<number> {
  if (SPECIAL_FLOAT.test(value)) {
    const lower = value.toLowerCase();
    if (lower.endsWith('nan')) return lower === 'nan' ? { ok: true, value: Number.NaN } : syntaxError('ParseFloat', value);
    return { ok: true, value: lower.startsWith('-') ? -Infinity : Infinity };
  }
  if (HEX_FLOAT.test(value)) return { ok: true, value: parseHexFloat(value) };
  // Underscores are only legal with a base prefix in Go, so plain decimals reject them.
  if (!DECIMAL_FLOAT.test(value) || value.includes('_')) return syntaxError('ParseFloat', value);
  const parsed = Number(value);
  if (!Number.isFinite(parsed)) return rangeError('ParseFloat', value);
  return { ok: true, value: parsed };
}

function parseHexFloat(value: string): number {
  const negative = value.startsWith('-');
  const body = value.replace(/^[+-]?0[xX]/, '');
  const [mantissa = '', exponent = '0'] = body.split(/[pP]/);
  const [whole = '', fraction = ''] = mantissa.split('.');
  let result = whole === '' ? 0 : parseInt(whole, 16);
  for (let i = 0; i < fraction.length; i += 1) result += parseInt(fraction[i] ?? '0', 16) / 16 ** (i + 1);
  result *= 2 ** Number(exponent);
  return negative ? -result : result;
}
