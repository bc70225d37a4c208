// The built CLI, twice, as the Deployment runs it (`agent-inject -tls-auto=… -use-leader-elector`,
// NAMESPACE/POD_NAME), talking to the fake API server through a kubeconfig file: both become
// ready serving one certificate that the API server would trust through the caBundle; when the
// leader is stopped (SIGTERM, as in a rolling update) the other takes over without changing the
// CA or rewriting the caBundle.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { CERT_SECRET_KEYS, CLUSTER_OBJECT_NAMES } from '../../webhook/src/cluster/cluster-names.js';
import type { FakeKubeApi } from '../k8s-fake/fake-kube-api.js';
import { writeKubeconfigFile } from '../k8s-fake/kube-config.js';
import { startWebhook, type WebhookProcess } from '../helpers/webhook-process.js';
import { NAMESPACE, SERVICE_ACCOUNT, seedWebhookConfiguration, startFakeCluster, storedBundles, waitFor, WEBHOOK_CONFIGURATION } from './cluster-test-kit.js';
import { handshake, SERVICE_DNS_NAME } from './tls-probe.js';

let api: FakeKubeApi;
let dir: string;
const processes: WebhookProcess[] = [];

beforeAll(async () => {
  api = await startFakeCluster([]);
  seedWebhookConfiguration(api);
  dir = mkdtempSync(join(tmpdir(), 'cluster-processes-'));
});

afterAll(async () => {
  await Promise.all(processes.map((process) => process.stop()));
  await api.stop();
  rmSync(dir, { recursive: true, force: true });
});

function startReplica(pod: string): Promise<WebhookProcess> {
  api.addUser(`token-${pod}`, SERVICE_ACCOUNT);
  return startWebhook({
    certificates: 'generated',
    flags: { 'tls-auto': WEBHOOK_CONFIGURATION, 'use-leader-elector': true, 'log-format': 'json' },
    env: {
      KUBECONFIG: writeKubeconfigFile(dir, api, `token-${pod}`),
      NAMESPACE,
      POD_NAME: pod,
      AGENT_INJECT_TLS_AUTO_HOSTS: `vault-agent-injector-svc,vault-agent-injector-svc.${NAMESPACE},${SERVICE_DNS_NAME}`,
    },
    startTimeoutMs: 40_000,
  }).then((process) => {
    processes.push(process);
    return process;
  });
}

const events = (process: WebhookProcess): { event?: string; [key: string]: unknown }[] =>
  process.stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { event?: string });

test('two injector processes share one CA through the Secret, and failover keeps it', async () => {
  const [a, b] = await Promise.all([startReplica('pod-a'), startReplica('pod-b')]);
  await waitFor('caBundle written', () => storedBundles(api)[0] !== '');
  const secret = api.get('', 'secrets', NAMESPACE, CLUSTER_OBJECT_NAMES.certSecret) as { data: Record<string, string> };
  const ca = Buffer.from(secret.data[CERT_SECRET_KEYS.caCert]!, 'base64').toString('utf8');
  const bundle = storedBundles(api)[0]!;
  expect(bundle).toBe(ca);

  const served = await Promise.all([a, b].map((process) => handshake(process.port, bundle)));
  expect(served.map((result) => [result.authorized, result.error])).toEqual([
    [true, undefined],
    [true, undefined],
  ]);
  expect(served[0]!.fingerprint256).toBe(served[1]!.fingerprint256);
  expect((await a.request({ path: '/health/ready' })).status).toBe(204);
  expect((await b.request({ path: '/health/ready' })).status).toBe(204);

  const leader = events(a).some((event) => event.event === 'leader-election.acquired') ? a : b;
  const follower = leader === a ? b : a;
  expect(events(follower).some((event) => event.event === 'leader-election.following')).toBe(true);
  const patches = api.requests.filter((entry) => entry.verb === 'patch').length;

  await leader.stop();
  await waitFor('the follower leads', () => events(follower).some((event) => event.event === 'leader-election.acquired'), 30_000);
  await waitFor('it verified the caBundle', () => events(follower).some((event) => event.event === 'ca-bundle.current'), 30_000);
  expect(storedBundles(api)[0]).toBe(bundle);
  expect(api.requests.filter((entry) => entry.verb === 'patch').length).toBe(patches);
  const after = await handshake(follower.port, bundle);
  expect(after.authorized).toBe(true);
  expect(after.fingerprint256).toBe(served[0]!.fingerprint256);
  expect(events(leader).some((event) => event.event === 'leader-election.released')).toBe(true);
});
