// metav1.Status bodies as the API server returns them for failed requests (kind Status,
// status Failure, reason, details, code), so client-node sees real error shapes.

export interface StatusDetails {
  readonly name?: string;
  readonly group?: string;
  readonly kind?: string;
}

export interface ApiStatus {
  readonly kind: 'Status';
  readonly apiVersion: 'v1';
  readonly metadata: Record<string, never>;
  readonly status: 'Failure';
  readonly message: string;
  readonly reason: string;
  readonly details?: StatusDetails;
  readonly code: number;
}

export function apiStatus(code: number, reason: string, message: string, details?: StatusDetails): ApiStatus {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code };
}

/** `secrets "x"` or `leases.coordination.k8s.io "x"`, as in the API server's messages. */
export function qualifiedResource(resource: string, group: string): string {
  return group === '' ? resource : `${resource}.${group}`;
}

export function notFound(resource: string, group: string, name: string): ApiStatus {
  return apiStatus(404, 'NotFound', `${qualifiedResource(resource, group)} "${name}" not found`, { name, group, kind: resource });
}

export function alreadyExists(resource: string, group: string, name: string): ApiStatus {
  return apiStatus(409, 'AlreadyExists', `${qualifiedResource(resource, group)} "${name}" already exists`, { name, group, kind: resource });
}

export function conflict(resource: string, group: string, name: string): ApiStatus {
  return apiStatus(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedResource(resource, group)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    { name, group, kind: resource },
  );
}

export function invalid(kind: string, name: string, causes: readonly string[]): ApiStatus {
  return apiStatus(422, 'Invalid', `${kind} "${name}" is invalid: ${causes.join(', ')}`, { name, kind });
}

/** The object a request was refused on: resource and API group, and namespace and name when the request had them. */
export interface ForbiddenTarget {
  readonly resource: string;
  readonly group: string;
  readonly namespace: string | undefined;
  readonly name: string | undefined;
}

export function forbidden(user: string, verb: string, target: ForbiddenTarget): ApiStatus {
  const { resource, group, namespace, name } = target;
  const subject = name ? `${qualifiedResource(resource, group)} "${name}"` : qualifiedResource(resource, group);
  const scope = namespace === undefined ? 'at the cluster scope' : `in the namespace "${namespace}"`;
  return apiStatus(
    403,
    'Forbidden',
    `${subject} is forbidden: User "${user}" cannot ${verb} resource "${resource}" in API group "${group}" ${scope}`,
    { ...(name ? { name } : {}), group, kind: resource },
  );
}
