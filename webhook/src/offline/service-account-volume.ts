// The API server's ServiceAccount admission plugin runs before mutating webhooks and adds the
// projected token volume (kube-api-access-<suffix>) to every pod that does not opt out; vault-k8s
// finds that mount and shares it with the agent. A manifest on disk has not been through the
// plugin, so `inject` adds the same volume first — under a fixed name, written into the output, so
// the injected manifest is complete: when it is applied, the plugin sees the mount already there
// and adds nothing. Shape as documented in
// https://kubernetes.io/docs/reference/access-authn-authz/service-accounts-admin/#bound-service-account-token-volume
import type { Operation } from 'fast-json-patch';

export const SA_TOKEN_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
export const SA_VOLUME_NAME = 'kube-api-access-vault-inject';

const PROJECTED_VOLUME = {
  name: SA_VOLUME_NAME,
  projected: {
    defaultMode: 420,
    sources: [
      { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
      { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
      { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
    ],
  },
};

interface ContainerShape {
  readonly volumeMounts?: readonly { readonly mountPath?: string }[];
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function mountOps(spec: Record<string, unknown>, field: 'initContainers' | 'containers'): Operation[] {
  return list(spec[field]).flatMap((container, index): Operation[] => {
    const mounts = (container as ContainerShape).volumeMounts;
    if (mounts?.some((mount) => mount.mountPath === SA_TOKEN_MOUNT_PATH) === true) return [];
    const mount = { name: SA_VOLUME_NAME, readOnly: true, mountPath: SA_TOKEN_MOUNT_PATH };
    return Array.isArray(mounts)
      ? [{ op: 'add', path: `/spec/${field}/${index}/volumeMounts/-`, value: mount }]
      : [{ op: 'add', path: `/spec/${field}/${index}/volumeMounts`, value: [mount] }];
  });
}

/** The ops the ServiceAccount plugin's token volume amounts to for this pod ([] when it opts out). */
export function serviceAccountVolumeOps(pod: Record<string, unknown>): Operation[] {
  const spec = pod.spec;
  if (typeof spec !== 'object' || spec === null) return [];
  const podSpec = spec as Record<string, unknown>;
  if (podSpec.automountServiceAccountToken === false) return [];
  const mounts = [...mountOps(podSpec, 'initContainers'), ...mountOps(podSpec, 'containers')];
  if (mounts.length === 0) return [];
  const volumes = podSpec.volumes;
  const volume: Operation = Array.isArray(volumes)
    ? { op: 'add', path: '/spec/volumes/-', value: PROJECTED_VOLUME }
    : { op: 'add', path: '/spec/volumes', value: [PROJECTED_VOLUME] };
  return [volume, ...mounts];
}
