// Our own AdmissionReview wire types (admission.k8s.io/v1 and v1beta1 share the shape);
// @kubernetes/client-node has no model for them because they are not REST resources. The pure
// core (admit.ts) owns them; http/ decodes into and encodes from them.

export const ADMISSION_API_VERSIONS = ['admission.k8s.io/v1', 'admission.k8s.io/v1beta1'] as const;
export type AdmissionApiVersion = (typeof ADMISSION_API_VERSIONS)[number];

export interface GroupVersionKind {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

export interface AdmissionRequest {
  /** Identifies this admission call; echoed in the response. */
  readonly uid: string;
  readonly kind?: GroupVersionKind;
  readonly resource?: { readonly group: string; readonly version: string; readonly resource: string };
  /** The namespace of the object; for pods created from a controller it is always set. */
  readonly namespace?: string;
  /** Empty for pods created with generateName. */
  readonly name?: string;
  readonly operation?: 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';
  readonly dryRun?: boolean;
  /** The object being admitted, as raw JSON (any JSON value: the webhook must cope). */
  readonly object?: unknown;
  readonly oldObject?: unknown;
}

export interface AdmissionResponse {
  readonly uid: string;
  readonly allowed: boolean;
  /** Base64 of the JSON Patch (RFC 6902) array. */
  readonly patch?: string;
  readonly patchType?: 'JSONPatch';
  readonly status?: { readonly metadata: Record<string, never>; readonly message: string };
  readonly warnings?: readonly string[];
}

export interface AdmissionReview {
  readonly apiVersion: AdmissionApiVersion;
  readonly kind: 'AdmissionReview';
  readonly request?: AdmissionRequest;
  readonly response?: AdmissionResponse;
}
