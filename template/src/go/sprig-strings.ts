// Sprig's string, encoding, path, regex and URL functions (strings.go, regex.go, url.go and the
// goutils/xstrings helpers they call): https://github.com/Masterminds/sprig/blob/v3.3.0/functions.go
import { createHash } from 'node:crypto';
import { FuncError, checkGeneratedSize } from './exec.js';
import { goSprintf } from './fmt.js';
import { goCase, goTitle } from './functions.js';
import { type GoRegexp, compileGoRegexp } from './go-regexp.js';
import { goQuote } from '../../../common/src/go-quote.js';
import {
  ANY,
  MAP_ANY,
  S,
  T,
  Typed,
  type SprigFn,
  anyOf,
  fn,
  has,
  put,
  record,
  slot,
  strval,
  text,
} from './sprig-values.js';
import { MAP_STRING, SLICE_ANY, SLICE_STRING, type Dyn, type Value, goExplode, goStringFromBytes, sliceItems, stringBytes, stringText, typeOf } from './values.js';
import { trailingRunLength, trimGoSpace, trimTrailing } from '../../../common/src/trim.js';

const GO_SPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/u;

function isSpaceRune(ch: string): boolean {
  return GO_SPACE.test(ch);
}

/** strings.Trim(s, cutset). */
function goTrimCutset(s: string, cutset: string): string {
  const cut = new Set([...cutset]);
  const chars = [...s];
  let start = 0;
  let end = chars.length;
  while (start < end && cut.has(chars[start] as string)) start += 1;
  while (end > start && cut.has(chars[end - 1] as string)) end -= 1;
  return chars.slice(start, end).join('');
}

/** Byte-indexed slicing of a Go string (s[a:b]); panics like Go when out of range. */
function byteSlice(s: string, start: number, end?: number): string {
  const bytes = Buffer.from(s, 'utf8');
  const e = end ?? bytes.length;
  if (e > bytes.length || e < 0) throw new FuncError(`runtime error: slice bounds out of range [:${e}] with length ${bytes.length}`);
  if (start < 0 || start > e) throw new FuncError(`runtime error: slice bounds out of range [${start}:${e}]`);
  return stringText(goStringFromBytes(bytes.subarray(start, e)));
}

