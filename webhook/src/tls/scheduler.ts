// Timers behind an interface so certificate sources can be driven by a fake clock in tests.

export interface Scheduler {
  /** Runs `callback` after `delayMs`; returns a function that cancels it. */
  schedule(callback: () => void, delayMs: number): () => void;
}

/** setTimeout's limit; longer waits are cut short and simply re-checked. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Real timers, unref'd so a pending rotation never keeps a stopping process alive. */
export const realScheduler: Scheduler = {
  schedule(callback, delayMs) {
    const timer = setTimeout(callback, Math.min(Math.max(0, delayMs), MAX_TIMER_MS));
    timer.unref();
    return () => {
      clearTimeout(timer);
    };
  },
};

export type Clock = () => Date;
export const systemClock: Clock = () => new Date();
