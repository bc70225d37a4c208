// The double's shared state and the shape of a route: what every handler receives.
import type { IssuedCredential, VaultEndpoint } from './vault-double-api.js';
import type { IdSource } from './ids.js';
import type { Outcome } from './reply.js';
import type { LeaseStore } from './state/lease-store.js';
import type { Mount, MountTable } from './state/mount-table.js';
import type { Operation, PolicyStore } from './state/policy-store.js';
import type { TokenRecord, TokenStore } from './state/token-store.js';
import type { WrappingStore } from './state/wrapping-store.js';

export interface DoubleCore {
  readonly now: () => number;
  readonly ids: IdSource;
  readonly tokens: TokenStore;
  readonly leases: LeaseStore;
  readonly mounts: MountTable;
  readonly policies: PolicyStore;
  readonly wrapping: WrappingStore;
  readonly credentials: IssuedCredential[];
  readonly version: string;
  readonly clusterName: string;
  readonly clusterId: string;
  sealed: boolean;
}

export type RouteOperation = Operation | 'head';

export interface HandlerRequest {
  readonly requestId: string;
  readonly operation: RouteOperation;
  readonly namespace: string;
  /** Namespace-relative path. */
  readonly path: string;
  /** Path within the mount ("" for the mount root). */
  readonly subPath: string;
  readonly mount: Mount | null;
  readonly query: Readonly<Record<string, string>>;
  readonly body: Readonly<Record<string, unknown>>;
  readonly headers: Readonly<Record<string, string>>;
  /** The authenticated token (null on unauthenticated routes). */
  readonly token: TokenRecord | null;
  /** The token string presented, if any. */
  readonly presentedToken: string | null;
  /** DER of the TLS client certificate the connection presented (cert auth), else null. */
  readonly peerCertificate: Buffer | null;
  /** The client's IP address as the connection saw it. */
  readonly remoteAddress: string | null;
  readonly nowMs: number;
}

export type Handler = (core: DoubleCore, request: HandlerRequest) => Outcome | Promise<Outcome>;

export interface RouteHandler {
  readonly endpoint: VaultEndpoint;
  readonly handle: Handler;
}

export interface Route {
  /** Endpoint reported when the operation has no handler (405). */
  readonly endpoint: VaultEndpoint;
  readonly handlers: Partial<Record<RouteOperation, RouteHandler>>;
  /** No token needed (logins, health, wrapping lookup/unwrap: handlers check what they need). */
  readonly unauthenticated?: boolean;
  /** Responses may not be wrapped (sys/wrapping/* handle wrapping themselves). */
  readonly noWrap?: boolean;
}

export function singleRoute(endpoint: VaultEndpoint, operations: readonly RouteOperation[], handle: Handler, extra: Partial<Route> = {}): Route {
  const handlers: Partial<Record<RouteOperation, RouteHandler>> = {};
  for (const operation of operations) handlers[operation] = { endpoint, handle };
  return { endpoint, handlers, ...extra };
}

export function stringField(body: Readonly<Record<string, unknown>>, key: string): string | undefined {
  const value = body[key];
  return typeof value === 'string' ? value : undefined;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
