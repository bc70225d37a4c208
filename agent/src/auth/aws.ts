// AWS auth (https://developer.hashicorp.com/vault/docs/agent-and-proxy/autoauth/methods/aws), read
// as Vault Agent reads its config (command/agentproxyshared/auth/aws/aws.go): `type` iam|ec2 and
// `role` required; `region` (default us-east-1 — Vault Agent sets it before consulting the
// environment, so AWS_REGION does not change it); `header_value`; static `access_key`/`secret_key`/
// `session_token` (else the SDK's default chain); `nonce` (ec2).
//   iam: POST auth/<mount>/login {role, iam_http_request_method, iam_request_url, iam_request_body,
//        iam_request_headers} — see aws-iam-request.ts.
//   ec2: POST auth/<mount>/login {role, identity, signature, nonce}: the instance identity document
//        (base64) and its signature from IMDSv2, and a nonce kept for the life of the process (or
//        the configured one), as Vault Agent does.
// Endpoints: STS is https://sts.amazonaws.com/ for us-east-1 and https://sts.<region>.amazonaws.com/
// otherwise, unless AWS_ENDPOINT_URL_STS (or AWS_ENDPOINT_URL) names another, as the AWS SDKs allow
// (https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html); IMDS is
// http://169.254.169.254 unless AWS_EC2_METADATA_SERVICE_ENDPOINT says otherwise.
import { randomUUID } from 'node:crypto';
import type { AuthMethod, LoginPlan } from './auth-method.js';
import { AuthMethodError, stringSetting } from './auth-method.js';
import { cloudRequestOk, endpointUrl, envValue } from './cloud-http.js';
import type { AwsCredentials, CredentialSource } from './aws-iam-request.js';

export interface AwsDependencies {
  readonly env: NodeJS.ProcessEnv;
  /** The SDK's default chain (tests may pass another source). */
  readonly credentialChain?: (region: string) => Promise<CredentialSource>;
}

export const AWS_DEFAULT_REGION = 'us-east-1';

export function stsEndpoint(region: string, env: NodeJS.ProcessEnv): URL {
  const override = envValue(env, 'AWS_ENDPOINT_URL_STS', 'AWS_ENDPOINT_URL');
  if (override !== undefined) {
    const url = endpointUrl(override, 'aws auth: AWS_ENDPOINT_URL_STS');
    if (url.pathname === '') url.pathname = '/';
    return url;
  }
  if (!/^[a-z0-9-]+$/.test(region)) throw new AuthMethodError(`aws auth: invalid region ${JSON.stringify(region)}`);
  return new URL(region === AWS_DEFAULT_REGION ? 'https://sts.amazonaws.com/' : `https://sts.${region}.amazonaws.com/`);
}

export function createAwsMethod(mountPath: string, config: Readonly<Record<string, unknown>>, deps: AwsDependencies): AuthMethod {
  const type = stringSetting(config, 'type') ?? '';
  const role = stringSetting(config, 'role') ?? '';
  if (type !== 'iam' && type !== 'ec2') throw new AuthMethodError(`aws auth: type must be "iam" or "ec2", got ${JSON.stringify(type)}`);
  if (role === '') throw new AuthMethodError("aws auth: 'role' value is empty");
  const region = stringSetting(config, 'region') ?? AWS_DEFAULT_REGION;
  const headerValue = stringSetting(config, 'header_value');
  const accessKey = stringSetting(config, 'access_key');
  const secretKey = stringSetting(config, 'secret_key');
  const sessionToken = stringSetting(config, 'session_token');
  if ((accessKey === undefined) !== (secretKey === undefined)) {
    throw new AuthMethodError('aws auth: access_key and secret_key must be given together');
  }
  const login = (body: Record<string, string>): LoginPlan => ({ kind: 'login', path: `${mountPath}/login`, body: { ...body, role } });

  if (type === 'ec2') {
    let nonce = stringSetting(config, 'nonce') ?? '';
    return {
      type: 'aws',
      async planLogin(): Promise<LoginPlan> {
        const { document, signature } = await instanceIdentity(deps.env);
        if (nonce === '') nonce = randomUUID();
        return login({ identity: Buffer.from(document, 'utf8').toString('base64'), signature, nonce });
      },
    };
  }

  let credentials: CredentialSource | undefined;
  return {
    type: 'aws',
    async planLogin(): Promise<LoginPlan> {
      const request = await import('./aws-iam-request.js');
      if (credentials === undefined) {
        credentials =
          accessKey !== undefined && secretKey !== undefined
            ? staticCredentials({ accessKeyId: accessKey, secretAccessKey: secretKey, sessionToken })
            : await (deps.credentialChain ?? request.defaultCredentialChain)(region);
      }
      let identity: AwsCredentials;
      try {
        identity = await credentials();
      } catch (error) {
        throw new AuthMethodError(`aws auth: no AWS credentials: ${error instanceof Error ? error.message : String(error)}`);
      }
      const fields = await request.signGetCallerIdentity({ credentials: identity, region, endpoint: stsEndpoint(region, deps.env), headerValue });
      return login({ ...fields });
    },
  };
}

function staticCredentials(credentials: AwsCredentials): CredentialSource {
  return () => Promise.resolve(credentials);
}

/** IMDSv2: a session token first (PUT), then the identity document and its signature. */
async function instanceIdentity(env: NodeJS.ProcessEnv): Promise<{ document: string; signature: string }> {
  if ((envValue(env, 'AWS_EC2_METADATA_DISABLED') ?? '').toLowerCase() === 'true') {
    throw new AuthMethodError('aws auth: ec2 login needs the instance metadata service, and AWS_EC2_METADATA_DISABLED is true');
  }
  const base = endpointUrl(envValue(env, 'AWS_EC2_METADATA_SERVICE_ENDPOINT') ?? 'http://169.254.169.254/', 'aws auth: AWS_EC2_METADATA_SERVICE_ENDPOINT');
  const at = (path: string): URL => new URL(path, base);
  const what = 'aws auth: instance metadata';
  const token = await cloudRequestOk(at('/latest/api/token'), { method: 'PUT', headers: { 'X-aws-ec2-metadata-token-ttl-seconds': '21600' } }, what);
  const headers = { 'X-aws-ec2-metadata-token': token.trim() };
  const document = await cloudRequestOk(at('/latest/dynamic/instance-identity/document'), { headers }, what);
  const signature = await cloudRequestOk(at('/latest/dynamic/instance-identity/signature'), { headers }, what);
  return { document, signature: signature.trim() };
}
