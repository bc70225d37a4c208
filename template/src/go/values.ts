// Go's type system, as far as templates can observe it. Values are kept in cheap JS forms and
// carry their Go type implicitly (see `typeOf`): JSON data is used as parsed, without copying.
//
//   Go value                      JS form
//   string                        string, or GoBytes when the bytes are not valid UTF-8
//   json.Number                   JsonNumber (lossless-json's LosslessNumber)
//   bool / float64 / int          boolean / number / bigint
//   []interface{}                 Array (elements: Dyn or null for nil)
//   map[string]interface{}        plain object (values: Dyn or null for nil)
//   anything else                 Typed { type, raw } (int64, []string, nil maps, *Struct, ...)
//
// A reflect.Value is a `Value`: undefined (the invalid Value, "<no value>"), an Iface (a value of
// static type interface{}, as read out of a map or slice), or a concrete Dyn.
import { JsonNumber, isJsonNumber } from '../../../common/src/vault-json.js';

export type Kind =
  | 'bool'
  | 'int'
  | 'int64'
  | 'uint8'
  | 'uint64'
  | 'float64'
  | 'complex128'
  | 'string'
  | 'map'
  | 'slice'
  | 'ptr'
  | 'struct'
  | 'interface'
  | 'func';

export interface StructField {
  readonly name: string;
  readonly type: GoType;
}

export interface GoType {
  readonly name: string;
  readonly kind: Kind;
  readonly elem?: GoType;
  readonly key?: GoType;
  readonly fields?: readonly StructField[];
  /** Methods by name (e.g. PemEncoded.Data, Scratch.Set): parameters (none when absent), result. */
  readonly methods?: Readonly<Record<string, GoMethod>>;
  /** fmt.Stringer: how fmt prints a value of this type (time.Time, *semver.Version). */
  readonly stringer?: (value: Dyn) => string;
}

export interface GoMethod {
  readonly params?: readonly GoType[];
  readonly result: GoType;
  /** Receives arguments converted as Go would; throws FuncError for a non-nil error result. */
  readonly call: (receiver: Value, args: Value[]) => Value;
}

export class Typed {
  constructor(
    readonly type: GoType,
    readonly raw: unknown,
  ) {}
}

/** A Go string whose bytes are not valid UTF-8 (from slicing, indexing or base64Decode). */
export class GoBytes {
  constructor(readonly bytes: Buffer) {}
}

/** A value whose static type is interface{}; `inner` is null for a nil interface. */
export class Iface {
  constructor(readonly inner: Dyn | null) {}
}

 
export type Dyn = string | boolean | number | bigint | object;
export type Value = undefined | Iface | Dyn;

function basic(name: string, kind: Kind): GoType {
  return { name, kind };
}

export const T = {
  string: basic('string', 'string'),
  jsonNumber: basic('json.Number', 'string'),
  bool: basic('bool', 'bool'),
  int: basic('int', 'int'),
  int64: basic('int64', 'int64'),
  uint8: basic('uint8', 'uint8'),
  /** Only Sprig's derivePassword takes one; it behaves as the other unsigned integers here. */
  uint32: basic('uint32', 'uint64'),
  uint64: basic('uint64', 'uint64'),
  float64: basic('float64', 'float64'),
  complex128: basic('complex128', 'complex128'),
  iface: basic('interface {}', 'interface'),
  /** reflect.Value parameters of the builtins: take the argument as it is. */
  reflectValue: basic('reflect.Value', 'struct'),
} as const;

const sliceTypes = new Map<GoType, GoType>();
const mapTypes = new Map<GoType, GoType>();
const ptrTypes = new Map<GoType, GoType>();

export function sliceOf(elem: GoType): GoType {
  let t = sliceTypes.get(elem);
  if (t === undefined) {
    t = { name: `[]${elem.name}`, kind: 'slice', elem };
    sliceTypes.set(elem, t);
  }
  return t;
}

/** map[string]X (the only key type templates meet). */
export function mapOf(elem: GoType): GoType {
  let t = mapTypes.get(elem);
  if (t === undefined) {
    t = { name: `map[string]${elem.name}`, kind: 'map', key: T.string, elem };
    mapTypes.set(elem, t);
  }
  return t;
}

export function ptrTo(elem: GoType): GoType {
  let t = ptrTypes.get(elem);
  if (t === undefined) {
    t = { name: `*${elem.name}`, kind: 'ptr', elem };
    ptrTypes.set(elem, t);
  }
  return t;
}

