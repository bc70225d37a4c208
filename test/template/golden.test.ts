// Golden files for the templates people write in annotations (PEM/CA bundles, .env exports, JSON
// and YAML config, database URIs, ranges over KV v2 data) and for the consul-template functions the
// oracle does not implement. Each NAME.ctmpl renders to NAME.golden; templates that only use
// functions the oracle has are also checked against Go itself.
// Regenerate (then review the diff!) with UPDATE_GOLDEN=1.
import { stringify } from 'lossless-json';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GoTemplateEngine, ORACLE_FUNCTIONS } from '../../template/src/index.js';
import { caseStore, envelopeFromJson, parseCases } from '../../template/src/index.js';
import type { TemplateSideEffects, VaultSecretEnvelope } from '../../template/src/index.js';
import { REPO_ROOT, runOracle } from './oracle-helpers.js';

const DIR = join(REPO_ROOT, 'test', 'template', 'golden');
const rawSecrets = parseCases(readFileSync(join(DIR, 'secrets.json'), 'utf8')) as Record<string, unknown>;
const secrets = new Map<string, VaultSecretEnvelope>(Object.entries(rawSecrets).map(([k, v]) => [k, envelopeFromJson(v)]));
const ENV: Record<string, string> = { HOME: '/home/app' };
const NOW = new Date('2024-05-06T07:08:09.123Z');
const templates = readdirSync(DIR).filter((f) => f.endsWith('.ctmpl')).sort();

type WriteRequest = Parameters<TemplateSideEffects['writeToFile']>[0];

function render(name: string): { output: string; writes: WriteRequest[] } {
  const source = readFileSync(join(DIR, name), 'utf8');
  const writes: WriteRequest[] = [];
  const compiled = new GoTemplateEngine().compile(source, { name: '', errorOnMissingKey: false });
  const result = compiled.renderDetailed(
    {
      store: caseStore(secrets),
      env: (key) => ENV[key],
      destination: `/vault/secrets/${name.replace(/\.ctmpl$/, '')}`,
      sideEffects: { writeToFile: (request) => writes.push(request) },
    },
    { missingSecret: 'error', now: () => NOW },
  );
  if (result.output === undefined) throw new Error(`${name}: missing dependencies ${JSON.stringify(result.missing)}`);
  return { output: result.output, writes };
}

function usesOnlyOracleFunctions(source: string): boolean {
  const words = source.match(/\b[a-zA-Z_][a-zA-Z0-9_]*\b/g) ?? [];
  const extra = ['pkiCert', 'secrets', 'toYAML', 'toTOML', 'writeToFile', 'timestamp', 'indent', 'sha256Hex', 'md5sum', 'hmacSHA256Hex', 'regexMatch', 'regexReplaceAll', 'add', 'loop', 'in', 'mergeMap', 'explodeMap', 'splitToMap', 'trimPrefix', 'trimSuffix', 'executeTemplate'];
  return !words.some((w) => extra.includes(w) || w.startsWith('sprig_')) && [...ORACLE_FUNCTIONS].length > 0;
}

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

  it('the goldens that only use the oracle\'s functions are what Go renders', () => {
    const checkable = templates.filter((name) => usesOnlyOracleFunctions(readFileSync(join(DIR, name), 'utf8')));
    expect(checkable.length).toBeGreaterThanOrEqual(10);
    const cases = checkable.map((name) => ({ id: name, template: readFileSync(join(DIR, name), 'utf8'), secrets: rawSecrets, env: ENV, options: { missingkey: 'zero' } }));
    // lossless stringify keeps number literals as written (1.50 stays 1.50), as Go's json.Number does.
    const results = runOracle(stringify(cases) as string);
    for (const [i, name] of checkable.entries()) {
      expect({ name, output: results[i]?.output, error: results[i]?.error }).toEqual({ name, output: render(name).output, error: undefined });
    }
  });

  it('pkiCert hands its PEM blocks to writeToFile side effects', () => {
    const { writes } = render('pkicert.ctmpl');
    expect(writes).toEqual([
      { path: '/vault/secrets/payment.key', user: 'nginx', group: 'vault', perms: '0400', content: '-----BEGIN EC PRIVATE KEY-----\nMIIeckey\n-----END EC PRIVATE KEY-----', append: false, newline: false },
      { path: '/vault/secrets/bundle.pem', user: '', group: '', perms: '0644', content: '-----BEGIN CERTIFICATE-----\nMIIpay\n-----END CERTIFICATE-----', append: true, newline: true },
    ]);
  });
});
