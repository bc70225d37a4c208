// /mutate (POST only; vault-k8s's mux route takes any method, but the API server only POSTs):
// transport checks with vault-k8s's statuses and texts, then admit() for pods CREATE, the reply in
// the request's AdmissionReview version, metrics and one log line. No injection logic lives here.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { goQuote } from '../../../common/src/go-quote.js';
import type { AdmissionRequest, AdmissionResponse } from '../inject/admission-review.js';
import type { AdmissionOutcome, AdmitFunction, InjectionType } from '../inject/admit.js';
import type { Settings } from '../settings/settings.js';
import type { Logger } from '../log.js';
import { recordAdmission } from '../metrics.js';
import type { WebhookMetrics } from '../metrics.js';
import { decodeAdmissionReview } from './decode-review.js';
import { encodeAdmissionReview } from './encode-review.js';
import { discardBody, readBody } from './read-body.js';
import { sendGoError } from './go-responses.js';
import { registerRawRoute } from './raw-route.js';


export interface MutateRouteOptions {
  readonly settings: Settings;
  readonly logger: Logger;
  readonly metrics: WebhookMetrics;
  readonly admit: AdmitFunction;
  readonly bodyLimit: number;
  /** How long the body may take to arrive. */
  readonly bodyTimeoutMs: number;
  /** Monotonic milliseconds, for durations. */
  readonly now: () => number;
}

const MAX_LOGGED_TEXT = 512;

function clip(text: string): string {
  return text.length > MAX_LOGGED_TEXT ? `${text.slice(0, MAX_LOGGED_TEXT)}…` : text;
}

/**
 * Denial reasons quote the offending annotation values (vault-k8s's texts do), and a value can be
 * a template or a token pasted into the wrong annotation. The log keeps the reason's shape and the
 * annotation names but drops every quoted value; the API server still gets the full message.
 */
function redactQuotedValues(text: string): string {
  return text.replace(/"(?:[^"\\]|\\.)*"/g, '"…"');
}

function podMetadata(object: unknown): { name?: string; generateName?: string } {
  if (typeof object !== 'object' || object === null) return {};
  const metadata = (object as { metadata?: unknown }).metadata;
  if (typeof metadata !== 'object' || metadata === null) return {};
  const { name, generateName } = metadata as { name?: unknown; generateName?: unknown };
  return {
    ...(typeof name === 'string' ? { name: clip(name) } : {}),
    ...(typeof generateName === 'string' ? { generateName: clip(generateName) } : {}),
  };
}

/** admit() is pure and total by contract; should it throw anyway, deny this pod instead of crashing. */
function safeAdmit(admit: AdmitFunction, request: AdmissionRequest, settings: Settings, logger: Logger, reviewText: string): AdmissionOutcome {
  try {
    return admit(request, settings, reviewText);
  } catch (error) {
    logger.error({ err: error, uid: request.uid }, 'admission core failed');
    const reason = `internal error: ${error instanceof Error ? error.message : String(error)}`;
    return { decision: 'denied', reason, response: { uid: request.uid, allowed: false, status: { metadata: {}, message: reason } } };
  }
}

/**
 * Why a review is let through untouched: vault-k8s registers its webhook only for pods CREATE
 * (https://github.com/hashicorp/vault-helm/blob/main/templates/injector-mutating-webhook.yaml),
 * so anything else reaching /mutate is a misconfiguration or a probe, and gets no patch. Fields
 * the review leaves out are not held against it (the API server always sets them).
 */
export function notPodCreate(request: AdmissionRequest): string | undefined {
  const shown = (value: unknown): string => clip(JSON.stringify(value));
  const operation: unknown = request.operation;
  if (operation !== undefined && operation !== 'CREATE') return `operation ${shown(operation)} is not CREATE`;
  const resource: unknown = request.resource?.resource;
  if (resource !== undefined && resource !== 'pods') return `resource ${shown(resource)} is not pods`;
  const kind: unknown = request.kind?.kind;
  if (kind !== undefined && kind !== 'Pod') return `kind ${shown(kind)} is not Pod`;
  return undefined;
}

function injectionTypeOf(outcome: AdmissionOutcome): InjectionType | undefined {
  return outcome.decision === 'injected' ? outcome.injectionType : undefined;
}

