// Restart requests for env-var directories (vault-injector extension, docs/env-vars.md). A process
// cannot see a new environment, so when the value files of a container are replaced, the sidecar
// writes a new token to DIR/.generation and the container's liveness probe (the launcher's
// --probe) fails until the kubelet restarted it. Changes are debounced (several variables rotating
// together are one restart) and rate-limited (at most one token per min interval per directory).
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import type { EnvRestartConfig } from '../config/agent-config.js';
import type { AgentLogger } from '../log.js';
import { writeFileAtomic } from '../sink/atomic-file.js';
import { coerceError } from '../vault/vault-error.js';

export const GENERATION_FILE = '.generation';
/** Same rule as the values: the launcher refuses group-writable files and any access by others. */
const GENERATION_MODE = 0o440;

export interface EnvRestartOptions {
  readonly configs: readonly EnvRestartConfig[];
  readonly log: AgentLogger;
  readonly now: () => number;
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<boolean>;
  /** Writes the token; replaceable in tests. */
  readonly writeGeneration?: (file: string, token: string) => Promise<void>;
}

interface DirectoryState {
  readonly config: EnvRestartConfig;
  /** Time of the latest change not yet answered by a token. */
  pendingSinceMs: number | undefined;
  lastChangeMs: number;
  lastTokenMs: number | undefined;
  waiting: boolean;
}

export class EnvRestartScheduler {
  readonly #options: EnvRestartOptions;
  readonly #states = new Map<string, DirectoryState>();
  readonly #abort = new AbortController();

  constructor(options: EnvRestartOptions) {
    this.#options = options;
    for (const config of options.configs) {
      this.#states.set(config.directory, { config, pendingSinceMs: undefined, lastChangeMs: 0, lastTokenMs: undefined, waiting: false });
    }
  }

  /** A rendered file was replaced; files outside every configured directory are ignored. */
  noteReplaced(destination: string): void {
    const state = this.#states.get(dirname(destination));
    if (state === undefined || this.#abort.signal.aborted) return;
    const now = this.#options.now();
    state.lastChangeMs = now;
    state.pendingSinceMs ??= now;
    if (!state.waiting) void this.#wait(state);
  }

  stop(): void {
    this.#abort.abort();
  }

  /** Sleeps until quiet for `debounce` and past `min_interval`, re-checking after every sleep. */
  async #wait(state: DirectoryState): Promise<void> {
    state.waiting = true;
    try {
      for (;;) {
        const { debounceMs, minIntervalMs } = state.config;
        const now = this.#options.now();
        const quietAt = state.lastChangeMs + debounceMs;
        const allowedAt = state.lastTokenMs === undefined ? 0 : state.lastTokenMs + minIntervalMs;
        const dueAt = Math.max(quietAt, allowedAt);
        if (now >= dueAt) break;
        if (!(await this.#options.sleep(dueAt - now, this.#abort.signal))) return;
      }
      state.pendingSinceMs = undefined;
      state.lastTokenMs = this.#options.now();
      const file = join(state.config.directory, GENERATION_FILE);
      const token = `${state.lastTokenMs.toString(36)}-${randomBytes(6).toString('hex')}`;
      try {
        await (this.#options.writeGeneration ?? defaultWrite)(file, token);
        this.#options.log.info({ directory: state.config.directory, generation: token }, 'environment values changed; container restart requested');
      } catch (error) {
        this.#options.log.error({ err: coerceError(error), file }, 'could not write the env generation file; the container keeps its old values');
      }
    } finally {
      state.waiting = false;
    }
    // A change that arrived while the token was being written gets its own round.
    if (changedWhileWriting(state) && !this.#abort.signal.aborted) void this.#wait(state);
  }
}

/** Read through a function: noteReplaced may have set it while #wait was suspended. */
function changedWhileWriting(state: DirectoryState): boolean {
  return state.pendingSinceMs !== undefined;
}

async function defaultWrite(file: string, token: string): Promise<void> {
  await writeFileAtomic(file, token, { mode: GENERATION_MODE });
}
