// Sprig's arithmetic (numeric.go and the closures in functions.go): int64 maths through
// spf13/cast, float maths through shopspring/decimal (exact decimal of each float's shortest
// representation, division to 16 places): https://github.com/Masterminds/sprig/blob/v3.3.0/numeric.go
import { randomInt } from 'node:crypto';
import { FuncError } from './exec.js';
import { goSprint } from './fmt.js';
import { ANY, S, SLICE_INT, T, Typed, type SprigFn, anyOf, castFloat64, castInt, castInt64, fn, int64 } from './sprig-values.js';
import { type Dyn, type Value, stringText } from './values.js';

/** A decimal number: coefficient × 10^exp. */
interface Decimal {
  readonly coef: bigint;
  readonly exp: number;
}

/** decimal.NewFromFloat: the float's shortest decimal representation, exactly. */
function fromFloat(f: number): Decimal {
  if (!Number.isFinite(f)) throw new FuncError(`Cannot create a Decimal from ${f === Infinity ? '+Inf' : f === -Infinity ? '-Inf' : 'NaN'}`);
  const [mantissa = '0', expText = '0'] = f.toExponential().split('e');
  const [whole = '0', frac = ''] = mantissa.split('.');
  return { coef: BigInt(whole + frac), exp: Number(expText) - frac.length };
}

function align(a: Decimal, b: Decimal): [bigint, bigint, number] {
  const exp = Math.min(a.exp, b.exp);
  return [a.coef * 10n ** BigInt(a.exp - exp), b.coef * 10n ** BigInt(b.exp - exp), exp];
}

const add = (a: Decimal, b: Decimal): Decimal => {
  const [x, y, exp] = align(a, b);
  return { coef: x + y, exp };
};
const sub = (a: Decimal, b: Decimal): Decimal => {
  const [x, y, exp] = align(a, b);
  return { coef: x - y, exp };
};
const mul = (a: Decimal, b: Decimal): Decimal => ({ coef: a.coef * b.coef, exp: a.exp + b.exp });

/** decimal.Div: DivRound to 16 decimal places, half away from zero. */
const div = (a: Decimal, b: Decimal): Decimal => {
  if (b.coef === 0n) throw new FuncError('decimal division by 0');
  const places = 16;
  // a/b × 10^places, as an integer rounded half away from zero.
  const shift = places + a.exp - b.exp;
  let num = a.coef;
  let den = b.coef;
  if (shift >= 0) num *= 10n ** BigInt(shift);
  else den *= 10n ** BigInt(-shift);
  const negative = num < 0n !== den < 0n;
  const an = num < 0n ? -num : num;
  const ad = den < 0n ? -den : den;
  let q = an / ad;
  if ((an % ad) * 2n >= ad) q += 1n;
  return { coef: negative ? -q : q, exp: -places };
};

function toFloat(d: Decimal): number {
  return Number(`${d.coef}e${d.exp}`);
}

function decimalOp(first: Value, rest: Value[], op: (a: Decimal, b: Decimal) => Decimal): number {
  let acc = fromFloat(castFloat64(anyOf(first)));
  for (const x of rest) acc = op(acc, fromFloat(castFloat64(anyOf(x))));
  return toFloat(acc);
}

function untilStep(start: bigint, stop: bigint, step: bigint): bigint[] {
  const limit = 1_000_000;
  // Sprig's untilStep counts up while i < stop (step > 0) or down while i > stop (step < 0).
  const up = stop >= start;
  if (up ? step <= 0n : step >= 0n) return [];
  const span = up ? stop - start : start - stop;
  const stride = up ? step : -step;
  const count = (span + stride - 1n) / stride;
  // Known before anything is built: a hostile count fails at once.
  if (count > BigInt(limit)) throw new FuncError(`untilStep: more than ${limit} elements`);
  const n = Number(count);
  const out = new Array<bigint>(n);
  for (let k = 0; k < n; k += 1) out[k] = start + BigInt(k) * step;
  return out;
}

function ints(values: bigint[]): Typed {
  return new Typed(SLICE_INT, values);
}

function seq(params: bigint[]): string {
  const show = (list: bigint[]): string => list.map(String).join(' ');
  switch (params.length) {
    case 0:
      return '';
    case 1: {
      const end = params[0] as bigint;
      const inc = end < 1n ? -1n : 1n;
      return show(untilStep(1n, end + inc, inc));
    }
    case 2: {
      const [start, end] = params as [bigint, bigint];
      const step = end < start ? -1n : 1n;
      return show(untilStep(start, end + step, step));
    }
    case 3: {
      const [start, step, end] = params as [bigint, bigint, bigint];
      let inc = 1n;
      if (end < start) {
        inc = -1n;
        if (step > 0n) return '';
      }
      return show(untilStep(start, end + inc, step));
    }
    default:
      return '';
  }
}

function round(a: Value, places: bigint, rOpt: Value[]): number {
  const roundOn = rOpt.length > 0 ? (rOpt[0] as number) : 0.5;
  const val = castFloat64(anyOf(a));
  const pow = 10 ** Number(places);
  const digit = pow * val;
  const frac = digit - Math.trunc(digit);
  return (frac >= roundOn ? Math.ceil(digit) : Math.floor(digit)) / pow;
}

