// Leader-election decisions on a fake clock (client-go semantics): create, renew, follow a fresh
// holder, take over only after leaseDuration of *our* observation, take over a released lease.
import { decideLease, observe, releasedLease } from './lease-decision.js';
import type { LeaseObject } from './cluster-api.js';

const base = { identity: 'pod-a', namespace: 'ns', name: 'leader', leaseDurationSeconds: 15 };
const heldByB = (resourceVersion: string, renewTime: Date): LeaseObject => ({
  name: 'leader',
  namespace: 'ns',
  resourceVersion,
  holderIdentity: 'pod-b',
  leaseDurationSeconds: 15,
  acquireTime: new Date(0),
  renewTime,
  leaseTransitions: 3,
});

test('no Lease: create one holding it, zero transitions, MicroTime-able times', () => {
  const decision = decideLease({ ...base, current: undefined, observation: undefined, nowMs: 1_000 });
  expect(decision).toEqual({
    action: 'create',
    lease: { name: 'leader', namespace: 'ns', holderIdentity: 'pod-a', leaseDurationSeconds: 15, acquireTime: new Date(1_000), renewTime: new Date(1_000), leaseTransitions: 0 },
  });
});

test('our own Lease: renew, keeping acquireTime and transitions', () => {
  const mine = { ...heldByB('7', new Date(0)), holderIdentity: 'pod-a' };
  const decision = decideLease({ ...base, current: mine, observation: undefined, nowMs: 5_000 });
  expect(decision).toEqual({ action: 'renew', lease: { ...mine, renewTime: new Date(5_000) } });
});

test("another holder is followed until leaseDuration after we saw it change, whatever its renewTime says", () => {
  // The holder's clock is far behind ours: its renewTime looks ancient, but we only just saw it.
  const lease = heldByB('10', new Date(0));
  const seen = observe(lease, undefined, 100_000);
  expect(decideLease({ ...base, current: lease, observation: seen, nowMs: 100_000 })).toEqual({ action: 'follow', holder: 'pod-b', expiresAtMs: 115_000 });
  expect(decideLease({ ...base, current: lease, observation: seen, nowMs: 114_999 }).action).toBe('follow');
  const takeover = decideLease({ ...base, current: lease, observation: observe(lease, seen, 115_000), nowMs: 115_000 });
  expect(takeover).toEqual({
    action: 'take-over',
    previousHolder: 'pod-b',
    lease: { ...lease, holderIdentity: 'pod-a', acquireTime: new Date(115_000), renewTime: new Date(115_000), leaseTransitions: 4 },
  });
});

test('a renewal (new resourceVersion) restarts the expiry clock', () => {
  const first = heldByB('10', new Date(0));
  const seen = observe(first, undefined, 0);
  const renewed = heldByB('11', new Date(10_000));
  const seenAgain = observe(renewed, seen, 14_000);
  expect(seenAgain).toEqual({ resourceVersion: '11', observedAtMs: 14_000 });
  expect(decideLease({ ...base, current: renewed, observation: seenAgain, nowMs: 20_000 })).toMatchObject({ action: 'follow', expiresAtMs: 29_000 });
});

test('a released Lease (no holder) is taken over at once', () => {
  const released = releasedLease(heldByB('12', new Date(0)), 50_000);
  expect(released).toMatchObject({ holderIdentity: '', leaseDurationSeconds: 1 });
  const decision = decideLease({ ...base, current: { ...released, resourceVersion: '13' }, observation: undefined, nowMs: 50_001 });
  expect(decision).toMatchObject({ action: 'take-over', previousHolder: '', lease: { holderIdentity: 'pod-a', leaseTransitions: 4 } });
});
