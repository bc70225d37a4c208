// Secrets as environment variables, end to end (docs/env-vars.md): the webhook process admits a
// Deployment pod, the real agent runs vault-agent-init's and vault-agent's generated configs in a
// pod sandbox against the Vault double, and the app containers run their patched command (the
// static launcher) in their own mount namespace as a non-root user — one with the host's
// filesystem, one in a distroless-like root holding only the launcher and a static program. The
// kubelet's part (liveness probe → restart) is played by the test.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Buffer } from 'node:buffer';
import type { Operation } from 'fast-json-patch';
import { createScenario, SERVICE_ACCOUNT_JWT, type Scenario } from '../agent/helpers/agent-scenario.js';
import { POD_GID, POD_UID, startAgentInPod } from '../agent/helpers/pod-sandbox.js';
import { applyPodPatch } from '../helpers/api-server-validator.js';
import { compileStatic, launcherBinary } from '../helpers/launcher-binary.js';
import { REPO_ROOT } from '../helpers/repo-paths.js';
import { startWebhook, type WebhookProcess } from '../helpers/webhook-process.js';
import { exitWithOutput } from '../helpers/child-exit.js';

const P = 'vault.hashicorp.com/';
const APP_UID = 2000;
const VALUES = { password: 'pw-Initial-7f3a9c', user: 'orders-user-5d1e', stripe: 'sk_live_Q9x2Zp4' };
const SBIN_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

interface Container {
  name: string;
  command?: string[];
  args?: string[];
  env?: { name: string; value?: string }[];
  livenessProbe?: { exec: { command: string[] } };
}
interface Pod {
  spec: { containers: Container[]; initContainers?: Container[] };
}

let showEnv: string;
let scenario: Scenario;
let webhook: WebhookProcess;
const logs: (() => string)[] = [];
const running: { kill: () => void; exited: Promise<unknown> }[] = [];

function podRequest(uid: string, annotations: Record<string, string>): unknown {
  const sa = { name: 'kube-api-access', readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' };
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid,
      kind: { group: '', version: 'v1', kind: 'Pod' },
      resource: { group: '', version: 'v1', resource: 'pods' },
      namespace: 'orders',
      operation: 'CREATE',
      object: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          generateName: 'orders-7c9f6d5b4-',
          namespace: 'orders',
          annotations: {
            [`${P}agent-inject`]: 'true',
            [`${P}role`]: 'app',
            [`${P}template-static-secret-render-interval`]: '1s',
            [`${P}agent-env-DB_PASSWORD`]: '{{ with secret "secret/data/orders/db" }}{{ .Data.data.password }}{{ end }}',
            [`${P}agent-env-DB_USER`]: '{{ with secret "secret/data/orders/db" }}{{ .Data.data.user }}{{ end }}',
            [`${P}agent-env-STRIPE_KEY`]: '{{ with secret "secret/data/orders/stripe" }}{{ .Data.data.key }}{{ end }}',
            [`${P}agent-env-containers-STRIPE_KEY`]: 'api',
            [`${P}agent-env-command-distroless`]: '["/app/show-env"]',
            ...annotations,
          },
        },
        spec: {
          serviceAccountName: 'orders',
          containers: [
            { name: 'api', image: 'orders', command: [showEnv], args: ['wait', '--listen=:8080'], env: [{ name: 'DB_USER', value: 'from-pod-spec' }], volumeMounts: [sa] },
            { name: 'distroless', image: 'gcr.io/distroless/static', args: ['exit', '0'], volumeMounts: [sa] },
          ],
          volumes: [{ name: 'kube-api-access', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } }],
        },
      },
    },
  };
}

async function admitPod(uid: string, annotations: Record<string, string> = {}): Promise<Pod> {
  const review = podRequest(uid, annotations) as { request: { object: unknown } };
  const reply = await webhook.postReview(review);
  const response = (reply.json as { response: { allowed: boolean; patch?: string; status?: { message: string } } }).response;
  if (!response.allowed || response.patch === undefined) throw new Error(`denied: ${response.status?.message ?? ''}`);
  const patch = JSON.parse(Buffer.from(response.patch, 'base64').toString('utf8')) as Operation[];
  return applyPodPatch(review.request.object, patch) as Pod;
}

