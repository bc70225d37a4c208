// The HTTP layer in-process over plain HTTP on 127.0.0.1 (fastify's inject() pulls in an ESM-only
// `cookie` that jest cannot load on Node 20): envelope handling, metrics accounting and log lines,
// with admit() replaced by scripted outcomes so every decision kind is reachable.
import { buildApp, type ServerLimits } from './app.js';
import { connect } from 'node:net';
import { buildInfo } from '../../common/src/build-info.js';
import { createMetrics } from './metrics.js';
import { createLogger } from './log.js';
import { parseSettings } from './settings/parse-settings.js';
import type { Settings } from './settings/settings.js';
import type { AdmissionOutcome } from './inject/admit.js';
import type { AdmissionRequest } from './inject/admission-review.js';
import type { AddressInfo } from 'node:net';
import { ReplyMemo } from './http/reply-memo.js';

function settings(): Settings {
  const result = parseSettings(['-vault-address=https://vault:8200', '-telemetry-path=/metrics'], {});
  if (result.kind !== 'settings') throw new Error('bad test settings');
  return result.settings;
}

function build(admit: (request: AdmissionRequest) => AdmissionOutcome, options: { ready?: () => boolean; bodyLimit?: number; limits?: Partial<ServerLimits>; replyMemo?: ReplyMemo } = {}) {
  const lines: Record<string, unknown>[] = [];
  const metrics = createMetrics({ processMetrics: false });
  let clock = 0;
  const app = buildApp({
    settings: settings(),
    logger: createLogger({ level: 'info', format: 'json', destination: { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) } }),
    metrics,
    isReady: options.ready ?? (() => true),
    admit: (request) => admit(request),
    now: () => (clock += 3),
    ...(options.bodyLimit === undefined ? {} : { bodyLimit: options.bodyLimit }),
    ...(options.limits === undefined ? {} : { limits: options.limits }),
    ...(options.replyMemo === undefined ? {} : { replyMemo: options.replyMemo }),
  });
  apps.push(app);
  const inject = async (options: { method: string; url: string; headers?: Record<string, string>; payload?: string | undefined }): Promise<{ statusCode: number; body: string }> => {
    if (!app.server.listening) await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address() as AddressInfo;
    const response = await fetch(`http://127.0.0.1:${address.port}${options.url}`, {
      method: options.method,
      headers: options.headers ?? {},
      ...(options.payload === undefined ? {} : { body: options.payload }),
    });
    return { statusCode: response.status, body: await response.text() };
  };
  const port = async (): Promise<number> => {
    if (!app.server.listening) await app.listen({ port: 0, host: '127.0.0.1' });
    return (app.server.address() as AddressInfo).port;
  };
  return { app: { inject, port, server: app.server }, lines, metrics };
}

const apps: { close(): Promise<unknown> }[] = [];
afterAll(async () => {
  await Promise.all(apps.map((app) => app.close()));
});

function review(namespace: string, uid = 'uid-1', object: unknown = { metadata: { generateName: 'web-' } }): string {
  return JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { uid, namespace, object } });
}

const injected = (type: 'init_and_sidecar' | 'init_only' | 'sidecar_only' | undefined) => (request: AdmissionRequest): AdmissionOutcome => ({
  decision: 'injected',
  injectionType: type,
  response: { uid: request.uid, allowed: true, patch: Buffer.from('[]').toString('base64'), patchType: 'JSONPatch' },
});
const denied = (request: AdmissionRequest): AdmissionOutcome => ({
  decision: 'denied',
  reason: 'error validating agent configuration: no role',
  response: { uid: request.uid, allowed: false, status: { metadata: {}, message: 'error validating agent configuration: no role' } },
});
const skipped = (request: AdmissionRequest): AdmissionOutcome => ({ decision: 'skipped', reason: 'no inject annotation', response: { uid: request.uid, allowed: true } });