export const MAP_ANY = mapOf(T.iface);
export const SLICE_ANY = sliceOf(T.iface);
export const SLICE_STRING = sliceOf(T.string);
export const MAP_STRING = mapOf(T.string);

export function isPlainObject(value: object): value is Record<string, unknown> {
  return !Array.isArray(value) && !(value instanceof Typed) && !(value instanceof GoBytes) && !isJsonNumber(value) && !(value instanceof Iface);
}

/** The dynamic Go type of a concrete value. */
export function typeOf(value: Dyn): GoType {
  switch (typeof value) {
    case 'string':
      return T.string;
    case 'boolean':
      return T.bool;
    case 'number':
      return T.float64;
    case 'bigint':
      return T.int;
    default:
      if (value instanceof Typed) return value.type;
      if (Array.isArray(value)) return SLICE_ANY;
      if (value instanceof GoBytes) return T.string;
      if (isJsonNumber(value)) return T.jsonNumber;
      return MAP_ANY;
  }
}

export function typeOfValue(value: Value): GoType | undefined {
  if (value === undefined) return undefined;
  if (value instanceof Iface) return T.iface;
  return typeOf(value);
}

export function kindOf(value: Value): Kind | 'invalid' {
  if (value === undefined) return 'invalid';
  if (value instanceof Iface) return 'interface';
  return typeOf(value).kind;
}

/** Converts a JS nil-able slot (null = nil) into a Value of static type interface{}. */
function ifaceOf(inner: unknown): Iface {
  return new Iface(inner === null || inner === undefined ? null : (inner));
}

/** reflect.Zero(t). */
export function zeroOf(type: GoType): Value {
  switch (type.kind) {
    case 'string':
      return type === T.string ? '' : new Typed(type, '');
    case 'bool':
      return false;
    case 'int':
      return 0n;
    case 'int64':
    case 'uint8':
    case 'uint64':
      return new Typed(type, 0n);
    case 'float64':
      return 0;
    case 'interface':
      return new Iface(null);
    default:
      return new Typed(type, null);
  }
}

/** Whether a value of kind ptr/map/slice/interface is nil. */
export function isNilValue(value: Value): boolean {
  if (value === undefined) return true;
  if (value instanceof Iface) return value.inner === null;
  if (value instanceof Typed) {
    const kind = value.type.kind;
    if (kind === 'ptr' || kind === 'map' || kind === 'slice' || kind === 'func') return value.raw === null;
  }
  return false;
}

/** indirect(): through pointers and interfaces until a non-pointer, stopping at nil. */
export function indirect(value: Value): { value: Value; isNil: boolean } {
  let current = value;
  for (;;) {
    if (current instanceof Iface) {
      if (current.inner === null) return { value: current, isNil: true };
      current = current.inner;
      continue;
    }
    if (current instanceof Typed && current.type.kind === 'ptr') {
      if (current.raw === null) return { value: current, isNil: true };
      current = new Typed(current.type.elem as GoType, current.raw);
      continue;
    }
    return { value: current, isNil: false };
  }
}

export function indirectInterface(value: Value): Value {
  if (value instanceof Iface) return value.inner === null ? undefined : value.inner;
  return value;
}

/** Length of the valid UTF-8 sequence at i (Go's utf8.DecodeRune rules), or 0 when invalid. */
function utf8SequenceLength(bytes: Buffer, i: number): number {
  const b0 = bytes[i] as number;
  if (b0 < 0x80) return 1;
  const need = b0 >= 0xc2 && b0 <= 0xdf ? 2 : b0 >= 0xe0 && b0 <= 0xef ? 3 : b0 >= 0xf0 && b0 <= 0xf4 ? 4 : 0;
  if (need === 0 || i + need > bytes.length) return 0;
  const b1 = bytes[i + 1] as number;
  let lo = 0x80;
  let hi = 0xbf;
  if (b0 === 0xe0) lo = 0xa0;
  else if (b0 === 0xed) hi = 0x9f;
  else if (b0 === 0xf0) lo = 0x90;
  else if (b0 === 0xf4) hi = 0x8f;
  if (b1 < lo || b1 > hi) return 0;
  for (let k = 2; k < need; k += 1) {
    const b = bytes[i + k] as number;
    if (b < 0x80 || b > 0xbf) return 0;
  }
  return need;
}

/** The width of the rune at i as Go's range loop steps: a valid sequence's length, else 1 (an invalid byte is one rune). */
export function goRuneWidth(bytes: Buffer, i: number): number {
  return utf8SequenceLength(bytes, i) || 1;
}

