// Fuzzing admission (issue 10): a few thousand generated hostile AdmissionRequests through admit(),
// and a smaller number of hostile AdmissionReview bodies over HTTPS to the built webhook. Hostile:
// every annotation the injector reads and every family with odd suffixes, values with path
// traversal, injector paths, shell metacharacters, integers past 2^53, odd unicode (lone
// surrogates, NUL, bidi controls, combining and case-folding twins), huge strings (within the 10 MiB
// body cap), wrong JSON types, deep nesting, copy-amplifying JSON patches, and (over HTTPS)
// duplicate keys. Every case must end in a well-formed answer: allowed with a JSON Patch that
// fast-json-patch applies strictly to the pod (and that adds nothing the API server would reject),
// or denied with a message; never a throw, a crash or a reply beyond the caps (patch, warnings,
// message). Work per case is bounded by counts (fixed seed, fixed numRuns, bounded generator sizes,
// reply size), not by timers.
import { Buffer } from 'node:buffer';
import fc from 'fast-check';
import fastJsonPatch, { type Operation } from 'fast-json-patch';

import type { AdmissionRequest, AdmissionResponse } from '../../webhook/src/inject/admission-review.js';
import { admit, MAX_DENIAL_MESSAGE_LENGTH, MAX_REPLY_PATCH_BYTES, MAX_REPLY_WARNINGS, MAX_WARNING_LENGTH, type AdmissionOutcome } from '../../webhook/src/inject/admit.js';
import { ANNOTATION_FAMILIES, ANNOTATION_PREFIX, POD_ANNOTATIONS } from '../../webhook/src/inject/annotations/registry.js';
import { MAX_JSON_NESTING_DEPTH } from '../../common/src/go-json-syntax.js';
import { problemsAddedByPatch } from '../helpers/api-server-validator.js';
import { podArb, settingsArb, withAnnotations } from '../helpers/pod-arbitraries.js';
import { startWebhook, type WebhookProcess } from '../helpers/webhook-process.js';

const SEED = 20_260_510;
const ADMIT_RUNS = 3_000;
const BULK_RUNS = 40;
const HTTPS_RUNS = 300;
/**
 * The most a reply may weigh whatever the request: the patch cap, the denial-message and warning
 * caps (JSON-escaped, a character can take 6 bytes), the echoed uid, and the fixed fields.
 */
function maxReplyBytes(uid: string): number {
  return MAX_REPLY_PATCH_BYTES + 6 * (MAX_DENIAL_MESSAGE_LENGTH + 64) + MAX_REPLY_WARNINGS * 6 * (MAX_WARNING_LENGTH + 64) + 6 * uid.length + 1024;
}

// ── hostile values ─────────────────────────────────────────────────────────────────────────────

const INJECTOR_PATHS = ['/vault/secrets', '/vault/agent-cache', '/vault/configs', '/vault/tls', '/home/vault', '/vault/env', '/var/run/secrets/kubernetes.io/serviceaccount'];
const traversal = fc.constantFrom(
  '../../../etc/shadow', '../../home/vault/.vault-token', '..', '.', '/', '/etc', '/etc/', 'relative/dir', 'dir/', './x', 'a/../../b',
  '/vault/secrets/../../etc', '//vault//secrets/', '%2e%2e/%2e%2e/etc', 'C:\\Windows\\system32', '~/.ssh/id_rsa', '/proc/self/environ',
  ...INJECTOR_PATHS, ...INJECTOR_PATHS.map((path) => `${path}/sub`), ...INJECTOR_PATHS.map((path) => `${path}/../x`),
);
const shell = fc.constantFrom('https://v:8200; touch /tmp/x #', '$(id)', '`id`', "'\"'", 'a\nb', 'x && rm -rf /', '${VAULT_CONFIG?}', '|| true', '\\');
const numbers = fc.constantFrom('9007199254740993', '-9007199254740993', '1e309', '-0', '0x10', ' 1', '1 ', 'NaN', 'Infinity', '00000000000000000000001', '4294967296', '-1', '1.5');
const oddUnicode = fc.constantFrom('\u0000', '\uD800', '\uDFFF', '\u202Ex\u202C', '\uFEFF', '\u200B', 'e\u0301', '\u00E9', '\u0130', 'ß', 'SS', '\u{1D521}', '\u{1F512}', '\u0085', '\r\n', '\t');
const text = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.array(oddUnicode, { minLength: 1, maxLength: 6 }).map((parts) => parts.join('')) },
);
/** Large strings, together well within the 10 MiB body cap (a case holds a few at most). */
const huge = fc.oneof(
  fc.tuple(fc.constantFrom('a', '/', '../', '\u{1F512}', '"\\', '{{', 'é\u0000'), fc.integer({ min: 4_096, max: 160_000 })).map(([unit, size]) => unit.repeat(Math.ceil(size / unit.length))),
);
const deepJson = fc.tuple(fc.integer({ min: MAX_JSON_NESTING_DEPTH - 5, max: MAX_JSON_NESTING_DEPTH + 5 }), fc.constantFrom('[', '{"a":')).map(([depth, open]) => `${open.repeat(depth)}${open === '[' ? '' : '1'}${(open === '[' ? ']' : '}').repeat(depth)}`);

