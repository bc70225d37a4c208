// consul-template's template functions as Vault Agent exposes them, with their Go signatures
// (text/template type-checks arguments against these) and error texts.
import { createHash, createHmac } from 'node:crypto';
import type {
  DependencyStore,
  TemplateDependency,
  TemplateSideEffects,
} from '../template-engine.js';
import { type ExecBudget, FuncError, type GoFunction, checkGeneratedSize } from './exec.js';
import { marshalJson, unmarshalJson } from './json.js';
import { goQuote } from '../../../common/src/go-quote.js';
import { underscoreOK } from './literals.js';
import { compileGoRegexp } from './go-regexp.js';
import { goSprintf, toArg } from './fmt.js';
import { toYaml, parseYamlValue } from './yaml.js';
import { toToml } from './toml.js';
import { formatGoTime } from './time-format.js';
import { sprigFunctions } from './sprig.js';
import {
  GoBytes,
  Iface,
  MAP_ANY,
  MAP_STRING,
  SLICE_ANY,
  SLICE_STRING,
  T,
  Typed,
  type Dyn,
  type GoType,
  type Value,
  Int64Run,
  goExplode,
  goStringFromBytes,
  goStringFromText,
  intOf,
  isPlainObject,
  kindOf,
  mapRecord,
  sliceItems,
  stringBytes,
  stringOf,
  stringText,
  typeOf,
} from './values.js';
import { pemFromData, secretFromEnvelope, SECRET_PTR } from './vault-types.js';
import { SCRATCH_PTR, scratchFor } from './scratch.js';
import { trimEnds, trimGoSpace } from '../../../common/src/trim.js';

/** What the Vault-backed functions need during one render pass. */
export interface FunctionContext {
  readonly store: DependencyStore;
  /** The render's step budget: loop refuses to build more items than it has left. */
  readonly budget?: ExecBudget;
  readonly env: (name: string) => string | undefined;
  readonly destination: string;
  readonly sideEffects: TemplateSideEffects | undefined;
  /** The template's sandbox_path ("" or undefined: none). */
  readonly sandboxPath: string | undefined;
  /** Records a dependency as used; returns it deduplicated. */
  readonly use: (dependency: TemplateDependency) => void;
  readonly markMissing: (dependency: TemplateDependency) => void;
  /**
   * What a Vault function does when the store has no data: "missing" records the dependency as
   * missing and returns nil (consul-template's first pass); "nil" only returns nil; "error" fails
   * (the last two are the gotemplate-oracle's missingSecret modes, for the offline preview).
   */
  readonly missingSecret: 'missing' | 'nil' | 'error';
  /** Keep paths exactly as written (the offline preview keys secrets by the literal path). */
  readonly exactPaths: boolean;
  readonly now: () => Date;
  /** executeTemplate: renders a named template of the same set. */
  readonly executeTemplate: (name: string, dot: Value) => string | GoBytes;
}

type Fn = GoFunction<FunctionContext>;

const S = T.string;
const ANY = T.iface;

function text(value: Value): string {
  return stringText(value as string | GoBytes);
}

/** strconv.Quote of a Go string held as text: surrogate-escaped invalid bytes come out as \xNN, as in Go's errors. */
function quoteText(t: string): string {
  const value = goStringFromText(t);
  return goQuote(typeof value === 'string' ? value : value.bytes);
}

function goString(value: Value): string | GoBytes {
  return value as string | GoBytes;
}

function anyOf(value: Value): Dyn | null {
  if (value === undefined) return null;
  if (value instanceof Iface) return value.inner;
  return value;
}

function fn(params: GoType[], result: GoType, impl: (args: Value[], ctx: FunctionContext) => Value, variadic?: GoType): Fn {
  // String results may carry surrogate-escaped bytes (from GoBytes inputs): restore the bytes.
  let call = impl;
  if (result === S) {
    call = (args, ctx) => {
      const value = impl(args, ctx);
      return typeof value === 'string' ? goStringFromText(value) : value;
    };
  } else if (result === SLICE_STRING) {
    call = (args, ctx) => {
      const value = impl(args, ctx);
      const items = value instanceof Typed ? (value.raw as unknown[] | null) : null;
      return items === null ? value : new Typed(SLICE_STRING, items.map((item) => goStringFromText(item as string)));
    };
  }
  return variadic === undefined ? { params, result, call } : { params, variadic, result, call };
}

/** A function declared to return interface{}: its result is seen through an interface. */
function ifaceResult(value: Dyn | null): Iface {
  return new Iface(value);
}

// --- Vault ---------------------------------------------------------------------------------------

function parseKvPairs(rest: readonly string[]): Record<string, string> {
  const data: Record<string, string> = {};
  for (const str of rest) {
    if (str.length === 0) continue;
    const eq = str.indexOf('=');
    if (eq < 0) throw new FuncError(`not k=v pair ${goQuote(str)}`);
    Object.defineProperty(data, str.slice(0, eq).trim(), { value: str.slice(eq + 1).trim(), enumerable: true, writable: true, configurable: true });
  }
  return data;
}

/** consul-template's sha1Map: `%.4x` of sha1 over sorted `k=%q` pairs. */
export function hashPairs(data: Readonly<Record<string, string>>): string {
  const hash = createHash('sha1');
  for (const key of Object.keys(data).sort()) hash.update(`${key}=${goQuote(data[key] as string)}`);
  return hash.digest('hex').slice(0, 8);
}

