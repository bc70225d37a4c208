// Sprig's list, dict, default, JSON, reflection and flow-control functions (list.go, dict.go,
// defaults.go, reflect.go): https://github.com/Masterminds/sprig/tree/v3.3.0
import { FuncError } from './exec.js';
import { marshalJson, unmarshalJson } from './json.js';
import {
  ANY,
  MAP_ANY,
  NIL_DEREF,
  NIL_SLICE_ANY,
  S,
  SLICE_ANY,
  SLICE_SLICE_ANY,
  T,
  Typed,
  type SprigFn,
  anyOf,
  castInt,
  deepEqual,
  empty,
  fn,
  has,
  iface,
  isPlainObject,
  kindName,
  listElems,
  put,
  record,
  requireList,
  slot,
  strval,
  text,
} from './sprig-values.js';
import { SLICE_STRING, type Dyn, type Value, mapRecord, sliceItems, typeOf } from './values.js';

type ListFn = (list: (Dyn | null)[], args: Value[]) => Value;

/** A list function and its must- twin: the plain one panics (an error either way in a template). */
function listPair(t: Map<string, SprigFn>, name: string, errorText: (kind: string) => string, result: typeof SLICE_ANY    , body: ListFn, extra: typeof ANY[] = [], variadic?: typeof ANY): void {
  const make = (): SprigFn =>
    fn([ANY, ...extra], result, (args) => body(requireList(anyOf(args[0]), errorText), args.slice(1)), variadic);
  t.set(name, make());
  t.set(`must${name[0]?.toUpperCase() ?? ''}${name.slice(1)}`, make());
}

function nilOr(items: (Dyn | null)[]): Value {
  return items;
}

function copyDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copyDeep);
  if (value instanceof Typed) {
    const raw = value.raw;
    if (Array.isArray(raw)) return new Typed(value.type, raw.map(copyDeep));
    if (raw !== null && typeof raw === 'object' && value.type.kind === 'map') return new Typed(value.type, copyDeep(raw));
    return value;
  }
  if (value !== null && typeof value === 'object' && isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) put(out, key, copyDeep(value[key]));
    return out;
  }
  return value;
}

/** mergo.Merge / MergeWithOverwrite on map[string]interface{}: nested maps merge, empty dst values fill. */
function mergeInto(dst: Record<string, unknown>, src: Record<string, unknown>, overwrite: boolean): void {
  for (const key of Object.keys(src)) {
    const s = slot(src[key]);
    const present = has(dst, key);
    const d = present ? slot(dst[key]) : null;
    if (d !== null && s !== null && isMapValue(d) && isMapValue(s)) {
      mergeInto(mapRecord(d) ?? {}, mapRecord(s) ?? {}, overwrite);
      continue;
    }
    // mergo overwrites map entries with any source value when asked to, empty ones included.
    if (!present || empty(d) || overwrite) put(dst, key, s);
  }
}

function isMapValue(v: Dyn): boolean {
  return typeof v === 'object' && isPlainObject(v);
}

function chunk(size: number, list: (Dyn | null)[]): Typed {
  const l = list.length;
  const count = Math.floor((l - 1) / size) + 1;
  if (size <= 0 || !Number.isFinite(count) || count < 0) throw new FuncError('runtime error: makeslice: len out of range');
  const out: unknown[] = [];
  for (let i = 0; i < count; i += 1) {
    let len = size;
    if (i === count - 1) {
      len = l % size;
      if (len === 0) len = size;
    }
    out.push(list.slice(i * size, i * size + len));
  }
  return new Typed(SLICE_SLICE_ANY, out);
}

function sliceList(listIn: Dyn | null, indices: Value[]): Value {
  if (listIn === null) throw new FuncError(NIL_DEREF);
  if (typeOf(listIn).kind !== 'slice') throw new FuncError(`list should be type of slice or array but ${kindName(listIn)}`);
  const items = sliceItems(listIn) ?? [];
  const l = items.length;
  if (l === 0) return iface(null);
  const start = indices.length > 0 ? Number(castInt(anyOf(indices[0]))) : 0;
  const end = indices.length < 2 ? l : Number(castInt(anyOf(indices[1])));
  if (start < 0 || end > l || start > end) throw new FuncError('reflect.Value.Slice: slice index out of bounds');
  const part = items.slice(start, end);
  return iface(listIn instanceof Typed ? new Typed(listIn.type, part) : part);
}

