// Graceful shutdown of the built webhook: on SIGTERM readiness goes false, new connections are
// refused, in-flight reviews finish, the process exits 0; past the deadline it closes what is left
// and exits 1; a second signal forces an immediate exit.
import { connect } from 'node:tls';
import type { TLSSocket } from 'node:tls';
import { startWebhook } from '../helpers/webhook-process.js';
import type { WebhookProcess } from '../helpers/webhook-process.js';

const CONTINUE = 'HTTP/1.1 100 Continue\r\n\r\n';
const REVIEW = JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { uid: 'in-flight', namespace: 'default', object: { metadata: { name: 'p' } } } });

/**
 * A raw TLS connection with a /mutate request whose body is only half sent, and that the server has
 * really begun: it asks `Expect: 100-continue`, and node:http writes "100 Continue" when it has
 * parsed the headers and handed the request to its handler. Signalling before that raced the
 * server reading the bytes at all (seen on Node 24 under load): the request then arrived after
 * shutdown began and was refused with 503, as a new request should be.
 */
async function inFlightRequest(webhook: WebhookProcess): Promise<{ socket: TLSSocket; received: () => string; closed: Promise<void>; finish: (pipelined?: string) => void }> {
  const socket = await new Promise<TLSSocket>((resolve, reject) => {
    const tls = connect({ host: '127.0.0.1', port: webhook.port, ca: webhook.ca, servername: 'localhost' }, () => {
      resolve(tls);
    });
    tls.once('error', reject);
  });
  let data = '';
  socket.setEncoding('utf8').on('data', (chunk: string) => (data += chunk));
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => { resolve(); }));
  const half = Math.floor(REVIEW.length / 2);
  const accepted = new Promise<void>((resolve, reject) => {
    const check = (): void => {
      if (data.startsWith(CONTINUE)) resolve();
      else if (data.length >= CONTINUE.length) reject(new Error(`expected "100 Continue", got ${JSON.stringify(data)}`));
    };
    socket.on('data', check);
    socket.once('close', () => { reject(new Error(`connection closed before "100 Continue": ${JSON.stringify(data)}`)); });
  });
  socket.write(`POST /mutate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${REVIEW.length}\r\nExpect: 100-continue\r\n\r\n${REVIEW.slice(0, half)}`);
  await accepted;
  return {
    socket,
    received: () => data.slice(CONTINUE.length),
    closed,
    finish: (pipelined = '') => {
      socket.write(REVIEW.slice(half) + pipelined);
    },
  };
}

describe('graceful shutdown', () => {
  it('on SIGTERM: not ready, no new connections, the in-flight review completes, exit 0', async () => {
    const webhook = await startWebhook();
    const inFlight = await inFlightRequest(webhook);
    webhook.signal('SIGTERM');
    await webhook.waitForOutput(/Caught signal, shutting down/);

    await expect(webhook.request({ path: '/health/ready', newConnection: true })).rejects.toThrow(/ECONNREFUSED|ECONNRESET|socket hang up/);

    // Finish the body and pipeline a readiness probe on the same (still open) connection.
    inFlight.finish('GET /health/ready HTTP/1.1\r\nHost: localhost\r\n\r\n');
    await inFlight.closed;
    const responses = inFlight.received().split(/(?=HTTP\/1\.1 )/);
    expect(responses.map((response) => response.slice(0, 12))).toEqual(['HTTP/1.1 200', 'HTTP/1.1 503']);
    expect(responses[0]).toContain('"uid":"in-flight"');

    expect(await webhook.exited).toEqual({ code: 0, signal: null });
    expect(webhook.logs()).toContain('Shutdown complete');
    await webhook.stop();
  });

  it('on SIGTERM: a review arriving on a kept-alive connection is still answered, with Connection: close', async () => {
    // The API server keeps connections to the webhook open between reviews; one that sends its next
    // review just as shutdown begins must get the admission (a 503 would make it apply the
    // webhook's failurePolicy, and vault-helm's default Ignore admits the pod without secrets).
    const webhook = await startWebhook();
    const inFlight = await inFlightRequest(webhook);
    webhook.signal('SIGTERM');
    await webhook.waitForOutput(/Caught signal, shutting down/);

    const next = JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { uid: 'arrived-during-shutdown', namespace: 'default', object: { metadata: { name: 'q' } } } });
    inFlight.finish(`POST /mutate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${next.length}\r\n\r\n${next}`);
    await inFlight.closed;
    const responses = inFlight.received().split(/(?=HTTP\/1\.1 )/);
    expect(responses.map((response) => response.slice(0, 12))).toEqual(['HTTP/1.1 200', 'HTTP/1.1 200']);
    expect(responses[0]).toContain('"uid":"in-flight"');
    expect(responses[1]).toContain('"uid":"arrived-during-shutdown"');
    expect(responses[1]).toContain('"allowed":true');
    expect(responses[1]?.toLowerCase()).toContain('connection: close');

    expect(await webhook.exited).toEqual({ code: 0, signal: null });
    await webhook.stop();
  });

  it('past the deadline: closes the remaining connections and exits 1', async () => {
    const webhook = await startWebhook({ env: { VAULT_INJECTOR_SHUTDOWN_TIMEOUT: '500ms' } });
    const inFlight = await inFlightRequest(webhook);
    webhook.signal('SIGTERM');
    expect(await webhook.exited).toEqual({ code: 1, signal: null });
    await inFlight.closed;
    expect(inFlight.received()).toBe('');
    expect(webhook.logs()).toContain('Shutdown deadline passed');
    await webhook.stop();
  });

  it('a second signal forces the exit', async () => {
    const webhook = await startWebhook({ env: { VAULT_INJECTOR_SHUTDOWN_TIMEOUT: '5m' } });
    const inFlight = await inFlightRequest(webhook);
    webhook.signal('SIGTERM');
    await webhook.waitForOutput(/Caught signal, shutting down/);
    webhook.signal('SIGINT');
    expect(await webhook.exited).toEqual({ code: 1, signal: null });
    expect(webhook.logs()).toContain('Second signal, exiting now');
    inFlight.socket.destroy();
    await webhook.stop();
  });

  it('refuses a bad shutdown timeout at startup', async () => {
    await expect(startWebhook({ env: { VAULT_INJECTOR_SHUTDOWN_TIMEOUT: 'soon' } })).rejects.toThrow(/-shutdown-timeout \/ VAULT_INJECTOR_SHUTDOWN_TIMEOUT: "soon" is not a Go duration such as 30s or 1m30s \(time: invalid duration "soon"\)/);
  });
});
