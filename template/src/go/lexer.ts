// text/template's lexer (Go 1.19), run to completion up front: the item stream is the same as
// Go's goroutine lexer produces, including where it stops with an error item.
// Positions are UTF-16 offsets into the source; error texts convert them to Go's byte columns.
import { goQuote } from '../../../common/src/go-quote.js';

export const Item = {
  error: 0,
  bool: 1,
  char: 2,
  charConstant: 3,
  comment: 4,
  complex: 5,
  assign: 6,
  declare: 7,
  eof: 8,
  field: 9,
  identifier: 10,
  leftDelim: 11,
  leftParen: 12,
  number: 13,
  pipe: 14,
  rawString: 15,
  rightDelim: 16,
  rightParen: 17,
  space: 18,
  string: 19,
  text: 20,
  variable: 21,
  keyword: 22,
  block: 23,
  break: 24,
  continue: 25,
  dot: 26,
  define: 27,
  else: 28,
  end: 29,
  if: 30,
  nil: 31,
  range: 32,
  template: 33,
  with: 34,
} as const;

export type ItemType = (typeof Item)[keyof typeof Item];

export interface LexItem {
  readonly typ: ItemType;
  readonly pos: number;
  readonly val: string;
  readonly line: number;
}

const KEYWORDS: Readonly<Record<string, ItemType>> = {
  '.': Item.dot,
  block: Item.block,
  break: Item.break,
  continue: Item.continue,
  define: Item.define,
  else: Item.else,
  end: Item.end,
  if: Item.if,
  range: Item.range,
  nil: Item.nil,
  template: Item.template,
  with: Item.with,
};

const LETTER_OR_DIGIT = /[\p{L}\p{Nd}_]/u;

function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\r' || c === '\n';
}

function isAlphaNumeric(c: string | undefined): boolean {
  if (c === undefined) return false;
  const code = c.charCodeAt(0);
  if (code < 0x80) return c === '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  return LETTER_OR_DIGIT.test(c);
}

function hasLeftTrimMarker(s: string, at: number): boolean {
  return s.length - at >= 2 && s[at] === '-' && isSpace(s[at + 1]);
}

function hasRightTrimMarker(s: string, at: number): boolean {
  return s.length - at >= 2 && isSpace(s[at]) && s[at + 1] === '-';
}

/** %#U of a rune, as in lexer error texts. */
function formatRuneU(c: string | undefined): string {
  if (c === undefined) return 'U+FFFFFFFFFFFFFFFF';
  const code = c.codePointAt(0) as number;
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  const printable = code >= 0x20 && code !== 0x7f && !(code >= 0x80 && code < 0xa0);
  return printable ? `${hex} '${c}'` : hex;
}

function countNewlines(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i += 1) if (s.charCodeAt(i) === 10) n += 1;
  return n;
}

type StateFn = ((l: Lexer) => StateFn) | null;

class Lexer {
  readonly items: LexItem[] = [];
  pos = 0;
  start = 0;
  atEOF = false;
  parenDepth = 0;
  line = 1;
  startLine = 1;

  constructor(
    readonly input: string,
    readonly leftDelim: string,
    readonly rightDelim: string,
    readonly breakOK: boolean,
    readonly continueOK: boolean,
  ) {}

  /** The next rune (code point) or undefined at EOF. */
  next(): string | undefined {
    if (this.pos >= this.input.length) {
      this.atEOF = true;
      return undefined;
    }
    const code = this.input.codePointAt(this.pos) as number;
    const c = String.fromCodePoint(code);
    this.pos += c.length;
    if (c === '\n') this.line += 1;
    return c;
  }

  peek(): string | undefined {
    if (this.pos >= this.input.length) return undefined;
    return String.fromCodePoint(this.input.codePointAt(this.pos) as number);
  }

  backup(): void {
    if (!this.atEOF && this.pos > 0) {
      const code = this.input.charCodeAt(this.pos - 1);
      this.pos -= code >= 0xdc00 && code <= 0xdfff && this.pos >= 2 ? 2 : 1;
      if (code === 10) this.line -= 1;
    }
  }

  emit(typ: ItemType): void {
    this.items.push({ typ, pos: this.start, val: this.input.slice(this.start, this.pos), line: this.startLine });
    this.start = this.pos;
    this.startLine = this.line;
  }

  ignore(): void {
    this.line += countNewlines(this.input, this.start, this.pos);
    this.start = this.pos;
    this.startLine = this.line;
  }

  accept(valid: string): boolean {
    const c = this.next();
    if (c !== undefined && valid.includes(c)) return true;
    this.backup();
    return false;
  }

  acceptRun(valid: string): void {
    for (;;) {
      const c = this.next();
      if (c === undefined || !valid.includes(c)) break;
    }
    this.backup();
  }

  errorf(message: string): StateFn {
    this.items.push({ typ: Item.error, pos: this.start, val: message, line: this.startLine });
    return null;
  }

