// Go's fmt package for the values templates meet: Sprint, Sprintln, Sprintf (all verbs, flags,
// width, precision, argument indexes and the %!verb(...) error forms), printing maps sorted,
// structs as {a b}, nil as <nil>, json.Number through its String method.
import { goQuote, goQuoteRune, isGoPrint } from '../../../common/src/go-quote.js';
import { formatGoFloat } from './float-format.js';
import {
  GoBytes,
  Iface,
  T,
  Typed,
  type Dyn,
  type GoType,
  type Value,
  indirect,
  intOf,
  isNilValue,
  mapElemType,
  mapRecord,
  sliceElemType,
  sliceItems,
  sortedMapKeys,
  goRuneWidth,
  goStringFromBytes,
  goStringFromText,
  stringBytes,
  stringOf,
  typeOf,
  wrapElem,
} from './values.js';
import { isJsonNumber } from '../../../common/src/vault-json.js';

/** Output under construction: text, with raw byte chunks when a Go string is not valid UTF-8. */
export class ByteBuilder {
  private parts: (string | Buffer)[] = [];
  private text = '';
  private hasBytes = false;

  write(chunk: string | GoBytes): void {
    if (typeof chunk === 'string') this.text += chunk;
    else this.writeBytes(chunk.bytes);
  }

  writeBytes(bytes: Buffer): void {
    this.flushText();
    this.parts.push(bytes);
    this.hasBytes = true;
  }

  private flushText(): void {
    if (this.text !== '') {
      this.parts.push(this.text);
      this.text = '';
    }
  }

  /** Total size check helper: an upper bound in UTF-16 units / bytes. */
  get approximateLength(): number {
    let n = this.text.length;
    for (const part of this.parts) n += part.length;
    return n;
  }

  /** The result as a Go string (JS string when valid UTF-8). */
  toGoString(): string | GoBytes {
    if (!this.hasBytes) return this.parts.length === 0 ? this.text : this.parts.join('') + this.text;
    return new GoBytes(this.toBuffer());
  }

  toBuffer(): Buffer {
    this.flushText();
    return Buffer.concat(this.parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'utf8') : part)));
  }

  get containsBytes(): boolean {
    return this.hasBytes;
  }

  /** toGoString for text written with surrogate escapes (a printf format holding invalid bytes): the escapes become their bytes again. */
  toGoStringFromEscapedText(): string | GoBytes {
    this.flushText();
    return goStringFromBytes(Buffer.concat(this.parts.map((part) => (typeof part === 'string' ? stringBytes(goStringFromText(part)) : part))));
  }
}

function runeCount(s: string | GoBytes): number {
  if (typeof s === 'string') {
    let n = 0;
    for (let i = 0; i < s.length; i += 1) {
      const c = s.charCodeAt(i);
      if (c < 0xdc00 || c > 0xdfff) n += 1;
    }
    return n;
  }
  // utf8.RuneCount: every byte that does not start a valid sequence is a rune of its own.
  let n = 0;
  for (let i = 0; i < s.bytes.length; i += goRuneWidth(s.bytes, i)) n += 1;
  return n;
}

/** Truncates a Go string to n runes. */
function truncateRunes(s: string | GoBytes, n: number): string | GoBytes {
  if (typeof s === 'string') {
    let count = 0;
    for (let i = 0; i < s.length; i += 1) {
      const c = s.charCodeAt(i);
      if (c >= 0xdc00 && c <= 0xdfff) continue;
      if (count === n) return s.slice(0, i);
      count += 1;
    }
    return s;
  }
  let count = 0;
  for (let i = 0; i < s.bytes.length; i += goRuneWidth(s.bytes, i)) {
    if (count === n) return new GoBytes(s.bytes.subarray(0, i));
    count += 1;
  }
  return s;
}

const LDIGITS = '0123456789abcdefx';
const UDIGITS = '0123456789ABCDEFX';

