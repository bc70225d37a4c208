// The checks the Kubernetes API server applies to a pod that matter for an injector's patch
// (names, references, uniqueness, quantities). A patch that fails these would be rejected at
// admission in a real cluster, so every patched pod in the suite goes through them.
import fastJsonPatch, { type Operation } from 'fast-json-patch';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const QUANTITY = /^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/;
const QUANTITY_SUFFIX = /^(|[numkMGTPE]|[KMGTPE]i|[eE][-+]?[0-9]+)$/;

interface Mount {
  name?: unknown;
  mountPath?: unknown;
}
interface Container {
  name?: unknown;
  restartPolicy?: unknown;
  volumeMounts?: Mount[];
  env?: { name?: unknown }[];
  resources?: { limits?: Record<string, unknown>; requests?: Record<string, unknown> };
}
interface Pod {
  spec?: { containers?: Container[]; initContainers?: Container[]; volumes?: { name?: unknown }[] };
}

function validQuantity(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const match = QUANTITY.exec(value);
  return match !== null && QUANTITY_SUFFIX.test(match[2] ?? '') && /^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)$/.test(match[1] ?? '');
}

function checkContainer(container: Container, where: string, volumeNames: ReadonlySet<unknown>, problems: string[]): void {
  if (typeof container.name !== 'string' || !DNS1123_LABEL.test(container.name) || container.name.length > 63) {
    problems.push(`${where}.name: invalid DNS-1123 label ${JSON.stringify(container.name)}`);
  }
  const paths = new Set<unknown>();
  for (const mount of container.volumeMounts ?? []) {
    // Named by volume, not container, so a pod's own dangling reference reads the same wherever it recurs.
    if (!volumeNames.has(mount.name)) problems.push(`volume ${JSON.stringify(mount.name)} is mounted but not defined`);
    if (paths.has(mount.mountPath)) problems.push(`${where}.volumeMounts: duplicate mountPath ${JSON.stringify(mount.mountPath)}`);
    paths.add(mount.mountPath);
  }
  for (const variable of container.env ?? []) {
    if (typeof variable.name !== 'string' || !ENV_NAME.test(variable.name)) problems.push(`${where}.env: invalid name ${JSON.stringify(variable.name)}`);
  }
  for (const kind of ['limits', 'requests'] as const) {
    for (const [resource, quantity] of Object.entries(container.resources?.[kind] ?? {})) {
      if (!validQuantity(quantity)) problems.push(`${where}.resources.${kind}.${resource}: invalid quantity ${JSON.stringify(quantity)}`);
    }
  }
}

/** Problems the API server would report for this pod (empty when it would accept it). */
export function validatePod(pod: unknown): string[] {
  const problems: string[] = [];
  const spec = (pod as Pod).spec ?? {};
  const volumeNames = new Set<unknown>();
  for (const volume of spec.volumes ?? []) {
    if (typeof volume.name !== 'string' || !DNS1123_LABEL.test(volume.name)) problems.push(`volume name ${JSON.stringify(volume.name)} invalid`);
    if (volumeNames.has(volume.name)) problems.push(`duplicate volume name ${JSON.stringify(volume.name)}`);
    volumeNames.add(volume.name);
  }
  const containerNames = new Set<unknown>();
  const all = [
    ...(spec.initContainers ?? []).map((container) => [container, `initContainer ${JSON.stringify(container.name)}`] as const),
    ...(spec.containers ?? []).map((container) => [container, `container ${JSON.stringify(container.name)}`] as const),
  ];
  for (const [container, where] of all) {
    if (containerNames.has(container.name)) problems.push(`${where}: duplicate container name ${JSON.stringify(container.name)}`);
    // Only init containers may set restartPolicy, and only to Always (native sidecars, Kubernetes >= 1.29).
    const isInit = where.startsWith('initContainer ');
    if (container.restartPolicy !== undefined && (!isInit || container.restartPolicy !== 'Always')) {
      problems.push(`${where}: restartPolicy ${JSON.stringify(container.restartPolicy)} is not allowed here`);
    }
    containerNames.add(container.name);
    checkContainer(container, where, volumeNames, problems);
  }
  return problems;
}

/**
 * Problems the patched pod has that the original did not. Upstream test fixtures are not valid pods
 * themselves (they mount volumes they never declare), so for them the honest check is that the
 * patch adds no problem of its own.
 */
export function problemsAddedByPatch(original: unknown, patched: unknown): string[] {
  const before = new Set(validatePod(original));
  return [...new Set(validatePod(patched))].filter((problem) => !before.has(problem));
}

/** Applies an RFC 6902 patch strictly (every op validated) to a copy of the pod. */
export function applyPodPatch(pod: unknown, patch: readonly Operation[]): unknown {
  return fastJsonPatch.applyPatch(structuredClone(pod), patch, true, false).newDocument;
}
