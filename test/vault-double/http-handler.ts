// The request pipeline, in Vault's order: route → sealed → injected 5xx → method → body → token
// (missing / forbidden / wrapping / invalid / out of namespace) → ACL → handler → response
// wrapping → envelope; then the slow fault, the reply and the request log.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestRecord, VaultEndpoint } from './vault-double-api.js';
import { isPlainObject, type DoubleCore, type HandlerRequest, type RouteOperation } from './core.js';
import type { FaultState } from './fault-state.js';
import { envelope, logical, multiError, replies, errorReply, type Outcome, type WireReply } from './reply.js';
import type { RequestLog } from './request-log.js';
import { resolveRoute, type Resolution } from './router.js';
import type { TokenRecord } from './state/token-store.js';
import { trimSlashes } from './state/mount-table.js';
import { parseTtlInput } from './ttl.js';
import { ListMethodAdapter, ORIGINAL_METHOD_HEADER } from './wire/list-method-adapter.js';

export interface PipelineDeps {
  readonly core: DoubleCore;
  readonly faults: FaultState;
  readonly log: RequestLog;
}

interface ParsedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Record<string, string>;
  readonly headers: Record<string, string>;
  readonly bodyText: string;
  readonly peerCertificate: Buffer | null;
  readonly remoteAddress: string | null;
}

interface Answer {
  readonly reply: WireReply;
  readonly endpoint: VaultEndpoint;
  readonly tokenAccessor: string | null;
  readonly wrapTtlSeconds: number | null;
}

function operationOf(method: string, query: Readonly<Record<string, string>>): RouteOperation | null {
  switch (method) {
    case 'GET':
      return query['list'] === 'true' ? 'list' : 'read';
    case 'LIST':
      return 'list';
    case 'POST':
    case 'PUT':
      return 'update';
    case 'DELETE':
      return 'delete';
    case 'HEAD':
      return 'head';
    default:
      return null;
  }
}

function presentedTokenOf(headers: Readonly<Record<string, string>>): string | null {
  const header = headers['x-vault-token'];
  if (header) return header.trim();
  const bearer = /^Bearer\s+(.+)$/i.exec(headers['authorization'] ?? '');
  return bearer?.[1]?.trim() ?? null;
}

function parseBody(text: string): Record<string, unknown> | string {
  if (text.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(text);
    return isPlainObject(parsed) ? parsed : 'failed to parse JSON input: expected a JSON object';
  } catch (error) {
    return `failed to parse JSON input: ${error instanceof Error ? error.message : String(error)}`;
  }
}

function endpointOf(resolution: Resolution, operation: RouteOperation | null): VaultEndpoint {
  if (resolution.kind !== 'route') return 'not-found';
  return (operation && resolution.route.handlers[operation]?.endpoint) ?? resolution.route.endpoint;
}

/** Token checks of an authenticated route; the live token or the refusal. */
function authenticate(deps: PipelineDeps, presented: string | null, namespace: string, nowMs: number): TokenRecord | Outcome {
  const { core, faults } = deps;
  if (presented === null || presented === '') return replies.missingToken();
  const forbidden = faults.forbiddenTokens.get(presented);
  if (forbidden) return forbidden === 'invalid-token' ? replies.invalidToken() : replies.permissionDenied();
  if (core.wrapping.isWrappingToken(presented)) return replies.permissionDenied();
  const token = core.tokens.live(presented, nowMs);
  if (!token || !core.mounts.isNamespaceWithin(namespace, token.namespace)) return replies.invalidToken();
  return token;
}

function isOutcome(value: TokenRecord | Outcome): value is Outcome {
  return 'kind' in value;
}

