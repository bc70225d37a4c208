// A small RBAC authorizer (rbac.authorization.k8s.io/v1 semantics) for the fake API server, built
// from deploy/'s Role, ClusterRole and bindings, so every test runs under the permissions a real
// install grants. Create requests carry no name, so rules limited by resourceNames never allow
// them — exactly as in the API server.

export interface PolicyRule {
  readonly apiGroups?: readonly string[];
  readonly resources?: readonly string[];
  readonly resourceNames?: readonly string[];
  readonly verbs: readonly string[];
}

export interface RequestAttributes {
  readonly user: string;
  readonly verb: string;
  readonly apiGroup: string;
  readonly resource: string;
  readonly namespace: string | undefined;
  readonly name: string | undefined;
}

interface ScopedRules {
  /** undefined: every namespace and cluster-scoped resources (ClusterRole + ClusterRoleBinding). */
  readonly namespace: string | undefined;
  readonly user: string;
  readonly rules: readonly PolicyRule[];
}

export type Authorizer = (request: RequestAttributes) => boolean;

interface ManifestObject {
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string };
  readonly rules?: readonly PolicyRule[];
  readonly roleRef?: { readonly kind: string; readonly name: string };
  readonly subjects?: readonly { readonly kind: string; readonly name: string; readonly namespace?: string }[];
}

function includesOrStar(list: readonly string[] | undefined, value: string): boolean {
  return (list ?? []).some((entry) => entry === '*' || entry === value);
}

export function ruleAllows(rule: PolicyRule, request: RequestAttributes): boolean {
  if (!includesOrStar(rule.verbs, request.verb)) return false;
  if (!includesOrStar(rule.apiGroups, request.apiGroup)) return false;
  if (!includesOrStar(rule.resources, request.resource)) return false;
  const names = rule.resourceNames ?? [];
  return names.length === 0 || (request.name !== undefined && names.includes(request.name));
}

function subjectUser(subject: { kind: string; name: string; namespace?: string }): string {
  return subject.kind === 'ServiceAccount' ? `system:serviceaccount:${subject.namespace ?? ''}:${subject.name}` : subject.name;
}

/** Rules granted by the bindings among `objects`, per user and scope. */
export function scopedRulesFrom(objects: readonly ManifestObject[]): ScopedRules[] {
  const role = (kind: string, name: string, namespace: string | undefined): readonly PolicyRule[] =>
    objects.find((o) => o.kind === kind && o.metadata.name === name && (kind === 'ClusterRole' || o.metadata.namespace === namespace))?.rules ?? [];
  return objects
    .filter((o) => o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding')
    .flatMap((binding) => {
      const namespace = binding.kind === 'RoleBinding' ? binding.metadata.namespace : undefined;
      const rules = role(binding.roleRef?.kind ?? '', binding.roleRef?.name ?? '', namespace);
      return (binding.subjects ?? []).map((subject) => ({ namespace, user: subjectUser(subject), rules }));
    });
}

export function authorizerFrom(objects: readonly ManifestObject[]): Authorizer {
  const scoped = scopedRulesFrom(objects);
  return (request) =>
    scoped.some(
      (entry) =>
        entry.user === request.user &&
        (entry.namespace === undefined || entry.namespace === request.namespace) &&
        entry.rules.some((rule) => ruleAllows(rule, request)),
    );
}
