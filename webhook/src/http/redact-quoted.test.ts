import fc from 'fast-check';
import { redactQuotedValues } from './redact-quoted.js';

describe('redactQuotedValues', () => {
  it('drops quoted values, escapes included, and keeps the rest', () => {
    expect(redactQuotedValues('invalid value "a b" for "x\\"y" (see "z")')).toBe('invalid value "…" for "…" (see "…")');
    expect(redactQuotedValues('no quotes here')).toBe('no quotes here');
    expect(redactQuotedValues('')).toBe('');
  });

  it('hides the tail of an unterminated value (a clipped message)', () => {
    expect(redactQuotedValues('bad "s3cr3t-token-clipp')).toBe('bad "…"');
    expect(redactQuotedValues('bad "ends in a backslash\\')).toBe('bad "…"');
  });

  it('agrees with the regex it replaces wherever every quote is closed', () => {
    // Go-quoted values never hold a raw newline, which the regex's `.` would not cross.
    const quoted = fc.string({ unit: fc.constantFrom('a', ' ', '\\"', '\\\\', 'é', '=', ':') }).map((body) => `"${body}"`);
    const plain = fc.string({ unit: fc.constantFrom('a', ' ', ':', '(', ')', '\n') });
    const message = fc.array(fc.tuple(plain, quoted)).map((parts) => parts.map(([before, value]) => before + value).join(''));
    fc.assert(
      fc.property(message, (text) => {
        expect(redactQuotedValues(text)).toBe(text.replace(/"(?:[^"\\]|\\.)*"/g, '"…"'));
      }),
      { numRuns: 3000 },
    );
  });

  it('takes a long run of unterminated quotes whole (the regex took minutes on 3 MB)', () => {
    const hostile = '\u0000\\"\\'.repeat(750_000);
    expect(redactQuotedValues(hostile)).toBe('\u0000\\"…"');
  });
});
