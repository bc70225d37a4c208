// Pure backoff planners. Randomness comes in as a function returning [0, 1).

export interface JitteredBackoff {
  readonly minMs: number;
  readonly maxMs: number;
  /** The un-jittered value of the last step; 0 before the first. */
  readonly currentMs: number;
}

export function startBackoff(minMs: number, maxMs: number): JitteredBackoff {
  // A max below the min (seen in injector configs) leaves the min as the only step.
  return { minMs, maxMs: Math.max(minMs, maxMs), currentMs: 0 };
}

/**
 * Vault's auto-auth backoff (sdk/helper/backoff): the first step is `min`, each next step doubles
 * up to `max`, and every step is shortened by up to 25 %: min×(0.75–1), 2min×(0.75–1)…
 * With the defaults (1 s, 5 min): ≈1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300… seconds.
 */
export function nextBackoff(state: JitteredBackoff, random: () => number): { delayMs: number; state: JitteredBackoff } {
  const currentMs = state.currentMs === 0 ? state.minMs : Math.min(state.currentMs * 2, state.maxMs);
  return { delayMs: currentMs * (1 - 0.25 * random()), state: { ...state, currentMs } };
}

/**
 * consul-template's fetch retry: 250 ms × 2^attempt, capped (1 min by default), no jitter;
 * `undefined` once `attempts` retries were used (attempt counts from 0).
 */
export function fetchRetryDelayMs(attempt: number, options: { baseMs: number; maxMs: number; attempts: number }): number | undefined {
  if (attempt >= options.attempts) return undefined;
  return Math.min(options.baseMs * 2 ** attempt, options.maxMs);
}