const hostileString = fc.oneof(
  { weight: 4, arbitrary: traversal },
  { weight: 2, arbitrary: shell },
  { weight: 2, arbitrary: numbers },
  { weight: 4, arbitrary: text },
  { weight: 2, arbitrary: fc.constantFrom('true', 'false', 'TRUE', 'yes', '', ' ', 'null', '{}', '[]', '0400', '0777', 'map', 'json', 'handlebars', 'go') },
  { weight: 1, arbitrary: traversal.chain((path) => text.map((tail) => `${path}${tail}`)) },
);

const jsonPatch = fc.oneof(
  // `copy` of a value into its own parent doubles it per op (issue 10: 1.5 KB → 22 MB).
  fc.tuple(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 2_000 })).map(([copies, size]) => JSON.stringify([
    { op: 'add', path: '/env/-', value: { name: 'A', value: 'x'.repeat(size) } },
    ...Array.from({ length: copies }, () => ({ op: 'copy', from: '/env', path: '/env/-' })),
  ])),
  deepJson.map((value) => `[{"op":"add","path":"/x","value":${value}}]`),
  fc.constantFrom('[{"op":"add","path":"/securityContext","value":{"privileged":true}}]', '[{"op":"replace","path":"","value":null}]', '[{"op":"move","from":"/volumeMounts","path":"/env"}]', '[{"op":"remove","path":"/volumeMounts"}]', '[{"op":"add","path":"/name","value":"web"}]', '[{"op":"test","path":"/image","value":{}}]', '[null]', 'null', '[{"op":"add","path":"/a~1b~0c","value":1}]', '[{"op":"add","path":"/__proto__/x","value":1}]', '[{"op":"add","path":"/constructor/prototype/x","value":1}]'),
  fc.array(fc.record({ op: fc.constantFrom('add', 'remove', 'replace', 'move', 'copy', 'test', 'nope'), path: fc.oneof(fc.constantFrom('/env/-', '/args', '/command/0', '/name', '/volumeMounts/0/mountPath', '/resources/limits/cpu', ''), fc.string({ maxLength: 12 })), from: fc.constantFrom('/env', '/name', '/nope'), value: fc.jsonValue({ maxDepth: 3 }) }, { requiredKeys: ['op'] }), { maxLength: 6 }).map((ops) => JSON.stringify(ops)),
  hostileString,
);

/** Annotation values of the wrong JSON type (the webhook sees metadata before the API server validates it). */
const wrongType = fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.jsonValue({ maxDepth: 3 }).filter((value) => typeof value !== 'string'), deepJson.map((json) => JSON.parse(json) as unknown));

// ── hostile annotation maps ────────────────────────────────────────────────────────────────────

