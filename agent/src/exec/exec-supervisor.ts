// Process-supervisor mode (Vault Agent's `exec` + `env_template`,
// https://developer.hashicorp.com/vault/docs/agent-and-proxy/agent/process-supervisor): the child
// starts once every env_template has rendered, with the agent's environment plus the rendered
// variables; with restart_on_secret_changes = "always" a changed value restarts it (stop signal,
// up to 30 s grace, SIGKILL, start); SIGTERM/SIGINT are forwarded and the agent waits for the
// child; SIGHUP/SIGUSR1/SIGUSR2 are forwarded; when the child ends, its exit code becomes the
// agent's. Values live in memory only: never logged, never written (only the count is logged).
import { spawn } from 'node:child_process';
import type { ChildProcess, StdioOptions } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { constants } from 'node:os';
import type { ExecConfig } from '../config/agent-config.js';
import type { AgentLogger } from '../log.js';

export interface ExecSupervisorOptions {
  readonly config: ExecConfig;
  readonly log: AgentLogger;
  /** The agent's own environment, which the child inherits under the rendered variables. */
  readonly baseEnvironment: Readonly<Record<string, string | undefined>>;
  /** Grace between the stop signal and SIGKILL (Vault Agent: 30 s). */
  readonly stopGraceMs: number;
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<boolean>;
  /** The child ended with `code` (128 + signal number when a signal ended it). */
  readonly onExit: (code: number) => void;
}

const FORWARDED_SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGUSR1', 'SIGUSR2'];
const STOPPING_SIGNALS = new Set<NodeJS.Signals>(['SIGTERM', 'SIGINT']);

interface Running {
  readonly child: ChildProcess;
  readonly exited: Promise<number>;
}

export class ExecSupervisor {
  readonly #options: ExecSupervisorOptions;
  #environment: ReadonlyMap<string, string> = new Map();
  #running: Running | undefined;
  #started = false;
  /** Set once the agent is stopping: no more starts or restarts. */
  #stopping = false;
  #restart: Promise<void> | undefined;
  #restartAgain = false;
  readonly #forward = new Map<NodeJS.Signals, () => void>();

  constructor(options: ExecSupervisorOptions) {
    this.#options = options;
    for (const signal of FORWARDED_SIGNALS) {
      const listener = (): void => { this.#onSignal(signal); };
      this.#forward.set(signal, listener);
      process.on(signal, listener);
    }
  }

  /** The rendered env_template values (all of them) after a change. */
  environment(values: ReadonlyMap<string, string>): void {
    this.#environment = values;
    if (this.#running === undefined || this.#stopping) return;
    if (this.#options.config.restartOnSecretChanges === 'never') {
      this.#options.log.info('a secret changed; restart_on_secret_changes is "never": the child keeps running');
      return;
    }
    this.#requestRestart();
  }

  /** Every env_template has rendered and the token is written: start the child (once). */
  start(): void {
    if (this.#started || this.#stopping) return;
    this.#started = true;
    this.#spawn();
  }

  /**
   * Agent shutdown: forward `signal` (unless a received signal was already forwarded), wait for the
   * child up to the grace period, then SIGKILL. Resolves once the child is gone.
   */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const alreadyStopping = this.#stopping;
    this.#stopping = true;
    await this.#restart;
    const running = this.#running;
    if (running !== undefined) await this.#terminate(running, alreadyStopping ? undefined : signal);
    this.uninstall();
  }

  uninstall(): void {
    for (const [signal, listener] of this.#forward) process.off(signal, listener);
    this.#forward.clear();
  }

  #onSignal(signal: NodeJS.Signals): void {
    if (STOPPING_SIGNALS.has(signal)) this.#stopping = true;
    const child = this.#running?.child;
    if (child === undefined) return;
    this.#options.log.info({ signal, pid: child.pid }, 'forwarding signal to the child process');
    child.kill(signal);
  }

  #spawn(): void {
    const { config, log } = this.#options;
    // fromEntries defines keys (the later one wins), so an env_template named "__proto__" stays a variable.
    const env: Record<string, string> = Object.fromEntries([
      ...Object.entries(this.#options.baseEnvironment).filter((entry): entry is [string, string] => entry[1] !== undefined),
      ...this.#environment,
    ]);
    const [program = '', ...args] = config.command;
    const stdio = this.#stdio();
    let child: ChildProcess;
    try {
      child = spawn(program, args, { env, stdio });
    } finally {
      for (const fd of stdio.slice(1)) if (typeof fd === 'number') closeSync(fd);
    }
    const exited = new Promise<number>((resolve) => {
      child.once('error', (error) => {
        log.error({ err: error, command: program }, 'could not start the child process');
        resolve(127);
      });
      child.once('exit', (code, signal) => { resolve(code ?? 128 + (signal === null ? 0 : constants.signals[signal])); });
    });
    const running: Running = { child, exited };
    this.#running = running;
    log.info({ command: program, pid: child.pid, variables: this.#environment.size }, 'child process started');
    void exited.then((code) => {
      if (this.#running !== running) return; // replaced by a restart
      this.#running = undefined;
      log.info({ exit_code: code }, 'child process exited');
      this.#options.onExit(code);
    });
  }

  #stdio(): StdioOptions {
    const open = (file: string | undefined): number | 'inherit' => (file === undefined ? 'inherit' : openSync(file, 'a', 0o640));
    return ['inherit', open(this.#options.config.childProcessStdout), open(this.#options.config.childProcessStderr)];
  }

  #requestRestart(): void {
    if (this.#restart !== undefined) {
      this.#restartAgain = true;
      return;
    }
    this.#restart = (async () => {
      do {
        this.#restartAgain = false;
        const running = this.#running;
        if (running === undefined || this.#stopping) return;
        this.#options.log.info({ signal: this.#options.config.restartStopSignal, pid: running.child.pid }, 'a secret changed; restarting the child process');
        this.#running = undefined;
        await this.#terminate(running, this.#options.config.restartStopSignal);
        if (this.#isStopping()) return;
        this.#spawn();
      } while (this.#againRequested());
    })().finally(() => { this.#restart = undefined; });
  }

  // Read through calls: both may change while a restart awaits.
  #isStopping(): boolean {
    return this.#stopping;
  }

  #againRequested(): boolean {
    return this.#restartAgain;
  }

  /** Sends `signal` (if given), waits up to the grace period, then SIGKILL; the exit code. */
  async #terminate(running: Running, signal: NodeJS.Signals | undefined): Promise<number> {
    const { child, exited } = running;
    if (signal !== undefined && child.exitCode === null && child.signalCode === null) child.kill(signal);
    const grace = new AbortController();
    const timedOut = this.#options.sleep(this.#options.stopGraceMs, grace.signal);
    const first = await Promise.race([exited.then(() => 'exited' as const), timedOut.then((slept) => (slept ? 'timeout' as const : 'exited' as const))]);
    grace.abort();
    if (first === 'timeout') {
      this.#options.log.warn({ pid: child.pid, grace_ms: this.#options.stopGraceMs }, 'the child process did not stop in time; sending SIGKILL');
      child.kill('SIGKILL');
    }
    return exited;
  }
}