/**
 * Go strings as JS text. Bytes that are not valid UTF-8 become lone surrogates U+DC80..U+DCFF
 * ("surrogate escapes"), so string functions treat each one as a single rune, as Go does, and
 * goStringFromText turns them back into the same bytes.
 */
export function stringText(value: string | GoBytes | Typed): string {
  if (typeof value === 'string') return value;
  if (value instanceof GoBytes) {
    const bytes = value.bytes;
    let out = '';
    let i = 0;
    while (i < bytes.length) {
      const n = utf8SequenceLength(bytes, i);
      if (n === 0) {
        out += String.fromCharCode(0xdc00 + (bytes[i] as number));
        i += 1;
      } else {
        out += bytes.toString('utf8', i, i + n);
        i += n;
      }
    }
    return out;
  }
  return stringText(value.raw as string | GoBytes);
}

/**
 * A Go string's bytes as text the way Go's range loop, json encoder and error texts see them: each
 * byte that does not start a valid UTF-8 sequence becomes one U+FFFD. (Node's decoder follows the
 * WHATWG rule instead and makes one U+FFFD of a truncated sequence such as F0 9F 98, where Go makes three.)
 */
export function goLossyText(bytes: Buffer): string {
  let out = '';
  let run = 0;
  let i = 0;
  while (i < bytes.length) {
    const n = utf8SequenceLength(bytes, i);
    if (n === 0) {
      out += `${bytes.toString('utf8', run, i)}\ufffd`;
      i += 1;
      run = i;
    } else i += n;
  }
  return out + bytes.toString('utf8', run, bytes.length);
}

/** A Go string as text for messages and JSON: valid text as it is, invalid bytes as U+FFFD each. */
export function goDisplayText(value: string | GoBytes): string {
  return typeof value === 'string' ? value : goLossyText(value.bytes);
}

/**
 * strings.Split(s, "") on a Go string held as text (surrogate escapes for invalid bytes): one
 * element per rune, where go1.19's explode turns an invalid byte into U+FFFD in every element but
 * the last, which keeps the rest of the string as it is (https://github.com/golang/go/blob/go1.19/src/strings/strings.go).
 */
export function goExplode(text: string): string[] {
  const runes = [...text];
  for (let i = 0; i < runes.length - 1; i += 1) {
    const c = (runes[i] as string).charCodeAt(0);
    if (c >= 0xdc80 && c <= 0xdcff) runes[i] = '\ufffd';
  }
  return runes;
}

const LONE_ESCAPE = /(?<![\ud800-\udbff])[\udc80-\udcff]/;

/** The Go string for a JS text, turning surrogate escapes back into their bytes. */
export function goStringFromText(text: string): string | GoBytes {
  if (!LONE_ESCAPE.test(text)) return text;
  const parts: Buffer[] = [];
  let run = '';
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    const prev = i > 0 ? text.charCodeAt(i - 1) : 0;
    if (c >= 0xdc80 && c <= 0xdcff && !(prev >= 0xd800 && prev <= 0xdbff)) {
      parts.push(Buffer.from(run, 'utf8'), Buffer.from([c - 0xdc00]));
      run = '';
    } else run += text[i] ?? '';
  }
  parts.push(Buffer.from(run, 'utf8'));
  return goStringFromBytes(Buffer.concat(parts));
}

export function stringBytes(value: string | GoBytes): Buffer {
  return typeof value === 'string' ? Buffer.from(value, 'utf8') : value.bytes;
}

/** The Go string held by a string-kind value (string, GoBytes, json.Number, named string). */
export function stringOf(value: Dyn): string | GoBytes {
  if (typeof value === 'string' || value instanceof GoBytes) return value;
  if (isJsonNumber(value)) return value.toString();
  if (value instanceof Typed) return value.raw as string | GoBytes;
  throw new Error('not a string');
}

/** Makes a Go string from bytes, keeping a JS string whenever the bytes are valid UTF-8. */
export function goStringFromBytes(bytes: Buffer): string | GoBytes {
  const text = bytes.toString('utf8');
  if (!text.includes('\ufffd')) return text;
  return Buffer.from(text, 'utf8').equals(bytes) ? text : new GoBytes(Buffer.from(bytes));
}

export function goStringLength(value: string | GoBytes): number {
  if (typeof value !== 'string') return value.bytes.length;
  // Fast path: pure ASCII strings have as many bytes as UTF-16 units.
  for (let i = 0; i < value.length; i += 1) if (value.charCodeAt(i) > 0x7f) return Buffer.byteLength(value, 'utf8');
  return value.length;
}

