// text/template's builtin functions (funcs.go): and or not len index slice print printf println
// html js urlquery call eq ne lt le gt ge, with Go's argument handling and error texts.
import { FuncError, type GoFunction, truth } from './exec.js';
import { type Arg, goSprint, goSprintf, goSprintln, toArg } from './fmt.js';
import { isGoPrint } from '../../../common/src/go-quote.js';
import type {
  GoBytes} from './values.js';
import {
  Iface,
  T,
  Typed,
  type Dyn,
  type GoType,
  type Value,
  compareGoStrings,
  goDisplayText,
  goStringEquals,
  goStringFromBytes,
  goStringLength,
  indirect,
  indirectInterface,
  intOf,
  isNilValue,
  kindOf,
  mapElemType,
  mapIndex,
  mapRecord,
  makeSlice,
  sameStringType,
  sliceElemType,
  sliceItems,
  stringBytes,
  stringOf,
  stringText,
  typeOf,
  typeOfValue,
  wrapElem,
  zeroOf,
} from './values.js';

type BasicKind = 'invalid' | 'bool' | 'complex' | 'int' | 'float' | 'string' | 'uint';

function basicKind(value: Value): BasicKind {
  switch (kindOf(value)) {
    case 'bool':
      return 'bool';
    case 'int':
    case 'int64':
      return 'int';
    case 'uint8':
    case 'uint64':
      return 'uint';
    case 'float64':
      return 'float';
    case 'complex128':
      return 'complex';
    case 'string':
      return 'string';
    default:
      return 'invalid';
  }
}

const errBadComparisonType = 'invalid type for comparison';
const errBadComparison = 'incompatible types for comparison';
const errNoComparison = 'missing argument for comparison';

function sprint(format: string, ...values: Value[]): string {
  return goDisplayText(goSprintf(format, values.map(toArg)));
}

function typeName(value: Value): string {
  return typeOfValue(value)?.name ?? '<nil>';
}

function isComparableType(type: GoType): boolean {
  switch (type.kind) {
    case 'map':
    case 'slice':
    case 'func':
      return false;
    case 'struct':
      return (type.fields ?? []).every((f) => isComparableType(f.type));
    default:
      return true;
  }
}

function floatOf(value: Value): number {
  return value as number;
}

function complexOf(value: Value): { re: number; im: number } {
  return (value as Typed).raw as { re: number; im: number };
}

function sameInterface(a: Dyn, b: Dyn): boolean {
  if (a instanceof Typed && b instanceof Typed) {
    if (a.type !== b.type) return false;
    if (a.type.kind === 'ptr') return a.raw === b.raw;
    if (a.type.kind === 'struct') {
      const fa = a.raw as Record<string, Dyn>;
      const fb = b.raw as Record<string, Dyn>;
      return (a.type.fields ?? []).every((f) => sameInterface(fa[f.name] as Dyn, fb[f.name] as Dyn));
    }
    return a.raw === b.raw;
  }
  return a === b;
}

function goEq(arg1In: Value, rest: readonly Value[]): boolean {
  const arg1 = indirectInterface(arg1In);
  if (rest.length === 0) throw new FuncError(errNoComparison);
  const k1 = basicKind(arg1);
  for (const argIn of rest) {
    const arg = indirectInterface(argIn);
    const k2 = basicKind(arg);
    let result = false;
    if (k1 !== k2) {
      if (k1 === 'int' && k2 === 'uint') result = intOf(arg1 as Dyn) >= 0n && intOf(arg1 as Dyn) === intOf(arg as Dyn);
      else if (k1 === 'uint' && k2 === 'int') result = intOf(arg as Dyn) >= 0n && intOf(arg1 as Dyn) === intOf(arg as Dyn);
      else if (arg1 !== undefined && arg !== undefined) throw new FuncError(errBadComparison);
    } else {
      switch (k1) {
        case 'bool':
          result = arg1 === arg;
          break;
        case 'complex':
          result = complexOf(arg1).re === complexOf(arg).re && complexOf(arg1).im === complexOf(arg).im;
          break;
        case 'float':
          result = floatOf(arg1) === floatOf(arg);
          break;
        case 'int':
        case 'uint':
          result = intOf(arg1 as Dyn) === intOf(arg as Dyn);
          break;
        case 'string':
          result = goStringEquals(stringOf(arg1 as Dyn), stringOf(arg as Dyn));
          break;
        default: {
          const ka = kindOf(arg1);
          const kb = kindOf(arg);
          if (!(ka === kb || ka === 'invalid' || kb === 'invalid')) {
            throw new FuncError(
              `non-comparable types ${sprint('%s', arg1)}: ${typeName(arg1)}, ${typeName(arg)}: ${sprint('%v', arg)}`,
            );
          }
          const nil1 = isNilValue(arg1);
          const nil2 = isNilValue(arg);
          if (nil1 || nil2) result = nil1 === nil2;
          else {
            if (!isComparableType(typeOf(arg as Dyn))) {
              throw new FuncError(`non-comparable type ${sprint('%s', arg)}: ${typeName(arg)}`);
            }
            result = sameInterface(arg1 as Dyn, arg as Dyn);
          }
        }
      }
    }
    if (result) return true;
  }
  return false;
}

