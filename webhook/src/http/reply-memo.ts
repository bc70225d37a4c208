// Remembers whole /mutate answers, keyed on the review text, so a pod identical to a recent one
// (a ReplicaSet scaling up: only the review's uid differs) is answered without JSON.parse, the
// Go-type checks or admit() (issue 16, docs/performance.md "Identical pods without parsing").
//
// Only the form the API server writes is recognised: compact JSON whose first bytes are
// TypeMeta then `"request":{"uid":"…"` (Go's encoding/json writes struct fields in declaration
// order: https://pkg.go.dev/encoding/json#Marshal; AdmissionReview is TypeMeta, Request, Response
// and AdmissionRequest starts with UID: https://pkg.go.dev/k8s.io/api/admission/v1#AdmissionReview).
// Any other text takes the ordinary path (memoizeAdmit still spares admit() there).
import { createHash } from 'node:crypto';
import type { InjectionType } from '../inject/admit.js';
import type { AdmissionWarning } from '../inject/warnings.js';

/** Texts larger than this are not remembered (hashing them would cost more than it saves). */
const MAX_REMEMBERED_TEXT_CHARS = 256 * 1024;
/** Kubernetes uids are UUIDs; anything else (escapes, quotes, odd lengths) takes the ordinary path. */
const MAX_UID_CHARS = 128;

const VERSIONS = ['admission.k8s.io/v1', 'admission.k8s.io/v1beta1'] as const;
const PREFIXES: readonly string[] = VERSIONS.flatMap((version) => [
  `{"kind":"AdmissionReview","apiVersion":"${version}","request":{"uid":"`,
  `{"apiVersion":"${version}","kind":"AdmissionReview","request":{"uid":"`,
]);

function isUidChar(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a) || code === 0x2d;
}

/** Where a review text's request uid is, when the text starts in the API server's form. */
export interface UidSite {
  /** Which fixed prefix the text starts with (its index in PREFIXES). */
  readonly prefix: number;
  readonly uid: string;
  /** Index of the closing quote of the uid literal. */
  readonly end: number;
}

export function findUidSite(text: string): UidSite | undefined {
  if (text.length > MAX_REMEMBERED_TEXT_CHARS) return undefined;
  const prefix = PREFIXES.findIndex((candidate) => text.startsWith(candidate));
  if (prefix < 0) return undefined;
  const start = (PREFIXES[prefix] as string).length;
  let end = start;
  while (end < text.length && end - start <= MAX_UID_CHARS && isUidChar(text.charCodeAt(end))) end += 1;
  if (end === start || end - start > MAX_UID_CHARS || text.charCodeAt(end) !== 0x22) return undefined;
  return { prefix, uid: text.slice(start, end), end };
}

/** The memo key: which prefix, and a hash of everything after the uid literal. */
export function replyMemoKey(text: string, site: UidSite): string {
  return `${site.prefix}:${createHash('sha256').update(text.slice(site.end)).digest('base64')}`;
}

/** What a remembered answer needs besides the uid: the reply around it, metrics and the log line. */
export interface RememberedAnswer {
  /** The reply text up to the uid's opening quote included, and from its closing quote on. */
  readonly replyHead: string;
  readonly replyTail: string;
  readonly namespace: string;
  readonly allowed: boolean;
  readonly injectionType: InjectionType | undefined;
  readonly warnings: readonly AdmissionWarning[];
  readonly denied: boolean;
  /** The log line's fields other than uid and durationMs, in the order they are written. */
  readonly logFields: Readonly<Record<string, unknown>>;
  /** The uid of the review the answer was first computed for. */
  readonly firstUid: string;
  /**
   * Whether a review with another uid in the same literal was decoded and read its uid from there.
   * Until then the literal might not be the one the uid is read from (a later duplicate "uid" key,
   * possibly spelt with escapes, wins in JSON), so the answer is not given from memory.
   */
  readonly proven: boolean;
}

/** Splits a reply around its response uid (which is made of isUidChar characters, so written as is). */
export function splitReply(reply: string, uid: string): { replyHead: string; replyTail: string } | undefined {
  const marker = `"response":{"uid":"${uid}"`;
  const at = reply.indexOf(marker);
  if (at < 0) return undefined;
  const uidStart = at + marker.length - uid.length - 1;
  return { replyHead: reply.slice(0, uidStart), replyTail: reply.slice(uidStart + uid.length) };
}

/** Characters of remembered replies kept at most: a few hundred typical pods, whatever their size. */
export const MAX_REMEMBERED_REPLY_CHARS = 16 * 1024 * 1024;

function replyChars(answer: RememberedAnswer): number {
  return answer.replyHead.length + answer.replyTail.length;
}

/**
 * The last `maxEntries` answers, least recently used evicted first, and never more than
 * `maxChars` of reply text in all: a review of 256 KiB can have a reply of a few MiB (templates are
 * base64'd into two agent configs), and a stream of distinct large pods must not fill the heap.
 */
export class ReplyMemo {
  private readonly answers = new Map<string, RememberedAnswer>();
  /** Keys seen once, with the uid they came with: a reply is kept only from a key's second review. */
  private readonly seen = new Map<string, string>();
  private chars = 0;

  constructor(
    private readonly maxEntries = 256,
    private readonly maxChars = MAX_REMEMBERED_REPLY_CHARS,
  ) {}

  /**
   * The uid `key` was first seen with; on its first sighting, records `uid` and returns undefined.
   * Never-seen pods (most of a rollout of different Deployments) so cost a key and a uid, not a
   * reply: keeping every reply cost more in copies and old-generation GC than the memo saved.
   */
  noteSighting(key: string, uid: string): string | undefined {
    const first = this.seen.get(key);
    if (first !== undefined) return first;
    this.seen.set(key, uid);
    if (this.seen.size > this.maxEntries * 4) {
      const oldest = this.seen.keys().next();
      if (oldest.done !== true) this.seen.delete(oldest.value);
    }
    return undefined;
  }

  /** The remembered answer under `key` (replyMemoKey), if any. */
  lookup(key: string): RememberedAnswer | undefined {
    const answer = this.answers.get(key);
    if (answer !== undefined) {
      this.answers.delete(key);
      this.answers.set(key, answer);
    }
    return answer;
  }

  remember(key: string, answer: RememberedAnswer): void {
    const size = replyChars(answer);
    if (size > this.maxChars) return;
    this.forget(key);
    this.answers.set(key, answer);
    this.chars += size;
    while (this.answers.size > this.maxEntries || this.chars > this.maxChars) {
      const oldest = this.answers.keys().next();
      if (oldest.done === true) break;
      this.forget(oldest.value);
    }
  }

  private forget(key: string): void {
    const answer = this.answers.get(key);
    if (answer === undefined) return;
    this.answers.delete(key);
    this.chars -= replyChars(answer);
  }

  get size(): number {
    return this.answers.size;
  }

  /** Characters of reply text held. */
  get heldChars(): number {
    return this.chars;
  }
}