interface Flags {
  plus: boolean;
  minus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  plusV: boolean;
  sharpV: boolean;
  wid: number;
  widPresent: boolean;
  prec: number;
  precPresent: boolean;
}

function clearFlags(f: Flags): void {
  f.plus = f.minus = f.sharp = f.space = f.zero = f.plusV = f.sharpV = false;
  f.wid = f.prec = 0;
  f.widPresent = f.precPresent = false;
}

/** A Go `any` argument: a concrete value, or null for a nil interface. */
export type Arg = Dyn | null;

/** Converts a template Value into what a Go `...any` parameter receives. */
export function toArg(value: Value): Arg {
  if (value === undefined) return null;
  if (value instanceof Iface) return value.inner;
  return value;
}

function typeString(arg: Arg): string {
  return arg === null ? '<nil>' : typeOf(arg).name;
}

class Printer {
  readonly buf = new ByteBuilder();
  readonly f: Flags = {
    plus: false,
    minus: false,
    sharp: false,
    space: false,
    zero: false,
    plusV: false,
    sharpV: false,
    wid: 0,
    widPresent: false,
    prec: 0,
    precPresent: false,
  };
  private erroring = false;
  private arg: Arg = null;
  private value: Value = undefined;

  // --- padding -------------------------------------------------------------------------------
  private writePadding(n: number): void {
    if (n <= 0) return;
    this.buf.write((this.f.zero ? '0' : ' ').repeat(n));
  }

  private pad(s: string | GoBytes): void {
    if (!this.f.widPresent || this.f.wid === 0) {
      this.buf.write(s);
      return;
    }
    const width = this.f.wid - runeCount(s);
    if (!this.f.minus) {
      this.writePadding(width);
      this.buf.write(s);
    } else {
      this.buf.write(s);
      this.writePadding(width);
    }
  }

  // --- basic formatters ---------------------------------------------------------------------
  private fmtBoolean(v: boolean): void {
    this.pad(v ? 'true' : 'false');
  }

  private fmtInteger(u: bigint, base: number, isSigned: boolean, verb: string, digits: string): void {
    const f = this.f;
    const negative = isSigned && u < 0n;
    let magnitude = negative ? -u : u;
    if (!isSigned && magnitude < 0n) magnitude += 1n << 64n;
    let prec = 0;
    if (f.precPresent) {
      prec = f.prec;
      if (prec === 0 && magnitude === 0n) {
        const oldZero = f.zero;
        f.zero = false;
        this.writePadding(f.wid);
        f.zero = oldZero;
        return;
      }
    } else if (f.zero && f.widPresent) {
      prec = f.wid;
      if (negative || f.plus || f.space) prec -= 1;
    }
    let body = magnitude.toString(base);
    if (digits === UDIGITS) body = body.toUpperCase();
    if (prec > body.length) body = '0'.repeat(prec - body.length) + body;
    if (f.sharp) {
      if (base === 2) body = `0b${body}`;
      else if (base === 8) {
        if (body[0] !== '0') body = `0${body}`;
      } else if (base === 16) body = `0${digits[16]}${body}`;
    }
    if (verb === 'O') body = `0o${body}`;
    if (negative) body = `-${body}`;
    else if (f.plus) body = `+${body}`;
    else if (f.space) body = ` ${body}`;
    const oldZero = f.zero;
    f.zero = false;
    this.pad(body);
    f.zero = oldZero;
  }

  private fmtUnicode(u: bigint): void {
    let body = (u < 0n ? u + (1n << 64n) : u).toString(16).toUpperCase();
    const f = this.f;
    let prec = 4;
    if (f.precPresent && f.prec > 4) prec = f.prec;
    if (body.length < prec) body = body.padStart(prec, '0');
    body = `U+${body}`;
    if (f.sharp && u >= 0n && u <= 0x10ffffn && isGoPrint(Number(u))) body += ` '${String.fromCodePoint(Number(u))}'`;
    const oldZero = f.zero;
    f.zero = false;
    this.pad(body);
    f.zero = oldZero;
  }

