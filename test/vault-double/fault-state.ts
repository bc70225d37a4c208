// Request-level fault switches (connection-level ones live in the wire server).
import type { Fail5xxOptions, ForbiddenKind } from './vault-double-api.js';

export class FaultState {
  slowMs = 0;
  private failuresLeft: number | 'always' = 0;
  private failureStatus = 500;
  private failurePath: string | RegExp | undefined;
  readonly forbiddenTokens = new Map<string, ForbiddenKind>();

  setFailures(count: number | 'always', status: number, options: Fail5xxOptions): void {
    if (count !== 'always' && (!Number.isInteger(count) || count < 0)) throw new Error(`fail5xx count must be a non-negative integer or 'always', got ${String(count)}`);
    if (!Number.isInteger(status) || status < 500 || status > 599) throw new Error(`fail5xx status must be 500–599, got ${status}`);
    this.failuresLeft = count;
    this.failureStatus = status;
    this.failurePath = options.path;
  }

  /** The injected status for this request, consuming one failure; null to answer normally. */
  takeFailure(path: string): number | null {
    if (this.failuresLeft === 0) return null;
    const filter = this.failurePath;
    if (filter !== undefined && !(typeof filter === 'string' ? path === filter || path.startsWith(`${filter.replace(/\/$/, '')}/`) : filter.test(path))) return null;
    if (this.failuresLeft !== 'always') this.failuresLeft -= 1;
    return this.failureStatus;
  }

  clear(): void {
    this.slowMs = 0;
    this.failuresLeft = 0;
    this.failurePath = undefined;
    this.forbiddenTokens.clear();
  }
}
