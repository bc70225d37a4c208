// aws auth end to end: the real agent CLI (HCL `method "aws"`) signs sts:GetCallerIdentity with
// credentials from each source of the AWS chain, the Vault double checks the login body as Vault
// does and forwards the signed request to a loopback STS that recomputes the SigV4 signature, and
// the agent renders a secret with the token it got.
import { generateKeyPairSync } from 'node:crypto';
import type { FakeServer } from '../cloud-fakes/fake-server.js';
import type { AwsIdentity, StsFake } from '../cloud-fakes/aws-fakes.js';
import { startAwsMetadataFake, startStsFake, temporaryIdentity } from '../cloud-fakes/aws-fakes.js';
import type { CloudScenario } from './cloud-auth/cloud-scenario.js';
import { SECRET_VALUE, createCloudScenario, leaked } from './cloud-auth/cloud-scenario.js';

const ROLE_ARN = 'arn:aws:iam::123456789012:role/app-role';
const SESSION_ARN = 'arn:aws:sts::123456789012:assumed-role/app-role/vault-agent';
const SERVER_ID = 'vault.example.com';

let scenario: CloudScenario | undefined;
let fakes: FakeServer[] = [];

afterEach(async () => {
  for (const fake of fakes) await fake.close();
  fakes = [];
  await scenario?.close();
  scenario = undefined;
});

async function setUp(identities: readonly AwsIdentity[], webIdentity?: { token: string; issues: AwsIdentity }): Promise<{ scenario: CloudScenario; sts: StsFake }> {
  scenario = await createCloudScenario();
  const sts = await startStsFake({ identities, ...(webIdentity === undefined ? {} : { webIdentity: { roleArn: ROLE_ARN, ...webIdentity } }) });
  fakes.push(sts);
  scenario.vault.configureAwsAuth('aws', { stsEndpoint: sts.url, iamServerIdHeaderValue: SERVER_ID });
  scenario.vault.addAwsRole('aws', 'app', { authType: 'iam', boundIamPrincipalArns: [ROLE_ARN], policies: ['app'] });
  for (const identity of [...identities, ...(webIdentity === undefined ? [] : [webIdentity.issues])]) {
    scenario.secrets.add(identity.secretAccessKey);
    if (identity.sessionToken !== undefined) scenario.secrets.add(identity.sessionToken);
  }
  return { scenario, sts };
}

const IAM_METHOD = `  method "aws" {
    mount_path = "auth/aws"
    config = {
      type = "iam"
      role = "app"
      header_value = "${SERVER_ID}"
    }
  }`;

function loginMetadata(current: CloudScenario): Record<string, string> | null | undefined {
  return current.vault.tokens().find((token) => token.meta?.['auth_type'] === 'iam')?.meta;
}

