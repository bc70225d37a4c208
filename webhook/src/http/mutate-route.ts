// /mutate (POST only; vault-k8s's mux route takes any method, but the API server only POSTs):
// transport checks with vault-k8s's statuses and texts, then admit() for pods CREATE, the reply in
// the request's AdmissionReview version, metrics and one log line. No injection logic lives here.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { goQuote } from '../../../common/src/go-quote.js';
import type { AdmissionRequest, AdmissionResponse } from '../inject/admission-review.js';
import type { AdmissionOutcome, AdmitFunction, InjectionType } from '../inject/admit.js';
import { MAX_REPLY_WARNINGS } from '../inject/admit.js';
import type { Settings } from '../settings/settings.js';
import type { AdmissionWarning } from '../inject/warnings.js';
import type { Logger } from '../log.js';
import { recordAdmission, recordWarnings } from '../metrics.js';
import type { WebhookMetrics } from '../metrics.js';
import { decodeAdmissionReview } from './decode-review.js';
import { encodeAdmissionReview } from './encode-review.js';
import { discardBody, readBody } from './read-body.js';
import { sendGoError } from './go-responses.js';
import { registerRawRoute } from './raw-route.js';
import { findUidSite, replyMemoKey, splitReply } from './reply-memo.js';
import type { RememberedAnswer, ReplyMemo, UidSite } from './reply-memo.js';
import { redactQuotedValues } from './redact-quoted.js';


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
  /** Whole answers remembered for identical pods (answered without parsing); none when absent. */
  readonly replyMemo?: ReplyMemo;
}

const MAX_LOGGED_TEXT = 512;

function clip(text: string): string {
  return text.length > MAX_LOGGED_TEXT ? `${text.slice(0, MAX_LOGGED_TEXT)}…` : text;
}

// Denial reasons quote the offending annotation values (vault-k8s's texts do), and a value can be
// a template or a token pasted into the wrong annotation: the log keeps the reason's shape and the
// annotation names but drops every quoted value (redact-quoted.ts); the API server still gets the
// full message.

/** Pods made by controllers never show their warnings to a person: the log line does (values redacted). */
function loggedWarnings(warnings: readonly AdmissionWarning[]): { warnings?: string[] } {
  if (warnings.length === 0) return {};
  // As many as the reply carries (MAX_REPLY_WARNINGS), so a hostile pod cannot grow one log line without bound.
  const shown = warnings.slice(0, MAX_REPLY_WARNINGS).map((warning) => `${warning.kind}: ${clip(redactQuotedValues(warning.message))}`);
  if (warnings.length > MAX_REPLY_WARNINGS) shown.push(`${warnings.length - MAX_REPLY_WARNINGS} more warnings not logged`);
  return { warnings: shown };
}