const PLAIN = Object.values(POD_ANNOTATIONS);
const FAMILIES = Object.values(ANNOTATION_FAMILIES);
const secretSuffix = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('db', 'DB', 'Db', 'e\u0301', '\u00E9', 'a.b', 'a/b', '..', '../x', 'x/', 'x y', '\u0000', 'ß', 'SS', 'ss', '-', '_', '.') },
  { weight: 3, arbitrary: text.filter((suffix) => suffix.length > 0) },
  { weight: 1, arbitrary: fc.integer({ min: 64, max: 20_000 }).map((size) => 'k'.repeat(size)) },
);
const annotationKey = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...PLAIN).map((name) => ANNOTATION_PREFIX + name) },
  { weight: 5, arbitrary: fc.tuple(fc.constantFrom(...FAMILIES), secretSuffix).map(([family, suffix]) => ANNOTATION_PREFIX + family + suffix) },
  // Near misses and impostors: typos of real keys, a 12 KB unknown key (the quadratic suggestion of issue 10), other prefixes.
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...PLAIN), fc.nat()).map(([name, at]) => ANNOTATION_PREFIX + name.slice(0, at % name.length) + name.slice((at % name.length) + 1)) },
  { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 12_000 }).map((size) => `${ANNOTATION_PREFIX}${'agent-inject-'.repeat(Math.ceil(size / 13))}`) },
  { weight: 1, arbitrary: fc.constantFrom('VAULT.hashicorp.com/agent-inject', 'vault.hashicorp.com/', 'vault.hashicorp.com', 'vault.hashicorp.com//role', 'vault.hashicorp.com/agent-inject ', ' vault.hashicorp.com/agent-inject') },
);
const annotationValue = fc.oneof({ weight: 16, arbitrary: hostileString }, { weight: 4, arbitrary: jsonPatch }, { weight: 2, arbitrary: wrongType }, { weight: 1, arbitrary: huge });

/** Keys whose value decides whether anything is injected, kept mostly valid so the deep code runs. */
const optIn = fc.record({
  inject: fc.constantFrom<unknown>('true', 'true', 'true', 'true', 'TRUE', '1', 'false', '', 7, null),
  role: fc.oneof(fc.constant('app'), hostileString),
  secret: fc.tuple(secretSuffix, fc.oneof(fc.constant('secret/data/app'), hostileString)),
});

const annotationMap = fc.tuple(optIn, fc.array(fc.tuple(annotationKey, annotationValue), { maxLength: 14 })).map(([base, entries]) => {
  const annotations: Record<string, unknown> = {
    [`${ANNOTATION_PREFIX}agent-inject`]: base.inject,
    [`${ANNOTATION_PREFIX}role`]: base.role,
    [`${ANNOTATION_PREFIX}agent-inject-secret-${base.secret[0]}`]: base.secret[1],
  };
  for (const [key, value] of entries) annotations[key] = value;
  return annotations;
});

/** Realistic pods mostly (so injection runs to the patch), sometimes with hostile structure. */
const hostilePod = fc.tuple(podArb, annotationMap, fc.constantFrom('plain', 'plain', 'plain', 'deep-unknown-field', 'hostile-names', 'wrong-types')).chain(([pod, annotations, variant]) => {
  const withNotes = withAnnotations(pod, annotations as Record<string, string>) as { metadata: Record<string, unknown>; spec: Record<string, unknown> };
  switch (variant) {
    case 'deep-unknown-field':
      return deepJson.map((json) => ({ ...withNotes, spec: { ...withNotes.spec, unknownField: JSON.parse(json) as unknown } }));
    case 'hostile-names':
      return fc.tuple(hostileString, hostileString).map(([name, namespace]) => ({ ...withNotes, metadata: { ...withNotes.metadata, name, namespace, labels: { [name.slice(0, 300)]: namespace.slice(0, 300) } } }));
    case 'wrong-types':
      return fc.tuple(fc.constantFrom('containers', 'volumes', 'initContainers', 'securityContext', 'serviceAccountName'), wrongType).map(([field, value]) => ({ ...withNotes, spec: { ...withNotes.spec, [field]: value } }));
    default:
      return fc.constant(withNotes);
  }
});

const hostileRequest = fc.record({
  uid: fc.oneof(fc.uuid(), hostileString),
  namespace: fc.option(fc.oneof(fc.constant('apps'), hostileString), { nil: undefined }),
  object: hostilePod,
}) as fc.Arbitrary<AdmissionRequest & { object: unknown }>;

