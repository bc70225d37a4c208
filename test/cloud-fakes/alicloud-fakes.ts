// Loopback stand-ins for Alibaba Cloud: STS (GetCallerIdentity, RPC style) and the ECS instance
// metadata service (RAM role credentials, with its hardened-mode token). STS checks what the real
// one checks (https://www.alibabacloud.com/help/doc-detail/28139.htm): the RPC common parameters, a
// Timestamp within 15 minutes, a SignatureNonce never seen before, a known AccessKeyId, the
// SecurityToken of temporary keys, and the HMAC-SHA1 signature recomputed with the key's secret
// (rpc-signature-check.ts). Answers are JSON, as for Format=JSON; a signature mismatch echoes the
// server's string to sign, as STS does.
import { randomBytes } from 'node:crypto';
import type { FakeReply, FakeRequest, FakeServer } from './fake-server.js';
import { reply, startFakeServer } from './fake-server.js';
import { expectedRpcSignature, signatureMatches } from './rpc-signature-check.js';

export interface AliCloudIdentity {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly securityToken?: string;
  /** What GetCallerIdentity reports. */
  readonly arn: string;
  readonly accountId: string;
  readonly userId: string;
}

/** Temporary (STS) credentials of an assumed RAM role: acs:ram::<account>:assumed-role/<role>/<session>. */
export function assumedRoleIdentity(arn: string): AliCloudIdentity {
  const [, , , accountId = '', resource = ''] = arn.split(':');
  const session = resource.split('/').at(-1) ?? 'session';
  return {
    accessKeyId: `STS.${randomBytes(10).toString('hex')}`,
    accessKeySecret: randomBytes(22).toString('base64'),
    securityToken: `CAIS${randomBytes(40).toString('base64')}`,
    arn,
    accountId,
    userId: `3${randomBytes(6).toString('hex')}:${session}`,
  };
}

/** A RAM user's long-lived access key: acs:ram::<account>:user/<name>. */
export function ramUserIdentity(arn: string): AliCloudIdentity {
  const [, , , accountId = ''] = arn.split(':');
  return { accessKeyId: `LTAI${randomBytes(10).toString('hex')}`, accessKeySecret: randomBytes(22).toString('base64'), arn, accountId, userId: randomBytes(8).toString('hex') };
}

const MAX_SKEW_MS = 15 * 60_000;

export interface AliCloudStsFake extends FakeServer {
  /** GetCallerIdentity calls answered 200. */
  readonly callerIdentityCalls: () => number;
}