function goLt(arg1In: Value, arg2In: Value): boolean {
  const arg1 = indirectInterface(arg1In);
  const k1 = basicKind(arg1);
  if (k1 === 'invalid') throw new FuncError(errBadComparisonType);
  const arg2 = indirectInterface(arg2In);
  const k2 = basicKind(arg2);
  if (k2 === 'invalid') throw new FuncError(errBadComparisonType);
  if (k1 !== k2) {
    if (k1 === 'int' && k2 === 'uint') return intOf(arg1 as Dyn) < 0n || intOf(arg1 as Dyn) < intOf(arg2 as Dyn);
    if (k1 === 'uint' && k2 === 'int') return intOf(arg2 as Dyn) >= 0n && intOf(arg1 as Dyn) < intOf(arg2 as Dyn);
    throw new FuncError(errBadComparison);
  }
  switch (k1) {
    case 'bool':
    case 'complex':
      throw new FuncError(errBadComparisonType);
    case 'float':
      return floatOf(arg1) < floatOf(arg2);
    case 'int':
    case 'uint':
      return intOf(arg1 as Dyn) < intOf(arg2 as Dyn);
    default:
      return compareGoStrings(stringOf(arg1 as Dyn), stringOf(arg2 as Dyn)) < 0;
  }
}

function goLe(a: Value, b: Value): boolean {
  return goLt(a, b) || goEq(a, [b]);
}

// --- index / slice / len ------------------------------------------------------------------------

function indexArg(index: Value, cap: number): number {
  let x: bigint;
  switch (kindOf(index)) {
    case 'int':
    case 'int64':
    case 'uint8':
    case 'uint64':
      x = intOf(index as Dyn);
      break;
    case 'invalid':
      throw new FuncError('cannot index slice/array with nil');
    default:
      throw new FuncError(`cannot index slice/array with type ${typeName(index)}`);
  }
  if (x < 0n || x > BigInt(cap)) throw new FuncError(`index out of range: ${x}`);
  return Number(x);
}

function goIndex(itemIn: Value, indexes: readonly Value[]): Value {
  let item = indirectInterface(itemIn);
  if (item === undefined) throw new FuncError('index of untyped nil');
  for (const indexIn of indexes) {
    const index = indirectInterface(indexIn);
    const deref = indirect(item);
    if (deref.isNil) throw new FuncError('index of nil pointer');
    item = deref.value;
    switch (kindOf(item)) {
      case 'slice': {
        const items = sliceItems(item as Dyn) ?? [];
        const x = indexArg(index, items.length);
        if (x >= items.length) throw new FuncError('reflect: slice index out of range');
        item = wrapElem(sliceElemType(item as Dyn), items[x]);
        break;
      }
      case 'string': {
        const s = stringOf(item as Dyn);
        const x = indexArg(index, goStringLength(s));
        const bytes = stringBytes(s);
        if (x >= bytes.length) throw new FuncError('reflect: string index out of range');
        item = new Typed(T.uint8, BigInt(bytes[x] as number));
        break;
      }
      case 'map': {
        // map[interface{}]interface{} (parseYAML) takes any key; its keys are kept as the text they
        // print as, so a non-string index is looked up by that text.
        if (typeOf(item as Dyn).key?.kind === 'interface' && (index === undefined || typeOfValue(index) !== T.string)) {
          const text = index === undefined ? '<nil>' : typeof index === 'bigint' || typeof index === 'boolean' || typeof index === 'number' ? String(index) : undefined;
          const found = text === undefined ? undefined : mapIndex(item as Dyn, text);
          item = found !== undefined ? found : zeroOf(mapElemType(item as Dyn));
          break;
        }
        if (index === undefined) throw new FuncError('value is nil; should be of type string');
        if (typeOfValue(index) !== T.string) throw new FuncError(`value has type ${typeName(index)}; should be string`);
        // Invalid bytes stay surrogate escapes, so they never match a decoded key holding U+FFFD.
        const key = stringText(index as string | GoBytes);
        const found = mapIndex(item as Dyn, key);
        item = found !== undefined ? found : zeroOf(mapElemType(item as Dyn));
        break;
      }
      default:
        throw new FuncError(`can't index item of type ${typeName(item)}`);
    }
  }
  return item;
}

