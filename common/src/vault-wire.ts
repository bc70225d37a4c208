// Vault's HTTP response shapes, shared by the agent (which fetches them) and the template engine
// (which renders them). Field names are Vault's own: https://developer.hashicorp.com/vault/api-docs#http-api

/**
 * A Vault response envelope exactly as Vault's HTTP API returns it (snake_case keys). JSON numbers
 * inside `data` (and elsewhere) are kept as their source text: parse Vault bodies with
 * `parseVaultJson` from `./vault-json.js` so they print as Go's json.Number does; the agent converts
 * the envelope's own numeric fields (lease_duration, ttl) to plain numbers and leaves `data` lossless.
 */
export interface VaultSecretEnvelope {
  readonly request_id?: string;
  readonly lease_id?: string;
  readonly lease_duration?: number;
  readonly renewable?: boolean;
  readonly data?: unknown;
  readonly warnings?: readonly string[] | null;
  readonly auth?: {
    readonly client_token?: string;
    readonly accessor?: string;
    readonly policies?: readonly string[] | null;
    readonly metadata?: Readonly<Record<string, string>> | null;
    readonly lease_duration?: number;
    readonly renewable?: boolean;
  } | null;
  readonly wrap_info?: {
    readonly token?: string;
    readonly ttl?: number;
    readonly creation_time?: string;
    readonly wrapped_accessor?: string;
  } | null;
}

/** PEM material returned by `pkiCert` (consul-template's PemEncoded). */
export interface PkiCertificateData {
  readonly Cert: string;
  readonly Key: string;
  readonly CA: string;
  readonly CAChain: readonly string[];
}
