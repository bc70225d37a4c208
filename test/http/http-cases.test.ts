// The `http` cases of both case files (sample and upstream) over real HTTPS against the built webhook, one process per flag
// set. Each case's request is derived from its notes and pod fields; expectations from its text.
import { startWebhook } from '../helpers/webhook-process.js';
import type { WebhookProcess } from '../helpers/webhook-process.js';
import { CASE_FILES, groupByFlags, loadCases } from '../helpers/vault-k8s-cases.js';
import type { VaultK8sCase as SampleCase } from '../helpers/vault-k8s-cases.js';

const cases = CASE_FILES.flatMap(({ file }) => loadCases('http', file));

function notes(sample: SampleCase): string {
  return typeof sample.pod_extra['notes'] === 'string' ? sample.pod_extra['notes'] : '';
}

/** The pod a case describes: its annotations, name, namespace and spec overrides. */
function podOf(sample: SampleCase): Record<string, unknown> {
  const extra = sample.pod_extra;
  const metadata: Record<string, unknown> = { annotations: sample.pod_annotations };
  if (typeof extra['metadata_name'] === 'string') metadata['name'] = extra['metadata_name'];
  if (typeof extra['namespace'] === 'string') metadata['namespace'] = extra['namespace'];
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec: extra['spec'] ?? { containers: [{ name: 'app' }] } };
}

function review(apiVersion: string, uid: string, namespace: string, object: unknown): unknown {
  return {
    apiVersion,
    kind: 'AdmissionReview',
    request: {
      uid,
      kind: { group: '', version: 'v1', kind: 'Pod' },
      resource: { group: '', version: 'v1', resource: 'pods' },
      namespace,
      operation: 'CREATE',
      object,
    },
  };
}

interface ReviewReply {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly response?: { readonly uid?: string; readonly allowed?: boolean; readonly patch?: string; readonly patchType?: string };
}

async function contentTypeCase(webhook: WebhookProcess, sample: SampleCase): Promise<void> {
  const contentType = /Content-Type: ([^\s,]+)/.exec(notes(sample))?.[1];
  const status = Number(/HTTP (\d{3})/.exec(sample.expect)?.[1]);
  const exact = /exact: '(.*)'( plus newline)?/.exec(sample.expect);
  expect(contentType).toBeDefined();
  const result = await webhook.request({ method: 'POST', path: '/mutate', contentType: contentType!, body: '' });
  expect(result.status).toBe(status);
  expect(result.body).toBe(`${exact![1]!}${exact![2] === undefined ? '' : '\n'}`);
}

async function versionCase(webhook: WebhookProcess, sample: SampleCase): Promise<void> {
  const apiVersion = /apiVersion ([^\s,]+)/.exec(notes(sample))?.[1];
  expect(apiVersion).toBe('admission.k8s.io/v1beta1');
  const namespace = typeof sample.pod_extra['namespace'] === 'string' ? sample.pod_extra['namespace'] : 'default';
  const beta = await webhook.postReview(review(apiVersion!, 'uid-v1beta1', namespace, podOf(sample)));
  const v1 = await webhook.postReview(review('admission.k8s.io/v1', 'uid-v1', namespace, podOf(sample)));
  expect(beta.status).toBe(200);
  const reply = beta.json as ReviewReply;
  expect(reply.apiVersion).toBe(apiVersion);
  expect(reply.kind).toBe('AdmissionReview');
  expect(reply.response?.uid).toBe('uid-v1beta1');
  const v1Reply = v1.json as ReviewReply;
  expect(v1Reply.apiVersion).toBe('admission.k8s.io/v1');
  expect(v1Reply.response?.uid).toBe('uid-v1');
  expect(reply.response?.allowed).toBe(v1Reply.response?.allowed);
  expect(reply.response?.patch).toBe(v1Reply.response?.patch);
  expect(reply.response?.patchType).toBe(v1Reply.response?.patchType);
}

async function nonPodCase(webhook: WebhookProcess, sample: SampleCase): Promise<void> {
  expect(notes(sample)).toContain('ConfigMap');
  const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'test', annotations: sample.pod_annotations }, data: { key: 'value' } };
  const result = await webhook.postReview(review('admission.k8s.io/v1', 'uid-configmap', 'test', configMap));
  expect(result.status).toBe(200);
  expect((result.json as ReviewReply).response).toEqual({ uid: 'uid-configmap', allowed: true });
}

function handlerFor(sample: SampleCase): (webhook: WebhookProcess, sample: SampleCase) => Promise<void> {
  if (/Content-Type:/.test(notes(sample))) return contentTypeCase;
  if (/apiVersion admission\.k8s\.io\/v1beta1/.test(notes(sample))) return versionCase;
  if (/ConfigMap/.test(notes(sample))) return nonPodCase;
  throw new Error(`no request recipe for http case ${sample.id}`);
}

describe('http cases from the sample file', () => {
  it('has the 3 http cases of the sample and the upstream ones', () => {
    expect(loadCases('http')).toHaveLength(3);
    expect(cases.length).toBeGreaterThan(3);
  });

  for (const group of groupByFlags(cases)) {
    describe(`flags ${JSON.stringify(group[0]!.injector_flags)}`, () => {
      let webhook: WebhookProcess;
      beforeAll(async () => {
        webhook = await startWebhook({ flags: group[0]!.injector_flags });
      });
      afterAll(async () => {
        await webhook.stop();
      });
      it.each(group.map((sample) => [sample.id, sample] as const))('%s', async (_id, sample) => {
        await handlerFor(sample)(webhook, sample);
      });
    });
  }
});