describe('/mutate envelope', () => {
  it('encodes the response with the request uid, Go field order, and the outcome fields', async () => {
    const { app } = build(denied);
    const reply = await app.inject({ method: 'POST', url: '/mutate', headers: { 'content-type': 'application/json' }, payload: review('team-a', 'abc') });
    expect(reply.statusCode).toBe(200);
    expect(reply.body).toBe(
      '{"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v1","response":{"uid":"abc","allowed":false,"status":{"metadata":{},"message":"error validating agent configuration: no role"}}}',
    );
  });

  it('puts the request uid on the response even if the core returned another', async () => {
    const { app } = build((request) => ({ decision: 'skipped', reason: 'x', response: { uid: `${request.uid}-other`, allowed: true } }));
    const reply = await app.inject({ method: 'POST', url: '/mutate', headers: { 'content-type': 'application/json' }, payload: review('ns', 'right') });
    expect(JSON.parse(reply.body)).toEqual({ kind: 'AdmissionReview', apiVersion: 'admission.k8s.io/v1', response: { uid: 'right', allowed: true } });
  });

  it('denies instead of crashing when the core throws', async () => {
    const { app, lines } = build(() => {
      throw new Error('boom');
    });
    const reply = await app.inject({ method: 'POST', url: '/mutate', headers: { 'content-type': 'application/json' }, payload: review('ns') });
    expect(reply.statusCode).toBe(200);
    expect(JSON.parse(reply.body)).toEqual({
      kind: 'AdmissionReview',
      apiVersion: 'admission.k8s.io/v1',
      response: { uid: 'uid-1', allowed: false, status: { metadata: {}, message: 'internal error: boom' } },
    });
    expect(lines.some((line) => line['@message'] === 'admission core failed')).toBe(true);
  });

  it('refuses a body over the limit with 413 and does not call the core', async () => {
    let calls = 0;
    const { app } = build((request) => {
      calls += 1;
      return skipped(request);
    }, { bodyLimit: 64 });
    const reply = await app.inject({ method: 'POST', url: '/mutate', headers: { 'content-type': 'application/json' }, payload: review('a-namespace-long-enough-to-pass-64-bytes') });
    expect(reply.statusCode).toBe(413);
    expect(reply.body).toBe('request body too large: limit is 64 bytes\n');
    expect(calls).toBe(0);
  });
});

describe('only POST /mutate for pods CREATE is processed (issue 10)', () => {
  const post = { method: 'POST', url: '/mutate', headers: { 'content-type': 'application/json' } };
  function reviewOf(request: Record<string, unknown>): string {
    return JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { uid: 'u', namespace: 'ns', object: {}, ...request } });
  }

  it('other methods are 405 and never reach the core', async () => {
    let calls = 0;
    const { app } = build((request) => {
      calls += 1;
      return injected('init_and_sidecar')(request);
    });
    for (const method of ['GET', 'PUT', 'PATCH', 'DELETE']) {
      const reply = await app.inject({ method, url: '/mutate', headers: { 'content-type': 'application/json' }, ...(method === 'GET' ? {} : { payload: review('ns') }) });
      expect({ method, status: reply.statusCode }).toEqual({ method, status: 405 });
    }
    expect(calls).toBe(0);
  });

  it.each([
    ['UPDATE of a pod', { operation: 'UPDATE', resource: { group: '', version: 'v1', resource: 'pods' }, kind: { group: '', version: 'v1', kind: 'Pod' } }],
    ['CONNECT', { operation: 'CONNECT', resource: { group: '', version: 'v1', resource: 'pods' } }],
    ['CREATE of a ConfigMap', { operation: 'CREATE', resource: { group: '', version: 'v1', resource: 'configmaps' }, kind: { group: '', version: 'v1', kind: 'ConfigMap' } }],
    ['CREATE of pods/exec', { operation: 'CREATE', kind: { group: '', version: 'v1', kind: 'PodExecOptions' } }],
  ])('%s is allowed unchanged, with the reason logged', async (_name, request) => {
    let calls = 0;
    const { app, lines } = build((r) => {
      calls += 1;
      return injected('init_and_sidecar')(r);
    });
    const reply = await app.inject({ ...post, payload: reviewOf(request) });
    expect(JSON.parse(reply.body)).toEqual({ kind: 'AdmissionReview', apiVersion: 'admission.k8s.io/v1', response: { uid: 'u', allowed: true } });
    expect(calls).toBe(0);
    expect(lines.find((line) => line['@message'] === 'admission')?.['reason']).toMatch(/^not handled: /);
  });

  it('pods CREATE still reaches the core', async () => {
    const { app } = build(injected('init_and_sidecar'));
    const reply = await app.inject({ ...post, payload: reviewOf({ operation: 'CREATE', resource: { group: '', version: 'v1', resource: 'pods' }, kind: { group: '', version: 'v1', kind: 'Pod' } }) });
    expect((JSON.parse(reply.body) as { response: { patch?: string } }).response.patch).toBeDefined();
  });

  it('metric label count stays bounded after many distinct-namespace reviews of another kind', async () => {
    const { app } = build(denied);
    for (let i = 0; i < 100; i += 1) {
      await app.inject({ ...post, payload: reviewOf({ namespace: `ns-${i}`, operation: 'CREATE', resource: { group: '', version: 'v1', resource: 'secrets' } }) });
    }
    const text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(text.split('\n').filter((line) => line.includes('namespace="ns-'))).toEqual([]);
  });
});

