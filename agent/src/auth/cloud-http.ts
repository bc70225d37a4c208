// HTTP for the cloud auth methods (metadata services, token endpoints, IAM APIs). Only loaded when
// such a method is configured. Credentials go only where the method or an endpoint override points:
// redirects are refused (as Vault does for STS), answers are read up to a bound, every call has a
// deadline, and a plain-http endpoint is accepted only for link-local metadata addresses and loopback
// (the fakes in tests), so an override cannot send a token in clear text across the network.
import { AuthMethodError } from './auth-method.js';

const DEFAULT_TIMEOUT_MS = 10_000;
const MAX_RESPONSE_BYTES = 1024 * 1024;

/** Hosts that are only ever served over plain HTTP: cloud metadata services (link-local; Alibaba's 100.100.100.200) and this machine. */
const PLAIN_HTTP_HOSTS = new Set(['169.254.169.254', '169.254.170.2', '[fd00:ec2::254]', 'metadata.google.internal', 'metadata', '100.100.100.200', 'localhost', '[::1]']);

function plainHttpAllowed(hostname: string): boolean {
  return PLAIN_HTTP_HOSTS.has(hostname) || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/**
 * Parses an endpoint (a default or an override from the environment): https anywhere, http only for
 * metadata and loopback addresses. `what` names the input in the error.
 */
export function endpointUrl(value: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new AuthMethodError(`${what}: ${JSON.stringify(value)} is not a URL`);
  }
  if (url.username !== '' || url.password !== '') throw new AuthMethodError(`${what}: credentials in the URL are not accepted`);
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && plainHttpAllowed(url.hostname)) return url;
  throw new AuthMethodError(`${what}: ${url.protocol}//${url.host} is refused (https, or http only to a metadata or loopback address)`);
}

/** A host[:port] such as GCE_METADATA_HOST as an http URL (metadata servers speak plain http). */
export function hostOverride(value: string, what: string): URL {
  return endpointUrl(/^[a-z]+:\/\//i.test(value) ? value : `http://${value}`, what);
}

export interface CloudRequest {
  readonly method?: 'GET' | 'POST' | 'PUT';
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

export interface CloudResponse {
  readonly status: number;
  readonly text: string;
}

/** One request; the body is read up to 1 MiB. Network failures become AuthMethodError naming `what`. */
export async function cloudRequest(url: URL, request: CloudRequest, what: string): Promise<CloudResponse> {
  const deadline = AbortSignal.timeout(request.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const signal = request.signal === undefined ? deadline : AbortSignal.any([deadline, request.signal]);
  let response: Response;
  try {
    response = await fetch(url, {
      method: request.method ?? 'GET',
      headers: { ...request.headers },
      ...(request.body === undefined ? {} : { body: request.body }),
      redirect: 'error',
      signal,
    });
  } catch (error) {
    const detail = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
    throw new AuthMethodError(`${what}: request to ${url.origin}${url.pathname} failed: ${detail}`);
  }
  const text = await readBounded(response, what);
  return { status: response.status, text };
}

/** Like cloudRequest, but a status other than 200 is an error (its body, cut short, in the message). */
export async function cloudRequestOk(url: URL, request: CloudRequest, what: string): Promise<string> {
  const response = await cloudRequest(url, request, what);
  if (response.status !== 200) {
    throw new AuthMethodError(`${what}: ${url.origin}${url.pathname} answered ${response.status}: ${response.text.slice(0, 300).trim()}`);
  }
  return response.text;
}

/** A JSON object from a 200 answer. */
export async function cloudJson(url: URL, request: CloudRequest, what: string): Promise<Record<string, unknown>> {
  const text = await cloudRequestOk(url, request, what);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new AuthMethodError(`${what}: ${url.origin}${url.pathname} did not answer JSON`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new AuthMethodError(`${what}: ${url.origin}${url.pathname} did not answer a JSON object`);
  }
  return parsed as Record<string, unknown>;
}

async function readBounded(response: Response, what: string): Promise<string> {
  if (response.body === null) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  // Leaving the loop early cancels the stream.
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > MAX_RESPONSE_BYTES) throw new AuthMethodError(`${what}: answer larger than ${MAX_RESPONSE_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The first non-empty environment variable of `names`. */
export function envValue(env: NodeJS.ProcessEnv, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = env[name];
    if (value !== undefined && value.trim() !== '') return value.trim();
  }
  return undefined;
}