function vaultPath(raw: string, ctx: FunctionContext, kind: string): string {
  if (ctx.exactPaths) return raw;
  const path = trimEnds(raw.trim(), '/');
  if (path === '') throw new FuncError(`vault.${kind}: invalid format: ${goQuote(raw)}`);
  return path;
}

/** The oracle's lookup key for a secret call: the path, or path?k=v&… for writes. */
export function secretLookupKey(path: string, body: Readonly<Record<string, string>> | undefined): string {
  if (body === undefined) return path;
  const keys = Object.keys(body).sort();
  return `${path}?${keys.map((k) => `${k}=${body[k] as string}`).join('&')}`;
}

function secretFn(args: Value[], ctx: FunctionContext): Value {
  const strings = args.map(text);
  if (strings.length === 0) return new Typed(SECRET_PTR, null);
  const [rawPath = '', ...rest] = strings;
  const body = parseKvPairs(rest);
  const isRead = rest.length === 0;
  const path = vaultPath(rawPath, ctx, isRead ? 'read' : 'write');
  const dependency: TemplateDependency & { kind: 'read' | 'write' } = isRead
    ? { kind: 'read', id: `vault.read(${path})`, path }
    : { kind: 'write', id: `vault.write(${path} -> ${hashPairs(body)})`, path, body };
  ctx.use(dependency);
  const envelope = ctx.store.read(dependency);
  if (envelope !== undefined) return secretFromEnvelope(envelope);
  if (ctx.missingSecret === 'error') {
    throw new FuncError(`secret(${rawPath}): no secret exists at ${secretLookupKey(path, isRead ? undefined : body)}`);
  }
  if (ctx.missingSecret === 'missing') ctx.markMissing(dependency);
  return new Typed(SECRET_PTR, null);
}

function secretsFn([rawPath]: Value[], ctx: FunctionContext): Value {
  const path = vaultPath(text(rawPath), ctx, 'list');
  const dependency = { kind: 'list', id: `vault.list(${path})`, path } as const;
  ctx.use(dependency);
  const keys = ctx.store.list(dependency);
  if (keys === undefined) {
    if (ctx.missingSecret === 'error') throw new FuncError(`secrets(${text(rawPath)}): no secrets exist at ${path}`);
    if (ctx.missingSecret === 'missing') ctx.markMissing(dependency);
    return new Typed(SLICE_STRING, []);
  }
  return new Typed(SLICE_STRING, [...keys].sort());
}

function pkiCertFn(args: Value[], ctx: FunctionContext): Value {
  const [rawPath = '', ...rest] = args.map(text);
  const path = vaultPath(rawPath, ctx, 'pki');
  const body = parseKvPairs(rest);
  const dependency = { kind: 'pki', id: `vault.pki(${path}->${ctx.destination})`, path, body, destination: ctx.destination } as const;
  ctx.use(dependency);
  const data = ctx.store.pki(dependency);
  if (data === undefined) {
    if (ctx.missingSecret === 'error') throw new FuncError(`pkiCert(${rawPath}): no certificate issued at ${path}`);
    if (ctx.missingSecret === 'missing') ctx.markMissing(dependency);
    return ifaceResult(null);
  }
  return ifaceResult(pemFromData(data));
}

/**
 * consul-template's `file`: the content of a local file, watched by the agent. The path is cleaned
 * (filepath.Clean); with a sandbox_path it must lie inside it: checked here on the cleaned path,
 * and by the agent again once symlinks are resolved (its answer comes back as an error).
 */
function fileFn([raw]: Value[], ctx: FunctionContext): Value {
  const given = text(raw);
  if (given === '') return '';
  const path = cleanFilePath(trimGoSpace(given));
  const sandbox = ctx.sandboxPath ?? '';
  if (sandbox !== '') {
    const root = cleanFilePath(sandbox);
    const inside = root === '/' ? path.startsWith('/') : path === root || path.startsWith(`${root}/`);
    if (!inside) throw new FuncError(`'${trimGoSpace(given)}' is outside of sandbox`);
  }
  const dependency = sandbox === '' ? ({ kind: 'file', id: `file(${path})`, path } as const) : ({ kind: 'file', id: `file(${path}) sandbox ${cleanFilePath(sandbox)}`, path, sandbox: cleanFilePath(sandbox) } as const);
  ctx.use(dependency);
  if (ctx.store.file === undefined) throw new FuncError('reading local files is not available here');
  const value = ctx.store.file(dependency);
  if (value === undefined) {
    if (ctx.missingSecret === 'error') throw new FuncError(`file(${path}): no such file`);
    if (ctx.missingSecret === 'missing') ctx.markMissing(dependency);
    return '';
  }
  if ('error' in value) throw new FuncError(value.error);
  return value.content;
}

/** filepath.Clean on a Unix path. */
function cleanFilePath(p: string): string {
  if (p === '') return '.';
  const rooted = p.startsWith('/');
  const parts: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length > 0 && parts[parts.length - 1] !== '..') parts.pop();
      else if (!rooted) parts.push('..');
      continue;
    }
    parts.push(part);
  }
  const joined = parts.join('/');
  if (rooted) return `/${joined}`;
  return joined === '' ? '.' : joined;
}

// --- lists and maps ----------------------------------------------------------------------------

const ZERO_VALUE_TYPE = 'reflect: call of reflect.Value.Type on zero Value';

