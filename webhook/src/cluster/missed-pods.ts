// Which pods the injector missed, and whether one may be evicted: pure decisions for the
// missed-pod reconciler (missed-pod-reconciler.ts). A pod is missed when it opts in
// (vault.hashicorp.com/agent-inject: "true", parsed as vault-k8s parses booleans) but carries no
// vault.hashicorp.com/agent-inject-status annotation, which the injection always adds
// (https://github.com/hashicorp/vault-k8s/blob/main/agent-inject/agent/agent.go, AnnotationAgentStatus).
// With failurePolicy: Ignore the API server admits pods unmutated while the webhook is unreachable
// (https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/#failure-policy);
// vault-k8s issue #40 asks for exactly this check.

export const ANNOTATION_INJECT = 'vault.hashicorp.com/agent-inject';
export const ANNOTATION_STATUS = 'vault.hashicorp.com/agent-inject-status';

export const RECONCILE_MODES = ['off', 'report', 'dry-run', 'evict'] as const;
export type ReconcileMode = (typeof RECONCILE_MODES)[number];

export function isReconcileMode(value: string): value is ReconcileMode {
  return (RECONCILE_MODES as readonly string[]).includes(value);
}

/** The fields of a Pod the reconciler reads (wire JSON of core/v1 Pod, trimmed). */
export interface PodSummary {
  readonly uid: string;
  readonly namespace: string;
  readonly name: string;
  readonly annotations: Readonly<Record<string, string>>;
  readonly ownerReferences: readonly { readonly kind: string; readonly name: string; readonly controller?: boolean }[];
  /** Terminal pods (Succeeded/Failed) are left alone: nothing runs in them any more. */
  readonly phase: string | undefined;
  readonly deleting: boolean;
}

// strconv.ParseBool's true spellings, which vault-k8s uses for agent-inject.
const TRUE_VALUES = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);

/** Whether the injector should have mutated this pod and did not. */
export function isMissed(pod: PodSummary, ownNamespace: string): boolean {
  if (pod.namespace === ownNamespace) return false;
  if (pod.deleting || pod.phase === 'Succeeded' || pod.phase === 'Failed') return false;
  const inject = pod.annotations[ANNOTATION_INJECT];
  return inject !== undefined && TRUE_VALUES.has(inject) && pod.annotations[ANNOTATION_STATUS] === undefined;
}

/** The controller that recreates the pod once it is evicted, or undefined for a bare pod. */
export function controllerOf(pod: PodSummary): { readonly kind: string; readonly name: string } | undefined {
  const owner = pod.ownerReferences.find((reference) => reference.controller === true);
  return owner === undefined ? undefined : { kind: owner.kind, name: owner.name };
}

/** A token bucket: `burst` evictions at once, then one per `intervalMs`. */
export class RateLimiter {
  private tokens: number;
  private lastMs: number;

  constructor(
    private readonly burst: number,
    private readonly intervalMs: number,
    private readonly nowMs: () => number = Date.now,
  ) {
    this.tokens = burst;
    this.lastMs = nowMs();
  }

  /** Takes a token when one is available. */
  tryTake(): boolean {
    const now = this.nowMs();
    this.tokens = Math.min(this.burst, this.tokens + (now - this.lastMs) / this.intervalMs);
    this.lastMs = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Milliseconds until the next token. */
  waitMs(): number {
    return this.tokens >= 1 ? 0 : Math.ceil((1 - this.tokens) * this.intervalMs);
  }
}