async function answer(deps: PipelineDeps, request: ParsedRequest, nowMs: number): Promise<Answer> {
  const { core, faults } = deps;
  const presented = presentedTokenOf(request.headers);
  const known = presented ? core.tokens.find(presented, nowMs) : undefined;
  const base = { tokenAccessor: known?.accessor || null, wrapTtlSeconds: null as number | null };
  if (!request.path.startsWith('/v1/')) return { ...base, endpoint: 'not-found', reply: { status: 404, json: { errors: [] } } };
  const { namespace, path } = core.mounts.splitNamespace(request.headers['x-vault-namespace'] ?? '', request.path.slice(4));
  const operation = operationOf(request.method, request.query);
  const resolution = resolveRoute(core, namespace, path);
  const endpoint = endpointOf(resolution, operation);
  const wrapHeader = request.headers['x-vault-wrap-ttl'];
  const wrapTtl = wrapHeader === undefined ? null : parseTtlInput(wrapHeader);
  const answered = (outcome: Outcome, requestId = core.ids.uuid()): Answer => ({
    ...base,
    endpoint,
    wrapTtlSeconds: wrapTtl?.ok ? wrapTtl.seconds : null,
    reply: outcome.kind === 'wire' ? outcome.reply : { status: outcome.status, json: envelope(requestId, outcome.response) },
  });

  if (core.sealed && endpoint !== 'sys.health' && endpoint !== 'sys.seal-status') return answered(replies.sealed());
  const injected = faults.takeFailure(path);
  if (injected !== null) return answered(replies.injected(injected));
  const echo = faults.takeEcho(path);
  if (echo !== null) {
    const text = `echo: ${request.method} ${request.path} query=${JSON.stringify(request.query)} headers=${JSON.stringify(request.headers)} body=${request.bodyText}`;
    return answered(errorReply(echo.status, [text.length >= echo.padBytes ? text : `${text} ${'x'.repeat(echo.padBytes - text.length)}`]));
  }
  if (operation === null) return answered(replies.unsupportedOperation());
  const body = parseBody(request.bodyText);
  if (typeof body === 'string') return answered(replies.badRequest(body));
  if (wrapTtl && !wrapTtl.ok) return answered(replies.badRequest(`error parsing wrap TTL: ${wrapTtl.error}`));

  const route = resolution.kind === 'route' ? resolution.route : null;
  let token: TokenRecord | null = null;
  if (!route?.unauthenticated) {
    const authenticated = authenticate(deps, presented, namespace, nowMs);
    if (isOutcome(authenticated)) return answered(authenticated);
    token = authenticated;
    const aclPath = operation === 'list' && !path.endsWith('/') ? `${path}/` : path;
    if (operation !== 'head' && !core.policies.allows(token.policies, aclPath, operation)) return answered(replies.permissionDenied());
  }
  if (resolution.kind === 'no-handler') return answered(replies.noHandler(path));
  if (resolution.kind === 'unsupported-path') return answered(replies.unsupportedPath());
  const handler = resolution.route.handlers[operation];
  if (!handler) return answered(replies.unsupportedOperation());

  const requestId = core.ids.uuid();
  const handlerRequest: HandlerRequest = {
    requestId,
    operation,
    namespace,
    path,
    subPath: resolution.subPath,
    mount: resolution.mount,
    query: request.query,
    body,
    headers: request.headers,
    token,
    presentedToken: presented,
    peerCertificate: request.peerCertificate,
    remoteAddress: request.remoteAddress,
    nowMs,
  };
  let outcome: Outcome;
  try {
    outcome = await handler.handle(core, handlerRequest);
  } catch (error) {
    outcome = errorReply(500, [multiError([`internal error: ${error instanceof Error ? error.message : String(error)}`])]);
  }
  if (wrapTtl?.ok && wrapTtl.seconds > 0 && !resolution.route.noWrap && outcome.kind === 'logical' && outcome.status === 200) {
    const wrapInfo = core.wrapping.wrap({ response: outcome.response, ttlSeconds: wrapTtl.seconds, creationPath: path, namespace }, nowMs);
    outcome = logical({ wrapInfo, mountType: '' });
  }
  return answered(outcome, requestId);
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => { resolve(Buffer.concat(chunks).toString('utf8')); });
    request.on('error', reject);
  });
}

function flattenHeaders(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function writeReply(response: ServerResponse, reply: WireReply, head: boolean): void {
  if (reply.status === 204 || (reply.json === undefined && reply.text === undefined)) {
    response.writeHead(reply.status, { 'Cache-Control': 'no-store' });
    response.end();
    return;
  }
  const body = reply.text ? reply.text.body : `${JSON.stringify(reply.json)}\n`;
  response.writeHead(reply.status, {
    'Content-Type': reply.text ? reply.text.contentType : 'application/json',
    'Cache-Control': 'no-store',
    'Content-Length': Buffer.byteLength(body),
  });
  response.end(head ? undefined : body);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function createRequestListener(deps: PipelineDeps): (request: IncomingMessage, response: ServerResponse) => void {
  return function onVaultRequest(request, response) {
    void (async () => {
      const atMs = deps.core.now();
      const seq = deps.log.arrived();
      const slowMs = deps.faults.slowMs;
      const url = new URL(request.url ?? '/', 'http://vault-double');
      const headers = flattenHeaders(request);
      const parsed: ParsedRequest = {
        method: headers[ORIGINAL_METHOD_HEADER] ?? request.method ?? 'GET',
        path: decodeURIComponent(url.pathname),
        query: Object.fromEntries(url.searchParams),
        headers,
        bodyText: await readBody(request),
        peerCertificate: request.socket instanceof ListMethodAdapter ? request.socket.peerCertificate : null,
        remoteAddress: request.socket instanceof ListMethodAdapter ? request.socket.peerAddress : (request.socket.remoteAddress ?? null),
      };
      const result = await answer(deps, parsed, atMs);
      if (slowMs > 0) await delay(slowMs);
      writeReply(response, result.reply, parsed.method === 'HEAD');
      const record: RequestRecord = {
        seq,
        method: parsed.method,
        path: parsed.path.replace(/^\/v1\//, ''),
        namespaceHeader: trimSlashes(headers['x-vault-namespace'] ?? ''),
        query: parsed.query,
        endpoint: result.endpoint,
        status: result.reply.status,
        atMs,
        tokenAccessor: result.tokenAccessor,
        wrapTtlSeconds: result.wrapTtlSeconds,
        vaultRequestHeader: headers['x-vault-request'] === 'true',
      };
      deps.log.add(record);
    })().catch((error: unknown) => {
      deps.log.broke();
      if (!response.headersSent) {
        response.writeHead(500, { 'Content-Type': 'application/json' });
        response.end(JSON.stringify({ errors: [multiError([`internal error: ${error instanceof Error ? error.message : String(error)}`])] }));
      }
    });
  };
}
