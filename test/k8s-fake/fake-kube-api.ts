// An in-process HTTPS fake of exactly the Kubernetes API endpoints the injector uses:
//   get/patch  /apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/{name}
//   get/update /api/v1/namespaces/{ns}/secrets/{name}, create /api/v1/namespaces/{ns}/secrets
//   get/update /apis/coordination.k8s.io/v1/namespaces/{ns}/leases/{name}, create …/leases
//   list/watch /api/v1/pods (and …/namespaces/{ns}/pods), get …/pods/{name}
//   create /api/v1/namespaces/{ns}/events, create …/pods/{name}/eviction (policy/v1 Eviction)
// with the API server's documented behaviour for them: resourceVersion on every write and 409
// Conflict for a stale one, 409 AlreadyExists, 404/403/401/415/422 metav1.Status bodies, JSON
// patch (application/json-patch+json) only, Secret stringData folded into data, Lease times in
// MicroTime format, list pagination (limit/continue), watch streams of JSON lines
// ({"type":"ADDED"|"MODIFIED"|"DELETED","object":…}) from a resourceVersion, eviction answering
// 201 with a Success Status (429 when a disruption budget blocks it), dryRun=All storing nothing.
// Extras for tests: bearer-token users, an optional RBAC authorizer, injected
// faults (a status for the next N matching requests, or "down": connections reset) and a log of
// every request. Listens on 127.0.0.1 only, on an ephemeral port.
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

import fastJsonPatch from 'fast-json-patch';

import { generateCa, generateLeaf } from '../../webhook/src/tls/x509.js';
import { alreadyExists, apiStatus, conflict, forbidden, invalid, notFound, type ApiStatus } from './api-status.js';
import type { Authorizer } from './rbac.js';

type JsonObject = Record<string, unknown> & { metadata?: Record<string, unknown> };

interface ResourceType {
  readonly apiGroup: string;
  readonly version: string;
  readonly resource: string;
  readonly kind: string;
  readonly namespaced: boolean;
}

const RESOURCE_TYPES: readonly ResourceType[] = [
  { apiGroup: '', version: 'v1', resource: 'secrets', kind: 'Secret', namespaced: true },
  { apiGroup: 'coordination.k8s.io', version: 'v1', resource: 'leases', kind: 'Lease', namespaced: true },
  { apiGroup: 'admissionregistration.k8s.io', version: 'v1', resource: 'mutatingwebhookconfigurations', kind: 'MutatingWebhookConfiguration', namespaced: false },
  { apiGroup: '', version: 'v1', resource: 'pods', kind: 'Pod', namespaced: true },
  { apiGroup: '', version: 'v1', resource: 'events', kind: 'Event', namespaced: true },
];

interface WatchEvent {
  readonly resourceVersion: number;
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED';
  readonly object: JsonObject;
}

interface Watcher {
  readonly type: ResourceType;
  readonly namespace: string | undefined;
  readonly response: ServerResponse;
}

export interface RequestLogEntry {
  readonly method: string;
  readonly path: string;
  readonly user: string;
  /** Kubernetes verb (get, list, create, update, patch, delete) when the path names a resource. */
  readonly verb: string | undefined;
  readonly apiGroup: string | undefined;
  readonly resource: string | undefined;
  readonly namespace: string | undefined;
  readonly name: string | undefined;
  readonly contentType: string | undefined;
  /** HTTP status sent, or 'reset' when the connection was dropped (fake is down). */
  readonly status: number | 'reset';
}

export interface FaultRule {
  readonly verb?: string;
  readonly resource?: string;
  readonly name?: string;
  /** HTTP status to answer with (409 Conflict, 500, 503, 429…). */
  readonly status: number;
  /** How many matching requests fail; Infinity for all until cleared. */
  readonly times: number;
}

interface ParsedPath {
  readonly type: ResourceType;
  readonly namespace: string | undefined;
  readonly name: string | undefined;
  /** Only pods/{name}/eviction. */
  readonly subresource?: 'eviction';
}

/** One authorised, non-watch request as the store serves it. */
interface FakeRequest {
  readonly method: string;
  readonly parsed: ParsedPath;
  readonly rawBody: string;
  readonly contentType: string | undefined;
  readonly query: URLSearchParams;
}