function dig(args: Value[]): Value {
  if (args.length < 3) throw new FuncError('dig needs at least three arguments');
  const values = args.map(anyOf);
  let dict = values[values.length - 1] ?? null;
  const fallback = values[values.length - 2] ?? null;
  const keys = values.slice(0, -2).map((k) => {
    if (k === null || typeof k !== 'string') throw new FuncError(`interface conversion: interface {} is ${k === null ? 'nil' : typeOf(k).name}, not string`);
    return k;
  });
  for (let i = 0; i < keys.length; i += 1) {
    if (dict === null || typeOf(dict) !== MAP_ANY || dict instanceof Typed) {
      throw new FuncError(`interface conversion: interface {} is ${dict === null ? 'nil' : typeOf(dict).name}, not map[string]interface {}`);
    }
    const rec = dict as Record<string, unknown>;
    if (!has(rec, keys[i] as string)) return iface(fallback);
    const step = slot(rec[keys[i] as string]);
    if (i === keys.length - 1) return iface(step);
    dict = step;
  }
  return iface(fallback);
}

/** fmt's %T for typeOf/typeIs. */
function goTypeName(v: Dyn | null): string {
  return v === null ? '<nil>' : typeOf(v).name;
}

export function sprigCollectionFunctions(): Map<string, SprigFn> {
  const t = new Map<string, SprigFn>();
  // defaults
  t.set('default', fn([ANY], ANY, ([d, ...given]) => {
    const g = given.length === 0 ? null : anyOf(given[0]);
    return iface(given.length === 0 || empty(g) ? anyOf(d) : g);
  }, ANY));
  t.set('empty', fn([ANY], T.bool, ([v]) => empty(anyOf(v))));
  t.set('coalesce', fn([], ANY, (args) => iface(args.map(anyOf).find((a) => !empty(a)) ?? null), ANY));
  t.set('all', fn([], T.bool, (args) => args.every((a) => !empty(anyOf(a))), ANY));
  t.set('any', fn([], T.bool, (args) => args.some((a) => !empty(anyOf(a))), ANY));
  t.set('ternary', fn([ANY, ANY, T.bool], ANY, ([a, b, c]) => iface(c === true ? anyOf(a) : anyOf(b))));
  // JSON
  t.set('fromJson', fn([S], ANY, ([s]) => {
    try {
      return iface(unmarshalJson(text(s)));
    } catch (error) {
      if (error instanceof FuncError) return iface(null);
      throw error;
    }
  }));
  t.set('mustFromJson', fn([S], ANY, ([s]) => iface(unmarshalJson(text(s)))));
  const toJson = (escapeHTML: boolean, indent?: string) => ([v]: Value[]): Value => {
    try {
      return marshalJson(anyOf(v), indent === undefined ? { escapeHTML } : { escapeHTML, indent });
    } catch (error) {
      if (error instanceof FuncError) return '';
      throw error;
    }
  };
  const mustToJson = (escapeHTML: boolean, indent?: string) => ([v]: Value[]): Value =>
    marshalJson(anyOf(v), indent === undefined ? { escapeHTML } : { escapeHTML, indent });
  t.set('toJson', fn([ANY], S, toJson(true)));
  t.set('toPrettyJson', fn([ANY], S, toJson(true, '  ')));
  t.set('toRawJson', fn([ANY], S, mustToJson(false)));
  t.set('mustToJson', fn([ANY], S, mustToJson(true)));
  t.set('mustToPrettyJson', fn([ANY], S, mustToJson(true, '  ')));
  t.set('mustToRawJson', fn([ANY], S, mustToJson(false)));
  t.set('deepCopy', fn([ANY], ANY, ([v]) => iface(copyDeep(anyOf(v)) as Dyn | null)));
  t.set('mustDeepCopy', fn([ANY], ANY, ([v]) => iface(copyDeep(anyOf(v)) as Dyn | null)));
  // reflection
  t.set('typeOf', fn([ANY], S, ([v]) => goTypeName(anyOf(v))));
  t.set('typeIs', fn([S, ANY], T.bool, ([target, v]) => text(target) === goTypeName(anyOf(v))));
  t.set('typeIsLike', fn([S, ANY], T.bool, ([target, v]) => {
    const name = goTypeName(anyOf(v));
    return text(target) === name || `*${text(target)}` === name;
  }));
  t.set('kindOf', fn([ANY], S, ([v]) => kindName(anyOf(v))));
  t.set('kindIs', fn([S, ANY], T.bool, ([target, v]) => text(target) === kindName(anyOf(v))));
  t.set('deepEqual', fn([ANY, ANY], T.bool, ([a, b]) => deepEqual(anyOf(a), anyOf(b))));
  t.set('fail', fn([S], S, ([msg]) => {
    throw new FuncError(text(msg));
  }));
  // lists
  t.set('list', fn([], SLICE_ANY, (args) => args.map(anyOf), ANY));
  t.set('tuple', fn([], SLICE_ANY, (args) => args.map(anyOf), ANY));
  listPair(t, 'push', (k) => `Cannot push on type ${k}`, SLICE_ANY, (l, [v]) => [...l, anyOf(v)], [ANY]);
  listPair(t, 'append', (k) => `Cannot push on type ${k}`, SLICE_ANY, (l, [v]) => [...l, anyOf(v)], [ANY]);
  listPair(t, 'prepend', (k) => `Cannot prepend on type ${k}`, SLICE_ANY, (l, [v]) => [anyOf(v), ...l], [ANY]);
  listPair(t, 'first', (k) => `Cannot find first on type ${k}`, ANY, (l) => iface(l.length === 0 ? null : l[0]));
  listPair(t, 'last', (k) => `Cannot find last on type ${k}`, ANY, (l) => iface(l.length === 0 ? null : l[l.length - 1]));
  listPair(t, 'rest', (k) => `Cannot find rest on type ${k}`, SLICE_ANY, (l) => (l.length === 0 ? NIL_SLICE_ANY : nilOr(l.slice(1))));
  listPair(t, 'initial', (k) => `Cannot find initial on type ${k}`, SLICE_ANY, (l) => (l.length === 0 ? NIL_SLICE_ANY : nilOr(l.slice(0, -1))));
  listPair(t, 'reverse', (k) => `Cannot find reverse on type ${k}`, SLICE_ANY, (l) => [...l].reverse());
  listPair(t, 'compact', (k) => `Cannot compact on type ${k}`, SLICE_ANY, (l) => l.filter((x) => !empty(x)));
  listPair(t, 'uniq', (k) => `Cannot find uniq on type ${k}`, SLICE_ANY, (l) => {
    const out: (Dyn | null)[] = [];
    for (const item of l) if (!out.some((o) => deepEqual(o, item))) out.push(item);
    return out;
  });
  listPair(t, 'without', (k) => `Cannot find without on type ${k}`, SLICE_ANY, (l, omit) => {
    const drop = omit.map(anyOf);
    return l.filter((item) => !drop.some((o) => deepEqual(o, item)));
  }, [], ANY);
  const hasFn = ([needle, haystack]: Value[]): Value => {
    const h = anyOf(haystack);
    if (h === null) return false;
    const items = requireList(h, (k) => `Cannot find has on type ${k}`);
    const n = anyOf(needle);
    return items.some((item) => deepEqual(n, item));
  };
  t.set('has', fn([ANY, ANY], T.bool, hasFn));
  t.set('mustHas', fn([ANY, ANY], T.bool, hasFn));
  const chunkFn = ([size, list]: Value[]): Value => chunk(Number(size), requireList(anyOf(list), (k) => `Cannot chunk type ${k}`));
  t.set('chunk', fn([T.int, ANY], SLICE_SLICE_ANY, chunkFn));
  t.set('mustChunk', fn([T.int, ANY], SLICE_SLICE_ANY, chunkFn));
  t.set('slice', fn([ANY], ANY, ([list, ...indices]) => sliceList(anyOf(list), indices), ANY));
  t.set('mustSlice', fn([ANY], ANY, ([list, ...indices]) => sliceList(anyOf(list), indices), ANY));
  t.set('concat', fn([], ANY, (lists) => {
    const out: (Dyn | null)[] = [];
    for (const list of lists) {
      const v = anyOf(list);
      if (v === null) throw new FuncError(NIL_DEREF);
      if (typeOf(v).kind !== 'slice') throw new FuncError(`Cannot concat type ${kindName(v)} as list`);
      out.push(...listElems(v));
    }
    return iface(lists.length === 0 || out.length === 0 ? NIL_SLICE_ANY : out);
  }, ANY));
  // dicts
  t.set('dict', fn([], MAP_ANY, (args) => {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < args.length; i += 2) put(out, strval(anyOf(args[i])), i + 1 < args.length ? anyOf(args[i + 1]) : '');
    return out;
  }, ANY));
  t.set('get', fn([MAP_ANY, S], ANY, ([m, k]) => {
    const r = record(m);
    return iface(has(r, text(k)) ? slot(r[text(k)]) : '');
  }));
  t.set('set', fn([MAP_ANY, S, ANY], MAP_ANY, ([m, k, v]) => {
    const r = mapRecord(m as Dyn);
    if (r === null) throw new FuncError('assignment to entry in nil map');
    put(r, text(k), anyOf(v));
    return m;
  }));
  t.set('unset', fn([MAP_ANY, S], MAP_ANY, ([m, k]) => {
    const r = mapRecord(m as Dyn);
    if (r !== null && has(r, text(k))) Reflect.deleteProperty(r, text(k));
    return m;
  }));
  t.set('hasKey', fn([MAP_ANY, S], T.bool, ([m, k]) => has(record(m), text(k))));
  t.set('pluck', fn([S], SLICE_ANY, ([k, ...dicts]) => dicts.map(record).filter((d) => has(d, text(k))).map((d) => slot(d[text(k)])), MAP_ANY));
  t.set('keys', fn([], SLICE_STRING, (dicts) => new Typed(SLICE_STRING, dicts.flatMap((d) => Object.keys(record(d)))), MAP_ANY));
  t.set('values', fn([MAP_ANY], SLICE_ANY, ([d]) => Object.values(record(d)).map(slot)));
  t.set('pick', fn([MAP_ANY], MAP_ANY, ([d, ...keys]) => {
    const r = record(d);
    const out: Record<string, unknown> = {};
    for (const k of keys.map(text)) if (has(r, k)) put(out, k, r[k]);
    return out;
  }, S));
  t.set('omit', fn([MAP_ANY], MAP_ANY, ([d, ...keys]) => {
    const r = record(d);
    const drop = new Set(keys.map(text));
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(r)) if (!drop.has(k)) put(out, k, r[k]);
    return out;
  }, S));
  const merge = (overwrite: boolean) => ([dst, ...srcs]: Value[]): Value => {
    // mergo refuses a nil destination map ("src and dst must be valid" is not reached: dst is a
    // pointer to the map variable), so a nil dst gets a fresh map, as in Go.
    const target = mapRecord(dst as Dyn) ?? {};
    for (const src of srcs) mergeInto(target, record(src), overwrite);
    return iface(mapRecord(dst as Dyn) === null ? target : (dst));
  };
  t.set('merge', fn([MAP_ANY], ANY, merge(false), MAP_ANY));
  t.set('mustMerge', fn([MAP_ANY], ANY, merge(false), MAP_ANY));
  t.set('mergeOverwrite', fn([MAP_ANY], ANY, merge(true), MAP_ANY));
  t.set('mustMergeOverwrite', fn([MAP_ANY], ANY, merge(true), MAP_ANY));
  t.set('dig', fn([], ANY, dig, ANY));
  return t;
}
