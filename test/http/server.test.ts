// The built webhook over real HTTPS: envelope versions, vault-k8s's transport statuses and texts,
// the streaming body limit, routing, health, metrics and what the logs may contain.
import { request as httpsRequest } from 'node:https';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { startWebhook } from '../helpers/webhook-process.js';
import type { WebhookProcess } from '../helpers/webhook-process.js';

const LIMIT = 10 * 1024 * 1024;

function review(apiVersion: string | undefined, request: unknown): Record<string, unknown> {
  return { ...(apiVersion === undefined ? {} : { apiVersion, kind: 'AdmissionReview' }), request };
}

const SECRET_MARKERS = ['s3cr3t-env-value-7731', 'TEMPLATE-BODY-9942', 'eyJhbGciOiJSUzI1NiJ9.token-5521'];

function podWithSecrets(): unknown {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: 'payments-',
      namespace: 'shop',
      annotations: {
        'vault.hashicorp.com/agent-inject': 'true',
        'vault.hashicorp.com/role': 'payments',
        'vault.hashicorp.com/agent-inject-secret-db': 'database/creds/payments',
        'vault.hashicorp.com/agent-inject-template-db': `{{ with secret "database/creds/payments" }}${SECRET_MARKERS[1]!}{{ end }}`,
        'vault.hashicorp.com/agent-inject-token': SECRET_MARKERS[2]!,
      },
    },
    spec: {
      containers: [{ name: 'app', image: 'shop:1', env: [{ name: 'PASSWORD', value: SECRET_MARKERS[0]! }] }],
    },
  };
}

/** Streams a chunked body in 1 MiB pieces until the server answers (or `total` bytes are sent). */
function streamBody(webhook: WebhookProcess, total: number, headers: Record<string, string>): Promise<{ status: number; body: string; sent: number }> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const request = httpsRequest(
      { host: '127.0.0.1', port: webhook.port, method: 'POST', path: '/mutate', headers: { 'content-type': 'application/json', ...headers }, ca: webhook.ca, agent: false },
      (response) => {
        answered = true;
        let body = '';
        response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
        response.on('end', () => {
          resolve({ status: response.statusCode ?? 0, body, sent });
        });
      },
    );
    request.on('error', (error) => {
      if (!answered) reject(error);
    });
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    const pump = (): void => {
      if (answered) return;
      if (sent >= total) {
        request.end();
        return;
      }
      sent += chunk.length;
      if (request.write(chunk)) setImmediate(pump);
      else request.once('drain', pump);
    };
    if (headers['content-length'] === undefined) pump();
    else request.flushHeaders();
  });
}