const MICRO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}(Z|[+-]\d{2}:\d{2})$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function parsePath(pathname: string): ParsedPath | undefined {
  const parts = pathname.split('/').filter((part) => part !== '');
  const [root, ...rest] = parts;
  let apiGroup: string;
  let version: string | undefined;
  let tail: string[];
  if (root === 'api') {
    apiGroup = '';
    [version, ...tail] = rest;
  } else if (root === 'apis') {
    let group: string | undefined;
    [group, version, ...tail] = rest;
    apiGroup = group ?? '';
  } else {
    return undefined;
  }
  let namespace: string | undefined;
  if (tail[0] === 'namespaces' && tail.length >= 3) {
    namespace = tail[1];
    tail = tail.slice(2);
  }
  const [resource, name, ...extra] = tail;
  const eviction = resource === 'pods' && name !== undefined && extra.length === 1 && extra[0] === 'eviction';
  if (extra.length > 0 && !eviction) return undefined;
  const type = RESOURCE_TYPES.find((t) => t.apiGroup === apiGroup && t.version === version && t.resource === resource);
  if (type === undefined) return undefined;
  // Namespaced kinds are also listed and watched across namespaces (GET /api/v1/pods).
  const clusterWideCollection = type.namespaced && namespace === undefined && name === undefined;
  if (type.namespaced !== (namespace !== undefined) && !clusterWideCollection) return undefined;
  return { type, namespace, name, ...(eviction ? { subresource: 'eviction' as const } : {}) };
}

function verbOf(method: string, name: string | undefined, watch: boolean): string {
  switch (method) {
    case 'GET':
      return name === undefined ? (watch ? 'watch' : 'list') : 'get';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return 'delete';
    default:
      return method.toLowerCase();
  }
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    request.on('error', reject);
  });
}

class HttpFailure extends Error {
  constructor(readonly status: ApiStatus) {
    super(status.message);
  }
}

function metadataOf(object: JsonObject): Record<string, unknown> {
  object.metadata ??= {};
  return object.metadata;
}

export class FakeKubeApi {
  readonly requests: RequestLogEntry[] = [];
  private readonly objects = new Map<string, JsonObject>();
  private readonly users = new Map<string, string>();
  private faults: (FaultRule & { remaining: number })[] = [];
  private authorizer: Authorizer | undefined;
  private down = false;
  private resourceVersion = 1000;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private caPemValue = '';
  private urlValue = '';
  private readonly history: WatchEvent[] = [];
  private readonly watchers = new Set<Watcher>();
  private evictionBlocked = false;

  /** Starts on 127.0.0.1 with a fresh CA; `url` and `caPem` are valid afterwards. */
  async start(): Promise<void> {
    const now = new Date();
    const ca = await generateCa({ now, name: 'Fake Kubernetes' });
    const leaf = await generateLeaf(ca, { now, hosts: ['127.0.0.1', 'localhost'], name: 'Fake Kubernetes' });
    this.caPemValue = ca.certPem;
    const server = createServer({ cert: leaf.certPem, key: leaf.keyPem }, (request, response) => {
      void this.handle(request, response);
    });
    server.on('connection', (socket: Socket) => {
      if (this.down) {
        socket.destroy();
        return;
      }
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.urlValue = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.endWatches();
    for (const socket of this.sockets) socket.destroy();
    const server = this.server;
    if (server !== undefined) {
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      });
    }
  }

  get url(): string {
    return this.urlValue;
  }

  get caPem(): string {
    return this.caPemValue;
  }

  /** Registers a bearer token for a user (e.g. system:serviceaccount:ns:name). */
  addUser(token: string, user: string): void {
    this.users.set(token, user);
  }

  setAuthorizer(authorizer: Authorizer | undefined): void {
    this.authorizer = authorizer;
  }

  /** While down, every connection (new and open) is reset: the client sees a network error. */
  setDown(down: boolean): void {
    this.down = down;
    if (down) for (const socket of this.sockets) socket.destroy();
  }

  /** Ends every open watch, as the API server does after its watch timeout. */
  endWatches(): void {
    for (const watcher of this.watchers) watcher.response.end();
    this.watchers.clear();
  }

  /** While set, evictions answer 429 as when a PodDisruptionBudget allows no disruption. */
  setEvictionBlocked(blocked: boolean): void {
    this.evictionBlocked = blocked;
  }

  injectFault(rule: FaultRule): void {
    this.faults.push({ ...rule, remaining: rule.times });
  }

  clearFaults(): void {
    this.faults = [];
  }

