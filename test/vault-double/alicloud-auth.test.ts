// The double's alicloud login refuses what vault-plugin-auth-alicloud refuses before STS (a URL not
// on the region's STS endpoint, not https, without RegionId, Format=JSON or GetCallerIdentity; no
// headers), and the STS fake refuses what STS refuses: a replayed SignatureNonce, a stale Timestamp,
// an unknown key, a missing SecurityToken. Login fields come from the agent's signer.
import { startVaultDouble } from './index.js';
import type { VaultDouble } from './index.js';
import { assumedRoleIdentity, startAliCloudStsFake } from '../cloud-fakes/alicloud-fakes.js';
import type { AliCloudStsFake } from '../cloud-fakes/alicloud-fakes.js';
import { signGetCallerIdentity } from '../../agent/src/auth/alicloud-rpc-signature.js';

const identity = assumedRoleIdentity('acs:ram::5138828231865461:assumed-role/elk/vm-ram-i-1');
let vault: VaultDouble;
let sts: AliCloudStsFake;
beforeAll(async () => {
  vault = await startVaultDouble();
  sts = await startAliCloudStsFake([identity]);
  vault.configureAliCloudAuth('alicloud', { stsEndpoint: sts.url });
  vault.addAliCloudRole('alicloud', 'app', { arn: 'acs:ram::5138828231865461:role/elk' });
  vault.configureAliCloudAuth('alicloud-real', {});
  vault.addAliCloudRole('alicloud-real', 'app', { arn: 'acs:ram::5138828231865461:role/elk' });
});
afterAll(async () => {
  await vault.close();
  await sts.close();
});

const b64 = (text: string): string => Buffer.from(text).toString('base64');
const signed = (options: { endpoint?: string; now?: Date; nonce?: string; securityToken?: string | undefined } = {}): Record<string, string> =>
  ({
    role: 'app',
    ...signGetCallerIdentity({
      credentials: { accessKeyId: identity.accessKeyId, accessKeySecret: identity.accessKeySecret, securityToken: 'securityToken' in options ? options.securityToken : identity.securityToken },
      region: 'cn-beijing',
      endpoint: new URL(options.endpoint ?? `${sts.url}/`),
      ...(options.now === undefined ? {} : { now: options.now }),
      ...(options.nonce === undefined ? {} : { nonce: options.nonce }),
    }),
  });

async function login(body: Record<string, unknown>, mount = 'alicloud'): Promise<{ status: number; errors: unknown }> {
  const response = await fetch(`${vault.address}/v1/auth/${mount}/login`, { method: 'POST', body: JSON.stringify(body) });
  return { status: response.status, errors: ((await response.json()) as { errors?: unknown }).errors };
}

it('a signed request logs in once; the same request again is a replayed nonce', async () => {
  const body = signed();
  expect((await login(body)).status).toBe(200);
  const again = await login(body);
  expect(again.status).toBe(400);
  expect(JSON.stringify(again.errors)).toContain('SignatureNonceUsed');
});

it.each([
  ['a Timestamp 20 minutes old', () => signed({ now: new Date(Date.now() - 20 * 60_000) }), 'InvalidTimeStamp.Expired'],
  ['temporary keys without their SecurityToken', () => signed({ securityToken: undefined }), 'InvalidSecurityToken.Mismatch'],
  ['an unknown access key', () => ({ ...signed(), identity_request_url: b64(Buffer.from(signed().identity_request_url ?? '', 'base64').toString().replace(identity.accessKeyId, 'STS.unknown')) }), 'InvalidAccessKeyId.NotFound'],
  ['a tampered parameter', () => ({ ...signed(), identity_request_url: b64(Buffer.from(signed().identity_request_url ?? '', 'base64').toString().replace('RegionId=cn-beijing', 'RegionId=cn-beijing&Extra=1')) }), 'SignatureDoesNotMatch'],
])('STS refuses %s', async (_what, body, code) => {
  const answer = await login(body());
  expect(answer.status).toBe(400);
  expect(JSON.stringify(answer.errors)).toContain(code);
});

it.each([
  [{ identity_request_url: '' }, 'missing identity_request_url'],
  [{ identity_request_url: '%%%' }, 'failed to base64 decode identity_request_url'],
  [{ identity_request_headers: b64('{}') }, 'missing identity_request_headers'],
  [{ identity_request_url: b64('http://127.0.0.1:1/?RegionId=cn-beijing&Format=JSON&Action=GetCallerIdentity') }, 'error making upstream request: expected host of'],
  [{ identity_request_url: b64('https://sts.cn-beijing.aliyuncs.com/?RegionId=cn-beijing&Format=JSON&Action=GetCallerIdentity') }, 'error making upstream request: expected host of'],
])('refused before STS: %j', async (override, message) => {
  const before = sts.requests.length;
  const answer = await login({ ...signed(), ...override });
  expect(answer.status).toBe(400);
  expect(JSON.stringify(answer.errors)).toContain(message);
  expect(sts.requests.length).toBe(before);
});

it.each([
  ['http://sts.cn-beijing.aliyuncs.com/?RegionId=cn-beijing&Format=JSON&Action=GetCallerIdentity', 'expected \\"https\\" url scheme but received \\"http\\"'],
  ['https://sts.cn-beijing.aliyuncs.com/?Format=JSON&Action=GetCallerIdentity', 'query RegionId must not be empty'],
  ['https://sts.cn-hangzhou.aliyuncs.com/?RegionId=cn-beijing&Format=JSON&Action=GetCallerIdentity', 'expected host of \\"sts.cn-beijing.aliyuncs.com\\" but received \\"sts.cn-hangzhou.aliyuncs.com\\"'],
  ['https://sts.cn-beijing.aliyuncs.com/?RegionId=cn-beijing&Format=XML&Action=GetCallerIdentity', 'query Format must be JSON but received XML'],
  ['https://sts.cn-beijing.aliyuncs.com/?RegionId=cn-beijing&Format=JSON&Action=AssumeRole', 'query Action must be GetCallerIdentity but received AssumeRole'],
])('without an STS override, the plugin\'s URL checks: %s', async (url, message) => {
  const answer = await login({ ...signed(), identity_request_url: b64(url) }, 'alicloud-real');
  expect(answer.status).toBe(400);
  expect(JSON.stringify(answer.errors)).toContain(message);
});