describe('server limits (issue 10)', () => {
  it('cuts a slow body at the body timeout with a 408, without calling the core', async () => {
    let calls = 0;
    const { app } = build((request) => {
      calls += 1;
      return skipped(request);
    }, { limits: { bodyTimeoutMs: 200 } });
    const socket = connect(await app.port(), '127.0.0.1');
    const received: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    const closed = new Promise<void>((resolve) => socket.once('close', () => { resolve(); }));
    // Announces 1000 bytes, sends 10, then trickles nothing: the server must not wait forever.
    socket.write('POST /mutate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"request"');
    await closed;
    const text = Buffer.concat(received).toString('utf8');
    expect(text.startsWith('HTTP/1.1 408')).toBe(true);
    expect(text).toContain('request body not received within 200 ms');
    expect(calls).toBe(0);
  });

  it('applies the node:http timeouts, keep-alive and connection limits', () => {
    const { app } = build(skipped, { limits: { headersTimeoutMs: 1234, requestTimeoutMs: 5678, maxConnections: 7, maxRequestsPerSocket: 9, keepAliveTimeoutMs: 4321 } });
    expect({
      headersTimeout: app.server.headersTimeout,
      requestTimeout: app.server.requestTimeout,
      maxConnections: app.server.maxConnections,
      maxRequestsPerSocket: app.server.maxRequestsPerSocket,
      keepAliveTimeout: app.server.keepAliveTimeout,
    }).toEqual({ headersTimeout: 1234, requestTimeout: 5678, maxConnections: 7, maxRequestsPerSocket: 9, keepAliveTimeout: 4321 });
  });
});

