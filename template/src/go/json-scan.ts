// encoding/json's syntax check (checkValid, run by json.Unmarshal before it decodes anything), so
// that parseJSON fails on the same inputs with the same texts as consul-template's. The scanner walks
// UTF-8 bytes through a state machine: https://cs.opensource.google/go/go/+/refs/tags/go1.19:src/encoding/json/scanner.go
// Its quirks carry over: the end of input is checked by stepping one more space (so `tru` fails with
// "invalid character ' ' in literal true (expecting 'e')"), a bad byte is named as the Latin-1 rune
// of that byte ('Â' for the first byte of U+00A0), and nesting deeper than 10000 fails.
import { goQuote } from '../../../common/src/go-quote.js';

/** encoding/json's maxNestingDepth. */
const MAX_NESTING_DEPTH = 10000;

type Frame = 'objectKey' | 'objectValue' | 'arrayValue';
type Step = (c: number) => Step | null;

export interface JsonScan {
  /** Go's SyntaxError text, or null when the input is one valid JSON value. */
  readonly syntaxError: string | null;
  /** The first number literal (in document order) that overflows float64, as written. */
  readonly overflow: string | null;
}

function quoteByte(c: number): string {
  if (c === 0x27) return "'\\''";
  if (c === 0x22) return "'\"'";
  const q = goQuote(String.fromCharCode(c));
  return `'${q.slice(1, -1)}'`;
}

const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isHex = (c: number): boolean => isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);

/** Scans `bytes` as json.Unmarshal's checkValid does. */
export function scanJson(bytes: Uint8Array): JsonScan {
  const stack: Frame[] = [];
  let error: string | null = null;
  // Mutated inside the step closures, so an object (not a narrowed local).
  const top = { ended: false };
  const ended = (): boolean => top.ended;
  let numberStart = -1;
  let overflow: string | null = null;
  let pos = 0;

  const fail = (c: number, context: string): null => {
    error = `invalid character ${quoteByte(c)} ${context}`;
    return null;
  };
  const endNumber = (): void => {
    if (numberStart < 0) return;
    const literal = Buffer.from(bytes.subarray(numberStart, pos)).toString('latin1');
    numberStart = -1;
    if (overflow === null && !Number.isFinite(Number(literal))) overflow = literal;
  };
  const push = (c: number, frame: Frame, next: Step): Step | null => {
    stack.push(frame);
    return stack.length <= MAX_NESTING_DEPTH ? next : fail(c, 'exceeded max depth');
  };
  const literal = (word: string, at: number): Step => (c) => {
    if (c !== word.charCodeAt(at)) return fail(c, `in literal ${word} (expecting ${quoteByte(word.charCodeAt(at))})`);
    return at + 1 === word.length ? endValue : literal(word, at + 1);
  };

  const endTopState: Step = (c) => (isSpace(c) ? endTopState : fail(c, 'after top-level value'));
  const pop = (): Step => {
    stack.pop();
    if (stack.length === 0) {
      top.ended = true;
      return endTopState;
    }
    return endValue;
  };
  const endValue: Step = (c) => {
    endNumber();
    if (stack.length === 0) {
      top.ended = true;
      return endTopState(c);
    }
    if (isSpace(c)) return endValue;
    const last = stack.length - 1;
    switch (stack[last]) {
      case 'objectKey':
        if (c === 0x3a) {
          stack[last] = 'objectValue';
          return beginValue;
        }
        return fail(c, 'after object key');
      case 'objectValue':
        if (c === 0x2c) {
          stack[last] = 'objectKey';
          return beginString;
        }
        return c === 0x7d ? pop() : fail(c, 'after object key:value pair');
      default:
        if (c === 0x2c) return beginValue;
        return c === 0x5d ? pop() : fail(c, 'after array element');
    }
  };
  const inString: Step = (c) => {
    if (c === 0x22) return endValue;
    if (c === 0x5c) return inStringEsc;
    return c < 0x20 ? fail(c, 'in string literal') : inString;
  };
  const escU = (left: number): Step => (c) => {
    if (!isHex(c)) return fail(c, 'in \\u hexadecimal character escape');
    return left === 1 ? inString : escU(left - 1);
  };
  const inStringEsc: Step = (c) => {
    if ('bfnrt\\/"'.includes(String.fromCharCode(c))) return inString;
    return c === 0x75 ? escU(4) : fail(c, 'in string escape code');
  };
  const e0: Step = (c) => (isDigit(c) ? e0 : endValue(c));
  const eSign: Step = (c) => (isDigit(c) ? e0 : fail(c, 'in exponent of numeric literal'));
  const e: Step = (c) => (c === 0x2b || c === 0x2d ? eSign : eSign(c));
  const dot0: Step = (c) => (isDigit(c) ? dot0 : c === 0x65 || c === 0x45 ? e : endValue(c));
  const dot: Step = (c) => (isDigit(c) ? dot0 : fail(c, 'after decimal point in numeric literal'));
  const zero: Step = (c) => (c === 0x2e ? dot : c === 0x65 || c === 0x45 ? e : endValue(c));
  const one: Step = (c) => (isDigit(c) ? one : zero(c));
  const neg: Step = (c) => (c === 0x30 ? zero : c >= 0x31 && c <= 0x39 ? one : fail(c, 'in numeric literal'));
  const beginValue: Step = (c) => {
    if (isSpace(c)) return beginValue;
    switch (c) {
      case 0x7b:
        return push(c, 'objectKey', beginStringOrEmpty);
      case 0x5b:
        return push(c, 'arrayValue', beginValueOrEmpty);
      case 0x22:
        return inString;
      case 0x2d:
        numberStart = pos;
        return neg;
      case 0x30:
        numberStart = pos;
        return zero;
      case 0x74:
        return literal('true', 1);
      case 0x66:
        return literal('false', 1);
      case 0x6e:
        return literal('null', 1);
      default:
        if (c >= 0x31 && c <= 0x39) {
          numberStart = pos;
          return one;
        }
        return fail(c, 'looking for beginning of value');
    }
  };
  const beginValueOrEmpty: Step = (c) => {
    if (isSpace(c)) return beginValueOrEmpty;
    return c === 0x5d ? endValue(c) : beginValue(c);
  };
  const beginString: Step = (c) => {
    if (isSpace(c)) return beginString;
    return c === 0x22 ? inString : fail(c, 'looking for beginning of object key string');
  };
  const beginStringOrEmpty: Step = (c) => {
    if (isSpace(c)) return beginStringOrEmpty;
    if (c === 0x7d) {
      stack[stack.length - 1] = 'objectValue';
      return endValue(c);
    }
    return beginString(c);
  };

  let step: Step | null = beginValue;
  for (; pos < bytes.length && step !== null; pos += 1) step = step(bytes[pos] as number);
  if (step === null) return { syntaxError: error, overflow };
  if (ended()) {
    endNumber();
    return { syntaxError: null, overflow };
  }
  // scanner.eof: one more space ends a number or fails a half-read token.
  step = step(0x20);
  if (step === null) return { syntaxError: error, overflow };
  if (ended()) return { syntaxError: null, overflow };
  return { syntaxError: 'unexpected end of JSON input', overflow };
}
