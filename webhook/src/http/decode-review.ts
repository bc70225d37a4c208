// Decodes an AdmissionReview body the way vault-k8s's deserializer does
// (https://github.com/hashicorp/vault-k8s/blob/main/agent-inject/handler.go): any JSON
// object is accepted whatever its apiVersion/kind (v1 and v1beta1 share one shape), a missing
// apiVersion/kind defaults to admission.k8s.io/v1 AdmissionReview, and a value of the wrong JSON
// type for a known field fails the whole decode with Go's encoding/json wording (HTTP 400 here;
// vault-k8s answers 500).
import { GO_ANY, GO_BOOL, GO_STRING, goArray, goMap, goString, goUnmarshalError } from '../../../common/src/go-json-unmarshal.js';
import type { GoJsonType } from '../../../common/src/go-json-unmarshal.js';
import type { AdmissionRequest } from '../inject/admission-review.js';

const DEFAULT_API_VERSION = 'admission.k8s.io/v1';
const REVIEW_KIND = 'AdmissionReview';

export type DecodedReview =
  | { readonly ok: true; readonly apiVersion: string; readonly kind: string; readonly request: AdmissionRequest | undefined }
  | { readonly ok: false; readonly error: string };

const STRING = GO_STRING;
const RAW = GO_ANY;
const strings = (go: string): GoJsonType => goArray(go, STRING);
const GVK: GoJsonType = { kind: 'struct', go: 'v1.GroupVersionKind', fields: { group: STRING, version: STRING, kind: STRING } };
const GVR: GoJsonType = { kind: 'struct', go: 'v1.GroupVersionResource', fields: { group: STRING, version: STRING, resource: STRING } };

const REQUEST: GoJsonType = {
  kind: 'struct',
  go: 'v1.AdmissionRequest',
  fields: {
    uid: goString('types.UID'),
    kind: GVK,
    resource: GVR,
    subResource: STRING,
    requestKind: GVK,
    requestResource: GVR,
    requestSubResource: STRING,
    name: STRING,
    namespace: STRING,
    operation: goString('v1.Operation'),
    userInfo: {
      kind: 'struct',
      go: 'v1.UserInfo',
      fields: {
        username: STRING,
        uid: STRING,
        groups: strings('[]string'),
        extra: goMap('map[string]v1.ExtraValue', strings('v1.ExtraValue')),
      },
    },
    object: RAW,
    oldObject: RAW,
    dryRun: GO_BOOL,
    options: RAW,
  },
};

const RESPONSE: GoJsonType = {
  kind: 'struct',
  go: 'v1.AdmissionResponse',
  fields: {
    uid: goString('types.UID'),
    allowed: GO_BOOL,
    status: { kind: 'struct', go: 'v1.Status', fields: { message: STRING, reason: goString('v1.StatusReason'), status: STRING } },
    patch: { kind: 'base64', go: '[]uint8' },
    patchType: goString('v1.PatchType'),
    auditAnnotations: goMap('map[string]string', STRING),
    warnings: strings('[]string'),
  },
};

// Errors below the root name this struct, whatever the nesting (what vault-k8s's decoder reports).
const REVIEW: GoJsonType = { kind: 'struct', go: 'unversionedAdmissionReview', name: 'unversionedAdmissionReview', fields: { request: REQUEST, response: RESPONSE } };

/** The first decode apimachinery does: only apiVersion and kind, into an anonymous struct. */
const VERSION_KIND: GoJsonType = {
  kind: 'struct',
  go: 'struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }',
  name: '',
  fields: { apiVersion: STRING, kind: STRING },
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
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
  const versionKindProblem = goUnmarshalError(parsed, VERSION_KIND);
  if (versionKindProblem !== undefined) return { ok: false, error: `couldn't get version/kind; json parse error: ${versionKindProblem}` };
  if (!isRecord(parsed)) return { ok: true, apiVersion: DEFAULT_API_VERSION, kind: REVIEW_KIND, request: undefined };
  const problem = goUnmarshalError(parsed, REVIEW);
  if (problem !== undefined) return { ok: false, error: problem };
  const apiVersion = optionalString(parsed['apiVersion']) ?? '';
  const kind = optionalString(parsed['kind']) ?? '';
  const request = isRecord(parsed['request']) ? toRequest(parsed['request']) : undefined;
  return { ok: true, apiVersion: apiVersion === '' ? DEFAULT_API_VERSION : apiVersion, kind: kind === '' ? REVIEW_KIND : kind, request };
}
