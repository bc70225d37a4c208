// Cancellable sleep. Resolves `false` when the signal aborted it, so loops can stop without throwing.
// Node timers hold at most 2^31−1 ms (≈24.8 days, less than a KV v1 secret's 27–30 day wait); longer
// sleeps are taken in steps.
import { setTimeout as delay } from 'node:timers/promises';

const MAX_TIMER_MS = 2 ** 31 - 1;

export async function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  let remaining = Math.max(0, ms);
  do {
    if (signal?.aborted === true) return false;
    const step = Math.min(remaining, MAX_TIMER_MS);
    try {
      await delay(step, undefined, signal === undefined ? undefined : { signal });
    } catch {
      return false;
    }
    remaining -= step;
  } while (remaining > 0);
  return true;
}

/**
 * `signal.aborted` read through a call: after an `await` it may have changed, which a direct
 * property read inside a loop guarded by it does not tell the type checker.
 */
export function isAborted(signal: AbortSignal): boolean {
  return signal.aborted;
}
