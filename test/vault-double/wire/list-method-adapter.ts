// Node's HTTP parser (llhttp) rejects methods it does not know, and Vault's LIST is one of them.
// This stream sits between the socket and the HTTP server and rewrites a request line
// `LIST /v1/… HTTP/1.1` into `GET …` plus a header naming the original method. Clients write a
// request head in one piece and wait for the answer before the next request (no pipelining),
// so a request line always starts a chunk.
import { Duplex } from 'node:stream';
import type { Socket } from 'node:net';

/** Header the adapter adds to a rewritten LIST request. */
export const ORIGINAL_METHOD_HEADER = 'x-vault-double-original-method';

const LIST_REQUEST_LINE = /^LIST (\S+ HTTP\/1\.[01]\r\n)/;

export function rewriteListRequestLine(chunk: Buffer): Buffer {
  if (chunk.length < 5 || chunk.toString('latin1', 0, 5) !== 'LIST ') return chunk;
  const text = chunk.toString('latin1');
  const match = LIST_REQUEST_LINE.exec(text);
  if (!match?.[1]) return chunk;
  const rest = text.slice(match[0].length);
  return Buffer.from(`GET ${match[1]}${ORIGINAL_METHOD_HEADER}: LIST\r\n${rest}`, 'latin1');
}

/** A socket-like duplex the HTTP server can take through `emit('connection', …)`. */
export class ListMethodAdapter extends Duplex {
  /** DER of the TLS client certificate, when the connection presented one. */
  peerCertificate: Buffer | null = null;
  /** The client's address (cf auth matches it against the certificate's IP). */
  readonly peerAddress: string | null;

  constructor(private readonly inner: Socket) {
    super();
    this.peerAddress = inner.remoteAddress ?? null;
    inner.on('data', (chunk: Buffer) => {
      if (!this.push(rewriteListRequestLine(chunk))) inner.pause();
    });
    inner.on('end', () => this.push(null));
    inner.on('timeout', () => this.emit('timeout'));
    inner.on('error', (error) => this.destroy(error));
    inner.on('close', () => this.destroy());
  }

  override _read(): void {
    this.inner.resume();
  }

  override _write(chunk: Buffer, encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.inner.write(chunk, encoding, callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.inner.end(() => { callback(); });
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.inner.destroy();
    callback(error);
  }

  setTimeout(ms: number, callback?: () => void): this {
    this.inner.setTimeout(ms);
    if (callback) this.once('timeout', callback);
    return this;
  }

  setNoDelay(noDelay?: boolean): this {
    this.inner.setNoDelay(noDelay);
    return this;
  }

  setKeepAlive(enable?: boolean, initialDelay?: number): this {
    this.inner.setKeepAlive(enable, initialDelay);
    return this;
  }

  get remoteAddress(): string | undefined {
    return this.inner.remoteAddress;
  }

  get remotePort(): number | undefined {
    return this.inner.remotePort;
  }
}
