// A clock tests move by hand, so token and lease expiry can be reached without waiting.
import type { ManualClock, Seconds } from './vault-double-api.js';

const DEFAULT_START_MS = Date.UTC(2026, 0, 1, 0, 0, 0);

export function createManualClock(startMs: number = DEFAULT_START_MS): ManualClock {
  let current = startMs;
  return {
    now: () => current,
    advanceMs: (ms: number): void => {
      current += ms;
    },
    advanceSeconds: (seconds: Seconds): void => {
      current += seconds * 1000;
    },
    set: (ms: number): void => {
      current = ms;
    },
  };
}
