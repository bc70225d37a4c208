// Leader election over a coordination.k8s.io/v1 Lease, the decision part (pure), with the
// semantics of client-go's leaderelection package:
// - no Lease: create it holding it;
// - held by us: renew (renewTime = now);
// - held by another: follow while it is fresh; take over once leaseDurationSeconds have passed
//   since we *observed* it change. Expiry is measured on our own clock from our own observation,
//   never by comparing the holder's renewTime with our clock, so clock skew between nodes cannot
//   cause two leaders.
// - an empty holderIdentity means released: take over at once.
// Every write carries the resourceVersion read, so of two replicas deciding the same, the API
// server lets exactly one win (the other gets 409 Conflict).
import type { LeaseObject } from './cluster-api.js';

export interface LeaseObservation {
  /** resourceVersion of the Lease when we last saw it change. */
  readonly resourceVersion: string | undefined;
  /** Our clock (ms) when we saw that version first. */
  readonly observedAtMs: number;
}

export type LeaseDecision =
  | { readonly action: 'create'; readonly lease: LeaseObject }
  | { readonly action: 'renew'; readonly lease: LeaseObject }
  | { readonly action: 'take-over'; readonly lease: LeaseObject; readonly previousHolder: string }
  | { readonly action: 'follow'; readonly holder: string; readonly expiresAtMs: number };

export interface LeaseDecisionInput {
  readonly current: LeaseObject | undefined;
  readonly observation: LeaseObservation | undefined;
  readonly identity: string;
  readonly namespace: string;
  readonly name: string;
  readonly leaseDurationSeconds: number;
  readonly nowMs: number;
}

/** The new observation after reading `current` at `nowMs`. */
export function observe(current: LeaseObject | undefined, previous: LeaseObservation | undefined, nowMs: number): LeaseObservation {
  const resourceVersion = current?.resourceVersion;
  return previous !== undefined && previous.resourceVersion === resourceVersion ? previous : { resourceVersion, observedAtMs: nowMs };
}

export function decideLease(input: LeaseDecisionInput): LeaseDecision {
  const { current, identity, nowMs, leaseDurationSeconds } = input;
  const now = new Date(nowMs);
  if (current === undefined) {
    return {
      action: 'create',
      lease: { name: input.name, namespace: input.namespace, holderIdentity: identity, leaseDurationSeconds, acquireTime: now, renewTime: now, leaseTransitions: 0 },
    };
  }
  if (current.holderIdentity === identity) {
    return { action: 'renew', lease: { ...current, leaseDurationSeconds, renewTime: now } };
  }
  const { observation } = input;
  const observedAtMs = observation !== undefined && observation.resourceVersion === current.resourceVersion ? observation.observedAtMs : nowMs;
  const heldFor = (current.leaseDurationSeconds ?? leaseDurationSeconds) * 1000;
  const expiresAtMs = observedAtMs + heldFor;
  if (current.holderIdentity !== '' && nowMs < expiresAtMs) {
    return { action: 'follow', holder: current.holderIdentity, expiresAtMs };
  }
  return {
    action: 'take-over',
    previousHolder: current.holderIdentity,
    lease: {
      ...current,
      holderIdentity: identity,
      leaseDurationSeconds,
      acquireTime: now,
      renewTime: now,
      leaseTransitions: current.leaseTransitions + 1,
    },
  };
}

/** The Lease a leader writes when it steps down cleanly: no holder, so a follower takes over at once. */
export function releasedLease(current: LeaseObject, nowMs: number): LeaseObject {
  const now = new Date(nowMs);
  return { ...current, holderIdentity: '', leaseDurationSeconds: 1, renewTime: now, acquireTime: now };
}