  /** Stores an object directly (test setup), assigning metadata like a create would. */
  seed(apiVersion: string, kind: string, object: JsonObject): JsonObject {
    const type = RESOURCE_TYPES.find((t) => t.kind === kind && `${t.apiGroup === '' ? '' : `${t.apiGroup}/`}${t.version}` === apiVersion);
    if (type === undefined) throw new Error(`fake does not serve ${apiVersion} ${kind}`);
    const metadata = metadataOf(object);
    const name = String(metadata.name);
    const namespace = type.namespaced ? String(metadata.namespace) : undefined;
    const key = this.key(type, namespace, name);
    const existed = this.objects.has(key);
    const stored = this.stamp({ ...structuredClone(object), apiVersion, kind }, this.objects.get(key), namespace);
    this.objects.set(key, stored);
    this.notify(type, existed ? 'MODIFIED' : 'ADDED', stored);
    return structuredClone(stored);
  }

  /** A copy of a stored object, or undefined. */
  get(apiGroup: string, resource: string, namespace: string | undefined, name: string): JsonObject | undefined {
    const type = RESOURCE_TYPES.find((t) => t.apiGroup === apiGroup && t.resource === resource);
    if (type === undefined) return undefined;
    const found = this.objects.get(this.key(type, namespace, name));
    return found === undefined ? undefined : structuredClone(found);
  }

  /** Deletes a stored object directly (e.g. to simulate someone removing the Secret). */
  remove(apiGroup: string, resource: string, namespace: string | undefined, name: string): void {
    const type = RESOURCE_TYPES.find((t) => t.apiGroup === apiGroup && t.resource === resource);
    if (type === undefined) return;
    const key = this.key(type, namespace, name);
    const found = this.objects.get(key);
    if (found === undefined) return;
    this.objects.delete(key);
    this.resourceVersion += 1;
    this.notify(type, 'DELETED', { ...found, metadata: { ...found.metadata, resourceVersion: String(this.resourceVersion) } });
  }

  /** Stored objects of a kind (optionally in one namespace), for assertions. */
  list(apiGroup: string, resource: string, namespace?: string): JsonObject[] {
    const type = RESOURCE_TYPES.find((t) => t.apiGroup === apiGroup && t.resource === resource);
    if (type === undefined) return [];
    return [...this.objects.entries()]
      .filter(([key]) => key.startsWith(`${type.apiGroup}/${type.resource}/${namespace ?? ''}`))
      .map(([, object]) => structuredClone(object));
  }

  private notify(type: ResourceType, kind: WatchEvent['type'], object: JsonObject): void {
    const event: WatchEvent = { resourceVersion: Number(object.metadata?.resourceVersion), type: kind, object: structuredClone(object) };
    this.history.push(event);
    for (const watcher of this.watchers) this.send(watcher, type, event);
  }

  private send(watcher: Watcher, type: ResourceType, event: WatchEvent): void {
    if (watcher.type !== type) return;
    if (watcher.namespace !== undefined && event.object.metadata?.namespace !== watcher.namespace) return;
    watcher.response.write(`${JSON.stringify({ type: event.type, object: event.object })}\n`);
  }

  private key(type: ResourceType, namespace: string | undefined, name: string): string {
    return `${type.apiGroup}/${type.resource}/${namespace ?? ''}/${name}`;
  }

