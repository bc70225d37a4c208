// Runs the real agent process (`node dist/cli/main.js agent -config=…`) as it runs in an injected
// pod: inside its own mount namespace (`unshare -m`) with host temp directories bind-mounted at the
// real paths (/vault/secrets, /home/vault, /var/run/secrets/kubernetes.io/serviceaccount, read-only,
// and /vault/agent-cache, a directory on the /dev/shm tmpfs like the injector's Memory emptyDir),
// as uid 100 / gid 1000 like the injector's security context. The host directories stay readable
// from the test after the agent exits. Needs root; creates the empty mount points under /vault
// on the host once (everything else is mounted over tmpfs inside the namespace).
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exitWithOutput } from '../../helpers/child-exit.js';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const CLI = join(REPO_ROOT, 'dist/cli/main.js');
export const POD_UID = 100;
export const POD_GID = 1000;

export const POD_PATHS = {
  secrets: '/vault/secrets',
  home: '/home/vault',
  serviceAccount: '/var/run/secrets/kubernetes.io/serviceaccount',
  agentCache: '/vault/agent-cache',
} as const;

/** tmpfs, as the injector's `vault-agent-cache` emptyDir (medium Memory). */
const SHARED_MEMORY = '/dev/shm';

export interface PodSandbox {
  /** Host directories behind the pod paths. */
  readonly secretsDir: string;
  readonly homeDir: string;
  readonly serviceAccountDir: string;
  /** Extra host directory mounted at /vault/custom (agent-extra-secret). */
  readonly customDir: string;
  /** Host directory (on tmpfs) mounted at /vault/agent-cache in every container of the pod. */
  readonly agentCacheDir: string;
  /** Host directories behind /vault/env and /vault/env-state (agent-env-*, docs/env-vars.md). */
  readonly envDir: string;
  readonly envStateDir: string;
  writeServiceAccountToken(jwt: string): void;
  /**
   * Another container of the same pod: the same shared volumes, its own /home/vault (the injector
   * gives init and sidecar separate home volumes).
   */
  container(name: string): PodSandbox;
  remove(): void;
}

export function createPodSandbox(): PodSandbox {
  const root = mkdtempSync(join(tmpdir(), 'agent-pod-'));
  chmodSync(root, 0o755);
  const make = (name: string, mode: number): string => {
    const dir = join(root, name);
    mkdirSync(dir);
    chownSync(dir, POD_UID, POD_GID);
    chmodSync(dir, mode);
    return dir;
  };
  const cacheRoot = existsSync(SHARED_MEMORY) ? mkdtempSync(join(SHARED_MEMORY, 'agent-cache-')) : make('agent-cache', 0o777);
  // An emptyDir is world-writable.
  chmodSync(cacheRoot, 0o777);
  const withHome = (homeDir: string): PodSandbox => {
    const sandbox: PodSandbox = {
      secretsDir: join(root, 'secrets'),
      homeDir,
      serviceAccountDir: join(root, 'serviceaccount'),
      customDir: join(root, 'custom'),
      agentCacheDir: cacheRoot,
      envDir: join(root, 'env'),
      envStateDir: join(root, 'env-state'),
      writeServiceAccountToken(jwt: string) {
        const file = join(sandbox.serviceAccountDir, 'token');
        writeFileSync(file, jwt, { mode: 0o644 });
      },
      container(name: string) {
        return withHome(make(`home-${name}`, 0o700));
      },
      remove() {
        rmSync(root, { recursive: true, force: true });
        rmSync(cacheRoot, { recursive: true, force: true });
      },
    };
    return sandbox;
  };
  make('secrets', 0o1777);
  make('serviceaccount', 0o755);
  make('custom', 0o755);
  // emptyDir volumes are world-writable.
  make('env', 0o777);
  make('env-state', 0o777);
  return withHome(make('home', 0o700));
}

export interface AgentProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Everything the agent wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code (or 128+signal). */
  readonly exited: Promise<number>;
  signal(name: NodeJS.Signals): void;
}

