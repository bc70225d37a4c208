// auth/<mount>/login for the jwt method: {"role","jwt"}.
import type { JwtRoleOptions } from '../vault-double-api.js';
import { singleRoute, stringField, type DoubleCore, type HandlerRequest, type Route } from '../core.js';
import { replies, type Outcome } from '../reply.js';
import type { Mount } from '../state/mount-table.js';
import { credentialMatches, jwtClaims } from './credential-check.js';
import { loginResponse } from './login.js';

export interface JwtState {
  readonly roles: Map<string, JwtRoleOptions>;
}

function login(core: DoubleCore, request: HandlerRequest): Outcome {
  const mount = request.mount;
  if (mount?.engine.type !== 'jwt') throw new Error('jwt login on another mount');
  const roleName = stringField(request.body, 'role');
  const jwt = stringField(request.body, 'jwt');
  if (!jwt) return replies.badRequest('missing token');
  if (!roleName) return replies.badRequest('missing role');
  const role = mount.engine.jwt.roles.get(roleName);
  if (!role) return replies.badRequest(`role "${roleName}" could not be found`);
  if (!credentialMatches(role.jwt, jwt)) return replies.badRequest('error validating token: token is not valid for this role');
  const subject = jwtClaims(jwt)?.['sub'];
  return loginResponse(
    core,
    {
      mount,
      settings: role,
      metadata: { ...role.metadata, role: roleName },
      displayName: `${mount.path.split('/')[1] ?? 'jwt'}-${typeof subject === 'string' ? subject : roleName}`,
    },
    request.nowMs,
  );
}

export function routeJwt(_mount: Mount, subPath: string): Route | undefined {
  return subPath === 'login' ? singleRoute('jwt.login', ['update'], login, { unauthenticated: true }) : undefined;
}
