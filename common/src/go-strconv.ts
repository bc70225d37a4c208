// Go's strconv parse rules and error texts (ParseBool, ParseInt, ParseUint, ParseFloat).
// vault-k8s parses annotation values with these, and its users see these exact messages.
import { goQuoteInput } from './go-quote.js';

export type GoParseResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

const TRUE_WORDS = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE_WORDS = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

function syntaxError<T>(fn: string, value: string): GoParseResult<T> {
  return { ok: false, error: `strconv.${fn}: parsing ${goQuoteInput(value)}: invalid syntax` };
}

function rangeError<T>(fn: string, value: string): GoParseResult<T> {
  return { ok: false, error: `strconv.${fn}: parsing ${goQuoteInput(value)}: value out of range` };
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

const DECIMAL_FLOAT = /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;
const HEX_FLOAT = /^[+-]?0[xX](?:[0-9a-fA-F]+(?:\.[0-9a-fA-F]*)?|\.[0-9a-fA-F]+)[pP][+-]?[0-9]+$/;
const SPECIAL_FLOAT = /^[+-]?(?:inf|infinity|nan)$/i;

function isDigitIn(code: number, hex: boolean): boolean {
  if (code >= 0x30 && code <= 0x39) return true;
  const lower = code | 0x20;
  return hex && lower >= 0x61 && lower <= 0x66;
}

/**
 * strconv's underscoreOK: an underscore must sit between two digits, or between a base prefix and
 * a digit (https://github.com/golang/go/blob/master/src/strconv/atoi.go, "underscoreOK"). ParseFloat
 * reads a number with the underscores skipped and then applies this to the whole text, so
 * `1_000.5`, `1e1_0` and `0x_1p0` parse and `1_`, `_1`, `1__0`, `1_e5` do not.
 */
export function goUnderscoreOK(text: string): boolean {
  let s = text;
  if (s.startsWith('+') || s.startsWith('-')) s = s.slice(1);
  let saw = '^';
  let i = 0;
  let hex = false;
  if (s.length >= 2 && s[0] === '0' && 'bBoOxX'.includes(s[1] as string)) {
    i = 2;
    saw = '0';
    hex = s[1] === 'x' || s[1] === 'X';
  }
  for (; i < s.length; i += 1) {
    if (isDigitIn(s.charCodeAt(i), hex)) saw = '0';
    else if (s[i] === '_') {
      if (saw !== '0') return false;
      saw = '_';
    } else {
      if (saw === '_') return false;
      saw = '!';
    }
  }
  return saw !== '_';
}

/** strconv.ParseFloat(value, 64): decimal, hexadecimal (with p exponent), Inf and NaN, with Go's digit-separating underscores. */
export function parseGoFloat64(value: string): GoParseResult<number> {
  if (SPECIAL_FLOAT.test(value)) {
    const lower = value.toLowerCase();
    if (lower.endsWith('nan')) return lower === 'nan' ? { ok: true, value: Number.NaN } : syntaxError('ParseFloat', value);
    return { ok: true, value: lower.startsWith('-') ? -Infinity : Infinity };
  }
  const hasUnderscores = value.includes('_');
  if (hasUnderscores && !goUnderscoreOK(value)) return syntaxError('ParseFloat', value);
  const digits = hasUnderscores ? value.replaceAll('_', '') : value;
  if (HEX_FLOAT.test(digits)) return { ok: true, value: parseHexFloat(digits) };
  if (!DECIMAL_FLOAT.test(digits)) return syntaxError('ParseFloat', value);
  const parsed = Number(digits);
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
