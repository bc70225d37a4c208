// Admission warnings where operators look, and strict mode, against the built webhook process over
// real HTTPS: each warning is in the AdmissionResponse, in the JSON admission log line (`warnings`)
// and in vault_injector_admission_warnings_total{kind}; -strict / VAULT_INJECTOR_STRICT and the
// agent-inject-strict annotation turn the same pod into a denial that lists the warnings.
import { startWebhook, type WebhookProcess } from '../helpers/webhook-process.js';

const A = 'vault.hashicorp.com/';
const TYPO_KEY = `${A}agent-inject-secrets-db`;
const SECRET_PATH = 'database/creds/app-7f3c';

interface ReviewReply {
  readonly response: {
    readonly uid: string;
    readonly allowed: boolean;
    readonly patch?: string;
    readonly warnings?: readonly string[];
    readonly status?: { readonly message: string };
  };
}

/** A pod with a service-account mount, two warnings (unknown key, broken template) and `extra` annotations. */
function review(uid: string, extra: Record<string, string> = {}): unknown {
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid,
      namespace: 'shop',
      operation: 'CREATE',
      kind: { group: '', version: 'v1', kind: 'Pod' },
      resource: { group: '', version: 'v1', resource: 'pods' },
      object: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          generateName: 'shop-6c7f9d8b5-',
          annotations: {
            [`${A}agent-inject`]: 'true',
            [`${A}role`]: 'shop',
            [TYPO_KEY]: SECRET_PATH,
            [`${A}agent-inject-secret-config`]: 'secret/data/shop',
            [`${A}agent-inject-template-config`]: '{{ with secret "secret/data/shop" }}{{ .Data.data.password }',
            ...extra,
          },
        },
        spec: {
          containers: [{ name: 'app', image: 'shop:1', volumeMounts: [{ name: 'sa', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }] }],
          volumes: [{ name: 'sa', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } }],
        },
      },
    },
  };
}

/** A clean pod: no warnings at all. */
function cleanReview(uid: string, extra: Record<string, string> = {}): unknown {
  const base = review(uid, extra) as { request: { object: { metadata: { annotations: Record<string, string> } } } };
  const metadata = base.request.object.metadata;
  metadata.annotations = Object.fromEntries(Object.entries(metadata.annotations).filter(([key]) => key !== TYPO_KEY));
  metadata.annotations[`${A}agent-inject-template-config`] = '{{ with secret "secret/data/shop" }}{{ .Data.data.password }}{{ end }}';
  return base;
}

function warningCounts(exposition: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const match of exposition.matchAll(/^vault_injector_admission_warnings_total\{kind="([a-z_]+)"\} (\d+)$/gm)) counts[match[1]!] = Number(match[2]);
  return counts;
}

function admissionLine(webhook: WebhookProcess, uid: string): Record<string, unknown> {
  const lines = webhook
    .logs()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  const line = lines.find((entry) => entry['@message'] === 'admission' && entry['uid'] === uid);
  if (line === undefined) throw new Error(`no admission line for ${uid}`);
  return line;
}

async function post(webhook: WebhookProcess, body: unknown): Promise<ReviewReply['response']> {
  const reply = await webhook.postReview(body);
  expect(reply.status).toBe(200);
  return (reply.json as ReviewReply).response;
}

