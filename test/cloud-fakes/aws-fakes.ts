// Loopback stand-ins for AWS: STS (GetCallerIdentity, AssumeRoleWithWebIdentity), the container
// credentials endpoint (EKS Pod Identity / ECS) and the EC2 instance metadata service (IMDSv2).
// Each checks what the real service checks: STS recomputes the SigV4 signature with the caller's
// secret key (sigv4-check.ts), wants a fresh X-Amz-Date, the session token of temporary keys, and
// for web identity the exact token the role trusts; the container endpoint wants the authorization
// token from the token file; IMDSv2 wants its session token on every read.
import { createHash, randomBytes, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { FakeReply, FakeRequest, FakeServer } from './fake-server.js';
import { reply, startFakeServer } from './fake-server.js';
import { expectedSignature, parseAuthorization } from './sigv4-check.js';

export interface AwsIdentity {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  /** What GetCallerIdentity reports. */
  readonly arn: string;
  readonly userId: string;
  readonly account: string;
}

export function temporaryIdentity(arn: string, account = '123456789012'): AwsIdentity {
  const session = arn.split('/').at(-1) ?? 'session';
  return {
    accessKeyId: `ASIA${randomBytes(8).toString('hex').toUpperCase()}`,
    secretAccessKey: randomBytes(20).toString('base64'),
    sessionToken: randomBytes(48).toString('base64'),
    arn,
    userId: `AROA${randomBytes(6).toString('hex').toUpperCase()}:${session}`,
    account,
  };
}

const STS_NS = 'https://sts.amazonaws.com/doc/2011-06-15/';
const stsError = (status: number, code: string, message: string): FakeReply =>
  reply.text(`<ErrorResponse xmlns="${STS_NS}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>fake</RequestId></ErrorResponse>`, status, 'text/xml');

export interface StsFakeOptions {
  readonly identities: readonly AwsIdentity[];
  /** AssumeRoleWithWebIdentity: the role, the token it trusts, the credentials it hands out. */
  readonly webIdentity?: { readonly roleArn: string; readonly token: string; readonly issues: AwsIdentity };
  /** The region a signature must be scoped to (a regional endpoint's). */
  readonly region?: string;
}

export interface StsFake extends FakeServer {
  /** GetCallerIdentity calls answered 200. */
  readonly callerIdentityCalls: () => number;
}

export async function startStsFake(options: StsFakeOptions): Promise<StsFake> {
  const known = new Map(options.identities.map((identity) => [identity.accessKeyId, identity]));
  if (options.webIdentity !== undefined) known.set(options.webIdentity.issues.accessKeyId, options.webIdentity.issues);
  let answered = 0;
  const handle = (request: FakeRequest): FakeReply => {
    if (request.method !== 'POST' || request.path !== '/') return stsError(404, 'NotFound', `${request.method} ${request.path}`);
    const form = new URLSearchParams(request.body);
    const action = form.get('Action');
    if (action === 'AssumeRoleWithWebIdentity') return assumeRoleWithWebIdentity(form);
    if (action !== 'GetCallerIdentity' || form.get('Version') !== '2011-06-15') return stsError(400, 'InvalidAction', `unexpected body ${request.body}`);
    const auth = parseAuthorization(request.headers.authorization);
    if (typeof auth === 'string') return stsError(403, 'MissingAuthenticationToken', auth);
    if (auth.service !== 'sts') return stsError(403, 'SignatureDoesNotMatch', `credential scoped to service ${auth.service}`);
    if (options.region !== undefined && auth.region !== options.region) return stsError(403, 'SignatureDoesNotMatch', `credential should be scoped to a valid region, not '${auth.region}'`);
    for (const name of ['host', 'x-amz-date']) if (!auth.signedHeaders.includes(name)) return stsError(403, 'SignatureDoesNotMatch', `${name} is not signed`);
    const amzDate = request.headers['x-amz-date'] ?? '';
    const signedAt = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
    if (signedAt === null || !amzDate.startsWith(auth.date)) return stsError(403, 'IncompleteSignature', `bad X-Amz-Date ${amzDate}`);
    const signedMs = Date.UTC(Number(signedAt[1]), Number(signedAt[2]) - 1, Number(signedAt[3]), Number(signedAt[4]), Number(signedAt[5]), Number(signedAt[6]));
    if (Math.abs(Date.now() - signedMs) > 15 * 60_000) return stsError(403, 'SignatureDoesNotMatch', 'Signature expired');
    const contentHash = request.headers['x-amz-content-sha256'];
    if (contentHash !== undefined && contentHash !== createHash('sha256').update(request.body).digest('hex')) return stsError(400, 'XAmzContentSHA256Mismatch', 'payload hash');
    const identity = known.get(auth.accessKeyId);
    if (identity === undefined) return stsError(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.');
    if ((identity.sessionToken ?? '') !== (request.headers['x-amz-security-token'] ?? '')) return stsError(403, 'InvalidClientTokenId', 'session token missing or wrong');
    if (expectedSignature(request, auth, identity.secretAccessKey) !== auth.signature) return stsError(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.');
    answered += 1;
    return reply.text(
      `<GetCallerIdentityResponse xmlns="${STS_NS}"><GetCallerIdentityResult><Arn>${identity.arn}</Arn><UserId>${identity.userId}</UserId><Account>${identity.account}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>fake-${answered}</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
      200,
      'text/xml',
    );
  };
  const assumeRoleWithWebIdentity = (form: URLSearchParams): FakeReply => {
    const trust = options.webIdentity;
    if (trust === undefined) return stsError(400, 'InvalidAction', 'no web identity configured');
    if (form.get('RoleArn') !== trust.roleArn) return stsError(403, 'AccessDenied', `not authorized to assume ${form.get('RoleArn') ?? ''}`);
    if (form.get('WebIdentityToken') !== trust.token) return stsError(400, 'InvalidIdentityToken', 'token not trusted');
    if ((form.get('RoleSessionName') ?? '') === '') return stsError(400, 'ValidationError', 'RoleSessionName is required');
    const issued = trust.issues;
    const expiration = new Date(Date.now() + 3600_000).toISOString();
    return reply.text(
      `<AssumeRoleWithWebIdentityResponse xmlns="${STS_NS}"><AssumeRoleWithWebIdentityResult><SubjectFromWebIdentityToken>system:serviceaccount:default:app</SubjectFromWebIdentityToken><Audience>sts.amazonaws.com</Audience><AssumedRoleUser><Arn>${issued.arn}</Arn><AssumedRoleId>${issued.userId}</AssumedRoleId></AssumedRoleUser><Credentials><SessionToken>${issued.sessionToken ?? ''}</SessionToken><SecretAccessKey>${issued.secretAccessKey}</SecretAccessKey><Expiration>${expiration}</Expiration><AccessKeyId>${issued.accessKeyId}</AccessKeyId></Credentials><Provider>oidc.eks.fake</Provider></AssumeRoleWithWebIdentityResult><ResponseMetadata><RequestId>fake</RequestId></ResponseMetadata></AssumeRoleWithWebIdentityResponse>`,
      200,
      'text/xml',
    );
  };
  const server = await startFakeServer(handle);
  return { ...server, callerIdentityCalls: () => answered };
}

export interface AwsMetadataFakeOptions {
  /** EKS Pod Identity / ECS: GET <path> with Authorization: <token> answers the identity's keys. */
  readonly container?: { readonly path: string; readonly authorizationToken: string; readonly identity: AwsIdentity };
  /** IMDSv2 instance role credentials. */
  readonly instanceRole?: { readonly name: string; readonly identity: AwsIdentity };
  /** IMDSv2 instance identity document, signed with `signingKey` (RSA-SHA256, base64). */
  readonly instanceIdentity?: { readonly document: Readonly<Record<string, unknown>>; readonly signingKey: KeyObject };
}

export async function startAwsMetadataFake(options: AwsMetadataFakeOptions): Promise<FakeServer> {
  const sessions = new Set<string>();
  const keys = (identity: AwsIdentity): Record<string, unknown> => ({
    AccessKeyId: identity.accessKeyId,
    SecretAccessKey: identity.secretAccessKey,
    Token: identity.sessionToken,
    Expiration: new Date(Date.now() + 3600_000).toISOString(),
  });
  return startFakeServer((request) => {
    const { container, instanceRole, instanceIdentity } = options;
    if (container !== undefined && request.path === container.path) {
      if (request.headers.authorization !== container.authorizationToken) return reply.error(401, 'bad authorization token');
      return reply.json(keys(container.identity));
    }
    if (request.path === '/latest/api/token') {
      const ttl = Number(request.headers['x-aws-ec2-metadata-token-ttl-seconds']);
      if (request.method !== 'PUT' || !(ttl >= 1 && ttl <= 21600)) return reply.error(400, 'IMDSv2 token needs PUT and a TTL of 1..21600 s');
      const token = randomBytes(16).toString('base64');
      sessions.add(token);
      return reply.text(token);
    }
    if (!request.path.startsWith('/latest/')) return reply.error(404, 'not found');
    if (!sessions.has(request.headers['x-aws-ec2-metadata-token'] ?? '')) return reply.error(401, 'IMDSv2 session token required');
    if (instanceRole !== undefined) {
      if (request.path === '/latest/meta-data/iam/security-credentials/') return reply.text(instanceRole.name);
      if (request.path === `/latest/meta-data/iam/security-credentials/${instanceRole.name}`) return reply.json({ Code: 'Success', Type: 'AWS-HMAC', LastUpdated: new Date().toISOString(), ...keys(instanceRole.identity) });
    }
    if (instanceIdentity !== undefined) {
      const document = JSON.stringify(instanceIdentity.document, null, 2);
      if (request.path === '/latest/dynamic/instance-identity/document') return reply.text(document);
      if (request.path === '/latest/dynamic/instance-identity/signature') return reply.text(sign('RSA-SHA256', Buffer.from(document), instanceIdentity.signingKey).toString('base64'));
    }
    return reply.error(404, 'not found');
  });
}
