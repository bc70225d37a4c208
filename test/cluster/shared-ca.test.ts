// Several replicas with -tls-auto and -use-leader-elector against the fake API server (real
// client-node, deploy/'s RBAC), each serving its CertificateSource over TLS. Checked the way the
// API server sees it: a handshake trusting only the caBundle stored in the webhook configuration.
import { X509Certificate } from 'node:crypto';
import type { Server } from 'node:tls';

import { pemCertificates } from '../../webhook/src/cluster/ca-bundle.js';
import { CERT_SECRET_KEYS, CLUSTER_OBJECT_NAMES } from '../../webhook/src/cluster/cluster-names.js';
import { startClusterTls, type ClusterTls, type ClusterTiming } from '../../webhook/src/cluster/cluster-tls.js';
import { parseSettings } from '../../webhook/src/settings/parse-settings.js';
import type { Settings } from '../../webhook/src/settings/settings.js';
import type { FakeKubeApi } from '../k8s-fake/fake-kube-api.js';
import { kubeConfigFor } from '../k8s-fake/kube-config.js';
import {
  captureLogger,
  FAST_BACKOFF,
  NAMESPACE,
  seedWebhookConfiguration,
  startFakeCluster,
  storedBundles,
  waitFor,
  WEBHOOK_CONFIGURATION,
  type CapturedLogger,
} from './cluster-test-kit.js';
import { handshake, serveSource, SERVICE_DNS_NAME } from './tls-probe.js';

const HOSTS = ['vault-agent-injector-svc', 'vault-agent-injector-svc.vault-injector', SERVICE_DNS_NAME];
const FAST: Partial<ClusterTiming> = {
  leaseDurationMs: 1_000,
  renewDeadlineMs: 600,
  retryPeriodMs: 100,
  secretPollIntervalMs: 100,
  caBundleCheckIntervalMs: 200,
  apiTimeoutMs: 1_000,
  backoff: FAST_BACKOFF,
};

interface Replica {
  readonly name: string;
  readonly tls: ClusterTls;
  readonly log: CapturedLogger;
  readonly stop: AbortController;
  readonly server: Server;
  readonly port: number;
  kill(): void;
}

let api: FakeKubeApi;
const replicas: Replica[] = [];

function settingsFor(pod: string): Settings {
  const result = parseSettings(['-tls-auto', WEBHOOK_CONFIGURATION, '-use-leader-elector', `-tls-auto-hosts=${HOSTS.join(',')}`], {
    AGENT_INJECT_VAULT_ADDR: 'https://vault.vault.svc:8200',
    NAMESPACE,
    POD_NAME: pod,
  });
  if (result.kind !== 'settings') throw new Error(JSON.stringify(result));
  return result.settings;
}

/** Tokens the fake knows; a killed replica's token is revoked so its calls fail like a dead pod's. */
async function startReplica(name: string, timing: Partial<ClusterTiming> = FAST): Promise<Replica> {
  const token = `token-${name}`;
  api.addUser(token, 'system:serviceaccount:vault-injector:vault-injector');
  const log = captureLogger({ pod: name });
  const stop = new AbortController();
  const tls = await startClusterTls({ settings: settingsFor(name), logger: log.logger, signal: stop.signal, kubeConfig: kubeConfigFor(api, token), timing });
  const { server, port } = await serveSource(tls.source);
  const replica: Replica = {
    name,
    tls,
    log,
    stop,
    server,
    port,
    kill: () => {
      api.addUser(token, 'system:anonymous:killed');
      stop.abort();
    },
  };
  replicas.push(replica);
  return replica;
}

beforeEach(async () => {
  api = await startFakeCluster([]);
  seedWebhookConfiguration(api);
});

afterEach(async () => {
  for (const replica of replicas.splice(0)) {
    replica.stop.abort();
    await replica.tls.stopped;
    replica.server.close();
  }
  await api.stop();
});

