// Kubernetes resource.Quantity: parse with the API's grammar and re-serialise in canonical form,
// so the quantities we write equal what the API server would store
// (https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/).
// Values are exact rationals n × 10^-scale held in BigInt; nothing is rounded except at nano
// precision, which is where the API itself rounds (away from zero).

const QUANTITY_PATTERN_TEXT = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$';

export const QUANTITY_REGEX_ERROR = `quantities must match the regular expression '${QUANTITY_PATTERN_TEXT}'`;
export const QUANTITY_SUFFIX_ERROR = "unable to parse quantity's suffix";
export const QUANTITY_NUMERIC_ERROR = 'unable to parse numeric part of quantity';

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

/**
 * Go's quantitySuffixer.interpret: the decimal and binary SI suffixes, or e/E and a decimal
 * exponent that parses as an int64 and is then cut to int32 (as Go's conversion does).
 */
function parseSuffix(suffix: string): { format: QuantityFormat; base: 2 | 10; exponent: number } | undefined {
  const binary = BINARY_SUFFIXES[suffix];
  if (binary !== undefined) return { format: 'BinarySI', base: 2, exponent: binary };
  const decimal = DECIMAL_SUFFIXES[suffix];
  if (decimal !== undefined) return { format: 'DecimalSI', base: 10, exponent: decimal };
  const exponentMatch = /^[eE]([-+]?[0-9]+)$/.exec(suffix);
  if (exponentMatch?.[1] === undefined) return undefined;
  const parsed = BigInt(exponentMatch[1]);
  if (parsed > INT64_MAX || parsed < -INT64_MAX - 1n) return undefined;
  return { format: 'DecimalExponent', base: 10, exponent: Number(BigInt.asIntN(32, parsed)) };
}

const INT64_MAX = 2n ** 63n - 1n;

/** The parts Go's parseQuantityString finds, or undefined where it reports ErrFormatWrong. */
interface Scanned {
  readonly positive: boolean;
  /** The numeric text as written, sign included (what the slow path parses). */
  readonly value: string;
  /** Integer digits without leading zeros ("0" when there are none). */
  readonly num: string;
  /** Fraction digits. */
  readonly denom: string;
  readonly suffix: string;
}

const isDigit = (ch: string | undefined): boolean => ch !== undefined && ch >= '0' && ch <= '9';

/**
 * A port of resource.parseQuantityString (k8s.io/apimachinery/pkg/api/resource/quantity.go):
 * sign, leading zeros, digits, '.', digits, then suffix letters from "eEinumkKMGTP", an optional
 * sign and digits. Unlike the regular expression its error message quotes, a bare sign, "." or a
 * suffix alone ("Mi") parse as zero.
 */
function scanQuantity(text: string): Scanned | undefined {
  const end = text.length;
  const positive = text[0] !== '-';
  let pos = text[0] === '-' || text[0] === '+' ? 1 : 0;
  pos = skip(text, pos, (ch) => ch === '0');
  if (pos >= end) return { positive, value: '0', num: '0', denom: '', suffix: '' };
  const numStart = pos;
  pos = skip(text, pos, isDigit);
  if (pos >= end) return { positive, value: text, num: text.slice(numStart), denom: '', suffix: '' };
  const num = text.slice(numStart, pos) || '0';
  let denom = '';
  if (text[pos] === '.') {
    const denomEnd = skip(text, pos + 1, isDigit);
    denom = text.slice(pos + 1, denomEnd);
    pos = denomEnd;
    if (pos >= end) return { positive, value: text, num, denom, suffix: '' };
  }
  return scanSuffix(text, pos, { positive, value: text.slice(0, pos), num, denom });
}

/** The suffix: letters from "eEinumkKMGTP", an optional sign, digits, and nothing after them. */
function scanSuffix(text: string, start: number, number: Omit<Scanned, 'suffix'>): Scanned | undefined {
  let pos = skip(text, start, (ch) => 'eEinumkKMGTP'.includes(ch));
  if (text[pos] === '-' || text[pos] === '+') pos++;
  pos = skip(text, pos, isDigit);
  return pos < text.length ? undefined : { ...number, suffix: text.slice(start) };
}

function skip(text: string, from: number, accept: (ch: string) => boolean): number {
  let pos = from;
  while (pos < text.length && accept(text[pos] ?? '')) pos++;
  return pos;
}

/** The slow path's inf.Dec.SetString: an optional sign, digits, an optional '.' and digits, at least one digit. */
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
  // A decimal exponent only moves the scale: "1e9999999" must not build a ten-million-digit number.
  return { units: value.units, scale: value.scale - exponent };
}

