// agent-json-patch / agent-init-json-patch: an RFC 6902 patch applied to the generated container
// (AnnotationAgentJsonPatch in
// https://github.com/hashicorp/vault-k8s/blob/main/agent-inject/agent/annotations.go).
// fast-json-patch applies it; failures are reported in the words of the Go library vault-k8s uses
// (evanphx/json-patch), and the result is decoded back as a corev1.Container would be: unknown
// fields dropped, mistyped fields rejected.
import { Buffer } from 'node:buffer';
import fastJsonPatch, { type Operation } from 'fast-json-patch';
import { GO_BOOL, GO_STRING, goArray, goString, goUnmarshalError } from '../../../../common/src/go-json-unmarshal.js';
import type { GoJsonType } from '../../../../common/src/go-json-unmarshal.js';
import type { K8sContainer } from '../pod.js';

const { applyOperation, getValueByPointer, JsonPatchError } = fastJsonPatch;

/**
 * Work budget of one patched container, in bytes of JSON: the generated container plus every value
 * the patch adds, replaces, copies or tests. `copy` of a value into itself doubles the document per
 * operation, so a 1.5 KB annotation could otherwise grow a reply to gigabytes; a real container is a
 * few KB. Counted before each operation is applied, so the work done never exceeds the budget.
 * Documented in docs/webhook-settings.md ("Limits").
 */
export const MAX_PATCHED_CONTAINER_BYTES = 1024 * 1024;

const object = (go: string): GoJsonType => ({ kind: 'struct', go, fields: {} });
const objects = (go: string): GoJsonType => goArray(`[]${go}`, object(go));
const STRINGS = goArray('[]string', GO_STRING);

/** corev1.Container's JSON fields and their Go types (nested structs are not looked into). */
const CONTAINER_FIELDS: Readonly<Record<string, GoJsonType>> = {
  name: GO_STRING,
  image: GO_STRING,
  command: STRINGS,
  args: STRINGS,
  workingDir: GO_STRING,
  ports: objects('v1.ContainerPort'),
  envFrom: objects('v1.EnvFromSource'),
  env: objects('v1.EnvVar'),
  resources: object('v1.ResourceRequirements'),
  resizePolicy: objects('v1.ContainerResizePolicy'),
  restartPolicy: goString('v1.ContainerRestartPolicy'),
  volumeMounts: objects('v1.VolumeMount'),
  volumeDevices: objects('v1.VolumeDevice'),
  livenessProbe: object('v1.Probe'),
  readinessProbe: object('v1.Probe'),
  startupProbe: object('v1.Probe'),
  lifecycle: object('v1.Lifecycle'),
  terminationMessagePath: GO_STRING,
  terminationMessagePolicy: goString('v1.TerminationMessagePolicy'),
  imagePullPolicy: goString('v1.PullPolicy'),
  securityContext: object('v1.SecurityContext'),
  stdin: GO_BOOL,
  stdinOnce: GO_BOOL,
  tty: GO_BOOL,
};
const CONTAINER: GoJsonType = { kind: 'struct', go: 'v1.Container', name: 'Container', fields: CONTAINER_FIELDS };

export type ContainerPatchResult = { readonly ok: true; readonly container: K8sContainer } | { readonly ok: false; readonly error: string };

/** The failed operation's op, path and from, as strings (its fields may be anything the user wrote). */
function failedOperation(error: InstanceType<typeof JsonPatchError>): { op: string; path: string; from: string } {
  const operation = (error.operation ?? {}) as Partial<Operation> & { from?: string };
  return {
    op: typeof operation.op === 'string' ? operation.op : 'unknown',
    path: typeof operation.path === 'string' ? operation.path : '',
    from: operation.from ?? '',
  };
}

function describeFailure(error: InstanceType<typeof JsonPatchError>): string {
  const { op, path, from } = failedOperation(error);
  switch (error.name) {
    case 'OPERATION_OP_INVALID':
      return `Unexpected kind: ${op}`;
    case 'OPERATION_PATH_UNRESOLVABLE':
      return op === 'replace'
        ? `replace operation does not apply: doc is missing key: ${path}: missing value`
        : `${op} operation does not apply: doc is missing path: "${path}": missing value`;
    case 'OPERATION_PATH_CANNOT_ADD':
    case 'OPERATION_VALUE_OUT_OF_BOUNDS':
      return `${op} operation does not apply: doc is missing path: "${path}": missing value`;
    case 'OPERATION_FROM_UNRESOLVABLE':
      return `${op} operation does not apply: doc is missing from path: "${from}": missing value`;
    case 'TEST_OPERATION_FAILED':
      return `testing value ${path} failed: test failed`;
    case 'OPERATION_VALUE_REQUIRED':
      return `${op} operation, missing value: missing value`;
    default:
      return `${op} operation is invalid: ${error.message.split('\n')[0] ?? ''}`;
  }
}

function decodeContainer(patched: unknown): ContainerPatchResult {
  // A patch replacing the whole container with null is refused (Go would decode an empty
  // Container, which the API server then rejects for its missing name).
  const problem = patched === null ? 'json: cannot unmarshal null into Go value of type v1.Container' : goUnmarshalError(patched, CONTAINER);
  if (problem !== undefined) return { ok: false, error: problem };
  // Unknown fields are dropped and nulls read as absent, as decoding into corev1.Container does.
  const container: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(patched as Record<string, unknown>)) {
    if (Object.hasOwn(CONTAINER_FIELDS, field) && value !== null) container[field] = value;
  }
  return { ok: true, container: container as unknown as K8sContainer };
}

function jsonBytes(value: unknown): number {
  if (value === undefined) return 0;
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}

/** Bytes an operation can add to the document (an upper bound: removals are not credited). */
function growth(document: unknown, operation: Operation): number {
  switch (operation.op) {
    case 'add':
    case 'replace':
    case 'test':
      return jsonBytes(operation.value);
    case 'copy':
      try {
        return jsonBytes(getValueByPointer(document, operation.from));
      } catch {
        return 0; // unresolvable: applyOperation reports it in vault-k8s's words
      }
    default:
      return 0;
  }
}

/** Applies a user's patch to a generated container; an empty patch returns it unchanged. */
export function patchContainer(container: K8sContainer, operations: readonly Operation[]): ContainerPatchResult {
  if (operations.length === 0) return { ok: true, container };
  let document: unknown = structuredClone(container);
  let budget = MAX_PATCHED_CONTAINER_BYTES - jsonBytes(document);
  try {
    for (const [index, operation] of operations.entries()) {
      budget -= growth(document, operation);
      if (budget < 0) {
        return {
          ok: false,
          error: `failed to apply JSON patch: operation ${index} (${operation.op}) would grow the container past the limit of ${MAX_PATCHED_CONTAINER_BYTES} bytes`,
        };
      }
      document = applyOperation<unknown>(document, operation, true, true, true, index).newDocument;
    }
    return decodeContainer(document);
  } catch (error) {
    if (error instanceof JsonPatchError) return { ok: false, error: `failed to apply JSON patch: ${describeFailure(error)}` };
    throw error;
  }
}
