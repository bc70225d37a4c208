// Go literal syntax used by the parser: strconv.Unquote / UnquoteChar and the number rules of
// parse.newNumber (ParseUint/ParseInt with base 0, ParseFloat, underscores, imaginary parts).
import type { NumberNode } from './ast.js';
import type { GoBytes} from './values.js';
import { goStringFromBytes } from './values.js';
import { goUnderscoreOK } from '../../../common/src/go-strconv.js';

export class LiteralError extends Error {}

const SIMPLE: Readonly<Record<string, number>> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92 };

function hexValue(s: string): number {
  return /^[0-9a-fA-F]+$/.test(s) ? parseInt(s, 16) : -1;
}

/**
 * Decodes the escapes of a Go quoted literal body. Returns the bytes, or throws "invalid syntax".
 * `quote` is the enclosing quote character (" or ').
 */
function unquoteBody(body: string, quote: string): Buffer {
  const out: number[] = [];
  let i = 0;
  while (i < body.length) {
    const c = body[i] as string;
    if (c === quote && quote === '"') throw new LiteralError('invalid syntax');
    if (c !== '\\') {
      const cp = body.codePointAt(i) as number;
      const ch = String.fromCodePoint(cp);
      if (cp === 10) throw new LiteralError('invalid syntax');
      for (const byte of Buffer.from(ch, 'utf8')) out.push(byte);
      i += ch.length;
      continue;
    }
    const e = body[i + 1];
    if (e === undefined) throw new LiteralError('invalid syntax');
    i += 2;
    const simple = SIMPLE[e];
    if (simple !== undefined) {
      out.push(simple);
      continue;
    }
    if (e === quote) {
      out.push(e.charCodeAt(0));
      continue;
    }
    if (e === 'x') {
      const v = hexValue(body.slice(i, i + 2));
      if (v < 0 || body.slice(i, i + 2).length !== 2) throw new LiteralError('invalid syntax');
      out.push(v);
      i += 2;
      continue;
    }
    if (e === 'u' || e === 'U') {
      const n = e === 'u' ? 4 : 8;
      const digits = body.slice(i, i + n);
      const v = digits.length === n ? hexValue(digits) : -1;
      if (v < 0 || v > 0x10ffff || (v >= 0xd800 && v < 0xe000)) throw new LiteralError('invalid syntax');
      for (const byte of Buffer.from(String.fromCodePoint(v), 'utf8')) out.push(byte);
      i += n;
      continue;
    }
    if (e >= '0' && e <= '7') {
      const digits = body.slice(i - 1, i + 2);
      if (!/^[0-7]{3}$/.test(digits)) throw new LiteralError('invalid syntax');
      const v = parseInt(digits, 8);
      if (v > 255) throw new LiteralError('invalid syntax');
      out.push(v);
      i += 2;
      continue;
    }
    throw new LiteralError('invalid syntax');
  }
  return Buffer.from(out);
}

/** strconv.Unquote for "…" and `…` literals (the lexer guarantees the delimiters). */
export function unquoteString(quoted: string): string | GoBytes {
  if (quoted.startsWith('`')) {
    if (quoted.length < 2 || !quoted.endsWith('`')) throw new LiteralError('invalid syntax');
    return quoted.slice(1, -1).replace(/\r/g, '');
  }
  if (quoted.length < 2 || !quoted.startsWith('"') || !quoted.endsWith('"')) throw new LiteralError('invalid syntax');
  const body = quoted.slice(1, -1);
  if (!body.includes('\\')) {
    if (body.includes('"') || body.includes('\n')) throw new LiteralError('invalid syntax');
    return body;
  }
  return goStringFromBytes(unquoteBody(body, '"'));
}