function goSlice(itemIn: Value, indexes: readonly Value[]): Value {
  const item = indirectInterface(itemIn);
  if (item === undefined) throw new FuncError('slice of untyped nil');
  if (indexes.length > 3) throw new FuncError(`too many slice indexes: ${indexes.length}`);
  let cap: number;
  let len: number;
  const kind = kindOf(item);
  if (kind === 'string') {
    if (indexes.length === 3) throw new FuncError('cannot 3-index slice a string');
    len = cap = goStringLength(stringOf(item));
  } else if (kind === 'slice') {
    len = cap = sliceItems(item)?.length ?? 0;
  } else throw new FuncError(`can't slice item of type ${typeName(item)}`);
  let view: SliceView | undefined;
  if (kind === 'slice') {
    view = sliceView(item);
    cap = view.cap;
  }
  const idx = [0, len, 0];
  indexes.forEach((index, i) => {
    idx[i] = indexArg(index, cap);
  });
  const [i0 = 0, i1 = 0, i2 = 0] = idx;
  if (i0 > i1) throw new FuncError(`invalid slice index: ${i0} > ${i1}`);
  if (indexes.length === 3 && i1 > i2) throw new FuncError(`invalid slice index: ${i1} > ${i2}`);
  if (kind === 'string') {
    const s = stringOf(item);
    if (typeof s === 'string' && s.length === len) return sameStringType(item, s.slice(i0, i1));
    return sameStringType(item, goStringFromBytes(stringBytes(s).subarray(i0, i1)));
  }
  const { base, offset } = view as SliceView;
  const out: unknown[] = [];
  for (let k = offset + i0; k < offset + i1; k += 1) out.push(k < base.length ? base[k] : null);
  const newCap = (indexes.length === 3 ? i2 : cap) - i0;
  const newView: SliceView = { base, offset: offset + i0, cap: newCap };
  Object.defineProperty(out, SLICE_VIEW, { value: newView });
  return makeSlice(typeOf(item), out);
}

/** A Go slice's window on its backing array: slicing may reach past len, up to cap. */
interface SliceView {
  readonly base: readonly unknown[];
  readonly offset: number;
  readonly cap: number;
}

const SLICE_VIEW = Symbol('goSliceView');

/**
 * The capacity Go gives a []interface{} that encoding/json built by appending to make([]any, 0):
 * append doubles up to 256 elements (16-byte elements fill Go's size classes exactly there).
 */
function jsonArrayCap(length: number): number {
  if (length === 0 || length > 256) return length;
  let cap = 1;
  while (cap < length) cap *= 2;
  return cap;
}

function sliceView(value: Dyn): SliceView {
  const items = sliceItems(value) ?? [];
  const existing = (items as { [SLICE_VIEW]?: SliceView })[SLICE_VIEW];
  if (existing !== undefined) return existing;
  // Plain arrays come from JSON decoding; typed slices (split, ...) are allocated at their length.
  return { base: items, offset: 0, cap: Array.isArray(value) ? jsonArrayCap(items.length) : items.length };
}

function goLen(itemIn: Value): bigint {
  const { value: item, isNil } = indirect(itemIn);
  if (isNil) throw new FuncError('len of nil pointer');
  switch (kindOf(item)) {
    case 'string':
      return BigInt(goStringLength(stringOf(item as Dyn)));
    case 'slice':
      return BigInt(sliceItems(item as Dyn)?.length ?? 0);
    case 'map': {
      const record = mapRecord(item as Dyn);
      return BigInt(record === null ? 0 : Object.keys(record).length);
    }
    case 'invalid':
      throw new FuncError('reflect: call of reflect.Value.Type on zero Value');
    default:
      throw new FuncError(`len of type ${typeName(item)}`);
  }
}

