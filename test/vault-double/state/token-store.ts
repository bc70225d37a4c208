// Tokens with Vault's lifetime rules: TTL and max TTL from issue time, periodic tokens,
// renewal capped at the max TTL (with Vault's warning), expiry on the double's clock, and
// revocation that takes child tokens and every lease the token created with it.
import type { Revocation, RevocationReason, TokenView } from '../vault-double-api.js';
import { remainingSeconds, ttlCappedWarning } from '../ttl.js';

export interface TokenRecord {
  readonly id: string;
  readonly accessor: string;
  readonly namespace: string;
  readonly policies: readonly string[];
  readonly tokenPolicies: readonly string[];
  readonly meta: Readonly<Record<string, string>> | null;
  readonly displayName: string;
  readonly path: string;
  readonly type: 'service' | 'batch';
  readonly renewable: boolean;
  readonly orphan: boolean;
  readonly entityId: string;
  readonly issueTimeMs: number;
  readonly creationTtlSeconds: number;
  /** Increment used when renew asks for 0 (the role's token_ttl or the mount default). */
  readonly defaultIncrementSeconds: number;
  /** Max TTL from issue time (0: none). */
  readonly maxTtlSeconds: number;
  readonly explicitMaxTtlSeconds: number;
  readonly periodSeconds: number;
  readonly parentAccessor: string | null;
  expireTimeMs: number | null;
  renewals: number;
  lastRenewalMs: number | null;
  revoked: Revocation | null;
}

export type NewToken = Omit<TokenRecord, 'renewals' | 'lastRenewalMs' | 'revoked' | 'expireTimeMs'>;

export type RenewResult =
  | { readonly ok: true; readonly ttlSeconds: number; readonly warnings: readonly string[] }
  | { readonly ok: false; readonly error: string };

/** Called when a token is revoked, to revoke what it owns (leases). */
export type TokenRevokedHook = (token: TokenRecord, nowMs: number) => void;

export class TokenStore {
  private readonly byId = new Map<string, TokenRecord>();
  private readonly byAccessor = new Map<string, TokenRecord>();

  constructor(private readonly onRevoked: TokenRevokedHook) {}

  add(token: NewToken): TokenRecord {
    const record: TokenRecord = {
      ...token,
      expireTimeMs: token.creationTtlSeconds > 0 ? token.issueTimeMs + token.creationTtlSeconds * 1000 : null,
      renewals: 0,
      lastRenewalMs: null,
      revoked: null,
    };
    this.byId.set(record.id, record);
    if (record.accessor !== '') this.byAccessor.set(record.accessor, record);
    return record;
  }

  /** The token if it exists, even revoked (callers check `revoked`). Expiry is applied first. */
  find(id: string, nowMs: number): TokenRecord | undefined {
    this.expireDue(nowMs);
    return this.byId.get(id);
  }

  findByAccessor(accessor: string, nowMs: number): TokenRecord | undefined {
    this.expireDue(nowMs);
    return this.byAccessor.get(accessor);
  }

  /** A live token or undefined (unknown, expired, revoked). */
  live(id: string, nowMs: number): TokenRecord | undefined {
    const token = this.find(id, nowMs);
    return token && token.revoked === null ? token : undefined;
  }

  all(nowMs: number): readonly TokenRecord[] {
    this.expireDue(nowMs);
    return [...this.byId.values()];
  }

  expireDue(nowMs: number): void {
    for (const token of this.byId.values()) {
      if (token.revoked === null && token.expireTimeMs !== null && token.expireTimeMs <= nowMs) {
        this.revoke(token, 'expired', token.expireTimeMs);
      }
    }
  }

  revoke(token: TokenRecord, reason: RevocationReason, nowMs: number): void {
    if (token.revoked !== null) return;
    token.revoked = { atMs: nowMs, reason };
    this.onRevoked(token, nowMs);
    if (token.accessor === '') return;
    for (const child of this.byId.values()) {
      if (child.parentAccessor === token.accessor) this.revoke(child, 'parent-revoked', nowMs);
    }
  }

  /** Vault's CalculateTTL for a token renewal. */
  renew(token: TokenRecord, incrementSeconds: number, nowMs: number): RenewResult {
    if (token.type === 'batch') return { ok: false, error: 'batch tokens cannot be renewed' };
    if (!token.renewable || token.expireTimeMs === null) return { ok: false, error: 'lease is not renewable' };
    const granted = grantTtl(
      {
        requestedSeconds: incrementSeconds > 0 ? incrementSeconds : token.defaultIncrementSeconds,
        periodSeconds: token.periodSeconds,
        maxTtlSeconds: token.periodSeconds > 0 ? token.explicitMaxTtlSeconds : token.maxTtlSeconds,
        issueTimeMs: token.issueTimeMs,
      },
      nowMs,
    );
    token.expireTimeMs = nowMs + granted.ttlSeconds * 1000;
    token.renewals += 1;
    token.lastRenewalMs = nowMs;
    return { ok: true, ...granted };
  }

  view(token: TokenRecord, nowMs: number): TokenView {
    return {
      token: token.id,
      accessor: token.accessor,
      namespace: token.namespace,
      policies: token.policies,
      type: token.type,
      renewable: token.renewable,
      path: token.path,
      meta: token.meta,
      issueTimeMs: token.issueTimeMs,
      expireTimeMs: token.expireTimeMs,
      ttlSeconds: token.revoked || token.expireTimeMs === null ? 0 : remainingSeconds(token.expireTimeMs, nowMs),
      creationTtlSeconds: token.creationTtlSeconds,
      maxTtlSeconds: token.periodSeconds > 0 ? token.explicitMaxTtlSeconds : token.maxTtlSeconds,
      periodSeconds: token.periodSeconds,
      renewals: token.renewals,
      lastRenewalMs: token.lastRenewalMs,
      parentAccessor: token.parentAccessor,
      revoked: token.revoked,
    };
  }
}

export interface TtlRequest {
  readonly requestedSeconds: number;
  readonly periodSeconds: number;
  /** From issue time; 0: unbounded. */
  readonly maxTtlSeconds: number;
  readonly issueTimeMs: number;
}

/**
 * Vault's CalculateTTL (sdk/framework/lease.go): a period wins over the increment; either is
 * capped so the lease never outlives issue time + max TTL, with a warning when capped.
 */
export function grantTtl(request: TtlRequest, nowMs: number): { ttlSeconds: number; warnings: readonly string[] } {
  const wanted = request.periodSeconds > 0 ? request.periodSeconds : request.requestedSeconds;
  if (request.maxTtlSeconds <= 0) return { ttlSeconds: wanted, warnings: [] };
  const left = remainingSeconds(request.issueTimeMs + request.maxTtlSeconds * 1000, nowMs);
  if (wanted <= left) return { ttlSeconds: wanted, warnings: [] };
  return { ttlSeconds: left, warnings: [ttlCappedWarning(wanted, left)] };
}
