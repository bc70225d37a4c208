// admit: the pure core of the webhook. (AdmissionRequest, Settings) → AdmissionOutcome:
// decode the pod → decide → parse annotations into an InjectionSpec → plan → JSON Patch.
// No clock, randomness, env or I/O in here or below.
import { Buffer } from 'node:buffer';
import type { AdmissionRequest, AdmissionResponse } from './admission-review.js';
import type { Settings } from '../settings/settings.js';
import { parseInjectionSpec } from './annotations/parse-annotations.js';
import { planInjection } from './build/injection-plan.js';
import { planToPatch } from './build/plan-patch.js';
import { shouldInject } from './decide.js';
import { formatIssues } from './issues.js';
import { decodePod } from './pod.js';
import { unknownAnnotationWarnings } from './annotations/unknown-annotations.js';
import { envTemplateSyntaxWarnings, templateSyntaxWarnings } from './template-check.js';

/**
 * Largest JSON Patch (base64, as sent) one reply may carry. Each agent container is capped at
 * MAX_PATCHED_CONTAINER_BYTES; this bounds the rest (mounts × containers). The API server itself
 * refuses requests over 3 MiB. Documented in docs/webhook-settings.md ("Limits").
 */
export const MAX_REPLY_PATCH_BYTES = 3 * 1024 * 1024;

export type InjectionType = 'init_and_sidecar' | 'init_only' | 'sidecar_only';

/**
 * admit()'s signature, for the HTTP layer and wrappers such as memoizeAdmit. `reviewText`, when
 * given, is the JSON text the request was decoded from (memoizeAdmit keys on it instead of
 * serialising the object again); admit() itself never reads it.
 */
export type AdmitFunction = (request: AdmissionRequest, settings: Settings, reviewText?: string) => AdmissionOutcome;

export type AdmissionOutcome =
  | { readonly decision: 'injected'; readonly response: AdmissionResponse; readonly injectionType: InjectionType | undefined }
  | { readonly decision: 'skipped'; readonly response: AdmissionResponse; readonly reason: string }
  | { readonly decision: 'denied'; readonly response: AdmissionResponse; readonly reason: string };

function deny(uid: string, message: string, warnings: readonly string[] = []): AdmissionOutcome {
  const response: AdmissionResponse = { uid, allowed: false, status: { metadata: {}, message } };
  return { decision: 'denied', reason: message, response: warnings.length > 0 ? { ...response, warnings } : response };
}

function injectionType(init: boolean, sidecar: boolean): InjectionType | undefined {
  if (init && sidecar) return 'init_and_sidecar';
  if (init) return 'init_only';
  return sidecar ? 'sidecar_only' : undefined;
}

export function admit(request: AdmissionRequest, settings: Settings): AdmissionOutcome {
  const uid = request.uid;
  const decoded = decodePod(request.object);
  if (!decoded.ok) return deny(uid, decoded.error);
  const pod = decoded.pod;
  const namespace = request.namespace ?? '';
  const decision = shouldInject(pod, namespace);
  if (decision.inject === false) return { decision: 'skipped', reason: decision.reason, response: { uid, allowed: true } };
  if (decision.inject === 'error') return deny(uid, formatIssues([decision.issue]));
  const unknown = unknownAnnotationWarnings(Object.keys(pod.metadata?.annotations ?? {}));

  const parsed = parseInjectionSpec(pod, namespace, settings);
  const notices = [...unknown, ...templateSyntaxWarnings(parsed.spec.secrets), ...envTemplateSyntaxWarnings(parsed.spec.envVars?.variables ?? [])];
  // Planned even when parsing found problems, so patch-stage problems are reported too.
  const planned = planInjection(pod, parsed.spec);
  const issues = planned.ok ? parsed.issues : [...parsed.issues, ...planned.issues];
  if (issues.length > 0 || !planned.ok) return deny(uid, formatIssues(issues), notices);
  const { plan } = planned;
  const patch = Buffer.from(JSON.stringify(planToPatch(pod, plan)), 'utf8').toString('base64');
  if (patch.length > MAX_REPLY_PATCH_BYTES) {
    return deny(uid, `error creating patch for agent: the patch is ${patch.length} bytes (base64), over the limit of ${MAX_REPLY_PATCH_BYTES} bytes per reply`, notices);
  }
  const warnings = [...notices, ...plan.warnings];
  const response: AdmissionResponse =
    warnings.length > 0 ? { uid, allowed: true, patch, patchType: 'JSONPatch', warnings } : { uid, allowed: true, patch, patchType: 'JSONPatch' };
  const { injectInitContainer, injectSidecar } = parsed.spec;
  return { decision: 'injected', response, injectionType: injectionType(injectInitContainer, injectSidecar) };
}
