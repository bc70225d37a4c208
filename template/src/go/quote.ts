// strconv.Quote and unicode.IsPrint, as Go's fmt (%q), js and error texts use them.

const PRINT = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

/** unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
export function isGoPrint(codePoint: number): boolean {
  if (codePoint < 0x80) return codePoint >= 0x20 && codePoint < 0x7f;
  if (codePoint >= 0xd800 && codePoint <= 0xdfff) return false;
  return PRINT.test(String.fromCodePoint(codePoint));
}

const ESCAPES: Readonly<Record<number, string>> = { 7: '\\a', 8: '\\b', 12: '\\f', 10: '\\n', 13: '\\r', 9: '\\t', 11: '\\v' };

function hex(value: number, width: number): string {
  return value.toString(16).padStart(width, '0');
}

function quoteRune(out: string[], codePoint: number, quote: number, asciiOnly: boolean): void {
  if (codePoint === quote || codePoint === 0x5c) {
    out.push(`\\${String.fromCharCode(codePoint)}`);
    return;
  }
  if (asciiOnly ? codePoint < 0x80 && isGoPrint(codePoint) : isGoPrint(codePoint)) {
    out.push(String.fromCodePoint(codePoint));
    return;
  }
  const simple = ESCAPES[codePoint];
  if (simple !== undefined) out.push(simple);
  else if (codePoint < 0x20 || codePoint === 0x7f) out.push(`\\x${hex(codePoint, 2)}`);
  else if (codePoint < 0x10000) out.push(`\\u${hex(codePoint, 4)}`);
  else out.push(`\\U${hex(codePoint, 8)}`);
}

/** strconv.Quote (or QuoteToASCII) of a Go string given as text or raw bytes. */
export function goQuoteString(value: string | Buffer, asciiOnly = false, quoteChar = '"'): string {
  const quote = quoteChar.charCodeAt(0);
  const out: string[] = [quoteChar];
  if (typeof value === 'string') {
    for (const ch of value) {
      const cp = ch.codePointAt(0) as number;
      // Lone surrogates are invalid UTF-8 in Go (U+FFFD once encoded).
      quoteRune(out, cp >= 0xd800 && cp <= 0xdfff ? 0xfffd : cp, quote, asciiOnly);
    }
  } else {
    let i = 0;
    while (i < value.length) {
      const b = value[i] as number;
      const size = b < 0x80 ? 1 : b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
      const chunk = value.subarray(i, i + size);
      const text = chunk.toString('utf8');
      const cp = text.codePointAt(0) as number;
      const valid = size === 1 ? b < 0x80 : text.length <= 2 && Buffer.from(text, 'utf8').equals(chunk) && cp !== 0xfffd;
      if (!valid) {
        out.push(`\\x${hex(b, 2)}`);
        i += 1;
        continue;
      }
      quoteRune(out, cp, quote, asciiOnly);
      i += size;
    }
  }
  out.push(quoteChar);
  return out.join('');
}
