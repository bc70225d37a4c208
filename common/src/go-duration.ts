// Go's time.ParseDuration: the syntax used by vault-k8s flags/annotations and Vault Agent's config.
import { goQuoteInput } from './go-quote.js';
import type { GoParseResult } from './go-strconv.js';

const UNIT_NANOSECONDS: Readonly<Record<string, number>> = {
  ns: 1,
  us: 1e3,
  'µs': 1e3, // U+00B5 micro sign
  'μs': 1e3, // U+03BC Greek mu
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

const MAX_DURATION_NS = 2 ** 63 - 1;

/** One `<number><unit>` component: its nanoseconds and the text after it, or the error. */
type Component = { readonly ok: true; readonly nanoseconds: number; readonly rest: string } | { readonly ok: false; readonly error: string };

/** The leading `123`, `1.5`, `.5` or `1.`: its value and length; undefined when there are no digits. */
function readNumber(text: string): { readonly value: number; readonly length: number } | undefined {
  const number = /^([0-9]*)(?:\.([0-9]*))?/.exec(text);
  const whole = number?.[1] ?? '';
  const fraction = number?.[2];
  if (whole === '' && (fraction === undefined || fraction === '')) return undefined;
  return { value: Number(`${whole === '' ? '0' : whole}.${fraction ?? '0'}`), length: number?.[0].length ?? 0 };
}

function readComponent(rest: string, input: string): Component {
  const number = readNumber(rest);
  if (number === undefined) return { ok: false, error: `time: invalid duration ${goQuoteInput(input)}` };
  const afterNumber = rest.slice(number.length);
  const unit = /^[^0-9.]*/.exec(afterNumber)?.[0] ?? '';
  if (unit === '') return { ok: false, error: `time: missing unit in duration ${goQuoteInput(input)}` };
  // Own keys only: `1constructor` names no unit, whatever Object.prototype holds.
  const scale = Object.hasOwn(UNIT_NANOSECONDS, unit) ? UNIT_NANOSECONDS[unit] : undefined;
  if (scale === undefined) return { ok: false, error: `time: unknown unit ${goQuoteInput(unit)} in duration ${goQuoteInput(input)}` };
  return { ok: true, nanoseconds: number.value * scale, rest: afterNumber.slice(unit.length) };
}

/** Parses a Go duration; the value is in nanoseconds (a double, exact to well beyond any TTL). */
export function parseGoDuration(input: string): GoParseResult<number> {
  const invalid: GoParseResult<number> = { ok: false, error: `time: invalid duration ${goQuoteInput(input)}` };
  let rest = input;
  let negative = false;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    negative = rest.startsWith('-');
    rest = rest.slice(1);
  }
  if (rest === '0') return { ok: true, value: 0 };
  if (rest === '') return invalid;
  let total = 0;
  while (rest !== '') {
    const component = readComponent(rest, input);
    if (!component.ok) return component;
    rest = component.rest;
    total += component.nanoseconds;
    if (total > MAX_DURATION_NS) return invalid;
  }
  return { ok: true, value: negative ? -total : total };
}

/** Go's Duration.String(), e.g. 1h30m0s, 500ms, 0s. */
export function formatGoDuration(nanoseconds: number): string {
  if (nanoseconds === 0) return '0s';
  const sign = nanoseconds < 0 ? '-' : '';
  let ns = Math.abs(Math.round(nanoseconds));
  if (ns < 1e9) {
    if (ns < 1e3) return `${sign}${ns}ns`;
    if (ns < 1e6) return `${sign}${trimZeros(ns / 1e3)}µs`;
    return `${sign}${trimZeros(ns / 1e6)}ms`;
  }
  const hours = Math.floor(ns / 3600e9);
  ns -= hours * 3600e9;
  const minutes = Math.floor(ns / 60e9);
  ns -= minutes * 60e9;
  const seconds = `${trimZeros(ns / 1e9)}s`;
  if (hours > 0) return `${sign}${hours}h${minutes}m${seconds}`;
  if (minutes > 0) return `${sign}${minutes}m${seconds}`;
  return `${sign}${seconds}`;
}

function trimZeros(value: number): string {
  return value.toFixed(9).replace(/\.?0+$/, '');
}
