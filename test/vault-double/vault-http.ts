// A plain HTTP(S) client for the double's own tests: any method (LIST included), raw status,
// parsed JSON body, no retries, no interpretation.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface VaultCall {
  readonly token?: string;
  readonly bearer?: string;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** CA to trust for https addresses. */
  readonly ca?: string;
}

export interface VaultAnswer {
  readonly status: number;
  /** Parsed JSON, or the raw text when not JSON, or null when empty. */
  readonly body: unknown;
  readonly text: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

export function callVault(address: string, method: string, path: string, call: VaultCall = {}): Promise<VaultAnswer> {
  const url = new URL(`/v1/${path}`, address);
  const payload = call.body === undefined ? undefined : typeof call.body === 'string' ? call.body : JSON.stringify(call.body);
  const headers: Record<string, string> = { ...call.headers };
  if (call.token !== undefined) headers['X-Vault-Token'] = call.token;
  if (call.bearer !== undefined) headers['Authorization'] = `Bearer ${call.bearer}`;
  if (payload !== undefined) {
    headers['Content-Type'] = 'application/json';
    headers['Content-Length'] = String(Buffer.byteLength(payload));
  }
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const outgoing = send(url, { method, headers, agent: false, ...(call.ca ? { ca: call.ca } : {}) }, (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = null;
        if (text !== '') {
          try {
            body = JSON.parse(text);
          } catch {
            body = text;
          }
        }
        resolve({ status: incoming.statusCode ?? 0, body, text, headers: incoming.headers });
      });
      incoming.on('error', reject);
    });
    outgoing.on('error', reject);
    if (payload !== undefined) outgoing.write(payload);
    outgoing.end();
  });
}

/** Narrow an unknown JSON body for assertions. */
export function asRecord(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`expected a JSON object, got ${JSON.stringify(value)}`);
  return value as Record<string, unknown>;
}
