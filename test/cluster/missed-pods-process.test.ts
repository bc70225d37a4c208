// End to end: the built CLI, `agent-inject -reconcile-missed=report`, against the Kubernetes API
// fake (KUBECONFIG, deploy/'s RBAC): a pod admitted without injection gets its Event, and the
// webhook's /metrics shows vault_injector_missed_pods.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { FakeKubeApi } from '../k8s-fake/fake-kube-api.js';
import { writeKubeconfigFile } from '../k8s-fake/kube-config.js';
import { startWebhook, type WebhookProcess } from '../helpers/webhook-process.js';
import { NAMESPACE, SERVICE_ACCOUNT, startFakeCluster, waitFor } from './cluster-test-kit.js';

let api: FakeKubeApi;
let dir: string;
let webhook: WebhookProcess | undefined;

beforeAll(async () => {
  api = await startFakeCluster([]);
  api.addUser('token-process', SERVICE_ACCOUNT);
  dir = mkdtempSync(join(tmpdir(), 'missed-process-'));
});

afterAll(async () => {
  await webhook?.stop();
  await api.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('agent-inject -reconcile-missed=report records the Event and serves the gauge', async () => {
  api.seed('v1', 'Pod', {
    metadata: { name: 'web-1', namespace: 'shop', annotations: { 'vault.hashicorp.com/agent-inject': 'true' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'rs', controller: true }] },
    spec: { containers: [{ name: 'app', image: 'app:1' }] },
  });
  webhook = await startWebhook({
    flags: { 'telemetry-path': '/metrics', 'log-format': 'json', 'reconcile-missed': 'report' },
    env: { KUBECONFIG: writeKubeconfigFile(dir, api, 'token-process'), NAMESPACE },
  });
  await waitFor('event recorded', () => api.list('', 'events', 'shop').some((event) => event.reason === 'VaultInjectionMissed'));
  await waitFor('gauge served', async () => /^vault_injector_missed_pods 1$/m.test((await webhook!.request({ path: '/metrics' })).body));
  expect(webhook.stdout).toMatch(/"event":"missed-pod.detected"/);
  expect(api.list('', 'pods', 'shop')).toHaveLength(1);
});
