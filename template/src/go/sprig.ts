// The commonly used Sprig functions, exposed by consul-template only with a `sprig_` prefix
// (sprig_upper, sprig_default, ...). Signatures and behaviour follow Sprig v3.
import { createHash } from 'node:crypto';
import type { GoFunction } from './exec.js';
import { isTrue } from './exec.js';
import { goSprintf, toArg } from './fmt.js';
import { marshalJson } from './json.js';
import { goQuote } from '../../../common/src/go-quote.js';
import {
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
  compareGoStrings,
  intOf,
  mapRecord,
  sliceItems,
  sortedMapKeys,
  stringText,
  stringOf,
  typeOf,
} from './values.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Fn = GoFunction<unknown>;

const S = T.string;
const ANY = T.iface;

function text(v: Value): string {
  return stringText(v as string);
}

function anyOf(v: Value): Dyn | null {
  if (v === undefined) return null;
  if (v instanceof Iface) return v.inner;
  return v;
}

/** Sprig's strval: strings as is, Stringers through String, the rest with %v. */
function strval(v: Dyn | null): string {
  if (v === null) return '<nil>';
  if (typeOf(v).kind === 'string') return stringText(stringOf(v));
  const printed = goSprintf('%v', [v]);
  return typeof printed === 'string' ? printed : printed.bytes.toString('utf8');
}

function empty(v: Dyn | null): boolean {
  if (v === null) return true;
  const kind = typeOf(v).kind;
  if (kind === 'struct') return false;
  return !isTrue(v).truth;
}

function strslice(v: Dyn | null): string[] {
  if (v === null) return [];
  if (typeOf(v).kind === 'slice') return (sliceItems(v) ?? []).filter((x) => x !== null && x !== undefined).map((x) => strval(x as Dyn));
  return [strval(v)];
}

function toInt(v: Dyn | null): bigint {
  if (v === null) return 0n;
  const kind = typeOf(v).kind;
  if (kind === 'int' || kind === 'int64' || kind === 'uint8' || kind === 'uint64') return intOf(v);
  if (kind === 'float64') return BigInt(Math.trunc(v as number));
  if (kind === 'bool') return v === true ? 1n : 0n;
  if (kind === 'string') {
    const s = stringText(stringOf(v)).trim();
    if (/^[+-]?[0-9]+$/.test(s)) return BigInt(s);
    const f = Number(s);
    return Number.isFinite(f) ? BigInt(Math.trunc(f)) : 0n;
  }
  return 0n;
}

function f(params: GoType[], result: GoType, call: (args: Value[]) => Value, variadic?: GoType): Fn {
  return variadic === undefined ? { params, result, call } : { params, variadic, result, call };
}

function iface(v: Dyn | null): Iface {
  return new Iface(v);
}

