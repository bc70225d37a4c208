// Request-level fault switches (connection-level ones live in the wire server).
import type { EchoRequestOptions, Fail5xxOptions, ForbiddenKind } from './vault-double-api.js';

interface EchoRule {
  left: number | 'always';
  readonly status: number;
  readonly path: string | RegExp | undefined;
  readonly padBytes: number;
}

function pathMatches(filter: string | RegExp | undefined, path: string): boolean {
  if (filter === undefined) return true;
  return typeof filter === 'string' ? path === filter || path.startsWith(`${filter.replace(/\/$/, '')}/`) : filter.test(path);
}

export class FaultState {
  slowMs = 0;
  private failuresLeft: number | 'always' = 0;
  private failureStatus = 500;
  private failurePath: string | RegExp | undefined;
  readonly forbiddenTokens = new Map<string, ForbiddenKind>();
  private readonly echoRules: EchoRule[] = [];

  addEcho(options: EchoRequestOptions): void {
    const count = options.count ?? 'always';
    if (count !== 'always' && (!Number.isInteger(count) || count < 1)) throw new Error(`echoRequest count must be a positive integer or 'always', got ${String(count)}`);
    const status = options.status ?? 400;
    if (!Number.isInteger(status) || status < 400 || status > 599) throw new Error(`echoRequest status must be 400–599, got ${status}`);
    const padBytes = options.padBytes ?? 0;
    if (!Number.isInteger(padBytes) || padBytes < 0) throw new Error(`echoRequest padBytes must be a non-negative integer, got ${padBytes}`);
    this.echoRules.push({ left: count, status, path: options.path, padBytes });
  }

  /** The echo rule answering this request (one use consumed), or null. */
  takeEcho(path: string): { status: number; padBytes: number } | null {
    const rule = this.echoRules.find((candidate) => candidate.left !== 0 && pathMatches(candidate.path, path));
    if (rule === undefined) return null;
    if (rule.left !== 'always') rule.left -= 1;
    return { status: rule.status, padBytes: rule.padBytes };
  }

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
    if (!pathMatches(filter, path)) return null;
    if (this.failuresLeft !== 'always') this.failuresLeft -= 1;
    return this.failureStatus;
  }

  clear(): void {
    this.slowMs = 0;
    this.failuresLeft = 0;
    this.failurePath = undefined;
    this.forbiddenTokens.clear();
    this.echoRules.length = 0;
  }
}
