// Keeps one token or lease alive the way Vault's LifetimeWatcher does: renew at once, then at two
// thirds of what remains plus a third of the grace, and finish when the lease can no longer be
// extended far enough (https://github.com/hashicorp/vault/blob/main/api/lifetime_watcher.go). The
// caller then logs in again (token) or fetches a fresh secret (lease). Clock, sleep and randomness
// are injected.
import { isInvalidTokenError, isPermissionDeniedError } from '../vault/vault-error.js';
import { isAborted } from '../supervisor/sleep.js';
import { leaseGraceMs, renewRetryDelayMs, renewalIsOver, renewalSleepMs } from './renewal-timing.js';

export interface RenewalResult {
  readonly leaseSeconds: number;
  readonly renewable: boolean;
}

export interface LifetimeWatcherOptions {
  readonly initialLeaseSeconds: number;
  readonly renewable: boolean;
  /** Renews once; throws on failure. */
  readonly renew: (signal: AbortSignal) => Promise<RenewalResult>;
  /**
   * token: renewal errors are retried (10 s → 5 min) until the lease is nearly over;
   * secret: any renewal error, or a renewal that comes back non-renewable, ends the watch at once.
   */
  readonly mode: 'token' | 'secret';
  readonly now: () => number;
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<boolean>;
  readonly random: () => number;
  readonly onRenewed?: (result: RenewalResult) => void;
}

export type WatchOutcome =
  /** Lease nearly over (max TTL reached or non-renewable): replace it now. */
  | { readonly kind: 'done' }
  /** The credential is dead (403 invalid token): replace it now. */
  | { readonly kind: 'invalid' }
  | { readonly kind: 'error'; readonly error: unknown }
  | { readonly kind: 'stopped' };

/** One watch: its options and the lease as last renewed. */
interface WatchState {
  readonly options: LifetimeWatcherOptions;
  readonly signal: AbortSignal;
  priorMs: number;
  startedAt: number;
  graceMs: number;
  renewable: boolean;
  errorAttempt: number;
}

/** After one renewal attempt: sleep on this lease, retry the renewal at once, or end the watch. */
type RenewalStep =
  | { readonly kind: 'lease'; readonly leaseMs: number }
  | { readonly kind: 'retry' }
  | { readonly kind: 'end'; readonly outcome: WatchOutcome };

const end = (outcome: WatchOutcome): RenewalStep => ({ kind: 'end', outcome });

export async function watchLifetime(options: LifetimeWatcherOptions, signal: AbortSignal): Promise<WatchOutcome> {
  const priorMs = options.initialLeaseSeconds * 1000;
  const watch: WatchState = {
    options,
    signal,
    priorMs,
    startedAt: options.now(),
    graceMs: leaseGraceMs(priorMs, options.random),
    renewable: options.renewable,
    errorAttempt: 0,
  };
  for (;;) {
    if (signal.aborted) return { kind: 'stopped' };
    const fallbackMs = watch.startedAt + watch.priorMs - options.now();
    const step: RenewalStep = watch.renewable ? await renewOnce(watch, fallbackMs) : { kind: 'lease', leaseMs: fallbackMs };
    if (step.kind === 'end') return step.outcome;
    if (step.kind === 'retry') continue;
    const sleepMs = renewalSleepMs(step.leaseMs, watch.graceMs);
    if (renewalIsOver(step.leaseMs, sleepMs, watch.graceMs)) return { kind: 'done' };
    if (!(await options.sleep(sleepMs, signal))) return { kind: 'stopped' };
  }
}

async function renewOnce(watch: WatchState, fallbackMs: number): Promise<RenewalStep> {
  try {
    return await renewAndRecord(watch);
  } catch (error) {
    return afterRenewalError(watch, fallbackMs, error);
  }
}

async function renewAndRecord(watch: WatchState): Promise<RenewalStep> {
  const { options } = watch;
  const result = await options.renew(watch.signal);
  watch.errorAttempt = 0;
  if (options.mode === 'secret' && !result.renewable) return end({ kind: 'error', error: new Error('lease is no longer renewable') });
  const leaseMs = result.leaseSeconds * 1000;
  // Grace follows the lease while renewals still extend it; frozen once the max TTL caps it.
  if (leaseMs > watch.priorMs) watch.graceMs = leaseGraceMs(leaseMs, options.random);
  watch.priorMs = leaseMs;
  watch.startedAt = options.now();
  options.onRenewed?.(result);
  return { kind: 'lease', leaseMs };
}

async function afterRenewalError(watch: WatchState, fallbackMs: number, error: unknown): Promise<RenewalStep> {
  const { options, signal } = watch;
  if (isAborted(signal)) return end({ kind: 'stopped' });
  if (isInvalidTokenError(error)) return end({ kind: 'invalid' });
  if (options.mode === 'secret') return end({ kind: 'error', error });
  if (isPermissionDeniedError(error)) {
    // Not allowed to renew: keep the token until its lease runs out.
    watch.renewable = false;
    return { kind: 'lease', leaseMs: fallbackMs };
  }
  if (renewalIsOver(fallbackMs, renewalSleepMs(fallbackMs, watch.graceMs), watch.graceMs)) return end({ kind: 'done' });
  const retryMs = renewRetryDelayMs(watch.errorAttempt, options.random);
  watch.errorAttempt += 1;
  if (retryMs >= fallbackMs) return { kind: 'lease', leaseMs: fallbackMs };
  if (!(await options.sleep(retryMs, signal))) return end({ kind: 'stopped' });
  return { kind: 'retry' };
}
