import { canonicalQuantity, QUANTITY_NUMERIC_ERROR, QUANTITY_REGEX_ERROR, QUANTITY_SUFFIX_ERROR } from './quantity.js';

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
    ['+1', '+1'],
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

  it.each(['128mb', '128g', '500gi', '', 'abc', '1.2.3M', '1 ', '1e3Ki'])('rejects %j with the regex error', (input) => {
    expect(canonicalQuantity(input)).toEqual({ ok: false, error: QUANTITY_REGEX_ERROR });
  });

  it.each(['500mi', '1Mm', '1Kii', '1e', '1e99999999999999999999'])('rejects %j with the suffix error', (input) => {
    expect(canonicalQuantity(input)).toEqual({ ok: false, error: QUANTITY_SUFFIX_ERROR });
  });

  it.each(['+e-12', '.e-12', 'e-12'])('rejects %j with the numeric error', (input) => {
    expect(canonicalQuantity(input)).toEqual({ ok: false, error: QUANTITY_NUMERIC_ERROR });
  });

  // What resource.ParseQuantity(text).String() gives in k8s.io/apimachinery (checked against it,
  // including 30,000 random strings over the quantity alphabet): the text itself where Go deems it
  // canonical, zero for a bare sign, "." or suffix, binary values capped at 2^63-1, and no
  // DecimalSI suffix beyond E (10^21 prints as "1").
  it.each([
    ['+', '0'],
    ['-', '0'],
    ['.', '0'],
    ['Mi', '0'],
    ['+.5Mi', '512Ki'],
    ['007', '007'],
    ['1.', '1.'],
    ['1.G', '1.G'],
    ['1E3', '1E3'],
    ['1e-3', '1e-3'],
    ['1.500', '1.500'],
    ['0.100', '100m'],
    ['5e-1', '500e-3'],
    ['1.0Ki', '1Ki'],
    ['1.50Mi', '1536Ki'],
    ['3Ki', '3Ki'],
    ['0.0000000001Ki', '103n'],
    ['1e-10', '1e-9'],
    ['8Ei', '9223372036854775807'],
    ['12345678901234Mi', '9223372036854775807'],
    ['1000000000000000000000', '1'],
    ['1000000000000000000000m', '1E'],
    ['1e9999998', '100e9999996'],
    ['1e9999999', '1e9999999'],
    ['1e-999999999', '1e-9'],
    ['1234567890123456789e99999', '1234567890123456789e99999'],
  ])('%s → %s as Go writes it', (input, written) => {
    expect(canonicalQuantity(input)).toEqual({ ok: true, canonical: written });
  });
});
