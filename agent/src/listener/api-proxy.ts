// The agent's listener (https://developer.hashicorp.com/vault/docs/agent-and-proxy/agent/apiproxy
// and https://developer.hashicorp.com/vault/docs/agent-and-proxy/agent#quit): a local Vault API
// proxy on the configured address. Requests to /v1/… go to Vault unchanged, with the auto-auth
// token attached when the client sent none (use_auto_auth_token = true) or always ("force").
// /agent/v1/quit shuts the agent down when a listener enables it. Bodies and tokens pass through
// and are never logged.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type * as HttpsModule from 'node:https';
import { createServer } from 'node:http';
import { readPemFileSync } from '../fs/read-bounded.js';
import { X509Certificate } from 'node:crypto';
import { createRequire } from 'node:module';
import type { ListenerConfig, UseAutoAuthToken } from '../config/agent-config.js';
import type { AgentLogger } from '../log.js';
import type { VaultClient } from '../vault/vault-client.js';
import { coerceError, errorMessage } from '../vault/vault-error.js';
import { applySocketPermissions } from './socket-permissions.js';
import type { AgentMetrics, MetricsEndpoint } from '../telemetry/agent-metrics.js';
import { NO_METRICS, UNCONFIGURED_METRICS, metricsFormat } from '../telemetry/agent-metrics.js';

export interface ApiProxyOptions {
  readonly client: VaultClient;
  readonly useAutoAuthToken: UseAutoAuthToken;
  readonly currentToken: () => string | undefined;
  readonly log: AgentLogger;
  readonly onQuit: () => void;
  readonly onInvalidToken: (token: string) => void;
  /** /agent/v1/metrics (telemetry stanza) and the proxy counters. */
  readonly metrics?: AgentMetrics;
  readonly metricsEndpoint?: MetricsEndpoint;
}

export interface RunningListeners {
  /** Bound addresses, e.g. 127.0.0.1:8200 or the socket path. */
  readonly addresses: readonly string[];
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'host', 'content-length']);
const MAX_BODY_BYTES = 32 * 1024 * 1024;

export async function startListeners(configs: readonly ListenerConfig[], options: ApiProxyOptions): Promise<RunningListeners> {
  const servers: Server[] = [];
  const addresses: string[] = [];
  try {
    for (const config of configs) {
      if (!isLoopbackListener(config)) {
        // Anything that reaches this port gets requests sent with the agent's own token (use_auto_auth_token).
        options.log.warn(
          { address: config.address },
          'WARNING: the listener is not bound to a loopback address: every host that can reach it can use this agent\'s Vault token; bind it to 127.0.0.1 unless that is really meant',
        );
      }
      const server = createListenerServer(config, options);
      servers.push(server);
      addresses.push(await listen(server, config));
      if (config.type === 'unix' && config.socket !== undefined) await applySocketPermissions(config.address, config.socket);
      options.log.info({ address: addresses.at(-1), enable_quit: config.enableQuit }, 'listener started');
    }
  } catch (error) {
    await Promise.all(servers.map(closeServer));
    throw error;
  }
  return {
    addresses,
    close: async () => {
      await Promise.all(servers.map(closeServer));
    },
  };
}

function createListenerServer(config: ListenerConfig, options: ApiProxyOptions): Server {
  const handler = (request: IncomingMessage, response: ServerResponse): void => {
    handle({ config, options }, request, response).catch((error: unknown) => {
      (options.metrics ?? NO_METRICS).increment('proxy.error');
      options.log.error({ err: coerceError(error), path: request.url?.split('?')[0] }, 'listener request failed');
      if (!response.headersSent) sendErrors(response, 502, ['error proxying request to Vault']);
      else response.destroy();
    });
  };
  if (config.tlsDisable || config.tlsCertFile === undefined || config.tlsKeyFile === undefined) return createServer(handler);
  const https = createRequire(import.meta.url)('node:https') as typeof HttpsModule;
  const versions = config.tlsVersions === undefined ? {} : { minVersion: config.tlsVersions.min, maxVersion: config.tlsVersions.max };
  return https.createServer({ cert: readPemFileSync(config.tlsCertFile), key: readPemFileSync(config.tlsKeyFile), ...versions, ...clientVerification(config) }, handler);
}

/**
 * tls_require_and_verify_client_cert: the handshake fails for a client without a certificate that
 * verifies against tls_client_ca_file (Go's tls.RequireAndVerifyClientCert). A CA file without a
 * certificate is refused at start, as Vault does: Node would accept it and then refuse every client.
 */
function clientVerification(config: ListenerConfig): { requestCert?: boolean; rejectUnauthorized?: boolean; ca?: Buffer } {
  const required = config.clientCertificates;
  if (required === undefined) return {};
  if (required.caFile === undefined) return { requestCert: true, rejectUnauthorized: true };
  let ca: Buffer;
  try {
    ca = readPemFileSync(required.caFile);
  } catch (error) {
    throw new Error(`failed to read tls_client_ca_file: ${errorMessage(error)}`, { cause: error });
  }
  try {
    new X509Certificate(ca);
  } catch {
    throw new Error(`failed to parse CA certificate in tls_client_ca_file ${required.caFile}`);
  }
  return { requestCert: true, rejectUnauthorized: true, ca };
}

/** One listener: its stanza and what the agent gives it. */
interface ListenerContext {
  readonly config: ListenerConfig;
  readonly options: ApiProxyOptions;
}