function agentConfig(pod: Pod, name: string): Record<string, unknown> {
  const container = [...(pod.spec.initContainers ?? []), ...pod.spec.containers].find((c) => c.name === name);
  const encoded = container?.env?.find((variable) => variable.name === 'VAULT_CONFIG')?.value ?? '';
  return JSON.parse(Buffer.from(encoded, 'base64').toString('utf8')) as Record<string, unknown>;
}

/** vault-agent-init's first step, `/bin/vault-env-launcher --install /vault/env/vault-env-launcher`, as the agent's user. */
function copyLauncherIntoPod(pod: Pod): void {
  const init = pod.spec.initContainers?.find((c) => c.name === 'vault-agent-init');
  expect(init?.args?.[0]).toMatch(/^\/bin\/vault-env-launcher --install \/vault\/env\/vault-env-launcher && /);
  const target = join(scenario.sandbox.envDir, 'vault-env-launcher');
  const installed = spawnSync('setpriv', [`--reuid=${POD_UID}`, `--regid=${POD_GID}`, '--clear-groups', launcherBinary(), '--install', target], { encoding: 'utf8' });
  expect(installed.stderr).toBe('');
  expect(statSync(target).uid).toBe(POD_UID);
}

async function runInit(pod: Pod): Promise<string> {
  const init = startAgentInPod({ sandbox: scenario.sandbox, config: agentConfig(pod, 'vault-agent-init') });
  scenario.agents.push(init);
  logs.push(() => init.output());
  expect(await init.exited).toBe(0);
  return init.output();
}

