// Finding the pod's service-account token so the agent can log in with it (serviceaccount() in
// https://github.com/hashicorp/vault-k8s/blob/main/agent-inject/agent/agent.go).
// The volume is never added; the pod's own volume is re-mounted read-only.
import { posix } from 'node:path';
import type { K8sPod, K8sVolume, K8sVolumeMount } from './pod.js';
import type { ServiceAccountTokenMount } from './spec.js';

/** Where a named projected volume is mounted when no app container mounts it. */
const PROJECTED_TOKEN_MOUNT_PATH = '/var/run/secrets/vault.hashicorp.com/serviceaccount';

export type ServiceAccountResult =
  | { readonly ok: true; readonly mount: ServiceAccountTokenMount }
  | { readonly ok: false; readonly error: string };

function projectedTokenFile(volume: K8sVolume): string | undefined {
  for (const source of volume.projected?.sources ?? []) {
    const path = source.serviceAccountToken?.path;
    if (path !== undefined && path !== '') return path;
  }
  return undefined;
}

/** The first app-container mount of the named volume. */
function appMountOf(pod: K8sPod, volumeName: string): K8sVolumeMount | undefined {
  return (pod.spec?.containers ?? []).flatMap((container) => container.volumeMounts ?? []).find((mount) => mount.name === volumeName);
}

function fromNamedVolume(pod: K8sPod, volumeName: string): ServiceAccountResult {
  const appMount = appMountOf(pod, volumeName);
  const volume = (pod.spec?.volumes ?? []).find((candidate) => candidate.name === volumeName);
  if (appMount !== undefined && volume === undefined) {
    return { ok: false, error: `failed to find volume "${volumeName}" in Pod "${pod.metadata?.name ?? ''}" volumes` };
  }
  if (volume === undefined) return { ok: false, error: `failed to find service account volume "${volumeName}"` };
  const tokenFile = projectedTokenFile(volume);
  if (tokenFile === undefined) return { ok: false, error: `failed to find tokenPath for projected volume "${volumeName}"` };
  const mountPath = appMount?.mountPath ?? PROJECTED_TOKEN_MOUNT_PATH;
  return { ok: true, mount: { volumeName, mountPath, tokenPath: posix.join(mountPath, tokenFile) } };
}

/** Locates the token: the named projected volume if given, else the first "serviceaccount" mount. */
export function findServiceAccountToken(pod: K8sPod, volumeName: string): ServiceAccountResult {
  if (volumeName !== '') return fromNamedVolume(pod, volumeName);
  for (const container of pod.spec?.containers ?? []) {
    for (const mount of container.volumeMounts ?? []) {
      if (mount.mountPath.includes('serviceaccount')) {
        return {
          ok: true,
          mount: { volumeName: mount.name, mountPath: mount.mountPath, tokenPath: posix.join(mount.mountPath, 'token') },
        };
      }
    }
  }
  return { ok: false, error: 'failed to find service account volume mount' };
}
