// The fake answers the real @kubernetes/client-node the way the API server documents: objects
// with resourceVersion, 404/409/403/415/422 Status bodies, JSON patch, MicroTime leases, and
// faults and a request log for the cluster tests.
/* eslint-disable @typescript-eslint/no-unsafe-class-instance-assignment -- client-node's model classes stand for plain wire JSON; the API takes object literals */
import { request as httpsRequest } from 'node:https';

import {
  AdmissionregistrationV1Api,
  ApiException,
  CoordinationV1Api,
  CoreV1Api,
  V1MicroTime,
  type V1Lease,
} from '@kubernetes/client-node';

import { FakeKubeApi } from './fake-kube-api.js';
import { kubeConfigFor } from './kube-config.js';
import { authorizerFrom } from './rbac.js';

const NS = 'vault-injector';
const USER = 'system:serviceaccount:vault-injector:vault-injector';
let api: FakeKubeApi;

beforeEach(async () => {
  api = new FakeKubeApi();
  await api.start();
  api.addUser('token-a', USER);
});

afterEach(async () => {
  await api.stop();
});

async function failure(promise: Promise<unknown>): Promise<{ code: number; body: { kind: string; reason: string; code: number; message: string } }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiException) {
      const body = typeof error.body === 'string' ? (JSON.parse(error.body) as never) : (error.body as never);
      return { code: error.code, body };
    }
    throw error;
  }
  throw new Error('expected the request to fail');
}

test('Secret: 404 Status, create, get, update with resourceVersion, 409 Conflict when stale, AlreadyExists', async () => {
  const core = kubeConfigFor(api, 'token-a').makeApiClient(CoreV1Api);
  const missing = await failure(core.readNamespacedSecret({ name: 'certs', namespace: NS }));
  expect(missing.code).toBe(404);
  expect(missing.body).toMatchObject({ kind: 'Status', reason: 'NotFound', code: 404, message: 'secrets "certs" not found' });

  const created = await core.createNamespacedSecret({
    namespace: NS,
    body: { metadata: { name: 'certs' }, data: { a: Buffer.from('one').toString('base64') }, stringData: { b: 'two' } },
  });
  expect(created.metadata?.resourceVersion).toMatch(/^\d+$/);
  expect(created.data).toEqual({ a: 'b25l', b: 'dHdv' });
  expect((await failure(core.createNamespacedSecret({ namespace: NS, body: { metadata: { name: 'certs' } } }))).body.reason).toBe('AlreadyExists');

  const read = await core.readNamespacedSecret({ name: 'certs', namespace: NS });
  const updated = await core.replaceNamespacedSecret({ name: 'certs', namespace: NS, body: { metadata: read.metadata ?? {}, data: { a: 'eA==' } } });
  expect(Number(updated.metadata?.resourceVersion)).toBeGreaterThan(Number(read.metadata?.resourceVersion));
  const stale = await failure(core.replaceNamespacedSecret({ name: 'certs', namespace: NS, body: read }));
  expect(stale.code).toBe(409);
  expect(stale.body.reason).toBe('Conflict');
  expect(stale.body.message).toMatch(/the object has been modified/);
});

test('Lease: MicroTime round trip; a millisecond timestamp is rejected as the API server would', async () => {
  const coordination = kubeConfigFor(api, 'token-a').makeApiClient(CoordinationV1Api);
  const body: V1Lease = {
    metadata: { name: 'leader' },
    spec: { holderIdentity: 'pod-a', leaseDurationSeconds: 15, renewTime: new V1MicroTime(Date.UTC(2026, 0, 1, 0, 0, 0, 123)) },
  };
  const created = await coordination.createNamespacedLease({ namespace: NS, body });
  expect(created.spec?.renewTime as unknown).toBe('2026-01-01T00:00:00.123000Z');
  const bad = { metadata: { name: 'other' }, spec: { renewTime: new Date() } } as unknown as V1Lease;
  expect((await failure(coordination.createNamespacedLease({ namespace: NS, body: bad }))).code).toBe(422);
});

