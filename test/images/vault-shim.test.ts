// image/vault, the `vault` command of the agent image, run with /bin/sh as in the pod. The CLI and
// the agent bundle's launcher it execs are replaced by recorders here so the test sees exactly the
// argv and exit code they would get; the real ones behind the shim are exercised in
// production-install.test.ts.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { REPO_ROOT } from './parse-dockerfile.js';

const SHIM = `${REPO_ROOT}/image/vault`;
let root: string;
let bin: string;
let home: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'vault-shim-'));
  mkdirSync(join(root, 'dist', 'cli'), { recursive: true });
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'vault-injector', version: '9.8.7', type: 'module' }));
  // Records argv and exits with RECORDER_EXIT, like our CLI would with its own code.
  writeFileSync(
    join(root, 'dist', 'cli', 'main.js'),
    "process.stdout.write(JSON.stringify(process.argv.slice(2))); process.exitCode = Number(process.env.RECORDER_EXIT ?? '0');\n",
  );
  mkdirSync(join(root, 'dist', 'agent-bundle'));
  writeFileSync(
    join(root, 'dist', 'agent-bundle', 'main.cjs'),
    "process.stdout.write(JSON.stringify({ bundle: process.argv.slice(2) })); process.exitCode = Number(process.env.RECORDER_EXIT ?? '0');\n",
  );
  bin = join(root, 'bin');
  mkdirSync(bin);
  symlinkSync(SHIM, join(bin, 'vault'));
  home = join(root, 'home', 'vault');
  mkdirSync(home, { recursive: true });
  chmodSync(home, 0o700);
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

