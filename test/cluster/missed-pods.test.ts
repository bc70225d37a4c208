// The missed-pod reconciler against the Kubernetes API fake, under deploy/'s RBAC (plus
// deploy/missed-pods-evict/ for eviction): pods that opted in but carry no injected-status get an
// Event, a log line and the gauge; evict mode evicts only controller-owned ones, never in the
// injector's own namespace, only while the webhook is healthy, rate-limited; dry-run evicts with
// dryRun=All and removes nothing; only the leader replica reconciles.
import { MissedPodReconciler, MISSED_EVENT_REASON, type MissedPodReconcilerOptions } from '../../webhook/src/cluster/missed-pod-reconciler.js';
import { startMissedPodReconciler } from '../../webhook/src/cluster/missed-pods-start.js';
import { createPodApi } from '../../webhook/src/cluster/pod-api.js';
import { parseSettings } from '../../webhook/src/settings/parse-settings.js';
import type { FakeKubeApi } from '../k8s-fake/fake-kube-api.js';
import { kubeConfigFor } from '../k8s-fake/kube-config.js';
import { authorizerFrom } from '../k8s-fake/rbac.js';
import { DEPLOY_DIR, loadAllManifests, loadManifestFile } from '../deploy/load-manifests.js';
import { captureLogger, NAMESPACE, SERVICE_ACCOUNT, startFakeCluster, waitFor, type CapturedLogger } from './cluster-test-kit.js';

const APP = 'shop';

interface PodSpec {
  readonly name: string;
  readonly namespace?: string;
  readonly inject?: string;
  readonly status?: string;
  readonly owner?: 'ReplicaSet' | 'StatefulSet' | 'Job' | 'none' | 'non-controller';
  readonly phase?: string;
}

function seedPod(api: FakeKubeApi, spec: PodSpec): void {
  const annotations: Record<string, string> = {};
  if (spec.inject !== undefined) annotations['vault.hashicorp.com/agent-inject'] = spec.inject;
  if (spec.status !== undefined) annotations['vault.hashicorp.com/agent-inject-status'] = spec.status;
  const owner = spec.owner ?? 'ReplicaSet';
  const ownerReferences =
    owner === 'none' ? [] : [{ apiVersion: 'apps/v1', kind: owner === 'non-controller' ? 'ReplicaSet' : owner, name: `${spec.name}-owner`, uid: `uid-${spec.name}`, controller: owner !== 'non-controller' }];
  api.seed('v1', 'Pod', {
    metadata: { name: spec.name, namespace: spec.namespace ?? APP, annotations, ownerReferences },
    spec: { containers: [{ name: 'app', image: 'app:1' }] },
    status: { phase: spec.phase ?? 'Running' },
  });
}

const podNames = (api: FakeKubeApi, namespace = APP): string[] => api.list('', 'pods', namespace).map((pod) => String(pod.metadata?.name)).sort();
const evictions = (api: FakeKubeApi): string[] => api.requests.filter((entry) => entry.resource === 'pods/eviction' && entry.status === 201).map((entry) => `${entry.namespace ?? ''}/${entry.name ?? ''}`);
const missedEvents = (api: FakeKubeApi, namespace = APP): { involvedObject: { name: string; kind: string; uid: string }; reason: string; type: string; message: string }[] =>
  api.list('', 'events', namespace).filter((event) => event.reason === MISSED_EVENT_REASON) as never;

function gauge(): { value: number; set(value: number): void } {
  return { value: -1, set(value: number) { this.value = value; } };
}

let api: FakeKubeApi;
let stops: AbortController[] = [];
let runs: Promise<void>[] = [];

beforeEach(async () => {
  api = await startFakeCluster(['replica-a', 'replica-b']);
  // deploy/ plus the optional eviction grant, for the injector's service account.
  const evict = loadManifestFile('cluster-role.yaml', `${DEPLOY_DIR}missed-pods-evict/`);
  api.setAuthorizer(authorizerFrom([...loadAllManifests(), ...evict].map((manifest) => manifest.object as never)));
});

afterEach(async () => {
  for (const stop of stops) stop.abort();
  await Promise.all(runs);
  stops = [];
  runs = [];
  await api.stop();
});

function start(options: Partial<MissedPodReconcilerOptions> & Pick<MissedPodReconcilerOptions, 'mode'>, log: CapturedLogger = captureLogger()): { reconciler: MissedPodReconciler; gauge: ReturnType<typeof gauge>; log: CapturedLogger } {
  const metric = gauge();
  const reconciler = new MissedPodReconciler({
    api: createPodApi(kubeConfigFor(api, 'replica-a')),
    ownNamespace: NAMESPACE,
    logger: log.logger,
    gauge: metric,
    isHealthy: () => true,
    retryMs: 50,
    ...options,
  });
  const stop = new AbortController();
  stops.push(stop);
  runs.push(reconciler.run(stop.signal));
  return { reconciler, gauge: metric, log };
}

