import { describe, expect, it } from '@jest/globals';
import { goQuote, goQuoteRune, isGoPrint } from './go-quote.js';

// Expected texts are Go 1.19's strconv output (checked against tools-bin/gotemplate-oracle, see
// test/template/differential.test.ts).
describe('goQuote (strconv.Quote)', () => {
  it('escapes what unicode.IsPrint rejects and keeps printable non-ASCII', () => {
    expect(goQuote('a\u00a0b')).toBe('"a\\u00a0b"');
    expect(goQuote('a\u200bb\ufeffc\u0085d')).toBe('"a\\u200bb\\ufeffc\\u0085d"');
    expect(goQuote('e\u0301 \ue000 \u{E0001} \u0378 日😀')).toBe('"e\u0301 \\ue000 \\U000e0001 \\u0378 日😀"');
    expect(goQuote('a"b\\c\n\u0001\u007f')).toBe('"a\\"b\\\\c\\n\\x01\\x7f"');
  });

  it('QuoteToASCII escapes every non-ASCII rune', () => {
    expect(goQuote('é\u00a0日😀\u0001', { asciiOnly: true })).toBe('"\\u00e9\\u00a0\\u65e5\\U0001f600\\x01"');
  });

  it('quotes invalid UTF-8 bytes as \\xNN and a valid encoded U+FFFD as itself', () => {
    const bytes = Buffer.from([0xff, 0x20, 0x61, 0xc3, 0x20, 0xef, 0xbf, 0xbd, 0x20, 0xed, 0xa0, 0x80]);
    expect(goQuote(bytes)).toBe('"\\xff a\\xc3 \ufffd \\xed\\xa0\\x80"');
  });

  it('QuoteRune: single quotes, the quote escaped, invalid runes as U+FFFD', () => {
    expect([160, 39, 34, 0xd800, 0x110000, -1].map((cp) => goQuoteRune(cp))).toEqual(["'\\u00a0'", "'\\''", `'"'`, "'\ufffd'", "'\ufffd'", "'\ufffd'"]);
    expect(goQuoteRune(233, { asciiOnly: true })).toBe("'\\u00e9'");
  });

  it('isGoPrint: the ASCII space is printable, other spaces are not', () => {
    expect([0x20, 0xa0, 0x3000, 0x301].map(isGoPrint)).toEqual([true, false, false, true]);
  });
});