async function handleMutate(options: MutateRouteOptions, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const { logger } = options;
  if (request.method !== 'POST') {
    logger.warn({ code: 405, method: clip(request.method) }, 'warning for request');
    discardBody(request.raw);
    return sendGoError(reply.header('allow', 'POST'), 405, `method ${request.method} not allowed: use POST`);
  }
  const contentType = request.headers['content-type'] ?? '';
  if (contentType !== 'application/json') {
    const message = `Invalid content-type: ${goQuote(contentType)}`;
    logger.warn({ code: 400, warn: message }, 'warning for request');
    return sendGoError(reply, 400, message);
  }
  const read = await readBody(request.raw, options.bodyLimit, options.bodyTimeoutMs);
  if (read.kind === 'timeout') {
    logger.warn({ code: 408, timeoutMs: options.bodyTimeoutMs }, 'request body timeout');
    reply.raw.once('finish', () => request.raw.socket.destroy());
    return sendGoError(reply.header('connection', 'close'), 408, `request body not received within ${options.bodyTimeoutMs} ms`);
  }
  if (read.kind === 'too-large') {
    logger.warn({ code: 413, limit: options.bodyLimit }, 'request body too large');
    discardBody(request.raw);
    return sendGoError(reply, 413, `request body too large: limit is ${options.bodyLimit} bytes`);
  }
  if (read.kind === 'error') {
    const message = `error reading request body: ${read.message}`;
    logger.error({ code: 400, error: message }, 'error on request');
    return sendGoError(reply, 400, message);
  }
  if (read.body.length === 0) {
    logger.error({ code: 400, warn: 'Empty request body' }, 'warning for request');
    return sendGoError(reply, 400, 'Empty request body');
  }
  const reviewText = read.body.toString('utf8');
  const decoded = decodeAdmissionReview(reviewText);
  if (!decoded.ok) {
    const message = `error decoding admission request: ${decoded.error}`;
    logger.error({ code: 500, error: message }, 'error on request');
    return sendGoError(reply, 500, message);
  }
  if (decoded.request === undefined) {
    // vault-k8s dereferences the missing request and drops the connection; a 400 says why.
    logger.error({ code: 400, error: 'AdmissionReview has no request' }, 'error on request');
    return sendGoError(reply, 400, 'error decoding admission request: AdmissionReview has no request');
  }
  const admissionRequest = decoded.request;
  const skip = notPodCreate(admissionRequest);
  if (skip !== undefined) {
    // No namespace label: only reviews really processed reach the per-namespace metrics.
    logger.info({ uid: clip(admissionRequest.uid), decision: 'skipped', reason: `not handled: ${skip}`, allowed: true }, 'admission');
    const response: AdmissionResponse = { uid: admissionRequest.uid, allowed: true };
    return reply.code(200).header('content-type', 'application/json').send(encodeAdmissionReview(decoded.apiVersion, decoded.kind, response));
  }
  const started = options.now();
  const outcome = safeAdmit(options.admit, admissionRequest, options.settings, logger, reviewText);
  const response: AdmissionResponse = { ...outcome.response, uid: admissionRequest.uid };
  const namespace = admissionRequest.namespace ?? '';
  recordAdmission(options.metrics, namespace, response.allowed, injectionTypeOf(outcome));
  const entry = {
    uid: admissionRequest.uid,
    namespace,
    ...podMetadata(admissionRequest.object),
    decision: outcome.decision,
    ...(outcome.decision === 'injected' ? { injectionType: outcome.injectionType ?? 'none' } : { reason: clip(redactQuotedValues(outcome.reason)) }),
    allowed: response.allowed,
    durationMs: Number((options.now() - started).toFixed(3)),
  };
  if (outcome.decision === 'denied') logger.warn(entry, 'admission');
  else logger.info(entry, 'admission');
  return reply.code(200).header('content-type', 'application/json').send(encodeAdmissionReview(decoded.apiVersion, decoded.kind, response));
}

export function registerMutateRoute(app: FastifyInstance, options: MutateRouteOptions): void {
  registerRawRoute(app, '/mutate', async function mutate(request, reply) {
    options.metrics.requestQueueLength.inc();
    const started = options.now();
    try {
      await handleMutate(options, request, reply);
    } finally {
      // Whole milliseconds, as vault-k8s observes time.Since(start).Milliseconds().
      options.metrics.requestProcessingDuration.observe(Math.floor(options.now() - started));
      options.metrics.requestQueueLength.dec();
    }
  });
}