test('MutatingWebhookConfiguration: JSON patch applies; other patch types are 415', async () => {
  api.seed('admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration', {
    metadata: { name: 'cfg' },
    webhooks: [{ name: 'a.example.com', clientConfig: {} }, { name: 'b.example.com', clientConfig: { caBundle: '' } }],
  });
  const admission = kubeConfigFor(api, 'token-a').makeApiClient(AdmissionregistrationV1Api);
  const patched = await admission.patchMutatingWebhookConfiguration({
    name: 'cfg',
    body: [{ op: 'add', path: '/webhooks/1/clientConfig/caBundle', value: 'Q0E=' }],
  });
  expect(patched.webhooks?.[1]?.clientConfig.caBundle).toBe('Q0E=');
  expect(api.requests.at(-1)).toMatchObject({ verb: 'patch', contentType: 'application/json-patch+json', status: 200 });
  expect((await failure(admission.patchMutatingWebhookConfiguration({ name: 'cfg', body: [{ op: 'replace', path: '/webhooks/5/x', value: 1 }] }))).code).toBe(422);
  expect((await failure(admission.patchMutatingWebhookConfiguration({ name: 'cfg', body: [{ op: 'add', path: '/webhooks/0/clientConfig/caBundle', value: '%%' }] }))).code).toBe(422);

  const mergePatch = await new Promise<{ status: number | undefined; body: string }>((resolve, reject) => {
    const request = httpsRequest(
      `${api.url}/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/cfg`,
      { method: 'PATCH', ca: api.caPem, headers: { authorization: 'Bearer token-a', 'content-type': 'application/merge-patch+json' } },
      (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => {
          resolve({ status: response.statusCode, body });
        });
      },
    );
    request.on('error', reject);
    request.end('{"webhooks":[]}');
  });
  expect(mergePatch.status).toBe(415);
  expect(JSON.parse(mergePatch.body)).toMatchObject({ kind: 'Status', reason: 'UnsupportedMediaType', code: 415 });
});

test('unknown tokens are 401, unknown paths 404 Status', async () => {
  const stranger = kubeConfigFor(api, 'nope').makeApiClient(CoreV1Api);
  expect((await failure(stranger.readNamespacedSecret({ name: 'x', namespace: NS }))).code).toBe(401);
  const core = kubeConfigFor(api, 'token-a').makeApiClient(CoreV1Api);
  const unknown = await failure(core.readNamespacedConfigMap({ name: 'x', namespace: NS }));
  expect(unknown.body).toMatchObject({ kind: 'Status', reason: 'NotFound', message: 'the server could not find the requested resource' });
});

test('an authorizer built from Role rules: allowed by resourceName, 403 Status otherwise', async () => {
  api.setAuthorizer(
    authorizerFrom([
      { kind: 'Role', metadata: { name: 'r', namespace: NS }, rules: [{ apiGroups: [''], resources: ['secrets'], resourceNames: ['certs'], verbs: ['get'] }] },
      { kind: 'RoleBinding', metadata: { name: 'rb', namespace: NS }, roleRef: { kind: 'Role', name: 'r' }, subjects: [{ kind: 'ServiceAccount', name: 'vault-injector', namespace: NS }] },
    ]),
  );
  api.seed('v1', 'Secret', { metadata: { name: 'certs', namespace: NS } });
  const core = kubeConfigFor(api, 'token-a').makeApiClient(CoreV1Api);
  await expect(core.readNamespacedSecret({ name: 'certs', namespace: NS })).resolves.toBeDefined();
  const denied = await failure(core.readNamespacedSecret({ name: 'other', namespace: NS }));
  expect(denied.code).toBe(403);
  expect(denied.body.message).toBe(
    `secrets "other" is forbidden: User "${USER}" cannot get resource "secrets" in API group "" in the namespace "${NS}"`,
  );
  expect((await failure(core.createNamespacedSecret({ namespace: NS, body: { metadata: { name: 'certs' } } }))).code).toBe(403);
});

test('faults: a status for the next N matching requests; down resets connections; all logged', async () => {
  api.seed('v1', 'Secret', { metadata: { name: 'certs', namespace: NS } });
  const core = kubeConfigFor(api, 'token-a').makeApiClient(CoreV1Api);
  api.injectFault({ verb: 'get', resource: 'secrets', status: 500, times: 2 });
  expect((await failure(core.readNamespacedSecret({ name: 'certs', namespace: NS }))).code).toBe(500);
  expect((await failure(core.readNamespacedSecret({ name: 'certs', namespace: NS }))).code).toBe(500);
  await expect(core.readNamespacedSecret({ name: 'certs', namespace: NS })).resolves.toBeDefined();

  api.setDown(true);
  await expect(core.readNamespacedSecret({ name: 'certs', namespace: NS })).rejects.toThrow();
  api.setDown(false);
  await expect(core.readNamespacedSecret({ name: 'certs', namespace: NS })).resolves.toBeDefined();
  expect(api.requests.map((entry) => entry.status)).toEqual([500, 500, 200, 200]);
  expect(api.requests[0]).toMatchObject({ method: 'GET', verb: 'get', apiGroup: '', resource: 'secrets', namespace: NS, name: 'certs', user: USER });
});