  private fmtC(u: bigint): void {
    const r = u < 0n || u > 0x10ffffn || (u >= 0xd800n && u <= 0xdfffn) ? 0xfffd : Number(u);
    this.pad(String.fromCodePoint(r));
  }

  private fmtQc(u: bigint): void {
    // fmt's fmtQc: strconv.QuoteRune, or QuoteRuneToASCII with the plus flag.
    const r = u > 0x10ffffn ? 0xfffd : Number(u);
    this.pad(goQuoteRune(r, { asciiOnly: this.f.plus }));
  }

  private fmtFloat(v: number, verb: string, prec: number): void {
    const f = this.f;
    if (f.precPresent) prec = f.prec;
    let num = formatGoFloat(v, verb, prec);
    if (num[0] === '-' || num[0] === '+') {
      // keep
    } else num = `+${num}`;
    if (f.space && num[0] === '+' && !f.plus) num = ` ${num.slice(1)}`;
    if (num[1] === 'I' || num[1] === 'N') {
      const oldZero = f.zero;
      f.zero = false;
      if (num[1] === 'N' && !f.space && !f.plus) num = num.slice(1);
      this.pad(num);
      f.zero = oldZero;
      return;
    }
    if (f.sharp && verb !== 'b') num = sharpFloat(num, verb, prec);
    if (f.plus || num[0] !== '+') {
      if (f.zero && f.widPresent && f.wid > num.length) {
        this.buf.write(num[0] as string);
        this.writePadding(f.wid - num.length);
        this.buf.write(num.slice(1));
        return;
      }
      this.pad(num);
      return;
    }
    this.pad(num.slice(1));
  }

  private fmtS(s: string | GoBytes): void {
    if (this.f.precPresent) s = truncateRunes(s, this.f.prec);
    this.pad(s);
  }

  private fmtSx(s: string | GoBytes, digits: string): void {
    const f = this.f;
    const bytes = stringBytes(s);
    let length = bytes.length;
    if (f.precPresent && f.prec < length) length = f.prec;
    let width = 2 * length;
    if (width > 0) {
      if (f.space) {
        if (f.sharp) width *= 2;
        width += length - 1;
      } else if (f.sharp) width += 2;
    } else {
      if (f.widPresent) this.writePadding(f.wid);
      return;
    }
    if (f.widPresent && f.wid > width && !f.minus) this.writePadding(f.wid - width);
    let out = '';
    if (f.sharp) out += `0${digits[16]}`;
    for (let i = 0; i < length; i += 1) {
      if (f.space && i > 0) {
        out += ' ';
        if (f.sharp) out += `0${digits[16]}`;
      }
      const c = bytes[i] as number;
      out += (digits[c >> 4] as string) + (digits[c & 0xf] as string);
    }
    this.buf.write(out);
    if (f.widPresent && f.wid > width && f.minus) this.writePadding(f.wid - width);
  }

  private fmtQ(s: string | GoBytes): void {
    const f = this.f;
    if (f.precPresent) s = truncateRunes(s, f.prec);
    if (f.sharp && typeof s === 'string' && canBackquote(s)) {
      this.pad(`\`${s}\``);
      return;
    }
    this.pad(goQuote(typeof s === 'string' ? s : s.bytes, { asciiOnly: f.plus }));
  }

  // --- by kind ----------------------------------------------------------------------------------
  private fmtBool(v: boolean, verb: string): void {
    if (verb === 't' || verb === 'v') this.fmtBoolean(v);
    else this.badVerb(verb);
  }

