// Lease leader election between replicas against the fake API server (real client-node, deploy/
// RBAC): one leader at a time, takeover after a crash, immediate takeover after a release, and a
// leader that cannot renew steps down before its lease could be taken.
import { createClusterApi, type ClusterApi } from '../../webhook/src/cluster/cluster-api.js';
import { ClusterApiError } from '../../webhook/src/cluster/cluster-api-error.js';
import { CLUSTER_OBJECT_NAMES } from '../../webhook/src/cluster/cluster-names.js';
import { LeaderElector } from '../../webhook/src/cluster/leader-elector.js';
import type { FakeKubeApi } from '../k8s-fake/fake-kube-api.js';
import { kubeConfigFor } from '../k8s-fake/kube-config.js';
import { captureLogger, NAMESPACE, startFakeCluster, waitFor, type CapturedLogger } from './cluster-test-kit.js';

interface Replica {
  readonly elector: LeaderElector;
  readonly stop: AbortController;
  readonly stopped: Promise<void>;
  readonly log: CapturedLogger;
  /** Simulates the process dying: every later call fails, nothing is released. */
  kill(): void;
}

let api: FakeKubeApi;
const replicas: Replica[] = [];

beforeEach(async () => {
  api = await startFakeCluster();
});

afterEach(async () => {
  for (const replica of replicas.splice(0)) {
    replica.stop.abort();
    await replica.stopped;
  }
  await api.stop();
});

/** A ClusterApi that fails every call once killed, like a process that is gone. */
function killable(inner: ClusterApi): { api: ClusterApi; kill: () => void } {
  let dead = false;
  const guard = <A extends unknown[], R>(method: (...args: A) => Promise<R>) => (...args: A): Promise<R> =>
    dead ? Promise.reject(new ClusterApiError('network', 'process killed', undefined)) : method(...args);
  const wrapped = Object.fromEntries(
    Object.entries(inner).map(([key, method]) => [key, guard(method as (...args: unknown[]) => Promise<unknown>)]),
  ) as unknown as ClusterApi;
  return { api: wrapped, kill: () => (dead = true) };
}

function startReplica(identity: string, token: string, timing = { leaseDurationMs: 1_000, renewDeadlineMs: 600, retryPeriodMs: 100 }): Replica {
  const log = captureLogger({ pod: identity });
  const { api: clusterApi, kill } = killable(createClusterApi(kubeConfigFor(api, token), { timeoutMs: 1_000 }));
  const elector = new LeaderElector({ api: clusterApi, namespace: NAMESPACE, leaseName: CLUSTER_OBJECT_NAMES.leaderLease, identity, logger: log.logger, ...timing });
  const stop = new AbortController();
  const replica = { elector, stop, stopped: elector.run(stop.signal), log, kill };
  replicas.push(replica);
  return replica;
}

const storedLease = (): { spec: { holderIdentity: string; leaseTransitions: number; renewTime: string } } =>
  api.get('coordination.k8s.io', 'leases', NAMESPACE, CLUSTER_OBJECT_NAMES.leaderLease) as never;

test('two replicas starting together elect exactly one leader, recorded in the Lease', async () => {
  const a = startReplica('pod-a', 'replica-a');
  const b = startReplica('pod-b', 'replica-b');
  await waitFor('a leader', () => a.elector.isLeader() || b.elector.isLeader());
  await waitFor('the other follows', () => [a, b].some((r) => r.log.events.some((e) => e.event === 'leader-election.following')));
  expect([a.elector.isLeader(), b.elector.isLeader()].filter(Boolean)).toHaveLength(1);
  const leader = a.elector.isLeader() ? a : b;
  expect(storedLease().spec.holderIdentity).toBe(leader.elector.identity);
  expect(storedLease().spec.renewTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  expect(leader.log.events.find((e) => e.event === 'leader-election.acquired')).toMatchObject({ identity: leader.elector.identity, lease: CLUSTER_OBJECT_NAMES.leaderLease });
  const renewals = (): number => api.requests.filter((r) => r.verb === 'update' && r.resource === 'leases' && r.status === 200).length;
  const before = renewals();
  await waitFor('the leader renews', () => renewals() >= before + 3);
  expect([a.elector.isLeader(), b.elector.isLeader()].filter(Boolean)).toHaveLength(1);
});

test('when the leader dies the follower takes over after the lease expires', async () => {
  const a = startReplica('pod-a', 'replica-a');
  await waitFor('a leads', () => a.elector.isLeader());
  const b = startReplica('pod-b', 'replica-b');
  await waitFor('b follows a', () => b.log.events.some((e) => e.event === 'leader-election.following' && e.holder === 'pod-a'));
  a.kill();
  await waitFor('b leads', () => b.elector.isLeader());
  expect(storedLease().spec).toMatchObject({ holderIdentity: 'pod-b', leaseTransitions: 1 });
  expect(b.log.events.find((e) => e.event === 'leader-election.acquired')).toMatchObject({ how: 'take-over', previousHolder: 'pod-a' });
  // The dead leader stepped down on its own once it could not renew past the deadline.
  await waitFor('a no longer believes it leads', () => !a.elector.isLeader());
  expect(a.log.events.some((e) => e.event === 'leader-election.lost')).toBe(true);
});

test('a leader that stops cleanly releases the Lease and a follower takes over at once', async () => {
  const slow = { leaseDurationMs: 60_000, renewDeadlineMs: 40_000, retryPeriodMs: 100 };
  const a = startReplica('pod-a', 'replica-a', slow);
  await waitFor('a leads', () => a.elector.isLeader());
  const b = startReplica('pod-b', 'replica-b', slow);
  await waitFor('b follows', () => b.log.events.some((e) => e.event === 'leader-election.following'));
  a.stop.abort();
  await a.stopped;
  expect(a.log.events.some((e) => e.event === 'leader-election.released')).toBe(true);
  // With a 60 s lease, only the release explains a takeover within the test's wait.
  await waitFor('b leads', () => b.elector.isLeader(), 10_000);
  expect(storedLease().spec.holderIdentity).toBe('pod-b');
});

test('lease update conflicts between replicas are races, not errors', async () => {
  const a = startReplica('pod-a', 'replica-a');
  const b = startReplica('pod-b', 'replica-b');
  const c = startReplica('pod-c', 'replica-c');
  await waitFor('a leader', () => [a, b, c].some((r) => r.elector.isLeader()));
  await waitFor('all observed the leader', () => [a, b, c].every((r) => r.elector.isLeader() || r.log.events.some((e) => e.event === 'leader-election.following')));
  expect([a, b, c].filter((r) => r.elector.isLeader())).toHaveLength(1);
  const errors = [a, b, c].flatMap((r) => r.log.events.filter((e) => e.event === 'leader-election.error'));
  expect(errors).toEqual([]);
});
