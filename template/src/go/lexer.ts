// text/template's lexer (Go 1.19), run to completion up front: the item stream is the same as
// Go's goroutine lexer produces, including where it stops with an error item.
// Positions are UTF-16 offsets into the source; error texts convert them to Go's byte columns.
// Scanning works on UTF-16 code units (charCodeAt): every character the lexer acts on is ASCII, so
// a surrogate half never matches one; only identifiers and error texts decode whole code points
// (Go's runes), and no per-character strings are made (docs/performance.md "Go-template parser speed").
import { goQuote, isGoPrint } from '../../../common/src/go-quote.js';

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

const KEYWORDS: ReadonlyMap<string, ItemType> = new Map<string, ItemType>([
  ['.', Item.dot],
  ['block', Item.block],
  ['break', Item.break],
  ['continue', Item.continue],
  ['define', Item.define],
  ['else', Item.else],
  ['end', Item.end],
  ['if', Item.if],
  ['range', Item.range],
  ['nil', Item.nil],
  ['template', Item.template],
  ['with', Item.with],
]);

const LETTER_OR_DIGIT = /[\p{L}\p{Nd}_]/u;

/** End of input, in place of a rune (Go's eof = -1). */
const EOF = -1;

// Character codes the lexer acts on.
const TAB = 9;
const NL = 10;
const CR = 13;
const SPACE = 32;
const DQUOTE = 34;
const DOLLAR = 36;
const SQUOTE = 39;
const LPAREN = 40;
const RPAREN = 41;
const PLUS = 43;
const COMMA = 44;
const MINUS = 45;
const DOT = 46;
const SLASH = 47;
const ZERO = 48;
const NINE = 57;
const COLON = 58;
const EQUALS = 61;
const BACKSLASH = 92;
const UNDERSCORE = 95;
const BACKQUOTE = 96;
const PIPE = 124;
const STAR = 42;

function isSpace(c: number): boolean {
  return c === SPACE || c === TAB || c === CR || c === NL;
}

function isDigit(c: number): boolean {
  return c >= ZERO && c <= NINE;
}

/** Go's isAlphaNumeric on a code point (EOF and lone surrogates are not). */
function isAlphaNumeric(c: number): boolean {
  if (c < 0x80) return isAsciiAlphaNumeric(c);
  return LETTER_OR_DIGIT.test(String.fromCodePoint(c));
}

function isAsciiAlphaNumeric(c: number): boolean {
  const lower = c | 0x20;
  return (lower >= 97 && lower <= 122) || (c >= ZERO && c <= NINE) || c === UNDERSCORE;
}

/** The code point at `at` (a lone surrogate stands for itself), or EOF past the end. */
function codePointAt(s: string, at: number): number {
  if (at >= s.length) return EOF;
  const c = s.charCodeAt(at);
  return c >= 0xd800 && c <= 0xdbff ? (s.codePointAt(at) as number) : c;
}

function hasLeftTrimMarker(s: string, at: number): boolean {
  return s.length - at >= 2 && s.charCodeAt(at) === MINUS && isSpace(s.charCodeAt(at + 1));
}

function hasRightTrimMarker(s: string, at: number): boolean {
  return s.length - at >= 2 && isSpace(s.charCodeAt(at)) && s.charCodeAt(at + 1) === MINUS;
}

/**
 * %#U of a rune, as in lexer error texts: fmt adds the quoted rune only when strconv.IsPrint says
 * it is printable (https://github.com/golang/go/blob/go1.19/src/fmt/format.go, fmtUnicode), so a
 * no-break space or a zero-width space is U+00A0 / U+200B alone.
 */
function formatRuneU(rune: number): string {
  if (rune === EOF) return 'U+FFFFFFFFFFFFFFFF';
  // A lone surrogate (JSON's "\udc80") is what Go's decoders turn into U+FFFD before a lexer sees it.
  const code = rune >= 0xd800 && rune <= 0xdfff ? 0xfffd : rune;
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  return isGoPrint(code) ? `${hex} '${String.fromCodePoint(code)}'` : hex;
}

function countNewlines(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i += 1) if (s.charCodeAt(i) === NL) n += 1;
  return n;
}

type StateFn = ((l: Lexer) => StateFn) | null;

// Line bookkeeping follows Go 1.19's lexer exactly (the differential tests compare line numbers):
// every newline consumed by next() counts once more, a backup over one uncounts it, and ignore()
// adds the newlines between start and pos again; moving pos directly counts nothing.
class Lexer {
  readonly items: LexItem[] = [];
  pos = 0;
  start = 0;
  parenDepth = 0;
  line = 1;
  startLine = 1;
  /** First code unit of the right delimiter: a cheap test before startsWith. */
  readonly right0: number;

  constructor(
    readonly input: string,
    readonly leftDelim: string,
    readonly rightDelim: string,
    readonly breakOK: boolean,
    readonly continueOK: boolean,
  ) {
    this.right0 = rightDelim.charCodeAt(0);
  }

