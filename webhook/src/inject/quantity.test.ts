import { canonicalQuantity, QUANTITY_REGEX_ERROR, QUANTITY_SUFFIX_ERROR } from './quantity.js';

describe('canonicalQuantity', () => {
  it.each([
    ['250m', '250m'],
    ['64Mi', '64Mi'],
    ['500M', '500M'],
    ['128m', '128m'],
    ['0', '0'],
    ['0.5', '500m'],
    ['1000m', '1'],
    ['1024Mi', '1Gi'],
    ['1.5Gi', '1536Mi'],
    ['1536', '1536'],
    ['0.5Ki', '512'],
    ['1Ki', '1Ki'],
    ['2048', '2048'],
    ['1e3', '1e3'],
    ['1500m', '1500m'],
    ['1.5', '1500m'],
    ['100M', '100M'],
    ['0.0001', '100u'],
    ['1000000', '1M'],
    ['+1', '1'],
    ['-500m', '-500m'],
    ['1.0000000001', '1000000001n'],
    ['0.0000000001', '1n'],
    ['500G', '500G'],
    ['500Gi', '500Gi'],
    ['0Mi', '0'],
    ['12e6', '12e6'],
    ['5000e-3', '5'],
  ])('%s → %s', (input, canonical) => {
    expect(canonicalQuantity(input)).toEqual({ ok: true, canonical });
  });

  it.each(['128mb', '128g', '500gi', '', 'abc', '1.2.3M', '.'])('rejects %j with the regex error', (input) => {
    expect(canonicalQuantity(input)).toEqual({ ok: false, error: QUANTITY_REGEX_ERROR });
  });

  it.each(['500mi', '1Mm', '1Kii'])('rejects %j with the suffix error', (input) => {
    expect(canonicalQuantity(input)).toEqual({ ok: false, error: QUANTITY_SUFFIX_ERROR });
  });
});
