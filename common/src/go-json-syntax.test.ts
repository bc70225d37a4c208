import { goJsonSyntaxError, MAX_JSON_NESTING_DEPTH } from './go-json-syntax.js';

describe('goJsonSyntaxError', () => {
  it.each(['[]', 'null', ' {"a": [1, -2.5e3, true, false, null, "x\\u00e9"]} ', '0'])('accepts %j', (text) => {
    expect(goJsonSyntaxError(text)).toBeUndefined();
  });
  it.each([
    ['', 'unexpected end of JSON input'],
    ['[', 'unexpected end of JSON input'],
    ['x', "invalid character 'x' looking for beginning of value"],
    ['[1,]', "invalid character ']' looking for beginning of value"],
    ['{"a" 1}', "invalid character '1' after object key"],
    ['{"a":1 "b":2}', `invalid character '"' after object key:value pair`],
    ['{1:2}', "invalid character '1' looking for beginning of object key string"],
    ['[1 2]', "invalid character '2' after array element"],
    ['[] x', "invalid character 'x' after top-level value"],
    ['tru', 'unexpected end of JSON input'],
    ['trux', "invalid character 'x' in literal true (expecting 'e')"],
    ['"a\\x"', "invalid character 'x' in string escape code"],
    ['1.x', "invalid character 'x' after decimal point in numeric literal"],
    ['-x', "invalid character 'x' in numeric literal"],
    ['"\n"', "invalid character '\\n' in string literal"],
    ["'a'", "invalid character '\\'' looking for beginning of value"],
  ])('reports %j as Go does', (text, message) => {
    expect(goJsonSyntaxError(text)).toBe(message);
  });

  it('accepts nesting up to the limit and refuses deeper with Go\'s "exceeded max depth", never a stack overflow', () => {
    const nested = (depth: number, open: string, close: string): string => `${open.repeat(depth)}${close.repeat(depth)}`;
    expect(goJsonSyntaxError(nested(MAX_JSON_NESTING_DEPTH, '[', ']'))).toBeUndefined();
    expect(goJsonSyntaxError(nested(MAX_JSON_NESTING_DEPTH + 1, '[', ']'))).toBe("invalid character '[' exceeded max depth");
    expect(goJsonSyntaxError(`${'{"a":'.repeat(MAX_JSON_NESTING_DEPTH + 1)}1${'}'.repeat(MAX_JSON_NESTING_DEPTH + 1)}`)).toBe("invalid character '{' exceeded max depth");
    expect(goJsonSyntaxError(nested(1_000_000, '[', ']'))).toBe("invalid character '[' exceeded max depth");
    expect(goJsonSyntaxError(nested(3, '[', ']'), 2)).toBe("invalid character '[' exceeded max depth");
  });
});