  emit(typ: ItemType): void {
    this.emitValue(typ, this.input.slice(this.start, this.pos));
  }

  /** emit, when the caller already holds input[start:pos]. */
  emitValue(typ: ItemType, val: string): void {
    this.items.push({ typ, pos: this.start, val, line: this.startLine });
    this.start = this.pos;
    this.startLine = this.line;
  }

  ignore(): void {
    this.line += countNewlines(this.input, this.start, this.pos);
    this.start = this.pos;
    this.startLine = this.line;
  }

  errorf(message: string): StateFn {
    this.items.push({ typ: Item.error, pos: this.start, val: message, line: this.startLine });
    return null;
  }

  atRightDelimAt(at: number): boolean {
    return this.input.charCodeAt(at) === this.right0 && this.input.startsWith(this.rightDelim, at);
  }

  /** Whether a right delimiter, with or without its trim marker, starts at pos. */
  atRightDelim(): boolean {
    return this.atRightDelimAt(this.pos) || (hasRightTrimMarker(this.input, this.pos) && this.atRightDelimAt(this.pos + 2));
  }

  atTerminator(): boolean {
    if (this.pos >= this.input.length) return true;
    const c = this.input.charCodeAt(this.pos);
    switch (c) {
      case SPACE:
      case TAB:
      case CR:
      case NL:
      case DOT:
      case COMMA:
      case PIPE:
      case COLON:
      case RPAREN:
      case LPAREN:
        return true;
      default:
        return this.atRightDelimAt(this.pos);
    }
  }

  /** Advances over a run of alphanumeric runes; returns the rune that stopped it (or EOF). */
  scanAlphaNumeric(): number {
    const input = this.input;
    let pos = this.pos;
    for (;;) {
      const c = input.charCodeAt(pos);
      if (c < 0x80) {
        if (!isAsciiAlphaNumeric(c)) break;
        pos += 1;
        continue;
      }
      const r = codePointAt(input, pos); // EOF past the end (c is NaN there)
      if (r === EOF || !isAlphaNumeric(r)) {
        this.pos = pos;
        return r;
      }
      pos += r > 0xffff ? 2 : 1;
    }
    this.pos = pos;
    return input.charCodeAt(pos);
  }

  /** Go's accept for an ASCII set: all the sets are ASCII, so a code unit decides. */
  accept(valid: string): boolean {
    if (this.pos < this.input.length && valid.includes(this.input[this.pos] as string)) {
      this.pos += 1;
      return true;
    }
    return false;
  }