interface AppProcess {
  readonly pid: number;
  output(): string;
  readonly exited: Promise<number | null>;
  kill(): void;
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Runs `argv` as the kubelet runs a container process: its own mount namespace, the pod's volumes, uid 2000 in the agent's group. */
function runContainer(argv: readonly string[], options: { jail?: string } = {}): AppProcess {
  const { envDir, envStateDir } = scenario.sandbox;
  const root = options.jail ?? '';
  const script = [
    'set -e',
    'mount --make-rprivate /',
    `mount --bind ${shellQuote(envDir)} ${root}/vault/env`,
    `mount -o remount,bind,ro ${root}/vault/env`,
    `mount --bind ${shellQuote(envStateDir)} ${root}/vault/env-state`,
    options.jail === undefined
      ? `exec setpriv --reuid=${APP_UID} --regid=${POD_GID} --clear-groups -- ${argv.map(shellQuote).join(' ')}`
      : `exec chroot --userspec=${APP_UID}:${POD_GID} ${shellQuote(options.jail)} ${argv.map(shellQuote).join(' ')}`,
  ].join('\n');
  const child = spawn('unshare', ['-m', 'sh', '-c', script], { env: { PATH: SBIN_PATH, DB_USER: 'from-pod-spec' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = exitWithOutput(child).then(({ code }) => code);
  const app: AppProcess = { pid: child.pid ?? -1, output: () => output, exited, kill: () => child.kill('SIGTERM') };
  running.push(app);
  return app;
}

function containerArgv(pod: Pod, name: string): string[] {
  const container = pod.spec.containers.find((c) => c.name === name);
  return [...(container?.command ?? []), ...(container?.args ?? [])];
}

async function until(check: () => boolean, what: string, attempts = 300): Promise<void> {
  for (let i = 0; i < attempts; i += 1) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function envOf(output: string): Map<string, string> {
  return new Map(output.split('\n').filter((line) => line.startsWith('env:')).map((line) => {
    const [name, ...rest] = line.slice(4).split('=');
    return [name ?? '', rest.join('=')];
  }));
}

beforeAll(() => {
  showEnv = compileStatic(join(REPO_ROOT, 'test/launcher/fixtures/show-env.c'), 'show-env');
  launcherBinary();
});

beforeEach(async () => {
  scenario = await createScenario();
  scenario.vault.enableKv('secret', 2);
  scenario.vault.addPolicy('app', [{ path: 'secret/*', capabilities: ['read'] }]);
  scenario.vault.writeKv('secret/orders/db', { password: VALUES.password, user: VALUES.user });
  scenario.vault.writeKv('secret/orders/stripe', { key: VALUES.stripe });
  webhook = await startWebhook({ args: [`-vault-address=${scenario.vault.address}`], defaultVaultAddress: false });
  logs.length = 0;
  logs.push(() => webhook.logs());
});

afterEach(async () => {
  for (const app of running.splice(0)) {
    app.kill();
    await app.exited;
  }
  await webhook.stop();
  await scenario.close();
});

function expectNoValueInLogs(extra: readonly string[] = []): void {
  const all = logs.map((read) => read()).join('\n');
  for (const value of [...Object.values(VALUES), ...extra, SERVICE_ACCOUNT_JWT]) expect([value, all.includes(value)]).toEqual([value, false]);
}

describe('agent-env-* end to end', () => {
  it('a Deployment pod\'s apps (one distroless-like) see the values; the pod spec, /proc/PID/cmdline and every log line do not', async () => {
    const pod = await admitPod('env-e2e-1');
    const podText = JSON.stringify(pod);
    for (const value of Object.values(VALUES)) expect(podText).not.toContain(value);

    copyLauncherIntoPod(pod);
    await runInit(pod);
    const file = join(scenario.sandbox.envDir, 'api', 'DB_PASSWORD');
    expect(readFileSync(file, 'utf8')).toBe(VALUES.password);
    expect(statSync(file).mode & 0o7777).toBe(0o440);

    const api = runContainer(containerArgv(pod, 'api'));
    await until(() => api.output().includes('ready'), 'the api container');
    expect(api.output()).toContain(`ready pid=${api.pid}`);
    const env = envOf(api.output());
    expect([env.get('DB_PASSWORD'), env.get('DB_USER'), env.get('STRIPE_KEY')]).toEqual([VALUES.password, VALUES.user, VALUES.stripe]);
    expect(api.output()).toContain(`argv:${showEnv}|wait|--listen=:8080`);
    const cmdline = readFileSync(`/proc/${api.pid}/cmdline`, 'utf8');
    expect(cmdline.split('\0').filter(Boolean)).toEqual([showEnv, 'wait', '--listen=:8080']);
    for (const value of Object.values(VALUES)) expect(cmdline).not.toContain(value);

    // Distroless-like: nothing in the root but the pod's volumes and one static program; no /bin/sh.
    const jail = join(scenario.sandbox.envStateDir, '..', 'jail');
    for (const dir of ['vault/env', 'vault/env-state', 'app']) mkdirSync(join(jail, dir), { recursive: true });
    copyFileSync(showEnv, join(jail, 'app/show-env'));
    chmodSync(join(jail, 'app/show-env'), 0o755);
    expect(existsSync(join(jail, 'bin/sh'))).toBe(false);
    const distroless = runContainer(containerArgv(pod, 'distroless'), { jail });
    expect(await distroless.exited).toBe(0);
    const distrolessEnv = envOf(distroless.output());
    expect([distrolessEnv.get('DB_PASSWORD'), distrolessEnv.get('DB_USER'), distrolessEnv.has('STRIPE_KEY')]).toEqual([VALUES.password, VALUES.user, false]);
    expect(distroless.output()).toContain('argv:/app/show-env|exit|0');

    expectNoValueInLogs();
  }, 180_000);

  it('restart on change: a rotation touching two variables restarts the app once, with the new values', async () => {
    const pod = await admitPod('env-e2e-2', { [`${P}agent-env-restart-on-change`]: 'true', [`${P}agent-env-containers-DB_USER`]: 'api' });
    copyLauncherIntoPod(pod);
    await runInit(pod);
    const sidecar = startAgentInPod({ sandbox: scenario.sandbox.container('sidecar'), config: agentConfig(pod, 'vault-agent') });
    scenario.agents.push(sidecar);
    logs.push(() => sidecar.output());
    const probe = pod.spec.containers.find((c) => c.name === 'api')?.livenessProbe?.exec.command ?? [];
    expect(probe[1]).toBe('--probe');

    let app = runContainer(containerArgv(pod, 'api'));
    await until(() => app.output().includes('ready'), 'the api container');
    const file = join(scenario.sandbox.envDir, 'api', 'DB_PASSWORD');
    // Two variables rotate, in two separate renders: one restart (debounce 5 s by default).
    scenario.vault.writeKv('secret/orders/db', { password: 'pw-Rotated-2b8e41', user: VALUES.user });
    await until(() => readFileSync(file, 'utf8') === 'pw-Rotated-2b8e41', 'the first rotation to render');
    scenario.vault.writeKv('secret/orders/db', { password: 'pw-Rotated-2b8e41', user: 'orders-user-rotated-9c' });
    await until(() => readFileSync(join(scenario.sandbox.envDir, 'api', 'DB_USER'), 'utf8') === 'orders-user-rotated-9c', 'the second rotation to render');

    // The kubelet: run the liveness probe in the container; on failure, restart the container.
    let restarts = 0;
    const probeOnce = async (): Promise<number | null> => runContainer(probe).exited;
    const probeUntilRestarted = async (): Promise<void> => {
      for (let i = 0; i < 150; i += 1) {
        if ((await probeOnce()) !== 0) {
          app.kill();
          await app.exited;
          restarts += 1;
          app = runContainer(containerArgv(pod, 'api'));
          await until(() => app.output().includes('ready'), 'the restarted api container');
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    await probeUntilRestarted();
    expect(restarts).toBe(1);
    const env = envOf(app.output());
    expect([env.get('DB_PASSWORD'), env.get('DB_USER')]).toEqual(['pw-Rotated-2b8e41', 'orders-user-rotated-9c']);
    expect(await probeOnce()).toBe(0);
    // One request per container whose values changed: api once, and distroless (DB_PASSWORD) once.
    const requests = sidecar.output().split('\n').filter((line) => line.includes('container restart requested'));
    expect(requests.filter((line) => line.includes('/vault/env/api'))).toHaveLength(1);
    expect(requests.filter((line) => line.includes('/vault/env/distroless'))).toHaveLength(1);
    expectNoValueInLogs(['pw-Rotated-2b8e41', 'orders-user-rotated-9c']);
  }, 180_000);

  it('without restart on change a rotation is rendered but nothing asks for a restart', async () => {
    const pod = await admitPod('env-e2e-3');
    expect(pod.spec.containers.find((c) => c.name === 'api')?.livenessProbe).toBeUndefined();
    expect(agentConfig(pod, 'vault-agent')['env_restart']).toBeUndefined();
    copyLauncherIntoPod(pod);
    await runInit(pod);
    const sidecar = startAgentInPod({ sandbox: scenario.sandbox.container('sidecar'), config: agentConfig(pod, 'vault-agent') });
    scenario.agents.push(sidecar);
    const app = runContainer(containerArgv(pod, 'api'));
    await until(() => app.output().includes('ready'), 'the api container');
    scenario.vault.writeKv('secret/orders/db', { password: 'pw-Rotated-norestart', user: VALUES.user });
    const file = join(scenario.sandbox.envDir, 'api', 'DB_PASSWORD');
    await until(() => readFileSync(file, 'utf8') === 'pw-Rotated-norestart', 'the rotation to render');
    // Past the debounce window a restart request would have been written by now.
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    expect(existsSync(join(scenario.sandbox.envDir, 'api', '.generation'))).toBe(false);
    expect(sidecar.output()).not.toContain('restart requested');
    expect(spawnSync('kill', ['-0', String(app.pid)]).status).toBe(0);
    expect(readFileSync(`/proc/${app.pid}/environ`, 'utf8')).toContain(`DB_PASSWORD=${VALUES.password}`);
  }, 180_000);
});
