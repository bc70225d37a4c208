// Runs a real-world Vault Agent config (test/fixtures/agent-configs/) the way users run it:
// `node dist/agent-bundle/main.cjs agent -config=FILE`, as root, with only the environment-specific
// values of the fixture's text rewritten (rewriteFixtureText). The agent runs in its own mount and
// PID namespaces (`unshare -m -p -f`): /run is a fresh tmpfs whose
// /run/secrets/kubernetes.io/serviceaccount is the run's directory (the path Kubernetes methods
// read when a config names no token_path), /etc/passwd and /etc/group are the host's plus the
// users a fixture's image would have (nginx), and PID 1 is a small shell that records the signals a
// fixture's command sends it (`kill -HUP 1`), forwards SIGTERM to the agent, and takes every process
// of the run with it when it is killed — nothing outlives a run.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, shellQuote } from './pod-sandbox.js';

export const BUNDLE_MAIN = join(REPO_ROOT, 'dist/agent-bundle/main.cjs');
/** Where the run's service-account directory is mounted inside the namespace. */
export const DEFAULT_SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export interface RewriteTargets {
  /** The root every absolute path of the fixture is moved under. */
  readonly root: string;
  /** The fixture's vault.address (exact literal) and the double's address that replaces it. */
  readonly vaultAddress?: { readonly from: string; readonly to: string };
  /** Listener addresses (exact literals, tcp) → a loopback address with a free port. */
  readonly listeners: ReadonlyMap<string, string>;
}

export interface RewrittenFixture {
  readonly text: string;
  /** Every literal replaced, in order: what a reader checks to see nothing else moved. */
  readonly replaced: ReadonlyArray<readonly [string, string]>;
}

/** A double-quoted HCL or JSON string literal (escapes kept as written). */
const STRING_LITERAL = /"((?:[^"\\\n]|\\.)*)"/g;
const ABSOLUTE_PATH = /^\/[^\s"\\]*$/;

/**
 * Rewrites only what differs between the fixture's environment and this machine, on the text
 * itself so the agent parses the fixture as written: the Vault address, tcp listener addresses,
 * and absolute file paths (moved under `root`). Every other byte is kept.
 */
export function rewriteFixtureText(text: string, targets: RewriteTargets): RewrittenFixture {
  const replaced: Array<readonly [string, string]> = [];
  const rewritten = text.replace(STRING_LITERAL, (literal, value: string) => {
    let next: string | undefined;
    if (targets.vaultAddress !== undefined && value === targets.vaultAddress.from) next = targets.vaultAddress.to;
    else if (targets.listeners.has(value)) next = targets.listeners.get(value);
    else if (ABSOLUTE_PATH.test(value)) next = `${targets.root}${value}`;
    if (next === undefined) return literal;
    replaced.push([value, next]);
    return JSON.stringify(next);
  });
  return { text: rewritten, replaced };
}

export interface FixtureAgent {
  readonly child: ChildProcess;
  /** Everything the agent (and the namespace's shell) wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves with the agent's exit code (128+n when a signal ended it). */
  readonly exited: Promise<number>;
  /** SIGTERM to the agent, as a container runtime stops it. */
  terminate(): void;
  /** SIGKILL to the namespace's init: every process of the run dies. */
  kill(): void;
  /** Signals PID 1 of the namespace received (the pod's init, as the fixture's commands see it). */
  pid1Signals(): string[];
}

export interface StartFixtureAgentOptions {
  readonly root: string;
  readonly configPath: string;
  /** Host directory mounted at DEFAULT_SERVICE_ACCOUNT_DIR. */
  readonly serviceAccountDir: string;
  /** Host files mounted over /etc/passwd and /etc/group. */
  readonly passwdFile: string;
  readonly groupFile: string;
  readonly env: Readonly<Record<string, string>>;
}

export function startFixtureAgent(options: StartFixtureAgentOptions): FixtureAgent {
  const signalsFile = join(options.root, 'pid1-signals');
  const script = [
    'set -e',
    'mount --make-rprivate /',
    'mount -t tmpfs -o mode=755 tmpfs /run',
    `mkdir -p ${DEFAULT_SERVICE_ACCOUNT_DIR}`,
    `mount --bind ${shellQuote(options.serviceAccountDir)} ${DEFAULT_SERVICE_ACCOUNT_DIR}`,
    `mount --bind ${shellQuote(options.passwdFile)} /etc/passwd`,
    `mount --bind ${shellQuote(options.groupFile)} /etc/group`,
    `cd ${shellQuote(options.root)}`,
    `trap 'echo HUP >> ${shellQuote(signalsFile)}' HUP`,
    `${shellQuote(process.execPath)} ${shellQuote(BUNDLE_MAIN)} agent ${shellQuote(`-config=${options.configPath}`)} &`,
    'child=$!',
    "trap 'kill -TERM $child 2>/dev/null' TERM",
    'set +e',
    // `wait` returns early when a trap runs; wait again until the agent itself has exited.
    'while :; do wait $child; code=$?; kill -0 $child 2>/dev/null || break; done',
    'exit $code',
  ].join('\n');
  const child = spawn('unshare', ['-m', '-p', '-f', '--mount-proc', 'sh', '-c', script], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number>((resolve) => {
    child.once('exit', (code, signal) => { resolve(code ?? 128 + (signal === 'SIGKILL' ? 9 : 15)); });
  });
  /** unshare -f forks the namespace's init; its host pid is unshare's only child. */
  const initPid = (): number | undefined => {
    try {
      const pid = child.pid ?? 0;
      const first = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/)[0];
      return first === undefined || first === '' ? undefined : Number(first);
    } catch {
      return undefined;
    }
  };
  const signalInit = (signal: NodeJS.Signals): void => {
    const pid = initPid();
    if (pid === undefined) return;
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  };
  return {
    child,
    output: () => output,
    exited,
    terminate: () => { signalInit('SIGTERM'); },
    kill: () => {
      signalInit('SIGKILL');
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
    pid1Signals: () => {
      try {
        return readFileSync(signalsFile, 'utf8').split('\n').filter((line) => line !== '');
      } catch {
        return [];
      }
    },
  };
}

/** Polls `probe` every 50 ms until it returns a value other than undefined/false; throws after `timeoutMs`. */
export async function eventually<T>(probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs: number, description: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