async function handle(listener: ListenerContext, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const { config, options } = listener;
  const normalised = normaliseProxyPath(request.url ?? '/');
  if (normalised === undefined) {
    sendErrors(response, 400, ['invalid request path: dot segments and malformed escapes are refused']);
    return;
  }
  const { path, url } = normalised;
  if (path === '/agent/v1/metrics') {
    await serveMetrics(options, request, response);
    return;
  }
  // A metrics_only listener serves nothing else
  // (https://developer.hashicorp.com/vault/docs/agent-and-proxy/agent#role).
  if (config.role === 'metrics_only') { sendErrors(response, 404, []); return; }
  if (path === '/agent/v1/quit') { serveQuit(listener, request, response); return; }
  if (!path.startsWith('/v1/')) { sendErrors(response, 404, []); return; }
  if (config.requireRequestHeader && request.headers['x-vault-request'] !== 'true') {
    sendErrors(response, 412, ['missing \'X-Vault-Request\' header']); return;
  }
  await proxyToVault(options, request, response, url);
}

function serveQuit({ config, options }: ListenerContext, request: IncomingMessage, response: ServerResponse): void {
  if (!config.enableQuit) { sendErrors(response, 404, []); return; }
  if (request.method !== 'POST') { sendErrors(response, 405, ['method not allowed']); return; }
  response.writeHead(200).end();
  options.log.info('quit requested through /agent/v1/quit');
  options.onQuit();
}

async function proxyToVault(options: ApiProxyOptions, request: IncomingMessage, response: ServerResponse, url: string): Promise<void> {
  const body = await readBody(request);
  const headers = endToEndHeaders(request.headers);
  const autoToken = attachAutoAuthToken(options, headers);
  const upstream = await options.client.raw({ method: request.method ?? 'GET', pathWithQuery: url, headers, payload: body.length > 0 ? body : undefined });
  if (autoToken !== undefined && upstream.status === 403 && upstream.body.includes('invalid token')) {
    options.onInvalidToken(autoToken);
  }
  (options.metrics ?? NO_METRICS).increment(upstream.status >= 400 ? 'proxy.client_error' : 'proxy.success');
  response.writeHead(upstream.status, endToEndHeaders(upstream.headers)).end(upstream.body);
}

/** The headers worth forwarding: hop-by-hop ones (and absent values) dropped. */
function endToEndHeaders(headers: Readonly<Record<string, string | string[] | undefined>>): Record<string, string | string[]> {
  const forwarded: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) forwarded[name] = value;
  }
  return forwarded;
}

/**
 * use_auto_auth_token: the agent's token replaces the client's ("force") or stands in when the
 * client sent none (true). Returns the token it attached, if any.
 */
function attachAutoAuthToken(options: ApiProxyOptions, headers: Record<string, string | string[]>): string | undefined {
  const autoToken = options.currentToken();
  if (autoToken === undefined) return undefined;
  const hasClientToken = headers['x-vault-token'] !== undefined || headers.authorization !== undefined;
  if (options.useAutoAuthToken !== 'force' && !(options.useAutoAuthToken && !hasClientToken)) return undefined;
  delete headers.authorization;
  headers['x-vault-token'] = autoToken;
  return autoToken;
}

/**
 * The request target as forwarded: repeated slashes collapsed; undefined (→ 400) when any segment
 * is `.` or `..` once percent-decoded (`/v1/../sys/raw`, `/v1/%2e%2e/sys/raw`), contains an encoded
 * slash or backslash, or holds a malformed escape. Vault would resolve such a path against its own
 * root, outside the `/v1/` prefix and the policy path the client meant.
 */
export function normaliseProxyPath(target: string): { readonly path: string; readonly url: string } | undefined {
  const queryAt = target.indexOf('?');
  const rawPath = queryAt === -1 ? target : target.slice(0, queryAt);
  const query = queryAt === -1 ? '' : target.slice(queryAt);
  if (!rawPath.startsWith('/')) return undefined;
  const segments = rawPath.split('/');
  for (const segment of segments) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return undefined;
    }
    if (decoded === '.' || decoded === '..' || decoded.includes('/') || decoded.includes('\\')) return undefined;
  }
  const path = rawPath.replace(/\/{2,}/g, '/');
  return { path, url: `${path}${query}` };
}

/** True for addresses only this host can reach: 127.0.0.0/8, ::1, localhost (and unix sockets). */
export function isLoopbackListener(config: ListenerConfig): boolean {
  if (config.type === 'unix') return true;
  const separator = config.address.lastIndexOf(':');
  const host = config.address.slice(0, separator).replace(/^\[|\]$/g, '').toLowerCase();
  // An empty host binds 127.0.0.1 (see listen below).
  if (host === '' || host === 'localhost' || host === '::1' || host === '0:0:0:0:0:0:0:1') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) || /^::ffff:127\./.test(host);
}

async function serveMetrics(options: ApiProxyOptions, request: IncomingMessage, response: ServerResponse): Promise<void> {
  if (request.method !== 'GET') { sendErrors(response, 405, ['method not allowed']); return; }
  const query = new URL(request.url ?? '/', 'http://agent').searchParams;
  const accept = request.headers.accept;
  const result = await (options.metricsEndpoint ?? UNCONFIGURED_METRICS).respond(metricsFormat(query, accept));
  response.writeHead(result.status, { 'Content-Type': result.contentType }).end(result.body);
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new Error('request body too large');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

function sendErrors(response: ServerResponse, status: number, errors: readonly string[]): void {
  response.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify({ errors }));
}

function listen(server: Server, config: ListenerConfig): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    const done = (): void => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'string' || address === null ? config.address : `${address.address}:${address.port}`);
    };
    if (config.type === 'unix') {
      server.listen(config.address, done);
      return;
    }
    const separator = config.address.lastIndexOf(':');
    const host = config.address.slice(0, separator).replace(/^\[|\]$/g, '') || '127.0.0.1';
    server.listen(Number(config.address.slice(separator + 1)), host, done);
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => { resolve(); });
    server.closeAllConnections();
  });
}
