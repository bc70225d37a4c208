// auth/<mount>/login for the gcp method: {role, jwt}, checked as vault-plugin-auth-gcp does —
// the JWT's RS256 signature against the issuer's keys (the service account's for iam, Google's for
// gce), an `aud` ending in "vault/<role>", an unexpired `exp` (iam: at most max_jwt_exp ahead,
// 15 min by default), the service account bound to the role (iam: `sub`, gce: `email`) and, for gce,
// the project of google.compute_engine.
import type { GcpAuthConfig, GcpRoleOptions } from '../vault-double-api.js';
import { isPlainObject, singleRoute, stringField, type DoubleCore, type HandlerRequest, type Route } from '../core.js';
import { replies, type Outcome } from '../reply.js';
import type { Mount } from '../state/mount-table.js';
import { verifyJwt } from '../../helpers/jwt-rs256.js';
import { loginResponse } from './login.js';

export interface GcpState {
  config: GcpAuthConfig;
  readonly roles: Map<string, GcpRoleOptions>;
}

const DEFAULT_MAX_JWT_EXP_SECONDS = 15 * 60;

function login(core: DoubleCore, request: HandlerRequest): Outcome {
  const mount = request.mount;
  if (mount?.engine.type !== 'gcp') throw new Error('gcp login on another mount');
  const roleName = stringField(request.body, 'role') ?? '';
  const jwt = stringField(request.body, 'jwt') ?? '';
  if (roleName === '') return replies.badRequest('role is required');
  if (jwt === '') return replies.badRequest('"jwt" is required');
  const role = mount.engine.gcp.roles.get(roleName);
  if (!role) return replies.badRequest(`role "${roleName}" not found`);
  const checked = verifyJwt(jwt, mount.engine.gcp.config.publicKeys);
  if (!checked.ok) return replies.badRequest(`unable to verify JWT: ${checked.error}`);
  const claims = checked.claims;
  const aud = typeof claims['aud'] === 'string' ? claims['aud'] : '';
  if (!aud.endsWith(`vault/${roleName}`)) return replies.badRequest(`JWT audience "${aud}" does not end with "vault/${roleName}"`);
  const nowSeconds = request.nowMs / 1000;
  const exp = typeof claims['exp'] === 'number' ? claims['exp'] : 0;
  if (exp <= nowSeconds) return replies.badRequest('JWT is expired or has no exp');
  const serviceAccount = role.type === 'iam' ? claims['sub'] : claims['email'];
  const account = typeof serviceAccount === 'string' ? serviceAccount : '';
  if (role.type === 'iam' && exp - nowSeconds > (role.maxJwtExpSeconds ?? DEFAULT_MAX_JWT_EXP_SECONDS) + 5) {
    return replies.badRequest(`JWT expires too far in the future (more than max_jwt_exp)`);
  }
  if ((role.boundServiceAccounts ?? []).length > 0 && !role.boundServiceAccounts?.includes(account)) {
    return replies.badRequest(`service account ${account} is not authorized for role`);
  }
  const compute = isPlainObject(claims['google']) && isPlainObject(claims['google']['compute_engine']) ? claims['google']['compute_engine'] : {};
  const project = typeof compute['project_id'] === 'string' ? compute['project_id'] : '';
  if (role.type === 'gce' && (role.boundProjects ?? []).length > 0 && !role.boundProjects?.includes(project)) {
    return replies.badRequest(`instance not in bound projects ${JSON.stringify(role.boundProjects)}`);
  }
  return loginResponse(
    core,
    {
      mount,
      settings: role,
      metadata: { role: roleName, service_account_email: account, ...(role.type === 'gce' ? { project_id: project, instance_name: typeof compute['instance_name'] === 'string' ? compute['instance_name'] : '' } : {}) },
      displayName: account,
    },
    request.nowMs,
  );
}

export function routeGcp(_mount: Mount, subPath: string): Route | undefined {
  return subPath === 'login' ? singleRoute('gcp.login', ['update'], login, { unauthenticated: true }) : undefined;
}