  private fmtIntegerVerb(v: bigint, isSigned: boolean, verb: string): void {
    switch (verb) {
      case 'v':
        if (this.f.sharpV && !isSigned) this.fmt0x64(v, true);
        else this.fmtInteger(v, 10, isSigned, verb, LDIGITS);
        return;
      case 'd':
        this.fmtInteger(v, 10, isSigned, verb, LDIGITS);
        return;
      case 'b':
        this.fmtInteger(v, 2, isSigned, verb, LDIGITS);
        return;
      case 'o':
      case 'O':
        this.fmtInteger(v, 8, isSigned, verb, LDIGITS);
        return;
      case 'x':
        this.fmtInteger(v, 16, isSigned, verb, LDIGITS);
        return;
      case 'X':
        this.fmtInteger(v, 16, isSigned, verb, UDIGITS);
        return;
      case 'c':
        this.fmtC(v);
        return;
      case 'q':
        this.fmtQc(v);
        return;
      case 'U':
        this.fmtUnicode(v);
        return;
      default:
        this.badVerb(verb);
    }
  }

  private fmt0x64(v: bigint, leading0x: boolean): void {
    const sharp = this.f.sharp;
    this.f.sharp = leading0x;
    this.fmtInteger(v, 16, false, 'v', LDIGITS);
    this.f.sharp = sharp;
  }

  private fmtFloatVerb(v: number, verb: string): void {
    switch (verb) {
      case 'v':
        this.fmtFloat(v, 'g', -1);
        return;
      case 'b':
      case 'g':
      case 'G':
      case 'x':
      case 'X':
        this.fmtFloat(v, verb, -1);
        return;
      case 'f':
      case 'e':
      case 'E':
      case 'F':
        this.fmtFloat(v, verb === 'F' ? 'f' : verb, 6);
        return;
      default:
        this.badVerb(verb);
    }
  }

  private fmtComplex(re: number, im: number, verb: string): void {
    switch (verb) {
      case 'v':
      case 'b':
      case 'g':
      case 'G':
      case 'x':
      case 'X':
      case 'f':
      case 'F':
      case 'e':
      case 'E': {
        const oldPlus = this.f.plus;
        this.buf.write('(');
        this.fmtFloatVerb(re, verb);
        this.f.plus = true;
        this.fmtFloatVerb(im, verb);
        this.buf.write('i)');
        this.f.plus = oldPlus;
        return;
      }
      default:
        this.badVerb(verb);
    }
  }

  private fmtString(v: string | GoBytes, verb: string): void {
    switch (verb) {
      case 'v':
        if (this.f.sharpV) this.fmtQ(v);
        else this.fmtS(v);
        return;
      case 's':
        this.fmtS(v);
        return;
      case 'x':
        this.fmtSx(v, LDIGITS);
        return;
      case 'X':
        this.fmtSx(v, UDIGITS);
        return;
      case 'q':
        this.fmtQ(v);
        return;
      default:
        this.badVerb(verb);
    }
  }

  private fmtPointer(value: Dyn, verb: string): void {
    const isNil = isNilValue(value);
    switch (verb) {
      case 'v':
        // %#v names the pointer's type: (*dependency.SecretAuth)(nil) (go1.19 fmt/print.go, fmtPointer).
        if (this.f.sharpV) {
          this.buf.write(`(${typeOf(value).name})(`);
          if (isNil) this.buf.write('nil');
          else this.fmt0x64(0xc000010000n, true);
          this.buf.write(')');
        } else if (isNil) this.pad('<nil>');
        else this.fmt0x64(0xc000010000n, !this.f.sharp);
        return;
      case 'p':
        this.fmt0x64(isNil ? 0n : 0xc000010000n, !this.f.sharp);
        return;
      case 'b':
      case 'o':
      case 'd':
      case 'x':
      case 'X':
        this.fmtIntegerVerb(isNil ? 0n : 0xc000010000n, false, verb);
        return;
      default:
        this.badVerb(verb);
    }
  }

  badVerb(verb: string): void {
    this.erroring = true;
    this.buf.write(`%!${verb}(`);
    if (this.arg !== null) {
      this.buf.write(`${typeString(this.arg)}=`);
      this.printArg(this.arg, 'v');
    } else if (this.value !== undefined) {
      this.buf.write(`${valueTypeName(this.value)}=`);
      this.printValue(this.value, 'v', 0);
    } else this.buf.write('<nil>');
    this.buf.write(')');
    this.erroring = false;
  }

