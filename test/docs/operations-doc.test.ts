// docs/operations.md: every shell block is marked cluster-only or tested, the tested ones run here
// (with `vault-injector` being the built CLI), the Prometheus examples agree with deploy/, and the
// names the page uses are the ones deploy/ and the code use.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';

import { CLUSTER_OBJECT_NAMES } from '../../webhook/src/cluster/cluster-names.js';
import { REPO_ROOT } from '../helpers/repo-paths.js';
import { findObject, loadAllManifests } from '../deploy/load-manifests.js';

const doc = readFileSync(join(REPO_ROOT, 'docs', 'operations.md'), 'utf8');

interface Block { readonly lang: string; readonly body: string; readonly marker: string | undefined }

function blocks(text: string): Block[] {
  const found: Block[] = [];
  const pattern = /^([ \t]*)```(\w*)\n([\s\S]*?)^\1```$/gm;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    const before = text.slice(0, match.index).trimEnd().split('\n').at(-1)?.trim();
    const indent = match[1] ?? '';
    const body = (match[3] ?? '').split('\n').map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line)).join('\n');
    found.push({ lang: match[2] ?? '', body, marker: /^<!-- (cluster-only|tested)(?:: [^ ]+)? -->$/.exec(before ?? '')?.[1] });
  }
  return found;
}

const all = blocks(doc);
const shell = all.filter((block) => block.lang === 'sh');
const manifests = loadAllManifests();
const deployment = findObject<{ spec: { template: { spec: { containers: { env: { name: string; value?: string }[]; resources: { requests: Record<string, string>; limits: Record<string, string> } }[] } } } }>(manifests, 'Deployment');
const env = new Map(deployment.spec.template.spec.containers[0]!.env.map((variable) => [variable.name, variable.value]));
const service = findObject<{ spec: { ports: { name: string }[] } }>(manifests, 'Service');

test('every shell block is marked cluster-only or tested', () => {
  expect(shell.length).toBeGreaterThan(5);
  expect(shell.filter((block) => block.marker === undefined).map((block) => block.body)).toEqual([]);
  expect(shell.filter((block) => block.marker === 'tested').length).toBeGreaterThanOrEqual(3);
});

describe('tested commands', () => {
  let bin: string;
  beforeAll(() => {
    if (!existsSync(join(REPO_ROOT, 'dist', 'cli', 'main.js'))) throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
    bin = mkdtempSync(join(tmpdir(), 'ops-doc-bin-'));
    writeFileSync(join(bin, 'vault-injector'), `#!/bin/sh\nexec "${process.execPath}" "${join(REPO_ROOT, 'dist', 'cli', 'main.js')}" "$@"\n`);
    chmodSync(join(bin, 'vault-injector'), 0o755);
  });
  afterAll(() => {
    rmSync(bin, { recursive: true, force: true });
  });

  test.each(shell.filter((block) => block.marker === 'tested').map((block) => [block.body.trim()]))('%s', (body) => {
    const result = spawnSync('sh', ['-ec', body], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000, env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` } });
    expect([result.status, result.stderr]).toEqual([0, result.stderr]);
    expect(result.stdout.length).toBeGreaterThan(0);
  });
});

test('the ServiceMonitor and the scrape config scrape what deploy/ serves (HTTPS, the telemetry path, the https port)', () => {
  const yamlDocs = all.filter((block) => block.lang === 'yaml').map((block) => parse(block.body) as Record<string, unknown>);
  const monitor = yamlDocs.find((object) => object['kind'] === 'ServiceMonitor') as { spec: { endpoints: { port: string; scheme: string; path: string }[] } };
  const scrape = yamlDocs.find((object) => 'scrape_configs' in object) as { scrape_configs: { scheme: string; metrics_path: string; relabel_configs: { regex: string }[] }[] };
  const path = env.get('AGENT_INJECT_TELEMETRY_PATH');
  expect(path).toBe('/metrics');
  expect(monitor.spec.endpoints[0]).toMatchObject({ port: service.spec.ports[0]!.name, scheme: 'https', path });
  expect(scrape.scrape_configs[0]).toMatchObject({ scheme: 'https', metrics_path: path });
  expect(scrape.scrape_configs[0]!.relabel_configs.map((rule) => rule.regex)).toContain(service.spec.ports[0]!.name);
});

test('the names on the page are deploy/\'s and the code\'s', () => {
  const webhookConfiguration = findObject(manifests, 'MutatingWebhookConfiguration').metadata.name;
  expect(env.get('AGENT_INJECT_TLS_AUTO')).toBe(webhookConfiguration);
  expect(doc).toContain(`\`${webhookConfiguration}\``);
  expect(doc).toContain(CLUSTER_OBJECT_NAMES.leaderLease);
  expect(doc).toContain(CLUSTER_OBJECT_NAMES.certSecret);
  expect(env.get('AGENT_INJECT_RECONCILE_MISSED')).toBe('report');
  expect(existsSync(join(REPO_ROOT, 'deploy', 'missed-pods-evict', 'cluster-role.yaml'))).toBe(true);
  // Ours never takes vault-helm's cluster-scoped name.
  expect(webhookConfiguration).not.toBe('vault-agent-injector-cfg');
});

test('the sizing section states the requests and limits deploy/ sets', () => {
  const { requests, limits } = deployment.spec.template.spec.containers[0]!.resources;
  expect(doc).toContain(`requests \`cpu: ${requests['cpu']!}\`, \`memory: ${requests['memory']!}\`; limits \`cpu: ${limits['cpu']!}\`, \`memory: ${limits['memory']!}\``);
});
