// buildApp(deps): the webhook's fastify instance with its routes, built but not listening (main.ts
// listens). Routes mirror vault-k8s's Go mux: /mutate, /health/ready, the telemetry path when
// set, and a plain-text 404 for everything else.
import { fastify } from 'fastify';
import type { FastifyInstance } from 'fastify';
import type { ServerOptions } from 'node:https';
import { performance } from 'node:perf_hooks';
import { admit as realAdmit } from './inject/admit.js';
import type { Settings } from './settings/settings.js';
import type { Logger } from './log.js';
import type { WebhookMetrics } from './metrics.js';
import { registerMutateRoute } from './http/mutate-route.js';
import type { AdmitFunction } from './inject/admit.js';
import { memoizeAdmit } from './inject/memoize-admit.js';
import { ReplyMemo } from './http/reply-memo.js';
import { MAX_BODY_BYTES } from './http/read-body.js';
import { sendGoError, sendGoNotFound } from './http/go-responses.js';
import { registerRawRoute } from './http/raw-route.js';

export interface AppDependencies {
  readonly settings: Settings;
  readonly logger: Logger;
  readonly metrics: WebhookMetrics;
  /** True once a certificate is loaded and until shutdown begins. */
  readonly isReady: () => boolean;
  /** TLS options for the HTTPS server; without them the app is plain HTTP (for inject() tests). */
  readonly https?: ServerOptions;
  readonly admit?: AdmitFunction;
  /**
   * Whole answers remembered for pods that differ only in their uid. On by default around the real
   * admit(); a caller passing its own admit() gets one only by passing it here too.
   */
  readonly replyMemo?: ReplyMemo;
  readonly bodyLimit?: number;
  readonly now?: () => number;
  /** Overrides of SERVER_LIMITS (tests use short timeouts). */
  readonly limits?: Partial<ServerLimits>;
}

export interface ServerLimits {
  /** Whole request (headers and body) must arrive within this (node:http requestTimeout). */
  readonly requestTimeoutMs: number;
  /** Headers must arrive within this (node:http headersTimeout). */
  readonly headersTimeoutMs: number;
  /** The /mutate body must arrive within this, else 408 and the connection is cut. */
  readonly bodyTimeoutMs: number;
  /** Idle keep-alive sockets are kept this long. */
  readonly keepAliveTimeoutMs: number;
  /** Requests served on one connection before it is closed. */
  readonly maxRequestsPerSocket: number;
  /** Open connections; more are refused by the kernel-level accept (server.maxConnections). */
  readonly maxConnections: number;
}

/**
 * The API server calls with a timeout of at most 30 s (the shipped webhook uses 10 s) and keeps idle
 * connections 90 s, so nothing legitimate is slower than these. They bound what a slow or
 * connection-hoarding client can hold. Documented in docs/webhook-settings.md ("Limits").
 */
export const SERVER_LIMITS: ServerLimits = {
  requestTimeoutMs: 30_000,
  headersTimeoutMs: 10_000,
  bodyTimeoutMs: 10_000,
  keepAliveTimeoutMs: 95_000,
  maxRequestsPerSocket: 1000,
  maxConnections: 1000,
};

export function buildApp(deps: AppDependencies): FastifyInstance {
  const limits: ServerLimits = { ...SERVER_LIMITS, ...deps.limits };
  const options = {
    logger: false,
    // A review that reaches us on a kept-alive connection after shutdown began is answered, with
    // `Connection: close` (fastify adds it while closing), as Go's http.Server.Shutdown does for
    // vault-k8s (subcommand/injector/command.go; https://pkg.go.dev/net/http#Server.Shutdown). A
    // 503 there would make the API server apply the webhook's failurePolicy: with vault-helm's
    // default `Ignore` the pod would start without its secrets. Readiness says 503 on its own.
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    maxRequestsPerSocket: limits.maxRequestsPerSocket,
  } as const;
  // One instance type for both transports: callers that need the https.Server narrow app.server.
  const app = (deps.https === undefined ? fastify(options) : fastify({ ...options, https: deps.https })) as unknown as FastifyInstance;
  app.server.headersTimeout = Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs);
  app.server.maxConnections = limits.maxConnections;

  // Bodies are never parsed by fastify: /mutate reads its own under a streaming limit, and the
  // other paths ignore theirs.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', function leaveBodyUnread(_request, _payload, done) {
    done(null, undefined);
  });

  registerMutateRoute(app, {
    settings: deps.settings,
    logger: deps.logger,
    metrics: deps.metrics,
    admit: deps.admit ?? memoizeAdmit(realAdmit),
    ...(deps.replyMemo !== undefined ? { replyMemo: deps.replyMemo } : deps.admit === undefined ? { replyMemo: new ReplyMemo() } : {}),
    bodyLimit: deps.bodyLimit ?? MAX_BODY_BYTES,
    bodyTimeoutMs: limits.bodyTimeoutMs,
    now: deps.now ?? (() => performance.now()),
  });

  registerRawRoute(app, '/health/ready', async function healthReady(_request, reply) {
    if (deps.isReady()) await reply.code(204).send();
    else await sendGoError(reply, 503, 'not ready');
  });

  const telemetryPath = deps.settings.telemetryPath;
  if (telemetryPath !== '') {
    const registry = deps.metrics.registry;
    registerRawRoute(app, telemetryPath, async function metrics(_request, reply) {
      const text = await registry.metrics();
      await reply.code(200).header('content-type', registry.contentType).send(text);
    });
  }

  // Unknown paths are answered in onRequest too, so no body handling can turn a 404 into a 415.
  app.addHook('onRequest', async function unknownPath(request, reply) {
    if (request.is404) await sendGoNotFound(reply);
  });
  app.setNotFoundHandler(function notFound(_request, reply) {
    return sendGoNotFound(reply);
  });

  return app;
}