describe('webhook over HTTPS', () => {
  let webhook: WebhookProcess;
  beforeAll(async () => {
    webhook = await startWebhook({ flags: { 'telemetry-path': '/metrics', 'log-format': 'json' } });
  });
  afterAll(async () => {
    await webhook.stop();
  });

  describe('AdmissionReview envelope', () => {
    it.each(['admission.k8s.io/v1', 'admission.k8s.io/v1beta1'])('answers %s in kind, echoing the uid', async (apiVersion) => {
      const result = await webhook.postReview(review(apiVersion, { uid: `uid-${apiVersion}`, namespace: 'default', object: { metadata: { name: 'p' } } }));
      expect(result.status).toBe(200);
      expect(result.headers['content-type']).toMatch(/^application\/json/);
      expect(result.json).toEqual({ kind: 'AdmissionReview', apiVersion, response: { uid: `uid-${apiVersion}`, allowed: true } });
      expect(result.body.startsWith('{"kind":"AdmissionReview","apiVersion"')).toBe(true);
    });

    it('defaults a review without apiVersion/kind to admission.k8s.io/v1', async () => {
      const result = await webhook.postReview(review(undefined, { uid: 'bare', object: {} }));
      expect(result.json).toEqual({ kind: 'AdmissionReview', apiVersion: 'admission.k8s.io/v1', response: { uid: 'bare', allowed: true } });
    });

    it('answers /mutate only for POST: other methods are 405 (the API server only POSTs)', async () => {
      for (const method of ['GET', 'PUT', 'PATCH', 'DELETE']) {
        const result = await webhook.request({ method, path: '/mutate?timeout=10s', body: JSON.stringify(review('admission.k8s.io/v1', { uid: method })) });
        expect({ method, status: result.status }).toEqual({ method, status: 405 });
      }
    });
  });

  describe('transport errors with vault-k8s statuses and texts', () => {
    it.each([
      ['text/plain', 'Invalid content-type: "text/plain"\n'],
      ['application/json; charset=utf-8', 'Invalid content-type: "application/json; charset=utf-8"\n'],
      ['Application/JSON', 'Invalid content-type: "Application/JSON"\n'],
      ['not a media type;;', 'Invalid content-type: "not a media type;;"\n'],
    ])('content type %j is a 400 (never 415)', async (contentType, text) => {
      const result = await webhook.request({ path: '/mutate', contentType, body: JSON.stringify(review('admission.k8s.io/v1', { uid: 'x' })) });
      expect({ status: result.status, body: result.body, type: result.headers['content-type'] }).toEqual({ status: 400, body: text, type: 'text/plain; charset=utf-8' });
    });

    it('a missing content type is a 400 with an empty quoted value', async () => {
      const result = await webhook.request({ method: 'POST', path: '/mutate', contentType: null, body: '{}' });
      expect([result.status, result.body]).toEqual([400, 'Invalid content-type: ""\n']);
    });

    it('an empty body is a 400', async () => {
      const result = await webhook.request({ method: 'POST', path: '/mutate', contentType: 'application/json', body: '' });
      expect([result.status, result.body]).toEqual([400, 'Empty request body\n']);
    });

    it.each([
      ['not JSON', 'hello'],
      ['a JSON array', '[1,2]'],
      ['a request of the wrong type', '{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":"pod"}'],
      ['a uid of the wrong type', '{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":42}}'],
      ['an apiVersion of the wrong type', '{"apiVersion":1,"request":{"uid":"a"}}'],
    ])('an undecodable review (%s) is a 400 "error decoding admission request" (vault-k8s: 500)', async (_label, body) => {
      const result = await webhook.request({ path: '/mutate', body });
      expect(result.status).toBe(400);
      expect(result.body).toMatch(/^error decoding admission request: .+\n$/);
    });

    it.each([
      ['no request', '{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"}'],
      ['a null request', '{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":null}'],
      ['a JSON null', 'null'],
    ])('a review with %s is a 400 and the process stays up', async (_label, body) => {
      const result = await webhook.request({ path: '/mutate', body });
      expect([result.status, result.body]).toEqual([400, 'error decoding admission request: AdmissionReview has no request\n']);
      expect((await webhook.request({ path: '/health/ready' })).status).toBe(204);
    });
  });

  describe('10 MiB body limit', () => {
    it('accepts a review just under the limit', async () => {
      const base = JSON.stringify(review('admission.k8s.io/v1', { uid: 'big', object: { metadata: { annotations: { pad: '' } } } }));
      const padded = base.replace('"pad":""', `"pad":"${'x'.repeat(LIMIT - base.length - 16)}"`);
      expect(Buffer.byteLength(padded)).toBeLessThan(LIMIT);
      const result = await webhook.request({ path: '/mutate', body: padded });
      expect(result.status).toBe(200);
    });

    it('refuses a declared Content-Length over the limit before the body is sent', async () => {
      const result = await streamBody(webhook, 0, { 'content-length': String(LIMIT + 1) });
      expect(result.status).toBe(413);
      expect(result.body).toBe(`request body too large: limit is ${LIMIT} bytes\n`);
      expect(result.sent).toBe(0);
    });

    it('refuses a chunked body once it passes the limit', async () => {
      // Just past the limit: the server drains what follows (bounded in size and time) so the client
      // reads the 413 instead of a reset; a small overshoot keeps that drain short on a loaded machine.
      const result = await streamBody(webhook, LIMIT + 1024 * 1024, {});
      expect([result.status, result.body]).toEqual([413, `request body too large: limit is ${LIMIT} bytes\n`]);
    });

    it('cuts a client that keeps streaming far past the limit, and stays healthy', async () => {
      const total = 256 * 1024 * 1024;
      const outcome = await streamBody(webhook, total, {}).then(
        (result) => ({ status: result.status, cut: result.sent < total }),
        (error: unknown) => ({ status: (error as NodeJS.ErrnoException).code, cut: true }),
      );
      expect(outcome.cut).toBe(true);
      expect([413, 'EPIPE', 'ECONNRESET']).toContain(outcome.status);
      expect((await webhook.request({ path: '/health/ready' })).status).toBe(204);
    });
  });

  describe('routing', () => {
    it.each(['/', '/mutate/', '/health', '/health/ready/', '/MUTATE', '/metrics/x'])('%s is the Go mux 404', async (path) => {
      const result = await webhook.request({ method: 'POST', path, contentType: 'weird;;', body: 'x' });
      expect([result.status, result.body, result.headers['content-type']]).toEqual([404, '404 page not found\n', 'text/plain; charset=utf-8']);
    });

    it('/health/ready is 204 for any method', async () => {
      for (const method of ['GET', 'HEAD', 'POST']) {
        expect((await webhook.request({ method, path: '/health/ready' })).status).toBe(204);
      }
    });
  });

  describe('TLS defaults (issue 10)', () => {
    it('TLS 1.2 accepts ECDHE + AEAD and refuses CBC-SHA1 and RSA key exchange', async () => {
      const good = await webhook.request({ path: '/health/ready', tls: { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES128-GCM-SHA256' } });
      expect(good.tls.protocol).toBe('TLSv1.2');
      for (const cipher of ['ECDHE-RSA-AES128-SHA:ECDHE-ECDSA-AES128-SHA', 'AES256-SHA', 'AES128-GCM-SHA256']) {
        await expect(webhook.request({ path: '/health/ready', tls: { maxVersion: 'TLSv1.2', ciphers: cipher } })).rejects.toThrow();
      }
    });
  });

  describe('metrics', () => {
    it('serves vault-k8s metric names plus certificate expiry and process metrics', async () => {
      const before = await webhook.request({ path: '/metrics' });
      const count = (text: string): number => Number(/^vault_agent_injector_request_processing_duration_ms_count (\d+)$/m.exec(text)?.[1] ?? 'NaN');
      for (let index = 0; index < 3; index += 1) await webhook.postReview(review('admission.k8s.io/v1', { uid: `m${index}` }));
      const after = await webhook.request({ path: '/metrics' });
      expect(after.status).toBe(200);
      expect(after.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
      for (const name of [
        '# TYPE vault_agent_injector_request_queue_length gauge',
        '# TYPE vault_agent_injector_request_processing_duration_ms histogram',
        '# TYPE vault_agent_injector_injections_by_namespace_total counter',
        '# TYPE vault_agent_injector_failed_injections_by_namespace_total counter',
        '# TYPE vault_agent_injector_certificate_expiry_timestamp_seconds gauge',
        '# TYPE process_cpu_user_seconds_total counter',
        '# TYPE nodejs_heap_size_used_bytes gauge',
      ]) {
        expect(after.body).toContain(name);
      }
      expect(count(after.body) - count(before.body)).toBe(3);
      expect(after.body).toMatch(/^vault_agent_injector_request_queue_length 0$/m);
      const notAfter = new X509Certificate(readFileSync(webhook.certificateFiles!.certFile, 'utf8')).validTo;
      const expiry = Number(/^vault_agent_injector_certificate_expiry_timestamp_seconds (\S+)$/m.exec(after.body)?.[1]);
      expect(expiry).toBe(new Date(notAfter).getTime() / 1000);
    });
  });

  describe('logs', () => {
    it('write one JSON line per admission with identifiers, decision and duration, and no secret', async () => {
      const result = await webhook.postReview(review('admission.k8s.io/v1', { uid: 'log-uid-1', namespace: 'shop', object: podWithSecrets() }));
      expect(result.status).toBe(200);
      const line = await webhook.waitForOutput(/^\{.*"uid":"log-uid-1".*\}$/m);
      const entry = JSON.parse(line[0]) as Record<string, unknown>;
      expect(entry).toMatchObject({ '@module': 'handler', '@message': 'admission', uid: 'log-uid-1', namespace: 'shop', generateName: 'payments-' });
      expect(['injected', 'skipped', 'denied']).toContain(entry['decision']);
      expect(entry['@level']).toBe(entry['decision'] === 'denied' ? 'warn' : 'info');
      expect(typeof entry['durationMs']).toBe('number');
      expect(webhook.logs().match(/"uid":"log-uid-1"/g)).toHaveLength(1);
      for (const marker of SECRET_MARKERS) expect(webhook.logs()).not.toContain(marker);
    });
  });
});

describe('webhook without -telemetry-path', () => {
  it('does not serve metrics', async () => {
    const webhook = await startWebhook();
    try {
      const result = await webhook.request({ path: '/metrics' });
      expect([result.status, result.body]).toEqual([404, '404 page not found\n']);
    } finally {
      await webhook.stop();
    }
  });
});
