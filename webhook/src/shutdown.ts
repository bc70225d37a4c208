// Two-stage shutdown: the first SIGTERM/SIGINT starts a graceful stop under a deadline; a second
// one forces the process out at once.

export type ShutdownSignal = 'SIGTERM' | 'SIGINT';

export interface SignalSource {
  once(signal: ShutdownSignal, listener: () => void): unknown;
  off(signal: ShutdownSignal, listener: () => void): unknown;
}

export interface ShutdownTrap {
  /** Resolves with the first signal received. */
  readonly signalled: Promise<ShutdownSignal>;
  /** Stops listening (call once the process is done). */
  dispose(): void;
}

/**
 * Listens for SIGTERM and SIGINT. The first resolves `signalled`; any later one calls `force`.
 */
export function trapShutdownSignals(source: SignalSource, force: (signal: ShutdownSignal) => void): ShutdownTrap {
  const signals: readonly ShutdownSignal[] = ['SIGTERM', 'SIGINT'];
  const listeners = new Map<ShutdownSignal, () => void>();
  let first = true;
  let resolveSignalled: (signal: ShutdownSignal) => void = () => undefined;
  const signalled = new Promise<ShutdownSignal>((resolve) => {
    resolveSignalled = resolve;
  });
  const listen = (signal: ShutdownSignal): void => {
    const listener = (): void => {
      if (first) {
        first = false;
        resolveSignalled(signal);
      } else {
        force(signal);
      }
      listen(signal);
    };
    listeners.set(signal, listener);
    source.once(signal, listener);
  };
  for (const signal of signals) listen(signal);
  return {
    signalled,
    dispose() {
      for (const [signal, listener] of listeners) source.off(signal, listener);
      listeners.clear();
    },
  };
}

/** Runs `task`, giving up after `deadlineMs`: resolves true if it finished in time. */
export async function withDeadline(task: Promise<unknown>, deadlineMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<false>((resolve) => {
    timer = setTimeout(() => {
      resolve(false);
    }, deadlineMs);
  });
  try {
    return await Promise.race([task.then(() => true as const), expired]);
  } finally {
    clearTimeout(timer);
  }
}