  atRightDelim(): { delim: boolean; trimSpaces: boolean } {
    if (hasRightTrimMarker(this.input, this.pos) && this.input.startsWith(this.rightDelim, this.pos + 2)) {
      return { delim: true, trimSpaces: true };
    }
    if (this.input.startsWith(this.rightDelim, this.pos)) return { delim: true, trimSpaces: false };
    return { delim: false, trimSpaces: false };
  }

  atTerminator(): boolean {
    const r = this.peek();
    if (isSpace(r)) return true;
    switch (r) {
      case undefined:
      case '.':
      case ',':
      case '|':
      case ':':
      case ')':
      case '(':
        return true;
      default:
        return this.input.startsWith(this.rightDelim, this.pos);
    }
  }

  scanNumber(): boolean {
    this.accept('+-');
    let digits = '0123456789_';
    if (this.accept('0')) {
      if (this.accept('xX')) digits = '0123456789abcdefABCDEF_';
      else if (this.accept('oO')) digits = '01234567_';
      else if (this.accept('bB')) digits = '01_';
    }
    this.acceptRun(digits);
    if (this.accept('.')) this.acceptRun(digits);
    if (digits.length === 11 && this.accept('eE')) {
      this.accept('+-');
      this.acceptRun('0123456789_');
    }
    if (digits.length === 23 && this.accept('pP')) {
      this.accept('+-');
      this.acceptRun('0123456789_');
    }
    this.accept('i');
    if (isAlphaNumeric(this.peek())) {
      this.next();
      return false;
    }
    return true;
  }
}

function lexText(l: Lexer): StateFn {
  const x = l.input.indexOf(l.leftDelim, l.pos);
  if (x >= 0) {
    const ldn = l.leftDelim.length;
    l.pos = x;
    let trimLength = 0;
    if (hasLeftTrimMarker(l.input, l.pos + ldn)) {
      let j = l.pos;
      while (j > l.start && isSpace(l.input[j - 1])) j -= 1;
      trimLength = l.pos - j;
    }
    l.pos -= trimLength;
    if (l.pos > l.start) {
      l.line += countNewlines(l.input, l.start, l.pos);
      l.emit(Item.text);
    }
    l.pos += trimLength;
    l.ignore();
    return lexLeftDelim;
  }
  l.pos = l.input.length;
  if (l.pos > l.start) {
    l.line += countNewlines(l.input, l.start, l.pos);
    l.emit(Item.text);
  }
  l.emit(Item.eof);
  return null;
}

function leftTrimLength(s: string, at: number): number {
  let j = at;
  while (j < s.length && isSpace(s[j])) j += 1;
  return j - at;
}

function lexLeftDelim(l: Lexer): StateFn {
  l.pos += l.leftDelim.length;
  const trimSpace = hasLeftTrimMarker(l.input, l.pos);
  const afterMarker = trimSpace ? 2 : 0;
  if (l.input.startsWith('/*', l.pos + afterMarker)) {
    l.pos += afterMarker;
    l.ignore();
    return lexComment;
  }
  l.emit(Item.leftDelim);
  l.pos += afterMarker;
  l.ignore();
  l.parenDepth = 0;
  return lexInsideAction;
}

function lexComment(l: Lexer): StateFn {
  l.pos += 2;
  const i = l.input.indexOf('*/', l.pos);
  if (i < 0) return l.errorf('unclosed comment');
  l.pos = i + 2;
  const { delim, trimSpaces } = l.atRightDelim();
  if (!delim) return l.errorf('comment ends before closing delimiter');
  if (trimSpaces) l.pos += 2;
  l.pos += l.rightDelim.length;
  if (trimSpaces) l.pos += leftTrimLength(l.input, l.pos);
  l.ignore();
  return lexText;
}

function lexRightDelim(l: Lexer): StateFn {
  const trimSpace = hasRightTrimMarker(l.input, l.pos);
  if (trimSpace) {
    l.pos += 2;
    l.ignore();
  }
  l.pos += l.rightDelim.length;
  l.emit(Item.rightDelim);
  if (trimSpace) {
    l.pos += leftTrimLength(l.input, l.pos);
    l.ignore();
  }
  return lexText;
}

function lexInsideAction(l: Lexer): StateFn {
  const { delim } = l.atRightDelim();
  if (delim) {
    if (l.parenDepth === 0) return lexRightDelim;
    return l.errorf('unclosed left paren');
  }
  const r = l.next();
  if (r === undefined) return l.errorf('unclosed action');
  if (isSpace(r)) {
    l.backup();
    return lexSpace;
  }
  switch (r) {
    case '=':
      l.emit(Item.assign);
      return lexInsideAction;
    case ':':
      if (l.next() !== '=') return l.errorf('expected :=');
      l.emit(Item.declare);
      return lexInsideAction;
    case '|':
      l.emit(Item.pipe);
      return lexInsideAction;
    case '"':
      return lexQuote;
    case '`':
      return lexRawQuote;
    case '$':
      return lexVariable;
    case "'":
      return lexChar;
    case '.':
      if (l.pos < l.input.length) {
        const c = l.input[l.pos] as string;
        if (c < '0' || c > '9') return lexField;
      }
      l.backup();
      return lexNumber;
    case '(':
      l.emit(Item.leftParen);
      l.parenDepth += 1;
      return lexInsideAction;
    case ')':
      l.emit(Item.rightParen);
      l.parenDepth -= 1;
      if (l.parenDepth < 0) return l.errorf(`unexpected right paren ${formatRuneU(r)}`);
      return lexInsideAction;
    default:
      break;
  }
  if (r === '+' || r === '-' || (r >= '0' && r <= '9')) {
    l.backup();
    return lexNumber;
  }
  if (isAlphaNumeric(r)) {
    l.backup();
    return lexIdentifier;
  }
  const code = r.codePointAt(0) as number;
  if (code <= 0x7f && code >= 0x20 && code !== 0x7f) {
    l.emit(Item.char);
    return lexInsideAction;
  }
  return l.errorf(`unrecognized character in action: ${formatRuneU(r)}`);
}

