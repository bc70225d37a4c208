// The golden templates (test/template/golden/NAME.ctmpl → NAME.golden) and how they are rendered:
// shared by golden.test.ts (committed outputs) and the differential suite (the same templates
// through Go itself).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { GoTemplateEngine, ORACLE_FUNCTIONS } from '../../template/src/index.js';
import { caseStore, envelopeFromJson, parseCases } from '../../template/src/index.js';
import type { TemplateSideEffects, VaultSecretEnvelope } from '../../template/src/index.js';
import { REPO_ROOT } from './oracle-helpers.js';

export const DIR = join(REPO_ROOT, 'test', 'template', 'golden');
export const rawSecrets = parseCases(readFileSync(join(DIR, 'secrets.json'), 'utf8')) as Record<string, unknown>;
const secrets = new Map<string, VaultSecretEnvelope>(Object.entries(rawSecrets).map(([k, v]) => [k, envelopeFromJson(v)]));
export const ENV: Record<string, string> = { HOME: '/home/app' };
const NOW = new Date('2024-05-06T07:08:09.123Z');
export const templates = readdirSync(DIR).filter((f) => f.endsWith('.ctmpl')).sort();

type WriteRequest = Parameters<TemplateSideEffects['writeToFile']>[0];

export function render(name: string): { output: string; writes: WriteRequest[] } {
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

export function usesOnlyOracleFunctions(source: string): boolean {
  const words = source.match(/\b[a-zA-Z_][a-zA-Z0-9_]*\b/g) ?? [];
  const extra = ['pkiCert', 'secrets', 'toYAML', 'toTOML', 'writeToFile', 'timestamp', 'indent', 'sha256Hex', 'md5sum', 'hmacSHA256Hex', 'regexMatch', 'regexReplaceAll', 'add', 'loop', 'in', 'mergeMap', 'explodeMap', 'splitToMap', 'trimPrefix', 'trimSuffix', 'executeTemplate'];
  return !words.some((w) => extra.includes(w) || w.startsWith('sprig_')) && [...ORACLE_FUNCTIONS].length > 0;
}

