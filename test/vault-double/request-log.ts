// Every answered request, counters per endpoint, and waiters re-checked as requests arrive.
import type { RequestRecord, VaultEndpoint } from './vault-double-api.js';

const POLL_MS = 25;
const DEFAULT_TIMEOUT_MS = 10_000;

export class RequestLog {
  private records: RequestRecord[] = [];
  private readonly perEndpoint = new Map<VaultEndpoint, number>();
  private readonly listeners = new Set<() => void>();
  private seq = 0;

  private inFlight = 0;

  /** A request arrived: its sequence number. */
  arrived(): number {
    this.seq += 1;
    this.inFlight += 1;
    this.notify();
    return this.seq;
  }

  pending(): number {
    return this.inFlight;
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }

  /** A request broke down before it could be logged (the double's own bug: a 500 went out). */
  broke(): void {
    this.inFlight -= 1;
    this.notify();
  }

  /** A request was answered. */
  add(record: RequestRecord): void {
    this.inFlight -= 1;
    this.records.push(record);
    this.perEndpoint.set(record.endpoint, (this.perEndpoint.get(record.endpoint) ?? 0) + 1);
    this.notify();
  }

  all(): readonly RequestRecord[] {
    return [...this.records];
  }

  clear(): void {
    this.records = [];
    this.perEndpoint.clear();
  }

  counters(): Partial<Record<VaultEndpoint, number>> {
    return Object.fromEntries(this.perEndpoint);
  }

  count(endpoint: VaultEndpoint): number {
    return this.perEndpoint.get(endpoint) ?? 0;
  }

  waitFor<T>(probe: () => T | false | null | undefined, timeoutMs = DEFAULT_TIMEOUT_MS, description = 'condition'): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const finish = (): void => {
        settled = true;
        clearInterval(interval);
        clearTimeout(timer);
        this.listeners.delete(check);
      };
      const check = (): void => {
        if (settled) return;
        let value: T | false | null | undefined;
        try {
          value = probe();
        } catch (error) {
          finish();
          reject(error instanceof Error ? error : new Error(String(error)));
          return;
        }
        if (value !== false && value !== null && value !== undefined) {
          finish();
          resolve(value);
        }
      };
      const interval = setInterval(check, POLL_MS);
      const timer = setTimeout(() => {
        if (settled) return;
        finish();
        reject(new Error(`vault double: timed out after ${timeoutMs} ms waiting for ${description}`));
      }, timeoutMs);
      this.listeners.add(check);
      check();
    });
  }
}
