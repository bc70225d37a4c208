// An auth method only describes a login from local inputs (files); the authenticator performs it.
// Methods re-read their credential files on every login so rotated tokens just work.
import type { ClientTlsOverride, VaultRequest, VaultResponse } from '../vault/vault-client.js';

/** A login body value: strings, or (oci's request_headers) header lists by name. */
export type LoginValue = string | Readonly<Record<string, readonly string[]>>;

export type LoginPlan =
  /** PUT/POST the body to the method's login path (over a connection with `tls` when given: cert auth). */
  | { readonly kind: 'login'; readonly path: string; readonly body: Readonly<Record<string, LoginValue>>; readonly tls?: ClientTlsOverride }
  /** token_file: no login; look up this token and use it. */
  | { readonly kind: 'lookup-self'; readonly token: string };

/** What a method may ask of Vault while preparing a login (AppRole's wrapped secret IDs). */
export interface MethodVaultAccess {
  /** The Vault address the agent talks to (gcp gce puts it in the token's audience). */
  readonly address: string;
  request(request: VaultRequest): Promise<VaultResponse>;
}

export interface AuthMethod {
  readonly type: string;
  planLogin(vault: MethodVaultAccess): Promise<LoginPlan>;
}

export class AuthMethodError extends Error {
  override readonly name = 'AuthMethodError';
}

/** Reads a credential file, trimmed; '' when missing or empty (callers decide what that means). */
export async function readCredentialFile(readFile: (path: string) => Promise<string>, path: string): Promise<string> {
  try {
    return (await readFile(path)).trim();
  } catch {
    return '';
  }
}

export function stringSetting(config: Readonly<Record<string, unknown>>, key: string): string | undefined {
  const value = config[key];
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

export function boolSetting(config: Readonly<Record<string, unknown>>, key: string, fallback: boolean): boolean {
  const value = config[key];
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') return !['false', '0', 'f', 'F', 'FALSE', 'False'].includes(value);
  return fallback;
}
