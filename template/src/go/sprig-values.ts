// What every Sprig function needs: Go's view of interface{} arguments (strval, empty, reflect
// kinds), spf13/cast's number conversions, reflect.DeepEqual, and a compact way to declare a
// function with its Go signature. Behaviour follows Sprig v3.3.0 (the version consul-template
// v0.41 links): https://github.com/Masterminds/sprig/tree/v3.3.0
import { FuncError, type GoFunction } from './exec.js';
import { goSprintf } from './fmt.js';
import {
  GoBytes,
  Iface,
  MAP_ANY,
  SLICE_ANY,
  T,
  Typed,
  type Dyn,
  type GoType,
  type Value,
  goStringFromText,
  intOf,
  isPlainObject,
  mapRecord,
  sliceItems,
  sliceOf,
  stringOf,
  stringText,
  typeOf,
} from './values.js';
import { isJsonNumber } from '../../../common/src/vault-json.js';

/** What the few context-dependent Sprig functions read (FunctionContext provides both). */
export interface SprigContext {
  readonly now: () => Date;
  readonly env: (name: string) => string | undefined;
}

export type SprigFn = GoFunction<SprigContext>;

export const S = T.string;
export const ANY = T.iface;
export const SLICE_INT = sliceOf(T.int);
export const SLICE_SLICE_ANY = sliceOf(SLICE_ANY);

/** A function with Go's signature; string results get their invalid-UTF-8 bytes back. */
export function fn(params: GoType[], result: GoType, call: (args: Value[], ctx: SprigContext) => Value, variadic?: GoType): SprigFn {
  const wrapped = result === S ? (args: Value[], ctx: SprigContext) => restoreBytes(call(args, ctx)) : call;
  return variadic === undefined ? { params, result, call: wrapped } : { params, variadic, result, call: wrapped };
}

function restoreBytes(value: Value): Value {
  return typeof value === 'string' ? goStringFromText(value) : value;
}

export function text(v: Value): string {
  return stringText(v as string | GoBytes);
}

/** The dynamic value inside an interface{} argument (null for a nil interface). */
export function anyOf(v: Value): Dyn | null {
  if (v === undefined) return null;
  if (v instanceof Iface) return v.inner;
  return v;
}

export function iface(v: Dyn | null | undefined): Iface {
  return new Iface(v === undefined ? null : v);
}

/** A slot from a []interface{} or map[string]interface{} (null/undefined = nil). */
export function slot(v: unknown): Dyn | null {
  return v === undefined || v === null ? null : (v);
}

export function kindName(v: Dyn | null): string {
  if (v === null) return 'invalid';
  const kind = typeOf(v).kind;
  switch (kind) {
    case 'float64':
      return 'float64';
    case 'ptr':
      return 'ptr';
    default:
      return kind;
  }
}

/** reflect.TypeOf(nil).Kind() panics: the error text Go gives for it. */
export const NIL_DEREF = 'runtime error: invalid memory address or nil pointer dereference';

/** Items of a slice-kind value, or null when the value is not a slice (nil interface included). */
export function listItems(v: Dyn | null): readonly unknown[] | null {
  if (v === null) return null;
  if (typeOf(v).kind !== 'slice') return null;
  return sliceItems(v) ?? [];
}

/** Elements of a slice as interface{} values (reflect's Index(i).Interface()). */
export function listElems(v: Dyn): (Dyn | null)[] {
  const items = sliceItems(v) ?? [];
  return items.map(slot);
}

/** Sprig's `reflect.TypeOf(list).Kind()` guard: the list's elements or the error sprig returns. */
export function requireList(v: Dyn | null, message: (kind: string) => string): (Dyn | null)[] {
  if (v === null) throw new FuncError(NIL_DEREF);
  if (typeOf(v).kind !== 'slice') throw new FuncError(message(kindName(v)));
  return listElems(v);
}

