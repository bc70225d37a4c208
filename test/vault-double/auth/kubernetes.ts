// auth/<mount>/login for the kubernetes method: {"role","jwt"} → a token with the role's settings
// and the service account's metadata.
import type { KubernetesRoleOptions } from '../vault-double-api.js';
import { singleRoute, stringField, type DoubleCore, type HandlerRequest, type Route } from '../core.js';
import { replies, type Outcome } from '../reply.js';
import type { Mount } from '../state/mount-table.js';
import { credentialMatches, jwtClaims, serviceAccountFromClaims } from './credential-check.js';
import { loginResponse } from './login.js';

export interface KubernetesState {
  readonly roles: Map<string, KubernetesRoleOptions>;
}

function login(core: DoubleCore, request: HandlerRequest): Outcome {
  const mount = request.mount;
  if (mount?.engine.type !== 'kubernetes') throw new Error('kubernetes login on another mount');
  const roleName = stringField(request.body, 'role');
  const jwt = stringField(request.body, 'jwt');
  if (!roleName) return replies.badRequest('missing role');
  if (!jwt) return replies.badRequest('missing jwt');
  const role = mount.engine.kubernetes.roles.get(roleName);
  if (!role) return replies.badRequest(`invalid role name "${roleName}"`);
  if (!credentialMatches(role.serviceAccountJwt, jwt)) return replies.permissionDenied();
  const claimed = serviceAccountFromClaims(jwtClaims(jwt));
  const name = role.serviceAccountName ?? claimed.name;
  const namespace = role.serviceAccountNamespace ?? claimed.namespace;
  return loginResponse(
    core,
    {
      mount,
      settings: role,
      metadata: {
        role: roleName,
        service_account_name: name,
        service_account_namespace: namespace,
        service_account_secret_name: claimed.secretName,
        service_account_uid: role.serviceAccountUid ?? claimed.uid,
      },
      displayName: `${mount.path.split('/')[1] ?? 'kubernetes'}-${namespace}-${name}`,
    },
    request.nowMs,
  );
}

export function routeKubernetes(_mount: Mount, subPath: string): Route | undefined {
  return subPath === 'login' ? singleRoute('kubernetes.login', ['update'], login, { unauthenticated: true }) : undefined;
}