describe('admission warnings, default mode', () => {
  let webhook: WebhookProcess;
  beforeAll(async () => {
    webhook = await startWebhook({ flags: { 'log-format': 'json', 'telemetry-path': '/metrics' } });
  });
  afterAll(async () => {
    await webhook.stop();
  });

  it('exports every warning kind from 0 before any admission', async () => {
    const counts = warningCounts((await webhook.request({ path: '/metrics' })).body);
    expect(counts).toEqual({ unknown_annotation: 0, unknown_container: 0, template_syntax: 0, pod_volume_reused: 0, agent_image: 0, configmap_ready_file: 0 });
  });

  it('admits the pod with its warnings, logs them and counts them by kind', async () => {
    const response = await post(webhook, review('warned-1'));
    expect(response.allowed).toBe(true);
    expect(response.warnings).toHaveLength(2);
    expect(response.warnings?.[0]).toBe(`unknown annotation ${TYPO_KEY} is ignored (did you mean ${A}agent-inject-secret-db?)`);
    expect(response.warnings?.[1]).toMatch(/^the template in vault\.hashicorp\.com\/agent-inject-template-config does not parse/);

    await webhook.waitForOutput(/"uid":"warned-1"/);
    const line = admissionLine(webhook, 'warned-1');
    expect(line).toMatchObject({ '@level': 'info', decision: 'injected', allowed: true });
    const logged = line['warnings'] as string[];
    expect(logged).toHaveLength(2);
    expect(logged[0]).toBe(`unknown_annotation: unknown annotation ${TYPO_KEY} is ignored (did you mean ${A}agent-inject-secret-db?)`);
    expect(logged[1]).toMatch(/^template_syntax: the template in vault\.hashicorp\.com\/agent-inject-template-config does not parse/);

    await post(webhook, review('warned-2'));
    const counts = warningCounts((await webhook.request({ path: '/metrics' })).body);
    expect(counts).toMatchObject({ unknown_annotation: 2, template_syntax: 2, pod_volume_reused: 0 });
    // Labels are kinds only: no annotation key or value reaches the metric.
    expect((await webhook.request({ path: '/metrics' })).body).not.toContain('agent-inject-secrets-db');
  });

  it('a pod without warnings has no warnings field in its log line and moves no counter', async () => {
    const before = warningCounts((await webhook.request({ path: '/metrics' })).body);
    const response = await post(webhook, cleanReview('clean-1'));
    expect(response).toMatchObject({ allowed: true });
    expect(response.warnings).toBeUndefined();
    await webhook.waitForOutput(/"uid":"clean-1"/);
    expect(admissionLine(webhook, 'clean-1')).not.toHaveProperty('warnings');
    expect(warningCounts((await webhook.request({ path: '/metrics' })).body)).toEqual(before);
  });

  it('the log never carries the annotation values the warnings quote', () => {
    expect(webhook.logs()).not.toContain(SECRET_PATH);
    expect(webhook.logs()).not.toContain('.Data.data.password');
  });

  it('agent-inject-strict: "true" denies that pod with a leading sentence and every warning; "false" changes nothing', async () => {
    const response = await post(webhook, review('strict-pod', { [`${A}agent-inject-strict`]: 'true' }));
    expect(response.allowed).toBe(false);
    expect(response.patch).toBeUndefined();
    const message = response.status?.message ?? '';
    expect(message).toMatch(/^Fix the admission warnings below \(strict mode is on: the pod sets vault\.hashicorp\.com\/agent-inject-strict\): \(1\) unknown annotation /);
    expect(message).toContain('(2) the template in vault.hashicorp.com/agent-inject-template-config does not parse');
    expect(response.warnings).toHaveLength(2);
    await webhook.waitForOutput(/"uid":"strict-pod"/);
    expect(admissionLine(webhook, 'strict-pod')).toMatchObject({ '@level': 'warn', decision: 'denied', allowed: false });

    expect((await post(webhook, review('not-strict', { [`${A}agent-inject-strict`]: 'false' }))).allowed).toBe(true);
    expect((await post(webhook, cleanReview('strict-clean', { [`${A}agent-inject-strict`]: 'true' }))).allowed).toBe(true);
  });

  it('a strict value that is not a Go bool denies the pod naming the annotation', async () => {
    const response = await post(webhook, cleanReview('strict-bad', { [`${A}agent-inject-strict`]: 'yes' }));
    expect(response.allowed).toBe(false);
    expect(response.status?.message).toContain(`${A}agent-inject-strict="yes"`);
  });
});

describe.each([
  ['the -strict flag', { strict: true }],
  ['VAULT_INJECTOR_STRICT', { 'env:VAULT_INJECTOR_STRICT': 'true' }],
])('strict mode from %s', (_label, flags) => {
  let webhook: WebhookProcess;
  beforeAll(async () => {
    webhook = await startWebhook({ flags: { 'log-format': 'json', 'telemetry-path': '/metrics', ...flags } });
  });
  afterAll(async () => {
    await webhook.stop();
  });

  it('denies a pod with warnings, still returns and counts them; a pod cannot opt out; a clean pod is injected', async () => {
    const response = await post(webhook, review('flag-strict', { [`${A}agent-inject-strict`]: 'false' }));
    expect(response.allowed).toBe(false);
    expect(response.status?.message).toMatch(/^Fix the admission warnings below \(strict mode is on: the injector runs with -strict\): \(1\) /);
    expect(response.warnings).toHaveLength(2);
    expect(warningCounts((await webhook.request({ path: '/metrics' })).body)).toMatchObject({ unknown_annotation: 1, template_syntax: 1 });

    const clean = await post(webhook, cleanReview('flag-clean'));
    expect(clean.allowed).toBe(true);
    expect(typeof clean.patch).toBe('string');
  });
});
