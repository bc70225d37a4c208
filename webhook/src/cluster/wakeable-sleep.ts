// A sleep that ends early when woken (new work arrived) or when the process is stopping. The
// loops in this directory wait on it between API calls. The timer is deliberately not unref'd:
// while a follower waits for its first certificate these loops are all the process is doing, and
// an abort ends the sleep at once anyway.

export class WakeableSleep {
  private wakeCurrent: (() => void) | undefined;
  private pendingWake = false;

  /** Ends the current sleep now, or the next one immediately if none is running. */
  wake(): void {
    if (this.wakeCurrent !== undefined) this.wakeCurrent();
    else this.pendingWake = true;
  }

  /** Resolves after `ms`, on wake(), or on abort — whichever is first. */
  sleep(ms: number, signal: AbortSignal): Promise<void> {
    if (this.pendingWake || signal.aborted) {
      this.pendingWake = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const finish = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', finish);
        this.wakeCurrent = undefined;
        resolve();
      };
      const timer = setTimeout(finish, ms);
      signal.addEventListener('abort', finish, { once: true });
      this.wakeCurrent = finish;
    });
  }
}
