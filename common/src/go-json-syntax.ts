// The syntax-error texts of Go's encoding/json scanner, so a malformed JSON annotation is
// reported with the same words vault-k8s uses ("invalid character 'x' looking for beginning of
// value", "unexpected end of JSON input", ...).
import { goQuote } from './go-quote.js';

class GoJsonSyntaxError extends Error {}

const END_OF_INPUT = 'unexpected end of JSON input';

/**
 * Deepest nesting of arrays/objects accepted. Go's scanner allows 10000 ("exceeded max depth",
 * maxNestingDepth in https://github.com/golang/go/blob/go1.19/src/encoding/json/scanner.go), but
 * this recursive scanner, and the recursive code that reads the value next, would overflow the
 * stack first; no annotation a person writes nests beyond a handful of levels.
 */
export const MAX_JSON_NESTING_DEPTH = 1000;

function quoteChar(char: string): string {
  if (char === "'") return `'\\''`;
  if (char === '"') return `'"'`;
  const quoted = goQuote(char);
  return `'${quoted.slice(1, -1)}'`;
}

class Scanner {
  private index = 0;
  private depth = 0;
  constructor(
    private readonly text: string,
    private readonly maxDepth: number,
  ) {}

  /** Entering an array or object: Go's error, with its words, past the depth limit. */
  private enter(char: string): void {
    this.depth += 1;
    if (this.depth > this.maxDepth) this.fail(char, 'exceeded max depth');
  }

  private peek(): string | undefined {
    return this.text[this.index];
  }

  private next(): string {
    const char = this.text[this.index];
    if (char === undefined) throw new GoJsonSyntaxError(END_OF_INPUT);
    this.index += char.length;
    return char;
  }

  private fail(char: string, context: string): never {
    throw new GoJsonSyntaxError(`invalid character ${quoteChar(char)} ${context}`);
  }

  private skipSpace(): void {
    while (this.peek() === ' ' || this.peek() === '\t' || this.peek() === '\n' || this.peek() === '\r') this.index += 1;
  }

  document(): void {
    this.skipSpace();
    this.value();
    this.skipSpace();
    const rest = this.peek();
    if (rest !== undefined) this.fail(rest, 'after top-level value');
  }

  private value(): void {
    this.skipSpace();
    const char = this.next();
    if (char === '{' || char === '[') {
      this.enter(char);
      if (char === '{') this.object();
      else this.array();
      this.depth -= 1;
    } else if (char === '"') this.string();
    else if (char === '-' || (char >= '0' && char <= '9')) this.number(char);
    else if (char === 't') this.literal('rue', 'true');
    else if (char === 'f') this.literal('alse', 'false');
    else if (char === 'n') this.literal('ull', 'null');
    else this.fail(char, 'looking for beginning of value');
  }

  private literal(rest: string, word: string): void {
    for (const expected of rest) {
      const char = this.next();
      if (char !== expected) this.fail(char, `in literal ${word} (expecting ${quoteChar(expected)})`);
    }
  }

  private object(): void {
    this.skipSpace();
    if (this.peek() === '}') {
      this.index += 1;
      return;
    }
    for (;;) {
      this.skipSpace();
      const quote = this.next();
      if (quote !== '"') this.fail(quote, 'looking for beginning of object key string');
      this.string();
      this.skipSpace();
      const colon = this.next();
      if (colon !== ':') this.fail(colon, 'after object key');
      this.value();
      this.skipSpace();
      const separator = this.next();
      if (separator === '}') return;
      if (separator !== ',') this.fail(separator, 'after object key:value pair');
    }
  }

  private array(): void {
    this.skipSpace();
    if (this.peek() === ']') {
      this.index += 1;
      return;
    }
    for (;;) {
      this.value();
      this.skipSpace();
      const separator = this.next();
      if (separator === ']') return;
      if (separator !== ',') this.fail(separator, 'after array element');
    }
  }

  private string(): void {
    for (;;) {
      const char = this.next();
      if (char === '"') return;
      if (char === '\\') this.escape();
      else if (char < ' ') this.fail(char, 'in string literal');
    }
  }

  private escape(): void {
    const char = this.next();
    if (char === 'u') {
      for (let i = 0; i < 4; i += 1) {
        const hex = this.next();
        if (!/^[0-9a-fA-F]$/.test(hex)) this.fail(hex, 'in \\u hexadecimal character escape');
      }
      return;
    }
    if (!'"\\/bfnrt'.includes(char)) this.fail(char, 'in string escape code');
  }

  private digits(context: string, required: boolean): void {
    let seen = false;
    for (let char = this.peek(); char !== undefined && char >= '0' && char <= '9'; char = this.peek()) {
      this.index += 1;
      seen = true;
    }
    if (required && !seen) this.fail(this.next(), context);
  }

  private number(first: string): void {
    let lead = first;
    if (first === '-') {
      lead = this.next();
      if (!(lead >= '0' && lead <= '9')) this.fail(lead, 'in numeric literal');
    }
    if (lead !== '0') this.digits('', false);
    if (this.peek() === '.') {
      this.index += 1;
      this.digits('after decimal point in numeric literal', true);
    }
    if (this.peek() === 'e' || this.peek() === 'E') {
      this.index += 1;
      if (this.peek() === '+' || this.peek() === '-') this.index += 1;
      this.digits('in exponent of numeric literal', true);
    }
  }
}

/**
 * Go's json.Unmarshal syntax error for `text`, or undefined when it is valid JSON. Nesting past
 * `maxDepth` is Go's "exceeded max depth" error (Go's limit is higher: MAX_JSON_NESTING_DEPTH).
 */
export function goJsonSyntaxError(text: string, maxDepth = MAX_JSON_NESTING_DEPTH): string | undefined {
  try {
    new Scanner(text, maxDepth).document();
    return undefined;
  } catch (error) {
    if (error instanceof GoJsonSyntaxError) return error.message;
    throw error;
  }
}

/** Go's name for a decoded JSON value's kind, as used in "cannot unmarshal <kind> into ...". */
export function goJsonKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'object') return 'object';
  return typeof value;
}
