// Retry delays for the API loops: exponential from `initialMs`, capped at `maxMs`, with ±`jitter`
// so replicas that failed together do not retry in lockstep. Pure: randomness is passed in.

export interface BackoffOptions {
  readonly initialMs: number;
  readonly maxMs: number;
  /** Fraction of the delay added or removed at random (0.2 ⇒ ±20 %). */
  readonly jitter: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 30_000, jitter: 0.2 };

/** Delay before retry number `attempt` (1 for the first retry). */
export function backoffDelayMs(attempt: number, options: BackoffOptions, random: () => number): number {
  const exponent = Math.max(0, attempt - 1);
  const base = Math.min(options.maxMs, options.initialMs * 2 ** Math.min(exponent, 30));
  const spread = base * options.jitter * (2 * random() - 1);
  return Math.max(0, Math.round(Math.min(options.maxMs, base + spread)));
}