  // --- dispatch -------------------------------------------------------------------------------
  printArg(arg: Arg, verb: string): void {
    this.arg = arg;
    this.value = undefined;
    if (arg === null) {
      if (verb === 'T' || verb === 'v') this.pad('<nil>');
      else this.badVerb(verb);
      return;
    }
    if (verb === 'T') {
      this.fmtS(typeString(arg));
      return;
    }
    if (verb === 'p') {
      // Any pointer, map or slice, plain JSON ones included (go1.19 fmt/print.go: printArg, fmtPointer).
      const kind = typeof arg === 'object' && !(arg instanceof GoBytes) ? typeOf(arg).kind : undefined;
      if (kind === 'ptr' || kind === 'map' || kind === 'slice' || kind === 'func') {
        this.fmtPointer(arg, verb);
        return;
      }
      this.badVerb(verb);
      return;
    }
    switch (typeof arg) {
      case 'boolean':
        this.fmtBool(arg, verb);
        return;
      case 'number':
        this.fmtFloatVerb(arg, verb);
        return;
      case 'bigint':
        this.fmtIntegerVerb(arg, true, verb);
        return;
      case 'string':
        this.fmtString(arg, verb);
        return;
      default:
        break;
    }
    if (arg instanceof GoBytes) {
      this.fmtString(arg, verb);
      return;
    }
    if (this.handleMethods(arg, verb)) return;
    this.printValue(arg, verb, 0);
  }

  /** String methods: json.Number's, and the Stringer types Sprig returns (time.Time, *semver.Version). */
  private handleMethods(arg: Dyn, verb: string): boolean {
    if (this.erroring) return false;
    if (this.f.sharpV) return false;
    if (isJsonNumber(arg) && (verb === 'v' || verb === 's' || verb === 'x' || verb === 'X' || verb === 'q')) {
      this.fmtString(arg.toString(), verb);
      return true;
    }
    if (arg instanceof Typed && (verb === 'v' || verb === 's' || verb === 'x' || verb === 'X' || verb === 'q')) {
      const stringer = arg.type.stringer ?? (arg.type.kind === 'ptr' && arg.raw !== null ? arg.type.elem?.stringer : undefined);
      if (stringer !== undefined) {
        this.fmtString(stringer(arg), verb);
        return true;
      }
    }
    return false;
  }