function run(command: string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(command[0]!, command.slice(1), {
    encoding: 'utf8',
    env: {
      PATH: `${bin}:/usr/bin:/bin`,
      HOME: home,
      VAULT_INJECTOR_NODE: process.execPath,
      VAULT_INJECTOR_CLI: join(root, 'dist', 'cli', 'main.js'),
      // Without the bundle by default: these tests are about the CLI's argv.
      VAULT_INJECTOR_AGENT_BUNDLE: join(root, 'dist', 'agent-bundle', 'not-built.cjs'),
      ...env,
    },
    timeout: 20_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

test.each([
  [['agent', '-config=/home/vault/config.json']],
  [['agent', '-config=/vault/configs/config-init.hcl', '-exit-after-auth', '-log-level=debug', '-log-format=json']],
  [['agent', '-config', '/a.hcl', '-config=/b.hcl']],
  [['token', 'revoke', '-address=https://vault.vault.svc:8200', '-ca-cert=/vault/tls/ca.crt', '-self']],
  [['agent', '-config=/path with spaces/config.json']],
])('vault %j reaches our CLI with the same arguments', (args) => {
  const result = run(['/bin/sh', SHIM, ...args]);
  expect(result.stderr).toBe('');
  expect(JSON.parse(result.stdout)).toEqual(args);
  expect(result.status).toBe(0);
});

test.each([
  [['agent', '-config=/vault/configs/config-init.hcl', '-exit-after-auth', '-log-format=json']],
  [['token', 'revoke', '-address=https://vault.vault.svc:8200', '-self']],
])('vault %j runs the agent bundle with the same arguments when the image has it', (args) => {
  const result = run(['/bin/sh', SHIM, ...args], { VAULT_INJECTOR_AGENT_BUNDLE: join(root, 'dist', 'agent-bundle', 'main.cjs') });
  expect(result.stderr).toBe('');
  expect(JSON.parse(result.stdout)).toEqual({ bundle: args });
  expect(result.status).toBe(0);
});

test("the bundle's exit code is the shim's exit code; version never runs the bundle", () => {
  const bundle = { VAULT_INJECTOR_AGENT_BUNDLE: join(root, 'dist', 'agent-bundle', 'main.cjs') };
  expect(run(['/bin/sh', SHIM, 'agent', '-config=/x'], { ...bundle, RECORDER_EXIT: '4' }).status).toBe(4);
  expect(run(['/bin/sh', SHIM, 'version'], bundle).stdout).toBe('vault-injector agent 9.8.7\n');
});

test("the CLI's exit code is the shim's exit code", () => {
  expect(run(['/bin/sh', SHIM, 'agent', '-config=/x'], { RECORDER_EXIT: '3' }).status).toBe(3);
});

test('the annotation-mode container command of vault-k8s works against it', () => {
  const config = JSON.stringify({ auto_auth: { method: { type: 'kubernetes' } } });
  const result = run(
    ['/bin/sh', '-ec', 'echo ${VAULT_CONFIG?} | base64 -d > $HOME/config.json && vault agent -config=$HOME/config.json'],
    { VAULT_CONFIG: Buffer.from(config).toString('base64') },
  );
  expect(result.status).toBe(0);
  expect(JSON.parse(result.stdout)).toEqual(['agent', `-config=${home}/config.json`]);
  expect(spawnSync('cat', [join(home, 'config.json')], { encoding: 'utf8' }).stdout).toBe(config);
});

test('the revoke-on-shutdown preStop hook command works against it', () => {
  const result = run(['/bin/sh', '-c', '/bin/sleep 0 && vault token revoke -address=https://vault:8200 -self']);
  expect(result.status).toBe(0);
  expect(JSON.parse(result.stdout)).toEqual(['token', 'revoke', '-address=https://vault:8200', '-self']);
});

test('vault version names vault-injector and its version', () => {
  const result = run(['/bin/sh', SHIM, 'version']);
  expect(result).toEqual({ status: 0, stdout: 'vault-injector agent 9.8.7\n', stderr: '' });
});

test('an unsupported command fails with 127 and says why; no command prints usage', () => {
  const unknown = run(['/bin/sh', SHIM, 'kv', 'get', 'secret/x']);
  expect(unknown.status).toBe(127);
  expect(unknown.stdout).toBe('');
  expect(unknown.stderr).toMatch(/^vault: unsupported command "kv"/);
  const none = run(['/bin/sh', SHIM]);
  expect(none.status).toBe(127);
  expect(none.stderr).toMatch(/Usage: vault <command>/);
});

test('-help prints usage on stdout', () => {
  const result = run(['/bin/sh', SHIM, '-help']);
  expect(result.status).toBe(0);
  expect(result.stdout).toMatch(/agent {5}Run the agent/);
});

test('the bundle runs with its vendor/ directory on NODE_PATH (the image has no node_modules), before any NODE_PATH given', () => {
  const dir = join(root, 'env-bundle');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'main.cjs'), 'process.stdout.write(process.env.NODE_PATH ?? "");\n');
  const bundle = join(dir, 'main.cjs');
  expect(run(['/bin/sh', SHIM, 'agent', '-config=/x'], { VAULT_INJECTOR_AGENT_BUNDLE: bundle }).stdout).toBe(`${dir}/vendor`);
  expect(run(['/bin/sh', SHIM, 'token', 'revoke', '-self'], { VAULT_INJECTOR_AGENT_BUNDLE: bundle, NODE_PATH: '/extra' }).stdout).toBe(`${dir}/vendor:/extra`);
});

test('vault version reads the bundle\'s VERSION file when there is one (no node, no package.json needed)', () => {
  const dir = join(root, 'versioned-bundle');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'main.cjs'), '');
  writeFileSync(join(dir, 'VERSION'), '1.2.3\n');
  const result = run(['/bin/sh', SHIM, 'version'], { VAULT_INJECTOR_AGENT_BUNDLE: join(dir, 'main.cjs'), VAULT_INJECTOR_NODE: '/nonexistent/node' });
  expect(result).toEqual({ status: 0, stdout: 'vault-injector agent 1.2.3\n', stderr: '' });
});
