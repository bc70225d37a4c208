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

export async function watchLifetime(options: LifetimeWatcherOptions, signal: AbortSignal): Promise<WatchOutcome> {
  const { now, random } = options;
  let priorMs = options.initialLeaseSeconds * 1000;
  let startedAt = now();
  let graceMs = leaseGraceMs(priorMs, random);
  let renewable = options.renewable;
  let errorAttempt = 0;
  for (;;) {
    if (signal.aborted) return { kind: 'stopped' };
    const fallbackMs = startedAt + priorMs - now();
    let leaseMs = fallbackMs;
    if (renewable) {
      try {
        const result = await options.renew(signal);
        errorAttempt = 0;
        if (options.mode === 'secret' && !result.renewable) return { kind: 'error', error: new Error('lease is no longer renewable') };
        leaseMs = result.leaseSeconds * 1000;
        // Grace follows the lease while renewals still extend it; frozen once the max TTL caps it.
        if (leaseMs > priorMs) graceMs = leaseGraceMs(leaseMs, random);
        priorMs = leaseMs;
        startedAt = now();
        options.onRenewed?.(result);
      } catch (error) {
        if (isAborted(signal)) return { kind: 'stopped' };
        if (isInvalidTokenError(error)) return { kind: 'invalid' };
        if (options.mode === 'secret') return { kind: 'error', error };
        if (isPermissionDeniedError(error)) {
          renewable = false;
        } else {
          if (renewalIsOver(fallbackMs, renewalSleepMs(fallbackMs, graceMs), graceMs)) return { kind: 'done' };
          const retryMs = renewRetryDelayMs(errorAttempt, random);
          errorAttempt += 1;
          if (retryMs < fallbackMs) {
            if (!(await options.sleep(retryMs, signal))) return { kind: 'stopped' };
            continue;
          }
        }
        leaseMs = fallbackMs;
      }
    }
    const sleepMs = renewalSleepMs(leaseMs, graceMs);
    if (renewalIsOver(leaseMs, sleepMs, graceMs)) return { kind: 'done' };
    if (!(await options.sleep(sleepMs, signal))) return { kind: 'stopped' };
  }
}
