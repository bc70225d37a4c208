// Real-world-shaped Vault Agent configurations (test/fixtures/agent-configs/, HCL and JSON, every
// block and auth method of Vault Agent's docs, old and misplaced keys included) load through the
// agent's loader: no refusal Vault Agent would not make, a warning for exactly the keys Vault Agent
// ignores, and the few configs Vault Agent itself refuses (refused/) refused with a clear message.
// JSON fixtures also load through HashiCorp's HCL1 parser (which reads JSON, as Vault Agent does)
// to the same AgentConfig.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadAgentConfig } from '../../agent/src/config/load-agent-config.js';
import { parseHcl } from '../../agent/src/config/parse-config-text.js';
import { validateAgentConfig } from '../../agent/src/config/validate-agent-config.js';

const DIR = fileURLToPath(new URL('../fixtures/agent-configs/', import.meta.url));
const REFUSED_DIR = join(DIR, 'refused');
const configFiles = readdirSync(DIR).filter((name) => /\.(hcl|json)$/.test(name) && !name.startsWith('expected')).sort();
const refusedFiles = readdirSync(REFUSED_DIR).filter((name) => /\.(hcl|json)$/.test(name) && name !== 'expected.json').sort();
const expectedWarnings = JSON.parse(readFileSync(join(DIR, 'expected-warnings.json'), 'utf8')) as Record<string, string[]>;
const expectedRefusals = JSON.parse(readFileSync(join(REFUSED_DIR, 'expected.json'), 'utf8')) as Record<string, string>;

const loaded = new Map<string, Awaited<ReturnType<typeof loadAgentConfig>>>();

describe('real-world Vault Agent configs', () => {
  it('has at least 40 configs in HCL and JSON, and an expectation for every refused one', () => {
    expect(configFiles.length).toBeGreaterThanOrEqual(40);
    expect(configFiles.some((name) => name.endsWith('.json'))).toBe(true);
    expect(Object.keys(expectedRefusals).sort()).toEqual(refusedFiles);
  });

  it.each(configFiles)('%s loads; warnings exactly for the keys Vault Agent ignores', async (name) => {
    const config = await loadAgentConfig([join(DIR, name)]);
    loaded.set(name, config);
    expect([...config.warnings].sort()).toEqual([...(expectedWarnings[name] ?? [])].sort());
  }, 20_000);

  it.each(configFiles.filter((name) => name.endsWith('.json')))('%s: the HCL1 parser reads the same document to the same config', async (name) => {
    const text = readFileSync(join(DIR, name), 'utf8');
    expect(validateAgentConfig(await parseHcl(text, name))).toEqual(validateAgentConfig(JSON.parse(text)));
  }, 20_000);

  it.each(refusedFiles)('refused/%s is refused, as Vault Agent refuses it, with a clear message', async (name) => {
    await expect(loadAgentConfig([join(REFUSED_DIR, name)])).rejects.toThrow(expectedRefusals[name]);
  }, 20_000);

  it('covers every Vault Agent auth method and every top-level block (configs loaded above)', () => {
    expect(loaded.size).toBe(configFiles.length);
    const methods = new Set([...loaded.values()].map((config) => config.autoAuth?.method.type));
    for (const method of ['alicloud', 'approle', 'aws', 'azure', 'cert', 'cf', 'gcp', 'jwt', 'kerberos', 'kubernetes', 'ldap', 'oci', 'token_file']) {
      expect(methods).toContain(method);
    }
    const texts = configFiles.map((name) => readFileSync(join(DIR, name), 'utf8')).join('\n');
    for (const block of ['auto_auth', 'vault', 'template', 'template_config', 'env_template', 'exec', 'listener', 'cache', 'api_proxy', 'telemetry', 'persist', 'retry', 'agent_api', 'wait']) {
      expect(texts).toMatch(new RegExp(`\\b${block}\\b`));
    }
  });
});