describe('report', () => {
  test('a missed pod gets one Warning Event (VaultInjectionMissed), one log line and counts in the gauge; others are left alone', async () => {
    seedPod(api, { name: 'missed', inject: 'true' });
    seedPod(api, { name: 'missed-bare', inject: 'True', owner: 'none' });
    seedPod(api, { name: 'injected', inject: 'true', status: 'injected' });
    seedPod(api, { name: 'not-opted-in' });
    seedPod(api, { name: 'opted-out', inject: 'false' });
    seedPod(api, { name: 'finished', inject: 'true', phase: 'Succeeded' });
    seedPod(api, { name: 'own', namespace: NAMESPACE, inject: 'true' });
    const { reconciler, gauge: metric, log } = start({ mode: 'report' });
    await waitFor('two events', () => missedEvents(api).length === 2);
    expect(reconciler.missedPods()).toEqual([`${APP}/missed`, `${APP}/missed-bare`]);
    expect(metric.value).toBe(2);
    const events = missedEvents(api);
    expect(events.map((event) => [event.involvedObject.kind, event.involvedObject.name, event.type]).sort()).toEqual([['Pod', 'missed', 'Warning'], ['Pod', 'missed-bare', 'Warning']]);
    expect(events.find((event) => event.involvedObject.name === 'missed')!.message).toMatch(/ReplicaSet\/missed-owner recreates it/);
    expect(events.find((event) => event.involvedObject.name === 'missed-bare')!.message).toMatch(/no controller/);
    expect(missedEvents(api, NAMESPACE)).toEqual([]);
    expect(log.events.filter((event) => event.event === 'missed-pod.detected').map((event) => event['pod']).sort()).toEqual(['missed', 'missed-bare']);
    expect(evictions(api)).toEqual([]);
    expect(podNames(api)).toContain('missed');
  });

  test('the watch keeps the set current: new missed pods are reported, injected or deleted ones leave the gauge', async () => {
    seedPod(api, { name: 'first', inject: 'true' });
    const { reconciler, gauge: metric } = start({ mode: 'report' });
    await waitFor('first reported', () => metric.value === 1);
    seedPod(api, { name: 'second', inject: 'true' });
    await waitFor('second reported', () => metric.value === 2 && missedEvents(api).length === 2);
    seedPod(api, { name: 'first', inject: 'true', status: 'injected' });
    api.remove('', 'pods', APP, 'second');
    await waitFor('both gone', () => metric.value === 0);
    expect(reconciler.missedPods()).toEqual([]);
    // A watch the server ends is resumed by a relist: a pod created meanwhile is still found.
    api.endWatches();
    seedPod(api, { name: 'third', inject: 'true' });
    await waitFor('third reported', () => metric.value === 1 && missedEvents(api).some((event) => event.involvedObject.name === 'third'));
    expect(missedEvents(api).filter((event) => event.involvedObject.name === 'first')).toHaveLength(1);
  });
});

