// SIGTERM reaches the agent in the agent image's classic sidecar (issue 14). vault-k8s's container
// command is `/bin/sh -ec "echo ${VAULT_CONFIG?} | base64 -d > … && vault agent -config=…"`, so the
// shell starts as the container's PID 1, and the kubelet's SIGTERM goes to PID 1. The kernel drops
// any signal PID 1 of a PID namespace has no handler for (pid_namespaces(7), "only signals for which
// the init process has established a signal handler can be sent to it by other members"). With
// Debian's dash as /bin/sh the shell stays PID 1, without a SIGTERM handler, and the agent only dies
// by SIGKILL at the end of the grace period; the image's busybox ash execs `vault`, which execs node.
// Run here as a container runs: the image's filesystem (scripts/image-contents.mjs --agent-tree) as
// root directory, a new PID and mount namespace with its own /proc, user 100:1000, the image's env.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { REPO_ROOT } from './parse-dockerfile.js';
import { exitWithOutput } from '../helpers/child-exit.js';

/** vault-k8s's sidecar command, byte for byte (agent-sidecar.go: DefaultContainerArg). */
const SIDECAR_COMMAND = 'echo ${VAULT_CONFIG?} | base64 -d > /home/vault/config.json && vault agent -config=/home/vault/config.json';
const WAIT_MS = 30_000;
const SIGTERM_BIT = 1n << 14n;

let tree = '';

interface Container {
  readonly child: ChildProcess;
  output(): string;
  readonly exited: Promise<number | null>;
  running(): boolean;
}

/** The container's PID 1 on this machine: unshare --fork's child. */
function initPid(container: Container): number {
  const pid = container.child.pid ?? -1;
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
  if (children.length !== 1) throw new Error(`expected one child of unshare, found ${JSON.stringify(children)}`);
  return Number(children[0]);
}

/** Signals PID 1 has a handler for (SigCgt of /proc/PID/status). */
function caughtSignals(pid: number): bigint {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((entry) => entry.startsWith('SigCgt:'));
  return BigInt(`0x${line?.split(/\s+/)[1] ?? '0'}`);
}

function startContainer(shell: string): Container {
  const config = {
    auto_auth: {
      method: { type: 'kubernetes', mount_path: 'auth/kubernetes', config: { role: 'app', token_path: '/home/vault/sa-token' } },
      sink: [{ type: 'file', config: { path: '/home/vault/.vault-token' } }],
    },
    // Nothing listens there: the agent keeps retrying its login, as it would while Vault is down.
    vault: { address: 'http://127.0.0.1:1' },
    template: [{ destination: '/home/vault/out', contents: 'x' }],
  };
  const child = spawn('unshare', ['--pid', '--fork', '--kill-child', '--mount-proc', `--root=${tree}`, '--setgid', '1000', '--setuid', '100', shell, '-ec', SIDECAR_COMMAND], {
    env: { PATH: '/bin:/usr/local/bin', HOME: '/home/vault', NODE_ENV: 'production', VAULT_CONFIG: Buffer.from(JSON.stringify(config)).toString('base64') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let running = true;
  child.once('exit', () => {
    running = false;
  });
  const exited = exitWithOutput(child).then(({ code }) => code);
  return { child, output: () => output, exited, running: () => running };
}

/** Polls until `predicate` holds; the deadline only bounds a broken run, it asserts nothing about speed. */
async function until(what: string, predicate: () => boolean, container: Container): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!predicate()) {
    if (!container.running() || Date.now() > deadline) throw new Error(`never saw: ${what}\n${container.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const loginFailures = (container: Container): number => container.output().split('\n').filter((line) => line.includes('authentication failed')).length;

beforeAll(() => {
  if (process.getuid?.() !== 0) throw new Error('this test enters the agent image with unshare --root: run it as root (CI does)');
  if (!existsSync(join(REPO_ROOT, 'dist', 'agent-bundle', 'main.cjs'))) throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
  tree = mkdtempSync(join(tmpdir(), 'agent-image-signals-'));
  const built = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts', 'image-contents.mjs'), '--agent-tree', tree], { encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`scripts/image-contents.mjs --agent-tree failed: ${built.stderr}`);
  chmodSync(tree, 0o755);
  mkdirSync(join(tree, 'proc'));
  chownSync(join(tree, 'home', 'vault'), 100, 1000);
  writeFileSync(join(tree, 'home', 'vault', 'sa-token'), 'service-account-jwt\n');
  chownSync(join(tree, 'home', 'vault', 'sa-token'), 100, 1000);
  // Debian's dash beside the image's shell, for the control case: its libraries (libc) are the
  // ones node already brought into the tree.
  copyFileSync('/usr/bin/dash', join(tree, 'bin', 'dash'));
});

afterAll(() => {
  if (tree !== '') rmSync(tree, { recursive: true, force: true });
});

test('the image\'s /bin/sh is busybox ash (static), not dash', () => {
  const version = spawnSync(join(tree, 'bin', 'sh'), ['--help'], { encoding: 'utf8' });
  expect(`${version.stdout}${version.stderr}`).toMatch(/^BusyBox v\d/m);
  expect(spawnSync('ldd', [join(tree, 'bin', 'sh')], { encoding: 'utf8' }).status).not.toBe(0);
});

test('classic sidecar: the agent becomes PID 1, and SIGTERM to PID 1 stops it cleanly', async () => {
  const container = startContainer('/bin/sh');
  try {
    await until('a failed login (the agent is running and retrying)', () => loginFailures(container) > 0, container);
    const init = initPid(container);
    // The shell exec'd the last command: PID 1 is node, with the agent's SIGTERM handler.
    expect(readlinkSync(`/proc/${init}/exe`)).toBe(join(tree, 'usr/local/bin/node'));
    expect(caughtSignals(init) & SIGTERM_BIT).toBe(SIGTERM_BIT);
    process.kill(init, 'SIGTERM');
    expect(await container.exited).toBe(0);
    expect(container.output()).toMatch(/shutdown triggered: signal=SIGTERM/);
    expect(container.output()).toMatch(/agent stopped: exit_code=0/);
  } finally {
    container.child.kill('SIGKILL');
  }
});

test('control: with dash as the shell, PID 1 is the shell, has no SIGTERM handler, and the agent runs on after SIGTERM', async () => {
  const container = startContainer('/bin/dash');
  try {
    await until('a failed login', () => loginFailures(container) > 0, container);
    const init = initPid(container);
    expect(readlinkSync(`/proc/${init}/exe`)).toBe(join(tree, 'bin/dash'));
    expect(caughtSignals(init) & SIGTERM_BIT).toBe(0n);
    process.kill(init, 'SIGTERM');
    // Dropped by the kernel: the agent goes on retrying (one more failed login after the signal).
    const before = loginFailures(container);
    await until('another failed login after SIGTERM', () => loginFailures(container) > before, container);
    expect(container.output()).not.toMatch(/shutdown triggered/);
  } finally {
    container.child.kill('SIGKILL');
    await container.exited;
  }
});
