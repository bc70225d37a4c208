// `vault-injector inject`: the real CLI over manifests. The patched templates must equal what the
// webhook's own admit() patch does to the same pod (after the ServiceAccount plugin's volume), the
// user's comments and untouched objects must survive, and problems must reach stderr and the exit code.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Buffer } from 'node:buffer';
import fastJsonPatch, { type Operation } from 'fast-json-patch';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { admit } from '../../webhook/src/inject/admit.js';
import { parseSettings } from '../../webhook/src/settings/parse-settings.js';
import { serviceAccountVolumeOps } from '../../webhook/src/offline/service-account-volume.js';
import { CLI_PATH, REPO_ROOT } from '../helpers/webhook-process.js';

function run(args: readonly string[], input?: string, env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [CLI_PATH, 'inject', ...args], {
    input,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', ...env },
    cwd: REPO_ROOT,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The object at `path` inside parsed YAML/JSON (tests only read shapes they wrote). */
function at(value: unknown, ...path: (string | number)[]): Record<string, unknown> {
  return path.reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], value) as Record<string, unknown>;
}

function writeTemp(name: string, text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'inject-')), name);
  writeFileSync(path, text);
  return path;
}

const settings = (() => {
  const parsed = parseSettings(['-vault-address=https://vault.vault.svc:8200'], {});
  if (parsed.kind !== 'settings') throw new Error('settings');
  return parsed.settings;
})();

/** What the webhook would do to this template's pod, computed in-process with admit(). */
function expectedTemplate(template: Record<string, unknown>, namespace: string): Record<string, unknown> {
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: template.metadata, spec: template.spec };
  const prepared = fastJsonPatch.applyPatch(structuredClone(pod), serviceAccountVolumeOps(pod), true, false).newDocument;
  const outcome = admit({ uid: 'u', operation: 'CREATE', namespace, object: prepared }, settings);
  if (outcome.decision !== 'injected') return template;
  const patch = JSON.parse(Buffer.from(outcome.response.patch ?? '', 'base64').toString('utf8')) as Operation[];
  const patched = fastJsonPatch.applyPatch(structuredClone(prepared), patch, true, false).newDocument;
  return { ...template, metadata: patched.metadata, spec: patched.spec };
}

const ANNOTATIONS = {
  'vault.hashicorp.com/agent-inject': 'true',
  'vault.hashicorp.com/role': 'app',
  'vault.hashicorp.com/agent-inject-secret-config': 'secret/data/app',
};
const podTemplate = (annotations: Record<string, string> = ANNOTATIONS) => ({
  metadata: { labels: { app: 'a' }, annotations },
  spec: { containers: [{ name: 'app', image: 'app:1' }] },
});

const MANIFESTS = `# leading comment
apiVersion: apps/v1
kind: Deployment
metadata: {name: d, namespace: team}
spec:
  template: ${JSON.stringify(podTemplate())}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: c}
spec:
  jobTemplate:
    spec:
      template: ${JSON.stringify(podTemplate({ ...ANNOTATIONS, 'vault.hashicorp.com/agent-pre-populate-only': 'true' }))}
---
apiVersion: v1
kind: List
items:
  - apiVersion: apps/v1
    kind: StatefulSet
    metadata: {name: s}
    spec:
      template: ${JSON.stringify(podTemplate())}
  - apiVersion: v1
    kind: Pod
    metadata: ${JSON.stringify({ name: 'p', ...podTemplate().metadata })}
    spec: ${JSON.stringify(podTemplate().spec)}
---
apiVersion: v1
kind: Service # untouched
metadata: {name: svc}
spec: {ports: [{port: 80}]}
`;

