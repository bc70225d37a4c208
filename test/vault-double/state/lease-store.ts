// Leases of dynamic secrets: renewable or not, renewals capped at issue time + max TTL,
// expiry on the double's clock, revoked with the token that created them.
import type { LeaseView, Revocation, RevocationReason } from '../vault-double-api.js';
import { remainingSeconds } from '../ttl.js';
import { grantTtl, type RenewResult } from './token-store.js';

export interface LeaseRecord {
  readonly leaseId: string;
  readonly path: string;
  readonly mountType: string;
  readonly namespace: string;
  readonly tokenAccessor: string | null;
  readonly issueTimeMs: number;
  readonly renewable: boolean;
  readonly defaultIncrementSeconds: number;
  readonly maxTtlSeconds: number;
  expireTimeMs: number;
  lastRenewalMs: number | null;
  renewals: number;
  revoked: Revocation | null;
}

export interface NewLease {
  readonly leaseId: string;
  readonly path: string;
  readonly mountType: string;
  readonly namespace: string;
  readonly tokenAccessor: string | null;
  readonly ttlSeconds: number;
  readonly renewable: boolean;
  readonly defaultIncrementSeconds: number;
  readonly maxTtlSeconds: number;
}

export class LeaseStore {
  private readonly byId = new Map<string, LeaseRecord>();

  /** `expireTokens` runs before every expiry check: token expiry revokes leases first. */
  constructor(private readonly expireTokens: (nowMs: number) => void) {}

  add(lease: NewLease, nowMs: number): LeaseRecord {
    const record: LeaseRecord = {
      leaseId: lease.leaseId,
      path: lease.path,
      mountType: lease.mountType,
      namespace: lease.namespace,
      tokenAccessor: lease.tokenAccessor,
      issueTimeMs: nowMs,
      renewable: lease.renewable,
      defaultIncrementSeconds: lease.defaultIncrementSeconds,
      maxTtlSeconds: lease.maxTtlSeconds,
      expireTimeMs: nowMs + lease.ttlSeconds * 1000,
      lastRenewalMs: null,
      renewals: 0,
      revoked: null,
    };
    this.byId.set(record.leaseId, record);
    return record;
  }

  find(leaseId: string, nowMs: number): LeaseRecord | undefined {
    this.expireDue(nowMs);
    return this.byId.get(leaseId);
  }

  /** A lease that exists and is neither expired nor revoked. */
  live(leaseId: string, nowMs: number): LeaseRecord | undefined {
    const lease = this.find(leaseId, nowMs);
    return lease && lease.revoked === null ? lease : undefined;
  }

  all(nowMs: number): readonly LeaseRecord[] {
    this.expireDue(nowMs);
    return [...this.byId.values()];
  }

  expireDue(nowMs: number): void {
    this.expireTokens(nowMs);
    for (const lease of this.byId.values()) {
      if (lease.revoked === null && lease.expireTimeMs <= nowMs) {
        lease.revoked = { atMs: lease.expireTimeMs, reason: 'expired' };
      }
    }
  }

  revoke(lease: LeaseRecord, reason: RevocationReason, nowMs: number): void {
    if (lease.revoked === null) lease.revoked = { atMs: nowMs, reason };
  }

  /** The token `accessor` was revoked at `atMs`: its leases go too (unless they expired first). */
  revokeOwnedBy(accessor: string, atMs: number): void {
    for (const lease of this.byId.values()) {
      if (lease.tokenAccessor !== accessor || lease.revoked !== null) continue;
      lease.revoked = lease.expireTimeMs <= atMs ? { atMs: lease.expireTimeMs, reason: 'expired' } : { atMs, reason: 'parent-revoked' };
    }
  }

  /** Vault's expiration manager: expired and revoked leases are gone ("lease not found"). */
  renew(leaseId: string, incrementSeconds: number, nowMs: number): RenewResult & { lease?: LeaseRecord } {
    const lease = this.live(leaseId, nowMs);
    if (!lease) return { ok: false, error: 'lease not found' };
    if (!lease.renewable) return { ok: false, error: 'lease is not renewable' };
    const granted = grantTtl(
      {
        requestedSeconds: incrementSeconds > 0 ? incrementSeconds : lease.defaultIncrementSeconds,
        periodSeconds: 0,
        maxTtlSeconds: lease.maxTtlSeconds,
        issueTimeMs: lease.issueTimeMs,
      },
      nowMs,
    );
    lease.expireTimeMs = nowMs + granted.ttlSeconds * 1000;
    lease.renewals += 1;
    lease.lastRenewalMs = nowMs;
    return { ok: true, ...granted, lease };
  }

  view(lease: LeaseRecord, nowMs: number): LeaseView {
    return {
      leaseId: lease.leaseId,
      path: lease.path,
      mountType: lease.mountType,
      namespace: lease.namespace,
      tokenAccessor: lease.tokenAccessor,
      issueTimeMs: lease.issueTimeMs,
      expireTimeMs: lease.expireTimeMs,
      lastRenewalMs: lease.lastRenewalMs,
      ttlSeconds: lease.revoked ? 0 : remainingSeconds(lease.expireTimeMs, nowMs),
      renewable: lease.renewable,
      maxTtlSeconds: lease.maxTtlSeconds,
      renewals: lease.renewals,
      revoked: lease.revoked,
    };
  }
}
