// The caBundle updater against the fake API server (real client-node, deploy/'s RBAC): writes
// every webhook, retries through 409/500/outages until the bundle is right, rewrites on CA change
// and when someone resets it, and never writes when it is not the writer.
import { CaBundleUpdater } from '../../webhook/src/cluster/ca-bundle-updater.js';
import { pemCertificates } from '../../webhook/src/cluster/ca-bundle.js';
import { createClusterApi } from '../../webhook/src/cluster/cluster-api.js';
import { generateCa } from '../../webhook/src/tls/x509.js';
import type { FakeKubeApi } from '../k8s-fake/fake-kube-api.js';
import { kubeConfigFor } from '../k8s-fake/kube-config.js';
import {
  captureLogger,
  FAST_BACKOFF,
  seedWebhookConfiguration,
  startFakeCluster,
  storedBundles,
  waitFor,
  WEBHOOK_CONFIGURATION,
  type CapturedLogger,
} from './cluster-test-kit.js';

let api: FakeKubeApi;
let log: CapturedLogger;
let stop: AbortController;
let caA: string;
let caB: string;

beforeAll(async () => {
  caA = (await generateCa({ now: new Date() })).certPem;
  caB = (await generateCa({ now: new Date() })).certPem;
});

beforeEach(async () => {
  api = await startFakeCluster();
  log = captureLogger();
  stop = new AbortController();
});

afterEach(async () => {
  stop.abort();
  await api.stop();
});

function startUpdater(options: { isWriter?: () => boolean; checkIntervalMs?: number; name?: string; run?: boolean } = {}): CaBundleUpdater {
  const updater = new CaBundleUpdater({
    api: createClusterApi(kubeConfigFor(api, 'replica-a'), { timeoutMs: 2_000 }),
    webhookConfigurationName: options.name ?? WEBHOOK_CONFIGURATION,
    logger: log.logger,
    isWriter: options.isWriter ?? (() => true),
    backoff: FAST_BACKOFF,
    checkIntervalMs: options.checkIntervalMs ?? 60_000,
  });
  if (options.run !== false) void updater.run(stop.signal);
  return updater;
}

const patches = (): number => api.requests.filter((entry) => entry.verb === 'patch' && entry.status === 200).length;

test('writes our CA into every webhook of the configuration with one JSON patch', async () => {
  seedWebhookConfiguration(api, 3);
  const updater = startUpdater();
  updater.setCa(caA);
  await waitFor('bundle current', () => updater.state === 'current');
  expect(storedBundles(api)).toEqual([caA, caA, caA]);
  expect(patches()).toBe(1);
  expect(api.requests.filter((entry) => entry.verb === 'patch').map((entry) => entry.contentType)).toEqual(['application/json-patch+json']);
  expect(log.events.find((event) => event.event === 'ca-bundle.written')).toMatchObject({
    webhookConfiguration: WEBHOOK_CONFIGURATION,
    webhooks: [0, 1, 2],
    caFingerprint: expect.stringMatching(/^[0-9A-F:]{95}$/) as unknown,
  });
});

test('409 and 500 answers are retried with backoff until the caBundle is right', async () => {
  seedWebhookConfiguration(api);
  api.injectFault({ verb: 'get', resource: 'mutatingwebhookconfigurations', status: 500, times: 2 });
  api.injectFault({ verb: 'patch', resource: 'mutatingwebhookconfigurations', status: 409, times: 2 });
  const updater = startUpdater();
  updater.setCa(caA);
  await waitFor('bundle current', () => updater.state === 'current');
  expect(storedBundles(api)).toEqual([caA]);
  const statuses = api.requests.map((entry) => `${entry.verb} ${entry.status}`);
  expect(statuses).toEqual(['get 500', 'get 500', 'get 200', 'patch 409', 'get 200', 'patch 409', 'get 200', 'patch 200']);
  const retries = log.events.filter((event) => event.event === 'ca-bundle.retry');
  expect(retries.map((event) => [event.kind, event.attempt])).toEqual([
    ['server', 1],
    ['server', 2],
    ['conflict', 3],
    ['conflict', 4],
  ]);
  expect(retries.every((event) => event.level === 40)).toBe(true);
});

test('an API server that is down is retried until it is back', async () => {
  seedWebhookConfiguration(api);
  api.setDown(true);
  const updater = startUpdater();
  updater.setCa(caA);
  await waitFor('three failed attempts', () => log.events.filter((event) => event.event === 'ca-bundle.retry').length >= 3);
  expect(log.events.filter((event) => event.event === 'ca-bundle.retry').every((event) => event.kind === 'network')).toBe(true);
  api.setDown(false);
  await waitFor('bundle current', () => updater.state === 'current');
  expect(storedBundles(api)).toEqual([caA]);
});

test('a new CA is written with the previous one kept in front (rollover)', async () => {
  seedWebhookConfiguration(api);
  const updater = startUpdater();
  updater.setCa(caA);
  await waitFor('first CA written', () => updater.state === 'current' && storedBundles(api)[0] === caA);
  updater.setCa(caB);
  await waitFor('second CA written', () => updater.state === 'current' && pemCertificates(storedBundles(api)[0]!).at(-1) === caB);
  expect(pemCertificates(storedBundles(api)[0]!)).toEqual([caA, caB]);
});

test('the periodic check restores a bundle that someone reset', async () => {
  seedWebhookConfiguration(api);
  const updater = startUpdater({ checkIntervalMs: 50 });
  updater.setCa(caA);
  await waitFor('written', () => patches() === 1);
  seedWebhookConfiguration(api); // as if `kubectl replace` wrote the manifest back without a caBundle
  expect(storedBundles(api)).toEqual(['']);
  await waitFor('rewritten', () => patches() === 2);
  expect(storedBundles(api)).toEqual([caA]);
});

test('a replica that is not the writer never calls the API', async () => {
  seedWebhookConfiguration(api);
  let writer = false;
  const updater = startUpdater({ isWriter: () => writer, checkIntervalMs: 1_000, run: false });
  updater.setCa(caA);
  expect(await updater.step()).toBe(1_000);
  expect(await updater.step()).toBe(1_000);
  expect(api.requests).toEqual([]);
  expect(updater.state).toBe('idle');
  writer = true;
  expect(await updater.step()).toBe(1_000);
  expect(updater.state).toBe('current');
  expect(storedBundles(api)).toEqual([caA]);
});

test('a configuration the RBAC does not cover is a logged error (403), retried at the capped delay', async () => {
  seedWebhookConfiguration(api);
  const updater = startUpdater({ name: 'someone-elses-webhook' });
  updater.setCa(caA);
  await waitFor('an error event', () => log.events.some((event) => event.event === 'ca-bundle.retry'));
  const event = log.events.find((candidate) => candidate.event === 'ca-bundle.retry')!;
  expect(event).toMatchObject({ level: 50, kind: 'forbidden', status: 403, retryInMs: FAST_BACKOFF.maxMs });
  expect(String(event.err)).toMatch(/cannot get resource "mutatingwebhookconfigurations"/);
  expect(updater.state).toBe('retrying');
});