describe('vault-injector inject', () => {
  test('every pod template is patched exactly as admit() patches it; other objects and comments survive', () => {
    const file = writeTemp('all.yaml', MANIFESTS);
    const { code, stdout, stderr } = run(['-f', file]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const input: unknown[] = parseAllDocuments(MANIFESTS).map((document) => document.toJS() as unknown);
    const output: unknown[] = parseAllDocuments(stdout).map((document) => document.toJS() as unknown);
    expect(output).toHaveLength(4);
    expect(at(output, 0, 'spec', 'template')).toEqual(expectedTemplate(at(input, 0, 'spec', 'template'), 'team'));
    const cronTemplate = [1, 'spec', 'jobTemplate', 'spec', 'template'] as const;
    expect(at(output, ...cronTemplate)).toEqual(expectedTemplate(at(input, ...cronTemplate), 'default'));
    expect(at(output, 2, 'items', 0, 'spec', 'template')).toEqual(expectedTemplate(at(input, 2, 'items', 0, 'spec', 'template'), 'default'));
    const pod = at(output, 2, 'items', 1);
    const podIn = at(input, 2, 'items', 1);
    expect({ metadata: pod.metadata, spec: pod.spec }).toEqual(expectedTemplate({ metadata: podIn.metadata, spec: podIn.spec }, 'default'));
    expect(output[3]).toEqual(input[3]);
    expect(stdout.startsWith('# leading comment\n')).toBe(true);
    expect(stdout).toContain('kind: Service # untouched');
    // The injected pod is marked, so the webhook skips it when the manifest is applied.
    expect(at(output, 0, 'spec', 'template', 'metadata', 'annotations')['vault.hashicorp.com/agent-inject-status']).toBe('injected');
  });

  test('JSON in, JSON out, from stdin', () => {
    const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { template: podTemplate() } };
    const { code, stdout } = run(['-f', '-'], JSON.stringify(deployment));
    expect(code).toBe(0);
    const output = JSON.parse(stdout) as { spec: { template: Record<string, unknown> } };
    expect(output.spec.template).toEqual(expectedTemplate(deployment.spec.template, 'default'));
  });

  test('a denied pod: stderr names the object and the annotation, exit 1, the template is left as it was', () => {
    const bad = { ...ANNOTATIONS, 'vault.hashicorp.com/agent-run-as-user': 'root' };
    const text = `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  template: ${JSON.stringify(podTemplate(bad))}\n`;
    const { code, stdout, stderr } = run(['-f', writeTemp('bad.yaml', text)]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^denied: Deployment\/web \(namespace shop\): .*agent-run-as-user/m);
    expect(parseYaml(stdout)).toEqual(parseYaml(text));
  });

  test('warnings go to stderr naming the object; --strict turns them into exit 1', () => {
    const typo = { ...ANNOTATIONS, 'vault.hashicorp.com/agent-inject-secrte-x': 'secret/x' };
    const text = JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', annotations: typo }, spec: podTemplate().spec });
    const file = writeTemp('warn.json', text);
    const lenient = run(['-f', file]);
    expect(lenient.code).toBe(0);
    expect(lenient.stderr).toMatch(/^warning: Pod\/p \(namespace default\): .*agent-inject-secrte-x/m);
    expect(run(['-f', file, '--strict']).code).toBe(1);
  });

  test('settings flags and AGENT_INJECT_* variables apply as for agent-inject', () => {
    const file = writeTemp('pod.json', JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', annotations: ANNOTATIONS }, spec: podTemplate().spec }));
    const byFlag = JSON.parse(run(['-f', file, '-vault-image=example/vault:9']).stdout) as { spec: { containers: { name: string; image: string }[] } };
    expect(byFlag.spec.containers.find((c) => c.name === 'vault-agent')?.image).toBe('example/vault:9');
    const byEnv = run(['-f', file, '--explain'], undefined, { AGENT_INJECT_VAULT_ADDR: 'https://vault.example:8200' });
    expect(byEnv.stderr).toContain('vault: https://vault.example:8200');
    const badFlag = run(['-f', file, '-log-level=loud']);
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toMatch(/^error: .*loud/m);
  });

  test('unreadable or malformed input is a usage error (exit 2) naming the input', () => {
    expect(run(['-f', '/nonexistent/file.yaml']).stderr).toMatch(/^error: \/nonexistent\/file\.yaml: /m);
    const broken = run(['-f', writeTemp('broken.yaml', 'a: [1,\n')]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/broken\.yaml: document 1:/);
    expect(run([]).code).toBe(2);
  });

  test('the worked example in the README runs verbatim', () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    const example = /<!-- inject-example -->\s*```sh\n\$ (?<command>[^\n]+)\n(?<output>[\s\S]*?)```/.exec(readme);
    expect(example?.groups).toBeDefined();
    const args = (example!.groups!.command ?? '').split(' ');
    expect(args.slice(0, 2)).toEqual(['vault-injector', 'inject']);
    const { code, stderr } = run(args.slice(2).filter((arg) => arg !== '>/dev/null'));
    expect(code).toBe(0);
    expect(stderr).toBe(example!.groups!.output);
  });
});

describe('vault-injector version', () => {
  test('prints version, commit and Node version; --version is the same', () => {
    const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    for (const arg of ['version', '--version']) {
      const result = spawnSync(process.execPath, [CLI_PATH, arg], { encoding: 'utf8' });
      expect(result.status).toBe(0);
      expect(result.stdout).toMatch(new RegExp(`^vault-injector ${version.replaceAll('.', '\\.')} \\(commit ([0-9a-f]{7,40}|unknown), node ${process.version}\\)\\n$`));
    }
  });
});
