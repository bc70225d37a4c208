// The listening side: a TCP (or TLS) listener on 127.0.0.1:0 feeding Node's HTTP server through
// the LIST adapter, and the connection-level faults (reset every connection, or refuse them).
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { createSecureContext, TLSSocket } from 'node:tls';
import type { DownMode, VaultDoubleTls } from '../vault-double-api.js';
import { ListMethodAdapter } from './list-method-adapter.js';

export type RequestListener = (request: IncomingMessage, response: ServerResponse) => void;

export interface WireServer {
  readonly port: number;
  readonly address: string;
  down(mode: DownMode): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
  /** Connections reset or refused while down (refused ones are never seen: not counted). */
  readonly resetConnections: () => number;
}

const HOST = '127.0.0.1';

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => { reject(error); };
    server.once('error', onError);
    server.listen(port, HOST, () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    });
  });
}

function closeListener(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => { resolve(); });
  });
}

export async function startWireServer(listener: RequestListener, tls: VaultDoubleTls | undefined): Promise<WireServer> {
  const httpServer = createHttpServer({ keepAliveTimeout: 5000 }, listener);
  const secureContext = tls ? createSecureContext({ cert: tls.certPem, key: tls.keyPem }) : null;
  const open = new Set<Socket>();
  let resetting = false;
  let resets = 0;

  const netServer = createNetServer((raw) => {
    raw.on('error', () => undefined);
    if (resetting) {
      resets += 1;
      raw.resetAndDestroy();
      return;
    }
    open.add(raw);
    raw.on('close', () => open.delete(raw));
    // Every TLS client is asked for a certificate (cert auth); none is required.
    const transport = secureContext ? new TLSSocket(raw, { isServer: true, secureContext, requestCert: true, rejectUnauthorized: false }) : raw;
    transport.on('error', () => undefined);
    const adapter = new ListMethodAdapter(transport);
    if (transport instanceof TLSSocket) {
      transport.once('secure', () => {
        const peer = transport.getPeerCertificate();
        // No certificate: Node gives an empty object, without raw.
        if ((peer as { raw?: Buffer }).raw !== undefined) adapter.peerCertificate = peer.raw;
      });
    }
    httpServer.emit('connection', adapter);
  });

  const port = await listen(netServer, 0);
  const dropOpenConnections = (): void => {
    for (const socket of open) socket.resetAndDestroy();
    open.clear();
  };

  return {
    port,
    address: `${tls ? 'https' : 'http'}://${HOST}:${port}`,
    async down(mode: DownMode): Promise<void> {
      if (mode === 'reset') {
        resetting = true;
        dropOpenConnections();
        return;
      }
      const closed = closeListener(netServer);
      dropOpenConnections();
      await closed;
    },
    async up(): Promise<void> {
      resetting = false;
      if (!netServer.listening) await listen(netServer, port);
    },
    async close(): Promise<void> {
      const closed = closeListener(netServer);
      dropOpenConnections();
      await closed;
    },
    resetConnections: () => resets,
  };
}