/** Sprig's strval: strings as they are, Stringers through String, the rest with %v. */
export function strval(v: Dyn | null): string {
  if (v === null) return '<nil>';
  if (typeof v === 'string') return v;
  if (v instanceof GoBytes) return stringText(v);
  if (typeOf(v).kind === 'string') return stringText(stringOf(v));
  const printed = goSprintf('%v', [v]);
  return typeof printed === 'string' ? printed : stringText(printed);
}

/** Sprig's empty (defaults.go): zero values of their kind; structs never; nil pointers and interfaces. */
export function empty(v: Dyn | null): boolean {
  if (v === null) return true;
  const type = typeOf(v);
  switch (type.kind) {
    case 'string':
      return stringText(stringOf(v)).length === 0;
    case 'bool':
      return v === false;
    case 'int':
    case 'int64':
    case 'uint8':
    case 'uint64':
      return intOf(v) === 0n;
    case 'float64':
      return v === 0;
    case 'slice':
      return (sliceItems(v) ?? []).length === 0;
    case 'map': {
      const record = mapRecord(v);
      return record === null || Object.keys(record).length === 0;
    }
    case 'struct':
      return false;
    case 'complex128': {
      const c = (v as Typed).raw as { re: number; im: number };
      return c.re === 0 && c.im === 0;
    }
    default:
      return v instanceof Typed && v.raw === null;
  }
}

/** strconv.ParseInt(s, 0, 64): base prefixes, underscores only with a prefix; null when invalid. */
export function parseGoIntBase0(input: string): bigint | null {
  let s = input;
  let sign = 1n;
  if (s.startsWith('+') || s.startsWith('-')) {
    if (s.startsWith('-')) sign = -1n;
    s = s.slice(1);
  }
  let base = 10;
  let digits = s;
  if (/^0[xX]/.test(s)) {
    base = 16;
    digits = s.slice(2);
  } else if (/^0[bB]/.test(s)) {
    base = 2;
    digits = s.slice(2);
  } else if (/^0[oO]/.test(s)) {
    base = 8;
    digits = s.slice(2);
  } else if (/^0[0-9_]/.test(s)) {
    base = 8;
    digits = s.slice(1);
  }
  if (digits.includes('_')) {
    // Base 0 allows underscores between digits, or right after a base prefix ("0x_1F").
    const prefixed = base !== 10 && s.length > digits.length + 1;
    if (/_$|__/.test(digits) || (digits.startsWith('_') && !prefixed) || (base === 8 && !prefixed && s.startsWith('0_'))) return null;
    digits = digits.replace(/_/g, '');
  }
  const valid = { 2: /^[01]+$/, 8: /^[0-7]+$/, 10: /^[0-9]+$/, 16: /^[0-9a-fA-F]+$/ }[base as 2 | 8 | 10 | 16];
  if (digits === '' || !valid.test(digits)) return null;
  const prefix = { 2: '0b', 8: '0o', 10: '', 16: '0x' }[base as 2 | 8 | 10 | 16];
  const value = sign * BigInt(prefix + digits);
  if (value < -(2n ** 63n) || value >= 2n ** 63n) return null;
  return value;
}

/** cast's trimZeroDecimal: "12.000" → "12" (only an all-zero fraction is dropped). */
function trimZeroDecimal(s: string): string {
  const m = /^(.*)\.0+$/.exec(s);
  return m !== null && m[1] !== '' ? (m[1] as string) : s;
}

/** spf13/cast ToInt64 (errors swallowed to 0, as sprig does). */
export function castInt64(v: Dyn | null): bigint {
  if (v === null) return 0n;
  if (isJsonNumber(v)) return castInt64(v.toString());
  const kind = typeOf(v).kind;
  switch (kind) {
    case 'int':
    case 'int64':
    case 'uint8':
    case 'uint64':
      return BigInt.asIntN(64, intOf(v));
    case 'float64': {
      const f = v as number;
      if (!Number.isFinite(f)) return -(2n ** 63n);
      return BigInt.asIntN(64, BigInt(Math.trunc(f)));
    }
    case 'bool':
      return v === true ? 1n : 0n;
    case 'string': {
      if (typeOf(v) !== T.string) return 0n;
      return parseGoIntBase0(trimZeroDecimal(stringText(stringOf(v)))) ?? 0n;
    }
    default:
      return 0n;
  }
}

