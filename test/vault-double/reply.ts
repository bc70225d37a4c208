// What handlers return and how it goes on the wire: Vault's response envelope, its
// {"errors":[…]} bodies and the exact message texts clients match on.

/** The `auth` block of login and renew-self responses. */
export interface AuthBlock {
  readonly client_token: string;
  readonly accessor: string;
  readonly policies: readonly string[];
  readonly token_policies: readonly string[];
  readonly metadata: Readonly<Record<string, string>> | null;
  readonly lease_duration: number;
  readonly renewable: boolean;
  readonly entity_id: string;
  readonly token_type: 'service' | 'batch';
  readonly orphan: boolean;
  readonly mfa_requirement: null;
  readonly num_uses: number;
}

export interface WrapInfo {
  readonly token: string;
  readonly accessor: string;
  readonly ttl: number;
  readonly creation_time: string;
  readonly creation_path: string;
  readonly wrapped_accessor?: string;
}

/** A logical response, enveloped on the wire; status 200 responses can be wrapped. */
export interface LogicalResponse {
  readonly data?: Readonly<Record<string, unknown>> | null;
  readonly leaseId?: string;
  readonly renewable?: boolean;
  readonly leaseDuration?: number;
  readonly auth?: AuthBlock | null;
  readonly warnings?: readonly string[] | null;
  readonly wrapInfo?: WrapInfo | null;
  readonly mountType: string;
}

/** A finished HTTP answer: status, optional JSON body or raw text. */
export interface WireReply {
  readonly status: number;
  readonly json?: unknown;
  readonly text?: { readonly contentType: string; readonly body: string };
}

export type Outcome =
  | { readonly kind: 'logical'; readonly status: number; readonly response: LogicalResponse }
  | { readonly kind: 'wire'; readonly reply: WireReply };

export function logical(response: LogicalResponse, status = 200): Outcome {
  return { kind: 'logical', status, response };
}

export function wire(reply: WireReply): Outcome {
  return { kind: 'wire', reply };
}

/** Vault's envelope, keys in Vault's order. */
export function envelope(requestId: string, response: LogicalResponse): Record<string, unknown> {
  return {
    request_id: requestId,
    lease_id: response.leaseId ?? '',
    renewable: response.renewable ?? false,
    lease_duration: response.leaseDuration ?? 0,
    data: response.data ?? null,
    wrap_info: response.wrapInfo ?? null,
    warnings: response.warnings && response.warnings.length > 0 ? response.warnings : null,
    auth: response.auth ?? null,
    mount_type: response.mountType,
  };
}

/** go-multierror's text, which Vault puts in `errors` for core-level failures. */
export function multiError(messages: readonly string[]): string {
  const noun = messages.length === 1 ? 'error' : 'errors';
  return `${messages.length} ${noun} occurred:\n${messages.map((message) => `\t* ${message}`).join('\n')}\n\n`;
}

export function errorReply(status: number, errors: readonly string[]): Outcome {
  return wire({ status, json: { errors } });
}

export const replies = {
  noContent: (): Outcome => wire({ status: 204 }),
  badRequest: (message: string): Outcome => errorReply(400, [message]),
  /** A policy gap (token valid): 403 permission denied. */
  permissionDenied: (): Outcome => errorReply(403, [multiError(['permission denied'])]),
  /** Expired, revoked or unknown token (documented since Vault 1.16). */
  invalidToken: (): Outcome => errorReply(403, [multiError(['permission denied', 'invalid token'])]),
  missingToken: (): Outcome => errorReply(400, ['missing client token']),
  /** "No secret here" and empty lists: a bare 404. */
  notFound: (): Outcome => errorReply(404, []),
  unsupportedPath: (): Outcome => errorReply(404, [multiError(['unsupported path'])]),
  noHandler: (path: string): Outcome => errorReply(404, [`no handler for route "${path}". route entry not found.`]),
  unsupportedOperation: (): Outcome => errorReply(405, [multiError(['unsupported operation'])]),
  sealed: (): Outcome => errorReply(503, ['Vault is sealed']),
  injected: (status: number): Outcome =>
    errorReply(status, [multiError([status === 500 ? 'internal error' : `injected failure (HTTP ${status})`])]),
} as const;
