// alicloud auth end to end: the real agent CLI (HCL `method "alicloud"`) signs sts:GetCallerIdentity
// (RPC v1, HMAC-SHA1) with credentials from each source of Vault Agent's chain (environment, config,
// the ECS instance's RAM role), the Vault double checks the login as vault-plugin-auth-alicloud does
// and replays the signed request to a loopback STS that recomputes the signature, and the agent
// renders a secret with the token it got.
import type { FakeServer } from '../cloud-fakes/fake-server.js';
import type { AliCloudIdentity, AliCloudStsFake } from '../cloud-fakes/alicloud-fakes.js';
import { assumedRoleIdentity, ramUserIdentity, startAliCloudStsFake, startEcsMetadataFake } from '../cloud-fakes/alicloud-fakes.js';
import type { CloudScenario } from './cloud-auth/cloud-scenario.js';
import { SECRET_VALUE, createCloudScenario, leaked } from './cloud-auth/cloud-scenario.js';

const ROLE_ARN = 'acs:ram::5138828231865461:role/elk';
const SESSION_ARN = 'acs:ram::5138828231865461:assumed-role/elk/vm-ram-i-rj978rorvlg76urhqh7q';

let scenario: CloudScenario | undefined;
let fakes: FakeServer[] = [];

afterEach(async () => {
  for (const fake of fakes) await fake.close();
  fakes = [];
  await scenario?.close();
  scenario = undefined;
});

async function setUp(identities: readonly AliCloudIdentity[], roleArn = ROLE_ARN): Promise<{ scenario: CloudScenario; sts: AliCloudStsFake }> {
  scenario = await createCloudScenario();
  const sts = await startAliCloudStsFake(identities);
  fakes.push(sts);
  scenario.vault.configureAliCloudAuth('alicloud', { stsEndpoint: sts.url });
  scenario.vault.addAliCloudRole('alicloud', 'app', { arn: roleArn, policies: ['app'] });
  for (const identity of identities) {
    scenario.secrets.add(identity.accessKeySecret);
    if (identity.securityToken !== undefined) scenario.secrets.add(identity.securityToken);
  }
  return { scenario, sts };
}

function method(config: string, extra = ''): string {
  return `  method "alicloud" {
    mount_path = "auth/alicloud"
${extra}
    config = {
      role = "app"
      region = "cn-beijing"
${config}
    }
  }`;
}

function loginMetadata(current: CloudScenario): Record<string, string> | null | undefined {
  return current.vault.tokens().find((token) => token.path === 'auth/alicloud/login')?.meta;
}