/** consul-template's `in`: list membership with Go's type rules, or substring for strings. */
function inList(haystack: Dyn | null, needle: Dyn | null): boolean {
  if (haystack === null) return false;
  const kind = typeOf(haystack).kind;
  if (kind === 'slice') {
    const items = sliceItems(haystack) ?? [];
    const elemIsIface = typeOf(haystack) === SLICE_ANY;
    for (const raw of items) {
      if (raw === null || raw === undefined) continue;
      const elem = raw as Dyn;
      const elemType = elemIsIface ? typeOf(elem) : (typeOf(haystack).elem as GoType);
      const ek = elemType.kind;
      if (needle === null) {
        // reflect.ValueOf(nil).Type() panics in Go's inList.
        if (ek === 'string') throw new FuncError(ZERO_VALUE_TYPE);
        continue;
      }
      const nk = typeOf(needle).kind;
      if ((ek === 'int' || ek === 'int64') && (nk === 'int' || nk === 'int64')) {
        if (intOf(needle) === intOf(elem)) return true;
      } else if (ek === 'float64' && nk === 'float64') {
        if (needle === elem) return true;
      } else if (ek === 'string') {
        if (typeOf(needle) === elemType && stringText(stringOf(needle)) === stringText(stringOf(elem))) return true;
      }
    }
    return false;
  }
  if (kind === 'string') {
    if (needle === null) throw new FuncError(ZERO_VALUE_TYPE);
    if (typeOf(needle) !== typeOf(haystack)) return false;
    const h = stringOf(haystack);
    const n = stringOf(needle);
    // strings.Contains is a byte search (a sliced, invalid-UTF-8 needle can match inside a rune).
    if (typeof h === 'string' && typeof n === 'string') return h.includes(n);
    return stringBytes(h).includes(stringBytes(n));
  }
  return false;
}

function containsSome(retTrue: boolean, invert: boolean) {
  return ([needles, haystack]: Value[]): Value => {
    const list = anyOf(needles);
    const items = list !== null && kindOf(list) === 'slice' ? (sliceItems(list) ?? []) : [];
    for (const item of items) {
      if (inList(anyOf(haystack), (item ?? null)) === retTrue) return !invert;
    }
    return invert;
  };
}

function copyDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copyDeep);
  if (value !== null && typeof value === 'object' && isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) Object.defineProperty(out, key, { value: copyDeep(value[key]), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return value;
}

function isEmptyGo(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value === 'string') return value === '';
  if (typeof value === 'boolean') return !value;
  if (typeof value === 'number') return value === 0;
  if (typeof value === 'bigint') return value === 0n;
  return false;
}

/** mergo.Merge (override=false): fills empty or absent keys of dst from src, recursing into maps. */
function mergeInto(dst: Record<string, unknown>, src: Record<string, unknown>, override: boolean): void {
  for (const key of Object.keys(src)) {
    const s = src[key];
    const has = Object.prototype.hasOwnProperty.call(dst, key);
    const d = has ? dst[key] : undefined;
    if (has && d !== null && typeof d === 'object' && isPlainObject(d) && s !== null && typeof s === 'object' && isPlainObject(s)) {
      mergeInto(d, s, override);
      continue;
    }
    if (!has || isEmptyGo(d) || (override && !isEmptyGo(s))) {
      Object.defineProperty(dst, key, { value: copyDeep(s), enumerable: true, writable: true, configurable: true });
    }
  }
}

function mapArg(value: Value): Record<string, unknown> | null {
  return mapRecord(value as Dyn);
}

function mergeMapFn(override: boolean) {
  return ([dstIn, srcIn]: Value[]): Value => {
    const dst = copyDeep(mapArg(dstIn) ?? {}) as Record<string, unknown>;
    mergeInto(dst, mapArg(srcIn) ?? {}, override);
    return dst;
  };
}

/**
 * consul-template's explodeMap: keys in sorted order, each "a/b/c" nests under "a" then "b"
 * (empty segments are keys too); a segment that already holds a non-map value is an error.
 * https://github.com/hashicorp/consul-template/blob/main/template/funcs.go (explodeHelper)
 */
function explodeMap([input]: Value[]): Value {
  const out: Record<string, unknown> = {};
  const record = mapArg(input) ?? {};
  const set = (node: Record<string, unknown>, key: string, value: unknown): void => {
    Object.defineProperty(node, key, { value, enumerable: true, writable: true, configurable: true });
  };
  for (const original of Object.keys(record).sort(compareGoStrings)) {
    let node = out;
    let key = original;
    let path = original;
    while (key.includes('/')) {
      const slash = key.indexOf('/');
      const top = key.slice(0, slash);
      if (!Object.prototype.hasOwnProperty.call(node, top)) set(node, top, {});
      const next = node[top];
      if (next === null || typeof next !== 'object' || !isPlainObject(next)) {
        throw new FuncError(`explodeMap: not a map: ${goQuote(path)}: ${goQuote(top)} already has value ${quoteValue(next)}`);
      }
      node = next;
      path = key;
      key = key.slice(slash + 1);
    }
    if (key !== '') set(node, key, record[original]);
  }
  return out;
}

