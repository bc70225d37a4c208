// The volumes the injection adds, grouped as vault-k8s emits them
// (https://github.com/hashicorp/vault-k8s/blob/main/agent-inject/agent/container_volume.go and
// Patch() in agent.go), and the mounts each container gets.
import type { K8sVolume, K8sVolumeMount } from '../pod.js';
import { AGENT_CACHE_PATH, AGENT_CACHE_VOLUME, usesPersistentCache } from '../persistent-cache.js';
import type { InjectionSpec } from '../spec.js';
import { ENV_MOUNT_PATH, ENV_STATE_MOUNT_PATH } from '../env/env-paths.js';

const VOLUME_NAMES = {
  homeInit: 'home-init',
  homeSidecar: 'home-sidecar',
  secrets: 'vault-secrets',
  config: 'vault-config',
  extraSecrets: 'extra-secrets',
  tlsSecrets: 'vault-tls-secrets',
  agentCache: AGENT_CACHE_VOLUME,
  /** agent-env-* (our extension): the launcher and the value files. */
  env: 'vault-env',
  /** agent-env-restart-on-change: the generation each container started with. */
  envState: 'vault-env-state',
} as const;

export const MOUNT_PATHS = {
  home: '/home/vault',
  configs: '/vault/configs',
  extraSecrets: '/vault/custom',
  tls: '/vault/tls',
  agentCache: AGENT_CACHE_PATH,
} as const;

function memoryVolume(name: string): K8sVolume {
  return { name, emptyDir: { medium: 'Memory' } };
}

function customVolumeName(index: number): string {
  return `${VOLUME_NAMES.secrets}-custom-${index}`;
}

/** Some app container is started through the env-var launcher. */
export function usesEnvVars(spec: InjectionSpec): boolean {
  return (spec.envVars?.containers.length ?? 0) > 0;
}

/** Mounts a wrapped app container gets: the launcher and values read-only, its state file's volume when restarting. */
export function envAppMounts(spec: InjectionSpec): K8sVolumeMount[] {
  const mounts: K8sVolumeMount[] = [{ name: VOLUME_NAMES.env, readOnly: true, mountPath: ENV_MOUNT_PATH }];
  if (spec.envVars?.restartOnChange === true) mounts.push({ name: VOLUME_NAMES.envState, mountPath: ENV_STATE_MOUNT_PATH });
  return mounts;
}

/** Volume groups in patch order; each group is one "append" in vault-k8s's patch. */
export function volumeGroups(spec: InjectionSpec): K8sVolume[][] {
  const home: K8sVolume[] = [];
  if (spec.injectInitContainer) home.push(memoryVolume(VOLUME_NAMES.homeInit));
  if (spec.injectSidecar) home.push(memoryVolume(VOLUME_NAMES.homeSidecar));
  const secrets = [memoryVolume(VOLUME_NAMES.secrets), ...spec.customSecretVolumePaths.map((_, i) => memoryVolume(customVolumeName(i)))];
  const groups: K8sVolume[][] = [home, secrets];
  if (spec.configMap !== '') groups.push([{ name: VOLUME_NAMES.config, configMap: { name: spec.configMap } }]);
  if (spec.extraSecret !== '') groups.push([{ name: VOLUME_NAMES.extraSecrets, secret: { secretName: spec.extraSecret } }]);
  if (spec.tlsSecret !== '') groups.push([{ name: VOLUME_NAMES.tlsSecrets, secret: { secretName: spec.tlsSecret } }]);
  if (usesPersistentCache(spec)) groups.push([memoryVolume(VOLUME_NAMES.agentCache)]);
  if (usesEnvVars(spec)) {
    groups.push(spec.envVars?.restartOnChange === true ? [memoryVolume(VOLUME_NAMES.env), memoryVolume(VOLUME_NAMES.envState)] : [memoryVolume(VOLUME_NAMES.env)]);
  }
  return groups.filter((group) => group.length > 0);
}

/** The secret mounts every selected app container (and existing init container) receives. */
export function secretMounts(spec: InjectionSpec): K8sVolumeMount[] {
  return [
    { name: VOLUME_NAMES.secrets, mountPath: spec.secretVolumePath },
    ...spec.customSecretVolumePaths.map((mountPath, i) => ({ name: customVolumeName(i), mountPath })),
  ];
}

function readOnly(name: string, mountPath: string): K8sVolumeMount {
  return { name, readOnly: true, mountPath };
}

/**
 * Mounts of an agent container, in vault-k8s's order
 * (https://github.com/hashicorp/vault-k8s/blob/main/agent-inject/agent/container_init_sidecar.go and
 * container_sidecar.go; the sidecar lists the token volume first).
 */
export function agentMounts(spec: InjectionSpec, role: 'init' | 'sidecar'): K8sVolumeMount[] {
  const home: K8sVolumeMount = { name: role === 'init' ? VOLUME_NAMES.homeInit : VOLUME_NAMES.homeSidecar, mountPath: MOUNT_PATHS.home };
  const token = readOnly(spec.serviceAccount.volumeName, spec.serviceAccount.mountPath);
  const mounts: K8sVolumeMount[] = role === 'init' ? [home, token] : [token, home];
  const irsaMount = spec.awsIrsa?.tokenMount;
  if (irsaMount !== undefined) mounts.push(readOnly(irsaMount.name, irsaMount.mountPath));
  mounts.push(...secretMounts(spec));
  if (spec.extraSecret !== '') mounts.push(readOnly(VOLUME_NAMES.extraSecrets, MOUNT_PATHS.extraSecrets));
  mounts.push(...spec.copiedVolumeMounts);
  if (spec.configMap !== '') mounts.push(readOnly(VOLUME_NAMES.config, MOUNT_PATHS.configs));
  if (spec.tlsSecret !== '') mounts.push(readOnly(VOLUME_NAMES.tlsSecrets, MOUNT_PATHS.tls));
  if (usesPersistentCache(spec)) mounts.push({ name: VOLUME_NAMES.agentCache, mountPath: MOUNT_PATHS.agentCache });
  if (usesEnvVars(spec)) mounts.push({ name: VOLUME_NAMES.env, mountPath: ENV_MOUNT_PATH });
  return dedupeByMountPath(mounts);
}

/** A copied mount may land on a path we already mount; the API server rejects duplicates. */
function dedupeByMountPath(mounts: readonly K8sVolumeMount[]): K8sVolumeMount[] {
  const seen = new Set<string>();
  return mounts.filter((mount) => {
    if (seen.has(mount.mountPath)) return false;
    seen.add(mount.mountPath);
    return true;
  });
}