/** The rune value of a character constant such as 'a' or '\n'. */
function unquoteChar(text: string): number {
  const body = text.slice(1, -1);
  if (body.length === 0) throw new LiteralError('invalid syntax');
  if (body[0] !== '\\') {
    const cp = body.codePointAt(0) as number;
    if (String.fromCodePoint(cp).length !== body.length) throw new LiteralError(`malformed character constant: ${text}`);
    return cp;
  }
  const bytes = unquoteBody(body, "'");
  const decoded = bytes.toString('utf8');
  const e = body[1];
  // \x and octal escapes give a byte value, not UTF-8.
  if ((e === 'x' || (e !== undefined && e >= '0' && e <= '7')) && bytes.length === 1) {
    if (body.length !== (e === 'x' ? 4 : 4)) throw new LiteralError(`malformed character constant: ${text}`);
    return bytes[0] as number;
  }
  const cp = decoded.codePointAt(0) as number;
  if (String.fromCodePoint(cp) !== decoded) throw new LiteralError(`malformed character constant: ${text}`);
  return cp;
}

// strconv's underscoreOK, shared with the webhook's ParseFloat (common/src/go-strconv.ts).
export const underscoreOK = goUnderscoreOK;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

type IntParse = { ok: true; value: bigint } | { ok: false; range: boolean };

/** strconv.ParseUint/ParseInt(s, 0, 64) without the sign handling (digits only). */
function parseUnsignedBase0(s: string): IntParse {
  if (s === '') return { ok: false, range: false };
  let base = 10;
  let body = s;
  if (s[0] === '0') {
    if (s.length >= 3 && (s[1] === 'x' || s[1] === 'X')) {
      base = 16;
      body = s.slice(2);
    } else if (s.length >= 3 && (s[1] === 'o' || s[1] === 'O')) {
      base = 8;
      body = s.slice(2);
    } else if (s.length >= 3 && (s[1] === 'b' || s[1] === 'B')) {
      base = 2;
      body = s.slice(2);
    } else {
      base = 8;
      body = s.slice(1);
    }
  }
  let underscores = false;
  let value = 0n;
  const bigBase = BigInt(base);
  for (const c of body) {
    if (c === '_') {
      underscores = true;
      continue;
    }
    const d = parseInt(c, 36);
    if (Number.isNaN(d) || d >= base) return { ok: false, range: false };
    value = value * bigBase + BigInt(d);
  }
  if (underscores && !underscoreOK(s)) return { ok: false, range: false };
  if (body === '' && base !== 8) return { ok: false, range: false };
  if (value > UINT64_MAX) return { ok: false, range: true };
  return { ok: true, value };
}

function parseUint64(s: string): IntParse {
  return parseUnsignedBase0(s);
}

function parseInt64(s: string): IntParse {
  let negative = false;
  let body = s;
  if (s[0] === '+' || s[0] === '-') {
    negative = s[0] === '-';
    body = s.slice(1);
  }
  const u = parseUnsignedBase0(body);
  if (!u.ok) return u;
  const value = negative ? -u.value : u.value;
  if (value < INT64_MIN || value > INT64_MAX) return { ok: false, range: true };
  return { ok: true, value };
}

/** strconv.ParseFloat(s, 64): decimal or hex, with Go's underscore rule. Throws on bad syntax. */
function parseGoFloatLiteral(s: string): number {
  let body = s;
  let sign = 1;
  if (body[0] === '+' || body[0] === '-') {
    if (body[0] === '-') sign = -1;
    body = body.slice(1);
  }
  if (body.includes('_')) {
    if (!underscoreOK(s)) throw new LiteralError('invalid syntax');
    body = body.replace(/_/g, '');
  }
  if (/^0[xX]/.test(body)) {
    const m = /^0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?[0-9]+)$/.exec(body);
    if (m === null || ((m[1] ?? '') === '' && (m[2] ?? '') === '')) throw new LiteralError('invalid syntax');
    const whole = m[1] ?? '';
    const fraction = m[2] ?? '';
    let mantissa = 0;
    for (const c of whole) mantissa = mantissa * 16 + parseInt(c, 16);
    let scale = 1;
    for (const c of fraction) {
      scale /= 16;
      mantissa += parseInt(c, 16) * scale;
    }
    return sign * mantissa * 2 ** Number(m[3]);
  }
  if (!/^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/.test(body)) throw new LiteralError('invalid syntax');
  const value = Number(body);
  if (!Number.isFinite(value)) throw new LiteralError('value out of range');
  return sign * value;
}

