// The agent's init/sidecar lifecycle as a pure state machine: events in (a token reached the
// sinks, every template rendered, the runner or auth failed, the persistent cache was written),
// the next state and the effects to carry out come back. No I/O here, so every path is a unit test.
//
// Phases:   starting ──(token written ∧ all rendered)──▶ ready (sidecar stays here)
//                                                   └──▶ handing-off (init, cache.persist) ──▶ exiting
//                                                   └──▶ exiting (init)
//           any phase ──(failure that ends the agent)──▶ exiting, failed
//           any phase ──(exec's child exited)──▶ exiting, with the child's exit code
//             (process-supervisor mode: https://developer.hashicorp.com/vault/docs/agent-and-proxy/agent/process-supervisor)
// Vault Agent's exit_after_auth: exit once the token is written and the templates rendered
// (https://developer.hashicorp.com/vault/docs/agent-and-proxy/agent#exit_after_auth).
import type { AgentToken } from '../auth/authenticator.js';
import type { JitteredBackoff } from '../supervisor/backoff.js';
import { nextBackoff, startBackoff } from '../supervisor/backoff.js';

export interface LifecycleSettings {
  /** Init mode: exit once the token is written and every template rendered. */
  readonly exitAfterAuth: boolean;
  /** False when the agent has no templates (then "all rendered" holds from the start). */
  readonly hasTemplates: boolean;
  /** Init mode with cache.persist: hand the token and secrets to the sidecar before exiting. */
  readonly handoff: boolean;
  /** cache.persist exit_on_err: a failed hand-off ends the init agent with exit 1. */
  readonly handoffExitOnError: boolean;
  /** template_config exit_on_retry_failure: a failed render ends the agent instead of a restart. */
  readonly exitOnRetryFailure: boolean;
}

/** Secrets restored from the persistent cache, usable only with the token they were fetched with. */
export interface RestoredSeeds<Seed> {
  readonly token: string;
  readonly secrets: readonly Seed[];
}

export type LifecyclePhase = 'starting' | 'ready' | 'handing-off' | 'exiting';

export interface LifecycleState<Seed> {
  readonly phase: LifecyclePhase;
  /** The sinks have held a token at least once. */
  readonly tokenWritten: boolean;
  /** Every template has been written (or found identical) at least once. */
  readonly allRendered: boolean;
  readonly runnerStarted: boolean;
  /** A failure ended the agent: the exit code is 1. */
  readonly failed: boolean;
  /** Process-supervisor mode: the child's exit code, which becomes the agent's. */
  readonly childExitCode?: number | undefined;
  /** Restart delays of the template runner after a failure (never reset, as before). */
  readonly runnerBackoff: JitteredBackoff;
  /** Consumed by the first token, whichever it is. */
  readonly restored: RestoredSeeds<Seed> | undefined;
}

export type LifecycleEvent =
  | { readonly kind: 'token-written'; readonly token: AgentToken }
  | { readonly kind: 'all-rendered' }
  | { readonly kind: 'runner-failed'; readonly error: Error }
  /** The restart delay has passed (not cut short by shutdown); `token` is the current one. */
  | { readonly kind: 'runner-restart-due'; readonly token: AgentToken | undefined }
  /** The init agent's hand-off finished; `failure` when the cache could not be written. */
  | { readonly kind: 'handoff-written'; readonly failure: Error | undefined }
  | { readonly kind: 'auth-failed'; readonly error: Error }
  /** exec's child process ended (on its own or after a forwarded signal) with `code`. */
  | { readonly kind: 'child-exited'; readonly code: number };

export type LifecycleEffect<Seed> =
  | { readonly kind: 'start-runner'; readonly token: string; readonly seeds: readonly Seed[] | undefined }
  /** Fired once: every token sink and every template has been written for the first time. */
  | { readonly kind: 'ready' }
  | { readonly kind: 'write-handoff' }
  | { readonly kind: 'restart-runner-later'; readonly delayMs: number; readonly error: Error }
  | { readonly kind: 'warn'; readonly message: string; readonly error: Error }
  /** Orderly shutdown; the exit code follows from the state (see exitCodeOf). */
  | { readonly kind: 'exit'; readonly reason: string }
  /** Log the error, then shut down with exit code 1. */
  | { readonly kind: 'fail'; readonly reason: string; readonly error: Error };

export interface Transition<Seed> {
  readonly state: LifecycleState<Seed>;
  readonly effects: readonly LifecycleEffect<Seed>[];
}

const RUNNER_RESTART_MIN_MS = 1000;
const RUNNER_RESTART_MAX_MS = 300_000;
export const INIT_DONE_REASON = 'exit_after_auth: token written and templates rendered';

export function initialLifecycleState<Seed>(settings: LifecycleSettings, restored?: RestoredSeeds<Seed>): LifecycleState<Seed> {
  return {
    phase: 'starting',
    tokenWritten: false,
    allRendered: !settings.hasTemplates,
    runnerStarted: false,
    failed: false,
    runnerBackoff: startBackoff(RUNNER_RESTART_MIN_MS, RUNNER_RESTART_MAX_MS),
    restored,
  };
}

