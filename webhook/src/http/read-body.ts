// Reads a request body up to a byte limit while it streams in: a body announced or found to be
// larger is refused as soon as that is known, never buffered whole.
import type { IncomingMessage } from 'node:http';

/** 10 MiB: well above any Pod the API server admits (etcd's default object limit is 1.5 MiB). */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

export type BodyResult =
  | { readonly kind: 'body'; readonly body: Buffer }
  | { readonly kind: 'too-large' }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'error'; readonly message: string };

/** A body still incomplete after `timeoutMs` is a 'timeout' (a trickling client holds nothing for long). */
export function readBody(request: IncomingMessage, limit: number, timeoutMs = Number.POSITIVE_INFINITY): Promise<BodyResult> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve({ kind: 'too-large' });
  if (request.readableEnded) return Promise.resolve({ kind: 'body', body: Buffer.alloc(0) });
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const timer = Number.isFinite(timeoutMs)
      ? setTimeout(() => {
          finish({ kind: 'timeout' });
        }, timeoutMs)
      : undefined;
    const finish = (result: BodyResult): void => {
      clearTimeout(timer);
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
      request.off('aborted', onAborted);
      resolve(result);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        finish({ kind: 'too-large' });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      finish({ kind: 'body', body: Buffer.concat(chunks, size) });
    };
    const onError = (error: Error): void => {
      finish({ kind: 'error', message: error.message });
    };
    const onAborted = (): void => {
      finish({ kind: 'error', message: 'client disconnected' });
    };
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onError);
    request.on('aborted', onAborted);
  });
}

/** How much of a refused body is read and dropped, and for how long, before the socket is cut. */
const DISCARD_LIMIT_BYTES = 2 * MAX_BODY_BYTES;
const DISCARD_TIMEOUT_MS = 5000;

/**
 * Reads and drops the rest of a refused body, so the client (still sending) gets to read our
 * answer instead of a connection reset; past `maxBytes` or `maxMs` the connection is cut.
 * Nothing is kept, so the memory cost is nil whatever the client sends.
 */
export function discardBody(request: IncomingMessage, maxBytes = DISCARD_LIMIT_BYTES, maxMs = DISCARD_TIMEOUT_MS): void {
  if (request.readableEnded) return;
  let dropped = 0;
  const cut = (): void => {
    request.off('data', onData);
    request.socket.destroy();
  };
  const timer = setTimeout(cut, maxMs);
  timer.unref();
  const onData = (chunk: Buffer): void => {
    dropped += chunk.length;
    if (dropped > maxBytes) {
      clearTimeout(timer);
      cut();
    }
  };
  request.on('data', onData);
  request.once('end', () => {
    clearTimeout(timer);
  });
  request.once('close', () => {
    clearTimeout(timer);
  });
  request.resume();
}