/** Go orders strings by bytes (UTF-8), not UTF-16 units. */
function compareGoStrings(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** fmt's %q of a value (strings quoted, other kinds %!q(type=value)). */
function quoteValue(value: unknown): string {
  return stringText(goSprintf('%q', [toArg(value as Value)]));
}

// --- strings -------------------------------------------------------------------------------------

/** strings.Title's isSeparator. */
function isTitleSeparator(ch: string): boolean {
  const c = ch.codePointAt(0) as number;
  if (c <= 0x7f) return !/[0-9a-zA-Z_]/.test(ch);
  if (/[\p{L}\p{Nd}]/u.test(ch)) return false;
  return /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/.test(ch);
}

/** strings.Title: maps the first letter of each word with unicode.ToTitle. */
export function goTitle(s: string): string {
  let prev = ' ';
  let out = '';
  for (const ch of s) {
    out += isTitleSeparator(prev) ? mapRune(ch, 'upper') : mapRune(ch, 'none');
    prev = ch;
  }
  return out;
}

const caseCache = new Map<string, string>();

/** unicode.ToUpper/ToLower of one rune: JS case mapping only where it maps to a single rune. */
function mapRune(ch: string, mode: 'upper' | 'lower' | 'none'): string {
  const key = mode + ch;
  let mapped = caseCache.get(key);
  if (mapped === undefined) {
    // strings.Map turns an invalid byte (a surrogate escape here) into U+FFFD.
    const code = ch.charCodeAt(0);
    if (ch.length === 1 && code >= 0xdc80 && code <= 0xdcff) return '\ufffd';
    // U+0130 is the one rune whose simple lower case (i) JS only gives with a combining dot.
    const candidate = mode === 'upper' ? ch.toUpperCase() : mode === 'lower' ? (ch === '\u0130' ? 'i' : ch.toLowerCase()) : ch;
    mapped = [...candidate].length === 1 ? candidate : ch;
    if (caseCache.size < 4096) caseCache.set(key, mapped);
  }
  return mapped;
}

/** strings.ToUpper / strings.ToLower (rune by rune, no special casing). */
export function goCase(s: string, mode: 'upper' | 'lower'): string {
  // ASCII fast path.
  if (/^[\x00-\x7f]*$/.test(s)) return mode === 'upper' ? s.toUpperCase() : s.toLowerCase();
  let out = '';
  for (const ch of s) out += mapRune(ch, mode);
  return out;
}

const HAS_ESCAPE = /[\udc80-\udcff]/;

/**
 * Splits at every occurrence of a separator holding invalid bytes (surrogate escapes) the way Go
 * does, byte by byte: the escape may be a byte of a valid character in `s` ("\xc3" splits "é").
 * A valid separator can only match at rune boundaries, so text splitting gives the same pieces.
 */
function splitGoText(s: string, sep: string): string[] {
  if (!HAS_ESCAPE.test(sep)) return s.split(sep);
  const toBytes = (t: string): Buffer => stringBytes(goStringFromText(t));
  const bytes = toBytes(s);
  const needle = toBytes(sep);
  const pieces: string[] = [];
  let from = 0;
  for (let at = bytes.indexOf(needle, from); at >= 0; at = bytes.indexOf(needle, from)) {
    pieces.push(stringText(goStringFromBytes(bytes.subarray(from, at))));
    from = at + needle.length;
  }
  pieces.push(stringText(goStringFromBytes(bytes.subarray(from))));
  return pieces;
}

function goSplit(s: string, sep: string): string[] {
  if (sep === '') return goExplode(s);
  return splitGoText(s, sep);
}

function goReplaceAll(s: string, old: string, replacement: string): string {
  if (old === '') {
    const chars = [...s];
    return replacement + chars.map((c) => c + replacement).join('');
  }
  return splitGoText(s, old).join(replacement);
}

function goTrim(s: string, cutset: string): string {
  const cut = new Set([...cutset]);
  const chars = [...s];
  let start = 0;
  let end = chars.length;
  while (start < end && cut.has(chars[start] as string)) start += 1;
  while (end > start && cut.has(chars[end - 1] as string)) end -= 1;
  return chars.slice(start, end).join('');
}

function indent(spaces: bigint, s: string): string {
  if (spaces < 0n) throw new FuncError('indent value must be a positive integer');
  checkGeneratedSize('indent', Number(spaces) * (1 + (s.match(/\n/g)?.length ?? 0)) + s.length);
  const prefix = ' '.repeat(Number(spaces));
  let out = '';
  let startOfLine = true;
  for (const c of s) {
    if (startOfLine && c !== '\n') out += prefix;
    out += c;
    startOfLine = c === '\n';
  }
  return out;
}

// --- math ----------------------------------------------------------------------------------------

/**
 * An operand of consul-template's math functions as reflect sees it: a signed integer kind, an
 * unsigned one (parseUint's uint64, index's uint8), or a float.
 * https://github.com/hashicorp/consul-template/blob/main/template/funcs.go (add … maximum)
 */
type Num = { kind: 'int' | 'uint'; v: bigint } | { kind: 'float'; v: number };

function toNum(name: string, value: Dyn | null): Num {
  if (value !== null) {
    const kind = typeOf(value).kind;
    if (kind === 'int' || kind === 'int64') return { kind: 'int', v: intOf(value) };
    if (kind === 'uint8' || kind === 'uint64') return { kind: 'uint', v: intOf(value) };
    // modulo has no float case: a float is an unknown type, found in the order the operands are checked.
    if (kind === 'float64' && name !== 'modulo') return { kind: 'float', v: value as number };
  }
  throw new FuncError(unknownType(name, value));
}

/** consul-template's `unknown type for %q (%T)` of a reflect.Value: fmt prints an invalid one as <invalid reflect.Value>. */
function unknownType(name: string, value: Dyn | null): string {
  return `${name}: unknown type for ${value === null ? '<invalid reflect.Value>' : quoteValue(value)} (${value === null ? '<nil>' : typeOf(value).name})`;
}

function math(name: string, op: (a: Num, b: Num) => Dyn) {
  return ([bIn, aIn]: Value[]): Value => {
    const a = toNum(name, anyOf(aIn));
    const b = toNum(name, anyOf(bIn));
    return ifaceResult(op(a, b));
  };
}

function int64(v: bigint): Typed {
  return new Typed(T.int64, BigInt.asIntN(64, v));
}

function uint64(v: bigint): Typed {
  return new Typed(T.uint64, BigInt.asUintN(64, v));
}

/** Go's conversions between the kinds: int64(u) wraps, float64(i) rounds to nearest. */
function asInt64(n: Num): bigint {
  return n.kind === 'float' ? 0n : BigInt.asIntN(64, n.v);
}

function asFloat(n: Num): number {
  return n.kind === 'float' ? n.v : Number(n.v);
}

/** add, subtract, multiply: float if either is, uint64 if both are unsigned, int64 otherwise. */
function arith(intOp: (a: bigint, b: bigint) => bigint, floatOp: (a: number, b: number) => number) {
  return (a: Num, b: Num): Dyn => {
    if (a.kind === 'float' || b.kind === 'float') return floatOp(asFloat(a), asFloat(b));
    if (a.kind === 'uint' && b.kind === 'uint') return uint64(intOp(a.v, b.v));
    return int64(intOp(asInt64(a), asInt64(b)));
  };
}

function divide(name: string) {
  return (a: Num, b: Num): Dyn => {
    if (a.kind === 'float' || b.kind === 'float') return asFloat(a) / asFloat(b);
    const unsigned = a.kind === 'uint' && b.kind === 'uint';
    const x = unsigned ? a.v : asInt64(a);
    const y = unsigned ? b.v : asInt64(b);
    // Go panics; text/template reports the recovered runtime error.
    if (y === 0n) throw new FuncError('runtime error: integer divide by zero');
    const q = name === 'modulo' ? x % y : x / y;
    return unsigned ? uint64(q) : int64(q);
  };
}

/**
 * minimum / maximum: compare after Go's conversions (int64 of a uint, float64 of an integer) and
 * return the winner as its own kind (a: the piped or second argument, wins only strictly).
 */
function minMax(a: Num, b: Num, min: boolean): Dyn {
  const better = (x: number | bigint, y: number | bigint): boolean => (min ? x < y : x > y);
  let aWins: boolean;
  if (a.kind === 'float' || b.kind === 'float') aWins = better(asFloat(a), asFloat(b));
  else if (a.kind === 'uint' && b.kind === 'uint') aWins = better(a.v, b.v);
  else aWins = better(asInt64(a), asInt64(b));
  const winner = aWins ? a : b;
  if (winner.kind === 'float') return winner.v;
  return winner.kind === 'uint' ? uint64(winner.v) : int64(winner.v);
}

// --- misc ----------------------------------------------------------------------------------------

function loop(args: Value[], ctx: FunctionContext): Value {
  const to64 = (value: Dyn | null): bigint => {
    if (value !== null) {
      const kind = typeOf(value).kind;
      if (kind === 'int' || kind === 'int64' || kind === 'uint8' || kind === 'uint64') return intOf(value);
      if (kind === 'string') return parseIntText(stringText(stringOf(value)), 'loop');
    }
    throw new FuncError(`loop: bad argument type: ${value === null ? '<nil>' : typeOf(value).name}`);
  };
  let start = 0n;
  let stop: bigint;
  if (args.length === 1) stop = to64(anyOf(args[0]));
  else if (args.length === 2) {
    start = to64(anyOf(args[0]));
    stop = to64(anyOf(args[1]));
  } else throw new FuncError(`loop: wrong number of arguments, expected 1 or 2, but got ${args.length}`);
  if (stop > start && ctx.budget !== undefined && !ctx.budget.fits(stop - start)) throw new FuncError(`loop: ${stop - start} iterations: ${ctx.budget.describe()}`);
  return new Typed(LOOP_CHANNEL, new Int64Run(start, stop));
}

const LOOP_CHANNEL: GoType = { name: '<-chan int64', kind: 'slice', elem: T.int64 };

const UINT64_MAX = 2n ** 64n - 1n;

/**
 * strconv.ParseUint(s, 10, 64)'s digit loop (go1.19 strconv/atoi.go): left to right, so an
 * overflow met before a bad character is a range error ("99999999999999999999x" is out of range).
 */
function parseDecimalUint64(s: string): bigint | 'syntax' | 'range' {
  if (s === '') return 'syntax';
  let n = 0n;
  for (let i = 0; i < s.length; i += 1) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return 'syntax';
    n = n * 10n + BigInt(d);
    if (n > UINT64_MAX) return 'range';
  }
  return n;
}