function goTitle(s: string): string {
  let prev = ' ';
  let out = '';
  for (const ch of s) {
    out += /[\p{L}\p{N}_']/u.test(prev) ? ch : ch.toUpperCase();
    prev = ch;
  }
  return out;
}

function sprigIndent(spaces: bigint, v: string): string {
  const pad = ' '.repeat(Number(spaces < 0n ? 0n : spaces));
  return pad + v.split('\n').join(`\n${pad}`);
}

export function sprigFunctions(): Map<string, Fn> {
  const t = new Map<string, Fn>();
  t.set('upper', f([S], S, ([s]) => text(s).toUpperCase()));
  t.set('lower', f([S], S, ([s]) => text(s).toLowerCase()));
  t.set('title', f([S], S, ([s]) => goTitle(text(s))));
  t.set('trim', f([S], S, ([s]) => text(s).trim()));
  t.set('trimAll', f([S, S], S, ([cut, s]) => text(s).replace(new RegExp(`^[${escapeClass(text(cut))}]+|[${escapeClass(text(cut))}]+$`, 'gu'), '')));
  t.set('trimPrefix', f([S, S], S, ([p, s]) => (text(s).startsWith(text(p)) ? text(s).slice(text(p).length) : text(s))));
  t.set('trimSuffix', f([S, S], S, ([p, s]) => (text(p) !== '' && text(s).endsWith(text(p)) ? text(s).slice(0, -text(p).length) : text(s))));
  t.set('nospace', f([S], S, ([s]) => text(s).replace(/\s/gu, '')));
  t.set('repeat', f([T.int, S], S, ([n, s]) => text(s).repeat(Number(n) < 0 ? 0 : Number(n))));
  t.set('trunc', f([T.int, S], S, ([n, s]) => {
    const c = Number(n);
    const str = text(s);
    if (c < 0 && str.length + c > 0) return str.slice(str.length + c);
    if (c >= 0 && str.length > c) return str.slice(0, c);
    return str;
  }));
  t.set('replace', f([S, S, S], S, ([o, n, s]) => text(s).split(text(o)).join(text(n))));
  t.set('contains', f([S, S], T.bool, ([sub, s]) => text(s).includes(text(sub))));
  t.set('hasPrefix', f([S, S], T.bool, ([p, s]) => text(s).startsWith(text(p))));
  t.set('hasSuffix', f([S, S], T.bool, ([p, s]) => text(s).endsWith(text(p))));
  t.set('indent', f([T.int, S], S, ([n, s]) => sprigIndent(n as bigint, text(s))));
  t.set('nindent', f([T.int, S], S, ([n, s]) => `\n${sprigIndent(n as bigint, text(s))}`));
  t.set('quote', f([], S, (args) => args.map(anyOf).filter((a) => a !== null).map((a) => goQuote(strval(a))).join(' '), ANY));
  t.set('squote', f([], S, (args) => args.map(anyOf).filter((a) => a !== null).map((a) => `'${strval(a)}'`).join(' '), ANY));
  t.set('b64enc', f([S], S, ([s]) => Buffer.from(text(s), 'utf8').toString('base64')));
  t.set('b64dec', f([S], S, ([s]) => Buffer.from(text(s), 'base64').toString('utf8')));
  t.set('sha256sum', f([S], S, ([s]) => createHash('sha256').update(text(s)).digest('hex')));
  t.set('toString', f([ANY], S, ([v]) => strval(anyOf(v))));
  t.set('atoi', f([S], T.int, ([s]) => (/^[+-]?[0-9]+$/.test(text(s)) ? BigInt(text(s)) : 0n)));
  t.set('int', f([ANY], T.int, ([v]) => toInt(anyOf(v))));
  t.set('int64', f([ANY], T.int64, ([v]) => new Typed(T.int64, toInt(anyOf(v)))));
  t.set('default', f([ANY], ANY, ([d, ...given]) => {
    const g = given.length === 0 ? null : anyOf(given[0]);
    return iface(given.length === 0 || empty(g) ? anyOf(d) : g);
  }, ANY));
  t.set('empty', f([ANY], T.bool, ([v]) => empty(anyOf(v))));
  t.set('coalesce', f([], ANY, (args) => iface(args.map(anyOf).find((a) => !empty(a)) ?? null), ANY));
  t.set('ternary', f([ANY, ANY, T.bool], ANY, ([a, b, c]) => iface(c === true ? anyOf(a) : anyOf(b))));
  t.set('list', f([], SLICE_ANY, (args) => args.map(anyOf), ANY));
  t.set('dict', f([], MAP_ANY, (args) => {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < args.length; i += 2) {
      const key = strval(anyOf(args[i]));
      Object.defineProperty(out, key, { value: i + 1 < args.length ? anyOf(args[i + 1]) : '', enumerable: true, writable: true, configurable: true });
    }
    return out;
  }, ANY));
  t.set('get', f([MAP_ANY, S], ANY, ([m, k]) => {
    const record = mapRecord(m as Dyn);
    const key = text(k);
    return iface(record !== null && Object.prototype.hasOwnProperty.call(record, key) ? ((record[key] ?? null)) : '');
  }));
  t.set('hasKey', f([MAP_ANY, S], T.bool, ([m, k]) => {
    const record = mapRecord(m as Dyn);
    return record !== null && Object.prototype.hasOwnProperty.call(record, text(k));
  }));
  t.set('keys', f([], SLICE_STRING, (args) => new Typed(SLICE_STRING, args.flatMap((m) => sortedMapKeys(mapRecord(m as Dyn)))), MAP_ANY));
  t.set('sortAlpha', f([ANY], SLICE_STRING, ([v]) => new Typed(SLICE_STRING, strslice(anyOf(v)).sort(compareGoStrings))));
  t.set('join', f([S, ANY], S, ([sep, v]) => strslice(anyOf(v)).join(text(sep))));
  t.set('splitList', f([S, S], SLICE_STRING, ([sep, s]) => new Typed(SLICE_STRING, text(sep) === '' ? [...text(s)] : text(s).split(text(sep)))));
  t.set('split', f([S, S], MAP_STRING, ([sep, s]) => {
    const out: Record<string, string> = {};
    (text(sep) === '' ? [...text(s)] : text(s).split(text(sep))).forEach((part, i) => {
      out[`_${i}`] = part;
    });
    return new Typed(MAP_STRING, out);
  }));
  t.set('toJson', f([ANY], S, ([v]) => marshalJson(anyOf(v), { escapeHTML: true })));
  t.set('toPrettyJson', f([ANY], S, ([v]) => marshalJson(anyOf(v), { escapeHTML: true, indent: '  ' })));
  t.set('toRawJson', f([ANY], S, ([v]) => marshalJson(anyOf(v), { escapeHTML: false })));
  t.set('first', f([ANY], ANY, ([v]) => {
    const items = anyOf(v) === null ? [] : (sliceItems(anyOf(v) as Dyn) ?? []);
    return iface((items[0] ?? null));
  }));
  t.set('last', f([ANY], ANY, ([v]) => {
    const items = anyOf(v) === null ? [] : (sliceItems(anyOf(v) as Dyn) ?? []);
    return iface((items[items.length - 1] ?? null));
  }));
  t.set('printf', f([S], S, ([format, ...args]) => goSprintf(text(format), args.map(toArg)), ANY));
  return t;
}

function escapeClass(s: string): string {
  return s.replace(/[\\\]^-]/g, '\\$&');
}