function byteLength(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** goutils.AbbreviateFull (byte offsets, as the Go code uses len()). */
function abbreviateFull(str: string, offset: number, maxWidth: number): string {
  if (str === '') return '';
  if (maxWidth < 4) return '';
  const n = byteLength(str);
  if (n <= maxWidth) return str;
  let off = Math.min(offset, n);
  if (n - off < maxWidth - 3) off = n - (maxWidth - 3);
  if (off <= 4) return `${byteSlice(str, 0, maxWidth - 3)}...`;
  if (maxWidth < 7) return '';
  if (off + maxWidth - 3 < n) return `...${abbreviateFull(byteSlice(str, off), 0, maxWidth - 3)}`;
  return `...${byteSlice(str, n - (maxWidth - 3))}`;
}

/** Go's unicode.IsSpace on a single byte read as a rune (goutils walks bytes, not runes). */
function isSpaceByte(b: number): boolean {
  return b === 0x20 || (b >= 0x09 && b <= 0x0d) || b === 0x85 || b === 0xa0;
}

/** goutils.DeleteWhiteSpace: byte by byte, each kept byte written back as the rune of that value. */
function deleteWhiteSpace(str: string): string {
  const bytes = Buffer.from(str, 'utf8');
  let out = '';
  let kept = 0;
  for (const b of bytes) {
    if (!isSpaceByte(b)) {
      out += String.fromCharCode(b);
      kept += 1;
    }
  }
  return kept === bytes.length ? str : out;
}

/** goutils.Initials with whitespace delimiters, also byte by byte. */
function initials(str: string): string {
  let out = '';
  let gap = true;
  for (const b of Buffer.from(str, 'utf8')) {
    if (isSpaceByte(b)) gap = true;
    else if (gap) {
      out += String.fromCharCode(b);
      gap = false;
    }
  }
  return out;
}

function isUpper(ch: string): boolean {
  return /\p{Lu}/u.test(ch);
}

function isLower(ch: string): boolean {
  return /\p{Ll}/u.test(ch);
}

function isTitleCase(ch: string): boolean {
  return /\p{Lt}/u.test(ch);
}

function oneRune(mapped: string, original: string): string {
  return [...mapped].length === 1 ? mapped : original;
}

/**
 * goutils.SwapCase: upper/title → lower; lower → upper (title case after whitespace, which is the
 * upper case for every letter but the few digraphs).
 */
function swapCase(str: string): string {
  let out = '';
  for (const ch of str) {
    if (isUpper(ch) || isTitleCase(ch)) out += oneRune(ch.toLowerCase(), ch);
    else if (isLower(ch)) out += oneRune(ch.toUpperCase(), ch);
    else out += ch;
  }
  return out;
}

/** goutils.Uncapitalize: lower-cases the first letter of each whitespace-separated word. */
function uncapitalize(str: string): string {
  let next = true;
  let out = '';
  for (const ch of str) {
    if (isSpaceRune(ch)) {
      next = true;
      out += ch;
    } else if (next) {
      out += oneRune(ch.toLowerCase(), ch);
      next = false;
    } else out += ch;
  }
  return out;
}

/** goutils.WrapCustom (byte offsets; breaks on ' '). */
function wrapCustom(str: string, wrapLength: number, newLine: string, wrapLongWords: boolean): string {
  if (str === '') return '';
  const nl = newLine === '' ? '\n' : newLine;
  const width = wrapLength < 1 ? 1 : wrapLength;
  const bytes = Buffer.from(str, 'utf8');
  const n = bytes.length;
  const piece = (a: number, b: number): string => stringText(goStringFromBytes(bytes.subarray(a, b)));
  let offset = 0;
  let out = '';
  while (n - offset > width) {
    if (bytes[offset] === 0x20) {
      offset += 1;
      continue;
    }
    const end = Math.min(width + offset + 1, n);
    const window = bytes.subarray(offset, end);
    const lastSpace = window.lastIndexOf(0x20);
    if (lastSpace >= 0) {
      out += piece(offset, offset + lastSpace) + nl;
      offset = offset + lastSpace + 1;
    } else if (wrapLongWords) {
      out += piece(offset, width + offset) + nl;
      offset += width;
    } else {
      const from = width + offset;
      const index = bytes.subarray(from).indexOf(0x20);
      if (index === -1) {
        out += piece(offset, n);
        offset = n;
      } else {
        out += piece(offset, index + from) + nl;
        offset = index + from + 1;
      }
    }
  }
  return out + piece(offset, n);
}

// --- xstrings-style case conversion ------------------------------------------------------------

function isConnector(ch: string): boolean {
  return ch === '-' || ch === '_' || isSpaceRune(ch);
}

/** Upper camel case ("hello_world" → "HelloWorld"): connectors dropped, the rune after one upper-cased. */
function pascalCase(str: string): string {
  const chars = [...str];
  let out = '';
  let i = 0;
  // Leading connectors stay.
  while (i < chars.length && isConnector(chars[i] as string)) {
    out += chars[i] as string;
    i += 1;
  }
  let upperNext = true;
  for (; i < chars.length; i += 1) {
    const ch = chars[i] as string;
    if (isConnector(ch)) {
      // A run of connectors keeps all but the last; a trailing connector stays.
      if (i + 1 < chars.length && isConnector(chars[i + 1] as string)) out += ch;
      else if (i + 1 === chars.length) out += ch;
      upperNext = true;
      continue;
    }
    out += upperNext ? oneRune(ch.toUpperCase(), ch) : ch;
    upperNext = false;
  }
  return out;
}

type WordKind = 'connector' | 'punct' | 'upper' | 'alpha' | 'number' | 'other' | 'end';

interface Word {
  readonly kind: WordKind;
  readonly text: string;
}

function isLetter(ch: string): boolean {
  return /\p{L}/u.test(ch);
}

function isNumberRune(ch: string): boolean {
  return /\p{N}/u.test(ch);
}

/**
 * Splits text into words the way xstrings' snake/kebab conversion sees them: runs of connectors,
 * of punctuation, of digits; a word starting with a capital ("Floor", or "HTTP" in "HTTPServer",
 * whose last capital starts the next word); a word starting with a small letter.
 */
function words(str: string): Word[] {
  const chars = [...str];
  const out: Word[] = [];
  let i = 0;
  const run = (start: number, test: (ch: string) => boolean): number => {
    let j = start;
    while (j < chars.length && test(chars[j] as string)) j += 1;
    return j;
  };
  while (i < chars.length) {
    const ch = chars[i] as string;
    let j: number;
    let kind: WordKind;
    if (isConnector(ch)) {
      kind = 'connector';
      j = run(i + 1, isConnector);
    } else if (/\p{P}/u.test(ch)) {
      kind = 'punct';
      j = run(i + 1, (c) => /\p{P}/u.test(c));
    } else if (isUpper(ch)) {
      kind = 'upper';
      j = i + 1;
      if (j < chars.length && isUpper(chars[j] as string)) {
        j = run(j, isUpper);
        if (j < chars.length && isLetter(chars[j] as string)) j -= 1;
      } else if (j < chars.length && isLetter(chars[j] as string)) {
        j = run(j, (c) => isLetter(c) && !isUpper(c));
      }
    } else if (isLetter(ch)) {
      kind = 'alpha';
      j = run(i + 1, (c) => isLetter(c) && !isUpper(c));
    } else if (isNumberRune(ch)) {
      kind = 'number';
      j = run(i + 1, isNumberRune);
    } else {
      kind = 'other';
      j = run(i + 1, (c) => !(isConnector(c) || isLetter(c) || isNumberRune(c) || /\p{P}/u.test(c)));
    }
    out.push({ kind, text: chars.slice(i, j).join('') });
    i = j;
  }
  return out;
}

/**
 * snake_case / kebab-case as xstrings does it: words lower-cased and joined by the connector; a
 * number stays with the word before it unless small letters follow it ("Bld4Floor" → bld4_floor,
 * "http2xx" → http_2xx); connector runs become connectors; punctuation is kept without connectors.
 */
function connectorCase(str: string, connector: string): string {
  const list = words(str);
  let at = 0;
  const next = (): Word => list[at++] ?? { kind: 'end', text: '' };
  const more = (): boolean => at < list.length;
  let out = '';
  const emit = (w: Word): void => {
    if (w.kind === 'upper' || w.kind === 'connector') {
      for (const ch of w.text) out += isConnector(ch) ? connector : isUpper(ch) ? oneRune(ch.toLowerCase(), ch) : ch;
    } else out += w.text;
  };
  const separates = (w: Word): boolean => w.kind !== 'end' && w.kind !== 'connector' && w.kind !== 'punct';
  let cur = next();
  while (more()) {
    if (cur.kind !== 'connector') emit(cur);
    const prev = cur;
    cur = next();
    if (prev.kind === 'number') {
      while (cur.kind === 'alpha' || cur.kind === 'number') {
        emit(cur);
        cur = next();
      }
      if (separates(cur)) out += connector;
    } else if (prev.kind === 'connector') {
      emit(prev);
    } else if (prev.kind !== 'punct') {
      if (cur.kind !== 'number') {
        if (separates(cur)) out += connector;
        continue;
      }
      if (!more()) continue;
      const number = cur;
      cur = next();
      if (cur.kind !== 'alpha') {
        emit(number);
        if (separates(cur)) out += connector;
        continue;
      }
      out += connector;
      emit(number);
      while (cur.kind === 'alpha' || cur.kind === 'number') {
        emit(cur);
        cur = next();
      }
      if (separates(cur)) out += connector;
    }
  }
  emit(cur);
  return out;
}

// --- encodings ---------------------------------------------------------------------------------

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function base32Encode(bytes: Buffer): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 5) {
    const chunk = bytes.subarray(i, i + 5);
    let bits = 0n;
    for (let k = 0; k < 5; k += 1) bits = (bits << 8n) | BigInt(chunk[k] ?? 0);
    const chars = [0, 2, 4, 5, 7, 8][chunk.length] as number;
    for (let k = 0; k < 8; k += 1) out += k < chars ? BASE32.charAt(Number((bits >> BigInt(35 - 5 * k)) & 31n)) : '=';
  }
  return out;
}