function outcomeWarnings(outcome: AdmissionOutcome): readonly AdmissionWarning[] {
  return outcome.warnings ?? [];
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

/**
 * admit() is pure and total by contract; should it throw anyway, deny this pod instead of crashing
 * (`threw` keeps such an answer out of the reply memo).
 */
function safeAdmit({ admit, settings, logger }: MutateRouteOptions, request: AdmissionRequest, reviewText: string): { outcome: AdmissionOutcome; threw: boolean } {
  try {
    return { outcome: admit(request, settings, reviewText), threw: false };
  } catch (error) {
    logger.error({ err: error, uid: request.uid }, 'admission core failed');
    const reason = `internal error: ${error instanceof Error ? error.message : String(error)}`;
    return { outcome: { decision: 'denied', reason, response: { uid: request.uid, allowed: false, status: { metadata: {}, message: reason } } }, threw: true };
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

/** The review body; or, when the request is refused before decoding (method, type, size, time), the reply sent. */
async function readReviewBody(options: MutateRouteOptions, request: FastifyRequest, reply: FastifyReply): Promise<{ body: Buffer } | { sent: FastifyReply }> {
  const { logger } = options;
  if (request.method !== 'POST') {
    logger.warn({ code: 405, method: clip(request.method) }, 'warning for request');
    discardBody(request.raw);
    return { sent: sendGoError(reply.header('allow', 'POST'), 405, `method ${request.method} not allowed: use POST`) };
  }
  const contentType = request.headers['content-type'] ?? '';
  if (contentType !== 'application/json') {
    const message = `Invalid content-type: ${goQuote(contentType)}`;
    logger.warn({ code: 400, warn: message }, 'warning for request');
    return { sent: sendGoError(reply, 400, message) };
  }
  const read = await readBody(request.raw, options.bodyLimit, options.bodyTimeoutMs);
  if (read.kind === 'timeout') {
    logger.warn({ code: 408, timeoutMs: options.bodyTimeoutMs }, 'request body timeout');
    reply.raw.once('finish', () => request.raw.socket.destroy());
    return { sent: sendGoError(reply.header('connection', 'close'), 408, `request body not received within ${options.bodyTimeoutMs} ms`) };
  }
  if (read.kind === 'too-large') {
    logger.warn({ code: 413, limit: options.bodyLimit }, 'request body too large');
    discardBody(request.raw);
    return { sent: sendGoError(reply, 413, `request body too large: limit is ${options.bodyLimit} bytes`) };
  }
  if (read.kind === 'error') {
    const message = `error reading request body: ${read.message}`;
    logger.error({ code: 400, error: message }, 'error on request');
    return { sent: sendGoError(reply, 400, message) };
  }
  if (read.body.length === 0) {
    logger.error({ code: 400, warn: 'Empty request body' }, 'warning for request');
    return { sent: sendGoError(reply, 400, 'Empty request body') };
  }
  return { body: read.body };
}

interface MemoSlot {
  readonly site: UidSite;
  readonly key: string;
  readonly answer: RememberedAnswer | undefined;
}

/** Where this review's answer is (or would be) remembered; undefined when the text is not in the API server's form. */
function memoSlot(memo: ReplyMemo, reviewText: string): MemoSlot | undefined {
  const site = findUidSite(reviewText);
  if (site === undefined) return undefined;
  const key = replyMemoKey(reviewText, site);
  return { site, key, answer: memo.lookup(key) };
}

/** Proven, or the very text the answer was computed from (a retry: same uid, same everything). */
function answerable(answer: RememberedAnswer, site: UidSite): boolean {
  return answer.proven || answer.firstUid === site.uid;
}

/**
 * The uid this review's key was first seen with, when its answer should be kept now: from the key's
 * second review on, until proven. Proven means a review with the same key but another uid literal
 * decoded to that other uid, so the literal is where the uid is read from (a later duplicate "uid"
 * key, even spelt with escapes, would win in JSON) and any text with this key decodes to the same
 * review with its own uid. Until then only a byte-identical retry is answered from memory.
 */
function firstUidToRemember(memo: ReplyMemo, slot: MemoSlot): string | undefined {
  if (slot.answer?.proven === true) return undefined;
  return slot.answer?.firstUid ?? memo.noteSighting(slot.key, slot.site.uid);
}

function rememberAnswer(memo: ReplyMemo, slot: MemoSlot, replyText: string, answer: Omit<RememberedAnswer, 'replyHead' | 'replyTail' | 'firstUid' | 'proven'>): void {
  const firstUid = firstUidToRemember(memo, slot);
  if (firstUid === undefined) return;
  const split = splitReply(replyText, slot.site.uid);
  if (split !== undefined) memo.remember(slot.key, { ...answer, ...split, firstUid, proven: firstUid !== slot.site.uid });
}

/** The same metrics, log line and reply as the first time, with this request's uid. */
function answerRemembered(options: MutateRouteOptions, reply: FastifyReply, answer: RememberedAnswer, uid: string): FastifyReply {
  const started = options.now();
  recordAdmission(options.metrics, answer.namespace, answer.allowed, answer.injectionType);
  recordWarnings(options.metrics, answer.warnings);
  const entry = { uid, ...answer.logFields, durationMs: Number((options.now() - started).toFixed(3)) };
  if (answer.denied) options.logger.warn(entry, 'admission');
  else options.logger.info(entry, 'admission');
  return reply.code(200).header('content-type', 'application/json').send(`${answer.replyHead}${uid}${answer.replyTail}`);
}

async function handleMutate(options: MutateRouteOptions, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const { logger } = options;
  const read = await readReviewBody(options, request, reply);
  if ('sent' in read) return read.sent;
  const reviewText = read.body.toString('utf8');
  const memo = options.replyMemo === undefined ? undefined : memoSlot(options.replyMemo, reviewText);
  if (memo?.answer !== undefined && answerable(memo.answer, memo.site)) return answerRemembered(options, reply, memo.answer, memo.site.uid);
  const decoded = decodeAdmissionReview(reviewText);
  if (!decoded.ok) {
    // vault-k8s answers 500 here; an undecodable body is the client's fault, and a 5xx would page
    // on-call for it (https://www.rfc-editor.org/rfc/rfc9110#name-400-bad-request).
    const message = `error decoding admission request: ${decoded.error}`;
    logger.warn({ code: 400, warn: clip(message) }, 'warning for request');
    return sendGoError(reply, 400, message);
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
  return admitAndAnswer(options, reply, { apiVersion: decoded.apiVersion, kind: decoded.kind, request: admissionRequest, text: reviewText }, memo);
}

interface Review {
  readonly apiVersion: string;
  readonly kind: string;
  readonly request: AdmissionRequest;
  /** The JSON text it was decoded from. */
  readonly text: string;
}

/** admit(), its metrics and log line, the reply; the answer remembered when the memo can take it. */
function admitAndAnswer(options: MutateRouteOptions, reply: FastifyReply, review: Review, memo: MemoSlot | undefined): FastifyReply {
  const { request } = review;
  const started = options.now();
  const { outcome, threw } = safeAdmit(options, request, review.text);
  const response: AdmissionResponse = { ...outcome.response, uid: request.uid };
  const namespace = request.namespace ?? '';
  recordAdmission(options.metrics, namespace, response.allowed, injectionTypeOf(outcome));
  const warnings = outcomeWarnings(outcome);
  recordWarnings(options.metrics, warnings);
  const logFields = {
    namespace,
    ...podMetadata(request.object),
    decision: outcome.decision,
    ...(outcome.decision === 'injected' ? { injectionType: outcome.injectionType ?? 'none' } : { reason: clip(redactQuotedValues(outcome.reason)) }),
    allowed: response.allowed,
    ...loggedWarnings(warnings),
  };
  const entry = { uid: request.uid, ...logFields, durationMs: Number((options.now() - started).toFixed(3)) };
  if (outcome.decision === 'denied') options.logger.warn(entry, 'admission');
  else options.logger.info(entry, 'admission');
  const replyText = encodeAdmissionReview(review.apiVersion, review.kind, response);
  if (options.replyMemo !== undefined && memo !== undefined && !threw && request.uid === memo.site.uid) {
    rememberAnswer(options.replyMemo, memo, replyText, { namespace, allowed: response.allowed, injectionType: injectionTypeOf(outcome), warnings, denied: outcome.decision === 'denied', logFields });
  }
  return reply.code(200).header('content-type', 'application/json').send(replyText);
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
