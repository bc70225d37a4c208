// The reply AdmissionReview, serialised with Go's field order (TypeMeta kind before apiVersion;
// AdmissionResponse uid, allowed, status, patch, patchType, warnings) so diffs against vault-k8s
// output stay readable. The API server reads it by field name, not order.
import type { AdmissionResponse } from './admission-review.js';

export function encodeAdmissionReview(apiVersion: string, kind: string, response: AdmissionResponse): string {
  const ordered: Record<string, unknown> = { uid: response.uid, allowed: response.allowed };
  if (response.status !== undefined) ordered['status'] = response.status;
  if (response.patch !== undefined) ordered['patch'] = response.patch;
  if (response.patchType !== undefined) ordered['patchType'] = response.patchType;
  if (response.warnings !== undefined && response.warnings.length > 0) ordered['warnings'] = response.warnings;
  return JSON.stringify({ kind, apiVersion, response: ordered });
}