/**
 * 1 once a failure ended the agent; 1 too when an init agent stops (a signal, the quit endpoint)
 * before the token and every template were written, so the app never starts without its secrets;
 * else the exec child's exit code (process-supervisor mode), else 0.
 */
export function exitCodeOf(state: LifecycleState<unknown>, settings?: Pick<LifecycleSettings, 'exitAfterAuth'>): number {
  if (state.failed) return 1;
  if (settings?.exitAfterAuth === true && !(state.tokenWritten && state.allRendered)) return 1;
  return state.childExitCode ?? 0;
}

export function transition<Seed>(
  settings: LifecycleSettings,
  state: LifecycleState<Seed>,
  event: LifecycleEvent,
  random: () => number,
): Transition<Seed> {
  switch (event.kind) {
    case 'token-written':
      return onTokenWritten(settings, state, event.token);
    case 'all-rendered':
      return advance(settings, { ...state, allRendered: true }, []);
    case 'runner-failed':
      return onRunnerFailed(settings, state, event.error, random);
    case 'runner-restart-due':
      // Today's rule: restart with whichever token is current, init mode included.
      return { state, effects: event.token === undefined ? [] : [{ kind: 'start-runner', token: event.token.token, seeds: undefined }] };
    case 'handoff-written':
      return onHandoffWritten(settings, state, event.failure);
    case 'auth-failed':
      return fail(state, 'authentication failed and exit_on_err is set', event.error);
    case 'child-exited':
      return { state: { ...state, phase: 'exiting', childExitCode: event.code }, effects: [{ kind: 'exit', reason: `child process exited with code ${event.code}` }] };
  }
}

function onTokenWritten<Seed>(settings: LifecycleSettings, state: LifecycleState<Seed>, token: AgentToken): Transition<Seed> {
  // The restored secrets belong to the restored token: used once, with it, else dropped.
  const seeds = state.restored !== undefined && state.restored.token === token.token ? state.restored.secrets : undefined;
  const next: LifecycleState<Seed> = { ...state, tokenWritten: true, restored: undefined };
  // Init mode renders once with the first token; the sidecar restarts the runner on every token.
  // A wrapped token is wrap info, not a token the runner could fetch with.
  const start = settings.hasTemplates && !token.wrapped && (!settings.exitAfterAuth || !state.runnerStarted);
  if (!start) return advance(settings, next, []);
  return advance(settings, { ...next, runnerStarted: true }, [{ kind: 'start-runner', token: token.token, seeds }]);
}

function onRunnerFailed<Seed>(settings: LifecycleSettings, state: LifecycleState<Seed>, error: Error, random: () => number): Transition<Seed> {
  if (settings.exitOnRetryFailure) return fail(state, 'template rendering failed and exit_on_retry_failure is set', error);
  const step = nextBackoff(state.runnerBackoff, random);
  return { state: { ...state, runnerBackoff: step.state }, effects: [{ kind: 'restart-runner-later', delayMs: step.delayMs, error }] };
}

function onHandoffWritten<Seed>(settings: LifecycleSettings, state: LifecycleState<Seed>, failure: Error | undefined): Transition<Seed> {
  if (state.phase !== 'handing-off') return { state, effects: [] };
  if (failure === undefined) return { state: { ...state, phase: 'exiting' }, effects: [{ kind: 'exit', reason: INIT_DONE_REASON }] };
  if (settings.handoffExitOnError) return fail(state, 'could not write the persistent cache and exit_on_err is set', failure);
  return {
    state: { ...state, phase: 'exiting' },
    effects: [
      { kind: 'warn', message: 'could not write the persistent cache; the sidecar will log in itself', error: failure },
      { kind: 'exit', reason: INIT_DONE_REASON },
    ],
  };
}

function fail<Seed>(state: LifecycleState<Seed>, reason: string, error: Error): Transition<Seed> {
  return { state: { ...state, phase: 'exiting', failed: true }, effects: [{ kind: 'fail', reason, error }] };
}

/** Leaves `starting` once the token is written and every template rendered: ready, then init's exit. */
function advance<Seed>(settings: LifecycleSettings, state: LifecycleState<Seed>, effects: LifecycleEffect<Seed>[]): Transition<Seed> {
  if (state.phase !== 'starting' || !state.tokenWritten || !state.allRendered) return { state, effects };
  const ready: LifecycleEffect<Seed>[] = [...effects, { kind: 'ready' }];
  if (!settings.exitAfterAuth) return { state: { ...state, phase: 'ready' }, effects: ready };
  if (settings.handoff) return { state: { ...state, phase: 'handing-off' }, effects: [...ready, { kind: 'write-handoff' }] };
  return { state: { ...state, phase: 'exiting' }, effects: [...ready, { kind: 'exit', reason: INIT_DONE_REASON }] };
}