describe('metrics', () => {
  it('counts injections by namespace and type, failures by namespace, and times every /mutate request', async () => {
    const outcomes = [injected('init_and_sidecar'), injected('init_only'), injected('sidecar_only'), injected('init_and_sidecar'), injected(undefined), denied, skipped];
    let index = 0;
    const { app, metrics } = build((request) => outcomes[index++]!(request));
    for (const namespace of ['a', 'a', 'b', 'b', 'b', 'c', 'd']) {
      await app.inject({ method: 'POST', url: '/mutate', headers: { 'content-type': 'application/json' }, payload: review(namespace) });
    }
    await app.inject({ method: 'POST', url: '/mutate', headers: { 'content-type': 'text/plain' }, payload: '' });
    const text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    const samples = text.split('\n').filter((line) => line.startsWith('vault_agent_injector_'));
    expect(samples).toEqual(
      expect.arrayContaining([
        'vault_agent_injector_request_queue_length 0',
        'vault_agent_injector_injections_by_namespace_total{namespace="a",injection_type="init_and_sidecar"} 1',
        'vault_agent_injector_injections_by_namespace_total{namespace="a",injection_type="init_only"} 1',
        'vault_agent_injector_injections_by_namespace_total{namespace="b",injection_type="sidecar_only"} 1',
        'vault_agent_injector_injections_by_namespace_total{namespace="b",injection_type="init_and_sidecar"} 1',
        'vault_agent_injector_failed_injections_by_namespace_total{namespace="c"} 1',
        'vault_agent_injector_request_processing_duration_ms_count 8',
        // The fake clock advances 3 ms per reading: admissions read it 4 times (9 ms), the early 400 twice (3 ms).
        'vault_agent_injector_request_processing_duration_ms_bucket{le="5"} 1',
        'vault_agent_injector_request_processing_duration_ms_bucket{le="10"} 8',
        'vault_agent_injector_request_processing_duration_ms_sum 66',
      ]),
    );
    const buckets = samples.filter((line) => line.startsWith('vault_agent_injector_request_processing_duration_ms_bucket')).map((line) => /le="([^"]+)"/.exec(line)?.[1]);
    expect(buckets).toEqual(['5', '10', '25', '50', '75', '100', '250', '500', '1000', '2500', '5000', '7500', '10000', '+Inf']);
    expect(samples.filter((line) => line.startsWith('vault_agent_injector_injections_by_namespace_total'))).toHaveLength(4);
    expect(samples.filter((line) => line.includes('namespace="d"'))).toEqual([]);
    expect(metrics.registry.getSingleMetric('vault_agent_injector_request_queue_length')).toBeDefined();
  });

  it('exports build_info with the version, commit and Node version', async () => {
    const { app } = build(skipped);
    const text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    const { version } = buildInfo();
    expect(text).toMatch(new RegExp(`^vault_injector_build_info\\{version="${version.replaceAll('.', '\\.')}",commit="[^"]+",node_version="${process.version}"\\} 1$`, 'm'));
  });
});

describe('admission log line', () => {
  it('logs one line per admission with identifiers, decision and duration', async () => {
    const { app, lines } = build(injected('init_and_sidecar'));
    await app.inject({ method: 'POST', url: '/mutate', headers: { 'content-type': 'application/json' }, payload: review('team-a', 'uid-9') });
    const admissions = lines.filter((line) => line['@message'] === 'admission');
    expect(admissions).toHaveLength(1);
    expect(admissions[0]).toMatchObject({
      '@level': 'info',
      uid: 'uid-9',
      namespace: 'team-a',
      generateName: 'web-',
      decision: 'injected',
      injectionType: 'init_and_sidecar',
      allowed: true,
      durationMs: 3,
    });
  });

  it('logs denials at warn with the reason', async () => {
    const { app, lines } = build(denied);
    await app.inject({ method: 'POST', url: '/mutate', headers: { 'content-type': 'application/json' }, payload: review('team-a', 'uid-9', { metadata: { name: 'pod-1' } }) });
    expect(lines.find((line) => line['@message'] === 'admission')).toMatchObject({ '@level': 'warn', name: 'pod-1', decision: 'denied', reason: 'error validating agent configuration: no role' });
  });
});

