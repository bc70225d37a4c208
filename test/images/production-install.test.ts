// The images' recipe without Docker: the runtime stage is `npm ci --omit=dev` + the built dist/ +
// package.json (+ image/ files). Reproduced here in a temp dir, then both images' commands run
// from it: the webhook (`agent-inject`, plain and with -tls-auto against the fake API server, so
// @kubernetes/client-node must load from production dependencies) must reach ready, with the
// image's HEALTHCHECK script agreeing. The agent image's filesystem (built as Dockerfile.agent's
// rootfs stage builds it, by scripts/image-contents.mjs: no node_modules) is entered with chroot
// as user 100:1000, and there the `vault` shim must pass vault-k8s's arguments to our agent and
// token commands, which fail cleanly without a Vault and render templates with every engine
// (HCL, YAML, Handlebars from the bundle's vendor/ files) against the Vault double.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { writeKubeconfigFile } from '../k8s-fake/kube-config.js';
import type { FakeKubeApi } from '../k8s-fake/fake-kube-api.js';
import { NAMESPACE, SERVICE_ACCOUNT, seedWebhookConfiguration, startFakeCluster, storedBundles, waitFor, WEBHOOK_CONFIGURATION } from '../cluster/cluster-test-kit.js';
import { REPO_ROOT } from './parse-dockerfile.js';
import { startVaultDouble } from '../vault-double/index.js';
import { exitWithOutput } from '../helpers/child-exit.js';

// Run the npm the image runs: node:24.22.3 images bundle npm 11.19.1 (this machine may have another).
const IMAGE_NPM = 'npm@11.19.1';

// Part of util-linux/coreutils on every Linux this runs on (Debian: /usr/sbin/chroot).
const CHROOT = existsSync('/usr/sbin/chroot') ? '/usr/sbin/chroot' : 'chroot';

let app: string;
let api: FakeKubeApi;
const children: ChildProcess[] = [];

beforeAll(async () => {
  if (!existsSync(join(REPO_ROOT, 'dist', 'cli', 'main.js'))) throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
  app = mkdtempSync(join(tmpdir(), 'image-install-'));
  for (const file of ['package.json', 'package-lock.json']) cpSync(join(REPO_ROOT, file), join(app, file));
  const install = spawnSync('npx', ['--yes', IMAGE_NPM, 'ci', '--omit=dev', '--no-audit', '--no-fund', '--ignore-scripts'], {
    cwd: app,
    encoding: 'utf8',
    timeout: 300_000,
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });
  if (install.status !== 0) throw new Error(`npm ci --omit=dev failed:\n${install.stdout}\n${install.stderr}`);
  cpSync(join(REPO_ROOT, 'dist'), join(app, 'dist'), { recursive: true });
  cpSync(join(REPO_ROOT, 'image', 'healthcheck.mjs'), join(app, 'healthcheck.mjs'));
  api = await startFakeCluster([]);
  seedWebhookConfiguration(api);
}, 330_000);

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await api.stop();
  rmSync(app, { recursive: true, force: true });
});

test('only production dependencies are installed', () => {
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
  const lock = JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
  for (const name of Object.keys(pkg.dependencies)) expect([name, existsSync(join(app, 'node_modules', name))]).toEqual([name, true]);
  // Dev-only per the lockfile (some, like @types/node, are also dependencies of production packages).
  const devOnly = Object.keys(pkg.devDependencies).filter((name) => lock.packages[`node_modules/${name}`]?.dev === true);
  expect(devOnly).toEqual(expect.arrayContaining(['typescript', 'jest', 'eslint', 'kubernetes-models']));
  for (const name of devOnly) expect([name, existsSync(join(app, 'node_modules', name))]).toEqual([name, false]);
});

interface Started {
  readonly child: ChildProcess;
  readonly output: () => string;
  readonly port: () => Promise<number>;
  readonly exited: Promise<number | null>;
}

