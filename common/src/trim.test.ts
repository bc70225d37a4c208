import fc from 'fast-check';
import { trailingRunLength, trimEnds, trimGoSpace, trimTrailing } from './trim.js';

// The regexes these loops replace, as the reference for what they return (on inputs short enough
// for the regexes' quadratic backtracking not to matter).
const GO_SPACE = '[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
const text = fc.oneof(fc.string({ unit: fc.constantFrom('/', '=', '\n', 'a', ' ', '\t', '\u3000', '\ufeff', '\u0085', 'é') }), fc.string({ unit: 'grapheme' }));

describe('linear trims', () => {
  it('match the regex forms they replace', () => {
    fc.assert(
      fc.property(text, fc.constantFrom('/', '=', '\n'), (input, unit) => {
        const run = unit === '/' ? '\\/' : unit === '\n' ? '\\n' : unit;
        expect(trimTrailing(input, unit)).toBe(input.replace(new RegExp(`${run}+$`), ''));
        expect(trimEnds(input, unit)).toBe(input.replace(new RegExp(`^${run}+|${run}+$`, 'g'), ''));
        expect(trailingRunLength(input, unit)).toBe(new RegExp(`${run}*$`).exec(input)?.[0].length);
        expect(trimGoSpace(input)).toBe(input.replace(new RegExp(`^${GO_SPACE}+|${GO_SPACE}+$`, 'g'), ''));
      }),
      { numRuns: 5000 },
    );
  });

  it('keep U+FEFF, which Go does not count as space (String.prototype.trim does)', () => {
    expect(trimGoSpace('\ufeff x \u3000')).toBe('\ufeff x');
  });

  it('take inputs the regexes backtracked on for seconds', () => {
    // Counts, not clocks: a 1 MB run followed by another character is handled and nothing is lost.
    const slashes = `${'/'.repeat(1_000_000)}x/`;
    expect(trimTrailing(slashes, '/')).toBe(slashes.slice(0, -1));
    expect(trimEnds(slashes, '/')).toBe('x');
    const spaces = `\u0000${'\t'.repeat(1_000_000)}\t\u0000`;
    expect(trimGoSpace(spaces)).toBe(spaces);
  });
});
