// What the API server does when it calls the webhook: a TLS handshake trusting only the caBundle
// of the MutatingWebhookConfiguration and checking the Service DNS name. Also a minimal TLS
// endpoint that serves whatever a CertificateSource currently holds (for in-process tests).
import { createSecureContext, connect, createServer, type Server } from 'node:tls';
import type { AddressInfo } from 'node:net';

import type { CertificateSource } from '../../webhook/src/tls/certificate-source.js';

export const SERVICE_DNS_NAME = 'vault-agent-injector-svc.vault-injector.svc';

export interface Handshake {
  readonly authorized: boolean;
  readonly error: string | undefined;
  /** PEM-less fingerprint of the certificate served. */
  readonly fingerprint256: string | undefined;
}

/** Connects to 127.0.0.1:port trusting `caBundlePem`, verifying `servername` like the API server. */
export function handshake(port: number, caBundlePem: string, servername = SERVICE_DNS_NAME): Promise<Handshake> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, servername, ca: caBundlePem === '' ? [] : caBundlePem, rejectUnauthorized: false }, () => {
      const peer = socket.getPeerCertificate();
      const reason = socket.authorizationError as Error | string | null | undefined;
      const error = reason === null || reason === undefined ? undefined : String(reason);
      resolve({ authorized: socket.authorized, error, fingerprint256: peer.fingerprint256 });
      socket.end();
    });
    socket.on('error', (error: Error) => {
      resolve({ authorized: false, error: error.message, fingerprint256: undefined });
    });
  });
}

/** A TLS server presenting `source.current()` on every handshake (fails the handshake before one exists). */
export async function serveSource(source: CertificateSource): Promise<{ server: Server; port: number }> {
  const server = createServer({
    SNICallback: (_servername, callback) => {
      const bundle = source.current();
      if (bundle === undefined) callback(new Error('no certificate available'));
      else callback(null, createSecureContext({ cert: bundle.certPem, key: bundle.keyPem }));
    },
  });
  server.on('secureConnection', (socket) => socket.end());
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}
