// The reply AdmissionReview, serialised with Go's field order (TypeMeta kind before apiVersion;
// AdmissionResponse uid, allowed, status, patch, patchType, warnings) so diffs against vault-k8s
// output stay readable. The API server reads it by field name, not order.
import type { AdmissionResponse } from '../inject/admission-review.js';

/**
 * The JSON after the uid for an injected response, by patch. Replies to pods from one template
 * carry the same (large) patch string object, so the lookup hashes it once and the encoding of the
 * ~10 KB base64 text is reused.
 */
const encodedTails = new Map<string, string>();
const MAX_ENCODED_TAILS = 64;

function injectedTail(patch: string, patchType: string): string {
  let tail = encodedTails.get(patch);
  if (tail === undefined) {
    tail = `,"allowed":true,"patch":${JSON.stringify(patch)},"patchType":${JSON.stringify(patchType)}}}`;
    encodedTails.set(patch, tail);
    if (encodedTails.size > MAX_ENCODED_TAILS) {
      const oldest = encodedTails.keys().next();
      if (oldest.done !== true) encodedTails.delete(oldest.value);
    }
  }
  return tail;
}

export function encodeAdmissionReview(apiVersion: string, kind: string, response: AdmissionResponse): string {
  const plainInjection = response.allowed && response.status === undefined && response.warnings === undefined;
  if (plainInjection && response.patch !== undefined && response.patchType !== undefined) {
    return `{"kind":${JSON.stringify(kind)},"apiVersion":${JSON.stringify(apiVersion)},"response":{"uid":${JSON.stringify(response.uid)}${injectedTail(response.patch, response.patchType)}`;
  }
  const ordered: Record<string, unknown> = { uid: response.uid, allowed: response.allowed };
  if (response.status !== undefined) ordered['status'] = response.status;
  if (response.patch !== undefined) ordered['patch'] = response.patch;
  if (response.patchType !== undefined) ordered['patchType'] = response.patchType;
  if (response.warnings !== undefined && response.warnings.length > 0) ordered['warnings'] = response.warnings;
  return JSON.stringify({ kind, apiVersion, response: ordered });
}
