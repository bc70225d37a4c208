// The reply AdmissionReview, serialised with Go's field order (TypeMeta kind before apiVersion;
// AdmissionResponse uid, allowed, status, patch, patchType, warnings) so diffs against vault-k8s
// output stay readable. The API server reads it by field name, not order.
import type { AdmissionResponse } from '../inject/admission-review.js';

/**
 * The patch is base64 (admit() encodes it with Buffer#toString('base64')), and no character of
 * the base64 alphabet (A–Z a–z 0–9 + / =) is escaped by JSON, so it goes between quotes as is:
 * JSON.stringify would scan and copy ~10 KB per reply for nothing (issue 16, docs/performance.md).
 */
function injectedTail(patch: string, patchType: string): string {
  return `,"allowed":true,"patch":"${patch}","patchType":${JSON.stringify(patchType)}}}`;
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
