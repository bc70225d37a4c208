// A loopback HTTP server for the cloud fakes: every request is recorded (method, path, query,
// headers, body) so tests can assert what the agent sent where; answers come from the fake's handler.
import { createServer } from 'node:http';
import type { IncomingMessage } from 'node:http';

export interface FakeRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface FakeReply {
  readonly status: number;
  readonly body: string | Readonly<Record<string, unknown>>;
  readonly contentType?: string;
}

export interface FakeServer {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  /** 127.0.0.1:PORT */
  readonly host: string;
  readonly requests: FakeRequest[];
  close(): Promise<void>;
}

export const reply = {
  json: (body: Readonly<Record<string, unknown>>, status = 200): FakeReply => ({ status, body }),
  text: (body: string, status = 200, contentType = 'text/plain'): FakeReply => ({ status, body, contentType }),
  error: (status: number, message: string): FakeReply => ({ status, body: message, contentType: 'text/plain' }),
};

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startFakeServer(handle: (request: FakeRequest) => FakeReply | Promise<FakeReply>): Promise<FakeServer> {
  const requests: FakeRequest[] = [];
  const server = createServer((incoming, outgoing) => {
    void (async () => {
      const url = new URL(incoming.url ?? '/', 'http://fake');
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(incoming.headers)) {
        if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
      }
      const request: FakeRequest = { method: incoming.method ?? 'GET', path: url.pathname, query: url.searchParams, headers, body: await readBody(incoming) };
      requests.push(request);
      let answer: FakeReply;
      try {
        answer = await handle(request);
      } catch (error) {
        answer = reply.error(500, error instanceof Error ? error.message : String(error));
      }
      const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
      outgoing.writeHead(answer.status, { 'Content-Type': typeof answer.body === 'string' ? (answer.contentType ?? 'text/plain') : 'application/json' });
      outgoing.end(text);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => { resolve(); });
      }),
  };
}
