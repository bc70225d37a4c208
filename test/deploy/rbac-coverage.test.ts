// RBAC in deploy/ against the calls the code really makes: a full -tls-auto + leader-election
// life (fresh install without the Secret, a follower, leaf rotation, renewals, a crashed leader's
// takeover), then the missed-pod reconciler in evict mode (list and watch pods, Events, an
// eviction), run against the fake API server with deploy/'s Role and ClusterRoles enforced
// (deploy/missed-pods-evict/ included), and the request log it leaves is the list of calls. Every call must be allowed, and every
// permission granted must be used by some call (least privilege).
import { startClusterTls, type ClusterTls } from '../../webhook/src/cluster/cluster-tls.js';
import { CLUSTER_OBJECT_NAMES } from '../../webhook/src/cluster/cluster-names.js';
import { parseSettings } from '../../webhook/src/settings/parse-settings.js';
import type { FakeKubeApi, RequestLogEntry } from '../k8s-fake/fake-kube-api.js';
import { kubeConfigFor } from '../k8s-fake/kube-config.js';
import { ruleAllows, type PolicyRule } from '../k8s-fake/rbac.js';
import { captureLogger, FAST_BACKOFF, NAMESPACE, SERVICE_ACCOUNT, seedWebhookConfiguration, startFakeCluster, waitFor, WEBHOOK_CONFIGURATION } from '../cluster/cluster-test-kit.js';
import { startMissedPodReconciler } from '../../webhook/src/cluster/missed-pods-start.js';
import { authorizerFrom } from '../k8s-fake/rbac.js';
import { DEPLOY_DIR, findObject, loadAllManifests, loadManifestFile } from './load-manifests.js';

const manifests = loadAllManifests();
const evictManifests = loadManifestFile('cluster-role.yaml', `${DEPLOY_DIR}missed-pods-evict/`);
const clusterRules = [...findObject<{ rules: PolicyRule[] }>(manifests, 'ClusterRole').rules, ...findObject<{ rules: PolicyRule[] }>(evictManifests, 'ClusterRole').rules];
const namespacedRules = findObject<{ rules: PolicyRule[] }>(manifests, 'Role').rules;
const APP_NAMESPACE = 'shop';

let api: FakeKubeApi;
let log: RequestLogEntry[];

function settings(pod: string, leaderElection: boolean) {
  const args = ['-tls-auto', WEBHOOK_CONFIGURATION, `-use-leader-elector=${leaderElection}`];
  const result = parseSettings(args, { AGENT_INJECT_VAULT_ADDR: 'https://vault:8200', NAMESPACE, POD_NAME: pod });
  if (result.kind !== 'settings') throw new Error('settings');
  return result.settings;
}

beforeAll(async () => {
  api = await startFakeCluster([]);
  seedWebhookConfiguration(api);
  const timing = { leaseDurationMs: 1_000, renewDeadlineMs: 600, retryPeriodMs: 100, secretPollIntervalMs: 100, caBundleCheckIntervalMs: 100, apiTimeoutMs: 1_000, backoff: FAST_BACKOFF, leafValidityMs: 2_000 };
  const start = async (pod: string): Promise<{ tls: ClusterTls; stop: AbortController }> => {
    api.addUser(`token-${pod}`, SERVICE_ACCOUNT);
    const stop = new AbortController();
    const tls = await startClusterTls({ settings: settings(pod, true), logger: captureLogger().logger, signal: stop.signal, kubeConfig: kubeConfigFor(api, `token-${pod}`), timing });
    return { tls, stop };
  };
  const a = await start('pod-a');
  await waitFor('a serves', () => a.tls.source.current() !== undefined);
  const b = await start('pod-b');
  await waitFor('b serves', () => b.tls.source.current() !== undefined);
  const first = a.tls.source.current()!.certPem;
  await waitFor('leaf rotated', () => a.tls.source.current()?.certPem !== first);
  api.addUser('token-pod-a', 'system:anonymous:gone');
  a.stop.abort();
  await waitFor('b took over', () => b.tls.elector?.isLeader() === true);
  b.stop.abort();
  await Promise.all([a.tls.stopped, b.tls.stopped]);
  // The missed-pod reconciler, evict mode, on a third replica.
  api.setAuthorizer(authorizerFrom([...manifests, ...evictManifests].map((manifest) => manifest.object as never)));
  api.addUser('token-pod-c', SERVICE_ACCOUNT);
  for (const name of ['web-1', 'web-2']) {
    api.seed('v1', 'Pod', {
      metadata: { name, namespace: APP_NAMESPACE, annotations: { 'vault.hashicorp.com/agent-inject': 'true' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'rs-uid', controller: true }] },
      spec: { containers: [{ name: 'app', image: 'app:1' }] },
    });
  }
  const stopReconciler = new AbortController();
  const reconciling = startMissedPodReconciler({
    settings: settings('pod-c', true),
    mode: 'evict',
    logger: captureLogger().logger,
    gauge: { set: () => undefined },
    isHealthy: () => true,
    signal: stopReconciler.signal,
    kubeConfig: kubeConfigFor(api, 'token-pod-c'),
    tuning: { leaseDurationMs: 1_000, renewDeadlineMs: 600, retryPeriodMs: 100, retryMs: 50 },
  });
  await waitFor('missed pods evicted', () => api.list('', 'pods', APP_NAMESPACE).length === 0);
  stopReconciler.abort();
  await reconciling;
  log = api.requests.filter((entry) => entry.user === SERVICE_ACCOUNT);
}, 60_000);

