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
import { decodePod, type K8sPod } from './pod.js';
import type { InjectionSpec } from './spec.js';
import { unknownAnnotationWarnings } from './annotations/unknown-annotations.js';
import { POD_ANNOTATIONS, annotationKey } from './annotations/registry.js';
import { unmatchedContainerWarnings } from './annotations/certain-failures.js';
import { envTemplateSyntaxWarnings, templateSyntaxWarnings } from './template-check.js';
import { WARNING_KINDS, warningsOf, type AdmissionWarning, type WarningKind } from './warnings.js';

/**
 * Largest JSON Patch (base64, as sent) one reply may carry. Each agent container is capped at
 * MAX_PATCHED_CONTAINER_BYTES; this bounds the rest (mounts × containers). The API server itself
 * refuses requests over 3 MiB. Documented in docs/webhook-settings.md ("Limits").
 */
export const MAX_REPLY_PATCH_BYTES = 3 * 1024 * 1024;

/**
 * The rest of the reply is bounded too (issue 10: "a cap on ... the whole reply"): at most this many
 * warnings, each at most MAX_WARNING_LENGTH characters (the API server shortens long warnings
 * anyway), and a denial message of at most MAX_DENIAL_MESSAGE_LENGTH characters. A pod with
 * thousands of broken annotations would otherwise get a denial or warnings of megabytes.
 * Documented in docs/webhook-settings.md ("Limits").
 */
export const MAX_REPLY_WARNINGS = 50;
export const MAX_WARNING_LENGTH = 1024;
export const MAX_DENIAL_MESSAGE_LENGTH = 64 * 1024;

function clipText(text: string, limit: number): string {
  return text.length > limit ? `${text.slice(0, limit)}… (${text.length - limit} more characters)` : text;
}

function boundedWarnings(warnings: readonly string[]): string[] {
  const kept = warnings.slice(0, MAX_REPLY_WARNINGS).map((warning) => clipText(warning, MAX_WARNING_LENGTH));
  if (warnings.length > MAX_REPLY_WARNINGS) kept[MAX_REPLY_WARNINGS - 1] = `${warnings.length - MAX_REPLY_WARNINGS + 1} more warnings not shown`;
  return kept;
}

export type InjectionType = 'init_and_sidecar' | 'init_only' | 'sidecar_only';

/**
 * admit()'s signature, for the HTTP layer and wrappers such as memoizeAdmit. `reviewText`, when
 * given, is the JSON text the request was decoded from (memoizeAdmit keys on it instead of
 * serialising the object again); admit() itself never reads it.
 */
export type AdmitFunction = (request: AdmissionRequest, settings: Settings, reviewText?: string) => AdmissionOutcome;

/** `warnings`: the response's warnings with their kinds (absent when there are none), for the log line and metric. */
export type AdmissionOutcome =
  | { readonly decision: 'injected'; readonly response: AdmissionResponse; readonly injectionType: InjectionType | undefined; readonly warnings?: readonly AdmissionWarning[] }
  | { readonly decision: 'skipped'; readonly response: AdmissionResponse; readonly reason: string; readonly warnings?: readonly AdmissionWarning[] }
  | { readonly decision: 'denied'; readonly response: AdmissionResponse; readonly reason: string; readonly warnings?: readonly AdmissionWarning[] };

function deny(uid: string, fullMessage: string, warnings: readonly AdmissionWarning[] = []): AdmissionOutcome {
  const message = clipText(fullMessage, MAX_DENIAL_MESSAGE_LENGTH);
  const response: AdmissionResponse = { uid, allowed: false, status: { metadata: {}, message } };
  if (warnings.length === 0) return { decision: 'denied', reason: message, response };
  return { decision: 'denied', reason: message, response: { ...response, warnings: boundedWarnings(warnings.map((warning) => warning.message)) }, warnings };
}