  acceptRun(valid: string): void {
    while (this.pos < this.input.length && valid.includes(this.input[this.pos] as string)) this.pos += 1;
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
    const c = codePointAt(this.input, this.pos);
    if (c !== EOF && isAlphaNumeric(c)) {
      this.pos += c > 0xffff ? 2 : 1;
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
      while (j > l.start && isSpace(l.input.charCodeAt(j - 1))) j -= 1;
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
  while (j < s.length && isSpace(s.charCodeAt(j))) j += 1;
  return j - at;
}

function lexLeftDelim(l: Lexer): StateFn {
  l.pos += l.leftDelim.length;
  const trimSpace = hasLeftTrimMarker(l.input, l.pos);
  const afterMarker = trimSpace ? 2 : 0;
  const at = l.pos + afterMarker;
  if (l.input.charCodeAt(at) === SLASH && l.input.charCodeAt(at + 1) === STAR) {
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
  const trimSpaces = hasRightTrimMarker(l.input, l.pos) && l.atRightDelimAt(l.pos + 2);
  if (!trimSpaces && !l.atRightDelimAt(l.pos)) return l.errorf('comment ends before closing delimiter');
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

// Loops over the action's items itself: the states it hands work to (space, quotes, numbers,
// identifiers, fields, variables) come back here or stop with an error, so only the right
// delimiter goes through lex()'s dispatch.
function lexInsideAction(l: Lexer): StateFn {
  const input = l.input;
  for (;;) {
    if (l.atRightDelim()) {
      if (l.parenDepth === 0) return lexRightDelim;
      return l.errorf('unclosed left paren');
    }
    const r = codePointAt(input, l.pos);
    if (r === EOF) return l.errorf('unclosed action');
    let next: StateFn;
    // A space is left in place for lexSpace (Go: next then backup).
    if (isSpace(r)) next = lexSpace(l);
    else {
      const width = r > 0xffff ? 2 : 1;
      l.pos += width;
      switch (r) {
        case EQUALS:
          l.emit(Item.assign);
          continue;
        case COLON:
          if (input.charCodeAt(l.pos) !== EQUALS) return l.errorf('expected :=');
          l.pos += 1;
          l.emit(Item.declare);
          continue;
        case PIPE:
          l.emit(Item.pipe);
          continue;
        case DQUOTE:
          next = lexQuote(l);
          break;
        case BACKQUOTE:
          next = lexRawQuote(l);
          break;
        case DOLLAR:
          next = lexVariable(l);
          break;
        case SQUOTE:
          next = lexChar(l);
          break;
        case DOT:
          if (l.pos < input.length && !isDigit(input.charCodeAt(l.pos))) next = lexField(l);
          else {
            l.pos -= 1;
            next = lexNumber(l);
          }
          break;
        case LPAREN:
          l.emit(Item.leftParen);
          l.parenDepth += 1;
          continue;
        case RPAREN:
          l.emit(Item.rightParen);
          l.parenDepth -= 1;
          if (l.parenDepth < 0) return l.errorf(`unexpected right paren ${formatRuneU(r)}`);
          continue;
        default:
          if (r === PLUS || r === MINUS || isDigit(r)) {
            l.pos -= 1;
            next = lexNumber(l);
          } else if (isAlphaNumeric(r)) {
            l.pos -= width;
            next = lexIdentifier(l);
          } else if (r <= 0x7f && r >= 0x20 && r !== 0x7f) {
            l.emit(Item.char);
            continue;
          } else return l.errorf(`unrecognized character in action: ${formatRuneU(r)}`);
      }
    }
    if (next !== lexInsideAction) return next;
  }
}

function lexSpace(l: Lexer): StateFn {
  const input = l.input;
  let numSpaces = 0;
  for (;;) {
    const c = input.charCodeAt(l.pos);
    if (!isSpace(c)) break;
    if (c === NL) l.line += 1;
    l.pos += 1;
    numSpaces += 1;
  }
  if (hasRightTrimMarker(input, l.pos - 1) && l.atRightDelimAt(l.pos + 1)) {
    l.pos -= 1;
    if (input.charCodeAt(l.pos) === NL) l.line -= 1;
    if (numSpaces === 1) return lexRightDelim;
  }
  l.emit(Item.space);
  return lexInsideAction;
}

function lexIdentifier(l: Lexer): StateFn {
  const r = l.scanAlphaNumeric();
  if (!l.atTerminator()) return l.errorf(`bad character ${formatRuneU(r)}`);
  const word = l.input.slice(l.start, l.pos);
  const keyword = KEYWORDS.get(word);
  if (keyword !== undefined && keyword > Item.keyword) {
    if ((keyword === Item.break && !l.breakOK) || (keyword === Item.continue && !l.continueOK)) l.emitValue(Item.identifier, word);
    else l.emitValue(keyword, word);
  } else if (word.charCodeAt(0) === DOT) l.emitValue(Item.field, word);
  else if (word === 'true' || word === 'false') l.emitValue(Item.bool, word);
  else l.emitValue(Item.identifier, word);
  return lexInsideAction;
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
  const r = l.scanAlphaNumeric();
  if (!l.atTerminator()) return l.errorf(`bad character ${formatRuneU(r)}`);
  l.emit(typ);
  return lexInsideAction;
}

/**
 * Scans a quoted literal's body after its opening quote up to and past the closing one. A
 * backslash escapes the next character (any but a newline); a newline or EOF before the close is
 * an error. Code units suffice: an escaped astral rune's second half is never special.
 */
function scanQuoted(l: Lexer, quote: number): boolean {
  const input = l.input;
  const n = input.length;
  let i = l.pos;
  for (;;) {
    if (i >= n) return false;
    const c = input.charCodeAt(i);
    i += 1;
    if (c === quote) break;
    if (c === NL) return false;
    if (c === BACKSLASH) {
      if (i >= n || input.charCodeAt(i) === NL) return false;
      i += 1;
    }
  }
  l.pos = i;
  return true;
}

function lexChar(l: Lexer): StateFn {
  if (!scanQuoted(l, SQUOTE)) return l.errorf('unterminated character constant');
  l.emit(Item.charConstant);
  return lexInsideAction;
}

function lexNumber(l: Lexer): StateFn {
  if (!l.scanNumber()) return l.errorf(`bad number syntax: ${goQuote(l.input.slice(l.start, l.pos))}`);
  const sign = l.input.charCodeAt(l.pos);
  if (sign === PLUS || sign === MINUS) {
    if (!l.scanNumber() || l.input[l.pos - 1] !== 'i') {
      return l.errorf(`bad number syntax: ${goQuote(l.input.slice(l.start, l.pos))}`);
    }
    l.emit(Item.complex);
  } else l.emit(Item.number);
  return lexInsideAction;
}

function lexQuote(l: Lexer): StateFn {
  if (!scanQuoted(l, DQUOTE)) return l.errorf('unterminated quoted string');
  l.emit(Item.string);
  return lexInsideAction;
}

function lexRawQuote(l: Lexer): StateFn {
  const close = l.input.indexOf('`', l.pos);
  if (close < 0) return l.errorf('unterminated raw quoted string');
  l.line += countNewlines(l.input, l.pos, close);
  l.pos = close + 1;
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
