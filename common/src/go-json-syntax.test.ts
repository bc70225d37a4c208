import { goJsonSyntaxError } from './go-json-syntax.js';

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
});
