// auth/<mount>/login for the alicloud method, checked as vault-plugin-auth-alicloud's path_login.go
// does: identity_request_url (base64) must decode and parse, identity_request_headers (base64 JSON or
// a JSON object) must not be empty; the URL must be https, carry RegionId, point at the STS endpoint
// of that region (sts.<region>.aliyuncs.com — here: the configured loopback STS fake, which then also
// may be plain http), and ask Format=JSON and Action=GetCallerIdentity. The request is then replayed
// (POST, the given headers) and STS's answer decides: the caller's ARN must be an assumed-role
// (acs:ram::<account>:assumed-role/<role>/<session>) of the role's `arn` (acs:ram::<account>:role/<role>).
import { request as httpRequest } from 'node:http';
import type { AliCloudAuthConfig, AliCloudRoleOptions } from '../vault-double-api.js';
import { isPlainObject, singleRoute, stringField, type DoubleCore, type HandlerRequest, type Route } from '../core.js';
import { replies, type Outcome } from '../reply.js';
import type { Mount } from '../state/mount-table.js';
import { loginResponse } from './login.js';

export interface AliCloudState {
  config: AliCloudAuthConfig;
  readonly roles: Map<string, AliCloudRoleOptions>;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const MAX_STS_ANSWER_BYTES = 64 * 1024;

function decodeBase64(value: string): string | null {
  return value.length % 4 === 0 && BASE64.test(value) ? Buffer.from(value, 'base64').toString('utf8') : null;
}

/** framework.TypeHeader: base64 JSON or a JSON object; values a string or a list of strings. */
function parseHeaders(value: unknown): Record<string, string[]> | null {
  let raw: unknown = value;
  if (typeof value === 'string') {
    try {
      raw = JSON.parse(decodeBase64(value) ?? value);
    } catch {
      return null;
    }
  }
  if (!isPlainObject(raw)) return null;
  const headers: Record<string, string[]> = {};
  for (const [name, item] of Object.entries(raw)) {
    if (typeof item === 'string') headers[name] = [item];
    else if (Array.isArray(item) && item.every((entry) => typeof entry === 'string')) headers[name] = item;
    else return null;
  }
  return headers;
}

interface ParsedArn {
  readonly account: string;
  readonly type: 'role' | 'assumed-role';
  readonly roleName: string;
}

/** arn.go parseARN: acs:ram::<account>:(role|assumed-role)/<name>[/<session>]. */
function parseArn(arn: string): ParsedArn | string {
  if (arn === '') return 'no arn provided';
  const fields = arn.split(':');
  if (fields.length !== 5) return `unrecognized arn: contains ${fields.length} colon-separated fields, expected 5`;
  if (fields[0] !== 'acs') return 'unrecognized arn: does not begin with "acs:"';
  if (fields[1] !== 'ram') return `unrecognized service: ${fields[1] ?? ''}, not ram`;
  const parts = (fields[4] ?? '').split('/');
  if (parts.length < 2) return `unrecognized arn: "${fields[4] ?? ''}" contains fewer than 2 slash-separated roleFields`;
  if (parts[0] !== 'role' && parts[0] !== 'assumed-role') return `unsupported parsed type: ${parts[0] ?? ''}`;
  return { account: fields[3] ?? '', type: parts[0], roleName: parts[1] ?? '' };
}

function replay(url: URL, headers: Record<string, string[]>): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', headers, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_STS_ANSWER_BYTES) req.destroy(new Error('STS answer too large'));
        else chunks.push(chunk);
      });
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }); });
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('STS timed out')));
    req.end();
  });
}

