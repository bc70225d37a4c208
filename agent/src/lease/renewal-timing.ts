// When to renew, re-login and re-fetch: Vault's lifetime watcher
// (https://github.com/hashicorp/vault/blob/main/api/lifetime_watcher.go) and consul-template's
// lease checks (https://github.com/hashicorp/consul-template/blob/main/dependency/vault_common.go)
// as pure functions of durations and a random source returning [0, 1). All durations are
// milliseconds.
import type { VaultSecretEnvelope } from '../../../common/src/vault-wire.js';
import { numberField } from '../vault/vault-client.js';

/** Grace: a uniformly random 10–20 % of the lease; 0 for a lease of 0. */
export function leaseGraceMs(leaseMs: number, random: () => number): number {
  if (leaseMs <= 0) return 0;
  return leaseMs * 0.1 + leaseMs * 0.1 * random();
}

/** Sleep between renewals: two thirds of what remains plus a third of the grace. */
export function renewalSleepMs(remainingMs: number, graceMs: number): number {
  return (remainingMs * 2) / 3 + graceMs / 3;
}

/** The watcher finishes (re-login / re-fetch) once the lease is within grace or the next sleep would land in it. */
export function renewalIsOver(remainingMs: number, sleepMs: number, graceMs: number): boolean {
  return remainingMs <= graceMs || remainingMs - sleepMs <= graceMs;
}

/**
 * Retry wait after a failed token renewal: 10 s doubling to 5 min, ±50 % random
 * (cenkalti/backoff defaults as Vault configures them). attempt counts from 0.
 */
export function renewRetryDelayMs(attempt: number, random: () => number): number {
  const interval = Math.min(10_000 * 2 ** attempt, 300_000);
  return interval * (0.5 + random());
}

/** Non-renewable leases and static reads: lease × (θ ± 0.05), e.g. 85–95 % for θ = 0.9. */
export function nonRenewableDelayMs(leaseMs: number, threshold: number, random: () => number): number {
  let fraction = threshold + (random() - 0.5) * 0.1;
  if (fraction >= 1 || fraction <= 0) fraction = threshold;
  return leaseMs * fraction;
}

export type RefetchPlan =
  | { readonly kind: 'renew' }
  | { readonly kind: 'sleep'; readonly delayMs: number }
  | { readonly kind: 'error'; readonly reason: string };

export interface RefetchOptions {
  /** static_secret_render_interval. */
  readonly staticIntervalMs: number;
  /** lease_renewal_threshold θ. */
  readonly threshold: number;
  readonly nowMs: number;
  readonly random: () => number;
}

function dataField(envelope: VaultSecretEnvelope, key: string): unknown {
  const data = envelope.data;
  return typeof data === 'object' && data !== null ? (data as Record<string, unknown>)[key] : undefined;
}

/** What to do after fetching a secret (leaseCheckWait in consul-template's dependency/vault_common.go). */
export function planRefetch(envelope: VaultSecretEnvelope, options: RefetchOptions): RefetchPlan {
  const leaseId = envelope.lease_id ?? '';
  if (envelope.renewable === true && leaseId !== '') return { kind: 'renew' };
  const unleased = leaseId === '' ? (rotatingSecretPlan(envelope) ?? certificatePlan(envelope, options)) : undefined;
  if (unleased !== undefined) return unleased;
  const baseSeconds = baseLeaseSeconds(envelope, leaseId);
  const baseMs = baseSeconds > 0 ? baseSeconds * 1000 : options.staticIntervalMs;
  return { kind: 'sleep', delayMs: nonRenewableDelayMs(baseMs, options.threshold, options.random) };
}

/** Static database roles: re-read right after the next rotation, no fraction. */
function rotatingSecretPlan(envelope: VaultSecretEnvelope): RefetchPlan | undefined {
  if (dataField(envelope, 'rotation_period') === undefined || dataField(envelope, 'ttl') === undefined) return undefined;
  const ttl = numberField(dataField(envelope, 'ttl'));
  if (ttl === undefined || ttl <= 0) return { kind: 'error', reason: 'rotating secret reported a ttl of 0' };
  return { kind: 'sleep', delayMs: (ttl + 1) * 1000 };
}

/** A certificate without a lease lives until its expiry: re-issue near the end, at once if past it. */
function certificatePlan(envelope: VaultSecretEnvelope, options: RefetchOptions): RefetchPlan | undefined {
  const expiration = numberField(dataField(envelope, 'expiration'));
  if (typeof dataField(envelope, 'certificate') !== 'string' || expiration === undefined) return undefined;
  const remainingMs = Math.max(0, expiration * 1000 - options.nowMs);
  return { kind: 'sleep', delayMs: nonRenewableDelayMs(remainingMs, options.threshold, options.random) };
}

/** The lease the re-fetch fraction applies to: the auth lease when there is one, an AppRole secret id's TTL (+1 s). */
function baseLeaseSeconds(envelope: VaultSecretEnvelope, leaseId: string): number {
  let baseSeconds = envelope.lease_duration ?? 0;
  if (envelope.auth?.lease_duration !== undefined && envelope.auth.lease_duration > 0) baseSeconds = envelope.auth.lease_duration;
  const secretIdTtl = numberField(dataField(envelope, 'secret_id_ttl'));
  if (leaseId === '' && dataField(envelope, 'secret_id') !== undefined && secretIdTtl !== undefined && secretIdTtl > 0) {
    baseSeconds = secretIdTtl + 1;
  }
  return baseSeconds;
}