  private stamp(object: JsonObject, previous: JsonObject | undefined, namespace: string | undefined): JsonObject {
    const metadata = metadataOf(object);
    const before = previous?.metadata ?? {};
    this.resourceVersion += 1;
    metadata.resourceVersion = String(this.resourceVersion);
    metadata.uid = before.uid ?? randomUUID();
    metadata.creationTimestamp = before.creationTimestamp ?? `${new Date().toISOString().slice(0, 19)}Z`;
    if (namespace !== undefined) metadata.namespace = namespace;
    if (object.kind === 'Secret') {
      const stringData = (object.stringData ?? {}) as Record<string, string>;
      const data = { ...((object.data ?? {}) as Record<string, string>) };
      for (const [key, value] of Object.entries(stringData)) data[key] = Buffer.from(value).toString('base64');
      delete object.stringData;
      object.data = data;
      object.type ??= 'Opaque';
    }
    return object;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const method = request.method ?? 'GET';
    const url = new URL(request.url ?? '/', 'https://fake');
    const parsed = parsePath(url.pathname);
    const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    const user = (token !== undefined ? this.users.get(token) : undefined) ?? 'system:anonymous';
    const contentType = request.headers['content-type'];
    const watch = url.searchParams.get('watch') === 'true' || url.searchParams.get('watch') === '1';
    const verb = parsed ? verbOf(method, parsed.name, watch) : undefined;
    const rbacResource = parsed === undefined ? undefined : parsed.subresource === undefined ? parsed.type.resource : `${parsed.type.resource}/${parsed.subresource}`;
    const log = (status: number | 'reset'): void => {
      this.requests.push({
        method,
        path: url.pathname,
        user,
        verb,
        apiGroup: parsed?.type.apiGroup,
        resource: rbacResource,
        namespace: parsed?.namespace,
        name: parsed?.name,
        contentType,
        status,
      });
    };
    if (this.down) {
      log('reset');
      request.socket.destroy();
      return;
    }
    let status: number;
    let body: unknown;
    try {
      const rawBody = await readBody(request);
      if (token === undefined || !this.users.has(token)) throw new HttpFailure(apiStatus(401, 'Unauthorized', 'Unauthorized'));
      if (parsed === undefined || verb === undefined) {
        throw new HttpFailure(apiStatus(404, 'NotFound', 'the server could not find the requested resource'));
      }
      const { type, namespace, name } = parsed;
      if (this.authorizer !== undefined && !this.authorizer({ user, verb, apiGroup: type.apiGroup, resource: rbacResource ?? type.resource, namespace, name })) {
        throw new HttpFailure(forbidden(user, verb, { resource: rbacResource ?? type.resource, group: type.apiGroup, namespace, name }));
      }
      this.takeFault(verb, rbacResource ?? type.resource, name);
      if (verb === 'watch') {
        log(200);
        this.startWatch(parsed, url.searchParams.get('resourceVersion'), response);
        return;
      }
      [status, body] = this.serve({ method, parsed, rawBody, contentType, query: url.searchParams });
    } catch (error) {
      if (!(error instanceof HttpFailure)) throw error;
      status = error.status.code;
      body = error.status;
    }
    log(status);
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  }

  private takeFault(verb: string, resource: string, name: string | undefined): void {
    const fault = this.faults.find(
      (rule) =>
        rule.remaining > 0 &&
        (rule.verb === undefined || rule.verb === verb) &&
        (rule.resource === undefined || rule.resource === resource) &&
        (rule.name === undefined || rule.name === name),
    );
    if (fault === undefined) return;
    fault.remaining -= 1;
    const reasons: Record<number, string> = { 409: 'Conflict', 429: 'TooManyRequests', 500: 'InternalError', 503: 'ServiceUnavailable' };
    throw new HttpFailure(apiStatus(fault.status, reasons[fault.status] ?? 'Unknown', `injected fault: ${fault.status} for ${verb} ${resource}`));
  }

  private startWatch(parsed: ParsedPath, resourceVersion: string | null, response: ServerResponse): void {
    response.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    const watcher: Watcher = { type: parsed.type, namespace: parsed.namespace, response };
    const from = Number(resourceVersion ?? '0');
    // Replays what happened after the given resourceVersion (none given: from now on).
    if (resourceVersion !== null && resourceVersion !== '' && resourceVersion !== '0') {
      for (const event of this.history.filter((entry) => entry.resourceVersion > from)) this.send(watcher, parsed.type, event);
    }
    this.watchers.add(watcher);
    response.on('close', () => this.watchers.delete(watcher));
  }

  private listing(type: ResourceType, namespace: string | undefined, query: URLSearchParams): unknown {
    const prefix = `${type.apiGroup}/${type.resource}/${namespace === undefined ? '' : `${namespace}/`}`;
    const all = [...this.objects.entries()].filter(([key]) => key.startsWith(prefix)).sort(([a], [b]) => a.localeCompare(b));
    const start = Number(query.get('continue') ?? '0');
    const limit = Number(query.get('limit') ?? '0');
    const page = limit > 0 ? all.slice(start, start + limit) : all.slice(start);
    const next = limit > 0 && start + limit < all.length ? String(start + limit) : undefined;
    return {
      apiVersion: type.apiGroup === '' ? type.version : `${type.apiGroup}/${type.version}`,
      kind: `${type.kind}List`,
      metadata: { resourceVersion: String(this.resourceVersion), ...(next !== undefined ? { continue: next } : {}) },
      items: page.map(([, object]) => object),
    };
  }

