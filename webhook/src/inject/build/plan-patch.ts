// An InjectionPlan as a JSON Patch (in vault-k8s's operation order and paths: Patch() in
// https://github.com/hashicorp/vault-k8s/blob/main/agent-inject/agent/agent.go and patch.go) and as
// the pod it produces. The two are written independently; tests check they agree.
import type { Operation } from 'fast-json-patch';
import type { K8sContainer, K8sPod, K8sVolume, K8sVolumeMount } from '../pod.js';
import { STATUS_ANNOTATION, STATUS_INJECTED, type InjectionPlan } from './injection-plan.js';

/** RFC 6901 escaping of one path segment. */
function escapePointerSegment(segment: string): string {
  return segment.replaceAll('~', '~0').replaceAll('/', '~1');
}

function isEmpty(array: readonly unknown[] | null | undefined): boolean {
  return array === undefined || array === null || array.length === 0;
}

/**
 * vault-k8s's "append" rule: the first item of a group creates the array when the pod had none
 * (`add <base> [item]`), later items use `<base>/-`. Every group re-checks the *original* array,
 * so with no original volumes a second group emits `add /spec/volumes` again; we reproduce that
 * path but carry everything added so far in its value, so the patched pod keeps all volumes.
 */
function appendOps<T>(base: string, originallyEmpty: boolean, items: readonly T[], addedSoFar: T[]): Operation[] {
  return items.map((item, i) => {
    addedSoFar.push(item);
    if (i === 0 && originallyEmpty) return { op: 'add', path: base, value: [...addedSoFar] };
    return { op: 'add', path: `${base}/-`, value: item };
  });
}

function mountOps(kind: 'containers' | 'initContainers', original: readonly K8sContainer[], index: number, newIndex: number, mounts: readonly K8sVolumeMount[]): Operation[] {
  const base = `/spec/${kind}/${newIndex}/volumeMounts`;
  return appendOps(base, isEmpty(original[index]?.volumeMounts), mounts, []);
}

function initContainerOps(pod: K8sPod, plan: InjectionPlan): Operation[] {
  const init = plan.initContainer;
  if (init === undefined) return [];
  const original = pod.spec?.initContainers ?? [];
  const ops: Operation[] = [];
  if (plan.initFirst && original.length > 0) {
    ops.push({ op: 'remove', path: '/spec/initContainers' });
    ops.push({ op: 'add', path: '/spec/initContainers', value: [init] });
    // Copies: later mount ops modify these objects, which must not alias the caller's pod.
    for (const container of original) ops.push({ op: 'add', path: '/spec/initContainers/-', value: structuredClone(container) });
  } else {
    ops.push(...appendOps('/spec/initContainers', original.length === 0, [init], []));
  }
  const shift = plan.initFirst ? 1 : 0;
  for (const { index, mounts } of plan.initContainerMounts) ops.push(...mountOps('initContainers', original, index, index + shift, mounts));
  if (plan.shareProcessNamespace !== undefined) ops.push({ op: 'add', path: '/spec/shareProcessNamespace', value: plan.shareProcessNamespace });
  return ops;
}

function statusOp(pod: K8sPod): Operation {
  const annotations = pod.metadata?.annotations;
  if (annotations === undefined || annotations === null) {
    return { op: 'add', path: '/metadata/annotations', value: { [STATUS_ANNOTATION]: STATUS_INJECTED } };
  }
  return { op: 'add', path: `/metadata/annotations/${escapePointerSegment(STATUS_ANNOTATION)}`, value: STATUS_INJECTED };
}

/** The JSON Patch for a plan, against the pod it was planned for. */
export function planToPatch(pod: K8sPod, plan: InjectionPlan): Operation[] {
  const ops: Operation[] = [];
  const volumesEmpty = isEmpty(pod.spec?.volumes);
  const addedVolumes: K8sVolume[] = [];
  for (const group of plan.volumeGroups) ops.push(...appendOps('/spec/volumes', volumesEmpty, group, addedVolumes));
  const containers = pod.spec?.containers ?? [];
  for (const { index, mounts } of plan.appContainerMounts) ops.push(...mountOps('containers', containers, index, index, mounts));
  for (const { index, command, livenessProbe } of plan.appContainerLaunches) {
    // "add" on an existing member replaces it (RFC 6902 §4.1).
    ops.push({ op: 'add', path: `/spec/containers/${index}/command`, value: [...command] });
    if (livenessProbe !== undefined) ops.push({ op: 'add', path: `/spec/containers/${index}/livenessProbe`, value: structuredClone(livenessProbe) });
  }
  ops.push(...initContainerOps(pod, plan));
  if (plan.sidecar !== undefined) ops.push(...appendOps('/spec/containers', containers.length === 0, [plan.sidecar], []));
  ops.push(statusOp(pod));
  return ops;
}

function withMounts(containers: readonly K8sContainer[], additions: InjectionPlan['appContainerMounts']): K8sContainer[] {
  return containers.map((container, index) => {
    const extra = additions.find((entry) => entry.index === index)?.mounts ?? [];
    return extra.length === 0 ? container : { ...container, volumeMounts: [...(container.volumeMounts ?? []), ...extra] };
  });
}

function withLaunches(containers: readonly K8sContainer[], launches: InjectionPlan['appContainerLaunches']): K8sContainer[] {
  return containers.map((container, index) => {
    const launch = launches.find((entry) => entry.index === index);
    if (launch === undefined) return container;
    const changed: K8sContainer = { ...container, command: [...launch.command] };
    if (launch.livenessProbe !== undefined) changed.livenessProbe = structuredClone(launch.livenessProbe);
    return changed;
  });
}

/** The pod after the injection, built directly from the plan (never mutates its input). */
export function applyPlan(pod: K8sPod, plan: InjectionPlan): K8sPod {
  const mutated = structuredClone(pod) as { -readonly [K in keyof K8sPod]: K8sPod[K] } & Record<string, unknown>;
  const spec: Record<string, unknown> = { ...(mutated.spec ?? {}) };
  const newVolumes = plan.volumeGroups.flat();
  if (newVolumes.length > 0) spec['volumes'] = [...(pod.spec?.volumes ?? []), ...newVolumes];
  let containers = withLaunches(withMounts(mutated.spec?.containers ?? [], plan.appContainerMounts), plan.appContainerLaunches);
  if (plan.initContainer !== undefined) {
    const ownInit = withMounts(mutated.spec?.initContainers ?? [], plan.initContainerMounts);
    spec['initContainers'] = plan.initFirst ? [plan.initContainer, ...ownInit] : [...ownInit, plan.initContainer];
    if (plan.shareProcessNamespace !== undefined) spec['shareProcessNamespace'] = plan.shareProcessNamespace;
  }
  if (plan.sidecar !== undefined) containers = [...containers, plan.sidecar];
  if (containers.length > 0 || mutated.spec?.containers !== undefined) spec['containers'] = containers;
  mutated.spec = spec;
  mutated.metadata = { ...(mutated.metadata ?? {}), annotations: { ...(mutated.metadata?.annotations ?? {}), [STATUS_ANNOTATION]: STATUS_INJECTED } };
  return mutated;
}
