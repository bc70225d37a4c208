// Where a manifest keeps its pod: a Pod is one, workload controllers carry one in their template
// (spec.template, or spec.jobTemplate.spec.template for a CronJob), and a List holds more objects.
// Paths follow the Kubernetes API reference for each kind:
// https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/

/** One pod (or pod template) inside a manifest document. */
export interface PodTemplateLocation {
  /** Path from the document root to the object holding `metadata` and `spec` of the pod. */
  readonly path: readonly (string | number)[];
  /** `Kind/name` of the object that owns the pod, for messages (`Deployment/web`). */
  readonly owner: string;
  /** The owning object's namespace, "" when the manifest does not say. */
  readonly namespace: string;
}

/** A Map, not an object literal: a manifest's `kind: constructor` must be an unknown kind. */
const TEMPLATE_PATHS: ReadonlyMap<string, readonly string[]> = new Map([
  ['Pod', []],
  ['Deployment', ['spec', 'template']],
  ['StatefulSet', ['spec', 'template']],
  ['DaemonSet', ['spec', 'template']],
  ['ReplicaSet', ['spec', 'template']],
  ['ReplicationController', ['spec', 'template']],
  ['Job', ['spec', 'template']],
  ['CronJob', ['spec', 'jobTemplate', 'spec', 'template']],
]);

/** Lists may nest (a List of Lists is legal if odd); this bounds the walk on hostile input. */
const MAX_LIST_DEPTH = 8;

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function describe(object: Record<string, unknown>): { owner: string; namespace: string } {
  const metadata = record(object.metadata);
  const name = text(metadata?.name) || text(metadata?.generateName) || '(unnamed)';
  return { owner: `${text(object.kind) || '(no kind)'}/${name}`, namespace: text(metadata?.namespace) };
}

function at(root: unknown, path: readonly (string | number)[]): unknown {
  let node = root;
  for (const key of path) node = record(node)?.[key];
  return node;
}

/**
 * Every pod template in one manifest object, in document order. Objects of other kinds (Services,
 * ConfigMaps…) have none and pass through unchanged.
 */
export function findPodTemplates(object: unknown, base: readonly (string | number)[] = [], depth = 0): PodTemplateLocation[] {
  const root = record(object);
  if (root === undefined) return [];
  const kind = text(root.kind);
  if (kind.endsWith('List') && Array.isArray(root.items) && depth < MAX_LIST_DEPTH) {
    return root.items.flatMap((item, index) => findPodTemplates(item, [...base, 'items', index], depth + 1));
  }
  const relative = TEMPLATE_PATHS.get(kind);
  if (relative === undefined || record(at(root, relative)) === undefined) return [];
  const { owner, namespace } = describe(root);
  return [{ path: [...base, ...relative], owner, namespace }];
}

/** The pod the API server would admit for a template: the template's metadata and spec as a Pod. */
export function podFromTemplate(template: Record<string, unknown>): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Pod', metadata: record(template.metadata) ?? {}, spec: template.spec };
}