  private evict(namespace: string, name: string, eviction: JsonObject, dryRun: boolean): [number, unknown] {
    if (eviction.kind !== 'Eviction' || !['policy/v1', 'policy/v1beta1'].includes(String(eviction.apiVersion))) {
      throw new HttpFailure(apiStatus(400, 'BadRequest', `the body must be a policy/v1 Eviction, got ${String(eviction.apiVersion)} ${String(eviction.kind)}`));
    }
    if (eviction.metadata?.name !== name) throw new HttpFailure(apiStatus(400, 'BadRequest', 'name in URL does not match name in Eviction object'));
    const podType = RESOURCE_TYPES.find((t) => t.resource === 'pods')!;
    if (!this.objects.has(this.key(podType, namespace, name))) throw new HttpFailure(notFound('pods', '', name));
    if (this.evictionBlocked) throw new HttpFailure(apiStatus(429, 'TooManyRequests', "Cannot evict pod as it would violate the pod's disruption budget."));
    if (!dryRun) this.remove('', 'pods', namespace, name);
    return [201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 }];
  }

  private serve(request: FakeRequest): [number, unknown] {
    const { method, parsed, rawBody, contentType, query } = request;
    const { type, namespace, name } = parsed;
    const dryRun = query.getAll('dryRun').includes('All');
    if (parsed.subresource === 'eviction' && method === 'POST' && namespace !== undefined && name !== undefined) {
      return this.evict(namespace, name, this.parseJson(rawBody), dryRun);
    }
    if (parsed.subresource !== undefined) throw new HttpFailure(apiStatus(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource'));
    if (method === 'GET' && name === undefined) return [200, this.listing(type, namespace, query)];
    if (method === 'GET' && name !== undefined) {
      const found = this.objects.get(this.key(type, namespace, name));
      if (found === undefined) throw new HttpFailure(notFound(type.resource, type.apiGroup, name));
      return [200, found];
    }
    if (method === 'POST' && name === undefined) return [201, this.create(type, namespace, this.parseJson(rawBody))];
    if (method === 'PUT' && name !== undefined) return [200, this.update(type, namespace, name, this.parseJson(rawBody))];
    if (method === 'PATCH' && name !== undefined) return [200, this.patch(type, { namespace, name }, rawBody, contentType)];
    throw new HttpFailure(apiStatus(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`));
  }

  private parseJson(rawBody: string): JsonObject {
    try {
      const value: unknown = JSON.parse(rawBody);
      if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
      return value as JsonObject;
    } catch (error) {
      throw new HttpFailure(apiStatus(400, 'BadRequest', `the object provided is unrecognized: ${(error as Error).message}`));
    }
  }

  private checkIdentity(type: ResourceType, object: JsonObject): void {
    const apiVersion = `${type.apiGroup === '' ? '' : `${type.apiGroup}/`}${type.version}`;
    if (object.kind !== undefined && object.kind !== type.kind) {
      throw new HttpFailure(apiStatus(400, 'BadRequest', `the API version in the data (${String(object.apiVersion)}) does not match the expected API version (${apiVersion})`));
    }
    object.apiVersion = apiVersion;
    object.kind = type.kind;
  }

  private create(type: ResourceType, namespace: string | undefined, object: JsonObject): JsonObject {
    this.checkIdentity(type, object);
    const metadata = metadataOf(object);
    const name = metadata.name;
    if (typeof name !== 'string' || name === '') throw new HttpFailure(invalid(type.kind, '', ['metadata.name: Required value: name or generateName is required']));
    if (metadata.namespace !== undefined && metadata.namespace !== namespace) {
      throw new HttpFailure(apiStatus(400, 'BadRequest', 'the namespace of the provided object does not match the namespace sent on the request'));
    }
    if (metadata.resourceVersion !== undefined && metadata.resourceVersion !== '') {
      throw new HttpFailure(invalid(type.kind, name, ['metadata.resourceVersion: Invalid value: must not be set on create']));
    }
    const key = this.key(type, namespace, name);
    if (this.objects.has(key)) throw new HttpFailure(alreadyExists(type.resource, type.apiGroup, name));
    this.validate(type, name, object);
    const stored = this.stamp(object, undefined, namespace);
    this.objects.set(key, stored);
    this.notify(type, 'ADDED', stored);
    return stored;
  }

  private update(type: ResourceType, namespace: string | undefined, name: string, object: JsonObject): JsonObject {
    this.checkIdentity(type, object);
    const metadata = metadataOf(object);
    if (metadata.name !== name) {
      throw new HttpFailure(apiStatus(400, 'BadRequest', 'the name of the object does not match the name on the URL'));
    }
    const key = this.key(type, namespace, name);
    const current = this.objects.get(key);
    if (current === undefined) throw new HttpFailure(notFound(type.resource, type.apiGroup, name));
    const expected = metadata.resourceVersion;
    // An update without resourceVersion is unconditional (allowed for these kinds); a stale one
    // loses the optimistic-concurrency race.
    if (expected !== undefined && expected !== '' && expected !== current.metadata?.resourceVersion) {
      throw new HttpFailure(conflict(type.resource, type.apiGroup, name));
    }
    this.validate(type, name, object);
    const stored = this.stamp(object, current, namespace);
    this.objects.set(key, stored);
    this.notify(type, 'MODIFIED', stored);
    return stored;
  }

  private patch(type: ResourceType, { namespace, name }: { readonly namespace: string | undefined; readonly name: string }, rawBody: string, contentType: string | undefined): JsonObject {
    if (contentType?.split(';')[0]?.trim() !== 'application/json-patch+json') {
      throw new HttpFailure(
        apiStatus(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json`),
      );
    }
    const key = this.key(type, namespace, name);
    const current = this.objects.get(key);
    if (current === undefined) throw new HttpFailure(notFound(type.resource, type.apiGroup, name));
    let operations: fastJsonPatch.Operation[];
    try {
      operations = JSON.parse(rawBody) as fastJsonPatch.Operation[];
      if (!Array.isArray(operations)) throw new Error('a JSON patch is an array of operations');
    } catch (error) {
      throw new HttpFailure(apiStatus(400, 'BadRequest', `error decoding patch: ${(error as Error).message}`));
    }
    let patched: JsonObject;
    try {
      patched = fastJsonPatch.applyPatch(structuredClone(current), operations, true, false).newDocument;
    } catch (error) {
      throw new HttpFailure(apiStatus(422, 'Invalid', `the server rejected our request due to an error in our request: ${(error as Error).message}`));
    }
    if (patched.metadata?.name !== name) throw new HttpFailure(invalid(type.kind, name, ['metadata.name: Invalid value: field is immutable']));
    this.validate(type, name, patched);
    const stored = this.stamp(patched, current, namespace);
    this.objects.set(key, stored);
    this.notify(type, 'MODIFIED', stored);
    return stored;
  }

  /** The few validation rules of these kinds that a client can get wrong. */
  private validate(type: ResourceType, name: string, object: JsonObject): void {
    const causes: string[] = [];
    if (type.kind === 'Lease') {
      const spec = (object.spec ?? {}) as Record<string, unknown>;
      for (const field of ['acquireTime', 'renewTime']) {
        const value = spec[field];
        if (value !== undefined && value !== null && !(typeof value === 'string' && MICRO_TIME.test(value))) {
          causes.push(`spec.${field}: Invalid value: ${JSON.stringify(value)}: must be a MicroTime (RFC 3339 with microseconds)`);
        }
      }
      const duration = spec.leaseDurationSeconds;
      if (duration !== undefined && !(Number.isInteger(duration) && (duration as number) > 0)) {
        causes.push('spec.leaseDurationSeconds: Invalid value: must be greater than 0');
      }
    }
    if (type.kind === 'Secret') {
      for (const [key, value] of Object.entries((object.data ?? {}) as Record<string, unknown>)) {
        if (typeof value !== 'string' || !BASE64.test(value)) causes.push(`data[${key}]: Invalid value: illegal base64 data`);
      }
    }
    if (type.kind === 'MutatingWebhookConfiguration') {
      const webhooks = (object.webhooks ?? []) as { clientConfig?: { caBundle?: unknown } }[];
      webhooks.forEach((webhook, index) => {
        const caBundle = webhook.clientConfig?.caBundle;
        if (caBundle !== undefined && !(typeof caBundle === 'string' && BASE64.test(caBundle))) {
          causes.push(`webhooks[${index}].clientConfig.caBundle: Invalid value: illegal base64 data`);
        }
      });
    }
    if (type.kind === 'Event') {
      const involved = (object.involvedObject ?? {}) as Record<string, unknown>;
      if (typeof involved.name !== 'string' || involved.name === '') causes.push('involvedObject.name: Required value');
      if (involved.namespace !== undefined && involved.namespace !== object.metadata?.namespace) causes.push('involvedObject.namespace: Invalid value: does not match event.namespace');
      if (typeof object.reason !== 'string' || object.reason === '') causes.push('reason: Required value');
      if (!['Normal', 'Warning'].includes(String(object.type))) causes.push(`type: Unsupported value: ${JSON.stringify(object.type)}: supported values: "Normal", "Warning"`);
    }
    if (causes.length > 0) throw new HttpFailure(invalid(type.kind, name, causes));
  }
}
