// An auth method only describes a login from local inputs (files); the authenticator performs it.
// Methods re-read their credential files on every login so rotated tokens just work.
import type { ClientTlsOverride, VaultRequest, VaultResponse } from '../vault/vault-client.js';
import { isBoundedReadRefusal, readTextBounded } from '../fs/read-bounded.js';

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
  /** For the methods that poll their credential file (jwt, ldap); see CredentialWatch. */
  readonly credentialWatch?: CredentialWatch;
}

/**
 * Vault Agent's NewCreds/CredSuccess (command/agentproxyshared/auth/jwt/jwt.go, ldap/ldap.go): once
 * a login has succeeded, the file is read every `periodMs` as a login reads it (and removed when
 * configured). With auto_auth.enable_reauth_on_new_credentials a changed credential makes the agent
 * log in again at once; without it the new credential waits for the next login.
 */
export interface CredentialWatch {
  readonly periodMs: number;
  /** Reads the file once; true when the credential the next login would send has changed. */
  poll(): Promise<boolean>;
}

/**
 * How often jwt and ldap read their file when no period is configured: 0.5 s when the file is
 * removed after reading (a stat finds nothing most of the time), else 1 min (each poll reads the
 * whole file), as jwt.go and ldap.go choose.
 */
export function defaultCredentialReadPeriodMs(removeAfterReading: boolean): number {
  return removeAfterReading ? 500 : 60_000;
}

export class AuthMethodError extends Error {
  override readonly name = 'AuthMethodError';
}

/**
 * Credential files (service-account tokens, JWTs, role and secret ids, passwords, instance
 * certificates and keys, cloud config files) are a few KB; anything larger than this is refused
 * before it is read, so a token path pointed at /dev/zero or a huge file cannot exhaust the
 * agent's memory. Vault Agent reads them whole (os.ReadFile); this bound is ours.
 */
export const MAX_CREDENTIAL_FILE_BYTES = 1 << 20;

/** How auth methods read their files: bounded, regular files only, symlinks followed (Secret and projected volumes are symlinks). */
export function readCredentialText(path: string): Promise<string> {
  return readTextBounded(path, MAX_CREDENTIAL_FILE_BYTES, { followSymlinks: true });
}

/**
 * Reads a credential file, trimmed; '' when missing, unreadable or empty (callers decide what that
 * means). A file refused for its size or kind is an error naming it, not an empty credential.
 */
export async function readCredentialFile(readFile: (path: string) => Promise<string>, path: string): Promise<string> {
  try {
    return (await readFile(path)).trim();
  } catch (error) {
    if (isBoundedReadRefusal(error)) throw new AuthMethodError(`cannot use credential file: ${error.message}`);
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
