// Malformed input against the built webhook (fast-check, 1,200 generated requests): wrong types,
// missing fields, huge strings, odd JSON, pods of the wrong shape, broken agent-json-patch
// annotations and raw garbage. The process must never crash, and must never answer 5xx: a body
// vault-k8s's deserializer cannot decode (its 500) is our 400, a client error.
import fc from 'fast-check';
import { startWebhook } from '../helpers/webhook-process.js';
import type { WebhookProcess } from '../helpers/webhook-process.js';

const RUNS = 300;
const ANNOTATION = 'vault.hashicorp.com/';

interface ReviewReply {
  readonly kind?: unknown;
  readonly apiVersion?: unknown;
  readonly response?: { readonly uid?: unknown; readonly allowed?: unknown };
}

const hugeString = fc.oneof(
  fc.integer({ min: 10_000, max: 300_000 }).map((size) => 'x'.repeat(size)),
  fc.integer({ min: 1_000, max: 50_000 }).map((size) => '\u{1F512}é\u0000"\\'.repeat(size)),
);
const oddString = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.constantFrom('', ' ', '\u0000', '\uFEFF', '\\', '"', '\uD800', 'null', '{}'), hugeString);
const anyJson = fc.oneof(fc.jsonValue({ maxDepth: 4 }), oddString, fc.constantFrom(-0, 1e308, -1e-308, Number.MAX_SAFE_INTEGER + 2));

/** A JSON value whose JSON type is not `type`. */
function notOfType(type: 'string' | 'object' | 'bool' | 'array'): fc.Arbitrary<unknown> {
  const candidates: Record<string, fc.Arbitrary<unknown>> = {
    string: oddString,
    number: fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })),
    bool: fc.boolean(),
    array: fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }),
    object: fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
  };
  return fc.oneof(...Object.entries(candidates).filter(([name]) => name !== type).map(([, arbitrary]) => arbitrary));
}

const jsonPatchAnnotation = fc.oneof(
  fc.constantFrom('[', '{"op":"add"}', '[{"op":"add","path":"/x"}]', '[{"op":"replace","path":"/securityContext/runAsUser","value":"!!"}]', 'bm90IGpzb24=', '%%%', '[{"op":"copy","from":"/nope","path":"/x"}]', '[{"op":"test","path":"/name","value":"other"}]'),
  fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)),
  oddString,
);

const annotations = fc.dictionary(
  fc.oneof(
    fc.constantFrom('agent-inject', 'agent-json-patch', 'agent-init-json-patch', 'role', 'agent-inject-secret-db', 'agent-inject-template-db', 'agent-pre-populate-only', 'agent-run-as-user', 'agent-limits-cpu', 'agent-inject-containers', 'agent-cache-enable').map((key) => ANNOTATION + key),
    fc.string({ maxLength: 20 }),
  ),
  fc.oneof(fc.constantFrom('true', 'false', 'TRUE', 'yes', ''), jsonPatchAnnotation, oddString),
  { maxKeys: 8 },
).map((entries) => ({ [`${ANNOTATION}agent-inject`]: 'true', ...entries }));

const container = fc.oneof(
  fc.record({ name: fc.oneof(fc.string({ maxLength: 10 }), notOfType('string')), image: fc.string(), volumeMounts: fc.oneof(fc.constant([{ name: 'sa', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }]), anyJson) }, { requiredKeys: [] }),
  anyJson,
);

/** Pod-like objects of every wrong shape, plus arbitrary JSON. */
const podObject = fc.oneof(
  fc.record(
    {
      apiVersion: fc.oneof(fc.constant('v1'), anyJson),
      kind: fc.oneof(fc.constant('Pod'), anyJson),
      metadata: fc.oneof(fc.record({ name: anyJson, generateName: anyJson, namespace: anyJson, annotations: fc.oneof(annotations, anyJson), labels: anyJson }, { requiredKeys: [] }), anyJson),
      spec: fc.oneof(fc.record({ containers: fc.oneof(fc.array(container, { maxLength: 4 }), anyJson), initContainers: fc.oneof(fc.array(container, { maxLength: 2 }), anyJson), volumes: anyJson, securityContext: anyJson }, { requiredKeys: [] }), anyJson),
      status: anyJson,
    },
    { requiredKeys: [] },
  ),
  anyJson,
);

function wellFormed(uid: string, object: unknown): unknown {
  return { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { uid, namespace: 'team', operation: 'CREATE', kind: { group: '', version: 'v1', kind: 'Pod' }, object } };
}