function startWebhook(args: readonly string[], env: Record<string, string>): Started {
  const child = spawn(process.execPath, [join(app, 'dist', 'cli', 'main.js'), 'agent-inject', '-listen=127.0.0.1:0', ...args], {
    cwd: app,
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', AGENT_INJECT_VAULT_ADDR: 'https://vault.vault.svc:8200', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const port = async (): Promise<number> => {
    await waitFor(`listening (output so far: ${output})`, () => /Listening on "[^"]*:(\d+)"/.test(output), 40_000);
    return Number(/Listening on "[^"]*:(\d+)"/.exec(output)![1]);
  };
  return { child, output: () => output, port, exited };
}

function healthcheck(port: number): number | null {
  return spawnSync(process.execPath, [join(app, 'healthcheck.mjs')], { env: { AGENT_INJECT_LISTEN: `:${port}` }, timeout: 10_000 }).status;
}

test('agent-inject from the production install reaches ready; the image HEALTHCHECK agrees, and fails once it stops', async () => {
  const webhook = startWebhook(['-tls-auto-hosts=localhost'], {});
  const port = await webhook.port();
  expect(healthcheck(port)).toBe(0);
  webhook.child.kill('SIGTERM');
  expect(await webhook.exited).toBe(0);
  expect(healthcheck(port)).toBe(1);
});

test('agent-inject -tls-auto with leader election loads client-node from the production install and writes the caBundle', async () => {
  api.addUser('token-prod', SERVICE_ACCOUNT);
  const kubeconfig = writeKubeconfigFile(app, api, 'token-prod');
  const webhook = startWebhook([`-tls-auto=${WEBHOOK_CONFIGURATION}`, '-use-leader-elector', '-log-format=json'], { KUBECONFIG: kubeconfig, NAMESPACE, POD_NAME: 'pod-prod' });
  const port = await webhook.port();
  expect(healthcheck(port)).toBe(0);
  await waitFor('caBundle written', () => storedBundles(api)[0] !== '');
  expect(webhook.output()).toMatch(/"event":"leader-election.acquired"/);
  webhook.child.kill('SIGTERM');
  expect(await webhook.exited).toBe(0);
});

test('the webhook image\'s tree (FROM scratch: node and its libraries, no shell) with the production install serves as 100:1000, and its HEALTHCHECK agrees', async () => {
  if (process.getuid?.() !== 0) throw new Error('this test chroots into the webhook image\'s filesystem: run it as root (CI does)');
  const tree = mkdtempSync(join(tmpdir(), 'webhook-image-'));
  try {
    const built = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts', 'image-contents.mjs'), '--webhook-tree', tree], { encoding: 'utf8' });
    if (built.status !== 0) throw new Error(`scripts/image-contents.mjs --webhook-tree failed: ${built.stderr}`);
    for (const dir of [tree, app]) chmodSync(dir, 0o755);
    expect(existsSync(join(tree, 'bin'))).toBe(false);
    // The production install stands in for the tree's /app (node_modules, dist/, package.json, the health check).
    const inImage = (command: readonly string[]): string => `exec ${CHROOT} --userspec=100:1000 ${tree} ${command.join(' ')}`;
    const child = spawn('unshare', ['--mount', 'sh', '-c', `mount --make-rprivate / && mount --bind ${app} ${tree}/app && ${inImage(['/usr/local/bin/node', '/app/dist/cli/main.js', 'agent-inject', '-listen=127.0.0.1:0', '-tls-auto-hosts=localhost'])}`], {
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', AGENT_INJECT_VAULT_ADDR: 'https://vault.vault.svc:8200' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    await waitFor(`listening (output so far: ${output})`, () => /Listening on "[^"]*:(\d+)"/.test(output), 40_000);
    const port = Number(/Listening on "[^"]*:(\d+)"/.exec(output)![1]);
    // Dockerfile.webhook's HEALTHCHECK command, run in the same mount namespace and root.
    const probe = spawnSync('nsenter', ['-t', String(child.pid), '-m', '--', CHROOT, '--userspec=100:1000', tree, '/usr/local/bin/node', '/app/healthcheck.mjs'], { env: { AGENT_INJECT_LISTEN: `:${port}` }, encoding: 'utf8', timeout: 10_000 });
    expect([probe.status, probe.stderr]).toEqual([0, '']);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  } finally {
    rmSync(tree, { recursive: true, force: true });
  }
});

describe('the agent image, entered with chroot as 100:1000, runs vault-k8s\'s commands', () => {
  // Paths inside the image; `tree` is where the image's filesystem is on this machine.
  const home = '/home/vault';
  let tree: string;
  const hostPath = (path: string): string => join(tree, path);
  const chrootArgs = (command: readonly string[]): string[] => ['--userspec=100:1000', tree, ...command];
  const imageEnv = { PATH: '/bin:/usr/local/bin', HOME: home, NODE_ENV: 'production' };
  const vault = (args: readonly string[], timeout = 30_000): { status: number | null; stdout: string; stderr: string } => {
    const result = spawnSync(CHROOT, chrootArgs(['/bin/sh', '/bin/vault', ...args]), { encoding: 'utf8', timeout, env: imageEnv });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  };

  beforeAll(() => {
    if (process.getuid?.() !== 0) throw new Error('these tests chroot into the agent image\'s filesystem: run them as root (CI does, as for the agent tests\' unshare -m)');
    tree = mkdtempSync(join(tmpdir(), 'agent-image-'));
    const built = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts', 'image-contents.mjs'), '--agent-tree', tree], { encoding: 'utf8' });
    if (built.status !== 0) throw new Error(`scripts/image-contents.mjs --agent-tree failed: ${built.stderr}`);
    chownSync(hostPath(home), 100, 1000);
    chmodSync(tree, 0o755);
    writeFileSync(hostPath(`${home}/.vault-token`), 's.secret-agent-token\n', { mode: 0o600 });
    writeFileSync(hostPath(`${home}/sa-token`), 'service-account-jwt-value\n');
    for (const file of ['.vault-token', 'sa-token']) chownSync(hostPath(`${home}/${file}`), 100, 1000);
  });

  afterAll(() => {
    rmSync(tree, { recursive: true, force: true });
  });

  test('the annotation-mode container command: base64-decoded config, then vault agent', () => {
    const config = Buffer.from(JSON.stringify({ auto_auth: { method: { type: 'kubernetes' } } })).toString('base64');
    const result = spawnSync(CHROOT, chrootArgs(['/bin/sh', '-ec', 'echo ${VAULT_CONFIG?} | base64 -d > /home/vault/config.json && touch /home/vault/ready && /bin/sleep 0 && vault agent -config=/home/vault/config.json']), {
      encoding: 'utf8',
      env: { ...imageEnv, VAULT_CONFIG: config },
      timeout: 30_000,
    });
    expect(readFileSync(hostPath(`${home}/config.json`), 'utf8')).toBe(Buffer.from(config, 'base64').toString());
    expect(existsSync(hostPath(`${home}/ready`))).toBe(true);
    // Our agent ran and judged the config (no Vault address, no role), as the image would.
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/configuration/);
  });

  test('vault version', () => {
    const result = vault(['version']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^vault-injector agent \d+\.\d+\.\d+\n$/);
  });

  test('vault agent with every flag vault-k8s uses parses them and reports a missing config file', () => {
    const result = vault(['agent', `-config=${home}/missing.json`, '-exit-after-auth', '-log-level=debug', '-log-format=json']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`${home}/missing.json`);
    expect(result.stderr).not.toMatch(/unknown flag|Usage:/);
  });

  test('vault agent with an injector-style config and no Vault fails auth and exits (exit_on_err), logging JSON, never the JWT', () => {
    const config = {
      auto_auth: {
        method: { type: 'kubernetes', mount_path: 'auth/kubernetes', exit_on_err: true, config: { role: 'app', token_path: join(home, 'sa-token') } },
        sink: [{ type: 'file', config: { path: join(home, '.vault-token-sink') } }],
      },
      exit_after_auth: true,
      pid_file: join(home, '.pid'),
      vault: { address: 'http://127.0.0.1:1' },
      template_config: { exit_on_retry_failure: true },
    };
    writeFileSync(hostPath(`${home}/config.json`), JSON.stringify(config));
    const result = vault(['agent', `-config=${home}/config.json`, '-exit-after-auth', '-log-format=json']);
    expect(result.status).toBe(1);
    const lines = `${result.stdout}${result.stderr}`.split('\n').filter((line) => line.trim() !== '');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(() => JSON.parse(line) as unknown).not.toThrow();
    expect(`${result.stdout}${result.stderr}`).not.toContain('service-account-jwt-value');
  });

  test('vault token revoke -self reads $HOME/.vault-token and fails cleanly without Vault, never printing the token', () => {
    const result = vault(['token', 'revoke', '-address=http://127.0.0.1:1', '-self']);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/revoke-self/);
    expect(`${result.stdout}${result.stderr}`).not.toContain('s.secret-agent-token');
  });

  test('the image has the agent bundle with its code cache, and no node_modules', () => {
    for (const file of ['main.cjs', 'agent.cjs', 'agent.cjs.cache']) expect([file, existsSync(hostPath(`/app/dist/agent-bundle/${file}`))]).toEqual([file, true]);
    expect(existsSync(hostPath('/app/node_modules'))).toBe(false);
  });

  test('vault agent from the bundle: HCL config, Go (with YAML) and Handlebars templates rendered from the Vault double', async () => {
    const vault = await startVaultDouble();
    try {
      vault.enableAuth('kubernetes');
      vault.addKubernetesRole('kubernetes', 'app', { serviceAccountJwt: 'service-account-jwt-value', policies: ['app'] });
      vault.enableKv('secret', 2);
      vault.addPolicy('app', [{ path: 'secret/data/*', capabilities: ['read'] }]);
      vault.writeKv('secret/web', { username: 'web-user', password: 'bundle-password' });
      writeFileSync(hostPath(`${home}/sa-jwt`), 'service-account-jwt-value');
      const hcl = `
auto_auth {
  method "kubernetes" {
    config = {
      role = "app"
      token_path = "${home}/sa-jwt"
    }
  }
  sink "file" {
    config = {
      path = "${home}/bundle-token"
    }
  }
}
exit_after_auth = true
vault {
  address = "${vault.address}"
}
template {
  destination = "${home}/out/web.yaml"
  contents = <<EOT
{{ with secret "secret/data/web" }}{{ .Data.data | toYAML }}{{ end }}
EOT
}
template {
  destination = "${home}/out/web.txt"
  engine = "handlebars"
  contents = <<EOT
{{#with (secret "secret/data/web")}}user={{Data.data.username}}{{/with}}
EOT
}
`;
      writeFileSync(hostPath(`${home}/bundle.hcl`), hcl);
      // spawnSync would block the double's event loop in this process. The chroot shares this
      // machine's network, so the agent reaches the double on 127.0.0.1.
      const child = spawn(CHROOT, chrootArgs(['/bin/sh', '/bin/vault', 'agent', `-config=${home}/bundle.hcl`]), { env: imageEnv, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const { code } = await exitWithOutput(child);
      expect([code, output]).toEqual([0, expect.stringContaining('all templates rendered')]);
      expect(readFileSync(hostPath(`${home}/out/web.yaml`), 'utf8')).toBe('password: bundle-password\nusername: web-user\n');
      expect(readFileSync(hostPath(`${home}/out/web.txt`), 'utf8')).toBe('user=web-user\n');
      expect(readFileSync(hostPath(`${home}/bundle-token`), 'utf8')).toMatch(/^hvs\./);
      for (const secret of ['service-account-jwt-value', 'bundle-password', readFileSync(hostPath(`${home}/bundle-token`), 'utf8')]) expect(output).not.toContain(secret);
    } finally {
      await vault.close();
    }
  });

  test('unsupported vault commands fail with 127', () => {
    expect(vault(['kv', 'get', 'secret/x']).status).toBe(127);
  });
});