describe('evict', () => {
  test('evicts only controller-owned missed pods, never bare ones, never in its own namespace', async () => {
    seedPod(api, { name: 'web-1', inject: 'true', owner: 'ReplicaSet' });
    seedPod(api, { name: 'db-0', inject: 'true', owner: 'StatefulSet' });
    seedPod(api, { name: 'bare', inject: 'true', owner: 'none' });
    seedPod(api, { name: 'adopted-not', inject: 'true', owner: 'non-controller' });
    seedPod(api, { name: 'own', namespace: NAMESPACE, inject: 'true', owner: 'ReplicaSet' });
    const { gauge: metric, log } = start({ mode: 'evict' });
    await waitFor('two evictions', () => evictions(api).length === 2);
    expect(evictions(api).sort()).toEqual([`${APP}/db-0`, `${APP}/web-1`]);
    await waitFor('gauge follows the deletions', () => metric.value === 2);
    expect(podNames(api)).toEqual(['adopted-not', 'bare']);
    expect(podNames(api, NAMESPACE)).toEqual(['own']);
    expect(log.events.filter((event) => event.event === 'missed-pod.not-evicted').map((event) => event['pod']).sort()).toEqual(['adopted-not', 'bare']);
    expect(log.events.filter((event) => event.event === 'missed-pod.evicted').map((event) => event['controller']).sort()).toEqual(['ReplicaSet/web-1-owner', 'StatefulSet/db-0-owner']);
  });

  test('waits while the webhook is not healthy (a recreated pod would be missed again)', async () => {
    seedPod(api, { name: 'web-1', inject: 'true' });
    let healthy = false;
    const { gauge: metric } = start({ mode: 'evict', isHealthy: () => healthy });
    await waitFor('reported', () => metric.value === 1 && missedEvents(api).length === 1);
    expect(evictions(api)).toEqual([]);
    healthy = true;
    await waitFor('evicted once healthy', () => evictions(api).length === 1);
  });

  test('rate-limited: a burst, then one eviction per interval', async () => {
    for (let index = 0; index < 5; index += 1) seedPod(api, { name: `web-${index}`, inject: 'true' });
    let now = 1_000_000;
    const { gauge: metric } = start({ mode: 'evict', evictionBurst: 2, evictionIntervalMs: 60_000, nowMs: () => now });
    await waitFor('burst of two', () => evictions(api).length === 2);
    await waitFor('gauge at three', () => metric.value === 3);
    // The clock stands still: however often the loop wakes, no token comes back.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(evictions(api)).toHaveLength(2);
    now += 60_000;
    await waitFor('one more after an interval', () => evictions(api).length === 3);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(evictions(api)).toHaveLength(3);
    expect(podNames(api)).toHaveLength(2);
  });

  test('a PodDisruptionBudget refusal (429) is retried, not given up', async () => {
    seedPod(api, { name: 'web-1', inject: 'true' });
    api.setEvictionBlocked(true);
    const { log } = start({ mode: 'evict', evictionBurst: 5, evictionIntervalMs: 10 });
    await waitFor('refused', () => api.requests.some((entry) => entry.resource === 'pods/eviction' && entry.status === 429));
    await waitFor('logged', () => log.events.some((event) => event.event === 'missed-pod.error' && event['status'] === 429));
    api.setEvictionBlocked(false);
    await waitFor('evicted on a later try', () => evictions(api).length === 1);
    expect(podNames(api)).toEqual([]);
  });
});

test('dry-run: the eviction is sent with dryRun=All, logged as would-evict, and the pod stays', async () => {
  seedPod(api, { name: 'web-1', inject: 'true' });
  seedPod(api, { name: 'bare', inject: 'true', owner: 'none' });
  const { log } = start({ mode: 'dry-run' });
  await waitFor('would-evict logged', () => log.events.some((event) => event.event === 'missed-pod.would-evict'));
  expect(evictions(api)).toEqual([`${APP}/web-1`]);
  expect(podNames(api)).toEqual(['bare', 'web-1']);
  expect(log.events.filter((event) => event.event === 'missed-pod.would-evict').map((event) => [event['pod'], event['dryRun']])).toEqual([['web-1', true]]);
});

test('with leader election only the leader reconciles; the other replica takes over when it stops', async () => {
  seedPod(api, { name: 'web-1', inject: 'true' });
  const settingsFor = (pod: string) => {
    const parsed = parseSettings(['-use-leader-elector', '-reconcile-missed=report'], { AGENT_INJECT_VAULT_ADDR: 'https://vault:8200', NAMESPACE, POD_NAME: pod });
    if (parsed.kind !== 'settings') throw new Error(JSON.stringify(parsed));
    return parsed.settings;
  };
  const replica = (pod: string, token: string) => {
    const metric = gauge();
    const log = captureLogger({ pod });
    const stop = new AbortController();
    const done = startMissedPodReconciler({
      settings: settingsFor(pod),
      mode: 'report',
      logger: log.logger,
      gauge: metric,
      isHealthy: () => true,
      signal: stop.signal,
      kubeConfig: kubeConfigFor(api, token),
      tuning: { leaseDurationMs: 1_000, renewDeadlineMs: 600, retryPeriodMs: 100, retryMs: 50 },
    });
    return { metric, log, stop, done };
  };
  const a = replica('pod-a', 'replica-a');
  await waitFor('a leads and reports', () => a.metric.value === 1);
  const b = replica('pod-b', 'replica-b');
  await waitFor('b follows', () => b.log.events.some((event) => event.event === 'leader-election.following'));
  expect(b.metric.value).toBe(-1);
  expect(missedEvents(api)).toHaveLength(1);
  a.stop.abort();
  await a.done;
  await waitFor('b takes over and reports', () => b.metric.value === 1);
  b.stop.abort();
  await b.done;
  expect(api.requests.filter((entry) => entry.user === SERVICE_ACCOUNT && (entry.status === 401 || entry.status === 403))).toEqual([]);
});