  printValue(value: Value, verb: string, depth: number): void {
    if (depth > 0 && value !== undefined) {
      const inner = value instanceof Iface ? value.inner : value;
      if (inner !== null) {
        this.arg = inner;
        if (this.handleMethods(inner, verb)) return;
      }
    }
    this.arg = null;
    this.value = value;
    if (value === undefined) {
      if (depth === 0) this.buf.write('<invalid reflect.Value>');
      else if (verb === 'v') this.buf.write('<nil>');
      else this.badVerb(verb);
      return;
    }
    if (value instanceof Iface) {
      // A nil interface{} element: %#v writes interface {}(nil) (go1.19 fmt/print.go, printValue).
      if (value.inner === null) this.buf.write(this.f.sharpV ? 'interface {}(nil)' : '<nil>');
      else this.printValue(value.inner, verb, depth + 1);
      return;
    }
    const type = typeOf(value);
    switch (type.kind) {
      case 'bool':
        this.fmtBool(value as boolean, verb);
        return;
      case 'int':
      case 'int64':
        this.fmtIntegerVerb(intOf(value), true, verb);
        return;
      case 'uint8':
      case 'uint64':
        this.fmtIntegerVerb(intOf(value), false, verb);
        return;
      case 'float64':
        this.fmtFloatVerb(value as number, verb);
        return;
      case 'complex128': {
        const c = (value as Typed).raw as { re: number; im: number };
        this.fmtComplex(c.re, c.im, verb);
        return;
      }
      case 'string':
        this.fmtString(stringOf(value), verb);
        return;
      case 'map': {
        const record = mapRecord(value);
        if (this.f.sharpV) {
          this.buf.write(type.name);
          if (record === null) {
            this.buf.write('(nil)');
            return;
          }
          this.buf.write('{');
        } else this.buf.write('map[');
        const elemType = mapElemType(value);
        const keys = sortedMapKeys(record);
        keys.forEach((key, i) => {
          if (i > 0) this.buf.write(this.f.sharpV ? ', ' : ' ');
          this.printValue(key, verb, depth + 1);
          this.buf.write(':');
          this.printValue(wrapElem(elemType, (record as Record<string, unknown>)[key]), verb, depth + 1);
        });
        this.buf.write(this.f.sharpV ? '}' : ']');
        return;
      }
      case 'struct': {
        const fields = (value as Typed).raw as Record<string, Dyn>;
        if (this.f.sharpV) this.buf.write(type.name);
        this.buf.write('{');
        (type.fields ?? []).forEach((field, i) => {
          if (i > 0) this.buf.write(this.f.sharpV ? ', ' : ' ');
          if (this.f.plusV || this.f.sharpV) this.buf.write(`${field.name}:`);
          this.printValue(fields[field.name], verb, depth + 1);
        });
        this.buf.write('}');
        return;
      }
      case 'slice': {
        const items = sliceItems(value) ?? [];
        const elemType = sliceElemType(value);
        if (this.f.sharpV) {
          this.buf.write(type.name);
          if (sliceItems(value) === null) {
            this.buf.write('(nil)');
            return;
          }
          this.buf.write('{');
          items.forEach((item, i) => {
            if (i > 0) this.buf.write(', ');
            this.printValue(wrapElem(elemType, item), verb, depth + 1);
          });
          this.buf.write('}');
          return;
        }
        this.buf.write('[');
        items.forEach((item, i) => {
          if (i > 0) this.buf.write(' ');
          this.printValue(wrapElem(elemType, item), verb, depth + 1);
        });
        this.buf.write(']');
        return;
      }
      case 'ptr': {
        const typed = value as Typed;
        if (depth === 0 && typed.raw !== null) {
          const elemKind = (type.elem as GoType).kind;
          if (elemKind === 'struct' || elemKind === 'slice' || elemKind === 'map') {
            this.buf.write('&');
            this.printValue(indirect(typed).value, verb, depth + 1);
            return;
          }
        }
        this.fmtPointer(typed, verb);
        return;
      }
      default:
        this.buf.write(`?${type.name}?`);
    }
  }

  doPrint(args: readonly Arg[]): void {
    let prevString = false;
    args.forEach((arg, argNum) => {
      const isString = arg !== null && typeOf(arg).kind === 'string';
      if (argNum > 0 && !isString && !prevString) this.buf.write(' ');
      this.printArg(arg, 'v');
      prevString = isString;
    });
  }

  doPrintln(args: readonly Arg[]): void {
    args.forEach((arg, argNum) => {
      if (argNum > 0) this.buf.write(' ');
      this.printArg(arg, 'v');
    });
    this.buf.write('\n');
  }

