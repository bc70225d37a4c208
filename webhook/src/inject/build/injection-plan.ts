// What an injection adds to a pod, as values: volume groups, mounts per existing container, the
// two agent containers. From one plan come both the mutated pod (applyPlan) and the JSON Patch
// (planToPatch); a property test checks that applying the patch yields the mutated pod.
import type { K8sContainer, K8sPod, K8sVolume, K8sVolumeMount } from '../pod.js';
import type { InjectionSpec } from '../spec.js';
import type { InjectionIssue } from '../issues.js';
import { buildInitContainer, buildSidecarContainer } from './containers.js';
import { AGENT_READY_FILE, agentConfigEncoder } from '../agent-config/render-agent-config.js';
import { patchContainer } from './container-json-patch.js';
import { envAppMounts, secretMounts, usesEnvVars, volumeGroups } from './volumes.js';
import { IMAGE_LAUNCHER_PATH } from '../env/env-paths.js';
import { launcherCommand, restartProbe } from '../env/launch-command.js';
import { POD_ANNOTATIONS, annotationKey } from '../annotations/registry.js';
import { WARNING_KINDS, type AdmissionWarning } from '../warnings.js';

export const STATUS_ANNOTATION = annotationKey(POD_ANNOTATIONS.status);
export const STATUS_INJECTED = 'injected';

export interface ContainerMounts {
  readonly index: number;
  readonly mounts: readonly K8sVolumeMount[];
}

/** An app container started through the env-var launcher: its new command and, for restart on change, a liveness probe. */
export interface ContainerLaunch {
  readonly index: number;
  readonly command: readonly string[];
  readonly livenessProbe: K8sContainer['livenessProbe'] | undefined;
}

export interface InjectionPlan {
  /** Groups of new volumes, in patch order (volumes the pod already has are not re-added). */
  readonly volumeGroups: readonly (readonly K8sVolume[])[];
  /** Secret mounts for selected app containers, by original index. */
  readonly appContainerMounts: readonly ContainerMounts[];
  /** App containers whose command the env-var launcher wraps (our extension). */
  readonly appContainerLaunches: readonly ContainerLaunch[];
  /** Secret mounts for the pod's own init containers, by original index. */
  readonly initContainerMounts: readonly ContainerMounts[];
  /** The agent container that goes into spec.initContainers: vault-agent-init, or a native vault-agent. */
  readonly initContainer: K8sContainer | undefined;
  readonly initFirst: boolean;
  readonly shareProcessNamespace: boolean | undefined;
  /** The classic vault-agent sidecar for spec.containers (undefined in native-sidecar mode). */
  readonly sidecar: K8sContainer | undefined;
  /** Notes for the AdmissionResponse (e.g. a pod volume reused). */
  readonly warnings: readonly AdmissionWarning[];
}

export type PlanResult = { readonly ok: true; readonly plan: InjectionPlan } | { readonly ok: false; readonly issues: readonly InjectionIssue[] };

function mountsFor(container: K8sContainer, wanted: readonly K8sVolumeMount[], issues: InjectionIssue[]): K8sVolumeMount[] {
  const existing = container.volumeMounts ?? [];
  const added: K8sVolumeMount[] = [];
  for (const mount of wanted) {
    const clash = existing.find((current) => current.mountPath === mount.mountPath);
    if (clash === undefined) added.push(mount);
    else if (clash.name !== mount.name) {
      issues.push({
        stage: 'conflict',
        message: `container "${container.name}" already mounts volume "${clash.name}" at ${mount.mountPath}, where the injector mounts "${mount.name}"`,
        fix: `Move container "${container.name}"'s volume "${clash.name}" away from ${mount.mountPath}, or point the secrets elsewhere with ${annotationKey(POD_ANNOTATIONS.secretVolumePath)}`,
      });
    }
  }
  return added;
}

function agentContainer(build: () => K8sContainer, patch: InjectionSpec['initJsonPatch'], annotation: string, issues: InjectionIssue[]): K8sContainer | undefined {
  const patched = patchContainer(build(), patch);
  if (patched.ok) return patched.container;
  issues.push({ stage: 'patch', message: patched.error, annotation, value: JSON.stringify(patch) });
  return undefined;
}

function checkNames(pod: K8sPod, plan: InjectionPlan, issues: InjectionIssue[]): void {
  const taken = new Set([...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].map((c) => c.name));
  for (const added of [plan.initContainer, plan.sidecar]) {
    if (added === undefined) continue;
    if (taken.has(added.name)) {
      issues.push({
        stage: 'conflict',
        message: `the pod already has a container named "${added.name}"; refusing to inject a second one`,
        fix: `Rename the pod's container "${added.name}": the injector adds one with that name`,
      });
    }
    taken.add(added.name);
  }
}