function lexSpace(l: Lexer): StateFn {
  let numSpaces = 0;
  for (;;) {
    const r = l.peek();
    if (!isSpace(r)) break;
    l.next();
    numSpaces += 1;
  }
  if (hasRightTrimMarker(l.input, l.pos - 1) && l.input.startsWith(l.rightDelim, l.pos - 1 + 2)) {
    l.backup();
    if (numSpaces === 1) return lexRightDelim;
  }
  l.emit(Item.space);
  return lexInsideAction;
}

function lexIdentifier(l: Lexer): StateFn {
  for (;;) {
    const r = l.next();
    if (isAlphaNumeric(r)) continue;
    l.backup();
    const word = l.input.slice(l.start, l.pos);
    if (!l.atTerminator()) return l.errorf(`bad character ${formatRuneU(r)}`);
    const keyword = Object.hasOwn(KEYWORDS, word) ? KEYWORDS[word] : undefined;
    if (keyword !== undefined && keyword > Item.keyword) {
      if ((keyword === Item.break && !l.breakOK) || (keyword === Item.continue && !l.continueOK)) l.emit(Item.identifier);
      else l.emit(keyword);
    } else if (word[0] === '.') l.emit(Item.field);
    else if (word === 'true' || word === 'false') l.emit(Item.bool);
    else l.emit(Item.identifier);
    return lexInsideAction;
  }
}

function lexField(l: Lexer): StateFn {
  return lexFieldOrVariable(l, Item.field);
}

function lexVariable(l: Lexer): StateFn {
  if (l.atTerminator()) {
    l.emit(Item.variable);
    return lexInsideAction;
  }
  return lexFieldOrVariable(l, Item.variable);
}

function lexFieldOrVariable(l: Lexer, typ: ItemType): StateFn {
  if (l.atTerminator()) {
    l.emit(typ === Item.variable ? Item.variable : Item.dot);
    return lexInsideAction;
  }
  let r: string | undefined;
  for (;;) {
    r = l.next();
    if (!isAlphaNumeric(r)) {
      l.backup();
      break;
    }
  }
  if (!l.atTerminator()) return l.errorf(`bad character ${formatRuneU(r)}`);
  l.emit(typ);
  return lexInsideAction;
}

function lexChar(l: Lexer): StateFn {
  for (;;) {
    let c = l.next();
    if (c === '\\') {
      c = l.next();
      if (c !== undefined && c !== '\n') continue;
      return l.errorf('unterminated character constant');
    }
    if (c === undefined || c === '\n') return l.errorf('unterminated character constant');
    if (c === "'") break;
  }
  l.emit(Item.charConstant);
  return lexInsideAction;
}

function lexNumber(l: Lexer): StateFn {
  if (!l.scanNumber()) return l.errorf(`bad number syntax: ${goQuote(l.input.slice(l.start, l.pos))}`);
  const sign = l.peek();
  if (sign === '+' || sign === '-') {
    if (!l.scanNumber() || l.input[l.pos - 1] !== 'i') {
      return l.errorf(`bad number syntax: ${goQuote(l.input.slice(l.start, l.pos))}`);
    }
    l.emit(Item.complex);
  } else l.emit(Item.number);
  return lexInsideAction;
}

function lexQuote(l: Lexer): StateFn {
  for (;;) {
    let c = l.next();
    if (c === '\\') {
      c = l.next();
      if (c !== undefined && c !== '\n') continue;
      return l.errorf('unterminated quoted string');
    }
    if (c === undefined || c === '\n') return l.errorf('unterminated quoted string');
    if (c === '"') break;
  }
  l.emit(Item.string);
  return lexInsideAction;
}

function lexRawQuote(l: Lexer): StateFn {
  for (;;) {
    const c = l.next();
    if (c === undefined) return l.errorf('unterminated raw quoted string');
    if (c === '`') break;
  }
  l.emit(Item.rawString);
  return lexInsideAction;
}

/** Lexes the whole input; the last item is EOF or an error. */
export function lex(input: string, leftDelim: string, rightDelim: string, breakOK = true, continueOK = true): LexItem[] {
  const l = new Lexer(input, leftDelim === '' ? '{{' : leftDelim, rightDelim === '' ? '}}' : rightDelim, breakOK, continueOK);
  let state: StateFn = lexText;
  while (state !== null) state = state(l);
  return l.items;
}
