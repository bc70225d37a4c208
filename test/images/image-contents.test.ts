// The images' final-stage contents, measured without Docker by scripts/image-contents.mjs (the
// agent tree is built the way Dockerfile.agent's rootfs stage builds it): the agent image holds
// Node, the agent bundle and the container contract's tools, nothing else, and is at most half of
// what it was (node:…-slim + production node_modules + dist/); the webhook image (FROM scratch too)
// holds Node, the production dependencies, dist/ and nothing else.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

import { flagOf, instructionsOf, parseDockerfile, REPO_ROOT, wordsOf } from './parse-dockerfile.js';

interface Part { readonly part: string; readonly bytes: number }
interface Contents {
  readonly node: string;
  readonly agent: { readonly parts: Part[]; readonly bytes: number; readonly files: string[] };
  readonly webhook: { readonly parts: Part[]; readonly bytes: number; readonly files: string[] };
  readonly agentBefore: { readonly parts: Part[]; readonly bytes: number };
}

function run(args: readonly string[]): string {
  const result = spawnSync(process.execPath, [`${REPO_ROOT}/scripts/image-contents.mjs`, ...args], { encoding: 'utf8', timeout: 120_000 });
  if (result.status !== 0) throw new Error(`image-contents.mjs ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

const contents = JSON.parse(run(['--json', '--list'])) as Contents;

describe('agent image (Dockerfile.agent)', () => {
  test('holds Node, the agent bundle, the vault shim, the env-var launcher and sh, base64, cat, sleep, touch with their libraries: nothing else', () => {
    const files = contents.agent.files.filter((file) => !file.endsWith('/'));
    const outsideLibraries = files.filter((file) => !/^(lib|lib64)\//.test(file));
    expect(outsideLibraries.filter((file) => !file.startsWith('app/dist/agent-bundle/'))).toEqual([
      'bin/base64', 'bin/cat', 'bin/sh', 'bin/sleep', 'bin/touch', 'bin/vault', 'bin/vault-env-launcher', 'etc/group', 'etc/passwd', 'usr/local/bin/node',
    ]);
    expect(files.filter((file) => file.startsWith('app/'))).toEqual(expect.arrayContaining([
      'app/dist/agent-bundle/main.cjs', 'app/dist/agent-bundle/agent.cjs', 'app/dist/agent-bundle/agent.cjs.cache', 'app/dist/agent-bundle/VERSION',
      'app/dist/agent-bundle/vendor/handlebars.js', 'app/dist/agent-bundle/vendor/yaml.js', 'app/dist/agent-bundle/vendor/js-hcl-parser.js',
      'app/dist/agent-bundle/vendor/bcryptjs.js', 'app/dist/agent-bundle/vendor/re2js.js',
    ]));
    expect(files.filter((file) => /\.so(\.|$)/.test(file)).length).toBeGreaterThan(0);
    for (const file of files.filter((f) => /^(lib|lib64)\//.test(f))) expect(file).toMatch(/\.so(\.\d+)*$/);
  });

  test('carries no npm, no node_modules, no package manager', () => {
    for (const file of contents.agent.files) expect(file).not.toMatch(/node_modules|(^|\/)(npm|npx|corepack|yarn|apt|apt-get|dpkg|pip)(\/|$)/);
  });

  test('is at most half of the agent image before (node:…-slim with production node_modules)', () => {
    expect(contents.agent.bytes).toBeGreaterThan(0);
    expect(contents.agent.bytes / contents.agentBefore.bytes).toBeLessThanOrEqual(0.5);
    expect(contents.agentBefore.parts.map((part) => part.part)).toEqual(expect.arrayContaining(['production node_modules', 'npm']));
  });

  test('the script builds the tree with the COPYs and the rootfs script the Dockerfile names', () => {
    const parsed = parseDockerfile('Dockerfile.agent');
    const rootfs = parsed.stages.find((stage) => stage.name === 'rootfs')!;
    const copies = instructionsOf(rootfs, 'COPY').map((copy) => ({ from: flagOf(copy, 'from'), words: wordsOf(copy) }));
    expect(copies).toEqual([
      { from: undefined, words: ['scripts/agent-rootfs.sh', '/agent-rootfs.sh'] },
      { from: 'build', words: ['/src/dist/agent-bundle', '/rootfs/app/dist/agent-bundle'] },
      { from: undefined, words: ['image/vault', '/rootfs/bin/vault'] },
      { from: 'launcher', words: ['/src/vault-env-launcher', '/rootfs/bin/vault-env-launcher'] },
    ]);
    const runs = instructionsOf(rootfs, 'RUN').map((r) => r.getArgumentsContent() ?? '');
    expect(runs).toHaveLength(2);
    expect(runs[0]).toMatch(/apt-get install --yes --no-install-recommends busybox-static/);
    expect(runs[1]).toBe('NODE_BIN=/usr/local/bin/node sh /agent-rootfs.sh /rootfs');
    const script = readFileSync(`${REPO_ROOT}/scripts/image-contents.mjs`, 'utf8');
    expect(script).toContain("{ from: 'build', source: '/src/dist/agent-bundle', local: 'dist/agent-bundle', target: '/rootfs/app/dist/agent-bundle' }");
    expect(script).toContain("{ from: undefined, source: 'image/vault', local: 'image/vault', target: '/rootfs/bin/vault' }");
    expect(script).toContain("{ from: 'launcher', source: '/src/vault-env-launcher', local: undefined, target: '/rootfs/bin/vault-env-launcher' }");
  });
});

describe('webhook image (Dockerfile.webhook)', () => {
  test('holds the production dependencies only (no dev package)', () => {
    const lock = JSON.parse(readFileSync(`${REPO_ROOT}/package-lock.json`, 'utf8')) as { packages: Record<string, { dev?: boolean }> };
    const production = Object.entries(lock.packages).filter(([path, entry]) => path !== '' && entry.dev !== true).map(([path]) => path);
    expect(production).toContain('node_modules/@kubernetes/client-node');
    for (const dev of ['typescript', 'jest', 'eslint', 'esbuild', 'kubernetes-models']) expect(production).not.toContain(`node_modules/${dev}`);
    expect(contents.webhook.parts.map((part) => part.part)).toEqual(expect.arrayContaining(['production node_modules', 'dist/']));
  });

  test('besides node_modules and dist/: Node with its libraries, the health check, package.json and users; no shell, npm or package manager', () => {
    const files = contents.webhook.files.filter((file) => !file.endsWith('/'));
    expect(files.filter((file) => !/^(lib|lib64)\//.test(file))).toEqual(['app/healthcheck.mjs', 'app/package.json', 'etc/group', 'etc/passwd', 'usr/local/bin/node']);
    for (const file of files.filter((f) => /^(lib|lib64)\//.test(f))) expect(file).toMatch(/\.so(\.\d+)*$/);
    expect(contents.webhook.bytes).toBeLessThan(contents.agentBefore.bytes);
  });
});

test('the script prints every image\'s size', () => {
  const text = run([]);
  expect(text).toMatch(/^agent image \(Dockerfile\.agent\): \d+\.\d MB$/m);
  expect(text).toMatch(/^webhook image \(Dockerfile\.webhook\): \d+\.\d MB$/m);
  expect(text).toMatch(/^agent image \/ agent image before: 0\.\d\d$/m);
});