/** strconv.ParseInt(strings.TrimSpace(s), 10, 64), as consul-template's parseInt calls it. */
function parseIntText(s: string, name: string): bigint {
  const t = trimGoSpace(s);
  const negative = t.startsWith('-');
  const parsed = parseDecimalUint64(t.startsWith('+') || negative ? t.slice(1) : t);
  const fail = (why: string): FuncError => new FuncError(`${name}: strconv.ParseInt: parsing ${quoteText(t)}: ${why}`);
  if (parsed === 'syntax') throw fail('invalid syntax');
  if (parsed === 'range' || (negative ? parsed > 2n ** 63n : parsed >= 2n ** 63n)) throw fail('value out of range');
  return negative ? -parsed : parsed;
}

/**
 * strconv.ParseFloat(s, 64) (https://pkg.go.dev/strconv#ParseFloat): "inf"/"infinity" with an
 * optional sign and an unsigned "nan" in any case; underscores where underscoreOK allows them, even
 * in decimals ("1_000" is 1000); hex mantissas need a p exponent; overflow is a range error.
 */
function parseFloatText(s: string): number {
  const special = /^([+-]?)(inf|infinity)$/i.exec(s);
  if (special !== null) return special[1] === '-' ? -Infinity : Infinity;
  if (/^nan$/i.test(s)) return Number.NaN;
  const invalid = (): FuncError => new FuncError(`parseFloat: strconv.ParseFloat: parsing ${quoteText(s)}: invalid syntax`);
  let body = s;
  if (body.includes('_')) {
    if (!underscoreOK(body)) throw invalid();
    body = body.replace(/_/g, '');
  }
  if (!/^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/.test(body) && !/^[+-]?0[xX](?:[0-9a-fA-F]+(?:\.[0-9a-fA-F]*)?|\.[0-9a-fA-F]+)[pP][+-]?[0-9]+$/.test(body)) {
    throw invalid();
  }
  let v: number;
  if (/^[+-]?0[xX]/.test(body)) {
    const negative = body.startsWith('-');
    const digits = body.replace(/^[+-]?0[xX]/, '');
    const [mant = '', exp = '0'] = digits.split(/[pP]/);
    const [whole = '', frac = ''] = mant.split('.');
    v = whole === '' ? 0 : parseInt(whole, 16);
    for (let i = 0; i < frac.length; i += 1) v += parseInt(frac[i] as string, 16) / 16 ** (i + 1);
    v *= 2 ** Number(exp);
    if (negative) v = -v;
  } else v = Number(body);
  if (!Number.isFinite(v)) throw new FuncError(`parseFloat: strconv.ParseFloat: parsing ${quoteText(s)}: value out of range`);
  return v;
}

