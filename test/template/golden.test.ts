// Golden files for the templates people write in annotations (PEM/CA bundles, .env exports, JSON
// and YAML config, database URIs, ranges over KV v2 data) and for the consul-template functions the
// oracle does not implement. Each NAME.ctmpl renders to NAME.golden; templates that only use
// functions the oracle has are also checked against Go itself by the differential suite
// (test/differential/oracle-agreement.test.ts).
// Regenerate (then review the diff!) with UPDATE_GOLDEN=1.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DIR, render, templates } from './golden-templates.js';

describe('golden templates', () => {
  it('has golden files for the templates users write', () => {
    expect(templates.length).toBeGreaterThanOrEqual(15);
  });

  it.each(templates)('%s renders its golden output', (name) => {
    const { output } = render(name);
    const goldenPath = join(DIR, name.replace(/\.ctmpl$/, '.golden'));
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(goldenPath, output);
    if (!existsSync(goldenPath)) throw new Error(`${goldenPath} missing: run with UPDATE_GOLDEN=1 and review it`);
    expect(output).toBe(readFileSync(goldenPath, 'utf8'));
  });

  it('pkiCert hands its PEM blocks to writeToFile side effects', () => {
    const { writes } = render('pkicert.ctmpl');
    expect(writes).toEqual([
      { path: '/vault/secrets/payment.key', user: 'nginx', group: 'vault', perms: '0400', content: '-----BEGIN EC PRIVATE KEY-----\nMIIeckey\n-----END EC PRIVATE KEY-----', append: false, newline: false },
      { path: '/vault/secrets/bundle.pem', user: '', group: '', perms: '0644', content: '-----BEGIN CERTIFICATE-----\nMIIpay\n-----END CERTIFICATE-----', append: true, newline: true },
    ]);
  });
});