  doPrintf(format: string, a: readonly Arg[]): void {
    const f = this.f;
    const end = format.length;
    let argNum = 0;
    let afterIndex = false;
    let reordered = false;
    let goodArgNum = true;

    const argNumber = (num: number, i: number): [number, number, boolean] => {
      if (format.length <= i || format[i] !== '[') return [num, i, false];
      reordered = true;
      const [index, wid, ok] = parseArgNumber(format.slice(i));
      if (ok && index >= 0 && index < a.length) return [index, i + wid, true];
      goodArgNum = false;
      return [num, i + wid, ok];
    };

    const intFromArg = (num: number): [number, boolean, number] => {
      let value = 0;
      let isInt = false;
      let next = num;
      if (num < a.length) {
        const arg = a[num] ?? null;
        if (arg !== null) {
          const kind = typeOf(arg).kind;
          if (kind === 'int' || kind === 'int64' || kind === 'uint8' || kind === 'uint64') {
            const n = intOf(arg);
            if (n >= -(2n ** 63n) && n < 2n ** 63n) {
              value = Number(n);
              isInt = true;
            }
          }
        }
        next = num + 1;
        if (value > 1e6 || value < -1e6) {
          value = 0;
          isInt = false;
        }
      }
      return [value, isInt, next];
    };

    let i = 0;
    formatLoop: while (i < end) {
      goodArgNum = true;
      const lasti = i;
      while (i < end && format[i] !== '%') i += 1;
      if (i > lasti) this.buf.write(format.slice(lasti, i));
      if (i >= end) break;
      i += 1;
      clearFlags(f);
      simpleFormat: for (; i < end; i += 1) {
        const c = format[i] as string;
        switch (c) {
          case '#':
            f.sharp = true;
            break;
          case '0':
            f.zero = !f.minus;
            break;
          case '+':
            f.plus = true;
            break;
          case '-':
            f.minus = true;
            f.zero = false;
            break;
          case ' ':
            f.space = true;
            break;
          default:
            if (c >= 'a' && c <= 'z' && argNum < a.length) {
              if (c === 'v') {
                f.sharpV = f.sharp;
                f.sharp = false;
                f.plusV = f.plus;
                f.plus = false;
              }
              this.printArg(a[argNum] ?? null, c);
              argNum += 1;
              i += 1;
              continue formatLoop;
            }
            break simpleFormat;
        }
      }
      [argNum, i, afterIndex] = argNumber(argNum, i);
      if (i < end && format[i] === '*') {
        i += 1;
        [f.wid, f.widPresent, argNum] = intFromArg(argNum);
        if (!f.widPresent) this.buf.write('%!(BADWIDTH)');
        if (f.wid < 0) {
          f.wid = -f.wid;
          f.minus = true;
          f.zero = false;
        }
        afterIndex = false;
      } else {
        [f.wid, f.widPresent, i] = parseNum(format, i, end);
        if (afterIndex && f.widPresent) goodArgNum = false;
      }
      if (i + 1 < end && format[i] === '.') {
        i += 1;
        if (afterIndex) goodArgNum = false;
        [argNum, i, afterIndex] = argNumber(argNum, i);
        if (i < end && format[i] === '*') {
          i += 1;
          [f.prec, f.precPresent, argNum] = intFromArg(argNum);
          if (f.prec < 0) {
            f.prec = 0;
            f.precPresent = false;
          }
          if (!f.precPresent) this.buf.write('%!(BADPREC)');
          afterIndex = false;
        } else {
          [f.prec, f.precPresent, i] = parseNum(format, i, end);
          if (!f.precPresent) {
            f.prec = 0;
            f.precPresent = true;
          }
        }
      }
      if (!afterIndex) [argNum, i, afterIndex] = argNumber(argNum, i);
      if (i >= end) {
        this.buf.write('%!(NOVERB)');
        break;
      }
      // An invalid byte (a surrogate escape) decodes as utf8.RuneError, so %!\ufffd(…) names it.
      const code = format.codePointAt(i) as number;
      const verb = code >= 0xd800 && code <= 0xdfff ? '\ufffd' : String.fromCodePoint(code);
      i += code > 0xffff ? 2 : 1;
      if (verb === '%') this.buf.write('%');
      else if (!goodArgNum) this.buf.write(`%!${verb}(BADINDEX)`);
      else if (argNum >= a.length) this.buf.write(`%!${verb}(MISSING)`);
      else {
        if (verb === 'v') {
          f.sharpV = f.sharp;
          f.sharp = false;
          f.plusV = f.plus;
          f.plus = false;
        }
        this.printArg(a[argNum] ?? null, verb);
        argNum += 1;
      }
    }
    // reordered is set inside the argNumber closure, which the linter's flow analysis cannot see.
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
    if (!reordered && argNum < a.length) {
      clearFlags(f);
      this.buf.write('%!(EXTRA ');
      a.slice(argNum).forEach((arg, index) => {
        if (index > 0) this.buf.write(', ');
        if (arg === null) this.buf.write('<nil>');
        else {
          this.buf.write(`${typeString(arg)}=`);
          this.printArg(arg, 'v');
        }
      });
      this.buf.write(')');
    }
  }
}

