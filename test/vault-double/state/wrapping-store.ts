// Response-wrapping tokens: single use, with a TTL, holding the response they replaced.
import type { IdSource } from '../ids.js';
import { serviceTokenId } from '../ids.js';
import type { LogicalResponse, WrapInfo } from '../reply.js';
import { rfc3339 } from '../ttl.js';

export interface WrappedEntry {
  readonly token: string;
  readonly accessor: string;
  readonly namespace: string;
  readonly creationPath: string;
  readonly creationTimeMs: number;
  readonly ttlSeconds: number;
  readonly response: LogicalResponse;
}

export class WrappingStore {
  private readonly entries = new Map<string, WrappedEntry>();

  constructor(private readonly ids: IdSource) {}

  wrap(request: { response: LogicalResponse; ttlSeconds: number; creationPath: string; namespace: string }, nowMs: number): WrapInfo {
    const { response, ttlSeconds, creationPath } = request;
    const entry: WrappedEntry = {
      token: serviceTokenId(this.ids),
      accessor: this.ids.base62(24),
      namespace: request.namespace,
      creationPath,
      creationTimeMs: nowMs,
      ttlSeconds,
      response,
    };
    this.entries.set(entry.token, entry);
    const wrappedAccessor = response.auth?.accessor ?? secretIdAccessor(response);
    return {
      token: entry.token,
      accessor: entry.accessor,
      ttl: ttlSeconds,
      creation_time: rfc3339(nowMs),
      creation_path: creationPath,
      ...(wrappedAccessor ? { wrapped_accessor: wrappedAccessor } : {}),
    };
  }

  /** Was this ever a wrapping token (still valid or not)? Such tokens only work on sys/wrapping. */
  isWrappingToken(token: string): boolean {
    return this.entries.has(token);
  }

  peek(token: string, nowMs: number): WrappedEntry | undefined {
    const entry = this.entries.get(token);
    if (!entry || entry.creationTimeMs + entry.ttlSeconds * 1000 <= nowMs) return undefined;
    return entry;
  }

  /** Unwrap: the entry, once. */
  take(token: string, nowMs: number): WrappedEntry | undefined {
    const entry = this.peek(token, nowMs);
    if (entry) this.entries.set(token, { ...entry, ttlSeconds: 0 });
    return entry;
  }
}

function secretIdAccessor(response: LogicalResponse): string | undefined {
  const accessor = response.data?.['secret_id_accessor'];
  return typeof accessor === 'string' ? accessor : undefined;
}
