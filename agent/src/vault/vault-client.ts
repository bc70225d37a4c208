// A small Vault HTTP client over node:http/https (lighter at idle than fetch/undici). It sends
// Vault's headers, applies the connection's TLS, namespace and timeout, follows one redirect, and
// retries the way Vault's API client does (connection errors, 412, 429, 5xx but 501; linear
// 1–1.5 s jittered waits). Logins pass `retries: 0` so the auth backoff alone decides.
import type { Agent as HttpAgent, ClientRequest, IncomingHttpHeaders, IncomingMessage, RequestOptions } from 'node:http';
import type * as HttpModule from 'node:http';
import type * as HttpsModule from 'node:https';
import { readdirSync } from 'node:fs';
import { readPemFileSync } from '../fs/read-bounded.js';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import type { VaultConnection } from '../config/vault-environment.js';
import { DEFAULTS } from '../config/agent-config.js';
import type { VaultSecretEnvelope } from '../../../common/src/vault-wire.js';
import { parseVaultJson, isJsonNumber } from '../../../common/src/vault-json.js';
import { sleep } from '../supervisor/sleep.js';
import { safeText, secretRegistry } from '../log/redaction.js';
import type { SecretRegistry } from '../log/redaction.js';
import { createProxyAgent } from './proxy-agent.js';
import { VaultConnectionError, VaultRedirectError, VaultResponseError, VaultResponseTooLargeError, errorMessage, isRetryableVaultError } from './vault-error.js';

export interface VaultRequest {
  readonly method: string;
  /** Path after /v1/, without a leading slash. */
  readonly path: string;
  /** Raw query string without `?`. */
  readonly query?: string;
  /** A JSON value to send. */
  readonly body?: unknown;
  readonly token?: string;
  /** Overrides the connection's namespace for this request. */
  readonly namespace?: string;
  readonly wrapTtl?: string;
  /** Transport retries for this request (default: the connection's). */
  readonly retries?: number;
  /** Statuses ≥ 400 returned instead of thrown (e.g. 404 on reads). */
  readonly acceptStatuses?: readonly number[];
  readonly signal?: AbortSignal;
}

export interface VaultResponse {
  readonly status: number;
  /** The decoded body with numbers kept lossless; undefined for an empty body. */
  readonly body: unknown;
}

/** One request as the API proxy (or `request`) hands it over: headers and body passed through unchanged. */
export interface RawRequest {
  readonly method: string;
  readonly pathWithQuery: string;
  readonly headers: Readonly<Record<string, string | string[]>>;
  readonly payload: Buffer | undefined;
  readonly signal?: AbortSignal | undefined;
}

export interface RawResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** TLS client credentials that replace the connection's for one purpose (files read when connecting). */
export interface ClientTlsOverride {
  readonly certFile?: string | undefined;
  readonly keyFile?: string | undefined;
  readonly caCertFile?: string | undefined;
}

export interface VaultClientOptions {
  readonly maxConnectionsPerHost?: number;
  readonly random?: () => number;
  readonly userAgent?: string;
  /** Where learnt credentials and secret values are registered for redaction (default: the process-wide one). */
  readonly registry?: SecretRegistry;
}

type RequestFunction = (options: RequestOptions, callback: (response: IncomingMessage) => void) => ClientRequest;

/**
 * The token of an `Authorization: Bearer …` header, or undefined. An anchored prefix and a slice:
 * the regex /^Bearer\s+(.+)$/i it replaces backtracked quadratically on a header of whitespace
 * followed by a line break (a 16 KB header, Node's limit, cost 0.13 s per proxied request).
 */
export function bearerToken(header: string): string | undefined {
  const prefix = /^Bearer\s+/i.exec(header);
  if (prefix === null) return undefined;
  const token = header.slice(prefix[0].length);
  return token === '' || /[\n\r\u2028\u2029]/.test(token) ? undefined : token;
}

/** Certificate files taken from one ca_path directory at most (a system store holds a few hundred). */
const MAX_CA_PATH_FILES = 4096;

export class VaultClient {
  readonly #connection: VaultConnection;
  readonly #base: URL;
  readonly #random: () => number;
  readonly #userAgent: string;
  #transport: { request: RequestFunction; agent: HttpAgent } | undefined;
  readonly #maxSockets: number;
  readonly #registry: SecretRegistry;