/** Compares Go strings byte-wise (UTF-8 order equals code point order). */
export function compareGoStrings(a: string | GoBytes, b: string | GoBytes): number {
  if (typeof a === 'string' && typeof b === 'string') {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i += 1) {
      const x = a.charCodeAt(i);
      const y = b.charCodeAt(i);
      if (x === y) continue;
      // Surrogates (astral code points) sort after the rest of the BMP in UTF-8.
      const xs = x >= 0xd800 && x <= 0xdfff;
      const ys = y >= 0xd800 && y <= 0xdfff;
      if (xs !== ys) return xs ? 1 : -1;
      return x < y ? -1 : 1;
    }
    return a.length - b.length;
  }
  return Buffer.compare(stringBytes(a), stringBytes(b));
}

export function goStringEquals(a: string | GoBytes, b: string | GoBytes): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a === b;
  return stringBytes(a).equals(stringBytes(b));
}

// --- maps and slices ---------------------------------------------------------------------------

/** Entries of a map value (null for a nil map). Values are raw slots: Dyn/null for interface maps. */
export function mapRecord(value: Dyn): Record<string, unknown> | null {
  if (value instanceof Typed) return value.raw as Record<string, unknown> | null;
  return value as Record<string, unknown>;
}

export function mapElemType(value: Dyn): GoType {
  return value instanceof Typed ? (value.type.elem as GoType) : T.iface;
}

function mapKeys(record: Record<string, unknown> | null): string[] {
  return record === null ? [] : Object.keys(record);
}

export function sortedMapKeys(record: Record<string, unknown> | null): string[] {
  return mapKeys(record).sort(compareGoStrings);
}

/** MapIndex: the element as a Value of the map's element type, or undefined when absent. */
export function mapIndex(map: Dyn, key: string): Value {
  const record = mapRecord(map);
  if (record === null || !Object.prototype.hasOwnProperty.call(record, key)) return undefined;
  return wrapElem(mapElemType(map), record[key]);
}

export function wrapElem(elemType: GoType, slot: unknown): Value {
  if (elemType.kind === 'interface') return ifaceOf(slot);
  if (elemType === T.string) return slot as string;
  return slot as Dyn;
}

/**
 * The int64 values start, start+1, …, stop-1, made when asked for: consul-template's `loop` hands
 * range a channel, so `range loop N` walks the values one by one instead of first building N of them.
 */
export class Int64Run {
  private built: Typed[] | null = null;
  constructor(
    readonly start: bigint,
    readonly stop: bigint,
  ) {}

  get length(): number {
    return this.stop > this.start ? Number(this.stop - this.start) : 0;
  }

  at(i: number): Typed {
    return new Typed(T.int64, this.start + BigInt(i));
  }

  /** Every value, for the uses that need a list (built once). */
  items(): Typed[] {
    if (this.built === null) {
      const n = this.length;
      const items = new Array<Typed>(n);
      for (let i = 0; i < n; i += 1) items[i] = this.at(i);
      this.built = items;
    }
    return this.built;
  }
}

export function sliceItems(value: Dyn): readonly unknown[] | null {
  if (value instanceof Typed) {
    const raw = value.raw;
    return raw instanceof Int64Run ? raw.items() : (raw as unknown[] | null);
  }
  return value as unknown[];
}

export function sliceElemType(value: Dyn): GoType {
  return value instanceof Typed ? (value.type.elem as GoType) : T.iface;
}

/** Builds a slice value of the given type from items. */
export function makeSlice(type: GoType, items: unknown[]): Dyn {
  return type === SLICE_ANY ? items : new Typed(type, items);
}

/** Integer payload of an int/int64/uint8 value. */
export function intOf(value: Dyn): bigint {
  if (typeof value === 'bigint') return value;
  return (value as Typed).raw as bigint;
}

/** A json.Number holding any text (Go does not validate a json.Number made by slicing one). */
function makeJsonNumber(text: string): JsonNumber {
  const number = Object.create(JsonNumber.prototype) as JsonNumber;
  Object.defineProperty(number, 'value', { value: text, enumerable: true });
  Object.defineProperty(number, 'isLosslessNumber', { value: true, enumerable: true });
  return number;
}

/** A string-kind value of the same Go type as `like` (string or json.Number). */
export function sameStringType(like: Dyn, value: string | GoBytes): Dyn {
  if (isJsonNumber(like)) return makeJsonNumber(typeof value === 'string' ? value : value.bytes.toString('utf8'));
  return value;
}