describe('alicloud auth', () => {
  it('keys from the config (access_key, access_secret, access_token): STS accepts the signature, the session matches the role arn, secret rendered', async () => {
    const identity = assumedRoleIdentity(SESSION_ARN);
    const { scenario: current, sts } = await setUp([identity]);
    const result = await current.run(
      method(`      access_key = "${identity.accessKeyId}"
      access_secret = "${identity.accessKeySecret}"
      access_token = "${identity.securityToken ?? ''}"`),
      { VAULT_AGENT_ALICLOUD_STS_ENDPOINT: sts.url },
    );
    expect([result.code, result.rendered]).toEqual([0, SECRET_VALUE]);
    expect(sts.callerIdentityCalls()).toBe(1);
    expect(loginMetadata(current)).toMatchObject({ arn: SESSION_ARN, account_id: '5138828231865461', role_name: 'app', identity_type: 'AssumedRoleUser' });
    // The STS call came from the double's replay (POST, the agent's headers), not from the agent.
    expect(sts.requests).toHaveLength(1);
    expect([sts.requests[0]?.method, sts.requests[0]?.path, sts.requests[0]?.headers['x-acs-action']]).toEqual(['POST', '/', 'GetCallerIdentity']);
    expect(sts.requests[0]?.query.get('RegionId')).toBe('cn-beijing');
    expect(leaked(current, result.output)).toEqual([]);
  });

  it('the environment comes first (ALICLOUD_ACCESS_KEY, ALICLOUD_SECRET_KEY, ALICLOUD_ACCESS_KEY_STS_TOKEN), before keys in the config', async () => {
    const identity = assumedRoleIdentity(SESSION_ARN);
    const { scenario: current, sts } = await setUp([identity]);
    current.secrets.add('config-secret-never-used');
    const result = await current.run(
      method(`      access_key = "LTAIconfigkeyunknown"
      access_secret = "config-secret-never-used"`),
      {
        ALICLOUD_ACCESS_KEY: identity.accessKeyId,
        ALICLOUD_SECRET_KEY: identity.accessKeySecret,
        ALICLOUD_ACCESS_KEY_STS_TOKEN: identity.securityToken ?? '',
        VAULT_AGENT_ALICLOUD_STS_ENDPOINT: sts.url,
      },
    );
    expect([result.code, result.rendered]).toEqual([0, SECRET_VALUE]);
    expect(sts.requests.map((request) => request.query.get('AccessKeyId'))).toEqual([identity.accessKeyId]);
    expect(leaked(current, result.output)).toEqual([]);
  });

  it('no keys anywhere: the ECS instance RAM role from the metadata service (token, role name, its STS keys)', async () => {
    const identity = assumedRoleIdentity(SESSION_ARN);
    const { scenario: current, sts } = await setUp([identity]);
    const metadata = await startEcsMetadataFake({ ramRole: { name: 'elk', identity } });
    fakes.push(metadata);
    const result = await current.run(method('      credential_poll_interval = 300'), { VAULT_AGENT_ALICLOUD_STS_ENDPOINT: sts.url, VAULT_AGENT_ALICLOUD_METADATA_ENDPOINT: metadata.url });
    expect([result.code, result.rendered]).toEqual([0, SECRET_VALUE]);
    expect(metadata.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      'PUT /latest/api/token',
      'GET /latest/meta-data/ram/security-credentials/',
      'GET /latest/meta-data/ram/security-credentials/elk',
    ]);
    expect(sts.requests[0]?.query.get('SecurityToken')).toBe(identity.securityToken);
    expect(loginMetadata(current)).toMatchObject({ arn: SESSION_ARN });
    expect(leaked(current, result.output)).toEqual([]);
  });

  it('a wrong secret: STS refuses the signature, so Vault refuses the login; neither secret nor the echoed STS token is logged', async () => {
    const identity = assumedRoleIdentity(SESSION_ARN);
    const { scenario: current, sts } = await setUp([identity]);
    const wrongSecret = 'wrong-secret-Kd83nQ0zP1';
    current.secrets.add(wrongSecret);
    // STS echoes its string to sign, where the token appears percent-encoded twice.
    const token = identity.securityToken ?? '';
    const encode = (text: string): string => encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
    current.secrets.add(encode(encode(token)));
    const result = await current.run(
      method(`      access_key = "${identity.accessKeyId}"
      access_secret = "${wrongSecret}"
      access_token = "${identity.securityToken ?? ''}"`, '    exit_on_err = true'),
      { VAULT_AGENT_ALICLOUD_STS_ENDPOINT: sts.url },
    );
    expect([result.code, result.rendered]).toEqual([1, undefined]);
    expect(result.output).toContain('SignatureDoesNotMatch');
    expect(result.output).toContain('server string to sign is:POST&%2F&AccessKeyId%3D');
    expect(sts.callerIdentityCalls()).toBe(0);
    expect(loginMetadata(current)).toBeUndefined();
    expect(leaked(current, result.output)).toEqual([]);
  });

  it('a session of another RAM role: refused, the caller arn does not match the role arn', async () => {
    const identity = assumedRoleIdentity('acs:ram::5138828231865461:assumed-role/other/vm-ram-i-x');
    const { scenario: current, sts } = await setUp([identity]);
    const result = await current.run(
      method(`      access_key = "${identity.accessKeyId}"
      access_secret = "${identity.accessKeySecret}"
      access_token = "${identity.securityToken ?? ''}"`, '    exit_on_err = true'),
      { VAULT_AGENT_ALICLOUD_STS_ENDPOINT: sts.url },
    );
    expect(result.code).toBe(1);
    expect(result.output).toContain("the caller's arn does not match the role's arn");
    expect(sts.callerIdentityCalls()).toBe(1);
    expect(loginMetadata(current)).toBeUndefined();
    expect(leaked(current, result.output)).toEqual([]);
  });

  it("a RAM user's own key: refused, only assumed-role arns log in (the plugin's parseARN knows no user type)", async () => {
    const identity = ramUserIdentity('acs:ram::5138828231865461:user/deploy');
    const { scenario: current, sts } = await setUp([identity]);
    const result = await current.run(
      method(`      access_key = "${identity.accessKeyId}"
      access_secret = "${identity.accessKeySecret}"`, '    exit_on_err = true'),
      { VAULT_AGENT_ALICLOUD_STS_ENDPOINT: sts.url },
    );
    expect(result.code).toBe(1);
    expect(result.output).toContain("unable to parse entity's arn acs:ram::5138828231865461:user/deploy due to unsupported parsed type: user");
    expect(leaked(current, result.output)).toEqual([]);
  });
});
