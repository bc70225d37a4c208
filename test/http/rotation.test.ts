// Certificate files rotated on disk while clients keep calling: every request succeeds (no failed
// handshake, no dropped request), new connections get the new certificate without a restart,
// and a torn or mismatched pair is refused with a log line while the old one stays in service.
import { X509Certificate } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { startWebhook } from '../helpers/webhook-process.js';
import type { WebhookProcess } from '../helpers/webhook-process.js';
import { generateLeaf } from '../../webhook/src/tls/x509.js';

const REVIEW = JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { uid: 'rotation', namespace: 'default', object: { metadata: { name: 'p' } } } });

function serialOf(pem: string): string {
  return new X509Certificate(pem).serialNumber;
}

interface LoadStats {
  requests: number;
  failures: string[];
  serials: Set<string>;
  lastSerial: string;
}

/** Workers calling /mutate until `stop` is set; half use fresh TLS connections, half keep-alive. */
function startLoad(webhook: WebhookProcess, workers: number, stop: { done: boolean }): { stats: LoadStats; finished: Promise<void> } {
  const stats: LoadStats = { requests: 0, failures: [], serials: new Set(), lastSerial: '' };
  const worker = async (index: number): Promise<void> => {
    // Bounded: at most 5000 requests per worker even if `stop` never comes.
    for (let count = 0; count < 5000 && !stop.done; count += 1) {
      try {
        const result = await webhook.request({ path: '/mutate', body: REVIEW, newConnection: index % 2 === 0 });
        stats.requests += 1;
        if (result.status !== 200) stats.failures.push(`status ${result.status}`);
        if (index % 2 === 0) {
          stats.serials.add(result.tls.serialNumber);
          stats.lastSerial = result.tls.serialNumber;
        }
      } catch (error) {
        stats.failures.push(error instanceof Error ? error.message : String(error));
      }
    }
  };
  return { stats, finished: Promise.all(Array.from({ length: workers }, (_, index) => worker(index))).then(() => undefined) };
}

async function waitForSerial(webhook: WebhookProcess, serial: string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const result = await webhook.request({ path: '/health/ready', newConnection: true });
    if (result.tls.serialNumber === serial) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`certificate ${serial} never served`);
}

describe('certificate rotation on disk under load', () => {
  let webhook: WebhookProcess;
  beforeAll(async () => {
    webhook = await startWebhook({ flags: { 'log-format': 'json' } });
  });
  afterAll(async () => {
    await webhook.stop();
  });

  it('serves each rotated pair to new connections with no failed request', async () => {
    const initial = (await webhook.request({ path: '/health/ready', newConnection: true })).tls.serialNumber;
    const stop = { done: false };
    const load = startLoad(webhook, 6, stop);
    const rotated: string[] = [];
    for (let round = 0; round < 3; round += 1) {
      await new Promise((resolve) => setTimeout(resolve, 300));
      const leaf = await webhook.rotateCertificate();
      rotated.push(serialOf(leaf.certPem));
      await waitForSerial(webhook, rotated.at(-1)!);
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    stop.done = true;
    await load.finished;

    expect(load.stats.failures).toEqual([]);
    expect(load.stats.requests).toBeGreaterThan(50);
    expect(load.stats.lastSerial).toBe(rotated.at(-1));
    for (const serial of load.stats.serials) expect([initial, ...rotated]).toContain(serial);
    expect(load.stats.serials.has(rotated.at(-1)!)).toBe(true);
    const served = webhook.logs().match(/"event":"certificate-served"/g) ?? [];
    expect(served).toHaveLength(3);
  });

  it('keeps the current pair when the new one is torn or mismatched, and logs why', async () => {
    const files = webhook.certificateFiles!;
    const current = (await webhook.request({ path: '/health/ready', newConnection: true })).tls.serialNumber;
    const next = await generateLeaf(files.ca, { now: new Date(), hosts: ['localhost', '127.0.0.1'] });
    const rejectedBefore = (webhook.logs().match(/"event":"certificate-rejected"/g) ?? []).length;

    // A torn certificate file (as a non-atomic writer leaves it halfway).
    writeFileSync(files.certFile, next.certPem.slice(0, 300));
    await webhook.waitForOutput(new RegExp(`("event":"certificate-rejected".*){${rejectedBefore + 1}}`, 's'));
    const duringTorn = await webhook.request({ path: '/mutate', body: REVIEW, newConnection: true });
    expect([duringTorn.status, duringTorn.tls.serialNumber]).toEqual([200, current]);

    // The whole new certificate, but the key still the old one.
    writeFileSync(files.certFile, next.certPem);
    await webhook.waitForOutput(/"error":"private key does not match public key"/);
    const duringMismatch = await webhook.request({ path: '/mutate', body: REVIEW, newConnection: true });
    expect([duringMismatch.status, duringMismatch.tls.serialNumber]).toEqual([200, current]);

    writeFileSync(files.keyFile, next.keyPem);
    await waitForSerial(webhook, serialOf(next.certPem));
    const after = await webhook.request({ path: '/mutate', body: REVIEW, newConnection: true });
    expect([after.status, after.tls.serialNumber]).toEqual([200, serialOf(next.certPem)]);
    expect(webhook.logs()).not.toContain('PRIVATE KEY');
  });
});
