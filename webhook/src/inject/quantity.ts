// Kubernetes resource.Quantity: parse with the API's grammar and re-serialise in canonical form,
// so the quantities we write equal what the API server would store
// (https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/).
// Values are exact rationals n × 10^-scale held in BigInt; nothing is rounded except at nano
// precision, which is where the API itself rounds (away from zero).

const QUANTITY_PATTERN_TEXT = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$';
const QUANTITY_PATTERN = new RegExp(QUANTITY_PATTERN_TEXT);

export const QUANTITY_REGEX_ERROR = `quantities must match the regular expression '${QUANTITY_PATTERN_TEXT}'`;
export const QUANTITY_SUFFIX_ERROR = "unable to parse quantity's suffix";

type QuantityFormat = 'BinarySI' | 'DecimalSI' | 'DecimalExponent';

const BINARY_SUFFIXES: Readonly<Record<string, number>> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL_SUFFIXES: Readonly<Record<string, number>> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const DECIMAL_SUFFIX_BY_EXPONENT = new Map(Object.entries(DECIMAL_SUFFIXES).map(([suffix, exp]) => [exp, suffix]));
const BINARY_SUFFIX_BY_EXPONENT = new Map(Object.entries(BINARY_SUFFIXES).map(([suffix, exp]) => [exp, suffix]));

/** An exact decimal: value = units × 10^-scale. */
interface Exact {
  readonly units: bigint;
  readonly scale: number;
}

export type QuantityResult = { readonly ok: true; readonly canonical: string } | { readonly ok: false; readonly error: string };

function parseSuffix(suffix: string): { format: QuantityFormat; base: 2 | 10; exponent: number } | undefined {
  const binary = BINARY_SUFFIXES[suffix];
  if (binary !== undefined) return { format: 'BinarySI', base: 2, exponent: binary };
  const decimal = DECIMAL_SUFFIXES[suffix];
  if (decimal !== undefined) return { format: 'DecimalSI', base: 10, exponent: decimal };
  const exponentMatch = /^[eE]([-+]?[0-9]+)$/.exec(suffix);
  if (exponentMatch?.[1] !== undefined) {
    return { format: 'DecimalExponent', base: 10, exponent: Number.parseInt(exponentMatch[1], 10) };
  }
  return undefined;
}

function parseNumber(text: string): Exact | undefined {
  const match = /^([+-]?)([0-9]*)(?:\.([0-9]*))?$/.exec(text);
  if (match === null) return undefined;
  const [, sign = '', whole = '', fraction = ''] = match;
  if (whole === '' && fraction === '') return undefined;
  const units = BigInt(`${whole}${fraction}` || '0');
  return { units: sign === '-' ? -units : units, scale: fraction.length };
}

function pow10(exponent: number): bigint {
  return 10n ** BigInt(exponent);
}

function applyExponent(value: Exact, base: 2 | 10, exponent: number): Exact {
  if (base === 2) return { units: value.units * 2n ** BigInt(exponent), scale: value.scale };
  return exponent >= 0
    ? { units: value.units * pow10(exponent), scale: value.scale }
    : { units: value.units, scale: value.scale - exponent };
}

/** Rounds to at most 9 fractional digits, away from zero, as the API server does. */
function roundToNano(value: Exact): Exact {
  if (value.scale <= 9) return value;
  const divisor = pow10(value.scale - 9);
  const magnitude = value.units < 0n ? -value.units : value.units;
  let quotient = magnitude / divisor;
  if (magnitude % divisor !== 0n) quotient += 1n;
  return { units: value.units < 0n ? -quotient : quotient, scale: 9 };
}

/** Splits into mantissa × 10^exponent with exponent a multiple of 3 and no removable zeros. */
function canonicalDecimal(value: Exact): { mantissa: bigint; exponent: number } {
  let mantissa = value.units;
  let exponent = -value.scale;
  // Align the exponent down to a multiple of 3 first (1.5 → 1500 × 10^-3).
  while (((exponent % 3) + 3) % 3 !== 0) {
    mantissa *= 10n;
    exponent -= 1;
  }
  while (mantissa !== 0n && mantissa % 1000n === 0n) {
    mantissa /= 1000n;
    exponent += 3;
  }
  return { mantissa, exponent };
}

function formatDecimal(value: Exact, format: QuantityFormat): string {
  const { mantissa, exponent } = canonicalDecimal(value);
  if (format === 'DecimalExponent') return exponent === 0 ? `${mantissa}` : `${mantissa}e${exponent}`;
  const suffix = DECIMAL_SUFFIX_BY_EXPONENT.get(exponent);
  return suffix === undefined ? `${mantissa}e${exponent}` : `${mantissa}${suffix}`;
}

function formatBinary(integer: bigint): string {
  let mantissa = integer;
  let exponent = 0;
  while (exponent < 60 && mantissa !== 0n && mantissa % 1024n === 0n) {
    mantissa /= 1024n;
    exponent += 10;
  }
  return `${mantissa}${BINARY_SUFFIX_BY_EXPONENT.get(exponent) ?? ''}`;
}

function canonicalize(value: Exact, format: QuantityFormat): string {
  if (value.units === 0n) return '0';
  if (format === 'BinarySI') {
    const isInteger = value.units % pow10(value.scale) === 0n;
    const integer = value.units / pow10(value.scale);
    // Small or fractional binary quantities are shown as plain decimals (no rounding, no Ki for 512).
    if (isInteger && (integer <= -1024n || integer >= 1024n)) return formatBinary(integer);
    return formatDecimal(value, 'DecimalSI');
  }
  return formatDecimal(value, format);
}

/** Parses a quantity and returns its canonical text, or the API's error text. */
/**
 * Every pod without resource annotations asks for the same six default quantities (from
 * Settings), so results are remembered: a pure function of the text, in a small bounded map
 * (short texts only, so pod authors cannot make it hold much). Issue 16, docs/performance.md.
 */
const remembered = new Map<string, QuantityResult>();
const MAX_REMEMBERED = 64;
const MAX_REMEMBERED_TEXT = 32;

export function canonicalQuantity(text: string): QuantityResult {
  const known = remembered.get(text);
  if (known !== undefined) return known;
  const result = parseQuantity(text);
  if (text.length <= MAX_REMEMBERED_TEXT && remembered.size < MAX_REMEMBERED) remembered.set(text, result);
  return result;
}

function parseQuantity(text: string): QuantityResult {
  const match = QUANTITY_PATTERN.exec(text);
  if (match === null) return { ok: false, error: QUANTITY_REGEX_ERROR };
  const numberText = match[1] ?? '';
  // The number may itself end in a sign-less exponent-like suffix split (e.g. "1e3" → "1", "e3").
  const suffixText = match[2] ?? '';
  const suffix = parseSuffix(suffixText);
  if (suffix === undefined) return { ok: false, error: QUANTITY_SUFFIX_ERROR };
  const number = parseNumber(numberText);
  if (number === undefined) return { ok: false, error: QUANTITY_REGEX_ERROR };
  const value = roundToNano(applyExponent(number, suffix.base, suffix.exponent));
  return { ok: true, canonical: canonicalize(value, suffix.format) };
}