/** strconv.ParseInt(fmt.Sprint(v), 8, 64), 0 on error. */
function toDecimal(v: Dyn | null): Typed {
  const printed = goSprint([v]);
  const s = typeof printed === 'string' ? printed : stringText(printed);
  if (!/^[+-]?[0-7]+$/.test(s)) return int64(0n);
  const magnitude = BigInt(`0o${s.replace(/^[+-]/, '')}`);
  const n = s.startsWith('-') ? -magnitude : magnitude;
  if (n < -(2n ** 63n) || n >= 2n ** 63n) return int64(0n);
  return int64(n);
}

function intDiv(a: bigint, b: bigint, rem: boolean): bigint {
  if (b === 0n) throw new FuncError('runtime error: integer divide by zero');
  return rem ? a % b : a / b;
}

export function sprigNumberFunctions(): Map<string, SprigFn> {
  const t = new Map<string, SprigFn>();
  const I = (v: Value): bigint => castInt64(anyOf(v));
  t.set('atoi', fn([S], T.int, ([s]) => {
    const text = stringText(s as string);
    return /^[+-]?[0-9]+$/.test(text) && BigInt(text) >= -(2n ** 63n) && BigInt(text) < 2n ** 63n ? BigInt(text) : 0n;
  }));
  t.set('int64', fn([ANY], T.int64, ([v]) => int64(I(v))));
  t.set('int', fn([ANY], T.int, ([v]) => castInt(anyOf(v))));
  t.set('float64', fn([ANY], T.float64, ([v]) => castFloat64(anyOf(v))));
  t.set('seq', fn([], S, (args) => seq(args as bigint[]), T.int));
  t.set('toDecimal', fn([ANY], T.int64, ([v]) => toDecimal(anyOf(v))));
  t.set('until', fn([T.int], SLICE_INT, ([n]) => ints(untilStep(0n, n as bigint, (n as bigint) < 0n ? -1n : 1n))));
  t.set('untilStep', fn([T.int, T.int, T.int], SLICE_INT, ([a, b, c]) => ints(untilStep(a as bigint, b as bigint, c as bigint))));
  t.set('add1', fn([ANY], T.int64, ([v]) => int64(I(v) + 1n)));
  t.set('add', fn([], T.int64, (args) => int64(args.reduce<bigint>((acc, v) => BigInt.asIntN(64, acc + I(v)), 0n)), ANY));
  t.set('sub', fn([ANY, ANY], T.int64, ([a, b]) => int64(I(a) - I(b))));
  t.set('div', fn([ANY, ANY], T.int64, ([a, b]) => int64(intDiv(I(a), I(b), false))));
  t.set('mod', fn([ANY, ANY], T.int64, ([a, b]) => int64(intDiv(I(a), I(b), true))));
  t.set('mul', fn([ANY], T.int64, ([a, ...rest]) => int64(rest.reduce<bigint>((acc, v) => BigInt.asIntN(64, acc * I(v)), I(a))), ANY));
  t.set('randInt', fn([T.int, T.int], T.int, ([min, max]) => {
    const span = (max as bigint) - (min as bigint);
    if (span <= 0n) throw new FuncError('invalid argument to Intn');
    if (span > 2n ** 48n - 1n) throw new FuncError('randInt: range too large');
    return BigInt(randomInt(Number(span))) + (min as bigint);
  }));
  t.set('add1f', fn([ANY], T.float64, ([v]) => decimalOp(v, [1n], add)));
  t.set('addf', fn([], T.float64, (args) => decimalOp(0, args, add), ANY));
  t.set('subf', fn([ANY], T.float64, ([a, ...rest]) => decimalOp(a, rest, sub), ANY));
  t.set('divf', fn([ANY], T.float64, ([a, ...rest]) => decimalOp(a, rest, div), ANY));
  t.set('mulf', fn([ANY], T.float64, ([a, ...rest]) => decimalOp(a, rest, mul), ANY));
  const maxInt = ([a, ...rest]: Value[]): Value => int64(rest.reduce<bigint>((acc, v) => (I(v) > acc ? I(v) : acc), I(a)));
  const minInt = ([a, ...rest]: Value[]): Value => int64(rest.reduce<bigint>((acc, v) => (I(v) < acc ? I(v) : acc), I(a)));
  t.set('biggest', fn([ANY], T.int64, maxInt, ANY));
  t.set('max', fn([ANY], T.int64, maxInt, ANY));
  t.set('min', fn([ANY], T.int64, minInt, ANY));
  t.set('maxf', fn([ANY], T.float64, ([a, ...rest]) => rest.reduce<number>((acc, v) => goMax(acc, castFloat64(anyOf(v))), castFloat64(anyOf(a))), ANY));
  t.set('minf', fn([ANY], T.float64, ([a, ...rest]) => rest.reduce<number>((acc, v) => goMin(acc, castFloat64(anyOf(v))), castFloat64(anyOf(a))), ANY));
  t.set('ceil', fn([ANY], T.float64, ([v]) => Math.ceil(castFloat64(anyOf(v)))));
  t.set('floor', fn([ANY], T.float64, ([v]) => Math.floor(castFloat64(anyOf(v)))));
  t.set('round', fn([ANY, T.int], T.float64, ([a, p, ...r]) => round(a, p as bigint, r), T.float64));
  return t;
}

/** math.Max / math.Min (NaN wins; signed zeros ordered). */
function goMax(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.NaN;
  return Math.max(a, b);
}

function goMin(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.NaN;
  return Math.min(a, b);
}