/** base32.StdEncoding.DecodeString; on error sprig returns the error text. */
function base32Decode(input: string): string | Buffer {
  const clean = input.replace(/[\r\n]/g, '');
  if (clean.length % 8 !== 0) return `illegal base32 data at input byte ${Math.floor(clean.length / 8) * 8}`;
  const out: number[] = [];
  for (let i = 0; i < clean.length; i += 8) {
    const block = clean.slice(i, i + 8);
    const pad = trailingRunLength(block, '=');
    const valid = [0, 1, 3, 4, 6].includes(pad);
    let bits = 0n;
    for (let k = 0; k < 8; k += 1) {
      const c = block[k] as string;
      if (c === '=') {
        if (k < 8 - pad || !valid || i + 8 < clean.length) return `illegal base32 data at input byte ${i + k}`;
        bits <<= 5n;
        continue;
      }
      const v = BASE32.indexOf(c);
      if (v < 0) return `illegal base32 data at input byte ${i + k}`;
      bits = (bits << 5n) | BigInt(v);
    }
    const n = { 0: 5, 1: 4, 3: 3, 4: 2, 6: 1 }[pad as 0 | 1 | 3 | 4 | 6];
    for (let k = 0; k < n; k += 1) out.push(Number((bits >> BigInt(32 - 8 * k)) & 0xffn));
  }
  return Buffer.from(out);
}