const BOOL_TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const BOOL_FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

const BASE64_STD = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const BASE64_URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function decodeTable(alphabet: string): Int8Array {
  const table = new Int8Array(256).fill(-1);
  for (let i = 0; i < alphabet.length; i += 1) table[alphabet.charCodeAt(i)] = i;
  return table;
}

const DECODE_STD = decodeTable(BASE64_STD);
const DECODE_URL = decodeTable(BASE64_URL);
const CR_BYTE = 13;
const LF_BYTE = 10;
const PAD_BYTE = 61;

/**
 * encoding/base64's padded DecodeString, quantum by quantum as go1.19's decodeQuantum reads it
 * (https://github.com/golang/go/blob/go1.19/src/encoding/base64/base64.go): CR and LF are skipped
 * anywhere; the error offset is a byte offset into the input, and at the end of the input it is
 * the input's length less the characters of the unfinished quantum (newlines not counted), which
 * is what Go reports even when newlines sit inside that quantum. Returns the bytes or the offset.
 */
function decodeBase64Go(src: Buffer, table: Int8Array): Buffer | { readonly corruptAt: number } {
  const out: number[] = [];
  const n = src.length;
  let si = 0;
  while (si < n) {
    const dbuf = [0, 0, 0, 0];
    let dlen = 4;
    let trailing = false;
    for (let j = 0; j < 4; j += 1) {
      if (si === n) {
        if (j === 0) return Buffer.from(out);
        return { corruptAt: si - j };
      }
      const c = src[si] as number;
      si += 1;
      const v = table[c] as number;
      if (v >= 0) {
        dbuf[j] = v;
        continue;
      }
      if (c === LF_BYTE || c === CR_BYTE) {
        j -= 1;
        continue;
      }
      if (c !== PAD_BYTE || j < 2) return { corruptAt: si - 1 };
      if (j === 2) {
        while (si < n && (src[si] === LF_BYTE || src[si] === CR_BYTE)) si += 1;
        if (si === n) return { corruptAt: n };
        if (src[si] !== PAD_BYTE) return { corruptAt: si - 1 };
        si += 1;
      }
      while (si < n && (src[si] === LF_BYTE || src[si] === CR_BYTE)) si += 1;
      if (si < n) trailing = true;
      dlen = j;
      break;
    }
    const val = ((dbuf[0] as number) << 18) | ((dbuf[1] as number) << 12) | ((dbuf[2] as number) << 6) | (dbuf[3] as number);
    const bytes = [(val >> 16) & 0xff, (val >> 8) & 0xff, val & 0xff];
    for (let k = 0; k < dlen - 1; k += 1) out.push(bytes[k] as number);
    if (trailing) return { corruptAt: si };
  }
  return Buffer.from(out);
}

function base64Decode(name: string, alphabet: 'std' | 'url') {
  const table = alphabet === 'std' ? DECODE_STD : DECODE_URL;
  return ([s]: Value[]): Value => {
    const decoded = decodeBase64Go(stringBytes(goString(s)), table);
    if ('corruptAt' in decoded) throw new FuncError(`${name}: illegal base64 data at input byte ${decoded.corruptAt}`);
    return goStringFromBytes(decoded);
  };
}

function writeToFile(args: Value[], ctx: FunctionContext): Value {
  const [path = '', user = '', group = '', perms = '', ...rest] = args.map(text);
  if (rest.length === 0) throw new FuncError('writeToFile: missing content');
  const flags = rest.length >= 2 ? (rest[0] as string) : '';
  const content = rest[rest.length - 1] as string;
  if (!/^[0-7]+$/.test(perms)) throw new FuncError(`writeToFile: strconv.ParseUint: parsing ${quoteText(perms)}: invalid syntax`);
  if (ctx.sideEffects === undefined) throw new FuncError('writeToFile: not available here');
  try {
    ctx.sideEffects.writeToFile({
      path,
      user,
      group,
      perms,
      content,
      append: flags.includes('append'),
      newline: flags.includes('newline'),
    });
  } catch (error) {
    // consul-template returns the failure as writeToFile's error: an execution error of the template.
    throw new FuncError(error instanceof Error ? error.message : String(error));
  }
  return '';
}