// ── the invariant ──────────────────────────────────────────────────────────────────────────────

function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}

/** Every AdmissionResponse must be one of: allowed untouched, allowed with an applicable patch, denied with a message. */
function checkResponse(response: AdmissionResponse, uid: string, pod: unknown): 'patched' | 'allowed' | 'denied' {
  expect(response.uid).toBe(uid);
  expect(typeof response.allowed).toBe('boolean');
  if (response.warnings !== undefined) {
    expect(Array.isArray(response.warnings)).toBe(true);
    for (const warning of response.warnings) expect(typeof warning).toBe('string');
  }
  expect(jsonBytes(response)).toBeLessThanOrEqual(maxReplyBytes(uid));
  expect(response.warnings?.length ?? 0).toBeLessThanOrEqual(MAX_REPLY_WARNINGS);
  if (!response.allowed) {
    expect(response.patch).toBeUndefined();
    expect(typeof response.status?.message).toBe('string');
    expect(response.status?.message.length).toBeGreaterThan(0);
    return 'denied';
  }
  if (response.patch === undefined) {
    expect(response.patchType).toBeUndefined();
    return 'allowed';
  }
  expect(response.patchType).toBe('JSONPatch');
  expect(response.patch.length).toBeLessThanOrEqual(MAX_REPLY_PATCH_BYTES);
  expect(response.patch).toMatch(/^[A-Za-z0-9+/]*={0,2}$/);
  const operations = JSON.parse(Buffer.from(response.patch, 'base64').toString('utf8')) as Operation[];
  expect(Array.isArray(operations)).toBe(true);
  // Strict: every operation validated, applied to a copy as the API server applies it.
  const patched = fastJsonPatch.applyPatch(structuredClone(pod), operations, true, false).newDocument as { metadata: { annotations: Record<string, unknown> } };
  expect(patched.metadata.annotations[`${ANNOTATION_PREFIX}agent-inject-status`]).toBe('injected');
  expect(problemsAddedByPatch(pod, patched)).toEqual([]);
  return 'patched';
}

function checkOutcome(outcome: AdmissionOutcome, request: AdmissionRequest): 'patched' | 'allowed' | 'denied' {
  const kind = checkResponse(outcome.response, request.uid, request.object);
  expect({ injected: 'patched', skipped: 'allowed', denied: 'denied' }[outcome.decision]).toBe(kind);
  if (outcome.decision !== 'injected') expect(outcome.reason.length).toBeGreaterThan(0);
  return kind;
}

// ── admit() ────────────────────────────────────────────────────────────────────────────────────