/** spf13/cast ToInt (int is 64-bit here, as on the agent's platforms). */
export const castInt = castInt64;

/** strconv.ParseFloat(s, 64) or null. */
export function parseGoFloat(s: string): number | null {
  const special = /^[+-]?(inf|infinity|nan)$/i.exec(s);
  if (special !== null) {
    if ((special[1] as string).toLowerCase() === 'nan') return Number.NaN;
    return s.startsWith('-') ? -Infinity : Infinity;
  }
  if (!/^[+-]?(?:[0-9](?:_?[0-9])*(?:\.(?:[0-9](?:_?[0-9])*)?)?|\.[0-9](?:_?[0-9])*)(?:[eE][+-]?[0-9]+)?$/.test(s)) return null;
  if (s.includes('_')) return null;
  const f = Number(s);
  return Number.isFinite(f) ? f : null;
}

/** spf13/cast ToFloat64 (errors swallowed to 0). */
export function castFloat64(v: Dyn | null): number {
  if (v === null) return 0;
  if (isJsonNumber(v)) return parseGoFloat(v.toString()) ?? 0;
  const kind = typeOf(v).kind;
  switch (kind) {
    case 'int':
    case 'int64':
    case 'uint8':
    case 'uint64':
      return Number(intOf(v));
    case 'float64':
      return v as number;
    case 'bool':
      return v === true ? 1 : 0;
    case 'string':
      if (typeOf(v) !== T.string) return 0;
      return parseGoFloat(stringText(stringOf(v))) ?? 0;
    default:
      return 0;
  }
}

export function int64(v: bigint): Typed {
  return new Typed(T.int64, BigInt.asIntN(64, v));
}

/** reflect.DeepEqual for template values. */
export function deepEqual(a: Dyn | null, b: Dyn | null): boolean {
  if (a === null || b === null) return a === b;
  const ta = typeOf(a);
  const tb = typeOf(b);
  if (ta.name !== tb.name) return false;
  switch (ta.kind) {
    case 'string':
      return stringText(stringOf(a)) === stringText(stringOf(b));
    case 'int':
    case 'int64':
    case 'uint8':
    case 'uint64':
      return intOf(a) === intOf(b);
    case 'float64':
      return a === b;
    case 'bool':
      return a === b;
    case 'slice': {
      const x = sliceItems(a);
      const y = sliceItems(b);
      if (x === null || y === null) return x === y;
      return x.length === y.length && x.every((item, i) => deepEqual(slot(item), slot(y[i])));
    }
    case 'map': {
      const x = mapRecord(a);
      const y = mapRecord(b);
      if (x === null || y === null) return x === y;
      const kx = Object.keys(x);
      if (kx.length !== Object.keys(y).length) return false;
      return kx.every((k) => Object.prototype.hasOwnProperty.call(y, k) && deepEqual(slot(x[k]), slot(y[k])));
    }
    default:
      if (a instanceof Typed && b instanceof Typed) return JSON.stringify(a.raw, jsonSafe) === JSON.stringify(b.raw, jsonSafe);
      return a === b;
  }
}

function jsonSafe(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? `${value}n` : value;
}

/** A map[string]interface{} argument's entries (a nil map reads as empty). */
export function record(v: Value): Record<string, unknown> {
  return mapRecord(v as Dyn) ?? {};
}

/** Sets a key on a map without touching Object.prototype (keys are data). */
export function put(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

export function has(target: Record<string, unknown>, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(target, key);
}

/** A nil []interface{} (what sprig returns for an empty list in rest/initial/…). */
export const NIL_SLICE_ANY = new Typed(SLICE_ANY, null);

export { isPlainObject, MAP_ANY, SLICE_ANY, T, Typed, GoBytes };