function timestamp(args: Value[], ctx: FunctionContext): Value {
  const now = ctx.now();
  if (args.length === 0) return formatGoTime(now, '2006-01-02T15:04:05Z07:00');
  if (args.length === 1) {
    const layout = text(args[0]);
    if (layout === 'unix') return String(Math.floor(now.getTime() / 1000));
    return formatGoTime(now, layout);
  }
  throw new FuncError(`timestamp: wrong number of arguments, expected 0 or 1, but got ${args.length}`);
}

/** consul-template's splitToMap: trimmed input, strings.Cut on each item, items without sep2 skipped. */
function splitToMap([sepIn, delimIn, sIn]: Value[]): Value {
  const sep = text(sepIn);
  const delim = text(delimIn);
  const s = trimGoSpace(text(sIn));
  const out: Record<string, string> = {};
  if (s === '') return new Typed(MAP_STRING, out);
  for (const pair of goSplit(s, sep)) {
    const at = pair.indexOf(delim);
    if (at < 0) continue;
    Object.defineProperty(out, pair.slice(0, at), { value: pair.slice(at + delim.length), enumerable: true, writable: true, configurable: true });
  }
  return new Typed(MAP_STRING, out);
}

const KEY_PAIR_LIST: GoType = { name: '[]*dependency.KeyPair', kind: 'slice', elem: { name: '*dependency.KeyPair', kind: 'ptr' } };

/** consul-template wraps encoder errors: errors.Wrap(err, "toJSON") reads `toJSON: json: unsupported value: NaN`. */
function wrapErrors<R>(name: string, body: () => R): R {
  try {
    return body();
  } catch (error) {
    if (error instanceof FuncError) throw new FuncError(`${name}: ${error.message}`);
    throw error;
  }
}

