// agent-json-patch / agent-init-json-patch: an RFC 6902 patch applied to the generated container
// (spec §4.10). fast-json-patch applies it; failures are reported in the words of the Go library
// vault-k8s uses (evanphx/json-patch), and the result is decoded back as a corev1.Container would
// be: unknown fields dropped, mistyped fields rejected.
import { Buffer } from 'node:buffer';
import fastJsonPatch, { type Operation } from 'fast-json-patch';
import { goJsonKind } from '../../../../common/src/go-json-syntax.js';
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

type FieldKind = 'string' | 'strings' | 'array' | 'object' | 'bool';

/** corev1.Container's JSON fields and their Go types. */
const CONTAINER_FIELDS: Readonly<Record<string, readonly [FieldKind, string]>> = {
  name: ['string', 'string'],
  image: ['string', 'string'],
  command: ['strings', '[]string'],
  args: ['strings', '[]string'],
  workingDir: ['string', 'string'],
  ports: ['array', '[]v1.ContainerPort'],
  envFrom: ['array', '[]v1.EnvFromSource'],
  env: ['array', '[]v1.EnvVar'],
  resources: ['object', 'v1.ResourceRequirements'],
  resizePolicy: ['array', '[]v1.ContainerResizePolicy'],
  restartPolicy: ['string', 'v1.ContainerRestartPolicy'],
  volumeMounts: ['array', '[]v1.VolumeMount'],
  volumeDevices: ['array', '[]v1.VolumeDevice'],
  livenessProbe: ['object', 'v1.Probe'],
  readinessProbe: ['object', 'v1.Probe'],
  startupProbe: ['object', 'v1.Probe'],
  lifecycle: ['object', 'v1.Lifecycle'],
  terminationMessagePath: ['string', 'string'],
  terminationMessagePolicy: ['string', 'v1.TerminationMessagePolicy'],
  imagePullPolicy: ['string', 'v1.PullPolicy'],
  securityContext: ['object', 'v1.SecurityContext'],
  stdin: ['bool', 'bool'],
  stdinOnce: ['bool', 'bool'],
  tty: ['bool', 'bool'],
};

export type ContainerPatchResult = { readonly ok: true; readonly container: K8sContainer } | { readonly ok: false; readonly error: string };

function describeFailure(error: InstanceType<typeof JsonPatchError>): string {
  const operation = (error.operation ?? {}) as Partial<Operation> & { from?: string };
  const op = typeof operation.op === 'string' ? operation.op : 'unknown';
  const path = typeof operation.path === 'string' ? operation.path : '';
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
      return `${op} operation does not apply: doc is missing from path: "${operation.from ?? ''}": missing value`;
    case 'TEST_OPERATION_FAILED':
      return `testing value ${path} failed: test failed`;
    case 'OPERATION_VALUE_REQUIRED':
      return `${op} operation, missing value: missing value`;
    default:
      return `${op} operation is invalid: ${error.message.split('\n')[0] ?? ''}`;
  }
}

function isObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fitsKind(kind: FieldKind, value: unknown): boolean {
  switch (kind) {
    case 'string':
      return typeof value === 'string';
    case 'bool':
      return typeof value === 'boolean';
    case 'object':
      return isObject(value);
    case 'array':
      return Array.isArray(value) && value.every((item) => item === null || isObject(item));
    case 'strings':
      return Array.isArray(value) && value.every((item) => typeof item === 'string');
  }
}

function typeMismatch(field: string, kind: FieldKind, goType: string, value: unknown): string {
  // For []string Go names the offending element, not the array.
  const elementProblem = kind === 'strings' && Array.isArray(value);
  const shown: unknown = elementProblem ? (value as unknown[]).find((item) => typeof item !== 'string') : value;
  return `json: cannot unmarshal ${goJsonKind(shown)} into Go struct field Container.${field} of type ${elementProblem ? 'string' : goType}`;
}

function decodeContainer(patched: unknown): ContainerPatchResult {
  if (!isObject(patched)) {
    return { ok: false, error: `json: cannot unmarshal ${goJsonKind(patched)} into Go value of type v1.Container` };
  }
  const container: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(patched as Record<string, unknown>)) {
    const spec = CONTAINER_FIELDS[field];
    if (spec === undefined || value === null) continue;
    const [kind, goType] = spec;
    if (!fitsKind(kind, value)) return { ok: false, error: typeMismatch(field, kind, goType, value) };
    container[field] = value;
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
