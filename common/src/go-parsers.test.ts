import { parseGoBool, parseGoInt64, parseGoUint64, parseGoFloat64 } from './go-strconv.js';
import { parseGoDuration, formatGoDuration } from './go-duration.js';
import { goQuote } from './go-quote.js';

describe('parseGoBool', () => {
  it.each(['1', 't', 'T', 'TRUE', 'true', 'True'])('accepts %s as true', (v) => {
    expect(parseGoBool(v)).toEqual({ ok: true, value: true });
  });
  it.each(['0', 'f', 'F', 'FALSE', 'false', 'False'])('accepts %s as false', (v) => {
    expect(parseGoBool(v)).toEqual({ ok: true, value: false });
  });
  it.each(['tRuE', 'yes', 'on', ' true', ''])('rejects %j with Go text', (v) => {
    expect(parseGoBool(v)).toEqual({ ok: false, error: `strconv.ParseBool: parsing ${JSON.stringify(v)}: invalid syntax` });
  });
});

describe('integers', () => {
  it('parses signed int64 and reports range', () => {
    expect(parseGoInt64('-42')).toEqual({ ok: true, value: -42 });
    expect(parseGoInt64('+7')).toEqual({ ok: true, value: 7 });
    expect(parseGoInt64('9223372036854775808')).toEqual({
      ok: false,
      error: 'strconv.ParseInt: parsing "9223372036854775808": value out of range',
    });
    expect(parseGoInt64('1.5')).toEqual({ ok: false, error: 'strconv.ParseInt: parsing "1.5": invalid syntax' });
  });
  it('parses uint64 digits only', () => {
    expect(parseGoUint64('01')).toEqual({ ok: true, value: 1 });
    expect(parseGoUint64('-1')).toEqual({ ok: false, error: 'strconv.ParseUint: parsing "-1": invalid syntax' });
    expect(parseGoUint64('')).toEqual({ ok: false, error: 'strconv.ParseUint: parsing "": invalid syntax' });
  });
});

describe('parseGoFloat64', () => {
  it.each([
    ['0.5', 0.5],
    ['1e3', 1000],
    ['.5', 0.5],
    ['5.', 5],
    ['-Inf', -Infinity],
    ['0x1p-2', 0.25],
  ])('parses %s', (input, value) => {
    expect(parseGoFloat64(input)).toEqual({ ok: true, value });
  });
  it.each(['foo', '', '1e'])('rejects %j', (input) => {
    expect(parseGoFloat64(input)).toMatchObject({ ok: false });
  });
  // Expected values from Go 1.19's strconv.ParseFloat(s, 64) on each input.
  it.each([
    ['1_000', 1000], ['1_0.5', 10.5], ['1e1_0', 1e10], ['0x1_0p0', 16], ['0x_1p0', 1], ['0x1p1_0', 1024],
    ['0x1.8_8p1', 3.0625], ['1.5_5', 1.55], ['+1_0', 10], ['-1_0.0_1', -10.01], ['0_1', 1], ['1_000.000_001e-1_2', 1.000000001e-9],
  ])('accepts Go digit-separating underscores: %j', (input, value) => {
    expect(parseGoFloat64(input)).toEqual({ ok: true, value });
  });
  it.each(['1__0', '1_', '_1', '1e_10', '1_e10', '0x1_p0', '1._5', 'in_f'])('rejects misplaced underscores as Go does: %j', (input) => {
    expect(parseGoFloat64(input)).toEqual({ ok: false, error: `strconv.ParseFloat: parsing ${JSON.stringify(input)}: invalid syntax` });
  });
});

describe('parseGoDuration', () => {
  it.each([
    ['1s', 1e9],
    ['1h30m', 5400e9],
    ['500ms', 5e8],
    ['1.5h', 5400e9],
    ['0', 0],
    ['-2m', -120e9],
    ['1µs', 1e3],
  ])('parses %s', (input, ns) => {
    expect(parseGoDuration(input)).toEqual({ ok: true, value: ns });
  });
  it('reports Go error texts', () => {
    expect(parseGoDuration('foo')).toEqual({ ok: false, error: 'time: invalid duration "foo"' });
    expect(parseGoDuration('1')).toEqual({ ok: false, error: 'time: missing unit in duration "1"' });
    expect(parseGoDuration('1x')).toEqual({ ok: false, error: 'time: unknown unit "x" in duration "1x"' });
    expect(parseGoDuration('1constructor')).toEqual({ ok: false, error: 'time: unknown unit "constructor" in duration "1constructor"' });
    expect(parseGoDuration('')).toEqual({ ok: false, error: 'time: invalid duration ""' });
  });
  it('formats like Duration.String', () => {
    expect(formatGoDuration(5400e9)).toBe('1h30m0s');
    expect(formatGoDuration(5e8)).toBe('500ms');
    expect(formatGoDuration(1.5e9)).toBe('1.5s');
    expect(formatGoDuration(0)).toBe('0s');
  });
});

describe('goQuote', () => {
  it('escapes like strconv.Quote', () => {
    expect(goQuote('a"b\\c\n')).toBe('"a\\"b\\\\c\\n"');
    expect(goQuote('\u0001')).toBe('"\\x01"');
    expect(goQuote('héllo')).toBe('"héllo"');
  });
});

describe('error texts for huge inputs', () => {
  it('quote the whole input up to 64 Ki characters, as Go does', () => {
    const value = 'x'.repeat(64 * 1024);
    expect(parseGoBool(value)).toEqual({ ok: false, error: `strconv.ParseBool: parsing "${value}": invalid syntax` });
  });

  it('past that, quote the start and count the rest (a 3 MB annotation value is not quoted whole)', () => {
    const value = `${'"'.repeat(64 * 1024)}${'y'.repeat(3_000_000)}`;
    const result = parseGoBool(value);
    expect(result).toEqual({ ok: false, error: `strconv.ParseBool: parsing "${'\\"'.repeat(64 * 1024)}"… (3000000 more characters): invalid syntax` });
  });
});
