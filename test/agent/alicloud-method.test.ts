// The alicloud method on its own: Vault Agent's config errors, the credential chain's order and
// refusals, where credentials may go (STS and metadata endpoints, overrides held to cloud-http's
// rules), hostile metadata answers, and credentials re-read every credential_poll_interval (the
// last ones kept when a re-read fails), against the loopback fakes.
import { createAliCloudMethod, stsEndpoint } from '../../agent/src/auth/alicloud.js';
import { AuthMethodError } from '../../agent/src/auth/auth-method.js';
import type { LoginPlan } from '../../agent/src/auth/auth-method.js';
import type { FakeServer } from '../cloud-fakes/fake-server.js';
import { reply, startFakeServer } from '../cloud-fakes/fake-server.js';
import { assumedRoleIdentity, startEcsMetadataFake } from '../cloud-fakes/alicloud-fakes.js';

const vaultAccess = { address: 'http://127.0.0.1:1', request: () => Promise.reject(new Error('unused')) };
const base = { role: 'app', region: 'cn-beijing' };
const opened: FakeServer[] = [];
afterEach(async () => {
  for (const server of opened.splice(0)) await server.close();
});

function signedUrl(plan: LoginPlan): URL {
  if (plan.kind !== 'login') throw new Error('not a login');
  const url = plan.body['identity_request_url'];
  return new URL(Buffer.from(typeof url === 'string' ? url : '', 'base64').toString('utf8'));
}

describe('config', () => {
  it.each([
    [{ region: 'cn-beijing' }, "alicloud auth: 'role' is required but is not provided"],
    [{ role: 'app' }, "alicloud auth: 'region' is required but is not provided"],
    [{ ...base, region: 'cn-beijing/../x' }, 'alicloud auth: invalid region "cn-beijing/../x"'],
    [{ ...base, credential_poll_interval: 0 }, "alicloud auth: could not convert 'credential_poll_interval' config value to positive int"],
    [{ ...base, credential_poll_interval: '1m' }, "alicloud auth: could not convert 'credential_poll_interval' config value to positive int"],
    [{ ...base, role_session_expiration: 'soon' }, "alicloud auth: could not convert 'role_session_expiration' config value to int"],
    [{ ...base, access_key: 42 }, "alicloud auth: could not convert 'access_key' config value to string"],
  ])('%j is refused', (config, message) => {
    expect(() => createAliCloudMethod('auth/alicloud', config, { env: {} })).toThrow(new AuthMethodError(message));
  });

  it('STS is the region\'s endpoint; the override must be https, or http to loopback/metadata', () => {
    expect(stsEndpoint('cn-beijing', {}).href).toBe('https://sts.cn-beijing.aliyuncs.com/');
    expect(stsEndpoint('cn-beijing', { VAULT_AGENT_ALICLOUD_STS_ENDPOINT: 'http://127.0.0.1:9/?x=1' }).href).toBe('http://127.0.0.1:9/');
    expect(() => stsEndpoint('cn-beijing', { VAULT_AGENT_ALICLOUD_STS_ENDPOINT: 'http://sts.example.com/' })).toThrow(
      'alicloud auth: VAULT_AGENT_ALICLOUD_STS_ENDPOINT: http://sts.example.com is refused (https, or http only to a metadata or loopback address)',
    );
  });
});

