// Decodes an AdmissionReview body the way vault-k8s's deserializer does (spec §7.2): any JSON
// object is accepted whatever its apiVersion/kind (v1 and v1beta1 share one shape), a missing
// apiVersion/kind defaults to admission.k8s.io/v1 AdmissionReview, and a value of the wrong JSON
// type for a known field fails the whole decode with Go's encoding/json wording (HTTP 500).
import type { AdmissionRequest } from './admission-review.js';

export const DEFAULT_API_VERSION = 'admission.k8s.io/v1';
export const REVIEW_KIND = 'AdmissionReview';

export type DecodedReview =
  | { readonly ok: true; readonly apiVersion: string; readonly kind: string; readonly request: AdmissionRequest | undefined }
  | { readonly ok: false; readonly error: string };

/** The Go type of a field, enough to reproduce encoding/json's type errors. */
type FieldType =
  | { readonly go: string; readonly json: 'string' | 'bool' | 'raw' }
  | { readonly go: string; readonly json: 'base64' }
  | { readonly go: string; readonly json: 'object'; readonly fields: Readonly<Record<string, FieldType>> }
  | { readonly go: string; readonly json: 'array'; readonly items: FieldType }
  | { readonly go: string; readonly json: 'map'; readonly values: FieldType };

const STRING: FieldType = { go: 'string', json: 'string' };
const typed = (go: string): FieldType => ({ go, json: 'string' });
const RAW: FieldType = { go: 'runtime.RawExtension', json: 'raw' };
const strings = (go: string): FieldType => ({ go, json: 'array', items: STRING });
const GVK: FieldType = { go: 'v1.GroupVersionKind', json: 'object', fields: { group: STRING, version: STRING, kind: STRING } };
const GVR: FieldType = { go: 'v1.GroupVersionResource', json: 'object', fields: { group: STRING, version: STRING, resource: STRING } };

const REQUEST: FieldType = {
  go: 'v1.AdmissionRequest',
  json: 'object',
  fields: {
    uid: typed('types.UID'),
    kind: GVK,
    resource: GVR,
    subResource: STRING,
    requestKind: GVK,
    requestResource: GVR,
    requestSubResource: STRING,
    name: STRING,
    namespace: STRING,
    operation: typed('v1.Operation'),
    userInfo: {
      go: 'v1.UserInfo',
      json: 'object',
      fields: {
        username: STRING,
        uid: STRING,
        groups: strings('[]string'),
        extra: { go: 'map[string]v1.ExtraValue', json: 'map', values: strings('v1.ExtraValue') },
      },
    },
    object: RAW,
    oldObject: RAW,
    dryRun: { go: 'bool', json: 'bool' },
    options: RAW,
  },
};

const RESPONSE: FieldType = {
  go: 'v1.AdmissionResponse',
  json: 'object',
  fields: {
    uid: typed('types.UID'),
    allowed: { go: 'bool', json: 'bool' },
    status: { go: 'v1.Status', json: 'object', fields: { message: STRING, reason: typed('v1.StatusReason'), status: STRING } },
    patch: { go: '[]uint8', json: 'base64' },
    patchType: typed('v1.PatchType'),
    auditAnnotations: { go: 'map[string]string', json: 'map', values: STRING },
    warnings: strings('[]string'),
  },
};

const REVIEW_FIELDS: Readonly<Record<string, FieldType>> = {
  request: REQUEST,
  response: RESPONSE,
};

function jsonTypeName(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object') return 'object';
  if (typeof value === 'boolean') return 'bool';
  return typeof value;
}

