// auth/<mount>/login for the azure method: {role, jwt, subscription_id, resource_group_name,
// vm_name, vmss_name}, checked as vault-plugin-auth-azure does — the access token's signature
// against the tenant's keys, its issuer (the configured tenant, v1 or v2 form), its audience (the
// configured resource), expiry, then the role's bound service principal (oid), subscription and
// resource group.
import type { AzureAuthConfig, AzureRoleOptions } from '../vault-double-api.js';
import { singleRoute, stringField, type DoubleCore, type HandlerRequest, type Route } from '../core.js';
import { replies, type Outcome } from '../reply.js';
import type { Mount } from '../state/mount-table.js';
import { verifyJwt } from '../../helpers/jwt-rs256.js';
import { loginResponse } from './login.js';

export interface AzureState {
  config: AzureAuthConfig;
  readonly roles: Map<string, AzureRoleOptions>;
}

function bound(list: readonly string[] | undefined, value: string): boolean {
  return (list ?? []).length === 0 || (list ?? []).includes(value);
}

function login(core: DoubleCore, request: HandlerRequest): Outcome {
  const mount = request.mount;
  if (mount?.engine.type !== 'azure') throw new Error('azure login on another mount');
  const { config, roles } = mount.engine.azure;
  const roleName = stringField(request.body, 'role') ?? '';
  const jwt = stringField(request.body, 'jwt') ?? '';
  if (roleName === '') return replies.badRequest('role is required');
  if (jwt === '') return replies.badRequest('jwt is required');
  const role = roles.get(roleName);
  if (!role) return replies.badRequest(`invalid role name "${roleName}"`);
  const checked = verifyJwt(jwt, config.publicKeys);
  if (!checked.ok) return replies.badRequest(`unable to verify token: ${checked.error}`);
  const { claims } = checked;
  const issuers = [`https://sts.windows.net/${config.tenantId}/`, `https://login.microsoftonline.com/${config.tenantId}/v2.0`];
  if (!issuers.includes(String(claims['iss']))) return replies.badRequest(`unable to verify token: issuer did not match: ${String(claims['iss'])}`);
  if (claims['aud'] !== config.resource && claims['aud'] !== config.resource.replace(/\/+$/, '')) return replies.badRequest(`unable to verify token: audience ${String(claims['aud'])} is not ${config.resource}`);
  if (typeof claims['exp'] !== 'number' || claims['exp'] <= request.nowMs / 1000) return replies.badRequest('unable to verify token: token is expired');
  const oid = typeof claims['oid'] === 'string' ? claims['oid'] : '';
  if (!bound(role.boundServicePrincipalIds, oid)) return replies.badRequest('service principal not authorized');
  const subscription = stringField(request.body, 'subscription_id') ?? '';
  const resourceGroup = stringField(request.body, 'resource_group_name') ?? '';
  if (!bound(role.boundSubscriptionIds, subscription)) return replies.badRequest('subscription not authorized');
  if (!bound(role.boundResourceGroups, resourceGroup)) return replies.badRequest('resource group not authorized');
  return loginResponse(
    core,
    {
      mount,
      settings: role,
      metadata: { role: roleName, subscription_id: subscription, resource_group_name: resourceGroup, vm_name: stringField(request.body, 'vm_name') ?? '', vmss_name: stringField(request.body, 'vmss_name') ?? '' },
      displayName: oid,
    },
    request.nowMs,
  );
}

export function routeAzure(_mount: Mount, subPath: string): Route | undefined {
  return subPath === 'login' ? singleRoute('azure.login', ['update'], login, { unauthenticated: true }) : undefined;
}