/** Rounds to at most 9 fractional digits, away from zero, as the API server does. */
function roundToNano(value: Exact): Exact {
  if (value.scale <= 9) return value;
  const magnitude = value.units < 0n ? -value.units : value.units;
  // More fraction digits to drop than the number has: it rounds up to one nano (1e-999999999 → 1n).
  if (value.scale - 9 > magnitude.toString().length) {
    return { units: magnitude === 0n ? 0n : value.units < 0n ? -1n : 1n, scale: 9 };
  }
  const divisor = pow10(value.scale - 9);
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
  // Go's constructBytes finds no DecimalSI suffix beyond E (10^18) and writes the number alone,
  // so 10^21 prints as "1": reproduced for byte-compatible patches.
  return `${mantissa}${suffix ?? ''}`;
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
  if (format === 'BinarySI' && value.scale >= 0) {
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

/**
 * resource.ParseQuantity followed by Quantity.String(), as vault-k8s writes a resource into the
 * patch: the fast path keeps the text exactly as written when Go considers it canonical ("+1",
 * "1.500", "1E3", "007"), otherwise the canonical form; binary quantities are capped at 2^63-1.
 */
function parseQuantity(text: string): QuantityResult {
  if (text === '') return { ok: false, error: QUANTITY_REGEX_ERROR };
  if (text === '0') return { ok: true, canonical: '0' };
  const scanned = scanQuantity(text);
  if (scanned === undefined) return { ok: false, error: QUANTITY_REGEX_ERROR };
  const suffix = parseSuffix(scanned.suffix);
  if (suffix === undefined) return { ok: false, error: QUANTITY_SUFFIX_ERROR };
  return fastPath(text, scanned, suffix) ?? slowPath(scanned, suffix);
}

type Suffix = NonNullable<ReturnType<typeof parseSuffix>>;

/** ParseQuantity's int64 path; undefined where Go falls through to inf.Dec. */
function fastPath(text: string, scanned: Scanned, suffix: Suffix): QuantityResult | undefined {
  const { num, denom } = scanned;
  const { precision, mantissa } = fastPathPrecision(num, denom, suffix);
  if (precision < 0) return undefined;
  const scale = (suffix.base === 10 ? suffix.exponent : 0) - denom.length;
  if (scale < -9) return undefined;
  const shifted = num + denom;
  const value = BigInt(shifted);
  const magnitude = value * mantissa;
  if (magnitude > INT64_MAX) return undefined;
  const keepsText =
    suffix.format === 'BinarySI'
      ? suffix.exponent % 10 === 0 && (value & 7n) !== 0n
      : scale % 3 === 0 && !shifted.endsWith('000') && shifted[0] !== '0';
  if (keepsText) return { ok: true, canonical: text };
  const units = scanned.positive ? magnitude : -magnitude;
  return { ok: true, canonical: canonicalize({ units, scale: -scale }, suffix.format) };
}

/** How many more decimal digits fit an int64 (negative: Go takes the inf.Dec path). */
function fastPathPrecision(num: string, denom: string, suffix: Suffix): { precision: number; mantissa: bigint } {
  if (suffix.base === 10) return { precision: 18 - (num.length + denom.length), mantissa: 1n };
  if (suffix.exponent >= 0 && denom.length === 0) {
    return { precision: 15 - num.length - (suffix.exponent * 3) / 10 - 1, mantissa: 1n << BigInt(suffix.exponent) };
  }
  return { precision: -1, mantissa: 1n };
}

/** ParseQuantity's inf.Dec path: round up to nano, cap binary values, small binary values become decimal. */
function slowPath(scanned: Scanned, suffix: Suffix): QuantityResult {
  const number = parseNumber(scanned.value);
  if (number === undefined) return { ok: false, error: QUANTITY_NUMERIC_ERROR };
  let value = roundToNano(applyExponent(number, suffix.base, suffix.exponent));
  let format = suffix.format;
  if (format === 'BinarySI') {
    const magnitude = value.units < 0n ? -value.units : value.units;
    if (value.scale <= 0 ? magnitude * pow10(-value.scale) > INT64_MAX : magnitude > INT64_MAX * pow10(value.scale)) {
      value = { units: value.units < 0n ? -INT64_MAX : INT64_MAX, scale: 0 };
    }
    if (magnitude !== 0n && value.scale > 0 && magnitude < pow10(value.scale)) format = 'DecimalSI';
  }
  return { ok: true, canonical: canonicalize(value, format) };
}
