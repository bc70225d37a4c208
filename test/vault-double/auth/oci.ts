// auth/<mount>/login/<role> for the oci method: {request_headers}, checked as vault-plugin-auth-oci
// (path_login.go) and the OCI Identity authenticateClient call it makes would check it:
//   - the role exists; (request-target) is "get /v1/<mount>/login/<role>" — this login's own path
//     (the plugin checks method, the /v1/auth/…/login/ shape and the role segment);
//   - Authorization is an OCI signature (https://docs.oracle.com/en-us/iaas/Content/API/Concepts/signingrequests.htm)
//     over at least "date (request-target) host" with rsa-sha256, verified with the public key
//     registered for its keyId — an API key "<tenancy>/<user>/<fingerprint>" from the mount's
//     config (standing in for the user's uploaded keys), or a security token "ST$<jwt>" issued by the
//     federation fake (its signature checked with the federation key, unexpired, and the session
//     public key in its `jwk` claim verifying the request);
//   - the Date is within 5 minutes of now (OCI's allowed clock skew);
//   - the principal's tenancy is the configured home tenancy, and the principal (or one of its
//     groups / dynamic groups, from the config) is in the role's ocid_list.
// Tokens are not renewable (the plugin sets auth.Renewable = false).
import { createPublicKey, verify, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { OciAuthConfig, OciRoleOptions } from '../vault-double-api.js';
import { isPlainObject, singleRoute, type DoubleCore, type HandlerRequest, type Route } from '../core.js';
import { replies, type Outcome } from '../reply.js';
import type { Mount } from '../state/mount-table.js';
import { verifyJwt } from '../../helpers/jwt-rs256.js';
import { loginResponse } from './login.js';

export interface OciState {
  config: OciAuthConfig;
  readonly roles: Map<string, OciRoleOptions>;
}

const MAX_SKEW_MS = 5 * 60_000;
const REQUIRED_SIGNED = ['date', '(request-target)', 'host'];

/** request_headers as Go's http.Header arrives (lists) or as plain strings; first value, by lower-case name. */
function headerMap(raw: unknown): Map<string, string> | undefined {
  if (!isPlainObject(raw)) return undefined;
  const headers = new Map<string, string>();
  for (const [name, value] of Object.entries(raw)) {
    const first = Array.isArray(value) ? (value as unknown[])[0] : value;
    if (typeof first === 'string') headers.set(name.toLowerCase(), first);
  }
  return headers;
}

function signatureParams(authorization: string): Map<string, string> | undefined {
  if (!authorization.startsWith('Signature ')) return undefined;
  const params = new Map<string, string>();
  for (const match of authorization.slice('Signature '.length).matchAll(/([a-zA-Z]+)="([^"]*)"/g)) params.set(match[1] ?? '', match[2] ?? '');
  return params;
}

interface Principal {
  readonly id: string;
  readonly tenancy: string;
  readonly type: 'user' | 'instance';
  readonly key: KeyObject;
}

function principalFor(config: OciAuthConfig, keyId: string, nowMs: number): Principal | string {
  if (keyId.startsWith('ST$')) {
    const checked = verifyJwt(keyId.slice(3), config.federationPublicKeys ?? {});
    if (!checked.ok) return `security token rejected: ${checked.error}`;
    const { claims } = checked;
    if (typeof claims['exp'] !== 'number' || claims['exp'] * 1000 <= nowMs) return 'security token expired';
    if (typeof claims['jwk'] !== 'string' || typeof claims['sub'] !== 'string' || typeof claims['tenant'] !== 'string') return 'security token without jwk, sub or tenant';
    let key: KeyObject;
    try {
      key = createPublicKey({ key: JSON.parse(claims['jwk']) as JsonWebKey, format: 'jwk' });
    } catch {
      return 'security token jwk is not a public key';
    }
    return { id: claims['sub'], tenancy: claims['tenant'], type: 'instance', key };
  }
  const pem = config.apiKeys?.[keyId];
  if (pem === undefined) return 'unknown keyId';
  const [tenancy = '', user = ''] = keyId.split('/');
  return { id: user, tenancy, type: 'user', key: createPublicKey(pem) };
}

function login(core: DoubleCore, request: HandlerRequest, roleName: string): Outcome {
  const mount = request.mount;
  if (mount?.engine.type !== 'oci') throw new Error('oci login on another mount');
  const { config, roles } = mount.engine.oci;
  const role = roles.get(roleName);
  if (!role) return replies.badRequest('Role is not found');
  const headers = headerMap(request.body['request_headers']);
  if (headers === undefined) return replies.badRequest('request_headers is not specified');
  const target = headers.get('(request-target)') ?? '';
  if (target === '') return replies.badRequest('no (request-target) specified in header');
  if (target !== `get /v1/${mount.path}login/${encodeURIComponent(roleName)}`) return replies.badRequest('incorrect (request-target) specified in header');
  const params = signatureParams(headers.get('authorization') ?? '');
  const signed = (params?.get('headers') ?? '').split(' ');
  if (params === undefined || params.get('algorithm') !== 'rsa-sha256' || params.get('version') !== '1' || !REQUIRED_SIGNED.every((name) => signed.includes(name))) {
    return replies.badRequest('OCI authentication failed: malformed Authorization signature');
  }
  const date = Date.parse(headers.get('date') ?? '');
  if (!Number.isFinite(date) || Math.abs(request.nowMs - date) > MAX_SKEW_MS) return replies.badRequest('OCI authentication failed: Date is missing or not within 5 minutes');
  const principal = principalFor(config, params.get('keyId') ?? '', request.nowMs);
  if (typeof principal === 'string') return replies.badRequest(`OCI authentication failed: ${principal}`);
  const signingString = signed.map((name) => `${name}: ${headers.get(name) ?? ''}`).join('\n');
  if (!verify('RSA-SHA256', Buffer.from(signingString, 'utf8'), principal.key, Buffer.from(params.get('signature') ?? '', 'base64'))) {
    return replies.badRequest('OCI authentication failed: signature does not verify');
  }
  if (principal.tenancy !== config.homeTenancyId) return replies.badRequest('Invalid Tenancy');
  const memberships = new Set([principal.id, ...(config.groupMemberships?.[principal.id] ?? [])]);
  if (!role.ocidList.some((ocid) => memberships.has(ocid))) return replies.badRequest('Entity not a part of any of the Role OCIDs');
  return loginResponse(core, { mount, settings: role, metadata: { role_name: roleName }, displayName: roleName, renewable: false }, request.nowMs);
}

export function routeOci(_mount: Mount, subPath: string): Route | undefined {
  if (!subPath.startsWith('login/') || subPath === 'login/') return undefined;
  const roleName = subPath.slice('login/'.length);
  return singleRoute('oci.login', ['update'], (core, request) => login(core, request, roleName), { unauthenticated: true });
}