/** Strict mode's denial: what to change first, then every warning (also sent as warnings). */
function strictDenial(warnings: readonly AdmissionWarning[], byFlag: boolean): string {
  const source = byFlag ? 'the injector runs with -strict' : `the pod sets ${annotationKey(POD_ANNOTATIONS.strict)}`;
  const listed = warnings.map((warning, index) => `(${index + 1}) ${warning.message}`).join('; ');
  return `Fix the admission warnings below (strict mode is on: ${source}): ${listed}`;
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
  const oversized = oversizedAnnotations(pod);
  if (oversized !== undefined) return deny(uid, oversized);
  const parsed = parseInjectionSpec(pod, namespace, settings);
  const notices = specWarnings(pod, parsed.spec);
  // Planned even when parsing found problems, so patch-stage problems are reported too.
  const planned = planInjection(pod, parsed.spec);
  const issues = planned.ok ? parsed.issues : [...parsed.issues, ...planned.issues];
  if (issues.length > 0 || !planned.ok) return deny(uid, formatIssues(issues), notices);
  const { plan } = planned;
  const warnings = [...notices, ...plan.warnings];
  if (parsed.spec.strict && warnings.length > 0) return deny(uid, strictDenial(warnings, settings.strict), warnings);
  const patch = Buffer.from(JSON.stringify(planToPatch(pod, plan)), 'utf8').toString('base64');
  if (patch.length > MAX_REPLY_PATCH_BYTES) {
    return deny(uid, `error creating patch for agent: the patch is ${patch.length} bytes (base64), over the limit of ${MAX_REPLY_PATCH_BYTES} bytes per reply`, notices);
  }
  return injected(uid, patch, injectionType(parsed.spec.injectInitContainer, parsed.spec.injectSidecar), warnings);
}

/**
 * The API server's limit on a Pod's annotations, keys and values together, in bytes
 * (TotalAnnotationSizeLimitB in k8s.io/apimachinery/pkg/api/validation/objectmeta.go). It checks
 * it only after mutating admission, so an oversized review still reaches us (the request limit is
 * 3 MiB), but that Pod can never be created. Refusing it here, with the API server's own message,
 * changes no outcome and keeps every per-annotation cost (quoting, template checks, quantities)
 * bounded by 256 KiB of text.
 */
export const MAX_ANNOTATION_BYTES = 256 * 1024;

function oversizedAnnotations(pod: K8sPod): string | undefined {
  let total = 0;
  for (const [key, value] of Object.entries(pod.metadata?.annotations ?? {})) {
    total += Buffer.byteLength(key, 'utf8') + Buffer.byteLength(value ?? '', 'utf8');
  }
  if (total <= MAX_ANNOTATION_BYTES) return undefined;
  return `metadata.annotations: Too long: must have at most ${MAX_ANNOTATION_BYTES} bytes (the Pod's annotations are ${total} bytes; the API server would refuse it after admission)`;
}

/** Warnings found from the annotations alone (the plan adds its own). */
function specWarnings(pod: K8sPod, spec: InjectionSpec): AdmissionWarning[] {
  const annotations = pod.metadata?.annotations ?? {};
  const warnings = warningsOf(WARNING_KINDS.unknownAnnotation, unknownAnnotationWarnings(Object.keys(annotations)));
  addWarnings(warnings, WARNING_KINDS.unknownContainer, unmatchedContainerWarnings(pod, spec, annotations[INJECT_CONTAINERS_KEY] ?? undefined));
  addWarnings(warnings, WARNING_KINDS.templateSyntax, templateSyntaxWarnings(spec.secrets));
  if (spec.envVars !== undefined) addWarnings(warnings, WARNING_KINDS.templateSyntax, envTemplateSyntaxWarnings(spec.envVars.variables));
  return warnings;
}

const INJECT_CONTAINERS_KEY = annotationKey(POD_ANNOTATIONS.injectContainers);

function addWarnings(warnings: AdmissionWarning[], kind: WarningKind, messages: readonly string[]): void {
  for (const message of messages) warnings.push({ kind, message });
}

function injected(uid: string, patch: string, type: InjectionType | undefined, warnings: readonly AdmissionWarning[]): AdmissionOutcome {
  if (warnings.length === 0) return { decision: 'injected', response: { uid, allowed: true, patch, patchType: 'JSONPatch' }, injectionType: type };
  const response: AdmissionResponse = { uid, allowed: true, patch, patchType: 'JSONPatch', warnings: boundedWarnings(warnings.map((warning) => warning.message)) };
  return { decision: 'injected', response, injectionType: type, warnings };
}
