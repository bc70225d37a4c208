import { bearerToken } from './vault-client.js';

describe('bearerToken', () => {
  it('reads the token of a Bearer header, any case, after any whitespace', () => {
    expect(bearerToken('Bearer hvs.abc')).toBe('hvs.abc');
    expect(bearerToken('bearer \t hvs.abc def')).toBe('hvs.abc def');
  });

  it('is undefined for other schemes, a missing or blank token and line breaks', () => {
    expect(bearerToken('Basic dXNlcg==')).toBeUndefined();
    expect(bearerToken('Bearer')).toBeUndefined();
    expect(bearerToken('Bearer   ')).toBeUndefined();
    expect(bearerToken('Bearer a\nb')).toBeUndefined();
  });

  it('takes a header of whitespace and a line break whole', () => {
    expect(bearerToken(`BEARER\n${'\t'.repeat(1_000_000)}\n`)).toBeUndefined();
    expect(bearerToken(`Bearer ${'\t'.repeat(1_000_000)}x`)).toBe('x');
  });
});