const storedSecret = (): Record<string, string> =>
  ((api.get('', 'secrets', NAMESPACE, CLUSTER_OBJECT_NAMES.certSecret) as { data?: Record<string, string> } | undefined)?.data ?? {});
const decoded = (key: string): string => Buffer.from(storedSecret()[key] ?? '', 'base64').toString('utf8');
const leaderOf = (group: readonly Replica[]): Replica | undefined => group.find((replica) => replica.tls.elector?.isLeader() === true);
const caBundlePatches = (): number => api.requests.filter((entry) => entry.verb === 'patch' && entry.status === 200).length;

test('no certificate (not ready) until one is loaded; then two replicas started together serve one CA the API server trusts', async () => {
  const [a, b] = await Promise.all([startReplica('pod-a'), startReplica('pod-b')]);
  expect((await handshake(a.port, '')).error).toBeDefined();
  await waitFor('both replicas have a certificate', () => a.tls.source.current() !== undefined && b.tls.source.current() !== undefined);
  await waitFor('caBundle written', () => storedBundles(api)[0] !== '');
  const ca = decoded(CERT_SECRET_KEYS.caCert);
  expect(a.tls.source.current()?.caPem).toBe(ca);
  expect(b.tls.source.current()?.caPem).toBe(ca);
  expect(a.tls.source.current()?.certPem).toBe(b.tls.source.current()?.certPem);
  expect(storedBundles(api)).toEqual([ca]);
  for (const replica of [a, b]) {
    const result = await handshake(replica.port, storedBundles(api)[0]!);
    expect([replica.name, result.authorized, result.error]).toEqual([replica.name, true, undefined]);
  }
  expect(caBundlePatches()).toBe(1);
  const leader = leaderOf([a, b])!;
  expect(leader.log.events.map((e) => e.event)).toEqual(expect.arrayContaining(['leader-election.acquired', 'certificate.ca-generated', 'certificate.rotated', 'certificate.stored', 'certificate.loaded', 'ca-bundle.written']));
  const follower = leader === a ? b : a;
  expect(follower.log.events.find((e) => e.event === 'certificate.loaded')).toMatchObject({ role: 'follower', source: 'secret' });
  expect(follower.log.events.some((e) => e.event === 'ca-bundle.written' || e.event === 'certificate.ca-generated')).toBe(false);
  // The leaf names the Service's DNS names.
  expect(new X509Certificate(a.tls.source.current()!.certPem).subjectAltName).toBe(HOSTS.map((host) => `DNS:${host}`).join(', '));
});

test('the leader dies: a follower takes over and the served CA and caBundle do not change', async () => {
  const a = await startReplica('pod-a');
  await waitFor('a leads and serves', () => a.tls.elector?.isLeader() === true && a.tls.source.current() !== undefined && storedBundles(api)[0] !== '');
  const [b, c] = await Promise.all([startReplica('pod-b'), startReplica('pod-c')]);
  await waitFor('followers serve', () => b.tls.source.current() !== undefined && c.tls.source.current() !== undefined);
  const caBefore = decoded(CERT_SECRET_KEYS.caCert);
  const bundleBefore = storedBundles(api)[0]!;
  const patchesBefore = caBundlePatches();

  a.kill();
  await waitFor('a new leader', () => leaderOf([b, c]) !== undefined);
  const successor = leaderOf([b, c])!;
  await waitFor('the new leader checked the caBundle', () => successor.log.events.some((e) => e.event === 'ca-bundle.current'));

  expect(decoded(CERT_SECRET_KEYS.caCert)).toBe(caBefore);
  expect(storedBundles(api)[0]).toBe(bundleBefore);
  expect(caBundlePatches()).toBe(patchesBefore);
  expect(successor.log.events.some((e) => e.event === 'certificate.ca-generated')).toBe(false);
  for (const replica of [b, c]) {
    expect(replica.tls.source.current()?.caPem).toBe(caBefore);
    expect((await handshake(replica.port, bundleBefore)).authorized).toBe(true);
  }
});

