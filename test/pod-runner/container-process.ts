// One container of the pod runner: a process in its own mount and PID namespaces (`unshare -m -p`:
// the container's command is PID 1, so, as in a real container, a SIGTERM it has no handler for
// is ignored and only SIGKILL ends it) with the
// pod's volumes bind-mounted at the container's mount paths over fresh tmpfs roots (/run, /home,
// /vault), the image's programs overlaid on /usr/bin, the container's env and its user (setpriv).
// `exec` runs a command inside the same namespace (nsenter), as the kubelet runs probes and hooks.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { shellQuote } from '../agent/helpers/pod-sandbox.js';
import type { ImageModel } from './images.js';

/** Mount paths must lie under these roots, each a fresh tmpfs inside the namespace (host untouched). */
const NAMESPACE_ROOTS = ['/run', '/home', '/vault'] as const;

export interface ContainerMount {
  readonly hostDir: string;
  readonly mountPath: string;
  readonly readOnly: boolean;
}

export interface ContainerSpec {
  readonly name: string;
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly mounts: readonly ContainerMount[];
  readonly image: ImageModel;
  readonly uid: number;
  readonly gid: number;
}

export interface ContainerProcess {
  readonly name: string;
  readonly pid: number;
  output(): string;
  readonly exited: Promise<number>;
  running(): boolean;
  signal(name: NodeJS.Signals): void;
  /** Runs argv inside the container (its mounts, env and user); resolves with exit code and output. */
  exec(argv: readonly string[], timeoutMs: number): Promise<{ code: number; output: string }>;
}

function checkMountPath(path: string): void {
  const normalised = path.replace(/^\/var\/run(\/|$)/, '/run$1');
  if (!path.startsWith('/') || path.split('/').includes('..')) throw new Error(`pod runner: mount path ${path} is not absolute and clean`);
  if (!NAMESPACE_ROOTS.some((root) => normalised === root || normalised.startsWith(`${root}/`))) {
    throw new Error(`pod runner: mount path ${path} is outside ${NAMESPACE_ROOTS.join(', ')} (the roots it can mount without touching the host)`);
  }
}

function setupScript(spec: ContainerSpec): string {
  const lines = ['set -e', 'mount --make-rprivate /'];
  for (const root of NAMESPACE_ROOTS) lines.push(`mount -t tmpfs -o mode=755 tmpfs ${root}`);
  if (spec.image.binDir !== undefined) lines.push(`mount -t overlay overlay -o lowerdir=${shellQuote(spec.image.binDir)}:/usr/bin /usr/bin`);
  const mounts = [...spec.mounts].sort((a, b) => a.mountPath.split('/').length - b.mountPath.split('/').length);
  for (const mount of mounts) {
    checkMountPath(mount.mountPath);
    lines.push(`mkdir -p ${shellQuote(mount.mountPath)}`, `mount --bind ${shellQuote(mount.hostDir)} ${shellQuote(mount.mountPath)}`);
    if (mount.readOnly) lines.push(`mount -o remount,bind,ro ${shellQuote(mount.mountPath)}`);
  }
  return lines.join('\n');
}

function userPrefix(spec: ContainerSpec): string[] {
  return ['setpriv', `--reuid=${spec.uid}`, `--regid=${spec.gid}`, '--clear-groups', 'env', '-i', ...Object.entries(spec.env).map(([k, v]) => `${k}=${v}`)];
}

/** The host side of the tmpfs roots (only /vault may be missing; created once, empty). */
function ensureHostRoots(): void {
  mkdirSync('/vault', { recursive: true });
}

/** Host PID of the container's PID 1: the child `unshare -f` forked (undefined once gone). */
function initPid(unsharePid: number): number | undefined {
  try {
    const children = readFileSync(`/proc/${unsharePid}/task/${unsharePid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    return children.length === 0 ? undefined : Number(children[0]);
  } catch {
    return undefined;
  }
}

export function startContainer(spec: ContainerSpec): ContainerProcess {
  ensureHostRoots();
  const script = `${setupScript(spec)}\ncd /\nexec ${[...userPrefix(spec), ...spec.argv].map(shellQuote).join(' ')}`;
  const child: ChildProcess = spawn('unshare', ['-m', '-p', '-f', '--kill-child', '--mount-proc', 'sh', '-c', script], {
    env: { PATH: '/usr/bin:/bin' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let done = false;
  let sentKill = false;
  const exited = new Promise<number>((resolve) => {
    child.once('exit', (code, signal) => {
      done = true;
      // PID 1 can only die of a signal by our SIGKILL; unshare cannot re-raise it and exits 1 saying so.
      const marker = 'unshare: sigprocmask unblock failed: Invalid argument\n';
      if (sentKill && code === 1 && output.includes(marker)) {
        output = output.replace(marker, '');
        resolve(137);
        return;
      }
      resolve(code ?? 128 + (signal === 'SIGKILL' ? 9 : signal === 'SIGTERM' ? 15 : 1));
    });
  });
  return {
    name: spec.name,
    pid: child.pid ?? -1,
    output: () => output,
    exited,
    running: () => !done,
    signal: (name) => {
      if (done) return;
      if (name === 'SIGKILL') sentKill = true;
      // The runtime signals the container's PID 1 (unshare's forked child), never unshare itself.
      const init = initPid(child.pid ?? -1);
      if (init !== undefined) process.kill(init, name);
      else if (name === 'SIGKILL') child.kill(name);
    },
    exec: (argv, timeoutMs) =>
      new Promise((resolve) => {
        const init = initPid(child.pid ?? -1);
        if (init === undefined) {
          resolve({ code: 126, output: 'container is not running' });
          return;
        }
        const probe = spawn('nsenter', ['-t', String(init), '-m', '-p', '--', ...userPrefix(spec), ...argv], { env: { PATH: '/usr/bin:/bin' }, stdio: ['ignore', 'pipe', 'pipe'] });
        let text = '';
        probe.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
        probe.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
        const timer = setTimeout(() => probe.kill('SIGKILL'), timeoutMs);
        probe.once('exit', (code) => {
          clearTimeout(timer);
          resolve({ code: code ?? 1, output: text });
        });
      }),
  };
}