export interface StartAgentOptions {
  readonly sandbox: PodSandbox;
  /** Written to /home/vault/config.json (object → JSON) unless `configFile` names another file. */
  readonly config: Record<string, unknown> | string;
  readonly configFileName?: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly extraArgs?: readonly string[];
  /** Command after `node CLI` (default: agent -config=/home/vault/<configFileName>). */
  readonly command?: readonly string[];
}

export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export function namespaceScript(sandbox: PodSandbox, command: readonly string[]): string {
  return [
    'set -e',
    'mount --make-rprivate /',
    // Fresh tmpfs over /run and /home inside the namespace only: the pod paths below them need no host changes.
    'mount -t tmpfs -o mode=755 tmpfs /run',
    'mount -t tmpfs -o mode=755 tmpfs /home',
    `mkdir -p ${POD_PATHS.serviceAccount} ${POD_PATHS.home}`,
    `mount --bind ${shellQuote(sandbox.serviceAccountDir)} ${POD_PATHS.serviceAccount}`,
    `mount -o remount,bind,ro ${POD_PATHS.serviceAccount}`,
    `mount --bind ${shellQuote(sandbox.homeDir)} ${POD_PATHS.home}`,
    `mount --bind ${shellQuote(sandbox.secretsDir)} ${POD_PATHS.secrets}`,
    'mkdir -p /vault/custom 2>/dev/null || true',
    `mount --bind ${shellQuote(sandbox.customDir)} /vault/custom 2>/dev/null || true`,
    `mount --bind ${shellQuote(sandbox.agentCacheDir)} ${POD_PATHS.agentCache}`,
    `mount --bind ${shellQuote(sandbox.envDir)} /vault/env`,
    `cd ${POD_PATHS.home}`,
    `exec setpriv --reuid=${POD_UID} --regid=${POD_GID} --clear-groups ${command.map(shellQuote).join(' ')}`,
  ].join('\n');
}

/** The host side of the mount points the namespace needs (created once, empty). */
export function ensureHostMountPoints(): void {
  mkdirSync('/vault/secrets', { recursive: true });
  mkdirSync('/vault/custom', { recursive: true });
  mkdirSync(POD_PATHS.agentCache, { recursive: true });
  mkdirSync('/vault/env', { recursive: true });
  mkdirSync('/vault/env-state', { recursive: true });
}

export function startAgentInPod(options: StartAgentOptions): AgentProcess {
  ensureHostMountPoints();
  const { sandbox } = options;
  const configFileName = options.configFileName ?? 'config.json';
  const configText = typeof options.config === 'string' ? options.config : JSON.stringify(options.config);
  const configPath = join(sandbox.homeDir, configFileName);
  writeFileSync(configPath, configText, { mode: 0o644 });
  chownSync(configPath, POD_UID, POD_GID);
  const command = [
    process.execPath,
    CLI,
    ...(options.command ?? ['agent', `-config=${POD_PATHS.home}/${configFileName}`, ...(options.extraArgs ?? [])]),
  ];
  const child = spawn('unshare', ['-m', 'sh', '-c', namespaceScript(sandbox, command)], {
    // trace: the log scans in the scenarios then cover every level.
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: POD_PATHS.home, NAMESPACE: 'default', POD_IP: '10.0.0.7', HOST_IP: '10.0.0.1', VAULT_LOG_LEVEL: 'trace', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = exitWithOutput(child).then(({ code, signal }) => code ?? 128 + (signal === null ? 0 : signalNumber(signal)));
  return {
    child,
    pid: child.pid ?? -1,
    output: () => output,
    exited,
    signal: (name) => {
      child.kill(name);
    },
  };
}

function signalNumber(signal: NodeJS.Signals): number {
  return { SIGTERM: 15, SIGKILL: 9, SIGINT: 2 }[signal as string] ?? 1;
}

/** Runs a one-shot command in a pod sandbox (e.g. `token revoke -self`) and collects its output. */
export async function runInPod(sandbox: PodSandbox, args: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<{ code: number; output: string }> {
  ensureHostMountPoints();
  const child = spawn('unshare', ['-m', 'sh', '-c', namespaceScript(sandbox, [process.execPath, CLI, ...args])], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: POD_PATHS.home, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number>((resolve) => child.once('exit', (exitCode) => { resolve(exitCode ?? 1); }));
  return { code, output };
}
