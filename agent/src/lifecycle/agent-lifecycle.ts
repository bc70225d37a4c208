// Carries out the lifecycle state machine's effects (lifecycle-state.ts): starts and restarts the
// template runner, writes the persistent cache for the sidecar, fires the ready hook, shuts the
// agent down. The composition root (run-agent.ts) feeds it the runner's and the authenticator's
// events and reads the exit code from it once the agent has stopped.
import type { AgentToken } from '../auth/authenticator.js';
import type { AgentLogger } from '../log.js';
import type { PersistedCache } from '../persist/cache-contents.js';
import type { HandoffContext } from '../persist/handoff.js';
import type { SecretRecord } from '../render/dependency-tracker.js';
import type { ShutdownHandle } from '../supervisor/shutdown.js';
import type { LifecycleEffect, LifecycleEvent, LifecycleSettings, LifecycleState } from './lifecycle-state.js';
import { exitCodeOf, initialLifecycleState, transition } from './lifecycle-state.js';

/** What the lifecycle needs of the template runner (TemplateRunner has it). */
export interface RunnerControl {
  start(token: string, seeds?: readonly SecretRecord[]): void;
  /** The token the runner fetches with now (undefined when stopped). */
  readonly token: string | undefined;
  secretRecords(): readonly SecretRecord[];
}

/** What the lifecycle needs of auto-auth (Authenticator has it). */
export interface TokenSource {
  readonly current: AgentToken | undefined;
  /** Someone saw `token` rejected as invalid: log in again now. */
  requestReauth(token: string): void;
}

export interface LifecycleHooks {
  /**
   * Called once, when every token sink and every template has been written for the first time
   * (before init mode's hand-off and exit). Not called if the agent fails or stops before that.
   * Must not throw; anything asynchronous it starts is its own to await and report.
   */
  readonly onReady?: () => void;
}

export interface AgentLifecycleOptions {
  readonly exitAfterAuth: boolean;
  readonly exitOnRetryFailure: boolean;
  readonly hasTemplates: boolean;
  /** cache.persist: the init agent writes it before exiting. */
  readonly handoff: HandoffContext | undefined;
  /** What the sidecar restored from the persistent cache. */
  readonly restored: PersistedCache | undefined;
  readonly log: AgentLogger;
  readonly shutdown: ShutdownHandle;
  readonly now: () => number;
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<boolean>;
  readonly random: () => number;
  readonly hooks?: LifecycleHooks;
}

export interface LifecyclePorts {
  /** Undefined when the agent has no templates. */
  readonly runner: RunnerControl | undefined;
  readonly tokens: TokenSource;
}

export class AgentLifecycle {
  readonly #options: AgentLifecycleOptions;
  readonly #settings: LifecycleSettings;
  #state: LifecycleState<SecretRecord>;
  #ports: LifecyclePorts | undefined;
  #tokenObtainedAtMs = 0;

  constructor(options: AgentLifecycleOptions) {
    this.#options = options;
    this.#settings = {
      exitAfterAuth: options.exitAfterAuth,
      hasTemplates: options.hasTemplates,
      handoff: options.handoff !== undefined,
      handoffExitOnError: options.handoff?.persist.exitOnError ?? false,
      exitOnRetryFailure: options.exitOnRetryFailure,
    };
    const restored = options.restored;
    this.#state = initialLifecycleState(this.#settings, restored === undefined ? undefined : { token: restored.token.token, secrets: restored.secrets });
  }

  /**
   * The runner and auto-auth are built with callbacks into this object, so they are connected
   * after it; no event arrives before auto-auth runs.
   */
  connect(ports: LifecyclePorts): void {
    this.#ports = ports;
  }

  get state(): LifecycleState<SecretRecord> {
    return this.#state;
  }

  /** 0, 1 once a failure ended the agent, or the exec child's exit code. */
  get exitCode(): number {
    return exitCodeOf(this.#state, this.#settings);
  }

  /** Auto-auth: every sink holds a new token. */
  tokenWritten(token: AgentToken): void {
    this.#tokenObtainedAtMs = this.#options.now();
    this.#dispatch({ kind: 'token-written', token });
  }

  /** The runner has rendered every template once. */
  allRendered(): void {
    this.#options.log.info('all templates rendered');
    this.#dispatch({ kind: 'all-rendered' });
  }

  /** The runner stopped itself on a failure. */
  runnerFailed(error: Error): void {
    this.#dispatch({ kind: 'runner-failed', error });
  }

  /** A Vault request (runner, API proxy) was refused with 403 "invalid token" for `token`. */
  tokenRejected(token: string): void {
    this.#ports?.tokens.requestReauth(token);
  }

  /** Process-supervisor mode: the child ended with `code`; the agent stops with it. */
  childExited(code: number): void {
    this.#dispatch({ kind: 'child-exited', code });
  }

  /** Auto-auth gave up (exit_on_err). */
  authFailed(error: Error): void {
    this.#dispatch({ kind: 'auth-failed', error });
  }

  #dispatch(event: LifecycleEvent): void {
    const step = transition(this.#settings, this.#state, event, this.#options.random);
    this.#state = step.state;
    for (const effect of step.effects) this.#perform(effect);
  }

  #perform(effect: LifecycleEffect<SecretRecord>): void {
    const { log, shutdown } = this.#options;
    switch (effect.kind) {
      case 'start-runner':
        this.#ports?.runner?.start(effect.token, effect.seeds);
        return;
      case 'ready':
        this.#options.hooks?.onReady?.();
        return;
      case 'write-handoff':
        void this.#writeHandoff().then((failure) => { this.#dispatch({ kind: 'handoff-written', failure }); });
        return;
      case 'restart-runner-later':
        log.error({ err: effect.error, restart_in_ms: Math.round(effect.delayMs) }, 'template rendering failed; restarting the template runner');
        void this.#options.sleep(effect.delayMs, shutdown.signal).then((slept) => {
          if (slept) this.#dispatch({ kind: 'runner-restart-due', token: this.#ports?.tokens.current });
        });
        return;
      case 'warn':
        log.warn({ err: effect.error }, effect.message);
        return;
      case 'exit':
        shutdown.shutdown(effect.reason);
        return;
      case 'fail':
        log.error({ err: effect.error }, effect.reason);
        shutdown.shutdown(effect.reason);
        return;
    }
  }

  /** Init: the sidecar gets the token and the secrets the templates were rendered from (fetched with that token). */
  async #writeHandoff(): Promise<Error | undefined> {
    const context = this.#options.handoff;
    const token = this.#ports?.tokens.current;
    if (context === undefined || token === undefined || token.wrapped) return undefined;
    const runner = this.#ports?.runner;
    const { writeHandoff } = await import('../persist/handoff.js');
    return writeHandoff(context, {
      token: { token: token.token, leaseSeconds: token.leaseSeconds, renewable: token.renewable, obtainedAtMs: this.#tokenObtainedAtMs },
      secrets: runner !== undefined && runner.token === token.token ? runner.secretRecords() : [],
      nowMs: this.#options.now(),
    });
  }
}
