// Should this pod get agents? Read from the original annotations only (ShouldInject in
// https://github.com/hashicorp/vault-k8s/blob/main/agent-inject/agent/agent.go); the answer
// carries its reason so logs explain every pod left alone.
import { parseBoolAnnotation, typeFix } from './annotations/annotation-reader.js';
import { POD_ANNOTATIONS, annotationKey } from './annotations/registry.js';
import { STATUS_INJECTED } from './build/injection-plan.js';
import type { InjectionIssue } from './issues.js';
import type { K8sPod } from './pod.js';

const SYSTEM_NAMESPACES: readonly string[] = ['kube-system', 'kube-public'];

export type InjectDecision =
  | { readonly inject: true }
  | { readonly inject: false; readonly reason: string }
  | { readonly inject: 'error'; readonly issue: InjectionIssue };

/** Why an opted-in pod is left alone: it is no longer pending, or it carries our status annotation. */
function alreadyPastInjection(pod: K8sPod): string | undefined {
  const phase = pod.status?.phase ?? '';
  if (phase !== '' && phase !== 'Pending') return `pod phase is ${phase}`;
  if (pod.metadata?.annotations?.[annotationKey(POD_ANNOTATIONS.status)] === STATUS_INJECTED) return 'already injected';
  return undefined;
}

export function shouldInject(pod: K8sPod, requestNamespace: string): InjectDecision {
  const annotations = pod.metadata?.annotations ?? {};
  const optIn = annotations[annotationKey(POD_ANNOTATIONS.inject)];
  if (optIn === undefined || optIn === null) return { inject: false, reason: 'no agent-inject annotation' };
  const parsed = parseBoolAnnotation(optIn);
  if (!parsed.ok) {
    return { inject: 'error', issue: { stage: 'inject', message: parsed.error, annotation: POD_ANNOTATIONS.inject, value: optIn, fix: typeFix(POD_ANNOTATIONS.inject, optIn, 'true or false') } };
  }
  if (!parsed.value) return { inject: false, reason: 'agent-inject is false' };
  const alreadyDone = alreadyPastInjection(pod);
  if (alreadyDone !== undefined) return { inject: false, reason: alreadyDone };
  // Only after the opt-in check: an opted-in pod in a system namespace is denied, not skipped.
  if (SYSTEM_NAMESPACES.includes(requestNamespace)) {
    const fix = `Run this workload outside kube-system and kube-public, or remove ${annotationKey(POD_ANNOTATIONS.inject)}`;
    return { inject: 'error', issue: { stage: 'namespace', message: `cannot inject into system namespaces: ${requestNamespace}`, fix } };
  }
  return { inject: true };
}