function typeError(value: unknown, path: string, type: FieldType): string {
  return `json: cannot unmarshal ${jsonTypeName(value)} into Go struct field ${path} of type ${type.go}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const STD_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** First type mismatch under `value`, as Go would report it; null is always accepted. */
function checkValue(value: unknown, type: FieldType, path: string): string | undefined {
  if (value === null || type.json === 'raw') return undefined;
  switch (type.json) {
    case 'string':
      return typeof value === 'string' ? undefined : typeError(value, path, type);
    case 'bool':
      return typeof value === 'boolean' ? undefined : typeError(value, path, type);
    case 'base64':
      if (typeof value !== 'string') return typeError(value, path, type);
      return STD_BASE64.test(value.replace(/[\r\n]/g, '')) ? undefined : 'illegal base64 data at input byte 0';
    case 'array':
      if (!Array.isArray(value)) return typeError(value, path, type);
      return firstProblem(value.map((item) => checkValue(item, type.items, path)));
    case 'map':
      if (!isRecord(value)) return typeError(value, path, type);
      return firstProblem(Object.values(value).map((item) => checkValue(item, type.values, path)));
    case 'object':
      if (!isRecord(value)) return typeError(value, path, type);
      return checkFields(value, type.fields, path);
  }
}

function firstProblem(problems: readonly (string | undefined)[]): string | undefined {
  return problems.find((problem) => problem !== undefined);
}

function checkFields(record: Readonly<Record<string, unknown>>, fields: Readonly<Record<string, FieldType>>, path: string): string | undefined {
  for (const [name, value] of Object.entries(record)) {
    const type = fields[name];
    if (type === undefined) continue;
    const problem = checkValue(value, type, `${path}.${name}`);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Builds our AdmissionRequest from an already type-checked JSON object. */
function toRequest(raw: Readonly<Record<string, unknown>>): AdmissionRequest {
  const request: Record<string, unknown> = { uid: optionalString(raw['uid']) ?? '' };
  for (const key of ['kind', 'resource', 'namespace', 'name', 'operation', 'dryRun'] as const) {
    if (raw[key] !== undefined && raw[key] !== null) request[key] = raw[key];
  }
  // RawExtension: any JSON; a JSON null is kept so the core can report it as vault-k8s does.
  if ('object' in raw) request['object'] = raw['object'];
  if ('oldObject' in raw) request['oldObject'] = raw['oldObject'];
  return request as unknown as AdmissionRequest;
}

/**
 * A Go-like syntax error text. V8's own messages quote part of the input, which could carry pod
 * data into logs, so only the offending character is kept.
 */
function jsonSyntaxError(error: unknown): string {
  const message = error instanceof Error ? error.message : '';
  if (message.includes('Unexpected end of JSON input') || message.startsWith('Unterminated string')) return 'unexpected end of JSON input';
  if (message.startsWith('Unexpected non-whitespace character')) return 'invalid character after top-level value';
  const token = /^Unexpected token '(.)'/u.exec(message)?.[1];
  if (token !== undefined) return `invalid character ${JSON.stringify(token)} looking for beginning of value`;
  return 'invalid JSON input';
}

export function decodeAdmissionReview(body: string): DecodedReview {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body) as unknown;
  } catch (error) {
    return { ok: false, error: `couldn't get version/kind; json parse error: ${jsonSyntaxError(error)}` };
  }
  if (parsed === null) return { ok: true, apiVersion: DEFAULT_API_VERSION, kind: REVIEW_KIND, request: undefined };
  if (!isRecord(parsed)) {
    return { ok: false, error: `couldn't get version/kind; json parse error: json: cannot unmarshal ${jsonTypeName(parsed)} into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }` };
  }
  for (const key of ['apiVersion', 'kind'] as const) {
    const value = parsed[key];
    if (value !== undefined && value !== null && typeof value !== 'string') {
      return { ok: false, error: `couldn't get version/kind; json parse error: json: cannot unmarshal ${jsonTypeName(value)} into Go struct field .${key} of type string` };
    }
  }
  const problem = checkFields(parsed, REVIEW_FIELDS, 'unversionedAdmissionReview');
  if (problem !== undefined) return { ok: false, error: problem };
  const apiVersion = optionalString(parsed['apiVersion']) ?? '';
  const kind = optionalString(parsed['kind']) ?? '';
  const request = isRecord(parsed['request']) ? toRequest(parsed['request']) : undefined;
  return { ok: true, apiVersion: apiVersion === '' ? DEFAULT_API_VERSION : apiVersion, kind: kind === '' ? REVIEW_KIND : kind, request };
}