describe('denial reasons in logs', () => {
  it('keep annotation names but not the quoted values', async () => {
    const reason = 'error creating new agent sidecar: strconv.ParseBool: parsing "hunter2-token": invalid syntax (annotation vault.hashicorp.com/agent-inject-token="hunter2-token")';
    const { app, lines } = build((request) => ({ decision: 'denied', reason, response: { uid: request.uid, allowed: false, status: { metadata: {}, message: reason } } }));
    const reply = await app.inject({ method: 'POST', url: '/mutate', headers: { 'content-type': 'application/json' }, payload: review('ns') });
    expect(JSON.parse(reply.body)).toMatchObject({ response: { status: { message: reason } } });
    const logged = lines.find((line) => line['@message'] === 'admission');
    expect(logged?.['reason']).toBe('error creating new agent sidecar: strconv.ParseBool: parsing "…": invalid syntax (annotation vault.hashicorp.com/agent-inject-token="…")');
    expect(JSON.stringify(lines)).not.toContain('hunter2');
  });
});

describe('health', () => {
  it('is 204 when ready and 503 when not, for any method', async () => {
    let ready = false;
    const { app } = build(skipped, { ready: () => ready });
    expect((await app.inject({ method: 'GET', url: '/health/ready' })).statusCode).toBe(503);
    ready = true;
    for (const method of ['GET', 'HEAD', 'POST', 'PUT'] as const) {
      const payload = method === 'GET' || method === 'HEAD' ? undefined : 'ignored';
      expect((await app.inject({ method, url: '/health/ready', headers: { 'content-type': 'x/y;;' }, payload })).statusCode).toBe(204);
    }
  });
});