function float64ToInt64(f: number): bigint | undefined {
  if (!Number.isFinite(f) || !Number.isInteger(f)) return undefined;
  const b = BigInt(f);
  return b >= INT64_MIN && b <= INT64_MAX ? b : undefined;
}

/** parse.newNumber: classifies a number literal. Throws LiteralError with Go's message. */
export function newNumber(pos: number, text: string, kind: 'char' | 'complex' | 'number'): NumberNode {
  const n: NumberNode = {
    type: 'number',
    pos,
    text,
    isInt: false,
    isUint: false,
    isFloat: false,
    isComplex: false,
    int64: 0n,
    uint64: 0n,
    float64: 0,
    complex: { re: 0, im: 0 },
  };
  if (kind === 'char') {
    const r = unquoteChar(text);
    n.int64 = BigInt(r);
    n.isInt = true;
    n.uint64 = BigInt(r);
    n.isUint = true;
    n.float64 = r;
    n.isFloat = true;
    return n;
  }
  if (kind === 'complex') {
    // "re+imi" or "re-imi".
    const m = /^([+-]?[^+-]+(?:[eEpP][+-][0-9_]+)?)([+-].+)i$/.exec(text);
    if (m === null) throw new LiteralError(`expected integer`);
    n.complex = { re: parseGoFloatLiteral(m[1] as string), im: parseGoFloatLiteral(m[2] as string) };
    n.isComplex = true;
    simplifyComplex(n);
    return n;
  }
  if (text.endsWith('i')) {
    try {
      const f = parseGoFloatLiteral(text.slice(0, -1));
      n.isComplex = true;
      n.complex = { re: 0, im: f };
      simplifyComplex(n);
      return n;
    } catch {
      // not an imaginary literal after all
    }
  }
  const u = parseUint64(text);
  if (u.ok) {
    n.isUint = true;
    n.uint64 = u.value;
  }
  const i = parseInt64(text);
  if (i.ok) {
    n.isInt = true;
    n.int64 = i.value;
    if (i.value === 0n) {
      n.isUint = true;
      n.uint64 = u.ok ? u.value : 0n;
    }
  }
  if (n.isInt) {
    n.isFloat = true;
    n.float64 = Number(n.int64);
  } else if (n.isUint) {
    n.isFloat = true;
    n.float64 = Number(n.uint64);
  } else {
    let f: number | undefined;
    try {
      f = parseGoFloatLiteral(text);
    } catch {
      f = undefined;
    }
    if (f !== undefined) {
      if (!/[.eEpP]/.test(text)) throw new LiteralError(`integer overflow: ${JSON.stringify(text)}`);
      n.isFloat = true;
      n.float64 = f;
      const asInt = float64ToInt64(f);
      if (asInt !== undefined) {
        n.isInt = true;
        n.int64 = asInt;
      }
      if (Number.isInteger(f) && f >= 0 && f < 2 ** 64) {
        n.isUint = true;
        n.uint64 = BigInt(f);
      }
    }
  }
  if (!n.isInt && !n.isUint && !n.isFloat) throw new LiteralError(`illegal number syntax: ${JSON.stringify(text)}`);
  return n;
}

function simplifyComplex(n: NumberNode): void {
  n.isFloat = n.complex.im === 0;
  if (n.isFloat) {
    n.float64 = n.complex.re;
    const asInt = float64ToInt64(n.float64);
    n.isInt = asInt !== undefined;
    if (asInt !== undefined) n.int64 = asInt;
    n.isUint = Number.isInteger(n.float64) && n.float64 >= 0 && n.float64 < 2 ** 64;
    if (n.isUint) n.uint64 = BigInt(n.float64);
  }
}
