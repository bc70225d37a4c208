// The double's aws login refuses what Vault refuses before any STS call (so an agent bug cannot
// pass by accident): wrong method, an undecodable or foreign body, X-Amz-* headers outside the
// allowed list, a server-ID header that is missing or unsigned, a malformed signature.
import { startVaultDouble } from './index.js';
import type { VaultDouble } from './index.js';
import { startStsFake } from '../cloud-fakes/aws-fakes.js';
import type { StsFake } from '../cloud-fakes/aws-fakes.js';

let vault: VaultDouble;
let sts: StsFake;
beforeAll(async () => {
  vault = await startVaultDouble();
  sts = await startStsFake({ identities: [] });
  vault.configureAwsAuth('aws', { stsEndpoint: sts.url, iamServerIdHeaderValue: 'vault.example.com' });
  vault.addAwsRole('aws', 'app', { authType: 'iam' });
});
afterAll(async () => {
  await vault.close();
  await sts.close();
});

const b64 = (text: string): string => Buffer.from(text).toString('base64');
const SIGNED = 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240101/us-east-1/sts/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-vault-aws-iam-server-id, Signature=' + 'a'.repeat(64);
const goodHeaders = { Authorization: [SIGNED], 'X-Amz-Date': ['20240101T000000Z'], 'X-Vault-Aws-Iam-Server-Id': ['vault.example.com'] };

async function login(overrides: Record<string, unknown>): Promise<{ status: number; errors: unknown }> {
  const body = {
    role: 'app',
    iam_http_request_method: 'POST',
    iam_request_url: b64('https://sts.amazonaws.com/'),
    iam_request_body: b64('Action=GetCallerIdentity&Version=2011-06-15'),
    iam_request_headers: b64(JSON.stringify(goodHeaders)),
    ...overrides,
  };
  const response = await fetch(`${vault.address}/v1/auth/aws/login`, { method: 'POST', body: JSON.stringify(body) });
  return { status: response.status, errors: ((await response.json()) as { errors?: unknown }).errors };
}

it.each([
  [{ iam_http_request_method: 'GET' }, "invalid iam_http_request_method; currently only 'POST' is supported"],
  [{ iam_request_url: '***' }, 'failed to base64 decode iam_request_url'],
  [{ iam_request_body: b64('Action=AssumeRole&Version=2011-06-15') }, 'error parsing iam_request_body: invalid request body'],
  [{ iam_request_body: b64('Action=GetCallerIdentity&Version=2011-06-15&RoleArn=x') }, 'error parsing iam_request_body: invalid request body'],
  [{ iam_request_headers: b64(JSON.stringify({ ...goodHeaders, 'X-Amz-Target': ['x'] })) }, 'invalid request header: X-Amz-Target'],
  [{ iam_request_headers: b64(JSON.stringify({ Authorization: [SIGNED], 'X-Amz-Date': ['20240101T000000Z'] })) }, 'error validating X-Vault-AWS-IAM-Server-ID header: missing header "X-Vault-AWS-IAM-Server-ID"'],
  [{ iam_request_headers: b64(JSON.stringify({ ...goodHeaders, Authorization: [SIGNED.replace(';x-vault-aws-iam-server-id', '')] })) }, "error validating X-Vault-AWS-IAM-Server-ID header: vault header wasn't signed"],
  [{ iam_request_headers: b64(JSON.stringify({ ...goodHeaders, Authorization: [SIGNED.replace('/sts/', '/iam/')] })) }, 'error making upstream request: Authorization is not a SigV4 signature for service sts'],
  [{ iam_request_url: undefined, iam_request_body: undefined, iam_request_headers: undefined }, 'supplied some of the auth values for the iam auth type but not all'],
])('refuses %j', async (overrides, message) => {
  expect(await login(overrides)).toEqual({ status: 400, errors: [message] });
  expect(sts.callerIdentityCalls()).toBe(0);
});

it('a well-formed request reaches STS, whose signature check refuses unknown keys', async () => {
  const now = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
  const headers = { ...goodHeaders, Authorization: [SIGNED.replace('20240101', now.slice(0, 8))], 'X-Amz-Date': [now] };
  const answer = await login({ iam_request_headers: b64(JSON.stringify(headers)) });
  expect(answer.status).toBe(400);
  expect(String((answer.errors as string[])[0])).toMatch(/^error making upstream request: received error code 403 from STS: .*InvalidClientTokenId/);
});
