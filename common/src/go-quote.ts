// Go's strconv.Quote, so error messages that embed a value read exactly as vault-k8s's do.

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '\u0007': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
  '\\': '\\\\',
  '"': '\\"',
};

function isPrintable(codePoint: number): boolean {
  // Approximates unicode.IsPrint: control characters, unpaired surrogates, and the
  // non-characters/format characters most likely to appear are escaped.
  if (codePoint < 0x20 || (codePoint >= 0x7f && codePoint < 0xa0)) return false;
  if (codePoint === 0xad || (codePoint >= 0xd800 && codePoint <= 0xdfff)) return false;
  if (codePoint === 0xfeff || codePoint === 0xfffe || codePoint === 0xffff) return false;
  if (codePoint >= 0x2028 && codePoint <= 0x202e) return false;
  if (codePoint >= 0x200b && codePoint <= 0x200f) return false;
  return true;
}

function hex(value: number, width: number): string {
  return value.toString(16).padStart(width, '0');
}

/** Go's strconv.Quote(value): a double-quoted Go string literal. */
export function goQuote(value: string): string {
  let out = '"';
  for (const char of value) {
    const codePoint = char.codePointAt(0) ?? 0;
    const simple = SIMPLE_ESCAPES[char];
    if (simple !== undefined) out += simple;
    else if (isPrintable(codePoint)) out += char;
    else if (codePoint < 0x10000) out += codePoint < 0x80 ? `\\x${hex(codePoint, 2)}` : `\\u${hex(codePoint, 4)}`;
    else out += `\\U${hex(codePoint, 8)}`;
  }
  return `${out}"`;
}