export async function startAliCloudStsFake(identities: readonly AliCloudIdentity[]): Promise<AliCloudStsFake> {
  const known = new Map(identities.map((identity) => [identity.accessKeyId, identity]));
  const nonces = new Set<string>();
  let answered = 0;
  const error = (status: number, code: string, message: string): FakeReply =>
    reply.json({ RequestId: randomBytes(8).toString('hex'), HostId: 'sts.aliyuncs.com', Code: code, Message: message }, status);
  const handle = (request: FakeRequest): FakeReply => {
    if ((request.method !== 'POST' && request.method !== 'GET') || request.path !== '/') return error(404, 'InvalidAction.NotFound', `${request.method} ${request.path}`);
    const q = request.query;
    for (const name of ['Action', 'Version', 'Format', 'AccessKeyId', 'SignatureMethod', 'SignatureVersion', 'SignatureNonce', 'Timestamp', 'Signature']) {
      if ((q.get(name) ?? '') === '') return error(400, 'MissingParameter', `${name} is mandatory for this action.`);
    }
    if (q.get('Action') !== 'GetCallerIdentity' || q.get('Version') !== '2015-04-01') return error(404, 'InvalidAction.NotFound', 'Specified api is not found, please check your url and method.');
    if (q.get('SignatureMethod') !== 'HMAC-SHA1' || q.get('SignatureVersion') !== '1.0') return error(400, 'InvalidParameter', 'SignatureMethod HMAC-SHA1 and SignatureVersion 1.0 are expected');
    const timestamp = q.get('Timestamp') ?? '';
    const signedAt = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(timestamp) ? Date.parse(timestamp) : NaN;
    if (Number.isNaN(signedAt)) return error(400, 'InvalidTimeStamp.Format', 'Specified time stamp or date value is not well formatted.');
    if (Math.abs(Date.now() - signedAt) > MAX_SKEW_MS) return error(400, 'InvalidTimeStamp.Expired', 'Specified time stamp or date value is expired.');
    const identity = known.get(q.get('AccessKeyId') ?? '');
    if (identity === undefined) return error(404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.');
    if ((identity.securityToken ?? '') !== (q.get('SecurityToken') ?? '')) return error(400, 'InvalidSecurityToken.Mismatch', 'Specified SecurityToken mismatch with the AccessKey.');
    const expected = expectedRpcSignature(request.method, q, identity.accessKeySecret);
    if (!signatureMatches(expected.signature, q.get('Signature') ?? '')) {
      // Real STS echoes its string to sign (which holds the SecurityToken, encoded twice).
      return error(400, 'SignatureDoesNotMatch', `Specified signature is not matched with our calculation. server string to sign is:${expected.stringToSign}`);
    }
    const nonce = q.get('SignatureNonce') ?? '';
    if (nonces.has(nonce)) return error(400, 'SignatureNonceUsed', 'Specified signature nonce was used already.');
    nonces.add(nonce);
    answered += 1;
    const principal = identity.userId;
    return reply.json({
      RequestId: `fake-${answered}`,
      AccountId: identity.accountId,
      UserId: identity.userId,
      Arn: identity.arn,
      IdentityType: identity.arn.includes(':assumed-role/') ? 'AssumedRoleUser' : 'RAMUser',
      PrincipalId: principal,
      RoleId: identity.arn.includes(':assumed-role/') ? principal.split(':')[0] ?? '' : '',
    });
  };
  const server = await startFakeServer(handle);
  return { ...server, callerIdentityCalls: () => answered };
}

export interface EcsMetadataFakeOptions {
  /** The instance's RAM role and the temporary credentials it hands out. */
  readonly ramRole: { readonly name: string; readonly identity: AliCloudIdentity };
}

/**
 * ECS metadata in hardened mode: PUT /latest/api/token (X-aliyun-ecs-metadata-token-ttl-seconds,
 * 1..21600) issues a token every read must carry (X-aliyun-ecs-metadata-token).
 */
export async function startEcsMetadataFake(options: EcsMetadataFakeOptions): Promise<FakeServer> {
  const tokens = new Set<string>();
  return startFakeServer((request) => {
    if (request.path === '/latest/api/token') {
      const ttl = Number(request.headers['x-aliyun-ecs-metadata-token-ttl-seconds']);
      if (request.method !== 'PUT' || !(ttl >= 1 && ttl <= 21600)) return reply.error(400, 'a token needs PUT and a TTL of 1..21600 s');
      const token = randomBytes(16).toString('base64');
      tokens.add(token);
      return reply.text(token);
    }
    if (!tokens.has(request.headers['x-aliyun-ecs-metadata-token'] ?? '')) return reply.error(401, 'metadata token required');
    const { name, identity } = options.ramRole;
    if (request.path === '/latest/meta-data/ram/security-credentials/') return reply.text(name);
    if (request.path === `/latest/meta-data/ram/security-credentials/${name}`) {
      return reply.json({
        AccessKeyId: identity.accessKeyId,
        AccessKeySecret: identity.accessKeySecret,
        SecurityToken: identity.securityToken ?? '',
        Expiration: new Date(Date.now() + 3600_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        LastUpdated: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
        Code: 'Success',
      });
    }
    return reply.error(404, 'not found');
  });
}