test('the leader renews the leaf before it expires; every replica serves the new one under the same CA', async () => {
  const shortLeaf = { ...FAST, leafValidityMs: 3_000 };
  const [a, b] = await Promise.all([startReplica('pod-a', shortLeaf), startReplica('pod-b', shortLeaf)]);
  await waitFor('both serve', () => a.tls.source.current() !== undefined && b.tls.source.current() !== undefined);
  const ca = decoded(CERT_SECRET_KEYS.caCert);
  const firstLeaf = decoded(CERT_SECRET_KEYS.leafCert);
  await waitFor('leaf rotated in the Secret', () => decoded(CERT_SECRET_KEYS.leafCert) !== firstLeaf);
  const secondLeaf = decoded(CERT_SECRET_KEYS.leafCert);
  await waitFor('both serve the new leaf', () => [a, b].every((r) => r.tls.source.current()?.certPem !== firstLeaf));
  expect(decoded(CERT_SECRET_KEYS.caCert)).toBe(ca);
  expect(storedBundles(api)).toEqual([ca]);
  expect(new X509Certificate(secondLeaf).checkIssued(new X509Certificate(ca))).toBe(true);
  expect(leaderOf([a, b])!.log.events.filter((e) => e.event === 'certificate.rotated').map((e) => e.reason)).toEqual(expect.arrayContaining(['expiring']));
  for (const replica of [a, b]) expect((await handshake(replica.port, storedBundles(api)[0]!)).authorized).toBe(true);
});

test('API faults (409, 500, outage) delay but do not break convergence', async () => {
  api.injectFault({ verb: 'create', resource: 'secrets', status: 500, times: 2 });
  api.injectFault({ verb: 'patch', resource: 'mutatingwebhookconfigurations', status: 409, times: 2 });
  api.injectFault({ verb: 'get', resource: 'leases', status: 503, times: 3 });
  const [a, b] = await Promise.all([startReplica('pod-a'), startReplica('pod-b')]);
  await waitFor('serving', () => a.tls.source.current() !== undefined && b.tls.source.current() !== undefined);
  await waitFor('caBundle right', () => storedBundles(api)[0] === decoded(CERT_SECRET_KEYS.caCert));
  api.setDown(true);
  await waitFor('an outage noticed', () => [a, b].some((r) => r.log.events.some((e) => e.event === 'leader-election.error' && e.kind === 'network')));
  api.setDown(false);
  await waitFor('a leader again', () => leaderOf([a, b]) !== undefined);
  expect(a.tls.source.current()?.caPem).toBe(decoded(CERT_SECRET_KEYS.caCert));
  expect(b.tls.source.current()?.caPem).toBe(decoded(CERT_SECRET_KEYS.caCert));
  const statuses = new Set(api.requests.map((entry) => entry.status));
  expect([...statuses]).toEqual(expect.arrayContaining([200, 409, 500, 503]));
});

test('if the Secret is lost the leader makes a new CA and the caBundle keeps the old one during rollover', async () => {
  const a = await startReplica('pod-a');
  await waitFor('serving', () => a.tls.source.current() !== undefined && storedBundles(api)[0] !== '');
  const oldCa = decoded(CERT_SECRET_KEYS.caCert);
  api.remove('', 'secrets', NAMESPACE, CLUSTER_OBJECT_NAMES.certSecret);
  await waitFor('new CA stored', () => decoded(CERT_SECRET_KEYS.caCert) !== '' && decoded(CERT_SECRET_KEYS.caCert) !== oldCa);
  const newCa = decoded(CERT_SECRET_KEYS.caCert);
  await waitFor('caBundle rolled over', () => pemCertificates(storedBundles(api)[0]!).at(-1) === newCa);
  expect(pemCertificates(storedBundles(api)[0]!)).toEqual([oldCa, newCa]);
  await waitFor('serving the new leaf', () => a.tls.source.current()?.caPem === newCa);
  expect((await handshake(a.port, storedBundles(api)[0]!)).authorized).toBe(true);
});