afterAll(async () => {
  await api.stop();
});

const allowed = (entry: RequestLogEntry): boolean => {
  // A ClusterRole bound by a ClusterRoleBinding grants in every namespace too.
  const rules = entry.namespace === undefined ? clusterRules : [...namespacedRules, ...clusterRules];
  return rules.some((rule) =>
    ruleAllows(rule, { user: entry.user, verb: entry.verb!, apiGroup: entry.apiGroup!, resource: entry.resource!, namespace: entry.namespace, name: entry.name }),
  );
};

test('the scenario exercised every kind of call the code makes', () => {
  const calls = new Set(log.map((entry) => `${entry.verb} ${entry.resource}`));
  expect([...calls].sort()).toEqual([
    'create events',
    'create leases',
    'create pods/eviction',
    'create secrets',
    'get leases',
    'get mutatingwebhookconfigurations',
    'get secrets',
    'list pods',
    'patch mutatingwebhookconfigurations',
    'update leases',
    'update secrets',
    'watch pods',
  ]);
});

test('no call was refused: no 401 or 403 in the log', () => {
  expect(log.filter((entry) => entry.status === 401 || entry.status === 403)).toEqual([]);
});

test('every call is allowed by deploy/ RBAC (checked independently of the fake)', () => {
  expect(log.filter((entry) => !allowed(entry)).map((entry) => `${entry.verb} ${entry.resource}/${entry.name ?? ''}`)).toEqual([]);
});

test('pods are listed and watched cluster-wide; Events and evictions go to the missed pods\' namespace only', () => {
  for (const entry of log.filter((e) => e.resource === 'pods')) expect([entry.verb, entry.namespace]).toEqual([expect.stringMatching(/^(list|watch)$/), undefined]);
  for (const entry of log.filter((e) => e.resource === 'events' || e.resource === 'pods/eviction')) expect(entry.namespace).toBe(APP_NAMESPACE);
  expect(log.filter((e) => e.resource === 'pods/eviction').map((e) => e.name).sort()).toEqual(['web-1', 'web-2']);
});

test('calls stay in the injector namespace and touch only our own objects', () => {
  for (const entry of log.filter((e) => !['pods', 'events', 'pods/eviction'].includes(e.resource ?? ''))) {
    if (entry.resource === 'mutatingwebhookconfigurations') expect(entry.name).toBe(WEBHOOK_CONFIGURATION);
    else expect(entry.namespace).toBe(NAMESPACE);
    if (entry.resource === 'secrets' && entry.verb !== 'create') expect(entry.name).toBe(CLUSTER_OBJECT_NAMES.certSecret);
    if (entry.resource === 'leases' && entry.verb !== 'create') expect(entry.name).toBe(CLUSTER_OBJECT_NAMES.leaderLease);
  }
});

test('least privilege: every verb granted in deploy/ is used by some call', () => {
  const unused = [...clusterRules.map((rule) => ({ rule, clusterScoped: true })), ...namespacedRules.map((rule) => ({ rule, clusterScoped: false }))].flatMap(({ rule, clusterScoped }) =>
    rule.verbs
      .filter(
        (verb) =>
          !log.some(
            (entry) =>
              (clusterScoped || entry.namespace !== undefined) &&
              ruleAllows({ ...rule, verbs: [verb] }, { user: entry.user, verb: entry.verb!, apiGroup: entry.apiGroup!, resource: entry.resource!, namespace: entry.namespace, name: entry.name }),
          ),
      )
      .map((verb) => `${verb} ${(rule.resources ?? []).join(',')}`),
  );
  expect(unused).toEqual([]);
});

test('-tls-auto without leader election needs only the webhook configuration', async () => {
  api.addUser('token-single', SERVICE_ACCOUNT);
  const before = api.requests.length;
  const stop = new AbortController();
  const { GeneratedCertificateSource } = await import('../../webhook/src/tls/generated-source.js');
  const localSource = new GeneratedCertificateSource({ hosts: ['vault-agent-injector-svc'], logger: captureLogger().logger as never });
  await localSource.start(stop.signal);
  const tls = await startClusterTls({ settings: settings('single', false), logger: captureLogger().logger, signal: stop.signal, kubeConfig: kubeConfigFor(api, 'token-single'), localSource, timing: { backoff: FAST_BACKOFF } });
  await waitFor('caBundle current', () => tls.updater.state === 'current');
  stop.abort();
  await tls.stopped;
  const calls = api.requests.slice(before);
  expect(new Set(calls.map((entry) => `${entry.verb} ${entry.resource} ${entry.status}`))).toEqual(
    new Set(['get mutatingwebhookconfigurations 200', 'patch mutatingwebhookconfigurations 200']),
  );
});
