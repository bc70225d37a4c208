import { getCiphers } from 'node:tls';
import { DEFAULT_TLS12_SUITES, nodeTlsOptions } from './tls-options.js';

describe('nodeTlsOptions defaults (issue 10)', () => {
  it('restricts TLS 1.2 to ECDHE + AEAD suites by default', () => {
    const { ciphers } = nodeTlsOptions('tls12', []);
    const tls12 = (ciphers ?? '').split(':').filter((name) => !name.startsWith('TLS_'));
    expect(tls12).toEqual(DEFAULT_TLS12_SUITES);
    for (const name of tls12) {
      expect(name).toMatch(/^ECDHE-(RSA|ECDSA)-(AES(128|256)-GCM-SHA(256|384)|CHACHA20-POLY1305)$/);
      expect(getCiphers()).toContain(name.toLowerCase());
    }
    expect(ciphers).not.toMatch(/CBC|-SHA(:|$)|CCM|ARIA/);
  });

  it('an explicit -tls-cipher-suites list replaces the default', () => {
    expect(nodeTlsOptions('tls12', ['TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA']).ciphers?.split(':')[0]).toBe('ECDHE-RSA-AES128-SHA');
  });
});