// --- escapers -----------------------------------------------------------------------------------

/** evalArgs: a single string argument as is, else the arguments printed with Sprint. */
function evalArgs(args: readonly Value[]): string | GoBytes {
  if (args.length === 1) {
    const only = toArg(args[0]);
    if (only !== null && typeOf(only) === T.string) return only as string | GoBytes;
  }
  const printable: Arg[] = args.map((arg) => {
    let v = toArg(arg);
    if (v instanceof Typed && v.type.kind === 'ptr' && v.raw !== null) v = indirect(v).value as Dyn;
    return v === null ? '<no value>' : v;
  });
  return goSprint(printable);
}

function htmlEscape(s: string | GoBytes): string | GoBytes {
  const text = typeof s === 'string' ? s : s.bytes.toString('latin1');
  if (!/['"&<>\0]/.test(text)) return s;
  const escaped = text.replace(/['"&<>\0]/g, (c) => {
    switch (c) {
      case '"':
        return '&#34;';
      case "'":
        return '&#39;';
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      case '>':
        return '&gt;';
      default:
        return typeof s === 'string' ? '\ufffd' : Buffer.from('\ufffd', 'utf8').toString('latin1');
    }
  });
  return typeof s === 'string' ? escaped : goStringFromBytes(Buffer.from(escaped, 'latin1'));
}

const JS_ASCII_ESCAPES: readonly (string | undefined)[] = Array.from({ length: 0x80 }, (_, c) => {
  switch (c) {
    case 0x5c:
      return '\\\\';
    case 0x27:
      return "\\'";
    case 0x22:
      return '\\"';
    case 0x3c:
      return '\\u003C';
    case 0x3e:
      return '\\u003E';
    case 0x26:
      return '\\u0026';
    case 0x3d:
      return '\\u003D';
    default:
      return c < 0x20 ? `\\u00${c.toString(16).toUpperCase().padStart(2, '0')}` : undefined;
  }
});

/**
 * JSEscapeString on valid text, by UTF-16 units with slices between escapes (the byte walk below
 * made two Buffers per escaped character: seconds for a megabyte of `<`). A lone surrogate is
 * what Go would have read as U+FFFD, which is printable, so it stays.
 */
function jsEscapeText(s: string): string {
  let out = '';
  let last = 0;
  for (let i = 0; i < s.length; i += 1) {
    const c = s.charCodeAt(i);
    let rep: string | undefined;
    let width = 1;
    if (c < 0x80) {
      rep = JS_ASCII_ESCAPES[c];
      if (rep === undefined) continue;
    } else {
      let cp = c;
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
        const d = s.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          cp = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          width = 2;
        }
      }
      if ((cp >= 0xd800 && cp <= 0xdfff) || isGoPrint(cp)) {
        i += width - 1;
        continue;
      }
      rep = `\\u${cp.toString(16).toUpperCase().padStart(4, '0')}`;
    }
    out += s.slice(last, i) + rep;
    i += width - 1;
    last = i + 1;
  }
  return last === 0 ? s : out + s.slice(last);
}

function jsEscape(s: string | GoBytes): string | GoBytes {
  if (typeof s === 'string') return jsEscapeText(s);
  const bytes = stringBytes(s);
  const out: Buffer[] = [];
  let last = 0;
  const hex = '0123456789ABCDEF';
  for (let i = 0; i < bytes.length; i += 1) {
    const c = bytes[i] as number;
    const special = c === 0x5c || c === 0x27 || c === 0x22 || c === 0x3c || c === 0x3e || c === 0x26 || c === 0x3d || c < 0x20 || c >= 0x80;
    if (!special) continue;
    out.push(bytes.subarray(last, i));
    if (c < 0x80) {
      let rep: string;
      switch (c) {
        case 0x5c:
          rep = '\\\\';
          break;
        case 0x27:
          rep = "\\'";
          break;
        case 0x22:
          rep = '\\"';
          break;
        case 0x3c:
          rep = '\\u003C';
          break;
        case 0x3e:
          rep = '\\u003E';
          break;
        case 0x26:
          rep = '\\u0026';
          break;
        case 0x3d:
          rep = '\\u003D';
          break;
        default:
          rep = `\\u00${hex[c >> 4]}${hex[c & 0xf]}`;
      }
      out.push(Buffer.from(rep, 'latin1'));
    } else {
      const size = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
      const chunk = bytes.subarray(i, i + size);
      const text = chunk.toString('utf8');
      const valid = size > 1 && text.length <= 2 && Buffer.from(text, 'utf8').equals(chunk);
      if (!valid) {
        // utf8.RuneError (printable): the byte is copied as is.
        out.push(bytes.subarray(i, i + 1));
      } else {
        const cp = text.codePointAt(0) as number;
        if (isGoPrint(cp)) out.push(chunk);
        else out.push(Buffer.from(`\\u${cp.toString(16).toUpperCase().padStart(4, '0')}`, 'latin1'));
        i += size - 1;
      }
    }
    last = i + 1;
  }
  if (out.length === 0) return s;
  out.push(bytes.subarray(last));
  return goStringFromBytes(Buffer.concat(out));
}

