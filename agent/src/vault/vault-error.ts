// Typed failures of Vault calls. They carry the method, the path (never the query, body or a
// header) and Vault's own `errors` strings, which describe the failure and hold no secret data.

export class VaultResponseError extends Error {
  override readonly name = 'VaultResponseError';
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly errors: readonly string[],
  ) {
    super(`${method} /v1/${path}: Vault answered ${status}${errors.length > 0 ? `: ${errors.map(oneLine).join('; ')}` : ''}`);
  }
}

export class VaultConnectionError extends Error {
  override readonly name = 'VaultConnectionError';
  constructor(
    readonly method: string,
    readonly path: string,
    readonly code: string,
    detail: string,
  ) {
    super(`${method} /v1/${path}: ${detail}`);
  }
}

/** A redirect the client refused: the request's method and path (without the query), and both origins. */
export interface RefusedRedirect {
  readonly method: string;
  readonly path: string;
  readonly from: string;
  readonly to: string;
}

/** Vault answered with a redirect the client will not follow (another host, or a downgrade). Not retried. */
export class VaultRedirectError extends Error {
  override readonly name = 'VaultRedirectError';
  readonly method: string;
  /** The path, without the query. */
  readonly path: string;
  readonly from: string;
  readonly to: string;

  constructor(redirect: RefusedRedirect, reason: string) {
    const { method, path, from, to } = redirect;
    super(`${method} ${path}: refusing the redirect from ${from} to ${to}: ${reason}`);
    this.method = method;
    this.path = path;
    this.from = from;
    this.to = to;
  }
}

/** A response body larger than the configured maximum; cut while streaming. Not retried. */
export class VaultResponseTooLargeError extends Error {
  override readonly name = 'VaultResponseTooLargeError';
  constructor(
    readonly method: string,
    readonly path: string,
    readonly limitBytes: number,
  ) {
    super(`${method} ${path}: the response body is larger than ${limitBytes} bytes (vault.max_response_bytes / VAULT_AGENT_MAX_RESPONSE_BYTES); refused`);
  }
}

// Vault's multierror strings: "2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n"
// (https://github.com/hashicorp/go-multierror/blob/main/format.go) become "permission denied
// invalid token". The bullets are split off as text: the regex /\s*\n\t\*\s*/g used before
// backtracked quadratically on a long run of newlines (54,773 of them took 1.9 s), and it left the
// first bullet's "* " in place.
function oneLine(message: string): string {
  return message.replace(/^\d+ errors? occurred:/, '').split('\n\t*').join(' ').replace(/\s+/g, ' ').trim();
}

function isVaultResponseError(error: unknown, status?: number): error is VaultResponseError {
  return error instanceof VaultResponseError && (status === undefined || error.status === status);
}

/** 403 whose messages mention "invalid token": the token is expired, revoked or bogus. */
export function isInvalidTokenError(error: unknown): boolean {
  return isVaultResponseError(error, 403) && error.errors.some((message) => message.includes('invalid token'));
}

export function isPermissionDeniedError(error: unknown): boolean {
  return isVaultResponseError(error, 403) && error.errors.some((message) => message.includes('permission denied'));
}

/** What Vault's API client retries: connection failures, 412, 429 and 5xx except 501. */
export function isRetryableVaultError(error: unknown): boolean {
  if (error instanceof VaultConnectionError) return true;
  if (!(error instanceof VaultResponseError)) return false;
  const { status } = error;
  return status === 412 || status === 429 || (status >= 500 && status !== 501);
}

/** Any thrown value as an Error, for logging: never a raw object that might hold secret data. */
/** The message of anything thrown, including errors from another realm (where `instanceof Error` fails). */
export function errorMessage(error: unknown): string {
  if (typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string') return (error as { message: string }).message;
  return String(error);
}

export function coerceError(error: unknown): Error {
  if (error instanceof Error) return error;
  return new Error(typeof error === 'string' ? error : 'non-error value thrown');
}