/** The function table (without the text/template builtins). */
export function consulTemplateFunctions(): Map<string, Fn> {
  const t = new Map<string, Fn>();
  // Vault
  t.set('secret', fn([], SECRET_PTR, secretFn, S));
  t.set('secrets', fn([S], SLICE_STRING, secretsFn));
  t.set('pkiCert', fn([], ANY, pkiCertFn, S));
  t.set('file', fn([S], S, fileFn));
  // environment
  t.set('env', fn([S], S, ([name], ctx) => ctx.env(text(name)) ?? ''));
  t.set(
    'mustEnv',
    fn([S], S, ([name], ctx) => {
      const value = ctx.env(text(name));
      if (value === undefined || value === '') throw new FuncError(`required environment variable ${text(name)} is empty`);
      return value;
    }),
  );
  t.set('envOrDefault', fn([S, S], S, ([name, fallback], ctx) => ctx.env(text(name)) ?? goString(fallback)));
  // encoding
  t.set('base64Encode', fn([S], S, ([s]) => stringBytes(goString(s)).toString('base64')));
  t.set('base64Decode', fn([S], S, base64Decode('base64Decode', 'std')));
  t.set('base64URLEncode', fn([S], S, ([s]) => stringBytes(goString(s)).toString('base64').replace(/\+/g, '-').replace(/\//g, '_')));
  t.set('base64URLDecode', fn([S], S, base64Decode('base64URLDecode', 'url')));
  t.set('toJSON', fn([ANY], S, ([v]) => wrapErrors('toJSON', () => marshalJson(anyOf(v), { escapeHTML: true }))));
  t.set('toJSONPretty', fn([MAP_ANY], S, ([v]) => wrapErrors('toJSONPretty', () => marshalJson(anyOf(v), { escapeHTML: true, indent: '  ' }))));
  t.set('toUnescapedJSON', fn([ANY], S, ([v]) => wrapErrors('toUnescapedJSON', () => marshalJson(anyOf(v), { escapeHTML: false }))));
  t.set('toUnescapedJSONPretty', fn([ANY], S, ([v]) => wrapErrors('toUnescapedJSONPretty', () => marshalJson(anyOf(v), { escapeHTML: false, indent: '  ' }))));
  t.set('toYAML', fn([ANY], S, ([v]) => toYaml(anyOf(v))));
  t.set('toTOML', fn([ANY], S, ([v]) => toToml(anyOf(v))));
  t.set('parseJSON', fn([S], ANY, ([s]) => ifaceResult(text(s) === '' ? {} : unmarshalJson(text(s)))));
  t.set('parseYAML', fn([S], ANY, ([s]) => ifaceResult(text(s) === '' ? {} : parseYamlValue(text(s)))));
  t.set('parseInt', fn([S], T.int64, ([s]) => new Typed(T.int64, text(s) === '' ? 0n : parseIntText(text(s), 'parseInt'))));
  t.set(
    'parseUint',
    fn([S], T.uint64, ([s]) => {
      // strconv.ParseUint(s, 10, 64) without trimming (unlike the oracle's parseInt).
      const v = text(s);
      if (v === '') return new Typed(T.uint64, 0n);
      const parsed = parseDecimalUint64(v);
      if (typeof parsed !== 'bigint') throw new FuncError(`parseUint: strconv.ParseUint: parsing ${quoteText(v)}: ${parsed === 'syntax' ? 'invalid syntax' : 'value out of range'}`);
      return new Typed(T.uint64, parsed);
    }),
  );
  t.set(
    'parseBool',
    fn([S], T.bool, ([s]) => {
      const v = text(s);
      if (v === '') return false;
      if (BOOL_TRUE.has(v)) return true;
      if (BOOL_FALSE.has(v)) return false;
      throw new FuncError(`parseBool: strconv.ParseBool: parsing ${quoteText(v)}: invalid syntax`);
    }),
  );
  t.set('parseFloat', fn([S], T.float64, ([s]) => (text(s) === '' ? 0 : parseFloatText(text(s)))));
  // strings
  t.set('toLower', fn([S], S, ([s]) => goCase(text(s), 'lower')));
  t.set('toUpper', fn([S], S, ([s]) => goCase(text(s), 'upper')));
  t.set('toTitle', fn([S], S, ([s]) => goTitle(text(s))));
  t.set('trimSpace', fn([S], S, ([s]) => trimGoSpace(text(s))));
  t.set('trim', fn([S, S], S, ([cutset, s]) => goTrim(text(s), text(cutset))));
  t.set('trimPrefix', fn([S, S], S, ([prefix, s]) => (text(s).startsWith(text(prefix)) ? text(s).slice(text(prefix).length) : text(s))));
  t.set('trimSuffix', fn([S, S], S, ([suffix, s]) => (text(suffix) !== '' && text(s).endsWith(text(suffix)) ? text(s).slice(0, -text(suffix).length) : text(s))));
  t.set('split', fn([S, S], SLICE_STRING, ([sep, s]) => new Typed(SLICE_STRING, trimGoSpace(text(s)) === '' ? [] : goSplit(trimGoSpace(text(s)), text(sep)))));
  t.set('splitToMap', fn([S, S, S], MAP_STRING, splitToMap));
  t.set('join', fn([S, SLICE_STRING], S, ([sep, list]) => (sliceItems(list as Dyn) ?? []).map((item) => stringText(item as string | GoBytes)).join(text(sep))));
  t.set('replaceAll', fn([S, S, S], S, ([from, to, s]) => goReplaceAll(text(s), text(from), text(to))));
  t.set('indent', fn([T.int, S], S, ([n, s]) => indent(n as bigint, text(s))));
  t.set('regexMatch', fn([S, S], T.bool, ([re, s]) => compileGoRegexp(text(re)).matchString(text(s))));
  t.set('regexReplaceAll', fn([S, S, S], S, ([re, repl, s]) => compileGoRegexp(text(re)).replaceAll(text(s), text(repl), true)));
  t.set('sha256Hex', fn([S], S, ([s]) => createHash('sha256').update(stringBytes(goString(s))).digest('hex')));
  t.set('md5sum', fn([S], S, ([s]) => createHash('md5').update(stringBytes(goString(s))).digest('hex')));
  t.set('hmacSHA256Hex', fn([S, S], S, ([message, secret]) => createHmac('sha256', stringBytes(goString(secret))).update(stringBytes(goString(message))).digest('hex')));
  // collections
  t.set('contains', fn([ANY, ANY], T.bool, ([needle, haystack]) => inList(anyOf(haystack), anyOf(needle))));
  t.set('in', fn([ANY, ANY], T.bool, ([haystack, needle]) => inList(anyOf(haystack), anyOf(needle))));
  t.set('containsAll', fn([SLICE_ANY, ANY], T.bool, containsSome(false, true)));
  t.set('containsAny', fn([SLICE_ANY, ANY], T.bool, containsSome(true, false)));
  t.set('containsNone', fn([SLICE_ANY, ANY], T.bool, containsSome(true, true)));
  t.set('containsNotAll', fn([SLICE_ANY, ANY], T.bool, containsSome(false, false)));
  t.set('explode', fn([KEY_PAIR_LIST], MAP_ANY, () => ({})));
  t.set('explodeMap', fn([MAP_ANY], MAP_ANY, explodeMap));
  t.set('mergeMap', fn([MAP_ANY, MAP_ANY], MAP_ANY, mergeMapFn(false)));
  t.set('mergeMapWithOverride', fn([MAP_ANY, MAP_ANY], MAP_ANY, mergeMapFn(true)));
  t.set('loop', fn([], LOOP_CHANNEL, loop, ANY));
  // math: `a | add b` is a + b with the piped value last.
  t.set('add', fn([ANY, ANY], ANY, math('add', arith((a, b) => a + b, (a, b) => a + b))));
  t.set('subtract', fn([ANY, ANY], ANY, math('subtract', arith((a, b) => a - b, (a, b) => a - b))));
  t.set('multiply', fn([ANY, ANY], ANY, math('multiply', arith((a, b) => a * b, (a, b) => a * b))));
  t.set('divide', fn([ANY, ANY], ANY, math('divide', divide('divide'))));
  t.set('modulo', fn([ANY, ANY], ANY, math('modulo', divide('modulo'))));
  t.set('minimum', fn([ANY, ANY], ANY, math('minimum', (a, b) => minMax(a, b, true))));
  t.set('maximum', fn([ANY, ANY], ANY, math('maximum', (a, b) => minMax(a, b, false))));
  // side effects, time, templates
  t.set('writeToFile', fn([S, S, S, S], S, writeToFile, S));
  t.set('timestamp', fn([], S, timestamp, S));
  t.set('scratch', fn([], SCRATCH_PTR, (_args, ctx) => scratchFor(ctx)));
  t.set('executeTemplate', fn([S], S, ([name, ...data], ctx) => ctx.executeTemplate(text(name), data.length === 0 ? undefined : data[0]), ANY));
  for (const [name, sprig] of sprigFunctions()) t.set(`sprig_${name}`, sprig);
  return t;
}


export { SLICE_ANY, GoBytes };
