// auth/<mount>/login for the aws method, checked as Vault's builtin/credential/aws/path_login.go
// does. iam: iam_http_request_method must be POST; iam_request_url, iam_request_body (base64) and
// iam_request_headers (base64 JSON, or a JSON object; values a string or a list) must decode; the body
// may carry only Action=GetCallerIdentity and Version; X-Amz-* headers outside Vault's allowed list
// are refused; with iam_server_id_header_value, X-Vault-AWS-IAM-Server-ID must match and be among
// the SignedHeaders. Beyond Vault (which leaves it to STS) the double also wants a well-formed SigV4
// Authorization scoped to service sts, and X-Amz-Date. Then, as Vault does, it sends the request to
// the configured sts_endpoint with the client's Host and maps the caller's ARN to the role's
// bound_iam_principal_arn. ec2: the identity document's RSA-SHA256 signature is checked with the
// configured certificate, then bound AMI and account IDs.
import { createPublicKey, verify } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { AwsAuthConfig, AwsRoleOptions } from '../vault-double-api.js';
import { isPlainObject, singleRoute, stringField, type DoubleCore, type HandlerRequest, type Route } from '../core.js';
import { replies, type Outcome } from '../reply.js';
import type { Mount } from '../state/mount-table.js';
import { loginResponse } from './login.js';

export interface AwsState {
  config: AwsAuthConfig;
  readonly roles: Map<string, AwsRoleOptions>;
}

const IAM_SERVER_ID_HEADER = 'X-Vault-AWS-IAM-Server-ID';
// Vault's defaultAllowedSTSRequestHeaders (builtin/credential/aws/backend.go).
const ALLOWED_AMZ_HEADERS = ['X-Amz-Algorithm', 'X-Amz-Content-Sha256', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Security-Token', 'X-Amz-Signature', 'X-Amz-SignedHeaders', 'X-Amz-User-Agent'];
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function canonical(name: string): string {
  return name.toLowerCase().replace(/(^|-)([a-z])/g, (_m, dash: string, letter: string) => `${dash}${letter.toUpperCase()}`);
}

function decodeBase64(value: string): string | null {
  return value.length % 4 === 0 && BASE64.test(value) ? Buffer.from(value, 'base64').toString('utf8') : null;
}

/** framework.TypeHeader: base64 JSON or a JSON object; values a string or a list of strings. */
function parseHeaders(value: unknown): Map<string, string[]> | null {
  let raw: unknown = value;
  if (typeof value === 'string') {
    const decoded = decodeBase64(value);
    try {
      raw = JSON.parse(decoded ?? value);
    } catch {
      return null;
    }
  }
  if (!isPlainObject(raw)) return null;
  const headers = new Map<string, string[]>();
  for (const [name, item] of Object.entries(raw)) {
    if (typeof item === 'string') headers.set(canonical(name), [item]);
    else if (Array.isArray(item) && item.every((entry) => typeof entry === 'string')) headers.set(canonical(name), item);
    else return null;
  }
  return headers;
}

function validateBody(body: string): string | null {
  for (const [key, value] of new URLSearchParams(body)) {
    if (key === 'Action' && value === 'GetCallerIdentity') continue;
    if (key === 'Version') continue;
    return 'error parsing iam_request_body: invalid request body';
  }
  return new URLSearchParams(body).get('Action') === 'GetCallerIdentity' ? null : 'error parsing iam_request_body: invalid request body';
}

function checkSignatureShape(headers: Map<string, string[]>): string | null {
  const authorization = headers.get('Authorization')?.join(',') ?? '';
  const match = /^AWS4-HMAC-SHA256 Credential=[A-Z0-9]+\/(\d{8})\/[a-z0-9-]+\/sts\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=[0-9a-f]{64}$/.exec(authorization);
  if (match === null) return 'Authorization is not a SigV4 signature for service sts';
  const amzDate = headers.get('X-Amz-Date')?.[0] ?? '';
  if (!/^\d{8}T\d{6}Z$/.test(amzDate) || !amzDate.startsWith(match[1] ?? '')) return 'X-Amz-Date missing or not the credential date';
  const signed = (match[2] ?? '').split(';');
  if (!signed.includes('host') || !signed.includes('x-amz-date')) return 'host and x-amz-date must be signed';
  return null;
}

function serverIdCheck(headers: Map<string, string[]>, required: string): string | null {
  const provided = headers.get(canonical(IAM_SERVER_ID_HEADER))?.join(',') ?? '';
  if (provided === '') return `error validating ${IAM_SERVER_ID_HEADER} header: missing header "${IAM_SERVER_ID_HEADER}"`;
  if (provided !== required) return `error validating ${IAM_SERVER_ID_HEADER} header: expected "${required}" but got "${provided}"`;
  const signed = /SignedHeaders=([^,]+)/.exec(headers.get('Authorization')?.join(',') ?? '')?.[1] ?? '';
  if (!signed.split(';').includes(IAM_SERVER_ID_HEADER.toLowerCase())) return `error validating ${IAM_SERVER_ID_HEADER} header: vault header wasn't signed`;
  return null;
}

interface CallerIdentity {
  readonly arn: string;
  readonly userId: string;
  readonly account: string;
}

function forward(endpoint: string, url: URL, body: string, headers: Map<string, string[]>): Promise<{ status: number; text: string }> {
  const target = new URL(`${endpoint.replace(/\/+$/, '')}${url.pathname}${url.search}`);
  const outgoing: Record<string, string | string[]> = { host: url.host };
  for (const [name, values] of headers) if (name.toLowerCase() !== 'host') outgoing[name] = values;
  return new Promise((resolve, reject) => {
    const req = httpRequest(target, { method: 'POST', headers: outgoing, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }); });
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('STS timed out')));
    req.end(body);
  });
}