/** A review with exactly one known field given a JSON value of the wrong type. */
const wrongTypeReview = fc
  .oneof(
    notOfType('object').filter((value) => value !== null).map((value) => ({ request: value })),
    ...(['uid', 'namespace', 'name', 'operation', 'subResource'] as const).map((field) => notOfType('string').filter((value) => value !== null).map((value) => ({ request: { [field]: value } }))),
    notOfType('bool').filter((value) => value !== null).map((value) => ({ request: { uid: 'u', dryRun: value } })),
    notOfType('object').filter((value) => value !== null).map((value) => ({ request: { uid: 'u', kind: value } })),
    notOfType('array').filter((value) => value !== null).map((value) => ({ request: { uid: 'u', userInfo: { groups: value } } })),
    notOfType('string').filter((value) => value !== null).map((value) => ({ apiVersion: value, request: { uid: 'u' } })),
    notOfType('string').filter((value) => value !== null).map((value) => ({ kind: value, request: { uid: 'u' } })),
  )
  .map((review) => ({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', ...review }));

const rawBody = fc.oneof(
  fc.uint8Array({ minLength: 1, maxLength: 2048 }).map((bytes) => Buffer.from(bytes)),
  fc.jsonValue({ maxDepth: 3 }).chain((value) => {
    const text = JSON.stringify(value);
    return fc.integer({ min: 1, max: Math.max(1, text.length) }).map((cut) => Buffer.from(text.slice(0, cut)));
  }),
  fc.constantFrom('{"request":{"uid":"a"}}}', '{"request":{"uid":"a",}}', '\uFEFF{"request":{}}', '{"request":{"uid":"\\ud800"}}', '{"request":{"uid":"a"},"request":{"uid":"b"}}', '  \n\t{"request":{"uid":"ws"}}\n').map((text) => Buffer.from(text)),
);

/** vault-k8s's deserializer on a raw body: undecodable ⇒ its 500, our 400; null/no request ⇒ (crash ⇒) our 400. */
function rawOracle(body: Buffer): readonly number[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return [400];
  }
  if (parsed === null) return [400];
  if (typeof parsed !== 'object' || Array.isArray(parsed)) return [400];
  return [200, 400];
}

describe('malformed admission input', () => {
  let webhook: WebhookProcess;
  beforeAll(async () => {
    webhook = await startWebhook({ flags: { 'log-format': 'json' } });
  });
  afterAll(async () => {
    const status = await webhook.stop();
    // A clean SIGTERM exit: nothing crashed the process along the way.
    expect(status).toEqual({ code: 0, signal: null });
  });

  it('answers wrong-shaped pods and broken annotations with an AdmissionResponse, never a 500', async () => {
    let index = 0;
    await fc.assert(
      fc.asyncProperty(podObject, async (object) => {
        const uid = `pod-${index++}`;
        const result = await webhook.request({ path: '/mutate', body: JSON.stringify(wellFormed(uid, object)) });
        expect(result.status).toBe(200);
        const reply = JSON.parse(result.body) as ReviewReply;
        expect(reply.kind).toBe('AdmissionReview');
        expect(reply.response?.uid).toBe(uid);
        expect(typeof reply.response?.allowed).toBe('boolean');
      }),
      { numRuns: RUNS },
    );
  });

  it('answers 400 "error decoding admission request" when a known field has the wrong JSON type', async () => {
    await fc.assert(
      fc.asyncProperty(wrongTypeReview, async (review) => {
        const result = await webhook.request({ path: '/mutate', body: JSON.stringify(review) });
        expect(result.status).toBe(400);
        expect(result.body).toMatch(/^error decoding admission request: /);
      }),
      { numRuns: RUNS },
    );
  });

  it('answers 400 for reviews without a request, whatever else they carry', async () => {
    const noRequest = fc.record({ apiVersion: fc.oneof(fc.constant('admission.k8s.io/v1'), fc.string()), kind: fc.string(), request: fc.constant(null), response: fc.constant(null), extra: anyJson }, { requiredKeys: ['request'] }).chain((review) => fc.constantFrom(review, { ...review, request: undefined }));
    await fc.assert(
      fc.asyncProperty(noRequest, async (review) => {
        const result = await webhook.request({ path: '/mutate', body: JSON.stringify(review) });
        expect(result.status).toBe(400);
      }),
      { numRuns: RUNS },
    );
  });

  it('answers raw garbage and truncated JSON with 200 or 400, never 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(rawBody, async (body) => {
        const result = await webhook.request({ path: '/mutate', body });
        expect(rawOracle(body)).toContain(result.status);
      }),
      { numRuns: RUNS },
    );
  });

  it('is still healthy and logged no crash', async () => {
    expect((await webhook.request({ path: '/health/ready' })).status).toBe(204);
    expect(webhook.stderr).toBe('');
    expect(webhook.logs()).not.toMatch(/admission core failed|uncaught|TypeError|RangeError/);
  });
});
