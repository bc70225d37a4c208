// One error type for every Kubernetes API failure, classified once so callers decide on retry by
// kind, never by message. Messages come from the API's Status object (names and reasons, never
// object contents), so they are safe to log.

export const CLUSTER_ERROR_KINDS = {
  notFound: 'not-found',
  alreadyExists: 'already-exists',
  conflict: 'conflict',
  unauthorized: 'unauthorized',
  forbidden: 'forbidden',
  invalid: 'invalid',
  throttled: 'throttled',
  server: 'server',
  network: 'network',
  timeout: 'timeout',
  other: 'other',
} as const;
export type ClusterErrorKind = (typeof CLUSTER_ERROR_KINDS)[keyof typeof CLUSTER_ERROR_KINDS];

/** Worth retrying soon: lost races, overload, server faults, connection trouble. */
const TRANSIENT: ReadonlySet<ClusterErrorKind> = new Set(['conflict', 'throttled', 'server', 'network', 'timeout']);

export class ClusterApiError extends Error {
  override readonly name = 'ClusterApiError';

  constructor(
    readonly kind: ClusterErrorKind,
    message: string,
    readonly status: number | undefined,
  ) {
    super(message);
  }

  get transient(): boolean {
    return TRANSIENT.has(this.kind);
  }
}

interface StatusBody {
  readonly reason?: unknown;
  readonly message?: unknown;
}

function statusBody(body: unknown): StatusBody {
  if (typeof body === 'string') {
    try {
      return statusBody(JSON.parse(body));
    } catch {
      return {};
    }
  }
  return body !== null && typeof body === 'object' ? body : {};
}

/** Kind of an HTTP failure from its status code and the Status object's reason. */
function kindOfStatus(status: number, reason: string | undefined): ClusterErrorKind {
  if (status === 404) return 'not-found';
  if (status === 409) return reason === 'AlreadyExists' ? 'already-exists' : 'conflict';
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 422 || status === 400 || status === 415) return 'invalid';
  if (status === 429) return 'throttled';
  if (status >= 500) return 'server';
  return 'other';
}

/** Converts whatever a client-node call threw into a ClusterApiError. */
export function toClusterApiError(error: unknown, operation: string): ClusterApiError {
  if (error instanceof ClusterApiError) return error;
  const candidate = error as { code?: unknown; body?: unknown; message?: unknown } | null;
  if (candidate !== null && typeof candidate === 'object' && typeof candidate.code === 'number' && 'body' in candidate) {
    const body = statusBody(candidate.body);
    const reason = typeof body.reason === 'string' ? body.reason : undefined;
    const detail = typeof body.message === 'string' ? body.message : (reason ?? `HTTP ${candidate.code}`);
    return new ClusterApiError(kindOfStatus(candidate.code, reason), `${operation}: ${detail}`, candidate.code);
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ClusterApiError('network', `${operation}: ${message}`, undefined);
}