  constructor(connection: VaultConnection, options: VaultClientOptions = {}) {
    this.#connection = connection;
    this.#base = new URL(connection.address);
    this.#random = options.random ?? Math.random;
    this.#userAgent = options.userAgent ?? 'vault-injector-agent';
    this.#maxSockets = options.maxConnectionsPerHost ?? 10;
    this.#registry = options.registry ?? secretRegistry;
  }

  get address(): string {
    return this.#connection.address;
  }

  /**
   * A client to the same Vault with other TLS client credentials (cert auth's own client_cert,
   * client_key and ca_cert), its own connections; close it after use.
   */
  withClientTls(tls: ClientTlsOverride): VaultClient {
    const connection: VaultConnection = {
      ...this.#connection,
      ...(tls.certFile === undefined ? {} : { clientCertFile: tls.certFile }),
      ...(tls.keyFile === undefined ? {} : { clientKeyFile: tls.keyFile }),
      ...(tls.caCertFile === undefined ? {} : { caCertFile: tls.caCertFile, caCertPem: undefined, caPath: undefined }),
    };
    return new VaultClient(connection, { maxConnectionsPerHost: 1, random: this.#random, userAgent: this.#userAgent });
  }

  /** Sends a request; statuses ≥ 400 throw VaultResponseError unless accepted. */
  async request(request: VaultRequest): Promise<VaultResponse> {
    const retries = request.retries ?? this.#connection.maxRetries;
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await this.#once(request);
      } catch (error) {
        if (attempt >= retries || !isRetryableVaultError(error) || request.signal?.aborted === true) throw error;
        // Vault's client: linear jittered backoff, attempt × 1–1.5 s.
        const wait = (attempt + 1) * (1000 + this.#random() * 500);
        if (!(await sleep(wait, request.signal))) throw error;
      }
    }
  }

  async #once(request: VaultRequest): Promise<VaultResponse> {
    const headers = this.#vaultHeaders(request);
    this.#registry.add(request.token);
    registerRequestCredentials(this.#registry, request.body);
    let payload: Buffer | undefined;
    if (request.body !== undefined) {
      payload = Buffer.from(JSON.stringify(request.body));
      headers['Content-Type'] = 'application/json';
    }
    const query = request.query === undefined || request.query === '' ? '' : `?${request.query}`;
    let raw: RawResponse;
    try {
      raw = await this.raw({ method: request.method, pathWithQuery: `/v1/${request.path}${query}`, headers, payload, signal: request.signal });
    } catch (error) {
      throw toConnectionError(error, request);
    }
    const failed = raw.status >= 400 && !(request.acceptStatuses ?? []).includes(raw.status);
    const decoded = decodeBody(raw.body.toString('utf8'), failed);
    if (failed) {
      throw new VaultResponseError(request.method, request.path, raw.status, errorStrings(decoded.body, this.#registry));
    }
    if (decoded.problem !== undefined && raw.status < 300) {
      // Vault's client fails on a success body it cannot decode (api.ParseSecret); reading it as
      // "no data" would report a missing secret, or render empty fields, instead of the real fault
      // (an HTML page from a proxy or ingress, a cut-off body, nesting past the parser's depth).
      throw new VaultResponseError(request.method, request.path, raw.status, [`the response body is not valid JSON (${safeText(decoded.problem, this.#registry, 200)})`]);
    }
    registerResponseSecrets(this.#registry, request.path, decoded.body);
    return { status: raw.status, body: decoded.body };
  }

  /** The headers Vault's client sends: request marker, user agent, token, namespace, wrap TTL. */
  #vaultHeaders(request: VaultRequest): Record<string, string> {
    const headers: Record<string, string> = { 'X-Vault-Request': 'true', 'User-Agent': this.#userAgent };
    if (request.token !== undefined && request.token !== '') headers['X-Vault-Token'] = request.token;
    const namespace = request.namespace ?? this.#connection.namespace;
    if (namespace !== undefined && namespace !== '') headers['X-Vault-Namespace'] = namespace;
    if (request.wrapTtl !== undefined) headers['X-Vault-Wrap-TTL'] = request.wrapTtl;
    return headers;
  }

  /**
   * One HTTP exchange (plus at most one redirect) with the raw body: used by the API proxy to pass
   * requests through unchanged, and by `request`.
   *
   * Redirects: Vault's Go client follows one 301/302/307 to wherever Location points, headers
   * (X-Vault-Token) and body included, refusing only an https → http downgrade
   * (https://github.com/hashicorp/vault/blob/main/api/client.go, RawRequestWithContext). We follow
   * one redirect only when it stays on the configured Vault origin (scheme, host and port); a
   * redirect anywhere else is refused with an error naming the target, so no token, JWT or request
   * body ever reaches a host other than the configured address. See docs/agent.md, "Limits".
   */
  async raw(request: RawRequest): Promise<RawResponse> {
    for (const [name, value] of Object.entries(request.headers)) {
      const lower = name.toLowerCase();
      // The proxy forwards clients' own tokens: they are credentials the agent has seen too.
      if (lower === 'x-vault-token') this.#registry.add(String(value));
      else if (lower === 'authorization') this.#registry.add(bearerToken(String(value)));
    }
    const first = await this.#exchange(this.#base, request);
    const location = first.headers.location;
    if (![301, 302, 307, 308].includes(first.status) || location === undefined) return first;
    const target = this.#redirectTarget(request, location);
    return this.#exchange(target, { ...request, pathWithQuery: `${target.pathname}${target.search}` });
  }

  /** Where a redirect may lead: the configured Vault origin only, never from https to http. */
  #redirectTarget(request: RawRequest, location: string): URL {
    const refused = (to: string, reason: string): VaultRedirectError =>
      new VaultRedirectError({ method: request.method, path: pathOnly(request.pathWithQuery), from: this.#base.origin, to }, reason);
    let target: URL;
    try {
      target = new URL(location, this.#base);
    } catch {
      throw refused('(unparseable Location)', 'the Location header is not a URL');
    }
    if (this.#base.protocol === 'https:' && target.protocol !== 'https:') throw refused(target.origin, 'it would downgrade https to http');
    if (target.origin !== this.#base.origin) throw refused(target.origin, 'credentials are only sent to the configured Vault address');
    return target;
  }

  #exchange(base: URL, request: RawRequest): Promise<RawResponse> {
    const { method, pathWithQuery, headers, payload, signal } = request;
    const transport = this.#ensureTransport();
    const timeoutMs = this.#connection.timeoutMs;
    const maxBytes = this.#connection.maxResponseBytes ?? DEFAULTS.maxResponseBytes;
    const options: RequestOptions = {
      method,
      host: base.hostname.replace(/^\[|\]$/g, ''),
      port: base.port === '' ? (base.protocol === 'https:' ? 443 : 80) : Number(base.port),
      path: pathWithQuery,
      headers: { ...headers, ...(payload === undefined ? {} : { 'Content-Length': String(payload.length) }) },
      agent: transport.agent,
    };
    return new Promise<RawResponse>((resolve, reject) => {
      // One timer and at most one abort listener per exchange (AbortSignal.timeout/any cost more per call).
      let settled = false;
      const finish = (error: Error | undefined, response?: RawResponse): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (error === undefined && response !== undefined) resolve(response);
        else reject(error ?? new Error('request failed'));
      };
      const outgoing = transport.request(options, (response) => {
        const chunks: Buffer[] = [];
        let received = 0;
        const tooLarge = (): void => {
          finish(new VaultResponseTooLargeError(method, pathOnly(pathWithQuery), maxBytes));
          response.destroy();
          outgoing.destroy();
        };
        // Refused before reading when the server announces it, else cut while streaming.
        if (Number(response.headers['content-length'] ?? 0) > maxBytes) {
          tooLarge();
          return;
        }
        response.on('data', (chunk: Buffer) => {
          received += chunk.length;
          if (received > maxBytes) tooLarge();
          else chunks.push(chunk);
        });
        response.on('end', () => { finish(undefined, { status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }); });
        response.on('error', (error) => { finish(error); });
      });
      const timer = setTimeout(() => {
        finish(new Error(`timed out after ${timeoutMs} ms`));
        outgoing.destroy();
      }, timeoutMs);
      const onAbort = (): void => {
        finish(new Error('request aborted'));
        outgoing.destroy();
      };
      // Registered first: destroy() below emits 'error', which must never go unhandled.
      outgoing.on('error', (error) => { finish(error); });
      if (signal?.aborted === true) {
        onAbort();
        return;
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      outgoing.end(payload);
    });
  }

  #ensureTransport(): { request: RequestFunction; agent: HttpAgent } {
    if (this.#transport !== undefined) return this.#transport;
    const https = this.#base.protocol === 'https:';
    const agentOptions = { keepAlive: true, maxSockets: this.#maxSockets, maxFreeSockets: 2, timeout: 120_000 };
    // node:https (and the TLS stack) only loads when Vault is reached over https.
    const module = https ? (loadHttps() as unknown as typeof HttpModule) : loadHttp();
    const tls = https ? this.#tlsOptions() : {};
    const agent =
      this.#connection.proxy === undefined
        ? new module.Agent({ ...agentOptions, ...tls })
        : createProxyAgent(this.#connection.proxy, https, { ...agentOptions, ...tls }, module.Agent);
    this.#transport = { request: module.request, agent };
    return this.#transport;
  }

  #tlsOptions(): Record<string, unknown> {
    const connection = this.#connection;
    const ca: string[] = [];
    if (connection.caCertPem !== undefined) ca.push(connection.caCertPem);
    if (connection.caCertFile !== undefined) ca.push(readPemFileSync(connection.caCertFile).toString('utf8'));
    if (connection.caPath !== undefined) {
      const names = readdirSync(connection.caPath).filter((name) => /\.(pem|crt|cer)$/.test(name));
      if (names.length > MAX_CA_PATH_FILES) throw new Error(`ca_path ${connection.caPath} holds ${names.length} certificate files, more than the ${MAX_CA_PATH_FILES} allowed`);
      for (const name of names.sort()) ca.push(readPemFileSync(join(connection.caPath, name)).toString('utf8'));
    }
    return {
      ...(ca.length > 0 ? { ca } : {}),
      ...(connection.clientCertFile !== undefined ? { cert: readPemFileSync(connection.clientCertFile) } : {}),
      ...(connection.clientKeyFile !== undefined ? { key: readPemFileSync(connection.clientKeyFile) } : {}),
      ...(connection.tlsServerName !== undefined ? { servername: connection.tlsServerName } : {}),
      rejectUnauthorized: !connection.tlsSkipVerify,
      minVersion: 'TLSv1.2',
    };
  }

  /** Closes idle keep-alive sockets so the process can exit. */
  close(): void {
    this.#transport?.agent.destroy();
    this.#transport = undefined;
  }
}

// Synchronous lazy loading keeps the TLS stack out of processes that talk plain HTTP.
function loadHttps(): typeof HttpsModule {
  const requireBuiltin = createRequire(import.meta.url);
  return requireBuiltin('node:https') as typeof HttpsModule;
}
function loadHttp(): typeof HttpModule {
  const requireBuiltin = createRequire(import.meta.url);
  return requireBuiltin('node:http') as typeof HttpModule;
}

/**
 * A response body as JSON. An error body is only read for its `errors` strings: the plain parser is
 * ~100× faster than the lossless one on a multi-megabyte body. Empty → undefined; unparseable →
 * undefined with the parser's message as `problem`.
 */
function decodeBody(text: string, failed: boolean): { readonly body: unknown; readonly problem?: string } {
  if (text.trim() === '') return { body: undefined };
  try {
    return { body: failed ? JSON.parse(text) : parseVaultJson(text) };
  } catch (error) {
    return { body: undefined, problem: errorMessage(error) };
  }
}

function pathOnly(pathWithQuery: string): string {
  const end = pathWithQuery.indexOf('?');
  return end === -1 ? pathWithQuery : pathWithQuery.slice(0, end);
}

function toConnectionError(error: unknown, request: VaultRequest): Error {
  if (error instanceof VaultResponseError || error instanceof VaultConnectionError || error instanceof VaultRedirectError || error instanceof VaultResponseTooLargeError) return error;
  const code = typeof (error as { code?: unknown }).code === 'string' ? (error as { code: string }).code : 'ERR_CONNECTION';
  const detail = error instanceof Error ? error.message : 'connection failed';
  return new VaultConnectionError(request.method, request.path, code, detail);
}

/**
 * Vault's `errors` strings, redacted then cut so that together they stay within MAX_ERROR_TEXT: a
 * hostile or broken Vault can echo the request (token, JWT) or send megabytes.
 */
function errorStrings(body: unknown, registry: SecretRegistry): string[] {
  if (typeof body !== 'object' || body === null) return [];
  const errors = (body as { errors?: unknown }).errors;
  if (!Array.isArray(errors)) return [];
  const strings = errors.filter((item): item is string => typeof item === 'string').slice(0, 8);
  return strings.map((message) => safeText(message, registry, Math.floor(1024 / strings.length)));
}

/** Request fields that carry credentials (logins, wraps, unwraps; cf's signature is a login proof until its signing time ages out). */
const CREDENTIAL_FIELDS = new Set(['jwt', 'token', 'secret_id', 'role_id', 'password', 'client_token', 'key', 'signature']);

function registerRequestCredentials(registry: SecretRegistry, body: unknown): void {
  if (typeof body !== 'object' || body === null) return;
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    if (CREDENTIAL_FIELDS.has(key) && typeof value === 'string') registry.add(value);
  }
}

/**
 * What a response teaches: its token and accessor, any wrapping token, and every string of `data`
 * (secret values). A token lookup's data is metadata (policies, paths): only its id and accessor.
 * Other sys/ answers (mount tables, health, lease renewals) hold no secret values, only names that
 * would blank ordinary log text ("secret/"); an unwrap's data is the wrapped secret.
 */
function registerResponseSecrets(registry: SecretRegistry, path: string, body: unknown): void {
  if (typeof body !== 'object' || body === null) return;
  const { auth, wrap_info: wrapInfo, data } = body as { auth?: unknown; wrap_info?: unknown; data?: unknown };
  if (typeof auth === 'object' && auth !== null) {
    const fields = auth as Record<string, unknown>;
    registry.add(stringOrUndefined(fields.client_token));
    registry.add(stringOrUndefined(fields.accessor));
  }
  if (typeof wrapInfo === 'object' && wrapInfo !== null) {
    const fields = wrapInfo as Record<string, unknown>;
    registry.add(stringOrUndefined(fields.token));
    registry.add(stringOrUndefined(fields.accessor));
    registry.add(stringOrUndefined(fields.wrapped_accessor));
  }
  if (typeof data !== 'object' || data === null) return;
  if (path.startsWith('sys/') && !path.startsWith('sys/wrapping/unwrap')) return;
  if (/^auth\/token\/lookup/.test(path)) {
    const fields = data as Record<string, unknown>;
    registry.add(stringOrUndefined(fields.id));
    registry.add(stringOrUndefined(fields.accessor));
    return;
  }
  registry.addAll(data);
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (isJsonNumber(value)) return Number(value.toString());
  return undefined;
}

/** A response body as a secret envelope: lease numbers as plain numbers, `data` left lossless. */
export function toSecretEnvelope(body: unknown): VaultSecretEnvelope {
  if (typeof body !== 'object' || body === null) return {};
  const source = body as Record<string, unknown>;
  const envelope: Record<string, unknown> = { ...source };
  const leaseDuration = toNumber(source.lease_duration);
  if (leaseDuration !== undefined) envelope.lease_duration = leaseDuration;
  if (typeof source.auth === 'object' && source.auth !== null) {
    const auth: Record<string, unknown> = { ...(source.auth as Record<string, unknown>) };
    const authLease = toNumber(auth.lease_duration);
    if (authLease !== undefined) auth.lease_duration = authLease;
    envelope.auth = auth;
  }
  if (typeof source.wrap_info === 'object' && source.wrap_info !== null) {
    const wrap: Record<string, unknown> = { ...(source.wrap_info as Record<string, unknown>) };
    const ttl = toNumber(wrap.ttl);
    if (ttl !== undefined) wrap.ttl = ttl;
    envelope.wrap_info = wrap;
  }
  return envelope;
}

/** A number anywhere in a decoded body (lossless or plain), or undefined. */
export function numberField(value: unknown): number | undefined {
  return toNumber(value);
}