describe('admit() over hostile requests', () => {
  test(`${ADMIT_RUNS} generated requests: never a throw, always a well-formed answer`, () => {
    const seen = { patched: 0, allowed: 0, denied: 0 };
    fc.assert(
      fc.property(hostileRequest, settingsArb, (request, settings) => {
        const before = JSON.stringify(request);
        const outcome = admit(request, settings);
        seen[checkOutcome(outcome, request)] += 1;
        // Pure: the request is left as it came (compared where that is cheap).
        if (before.length < 64 * 1024) expect(JSON.stringify(request)).toBe(before);
      }),
      { seed: SEED, numRuns: ADMIT_RUNS, endOnFailure: true },
    );
    // The generators reach every branch: injected, skipped and denied pods all occur.
    expect(seen.patched).toBeGreaterThan(ADMIT_RUNS / 50);
    expect(seen.denied).toBeGreaterThan(ADMIT_RUNS / 10);
    expect(seen.allowed).toBeGreaterThan(0);
  });

  // Thousands of annotations of one kind (issue 10's stalls came from per-key work that grew with
  // the number of keys): the reply stays within the caps whatever the count.
  const bulkShape = fc.constantFrom(
    (i: number, tail: string): [string, string][] => [[`agent-inject-secret-s${i}${tail}`, `kv/s${i}`]],
    (i: number, tail: string): [string, string][] => [[`agent-inject-secret-s${i}`, 'kv/x'], [`agent-inject-secret-S${i}${tail}`, 'kv/x']],
    (i: number, tail: string): [string, string][] => [[`agent-inj-secret-s${i}${tail}`, 'x']],
    (i: number, tail: string): [string, string][] => [[`agent-inject-secret-s${i}`, 'kv/x'], [`agent-inject-template-s${i}`, `{{ .x ${tail}`]],
    (i: number, tail: string): [string, string][] => [[`agent-inject-secret-s${i}`, 'kv/x'], [`agent-inject-file-s${i}`, `../${tail}`], [`secret-volume-path-s${i}`, `/p${i % 7}`]],
    (i: number, tail: string): [string, string][] => [[`agent-env-V${i}`, `{{ ${tail} }}`], [`auth-config-k${i}`, tail], [`agent-telemetry-k${i}`, tail]],
  );
  test(`${BULK_RUNS} pods with thousands of hostile annotations each: answers within the reply caps`, () => {
    fc.assert(
      fc.property(fc.record({ pod: podArb, shape: bulkShape, count: fc.integer({ min: 500, max: 4_000 }), tail: fc.oneof(fc.constant(''), secretSuffix.filter((tail) => tail.length < 64)), settings: settingsArb }), ({ pod, shape, count, tail, settings }) => {
        const annotations: Record<string, string> = { [`${ANNOTATION_PREFIX}agent-inject`]: 'true', [`${ANNOTATION_PREFIX}role`]: 'app' };
        for (let i = 0; i < count; i += 1) for (const [key, value] of shape(i, tail)) annotations[ANNOTATION_PREFIX + key] = value;
        const request = { uid: 'bulk', namespace: 'apps', object: withAnnotations(pod, annotations) };
        checkOutcome(admit(request, settings), request);
      }),
      { seed: SEED, numRuns: BULK_RUNS, endOnFailure: true },
    );
  });

  test.each([
    ['a copy-amplifying agent-json-patch', { [`${ANNOTATION_PREFIX}agent-json-patch`]: JSON.stringify([{ op: 'add', path: '/env/-', value: { name: 'A', value: 'x'.repeat(1_500) } }, ...Array.from({ length: 40 }, () => ({ op: 'copy', from: '/env', path: '/env/-' }))]) }, /agent-json-patch|limit of 1048576 bytes/],
    [`an agent-init-json-patch nested ${MAX_JSON_NESTING_DEPTH + 1} deep`, { [`${ANNOTATION_PREFIX}agent-init-json-patch`]: `[{"op":"add","path":"/x","value":${'['.repeat(MAX_JSON_NESTING_DEPTH)}${']'.repeat(MAX_JSON_NESTING_DEPTH)}}]` }, /agent-init-json-patch: invalid character '\[' exceeded max depth \(the limit is 1000 nested arrays and objects\)/],
    // 40,000 deep: as deep as 256 KiB of annotations (the API server's limit) can nest objects.
    ['an agent-json-patch nested 40000 deep', { [`${ANNOTATION_PREFIX}agent-json-patch`]: `[{"op":"add","path":"/x","value":${'{"a":'.repeat(40_000)}1${'}'.repeat(40_000)}}]` }, /agent-json-patch: invalid character '\{' exceeded max depth/],
  ])('%s is denied, naming the annotation and the limit', (_name, extra, message) => {
    const pod = withAnnotations(fc.sample(podArb, { seed: SEED, numRuns: 1 })[0]!, { [`${ANNOTATION_PREFIX}agent-inject`]: 'true', [`${ANNOTATION_PREFIX}role`]: 'app', ...extra });
    const settings = fc.sample(settingsArb, { seed: SEED, numRuns: 1 })[0]!;
    const request = { uid: 'u', namespace: 'apps', object: pod };
    const outcome = admit(request, settings);
    expect(checkOutcome(outcome, request)).toBe('denied');
    expect(outcome.response.status?.message).toMatch(message);
  });

  test('a pod nested 100000 deep in a field the injector does not read is injected, and the patch applies', () => {
    const pod = withAnnotations(fc.sample(podArb, { seed: SEED, numRuns: 1 })[0]!, { [`${ANNOTATION_PREFIX}agent-inject`]: 'true', [`${ANNOTATION_PREFIX}role`]: 'app' }) as { spec: Record<string, unknown> };
    const deep = JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`) as unknown;
    const request = { uid: 'u', namespace: 'apps', object: { ...pod, spec: { ...pod.spec, unknownField: deep } } };
    const outcome = admit(request, fc.sample(settingsArb, { seed: SEED, numRuns: 1 })[0]!);
    expect(outcome.decision).toBe('injected');
    const operations = JSON.parse(Buffer.from(outcome.response.patch ?? '', 'base64').toString('utf8')) as Operation[];
    // The deep branch itself is never cloned (structuredClone would recurse into it): the patch only touches what the injector owns.
    for (const operation of operations) expect(operation.path.startsWith('/spec/unknownField')).toBe(false);
  });
});

// ── over HTTPS, to the webhook process ─────────────────────────────────────────────────────────

/** The request JSON as text, sometimes with duplicate annotation keys (JSON.parse and Go both keep the last). */
const reviewBody = fc.tuple(hostileRequest, fc.constantFrom('admission.k8s.io/v1', 'admission.k8s.io/v1beta1'), fc.constantFrom<string | undefined>('CREATE', 'CREATE', 'CREATE', 'UPDATE', 'CONNECT', undefined), fc.constantFrom('Pod', 'Pod', 'Pod', 'Secret'), fc.option(fc.tuple(annotationKey, hostileString), { nil: undefined })).map(([request, apiVersion, operation, kind, duplicate]) => {
  const review = { apiVersion, kind: 'AdmissionReview', request: { ...request, operation, kind: { group: '', version: 'v1', kind }, resource: { group: '', version: 'v1', resource: kind === 'Pod' ? 'pods' : 'secrets' } } };
  let body = JSON.stringify(review);
  if (duplicate !== undefined) {
    // Insert a first occurrence of a key the map may also carry later: `{"k":"first",…}`.
    const marker = '"annotations":{';
    const at = body.indexOf(marker);
    if (at >= 0) body = `${body.slice(0, at + marker.length)}${JSON.stringify(duplicate[0])}:${JSON.stringify(duplicate[1])},${body.slice(at + marker.length)}`;
  }
  return { body, apiVersion, podCreate: operation !== 'UPDATE' && operation !== 'CONNECT' && kind === 'Pod' };
});

describe('the webhook process over HTTPS with hostile reviews', () => {
  let webhook: WebhookProcess;
  beforeAll(async () => {
    webhook = await startWebhook({ flags: { 'log-format': 'json' } });
  });
  afterAll(async () => {
    // A clean SIGTERM exit: nothing crashed the process along the way.
    expect(await webhook.stop()).toEqual({ code: 0, signal: null });
  });

  test(`${HTTPS_RUNS} generated bodies: 200 with a well-formed AdmissionReview in the request's version`, async () => {
    await fc.assert(
      fc.asyncProperty(reviewBody, async ({ body, apiVersion, podCreate }) => {
        const result = await webhook.request({ path: '/mutate', body });
        expect([result.status, result.body.slice(0, 200)]).toEqual([200, result.body.slice(0, 200)]);
        const parsed = JSON.parse(body) as { request: AdmissionRequest };
        const reply = JSON.parse(result.body) as { apiVersion: string; kind: string; response: AdmissionResponse };
        expect([reply.apiVersion, reply.kind]).toEqual([apiVersion, 'AdmissionReview']);
        const kind = checkResponse(reply.response, parsed.request.uid, parsed.request.object);
        // Only pods CREATE are processed; anything else is let through untouched.
        if (!podCreate) expect(kind).toBe('allowed');
      }),
      { seed: SEED, numRuns: HTTPS_RUNS, endOnFailure: true },
    );
  });

  test('is still healthy, wrote nothing to stderr, and admit() never failed inside it', async () => {
    expect((await webhook.request({ path: '/health/ready' })).status).toBe(204);
    expect(webhook.stderr).toBe('');
    expect(webhook.logs()).not.toMatch(/admission core failed|uncaught|TypeError|RangeError/);
  });
});
