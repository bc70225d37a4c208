// The type errors of Go's json.Unmarshal ("json: cannot unmarshal string into Go struct field
// Container.spec.containers.image of type int64"), reproduced from a schema of the Go type being
// decoded into. Go names the innermost struct type and the field's full dotted path from the
// root, reports the first mismatch in document order and decodes JSON null as the zero value:
// https://pkg.go.dev/encoding/json#UnmarshalTypeError
// https://github.com/golang/go/blob/go1.22.0/src/encoding/json/decode.go
import { goJsonKind } from './go-json-syntax.js';

/** A Go type as encoding/json sees it; `go` is the type's name in error texts. */
export type GoJsonType =
  | { readonly kind: 'string' | 'bool' | 'int64' | 'base64'; readonly go: string }
  /** json.RawMessage, runtime.RawExtension, interface{}: anything decodes. */
  | { readonly kind: 'any' }
  | { readonly kind: 'array'; readonly go: string; readonly items: GoJsonType }
  | { readonly kind: 'map'; readonly go: string; readonly values: GoJsonType }
  | {
      readonly kind: 'struct';
      readonly go: string;
      /** The struct's name in "Go struct field <name>.<path>"; without one, the enclosing struct's name is kept. */
      readonly name?: string;
      /** Unlisted fields are ignored, as Go ignores unknown keys. */
      readonly fields: Readonly<Record<string, GoJsonType>>;
      /** Fields the API server guarantees; checked only when `validate` is given. */
      readonly required?: readonly string[];
    };

export const GO_STRING: GoJsonType = { kind: 'string', go: 'string' };
export const GO_BOOL: GoJsonType = { kind: 'bool', go: 'bool' };
export const GO_INT64: GoJsonType = { kind: 'int64', go: 'int64' };
export const GO_ANY: GoJsonType = { kind: 'any' };

/** A named string type such as types.UID. */
export const goString = (go: string): GoJsonType => ({ kind: 'string', go });
export const goArray = (go: string, items: GoJsonType): GoJsonType => ({ kind: 'array', go, items });
export const goMap = (go: string, values: GoJsonType): GoJsonType => ({ kind: 'map', go, values });

export interface UnmarshalCheckOptions {
  /**
   * Also enforce what the Kubernetes API server guarantees of an admitted object (required
   * fields present, no null list entries), reported as `invalid <validate>: ...`, so later code
   * can rely on them.
   */
  readonly validate?: string;
}

interface Location {
  /** The innermost named struct; undefined at the root. */
  readonly struct: string | undefined;
  readonly path: readonly string[];
}

const ROOT: Location = { struct: undefined, path: [] };

// encoding/base64.StdEncoding after json strips \r and \n. The offset is not tracked.
const STD_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

const SCALAR_FITS: Readonly<Record<'string' | 'bool' | 'int64' | 'base64', (value: unknown) => boolean>> = {
  string: (value) => typeof value === 'string',
  bool: (value) => typeof value === 'boolean',
  int64: (value) => Number.isInteger(value),
  base64: (value) => typeof value === 'string',
};

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function typeError(value: unknown, type: { readonly go: string }, at: Location): string {
  const into = at.struct === undefined ? 'Go value' : `Go struct field ${at.struct}.${at.path.join('.')}`;
  return `json: cannot unmarshal ${goJsonKind(value)} into ${into} of type ${type.go}`;
}

function checkArray(value: unknown, type: GoJsonType & { kind: 'array' }, at: Location, options: UnmarshalCheckOptions): string | undefined {
  if (!Array.isArray(value)) return typeError(value, type, at);
  const rejectNull = options.validate !== undefined && type.items.kind === 'struct';
  for (const item of value as readonly unknown[]) {
    if (item === null && rejectNull) return `invalid ${options.validate ?? ''}: null entry in ${at.path.join('.')}`;
    const problem = check(item, type.items, at, options);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

function checkMap(value: unknown, type: GoJsonType & { kind: 'map' }, at: Location, options: UnmarshalCheckOptions): string | undefined {
  if (!isRecord(value)) return typeError(value, type, at);
  for (const item of Object.values(value)) {
    const problem = check(item, type.values, at, options);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

function checkStruct(value: unknown, type: GoJsonType & { kind: 'struct' }, at: Location, options: UnmarshalCheckOptions): string | undefined {
  if (!isRecord(value)) return typeError(value, type, at);
  if (options.validate !== undefined) {
    const missing = type.required?.find((field) => value[field] === undefined || value[field] === null);
    if (missing !== undefined) {
      return `invalid ${options.validate}: ${type.name ?? type.go} without required field "${missing}" in ${at.path.join('.') || options.validate}`;
    }
  }
  const struct = type.name ?? at.struct;
  for (const [field, item] of Object.entries(value)) {
    if (!Object.hasOwn(type.fields, field)) continue;
    const problem = check(item, type.fields[field] as GoJsonType, { struct, path: [...at.path, field] }, options);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

function check(value: unknown, type: GoJsonType, at: Location, options: UnmarshalCheckOptions): string | undefined {
  if (value === null) return undefined;
  switch (type.kind) {
    case 'any':
      return undefined;
    case 'array':
      return checkArray(value, type, at, options);
    case 'map':
      return checkMap(value, type, at, options);
    case 'struct':
      return checkStruct(value, type, at, options);
    default:
      if (!SCALAR_FITS[type.kind](value)) return typeError(value, type, at);
      if (type.kind === 'base64' && !STD_BASE64.test((value as string).replace(/[\r\n]/g, ''))) return 'illegal base64 data at input byte 0';
      return undefined;
  }
}

/**
 * The error json.Unmarshal would return decoding the (already parsed) JSON `value` into `type`,
 * or undefined when it decodes. Syntax errors are go-json-syntax.ts's job.
 */
export function goUnmarshalError(value: unknown, type: GoJsonType, options: UnmarshalCheckOptions = {}): string | undefined {
  return check(value, type, ROOT, options);
}