function xmlField(xml: string, name: string): string {
  return new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1] ?? '';
}

/** arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION → arn:aws:iam::ACCOUNT:role/ROLE (Vault's canonicalArn). */
function canonicalArn(arn: string): string | null {
  const parts = arn.split(':');
  if (parts.length !== 6 || parts[0] !== 'arn') return null;
  const [type = '', ...names] = (parts[5] ?? '').split('/');
  if (names.length === 0) return null;
  const entity = type === 'assumed-role' ? 'role' : type;
  const friendly = type === 'assumed-role' ? names[0] : names.at(-1);
  return `arn:${parts[1] ?? ''}:iam::${parts[4] ?? ''}:${entity}/${friendly ?? ''}`;
}

function arnBound(role: AwsRoleOptions, arn: string, canonicalName: string): boolean {
  const bound = role.boundIamPrincipalArns ?? [];
  if (bound.length === 0) return true;
  return bound.some((pattern) => pattern === canonicalName || (pattern.endsWith('*') && (arn.startsWith(pattern.slice(0, -1)) || canonicalName.startsWith(pattern.slice(0, -1)))));
}

async function iamLogin(core: DoubleCore, request: HandlerRequest, mount: Mount, state: AwsState): Promise<Outcome> {
  const { body } = request;
  const method = stringField(body, 'iam_http_request_method') ?? '';
  if (method === '') return replies.badRequest('missing iam_http_request_method');
  if (method !== 'POST') return replies.badRequest("invalid iam_http_request_method; currently only 'POST' is supported");
  const urlB64 = stringField(body, 'iam_request_url') ?? '';
  if (urlB64 === '') return replies.badRequest('missing iam_request_url');
  const urlText = decodeBase64(urlB64);
  if (urlText === null) return replies.badRequest('failed to base64 decode iam_request_url');
  let url: URL;
  try {
    url = new URL(urlText);
  } catch {
    return replies.badRequest('error parsing iam_request_url');
  }
  const bodyB64 = stringField(body, 'iam_request_body') ?? '';
  if (bodyB64 === '') return replies.badRequest('missing iam_request_body');
  const stsBody = decodeBase64(bodyB64);
  if (stsBody === null) return replies.badRequest('failed to base64 decode iam_request_body');
  const bodyProblem = validateBody(stsBody);
  if (bodyProblem !== null) return replies.badRequest(bodyProblem);
  const headers = parseHeaders(body['iam_request_headers']);
  if (headers === null || headers.size === 0) return replies.badRequest('missing iam_request_headers');
  const { config } = state;
  if (config.iamServerIdHeaderValue !== undefined) {
    const problem = serverIdCheck(headers, config.iamServerIdHeaderValue);
    if (problem !== null) return replies.badRequest(problem);
  }
  const allowed = [...ALLOWED_AMZ_HEADERS, ...(config.allowedStsHeaderValues ?? []).map(canonical)];
  for (const name of headers.keys()) {
    if (name.startsWith('X-Amz-') && !allowed.includes(name)) return replies.badRequest(`invalid request header: ${name}`);
  }
  const shape = checkSignatureShape(headers);
  if (shape !== null) return replies.badRequest(`error making upstream request: ${shape}`);
  if (config.stsEndpoint === undefined) return replies.badRequest('error making upstream request: the double has no sts_endpoint configured');
  let upstream: { status: number; text: string };
  try {
    upstream = await forward(config.stsEndpoint, url, stsBody, headers);
  } catch (error) {
    return replies.badRequest(`error making upstream request: error making request: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (upstream.status !== 200) return replies.badRequest(`error making upstream request: received error code ${upstream.status} from STS: ${upstream.text}`);
  const caller: CallerIdentity = { arn: xmlField(upstream.text, 'Arn'), userId: xmlField(upstream.text, 'UserId'), account: xmlField(upstream.text, 'Account') };
  const canonicalName = canonicalArn(caller.arn);
  if (canonicalName === null) return replies.badRequest(`error parsing arn "${caller.arn}"`);
  const roleName = stringField(body, 'role') ?? canonicalName.split('/').at(-1) ?? '';
  const role = state.roles.get(roleName);
  if (!role) return replies.badRequest(`entry for role ${roleName} not found`);
  if (role.authType !== 'iam') return replies.badRequest(`auth method iam not allowed for role ${roleName}`);
  if (!arnBound(role, caller.arn, canonicalName)) return replies.badRequest(`IAM Principal "${caller.arn}" does not belong to the role "${roleName}"`);
  const clientUserId = caller.userId.split(':')[0] ?? '';
  return loginResponse(
    core,
    {
      mount,
      settings: role,
      metadata: { auth_type: 'iam', client_arn: caller.arn, canonical_arn: canonicalName, client_user_id: clientUserId, account_id: caller.account, role: roleName },
      displayName: `${mount.path.split('/')[1] ?? 'aws'}-${canonicalName.split('/').at(-1) ?? ''}`,
    },
    request.nowMs,
  );
}

function ec2Login(core: DoubleCore, request: HandlerRequest, mount: Mount, state: AwsState): Outcome {
  const identityB64 = stringField(request.body, 'identity') ?? '';
  const signature = stringField(request.body, 'signature') ?? '';
  const document = decodeBase64(identityB64);
  if (document === null || document === '') return replies.badRequest('failed to base64 decode the instance identity document');
  const publicKey = state.config.ec2PublicKeyPem;
  if (publicKey === undefined || !verify('RSA-SHA256', Buffer.from(document), createPublicKey(publicKey), Buffer.from(signature, 'base64'))) {
    return replies.badRequest('failed to verify the instance identity document using the SHA256 RSA digest');
  }
  const identity = JSON.parse(document) as { instanceId?: string; imageId?: string; accountId?: string; region?: string };
  const roleName = stringField(request.body, 'role') ?? identity.imageId ?? '';
  const role = state.roles.get(roleName);
  if (!role) return replies.badRequest(`entry for role "${roleName}" not found`);
  if (role.authType !== 'ec2') return replies.badRequest(`auth method ec2 not allowed for role ${roleName}`);
  if ((role.boundAmiIds ?? []).length > 0 && !role.boundAmiIds?.includes(identity.imageId ?? '')) return replies.badRequest(`AMI ID "${identity.imageId ?? ''}" does not belong to role "${roleName}"`);
  if ((role.boundAccountIds ?? []).length > 0 && !role.boundAccountIds?.includes(identity.accountId ?? '')) return replies.badRequest(`account ID "${identity.accountId ?? ''}" does not belong to role "${roleName}"`);
  const nonce = stringField(request.body, 'nonce') ?? '';
  if (nonce === '') return replies.badRequest('missing nonce');
  return loginResponse(
    core,
    {
      mount,
      settings: role,
      metadata: { instance_id: identity.instanceId ?? '', region: identity.region ?? '', account_id: identity.accountId ?? '', ami_id: identity.imageId ?? '', role: roleName, nonce },
      displayName: `${mount.path.split('/')[1] ?? 'aws'}-${identity.instanceId ?? ''}`,
    },
    request.nowMs,
  );
}

async function login(core: DoubleCore, request: HandlerRequest): Promise<Outcome> {
  const mount = request.mount;
  if (mount?.engine.type !== 'aws') throw new Error('aws login on another mount');
  const has = (key: string): boolean => request.body[key] !== undefined;
  const anyEc2 = has('pkcs7') || has('identity') || has('signature');
  const iamFields = ['iam_http_request_method', 'iam_request_url', 'iam_request_body', 'iam_request_headers'];
  const anyIam = iamFields.some(has);
  if (anyEc2 && anyIam) return replies.badRequest('supplied auth values for both ec2 and iam auth types');
  if (anyEc2) {
    if (!(has('identity') && has('signature'))) return replies.badRequest('supplied some of the auth values for the ec2 auth type but not all');
    return ec2Login(core, request, mount, mount.engine.aws);
  }
  if (anyIam && !iamFields.every(has)) return replies.badRequest('supplied some of the auth values for the iam auth type but not all');
  if (anyIam) return iamLogin(core, request, mount, mount.engine.aws);
  return replies.badRequest("didn't supply required authentication values");
}

export function routeAws(_mount: Mount, subPath: string): Route | undefined {
  return subPath === 'login' ? singleRoute('aws.login', ['update'], login, { unauthenticated: true }) : undefined;
}