describe('reply memo: identical pods answered without parsing (issue 16)', () => {
  // The API server's form: TypeMeta, then the request with its uid first.
  const apiServerReview = (uid: string, rest = '"namespace":"team-a","operation":"CREATE","object":{"metadata":{"generateName":"web-"}}'): string =>
    `{"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v1","request":{"uid":"${uid}",${rest}}}`;
  const post = (app: ReturnType<typeof build>['app'], payload: string) =>
    app.inject({ method: 'POST', url: '/mutate', headers: { 'content-type': 'application/json' }, payload });
  const warned = (request: AdmissionRequest): AdmissionOutcome => ({
    ...injected('init_only')(request),
    warnings: [{ kind: 'unknown_annotation', message: 'unknown annotation "vault.hashicorp.com/agent-inject-secrt-x"' }],
  });

  it('answers a pod differing only in its uid from memory: same reply with its own uid, same metrics and log line', async () => {
    const calls: string[] = [];
    const { app, lines } = build((request) => { calls.push(request.uid); return warned(request); }, { replyMemo: new ReplyMemo() });
    const first = await post(app, apiServerReview('11111111-aaaa'));
    // The second review with the same text proves where the uid is read from; the third is from memory.
    await post(app, apiServerReview('22222222-bbbb'));
    const third = await post(app, apiServerReview('33333333-cccc'));
    expect(calls).toEqual(['11111111-aaaa', '22222222-bbbb']);
    expect(third.statusCode).toBe(200);
    expect(third.body).toBe(first.body.replace('"uid":"11111111-aaaa"', '"uid":"33333333-cccc"'));
    expect(JSON.parse(third.body)).toMatchObject({ response: { uid: '33333333-cccc', allowed: true } });
    const admissions = lines.filter((line) => line['@message'] === 'admission').filter((line) => line['uid'] !== '22222222-bbbb');
    expect(admissions).toHaveLength(2);
    const perRequest = (line: Record<string, unknown>): Record<string, unknown> =>
      Object.fromEntries(Object.entries(line).filter(([key]) => !['uid', 'durationMs', '@timestamp'].includes(key)));
    const [rest1, rest2] = [perRequest(admissions[0]!), perRequest(admissions[1]!)];
    expect(admissions.map((line) => line['uid'])).toEqual(['11111111-aaaa', '33333333-cccc']);
    expect(rest2).toEqual(rest1);
    expect(rest2).toMatchObject({ namespace: 'team-a', generateName: 'web-', decision: 'injected', injectionType: 'init_only' });
    const text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(text).toContain('vault_agent_injector_injections_by_namespace_total{namespace="team-a",injection_type="init_only"} 3');
    expect(text).toContain('vault_injector_admission_warnings_total{kind="unknown_annotation"} 3');
  });

  it('answers the very same review again (a retry, same uid) from memory', async () => {
    const calls: string[] = [];
    const { app } = build((request) => { calls.push(request.uid); return injected('init_only')(request); }, { replyMemo: new ReplyMemo() });
    // A key's first review only notes it (most pods are never seen twice); the second keeps the answer.
    const first = await post(app, apiServerReview('same-uid'));
    await post(app, apiServerReview('same-uid'));
    const third = await post(app, apiServerReview('same-uid'));
    expect(calls).toEqual(['same-uid', 'same-uid']);
    expect(third.body).toBe(first.body);
  });

  it('remembers denials too, logged at warn each time', async () => {
    const calls: string[] = [];
    const { app, lines } = build((request) => { calls.push(request.uid); return denied(request); }, { replyMemo: new ReplyMemo() });
    await post(app, apiServerReview('a1'));
    await post(app, apiServerReview('b2'));
    const third = await post(app, apiServerReview('c3'));
    expect(calls).toEqual(['a1', 'b2']);
    expect(JSON.parse(third.body)).toMatchObject({ response: { uid: 'c3', allowed: false } });
    expect(lines.filter((line) => line['@message'] === 'admission').map((line) => line['@level'])).toEqual(['warn', 'warn', 'warn']);
  });

  it('a different object, namespace or other text is computed anew', async () => {
    const calls: string[] = [];
    const { app } = build((request) => { calls.push(request.uid); return injected('init_only')(request); }, { replyMemo: new ReplyMemo() });
    await post(app, apiServerReview('u1'));
    await post(app, apiServerReview('u1b'));
    calls.length = 0;
    await post(app, apiServerReview('u2', '"namespace":"team-b","operation":"CREATE","object":{"metadata":{"generateName":"web-"}}'));
    await post(app, apiServerReview('u3', '"namespace":"team-a","operation":"CREATE","object":{"metadata":{"generateName":"api-"}}'));
    // Another field order, or a space, is not the API server's form: the ordinary path answers.
    await post(app, `{"request":{"uid":"u4","namespace":"team-a","operation":"CREATE","object":{"metadata":{"generateName":"web-"}}},"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v1"}`);
    await post(app, `{"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v1","request":{"uid": "u5","namespace":"team-a","operation":"CREATE","object":{"metadata":{"generateName":"web-"}}}}`);
    expect(calls).toEqual(['u2', 'u3', 'u4', 'u5']);
  });

  it.each([
    ['a later duplicate uid key', '"uid":"real-uid"'],
    ['a later duplicate uid key spelt with escapes', '"\\u0075id":"real-uid"'],
  ])('never answers with a uid the request does not have: %s', async (_label, duplicate) => {
    const calls: string[] = [];
    const { app } = build((request) => { calls.push(request.uid); return injected('init_only')(request); }, { replyMemo: new ReplyMemo() });
    const rest = `"namespace":"team-a","operation":"CREATE","object":{"metadata":{"generateName":"web-"}},${duplicate}`;
    // The first literal equal to the later one too: the text alone cannot tell which one is read.
    for (const first of ['real-uid', 'real-uid', 'x1', 'x2']) {
      const reply = await post(app, apiServerReview(first, rest));
      // JSON's last duplicate wins, as in Go's encoding/json: the uid answered is the later one.
      expect(JSON.parse(reply.body)).toMatchObject({ response: { uid: 'real-uid' } });
    }
    expect(calls).toEqual(['real-uid', 'real-uid', 'real-uid', 'real-uid']);
  });

  it('an answer from a core that threw is not remembered', async () => {
    let calls = 0;
    const { app } = build(() => { calls += 1; throw new Error('boom'); }, { replyMemo: new ReplyMemo() });
    await post(app, apiServerReview('t1'));
    await post(app, apiServerReview('t2'));
    await post(app, apiServerReview('t3'));
    expect(calls).toBe(3);
  });
});