/** Decides every addition for this pod. Pure: the pod is only read. */
export function planInjection(pod: K8sPod, spec: InjectionSpec): PlanResult {
  const issues: InjectionIssue[] = [];
  const warnings: AdmissionWarning[] = [];
  const groups = volumeGroupsFor(pod, spec, warnings);
  warnings.push(...nativeSidecarWarnings(spec), ...envImageWarnings(spec));
  const wanted = secretMounts(spec);
  const appContainerMounts = appMounts(pod, spec, wanted, issues);
  // An agent joins spec.initContainers as vault-agent-init, or as a native vault-agent sidecar.
  const agentAmongInitContainers = spec.injectInitContainer || spec.nativeSidecar;
  const initContainerMounts = agentAmongInitContainers
    ? (pod.spec?.initContainers ?? []).map((container, index) => ({ index, mounts: mountsFor(container, wanted, issues) }))
    : [];
  const { init, sidecar } = agentContainers(spec, issues);
  const plan: InjectionPlan = {
    volumeGroups: groups,
    appContainerMounts: appContainerMounts.filter((entry) => entry.mounts.length > 0),
    appContainerLaunches: appLaunches(spec),
    initContainerMounts: initContainerMounts.filter((entry) => entry.mounts.length > 0),
    initContainer: spec.nativeSidecar ? sidecar : init,
    initFirst: spec.initFirst,
    shareProcessNamespace: agentAmongInitContainers ? spec.shareProcessNamespace : undefined,
    sidecar: spec.nativeSidecar ? undefined : sidecar,
    warnings,
  };
  checkNames(pod, plan, issues);
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, plan };
}

/** The injector's volume groups, less the volumes the pod already defines (each such reuse is a warning). */
function volumeGroupsFor(pod: K8sPod, spec: InjectionSpec, warnings: AdmissionWarning[]): ReturnType<typeof volumeGroups> {
  const podVolumes = new Set((pod.spec?.volumes ?? []).map((volume) => volume.name));
  return volumeGroups(spec)
    .map((group) =>
      group.filter((volume) => {
        if (!podVolumes.has(volume.name)) return true;
        warnings.push({ kind: WARNING_KINDS.podVolumeReused, message: `vault-injector: the pod already defines volume "${volume.name}"; it is used instead of the injector's own` });
        return false;
      }),
    )
    .filter((group) => group.length > 0);
}

function envImageWarnings(spec: InjectionSpec): AdmissionWarning[] {
  if (!usesEnvVars(spec) || !/(^|\/)hashicorp\/vault([:@]|$)/.test(spec.image)) return [];
  return [{
    kind: WARNING_KINDS.agentImage,
    message: `vault-injector: agent-env-* needs the vault-injector agent image; ${spec.image} has no ${IMAGE_LAUNCHER_PATH} to copy into the pod`,
  }];
}

/** Mounts for the app containers: secrets in agent-inject-containers, the env-var volumes in the env containers. */
function appMounts(pod: K8sPod, spec: InjectionSpec, wanted: K8sVolumeMount[], issues: InjectionIssue[]): { index: number; mounts: K8sVolumeMount[] }[] {
  const envContainers = spec.envVars?.containers ?? [];
  const envMounts = usesEnvVars(spec) ? envAppMounts(spec) : [];
  return (pod.spec?.containers ?? []).flatMap((container, index) => {
    const mounts = [...(spec.injectContainers.includes(container.name) ? wanted : []), ...(envContainers.some((env) => env.index === index) ? envMounts : [])];
    return mounts.length > 0 ? [{ index, mounts: mountsFor(container, mounts, issues) }] : [];
  });
}

/** The env containers' commands, wrapped by the launcher (and probed when restart-on-change is on). */
function appLaunches(spec: InjectionSpec): ContainerLaunch[] {
  const env = spec.envVars;
  if (env === undefined) return [];
  return env.containers.map((container) => ({
    index: container.index,
    command: launcherCommand(env, container),
    livenessProbe: env.restartOnChange ? restartProbe(container) : undefined,
  }));
}

/** The two agent containers the spec asks for, each with its JSON patch applied. */
function agentContainers(spec: InjectionSpec, issues: InjectionIssue[]): { init: K8sContainer | undefined; sidecar: K8sContainer | undefined } {
  // One encoder for both: their configs share most of their text.
  const agentConfig = agentConfigEncoder(spec);
  const init = spec.injectInitContainer
    ? agentContainer(() => buildInitContainer(spec, agentConfig), spec.initJsonPatch, POD_ANNOTATIONS.initJsonPatch, issues)
    : undefined;
  const sidecar = spec.injectSidecar
    ? agentContainer(() => buildSidecarContainer(spec, agentConfig), spec.sidecarJsonPatch, POD_ANNOTATIONS.jsonPatch, issues)
    : undefined;
  return { init, sidecar };
}

/** Only our agent writes the ready file; with a ConfigMap, its config.hcl must ask for it. */
function nativeSidecarWarnings(spec: InjectionSpec): AdmissionWarning[] {
  if (!spec.nativeSidecar) return [];
  const readyFile = spec.nativeSidecarProbe.kind === 'ready-file' || spec.configMap !== '';
  if (readyFile && /(^|\/)hashicorp\/vault([:@]|$)/.test(spec.image)) {
    return [
      {
        kind: WARNING_KINDS.agentImage,
        message: `vault-injector: the ready-file startupProbe needs the vault-injector agent image; ${spec.image} never writes ${AGENT_READY_FILE} (use agent-native-sidecar-probe: files)`,
      },
    ];
  }
  if (spec.configMap !== '') {
    return [
      {
        kind: WARNING_KINDS.configMapReadyFile,
        message: `vault-injector: agent-native-sidecar with agent-configmap waits for ${AGENT_READY_FILE}: the ConfigMap's config.hcl must set ready_file = "${AGENT_READY_FILE}" (vault-injector agent image)`,
      },
    ];
  }
  return [];
}
