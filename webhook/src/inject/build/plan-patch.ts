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

/** Mounts for the original container at `index`, which sits `shift` places later once the patch has run. */
function mountOps(
  kind: 'containers' | 'initContainers',
  original: readonly K8sContainer[],
  { index, mounts }: { readonly index: number; readonly mounts: readonly K8sVolumeMount[] },
  shift: number,
): Operation[] {
  const base = `/spec/${kind}/${index + shift}/volumeMounts`;
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
  for (const entry of plan.initContainerMounts) ops.push(...mountOps('initContainers', original, entry, shift));
  if (plan.shareProcessNamespace !== undefined) ops.push({ op: 'add', path: '/spec/shareProcessNamespace', value: plan.shareProcessNamespace });
  return ops;
}

/** The status annotation's JSON Pointer: a constant, so escaped once. */
const STATUS_ANNOTATION_PATH = `/metadata/annotations/${escapePointerSegment(STATUS_ANNOTATION)}`;

function statusOp(pod: K8sPod): Operation {
  const annotations = pod.metadata?.annotations;
  if (annotations === undefined || annotations === null) {
    return { op: 'add', path: '/metadata/annotations', value: { [STATUS_ANNOTATION]: STATUS_INJECTED } };
  }
  return { op: 'add', path: STATUS_ANNOTATION_PATH, value: STATUS_INJECTED };
}

/** The JSON Patch for a plan, against the pod it was planned for. */
export function planToPatch(pod: K8sPod, plan: InjectionPlan): Operation[] {
  const ops: Operation[] = [];
  const volumesEmpty = isEmpty(pod.spec?.volumes);
  const addedVolumes: K8sVolume[] = [];
  for (const group of plan.volumeGroups) ops.push(...appendOps('/spec/volumes', volumesEmpty, group, addedVolumes));
  const containers = pod.spec?.containers ?? [];
  for (const entry of plan.appContainerMounts) ops.push(...mountOps('containers', containers, entry, 0));
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
  addVolumes(spec, pod.spec?.volumes, plan);
  const podContainers = mutated.spec?.containers;
  const appContainers = withLaunches(withMounts(podContainers ?? [], plan.appContainerMounts), plan.appContainerLaunches);
  if (plan.initContainer !== undefined) addInitContainer(spec, plan.initContainer, mutated.spec?.initContainers ?? [], plan);
  const containers = plan.sidecar === undefined ? appContainers : [...appContainers, plan.sidecar];
  // A pod without containers stays without the key unless something was added.
  if (containers.length > 0 || podContainers !== undefined) spec['containers'] = containers;
  mutated.spec = spec;
  mutated.metadata = withStatusAnnotation(mutated.metadata);
  return mutated;
}

/** The injector's volumes after the pod's own (the key is left alone when nothing is added). */
function addVolumes(spec: Record<string, unknown>, podVolumes: readonly K8sVolume[] | null | undefined, plan: InjectionPlan): void {
  const newVolumes = plan.volumeGroups.flat();
  if (newVolumes.length > 0) spec['volumes'] = [...(podVolumes ?? []), ...newVolumes];
}

/** The agent joins the pod's own init containers (first or last), which get their mounts. */
function addInitContainer(spec: Record<string, unknown>, agent: K8sContainer, podInitContainers: readonly K8sContainer[], plan: InjectionPlan): void {
  const ownInit = withMounts(podInitContainers, plan.initContainerMounts);
  spec['initContainers'] = plan.initFirst ? [agent, ...ownInit] : [...ownInit, agent];
  if (plan.shareProcessNamespace !== undefined) spec['shareProcessNamespace'] = plan.shareProcessNamespace;
}

function withStatusAnnotation(metadata: K8sPod['metadata']): NonNullable<K8sPod['metadata']> {
  return { ...(metadata ?? {}), annotations: { ...(metadata?.annotations ?? {}), [STATUS_ANNOTATION]: STATUS_INJECTED } };
}