/** url.QueryEscape's byte map: unreserved bytes as they are, space as +, the rest %XX. */
const QUERY_ESCAPES: readonly string[] = Array.from({ length: 256 }, (_, byte) => {
  const c = String.fromCharCode(byte);
  if (/[A-Za-z0-9\-_.~]/.test(c)) return c;
  return c === ' ' ? '+' : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
});

function urlQueryEscape(s: string | GoBytes): string {
  const bytes = stringBytes(s);
  const parts = new Array<string>(bytes.length);
  for (let i = 0; i < bytes.length; i += 1) parts[i] = QUERY_ESCAPES[bytes[i] as number] as string;
  return parts.join('');
}

// --- the table -------------------------------------------------------------------------------------

const RV = T.reflectValue;
const ANY = T.iface;

function fn<Ctx>(params: GoType[], result: GoType, call: (args: Value[]) => Value, variadic?: GoType): GoFunction<Ctx> & { builtin: true } {
  return variadic === undefined ? { params, result, call, builtin: true } : { params, variadic, result, call, builtin: true };
}

export function builtinFunctions<Ctx>(): Map<string, GoFunction<Ctx> & { builtin?: boolean }> {
  const table = new Map<string, GoFunction<Ctx> & { builtin?: boolean }>();
  const unreachable = (): Value => {
    throw new Error('unreachable');
  };
  table.set('and', fn([RV], RV, unreachable, RV));
  table.set('or', fn([RV], RV, unreachable, RV));
  table.set('not', fn([RV], T.bool, ([a]) => !truth(a)));
  table.set('len', fn([RV], T.int, ([a]) => goLen(a)));
  table.set('index', fn([RV], RV, ([item, ...rest]) => goIndex(item, rest), RV));
  table.set('slice', fn([RV], RV, ([item, ...rest]) => goSlice(item, rest), RV));
  table.set('print', fn([], T.string, (args) => goSprint(args.map(toArg)), ANY));
  table.set('printf', fn([T.string], T.string, ([format, ...args]) => goSprintf(textOf(format), args.map(toArg)), ANY));
  table.set('println', fn([], T.string, (args) => goSprintln(args.map(toArg)), ANY));
  table.set('html', fn([], T.string, (args) => htmlEscape(evalArgs(args)), ANY));
  table.set('js', fn([], T.string, (args) => jsEscape(evalArgs(args)), ANY));
  table.set('urlquery', fn([], T.string, (args) => urlQueryEscape(evalArgs(args)), ANY));
  table.set(
    'call',
    fn(
      [RV],
      RV,
      ([f]) => {
        const target = indirectInterface(f);
        if (target === undefined) throw new FuncError('call of nil');
        throw new FuncError(`non-function of type ${typeName(target)}`);
      },
      RV,
    ),
  );
  table.set('eq', fn([RV], T.bool, ([a, ...rest]) => goEq(a, rest), RV));
  table.set('ne', fn([RV, RV], T.bool, ([a, b]) => !goEq(a, [b])));
  table.set('lt', fn([RV, RV], T.bool, ([a, b]) => goLt(a, b)));
  table.set('le', fn([RV, RV], T.bool, ([a, b]) => goLe(a, b)));
  table.set('gt', fn([RV, RV], T.bool, ([a, b]) => !goLe(a, b)));
  table.set('ge', fn([RV, RV], T.bool, ([a, b]) => !goLt(a, b)));
  return table;
}

/** The format's text; invalid bytes stay surrogate escapes, which the output turns back into those bytes. */
function textOf(value: Value): string {
  return stringText(value as string | GoBytes);
}

export { Iface };
