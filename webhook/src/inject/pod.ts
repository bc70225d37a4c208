// The parts of a Pod the injector reads, checked the way Go's encoding/json would check them
// when vault-k8s decodes the admission object into a corev1.Pod. Everything else in the pod is
// left exactly as received: we never re-serialise the user's objects.
import type { V1Container, V1EnvVar, V1Volume, V1VolumeMount } from '@kubernetes/client-node';
import { GO_BOOL, GO_INT64, GO_STRING, goArray, goMap, goUnmarshalError } from '../../../common/src/go-json-unmarshal.js';
import type { GoJsonType } from '../../../common/src/go-json-unmarshal.js';

/** client-node's model classes as plain JSON object types (we never instantiate the classes). */
type Wire<T> = T extends Date
  ? string
  : T extends readonly (infer U)[]
    ? Wire<U>[]
    : T extends object
      ? { [K in keyof T]: Wire<T[K]> }
      : T;

export type K8sContainer = Wire<V1Container>;
export type K8sVolume = Wire<V1Volume>;
export type K8sVolumeMount = Wire<V1VolumeMount>;
export type K8sEnvVar = Wire<V1EnvVar>;

/** A pod as raw JSON, with the fields we use typed; JSON null is allowed where Go decodes it as empty. */
export interface K8sPod {
  readonly metadata?: {
    readonly name?: string | null;
    readonly generateName?: string | null;
    readonly namespace?: string | null;
    readonly annotations?: Readonly<Record<string, string | null>> | null;
  } | null;
  readonly spec?: {
    readonly containers?: readonly K8sContainer[] | null;
    readonly initContainers?: readonly K8sContainer[] | null;
    readonly volumes?: readonly K8sVolume[] | null;
    readonly shareProcessNamespace?: boolean | null;
  } | null;
  readonly status?: { readonly phase?: string | null } | null;
}

/** A corev1 struct: named in errors without the package, as Go's UnmarshalTypeError.Struct is. */
function struct(name: string, fields: Readonly<Record<string, GoJsonType>>, required?: readonly string[]): GoJsonType {
  return { kind: 'struct', go: `v1.${name}`, name, fields, ...(required === undefined ? {} : { required }) };
}

// Only the fields the injector reads (or relies on the API server having checked) are listed;
// Go ignores the rest and so do we.
const VOLUME_MOUNT = struct('VolumeMount', { name: GO_STRING, mountPath: GO_STRING, readOnly: GO_BOOL, subPath: GO_STRING }, ['name', 'mountPath']);
const ENV_VAR = struct('EnvVar', { name: GO_STRING, value: GO_STRING }, ['name']);
const CONTAINER = struct(
  'Container',
  {
    name: GO_STRING,
    image: GO_STRING,
    volumeMounts: goArray('[]v1.VolumeMount', VOLUME_MOUNT),
    env: goArray('[]v1.EnvVar', ENV_VAR),
    securityContext: struct('SecurityContext', { runAsUser: GO_INT64 }),
  },
  ['name'],
);
const PROJECTED = struct('ProjectedVolumeSource', {
  sources: goArray('[]v1.VolumeProjection', struct('VolumeProjection', { serviceAccountToken: struct('ServiceAccountTokenProjection', { path: GO_STRING }) })),
});
const VOLUME = struct('Volume', { name: GO_STRING, projected: PROJECTED }, ['name']);
const STRING_MAP = goMap('map[string]string', GO_STRING);
const POD = struct('Pod', {
  metadata: struct('ObjectMeta', { name: GO_STRING, generateName: GO_STRING, namespace: GO_STRING, annotations: STRING_MAP, labels: STRING_MAP }),
  spec: struct('PodSpec', {
    containers: goArray('[]v1.Container', CONTAINER),
    initContainers: goArray('[]v1.Container', CONTAINER),
    volumes: goArray('[]v1.Volume', VOLUME),
    shareProcessNamespace: GO_BOOL,
  }),
  status: struct('PodStatus', { phase: GO_STRING }),
});

export type PodDecodeResult = { readonly ok: true; readonly pod: K8sPod } | { readonly ok: false; readonly error: string };

/** Checks the admission object as vault-k8s's json.Unmarshal into corev1.Pod would. */
export function decodePod(object: unknown): PodDecodeResult {
  if (object === undefined) return { ok: false, error: 'unexpected end of JSON input' };
  const problem = goUnmarshalError(object, POD, { validate: 'pod' });
  if (problem !== undefined) return { ok: false, error: problem };
  return { ok: true, pod: object === null ? {} : (object) };
}