function valueTypeName(value: Value): string {
  if (value === undefined) return '<nil>';
  if (value instanceof Iface) return T.iface.name;
  return typeOf(value).name;
}

function parseNum(s: string, start: number, end: number): [number, boolean, number] {
  if (start >= end) return [0, false, end];
  let num = 0;
  let isNum = false;
  let i = start;
  for (; i < end && (s[i] as string) >= '0' && (s[i] as string) <= '9'; i += 1) {
    if (num > 1e6 || num < -1e6) return [0, false, end];
    num = num * 10 + (s.charCodeAt(i) - 48);
    isNum = true;
  }
  return [num, isNum, i];
}

function parseArgNumber(format: string): [number, number, boolean] {
  if (format.length < 3) return [0, 1, false];
  for (let i = 1; i < format.length; i += 1) {
    if (format[i] === ']') {
      const [width, ok, newi] = parseNum(format, 1, i);
      if (!ok || newi !== i) return [0, i + 1, false];
      return [width - 1, i + 1, true];
    }
  }
  return [0, 1, false];
}

/**
 * The # flag on a float (go1.19 fmt/format.go, fmtFloat): always a decimal point; for %v, %g, %G
 * and %x also zeros up to the precision (6 when none), counting significant digits from the first
 * non-zero one. In hex mantissas every character after the sign counts (the x, and e/E digits),
 * and %X pads nothing.
 */
function sharpFloat(num: string, verb: string, prec: number): string {
  let digits = 0;
  if (verb === 'v' || verb === 'g' || verb === 'G' || verb === 'x') digits = prec === -1 ? 6 : prec;
  const hex = verb === 'x' || verb === 'X';
  let tail = '';
  let body = num;
  let hasDecimalPoint = false;
  let sawNonzero = false;
  for (let i = 1; i < body.length; i += 1) {
    const c = body[i] as string;
    if (c === '.') hasDecimalPoint = true;
    else if (c === 'p' || c === 'P' || (!hex && (c === 'e' || c === 'E'))) {
      tail = body.slice(i);
      body = body.slice(0, i);
    } else {
      if (c !== '0') sawNonzero = true;
      if (sawNonzero) digits -= 1;
    }
  }
  if (!hasDecimalPoint) {
    if (body.length === 2 && body[1] === '0') digits -= 1;
    body += '.';
  }
  if (digits > 0) body += '0'.repeat(digits);
  return body + tail;
}

function canBackquote(s: string): boolean {
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    if (ch === '`' || ch === '\ufeff') return false;
    if (c < 0x20 && c !== 0x09) return false;
    if (c === 0x7f) return false;
  }
  return true;
}

export function goSprint(args: readonly Arg[]): string | GoBytes {
  const p = new Printer();
  p.doPrint(args);
  return p.buf.toGoString();
}

export function goSprintln(args: readonly Arg[]): string | GoBytes {
  const p = new Printer();
  p.doPrintln(args);
  return p.buf.toGoString();
}

const SURROGATE_ESCAPE = /[\udc80-\udcff]/;

export function goSprintf(format: string, args: readonly Arg[]): string | GoBytes {
  const p = new Printer();
  p.doPrintf(format, args);
  return SURROGATE_ESCAPE.test(format) ? p.buf.toGoStringFromEscapedText() : p.buf.toGoString();
}

/** fmt.Fprint(w, v) for one value, as text/template prints an action's result. */
export function printValueTo(out: ByteBuilder, arg: Arg): void {
  if (typeof arg === 'string') {
    out.write(arg);
    return;
  }
  const p = new Printer();
  p.printArg(arg, 'v');
  const result = p.buf.toGoString();
  out.write(result);
}

export { isNilValue };