/** base64.StdEncoding.DecodeString (strict padding); on error sprig returns the error text. */
function base64Decode(input: string): string | Buffer {
  const clean = input.replace(/[\r\n]/g, '');
  const m = /^([A-Za-z0-9+/]*)(={0,2})$/.exec(clean);
  const bad = (at: number): string => `illegal base64 data at input byte ${at}`;
  if (m === null) {
    const at = [...clean].findIndex((c, i) => !/[A-Za-z0-9+/=]/.test(c) || (c === '=' && /[^=]/.test(clean.slice(i))));
    return bad(at < 0 ? clean.length : at);
  }
  const body = m[1] as string;
  const pad = (m[2] as string).length;
  if ((body.length + pad) % 4 !== 0 || (pad > 0 && body.length % 4 < 2) || (pad === 0 && body.length % 4 === 1)) {
    return bad(pad === 0 ? body.length - (body.length % 4) : body.length);
  }
  if (pad === 0 && body.length % 4 !== 0) return bad(body.length);
  return Buffer.from(clean, 'base64');
}

function adler32(bytes: Buffer): number {
  let a = 1;
  let b = 0;
  for (const byte of bytes) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

// --- paths ---------------------------------------------------------------------------------------

/** path.Clean. */
export function cleanPath(p: string): string {
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

function basePath(p: string): string {
  if (p === '') return '.';
  const trimmed = trimTrailing(p, '/');
  if (trimmed === '') return '/';
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

function dirPath(p: string): string {
  const i = p.lastIndexOf('/');
  return cleanPath(p.slice(0, i + 1));
}

function extPath(p: string): string {
  for (let i = p.length - 1; i >= 0 && p[i] !== '/'; i -= 1) if (p[i] === '.') return p.slice(i);
  return '';
}

// --- regex ---------------------------------------------------------------------------------------

function compile(re: string): GoRegexp {
  return compileGoRegexp(re);
}

/** regexp.MustCompile panics: `regexp: Compile(` + quoted + `): ` + error. */
function mustCompile(re: string): GoRegexp {
  try {
    return compileGoRegexp(re);
  } catch (error) {
    throw new FuncError(`regexp: Compile(${canBackquote(re) ? `\`${re}\`` : goQuote(re)}): ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** strconv.CanBackquote: no backquote, no control character but tab. */
function canBackquote(s: string): boolean {
  return !/[`\x00-\x08\x0a-\x1f\x7f\ufeff]/.test(s);
}

/** Regexp.FindAllString: nil when nothing matched. */
function findAll(r: GoRegexp, s: string, n: number): string[] | null {
  if (n === 0) return null;
  const out = r.findAllIndex(s, n).map(([start, end]) => s.slice(start, end));
  return out.length === 0 ? null : out;
}

/** Regexp.Split (https://pkg.go.dev/regexp#Regexp.Split). */
function regexSplit(r: GoRegexp, s: string, n: number): string[] | null {
  if (n === 0) return null;
  if (r.source.length > 0 && s.length === 0) return [''];
  const matches = r.findAllIndex(s, n);
  const out: string[] = [];
  let beg = 0;
  let end = 0;
  for (const [start, stop] of matches as [number, number][]) {
    if (n > 0 && out.length === n - 1) break;
    end = start;
    if (stop === 0) continue;
    out.push(s.slice(beg, end));
    beg = stop;
  }
  if (end !== s.length) out.push(s.slice(beg));
  return out;
}

function firstMatch(r: GoRegexp, s: string): string {
  const index = r.findIndex(s);
  return index === null ? '' : s.slice(index[0], index[1]);
}

function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

function stringList(items: string[] | null): Typed {
  return new Typed(SLICE_STRING, items);
}

// --- URLs ----------------------------------------------------------------------------------------

function urlParse(raw: string): Record<string, unknown> {
  const m = /^(?:([A-Za-z][A-Za-z0-9+.-]*):)?(.*)$/s.exec(raw) as RegExpExecArray;
  let rest = m[2] as string;
  const scheme = (m[1] ?? '').toLowerCase();
  let fragment = '';
  const hash = rest.indexOf('#');
  if (hash >= 0) {
    fragment = decodeURIComponentSafe(rest.slice(hash + 1));
    rest = rest.slice(0, hash);
  }
  let query = '';
  const q = rest.indexOf('?');
  if (q >= 0) {
    query = rest.slice(q + 1);
    rest = rest.slice(0, q);
  }
  let host = '';
  let userinfo = '';
  let opaque = '';
  let path = rest;
  if (scheme !== '' && !rest.startsWith('/')) {
    opaque = rest;
    path = '';
  } else if (rest.startsWith('//')) {
    const authorityEnd = rest.indexOf('/', 2);
    const authority = authorityEnd < 0 ? rest.slice(2) : rest.slice(2, authorityEnd);
    path = authorityEnd < 0 ? '' : rest.slice(authorityEnd);
    const at = authority.lastIndexOf('@');
    host = at < 0 ? authority : authority.slice(at + 1);
    if (at >= 0) userinfo = authority.slice(0, at);
  }
  const hostname = host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.replace(/:[0-9]*$/, '');
  const out: Record<string, unknown> = {};
  put(out, 'scheme', scheme);
  put(out, 'host', host);
  put(out, 'hostname', hostname);
  put(out, 'path', decodeURIComponentSafe(path));
  put(out, 'query', query);
  put(out, 'opaque', opaque);
  put(out, 'fragment', fragment);
  put(out, 'userinfo', userinfo);
  return out;
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function dictString(d: Record<string, unknown>, key: string): string {
  if (!has(d, key)) return '';
  const value = slot(d[key]);
  if (value === null) throw new FuncError(`runtime error: invalid memory address or nil pointer dereference`);
  if (typeOf(value).kind !== 'string') throw new FuncError(`unable to parse ${key} key, must be of type string, but ${typeOf(value).kind} found`);
  return strval(value);
}

/** url.URL.String for the parts urlJoin sets (Go escapes the path and fragment). */
function urlJoin(d: Record<string, unknown>): string {
  const scheme = dictString(d, 'scheme');
  const host = dictString(d, 'host');
  const path = dictString(d, 'path');
  const query = dictString(d, 'query');
  const opaque = dictString(d, 'opaque');
  const fragment = dictString(d, 'fragment');
  const userinfo = dictString(d, 'userinfo');
  let out = '';
  if (scheme !== '') out += `${scheme}:`;
  if (opaque !== '') out += opaque;
  else {
    if (scheme !== '' || host !== '' || userinfo !== '') {
      if (host !== '' || path !== '' || userinfo !== '') out += '//';
      if (userinfo !== '') out += `${userinfo}@`;
      out += host;
    }
    const escaped = encodeURI(path).replace(/%5B/g, '[').replace(/%5D/g, ']').replace(/\?/g, '%3F');
    if (path !== '' && !path.startsWith('/') && host !== '') out += '/';
    out += escaped;
  }
  if (query !== '') out += `?${query}`;
  if (fragment !== '') out += `#${encodeURI(fragment)}`;
  return out;
}

// --- the table -----------------------------------------------------------------------------------

function splitMap(parts: string[]): Typed {
  const out: Record<string, string> = {};
  parts.forEach((part, i) => { put(out, `_${i}`, part); });
  return new Typed(MAP_STRING, out);
}

function goSplitN(s: string, sep: string, n: number): string[] | null {
  if (n === 0) return null;
  const runes = sep === '' ? [...s] : [];
  if (sep === '' && (n < 0 || runes.length <= n)) return goExplode(s);
  const all = sep === '' ? runes : s.split(sep);
  if (n < 0 || all.length <= n) return all;
  if (sep === '') return [...goExplode(all.slice(0, n).join('')).slice(0, n - 1), all.slice(n - 1).join('')];
  return [...all.slice(0, n - 1), all.slice(n - 1).join(sep)];
}

function joinList(sep: string, v: Dyn | null): string {
  return strslice(v).join(sep);
}

/** Sprig's strslice: []string as is, other lists without their nils, a scalar as one element. */
export function strslice(v: Dyn | null): string[] {
  if (v === null) return [];
  if (typeOf(v).kind === 'slice') {
    if (typeOf(v) === SLICE_STRING) return (sliceItems(v) ?? []).map((x) => stringText(x as string));
    return (sliceItems(v) ?? []).map(slot).filter((x): x is Dyn => x !== null).map(strval);
  }
  return [strval(v)];
}

function substr(start: number, end: number, s: string): string {
  const n = byteLength(s);
  if (start < 0) return byteSlice(s, 0, end);
  if (end < 0 || end > n) return byteSlice(s, start);
  return byteSlice(s, start, end);
}

function trunc(c: number, s: string): string {
  const n = byteLength(s);
  if (c < 0 && n + c > 0) return byteSlice(s, n + c);
  if (c >= 0 && n > c) return byteSlice(s, 0, c);
  return s;
}

function indent(spaces: number, v: string): string {
  if (spaces < 0) throw new FuncError('strings: negative Repeat count');
  checkGeneratedSize('indent', spaces * (1 + (v.match(/\n/g)?.length ?? 0)) + v.length);
  const pad = ' '.repeat(spaces);
  return pad + v.split('\n').join(`\n${pad}`);
}

const N = (v: Value): number => Number(v);

export function sprigStringFunctions(): Map<string, SprigFn> {
  const t = new Map<string, SprigFn>();
  t.set('hello', fn([], S, () => 'Hello!'));
  t.set('abbrev', fn([T.int, S], S, ([w, s]) => (N(w) < 4 ? text(s) : abbreviateFull(text(s), 0, N(w)))));
  t.set('abbrevboth', fn([T.int, T.int, S], S, ([l, r, s]) => (N(r) < 4 || (N(l) > 0 && N(r) < 7) ? text(s) : abbreviateFull(text(s), N(l), N(r)))));
  t.set('trunc', fn([T.int, S], S, ([c, s]) => trunc(N(c), text(s))));
  t.set('trim', fn([S], S, ([s]) => trimGoSpace(text(s))));
  t.set('upper', fn([S], S, ([s]) => goCase(text(s), 'upper')));
  t.set('lower', fn([S], S, ([s]) => goCase(text(s), 'lower')));
  t.set('title', fn([S], S, ([s]) => goTitle(text(s))));
  t.set('untitle', fn([S], S, ([s]) => uncapitalize(text(s))));
  t.set('substr', fn([T.int, T.int, S], S, ([a, b, s]) => substr(N(a), N(b), text(s))));
  t.set('repeat', fn([T.int, S], S, ([n, s]) => {
    if (N(n) < 0) throw new FuncError('strings: negative Repeat count');
    checkGeneratedSize('repeat', N(n) * text(s).length);
    return text(s).repeat(N(n));
  }));
  t.set('trimall', fn([S, S], S, ([a, b]) => goTrimCutset(text(b), text(a))));
  t.set('trimAll', fn([S, S], S, ([a, b]) => goTrimCutset(text(b), text(a))));
  t.set('trimSuffix', fn([S, S], S, ([a, b]) => (text(a) !== '' && text(b).endsWith(text(a)) ? text(b).slice(0, -text(a).length) : text(b))));
  t.set('trimPrefix', fn([S, S], S, ([a, b]) => (text(b).startsWith(text(a)) ? text(b).slice(text(a).length) : text(b))));
  t.set('nospace', fn([S], S, ([s]) => deleteWhiteSpace(text(s))));
  t.set('initials', fn([S], S, ([s]) => initials(text(s))));
  t.set('swapcase', fn([S], S, ([s]) => swapCase(text(s))));
  t.set('snakecase', fn([S], S, ([s]) => connectorCase(text(s), '_')));
  t.set('kebabcase', fn([S], S, ([s]) => connectorCase(text(s), '-')));
  t.set('camelcase', fn([S], S, ([s]) => pascalCase(text(s))));
  t.set('wrap', fn([T.int, S], S, ([l, s]) => wrapCustom(text(s), N(l), '', false)));
  t.set('wrapWith', fn([T.int, S, S], S, ([l, sep, s]) => wrapCustom(text(s), N(l), text(sep), true)));
  t.set('contains', fn([S, S], T.bool, ([sub, s]) => text(s).includes(text(sub))));
  t.set('hasPrefix', fn([S, S], T.bool, ([p, s]) => text(s).startsWith(text(p))));
  t.set('hasSuffix', fn([S, S], T.bool, ([p, s]) => text(s).endsWith(text(p))));
  t.set('quote', fn([], S, (args) => args.map(anyOf).filter((a) => a !== null).map((a) => goQuote(strval(a))).join(' '), ANY));
  t.set('squote', fn([], S, (args) => args.map(anyOf).filter((a) => a !== null).map((a) => `'${strval(a)}'`).join(' '), ANY));
  t.set('cat', fn([], S, (args) => {
    const present = args.map(anyOf).filter((a): a is Dyn => a !== null);
    const printed = goSprintf(Array(present.length).fill('%v').join(' '), present);
    return typeof printed === 'string' ? printed : stringText(printed);
  }, ANY));
  t.set('indent', fn([T.int, S], S, ([n, s]) => indent(N(n), text(s))));
  t.set('nindent', fn([T.int, S], S, ([n, s]) => `\n${indent(N(n), text(s))}`));
  t.set('replace', fn([S, S, S], S, ([o, n, s]) => replaceAll(text(s), text(o), text(n))));
  t.set('plural', fn([S, S, T.int], S, ([one, many, count]) => ((count as bigint) === 1n ? text(one) : text(many))));
  t.set('sha1sum', fn([S], S, ([s]) => createHash('sha1').update(stringBytes(s as string)).digest('hex')));
  t.set('sha256sum', fn([S], S, ([s]) => createHash('sha256').update(stringBytes(s as string)).digest('hex')));
  t.set('sha512sum', fn([S], S, ([s]) => createHash('sha512').update(stringBytes(s as string)).digest('hex')));
  t.set('adler32sum', fn([S], S, ([s]) => String(adler32(stringBytes(s as string)))));
  t.set('toString', fn([ANY], S, ([v]) => strval(anyOf(v))));
  t.set('split', fn([S, S], MAP_STRING, ([sep, s]) => splitMap(goSplitN(text(s), text(sep), -1) ?? [])));
  t.set('splitList', fn([S, S], SLICE_STRING, ([sep, s]) => stringList(goSplitN(text(s), text(sep), -1))));
  t.set('splitn', fn([S, T.int, S], MAP_STRING, ([sep, n, s]) => splitMap(goSplitN(text(s), text(sep), N(n)) ?? [])));
  t.set('toStrings', fn([ANY], SLICE_STRING, ([v]) => stringList(strslice(anyOf(v)))));
  t.set('join', fn([S, ANY], S, ([sep, v]) => joinList(text(sep), anyOf(v))));
  t.set('sortAlpha', fn([ANY], SLICE_STRING, ([v]) => {
    const value = anyOf(v);
    if (value !== null && typeOf(value).kind === 'slice') return stringList(strslice(value).sort(compareBytes));
    return stringList([strval(value)]);
  }));
  // encodings
  t.set('b64enc', fn([S], S, ([s]) => stringBytes(s as string).toString('base64')));
  t.set('b64dec', fn([S], S, ([s]) => decoded(base64Decode(text(s)))));
  t.set('b32enc', fn([S], S, ([s]) => base32Encode(stringBytes(s as string))));
  t.set('b32dec', fn([S], S, ([s]) => decoded(base32Decode(text(s)))));
  // paths (filepath is path on the agent's platforms)
  for (const [prefix, names] of [['', ['base', 'clean', 'dir', 'ext', 'isAbs']], ['os', ['Base', 'Clean', 'Dir', 'Ext', 'IsAbs']]] as const) {
    const [b, c, d, e, a] = names;
    t.set(prefix + b, fn([S], S, ([s]) => basePath(text(s))));
    t.set(prefix + c, fn([S], S, ([s]) => cleanPath(text(s))));
    t.set(prefix + d, fn([S], S, ([s]) => dirPath(text(s))));
    t.set(prefix + e, fn([S], S, ([s]) => extPath(text(s))));
    t.set(prefix + a, fn([S], T.bool, ([s]) => text(s).startsWith('/')));
  }
  // regex
  t.set('regexMatch', fn([S, S], T.bool, ([re, s]) => {
    try {
      return compile(text(re)).matchString(text(s));
    } catch {
      return false;
    }
  }));
  t.set('mustRegexMatch', fn([S, S], T.bool, ([re, s]) => compile(text(re)).matchString(text(s))));
  t.set('regexFindAll', fn([S, S, T.int], SLICE_STRING, ([re, s, n]) => stringList(findAll(mustCompile(text(re)), text(s), N(n)))));
  t.set('mustRegexFindAll', fn([S, S, T.int], SLICE_STRING, ([re, s, n]) => stringList(findAll(compile(text(re)), text(s), N(n)))));
  t.set('regexFind', fn([S, S], S, ([re, s]) => firstMatch(mustCompile(text(re)), text(s))));
  t.set('mustRegexFind', fn([S, S], S, ([re, s]) => firstMatch(compile(text(re)), text(s))));
  t.set('regexReplaceAll', fn([S, S, S], S, ([re, s, repl]) => mustCompile(text(re)).replaceAll(text(s), text(repl), true)));
  t.set('mustRegexReplaceAll', fn([S, S, S], S, ([re, s, repl]) => compile(text(re)).replaceAll(text(s), text(repl), true)));
  t.set('regexReplaceAllLiteral', fn([S, S, S], S, ([re, s, repl]) => mustCompile(text(re)).replaceAll(text(s), text(repl), false)));
  t.set('mustRegexReplaceAllLiteral', fn([S, S, S], S, ([re, s, repl]) => compile(text(re)).replaceAll(text(s), text(repl), false)));
  t.set('regexSplit', fn([S, S, T.int], SLICE_STRING, ([re, s, n]) => stringList(regexSplit(mustCompile(text(re)), text(s), N(n)))));
  t.set('mustRegexSplit', fn([S, S, T.int], SLICE_STRING, ([re, s, n]) => stringList(regexSplit(compile(text(re)), text(s), N(n)))));
  t.set('regexQuoteMeta', fn([S], S, ([s]) => quoteMeta(text(s))));
  // URLs
  t.set('urlParse', fn([S], MAP_ANY, ([s]) => urlParse(text(s))));
  t.set('urlJoin', fn([MAP_ANY], S, ([d]) => urlJoin(record(d))));
  return t;
}

function decoded(result: string | Buffer): Value {
  return typeof result === 'string' ? result : goStringFromBytes(result);
}

function replaceAll(s: string, old: string, replacement: string): string {
  if (old === '') return replacement + [...s].map((c) => c + replacement).join('');
  return s.split(old).join(replacement);
}

function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

export { SLICE_ANY };