async function login(core: DoubleCore, request: HandlerRequest): Promise<Outcome> {
  const mount: Mount | null | undefined = request.mount;
  if (mount?.engine.type !== 'alicloud') throw new Error('alicloud login on another mount');
  const state = mount.engine.alicloud;
  const { body } = request;
  const urlB64 = stringField(body, 'identity_request_url') ?? '';
  if (urlB64 === '') return replies.badRequest('missing identity_request_url');
  const urlText = decodeBase64(urlB64);
  if (urlText === null) return replies.badRequest('failed to base64 decode identity_request_url');
  let url: URL;
  try {
    url = new URL(urlText);
  } catch {
    return replies.badRequest('error parsing identity_request_url');
  }
  const headers = parseHeaders(body['identity_request_headers']);
  if (headers === null || Object.keys(headers).length === 0) return replies.badRequest('missing identity_request_headers');
  const upstreamProblem = (message: string): Outcome => replies.badRequest(`error making upstream request: ${message}`);
  const regionId = url.searchParams.get('RegionId') ?? '';
  const override = state.config.stsEndpoint === undefined ? undefined : new URL(state.config.stsEndpoint);
  if (override === undefined && url.protocol !== 'https:') return upstreamProblem(`expected "https" url scheme but received "${url.protocol.replace(/:$/, '')}"`);
  if (regionId === '') return upstreamProblem('query RegionId must not be empty');
  const expectedHost = override?.host ?? `sts.${regionId}.aliyuncs.com`;
  if (url.host !== expectedHost || (override !== undefined && url.protocol !== override.protocol)) return upstreamProblem(`expected host of "${expectedHost}" but received "${url.host}"`);
  if (url.searchParams.get('Format') !== 'JSON') return upstreamProblem(`query Format must be JSON but received ${url.searchParams.get('Format') ?? ''}`);
  if (url.searchParams.get('Action') !== 'GetCallerIdentity') return upstreamProblem(`query Action must be GetCallerIdentity but received ${url.searchParams.get('Action') ?? ''}`);
  if (override === undefined) return upstreamProblem('the double reaches no real STS (configure stsEndpoint)');
  let upstream: { status: number; text: string };
  try {
    upstream = await replay(url, headers);
  } catch (error) {
    return upstreamProblem(`error making request: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (upstream.status !== 200) return upstreamProblem(`received ${upstream.status} checking caller identity: ${upstream.text}`);
  let identity: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(upstream.text);
    if (!isPlainObject(parsed)) throw new Error('not an object');
    identity = parsed;
  } catch {
    return upstreamProblem('error decoding response');
  }
  const field = (name: string): string => {
    const value = identity[name];
    return typeof value === 'string' ? value : '';
  };
  const callerArn = field('Arn');
  const parsed = parseArn(callerArn);
  if (typeof parsed === 'string') return replies.badRequest(`unable to parse entity's arn ${callerArn} due to ${parsed}`);
  if (parsed.type !== 'assumed-role') return replies.badRequest(`only assumed-role arn types are supported at this time, but ${parsed.type} was provided`);
  const roleName = stringField(body, 'role') ?? '';
  if (roleName === '') return replies.badRequest('missing role');
  const role = state.roles.get(roleName);
  if (!role) return replies.badRequest(`entry for role ${roleName} not found`);
  const bound = parseArn(role.arn);
  if (typeof bound === 'string' || bound.type !== 'role' || bound.account !== parsed.account || bound.roleName !== parsed.roleName) {
    return replies.badRequest("the caller's arn does not match the role's arn");
  }
  const principalId = field('PrincipalId');
  return loginResponse(
    core,
    {
      mount,
      settings: role,
      metadata: {
        account_id: field('AccountId'),
        user_id: field('UserId'),
        role_id: field('RoleId'),
        arn: callerArn,
        identity_type: field('IdentityType'),
        principal_id: principalId,
        request_id: field('RequestId'),
        role_name: roleName,
      },
      displayName: principalId,
    },
    request.nowMs,
  );
}

export function routeAliCloud(_mount: Mount, subPath: string): Route | undefined {
  return subPath === 'login' ? singleRoute('alicloud.login', ['update'], login, { unauthenticated: true }) : undefined;
}