describe('credential chain', () => {
  it('keys from the config sign the URL for the region\'s STS endpoint', async () => {
    const plan = await createAliCloudMethod('auth/alicloud', { ...base, access_key: 'LTAIconfig', access_secret: 'config-secret' }, { env: {} }).planLogin(vaultAccess);
    const url = signedUrl(plan);
    expect([url.origin, url.searchParams.get('AccessKeyId'), url.searchParams.get('SecurityToken')]).toEqual(['https://sts.cn-beijing.aliyuncs.com', 'LTAIconfig', null]);
    expect(plan).toMatchObject({ kind: 'login', path: 'auth/alicloud/login', body: { role: 'app' } });
  });

  it('an environment with an unparsable ALICLOUD_ROLE_SESSION_EXPIRATION is skipped, as the SDK skips a failing provider', async () => {
    const env = { ALICLOUD_ACCESS_KEY: 'LTAIenv', ALICLOUD_SECRET_KEY: 'env-secret', ALICLOUD_ROLE_SESSION_EXPIRATION: 'x' };
    const plan = await createAliCloudMethod('auth/alicloud', { ...base, access_key: 'LTAIconfig', access_secret: 'config-secret' }, { env }).planLogin(vaultAccess);
    expect(signedUrl(plan).searchParams.get('AccessKeyId')).toBe('LTAIconfig');
  });

  it.each([
    [{ ALICLOUD_ACCESS_KEY: 'a', ALICLOUD_SECRET_KEY: 's', ALICLOUD_ROLE_ARN: 'acs:ram::1:role/r', ALICLOUD_ROLE_SESSION_NAME: 'n' }, {}, 'alicloud auth: assuming a RAM role (role_arn with role_session_name and role_session_expiration) from the environment is not supported by this agent'],
    [{}, { private_key: 'k', public_key_id: 'p', session_expiration: 3600 }, 'alicloud auth: RSA key pair credentials (private_key, public_key_id, session_expiration) from the config is not supported by this agent'],
  ])('refused: %j %j', async (env, config, message) => {
    await expect(createAliCloudMethod('auth/alicloud', { ...base, ...config }, { env }).planLogin(vaultAccess)).rejects.toThrow(new AuthMethodError(message));
  });

  it('role_name: that ECS RAM role, without asking the metadata service for the name', async () => {
    const identity = assumedRoleIdentity('acs:ram::1:assumed-role/named/vm');
    const metadata = await startEcsMetadataFake({ ramRole: { name: 'named', identity } });
    opened.push(metadata);
    const plan = await createAliCloudMethod('auth/alicloud', { ...base, role_name: 'named' }, { env: { VAULT_AGENT_ALICLOUD_METADATA_ENDPOINT: metadata.url } }).planLogin(vaultAccess);
    expect(signedUrl(plan).searchParams.get('SecurityToken')).toBe(identity.securityToken);
    expect(metadata.requests.map((request) => request.path)).toEqual(['/latest/api/token', '/latest/meta-data/ram/security-credentials/named']);
  });

  it('nothing anywhere: the error names what each source lacked', async () => {
    const metadata = await startFakeServer(() => reply.error(404, 'not found'));
    opened.push(metadata);
    await expect(createAliCloudMethod('auth/alicloud', base, { env: { VAULT_AGENT_ALICLOUD_METADATA_ENDPOINT: metadata.url } }).planLogin(vaultAccess)).rejects.toThrow(
      /^alicloud auth: no credentials \(environment and config: no valid credentials were found; alicloud auth: ECS instance metadata: http:\/\/127\.0\.0\.1:\d+\/latest\/meta-data\/ram\/security-credentials\/ answered 404: not found\)$/,
    );
  });

  it.each([
    ['a role name that is a path', '../../latest/api/token', () => reply.json({}), 'invalid RAM role name "../../latest/api/token"'],
    ['credentials without Code Success', 'r', () => reply.json({ AccessKeyId: 'a', AccessKeySecret: 's', SecurityToken: 't', Code: 'Failed' }), 'the credentials of RAM role r have Code "Failed", not Success'],
    ['credentials without a SecurityToken', 'r', () => reply.json({ AccessKeyId: 'a', AccessKeySecret: 's', Code: 'Success' }), 'the credentials of RAM role r lack AccessKeyId, AccessKeySecret or SecurityToken'],
  ])('hostile metadata: %s is refused', async (_what, roleName, credentials, message) => {
    const metadata = await startFakeServer((request) => {
      if (request.path === '/latest/api/token') return reply.text('tok');
      return request.path === '/latest/meta-data/ram/security-credentials/' ? reply.text(roleName) : credentials();
    });
    opened.push(metadata);
    await expect(createAliCloudMethod('auth/alicloud', base, { env: { VAULT_AGENT_ALICLOUD_METADATA_ENDPOINT: metadata.url } }).planLogin(vaultAccess)).rejects.toThrow(`alicloud auth: ECS instance metadata: ${message}`);
    expect(metadata.requests.every((request) => request.path.startsWith('/latest/'))).toBe(true);
  });
});

describe('credential_poll_interval', () => {
  it('re-reads credentials once the interval has passed, and keeps the last ones when a re-read fails', async () => {
    const first = assumedRoleIdentity('acs:ram::1:assumed-role/r/vm');
    const metadata = await startEcsMetadataFake({ ramRole: { name: 'r', identity: first } });
    opened.push(metadata);
    let now = 1_000_000;
    const method = createAliCloudMethod('auth/alicloud', { ...base, credential_poll_interval: 30 }, { env: { VAULT_AGENT_ALICLOUD_METADATA_ENDPOINT: metadata.url }, now: () => now });
    const keyOf = async (): Promise<string | null> => signedUrl(await method.planLogin(vaultAccess)).searchParams.get('AccessKeyId');
    expect(await keyOf()).toBe(first.accessKeyId);
    const reads = metadata.requests.length;
    now += 29_000;
    expect(await keyOf()).toBe(first.accessKeyId);
    expect(metadata.requests.length).toBe(reads);
    now += 1_000;
    expect(await keyOf()).toBe(first.accessKeyId);
    expect(metadata.requests.length).toBe(reads * 2);
    await metadata.close();
    opened.length = 0;
    now += 60_000;
    expect(await keyOf()).toBe(first.accessKeyId);
  });
});
