// The parts of a Pod the injector reads, checked the way Go's encoding/json would check them
// when vault-k8s decodes the admission object into a corev1.Pod. Everything else in the pod is
// left exactly as received: we never re-serialise the user's objects.
import type { V1Container, V1EnvVar, V1Volume, V1VolumeMount } from '@kubernetes/client-node';

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

type JsonKind = 'object' | 'array' | 'string' | 'number' | 'bool' | 'null';
type Shape =
  | { readonly kind: 'string' | 'bool' | 'int64' | 'any' }
  | { readonly kind: 'map'; readonly goType: string }
  | { readonly kind: 'array'; readonly goType: string; readonly element: Shape }
  | {
      readonly kind: 'struct';
      readonly goType: string;
      readonly fields: Readonly<Record<string, Shape>>;
      /** Fields the API server requires; checked so later code can rely on them. */
      readonly required?: readonly string[];
    };

const STRING: Shape = { kind: 'string' };
const BOOL: Shape = { kind: 'bool' };
const INT64: Shape = { kind: 'int64' };

const VOLUME_MOUNT: Shape = {
  kind: 'struct',
  goType: 'VolumeMount',
  fields: { name: STRING, mountPath: STRING, readOnly: BOOL, subPath: STRING },
  required: ['name', 'mountPath'],
};
const ENV_VAR: Shape = { kind: 'struct', goType: 'EnvVar', fields: { name: STRING, value: STRING }, required: ['name'] };
const CONTAINER: Shape = {
  kind: 'struct',
  goType: 'Container',
  required: ['name'],
  fields: {
    name: STRING,
    image: STRING,
    volumeMounts: { kind: 'array', goType: '[]v1.VolumeMount', element: VOLUME_MOUNT },
    env: { kind: 'array', goType: '[]v1.EnvVar', element: ENV_VAR },
    securityContext: { kind: 'struct', goType: 'SecurityContext', fields: { runAsUser: INT64 } },
  },
};
const VOLUME: Shape = {
  kind: 'struct',
  goType: 'Volume',
  required: ['name'],
  fields: {
    name: STRING,
    projected: {
      kind: 'struct',
      goType: 'ProjectedVolumeSource',
      fields: {
        sources: {
          kind: 'array',
          goType: '[]v1.VolumeProjection',
          element: {
            kind: 'struct',
            goType: 'VolumeProjection',
            fields: {
              serviceAccountToken: { kind: 'struct', goType: 'ServiceAccountTokenProjection', fields: { path: STRING } },
            },
          },
        },
      },
    },
  },
};
const POD: Shape = {
  kind: 'struct',
  goType: 'v1.Pod',
  fields: {
    metadata: {
      kind: 'struct',
      goType: 'ObjectMeta',
      fields: {
        name: STRING,
        generateName: STRING,
        namespace: STRING,
        annotations: { kind: 'map', goType: 'map[string]string' },
        labels: { kind: 'map', goType: 'map[string]string' },
      },
    },
    spec: {
      kind: 'struct',
      goType: 'PodSpec',
      fields: {
        containers: { kind: 'array', goType: '[]v1.Container', element: CONTAINER },
        initContainers: { kind: 'array', goType: '[]v1.Container', element: CONTAINER },
        volumes: { kind: 'array', goType: '[]v1.Volume', element: VOLUME },
        shareProcessNamespace: BOOL,
      },
    },
    status: { kind: 'struct', goType: 'PodStatus', fields: { phase: STRING } },
  },
};

function jsonKind(value: unknown): JsonKind {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'number':
      return 'number';
    case 'boolean':
      return 'bool';
    default:
      return 'object';
  }
}

function goTypeOf(shape: Shape): string {
  switch (shape.kind) {
    case 'string':
      return 'string';
    case 'bool':
      return 'bool';
    case 'int64':
      return 'int64';
    case 'any':
      return 'interface {}';
    case 'struct':
      return shape.goType.startsWith('v1.') ? shape.goType : `v1.${shape.goType}`;
    default:
      return shape.goType;
  }
}

interface Location {
  readonly struct: string;
  readonly path: readonly string[];
}

function mismatch(value: unknown, shape: Shape, at: Location | undefined): string {
  const where = at === undefined ? 'Go value' : `Go struct field ${at.struct}.${at.path.join('.')}`;
  return `json: cannot unmarshal ${jsonKind(value)} into ${where} of type ${goTypeOf(shape)}`;
}

function checkScalar(value: unknown, shape: Shape, at: Location | undefined): string | undefined {
  const kind = jsonKind(value);
  if (shape.kind === 'string' && kind !== 'string') return mismatch(value, shape, at);
  if (shape.kind === 'bool' && kind !== 'bool') return mismatch(value, shape, at);
  if (shape.kind === 'int64' && (kind !== 'number' || !Number.isInteger(value))) return mismatch(value, shape, at);
  return undefined;
}

function checkMap(value: unknown, shape: Shape & { kind: 'map' }, at: Location | undefined): string | undefined {
  if (jsonKind(value) !== 'object') return mismatch(value, shape, at);
  for (const entry of Object.values(value as Record<string, unknown>)) {
    if (typeof entry !== 'string' && entry !== null) return mismatch(entry, STRING, at);
  }
  return undefined;
}

/** Returns Go's decode error for the first field of the wrong JSON type, or undefined. */
function check(value: unknown, shape: Shape, at: Location | undefined): string | undefined {
  if (value === null || shape.kind === 'any') return undefined; // null decodes to the zero value in Go
  switch (shape.kind) {
    case 'map':
      return checkMap(value, shape, at);
    case 'array': {
      if (!Array.isArray(value)) return mismatch(value, shape, at);
      for (const element of value) {
        if (element === null && shape.element.kind === 'struct') return `invalid pod: null entry in ${at?.path.join('.') ?? 'array'}`;
        const problem = check(element, shape.element, at);
        if (problem !== undefined) return problem;
      }
      return undefined;
    }
    case 'struct': {
      if (jsonKind(value) !== 'object') return mismatch(value, shape, at);
      const record = value as Record<string, unknown>;
      const missing = (shape.required ?? []).find((field) => record[field] === undefined || record[field] === null);
      if (missing !== undefined) return `invalid pod: ${shape.goType.replace(/^v1\./, '')} without required field "${missing}" in ${at?.path.join('.') ?? 'pod'}`;
      for (const [field, fieldShape] of Object.entries(shape.fields)) {
        if (!(field in record)) continue;
        const path = at === undefined ? [field] : [...at.path, field];
        const problem = check(record[field], fieldShape, { struct: shape.goType.replace(/^v1\./, ''), path });
        if (problem !== undefined) return problem;
      }
      return undefined;
    }
    default:
      return checkScalar(value, shape, at);
  }
}

export type PodDecodeResult = { readonly ok: true; readonly pod: K8sPod } | { readonly ok: false; readonly error: string };

/** Checks the admission object as vault-k8s's json.Unmarshal into corev1.Pod would. */
export function decodePod(object: unknown): PodDecodeResult {
  if (object === undefined) return { ok: false, error: 'unexpected end of JSON input' };
  const problem = check(object, POD, undefined);
  if (problem !== undefined) return { ok: false, error: problem };
  return { ok: true, pod: object === null ? {} : (object) };
}