describe('aws auth (iam)', () => {
  it('environment keys: signed GetCallerIdentity accepted by STS, role bound to the canonical ARN, secret rendered', async () => {
    const identity = temporaryIdentity(SESSION_ARN);
    const { scenario: current, sts } = await setUp([identity]);
    const result = await current.run(IAM_METHOD, {
      AWS_ACCESS_KEY_ID: identity.accessKeyId,
      AWS_SECRET_ACCESS_KEY: identity.secretAccessKey,
      AWS_SESSION_TOKEN: identity.sessionToken ?? '',
      AWS_ENDPOINT_URL_STS: sts.url,
    });
    expect([result.code, result.rendered]).toEqual([0, SECRET_VALUE]);
    expect(sts.callerIdentityCalls()).toBe(1);
    expect(loginMetadata(current)).toMatchObject({ canonical_arn: ROLE_ARN, client_arn: SESSION_ARN, account_id: '123456789012' });
    // The STS call went through the double (Host from iam_request_url), never from the agent itself.
    const forwarded = sts.requests.filter((request) => request.body.startsWith('Action=GetCallerIdentity'));
    expect(forwarded).toHaveLength(1);
    expect(forwarded[0]?.headers['host']).toBe(sts.host);
    expect(forwarded[0]?.headers['x-vault-aws-iam-server-id']).toBe(SERVER_ID);
    expect(leaked(current, result.output)).toEqual([]);
  });

  it('IRSA: the web-identity token file is exchanged at STS (AssumeRoleWithWebIdentity), then those keys sign', async () => {
    const issued = temporaryIdentity(SESSION_ARN);
    const webToken = 'eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJzdHMuYW1hem9uYXdzLmNvbSJ9.c2ln';
    const { scenario: current, sts } = await setUp([], { token: webToken, issues: issued });
    current.secrets.add(webToken);
    const tokenFile = current.homeFile('aws-web-identity-token', webToken);
    const result = await current.run(IAM_METHOD, { AWS_ROLE_ARN: ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile, AWS_ENDPOINT_URL_STS: sts.url });
    expect([result.code, result.rendered]).toEqual([0, SECRET_VALUE]);
    const assume = sts.requests.filter((request) => request.body.includes('Action=AssumeRoleWithWebIdentity'));
    expect(assume.length).toBeGreaterThanOrEqual(1);
    expect(new URLSearchParams(assume[0]?.body).get('WebIdentityToken')).toBe(webToken);
    expect(sts.callerIdentityCalls()).toBe(1);
    expect(leaked(current, result.output)).toEqual([]);
  });

  it('EKS Pod Identity: keys from AWS_CONTAINER_CREDENTIALS_FULL_URI with the token file as Authorization', async () => {
    const identity = temporaryIdentity(SESSION_ARN);
    const { scenario: current, sts } = await setUp([identity]);
    const podToken = 'eks-pod-identity-token-abc123';
    current.secrets.add(podToken);
    const metadata = await startAwsMetadataFake({ container: { path: '/v1/credentials', authorizationToken: podToken, identity } });
    fakes.push(metadata);
    const tokenFile = current.homeFile('eks-pod-identity-token', podToken);
    const result = await current.run(IAM_METHOD, {
      AWS_CONTAINER_CREDENTIALS_FULL_URI: `${metadata.url}/v1/credentials`,
      AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: tokenFile,
      AWS_ENDPOINT_URL_STS: sts.url,
    });
    expect([result.code, result.rendered]).toEqual([0, SECRET_VALUE]);
    expect(metadata.requests.map((request) => request.headers['authorization'])).toContain(podToken);
    expect(leaked(current, result.output)).toEqual([]);
  });

  it('instance role: IMDSv2 session token, then the role keys', async () => {
    const identity = temporaryIdentity(SESSION_ARN);
    const { scenario: current, sts } = await setUp([identity]);
    const metadata = await startAwsMetadataFake({ instanceRole: { name: 'app-role', identity } });
    fakes.push(metadata);
    const result = await current.run(IAM_METHOD, { AWS_EC2_METADATA_SERVICE_ENDPOINT: metadata.url, AWS_ENDPOINT_URL_STS: sts.url });
    expect([result.code, result.rendered]).toEqual([0, SECRET_VALUE]);
    expect(metadata.requests.some((request) => request.method === 'PUT' && request.path === '/latest/api/token')).toBe(true);
    expect(leaked(current, result.output)).toEqual([]);
  });

  it('a missing header_value is refused by the double as Vault refuses it; keys from the config are used', async () => {
    const identity = temporaryIdentity(SESSION_ARN);
    const { scenario: current, sts } = await setUp([identity]);
    const result = await current.run(
      `  method "aws" {
    mount_path = "auth/aws"
    exit_on_err = true
    config = {
      type = "iam"
      role = "app"
      access_key = "${identity.accessKeyId}"
      secret_key = "${identity.secretAccessKey}"
      session_token = "${identity.sessionToken ?? ''}"
    }
  }`,
      { AWS_ENDPOINT_URL_STS: sts.url },
    );
    expect(result.code).toBe(1);
    expect(result.output).toContain('missing header \\"X-Vault-AWS-IAM-Server-ID\\"');
    expect(sts.callerIdentityCalls()).toBe(0);
    expect(leaked(current, result.output)).toEqual([]);
  });
});

describe('aws auth (ec2)', () => {
  it('IMDSv2 identity document and signature, checked with the configured certificate, and a nonce', async () => {
    scenario = await createCloudScenario();
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const document = { instanceId: 'i-0123456789abcdef0', imageId: 'ami-0abc', accountId: '123456789012', region: 'eu-west-1', pendingTime: '2024-01-01T00:00:00Z' };
    const metadata = await startAwsMetadataFake({ instanceIdentity: { document, signingKey: privateKey } });
    fakes.push(metadata);
    scenario.vault.configureAwsAuth('aws', { ec2PublicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() });
    scenario.vault.addAwsRole('aws', 'web', { authType: 'ec2', boundAmiIds: ['ami-0abc'], policies: ['app'] });
    const result = await scenario.run(
      `  method "aws" {
    config = {
      type = "ec2"
      role = "web"
    }
  }`,
      { AWS_EC2_METADATA_SERVICE_ENDPOINT: metadata.url },
    );
    expect([result.code, result.rendered]).toEqual([0, SECRET_VALUE]);
    const meta = scenario.vault.tokens().find((token) => token.meta?.['instance_id'] !== undefined)?.meta;
    expect(meta).toMatchObject({ instance_id: 'i-0123456789abcdef0', ami_id: 'ami-0abc', role: 'web' });
    expect(meta?.['nonce']).toMatch(/^[0-9a-f-]{36}$/);
  });
});
