// ldap and cf auth end to end: the real agent CLI (HCL `method "ldap" | "cf"`) reads its password
// file or signs with the CF instance identity key, the Vault double checks the login as Vault does
// (the directory bind and policies; the v1 signature, the chain to the identity CA, the signing-time
// window, the OU ids and IP), and the agent writes its sink and renders a secret with the token.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CloudScenario } from './cloud-auth/cloud-scenario.js';
import { SECRET_VALUE, createCloudScenario, leaked } from './cloud-auth/cloud-scenario.js';
import { startAgentInPod } from './helpers/pod-sandbox.js';
import type { AgentProcess } from './helpers/pod-sandbox.js';
import { createCfRootCa, issueCfInstanceIdentity } from '../cloud-fakes/cf-identity.js';
import type { CfCa, CfInstanceIdentity } from '../cloud-fakes/cf-identity.js';

let scenario: CloudScenario | undefined;
let running: AgentProcess | undefined;

afterEach(async () => {
  if (running !== undefined && running.child.exitCode === null && running.child.signalCode === null) {
    running.signal('SIGKILL');
    await running.exited;
  }
  running = undefined;
  await scenario?.close();
  scenario = undefined;
});

const ldapMethod = (username: string, passwordFile: string, extra = ''): string => `  method "ldap" {
${extra}    config = {
      username = ${JSON.stringify(username)}
      password_file_path = "${passwordFile}"
    }
  }`;

describe('ldap auth', () => {
  const password = 'ldap-pw-Qm73vX';

  it('POST auth/ldap/login/<username> {password}: sink token, rendered secret, password file removed, password never logged', async () => {
    scenario = await createCloudScenario();
    scenario.secrets.add(password);
    scenario.vault.addLdapUser('ldap', 'svc-app', { password, groups: ['apps'] });
    scenario.vault.addLdapGroup('ldap', 'apps', { policies: ['app'] });
    const file = scenario.homeFile('ldap-password', password);
    const result = await scenario.run(ldapMethod('svc-app', file));
    expect([result.code, result.rendered]).toEqual([0, SECRET_VALUE]);
    const token = scenario.vault.tokens().find((candidate) => candidate.path === 'auth/ldap/login');
    expect([token?.meta, token?.policies]).toEqual([{ username: 'svc-app' }, ['app', 'default']]);
    expect(existsSync(join(scenario.sandbox.homeDir, 'ldap-password'))).toBe(false);
    expect(leaked(scenario, result.output)).toEqual([]);
  });

  it('a wrong password: the login error is logged and the agent exits 1, without the password', async () => {
    scenario = await createCloudScenario();
    const wrong = 'wrong-pw-Zr58kB';
    scenario.secrets.add(wrong);
    scenario.secrets.add(password);
    scenario.vault.addLdapUser('ldap', 'svc-app', { password, policies: ['app'] });
    const result = await scenario.run(ldapMethod('svc-app', scenario.homeFile('ldap-password', wrong), '    exit_on_err = true\n'));
    expect(result.code).toBe(1);
    expect(result.output).toContain('failed to bind as user');
    expect(leaked(scenario, result.output)).toEqual([]);
  });

  it('a server that echoes the request body in its error does not get the password into the logs', async () => {
    scenario = await createCloudScenario();
    scenario.secrets.add(password);
    scenario.vault.addLdapUser('ldap', 'svc-app', { password, policies: ['app'] });
    scenario.vault.faults.echoRequest({ path: /^auth\/ldap\/login/ });
    const result = await scenario.run(ldapMethod('svc-app', scenario.homeFile('ldap-password', password), '    exit_on_err = true\n'));
    expect(result.code).toBe(1);
    expect(result.output).toContain('echo: PUT /v1/auth/ldap/login/svc-app');
    expect(leaked(scenario, result.output)).toEqual([]);
  });

  it('a username with / .. ? # stays one escaped path segment', async () => {
    scenario = await createCloudScenario();
    scenario.secrets.add(password);
    const username = '../../sys/x?list=true#frag';
    scenario.vault.addLdapUser('ldap', username, { password, policies: ['app'] });
    const result = await scenario.run(ldapMethod(username, scenario.homeFile('ldap-password', password)));
    expect([result.code, result.rendered]).toEqual([0, SECRET_VALUE]);
    expect(scenario.vault.tokens().find((token) => token.path === 'auth/ldap/login')?.meta).toEqual({ username });
    // The double decodes the path it logs: the whole username arrived inside it (no query, no fragment, no other route).
    expect(scenario.vault.requests().filter((request) => request.path.startsWith('auth/ldap') || request.path.startsWith('sys/x')).map((request) => [request.endpoint, request.path, request.query])).toEqual([
      ['ldap.login', `auth/ldap/login/${username}`, {}],
    ]);
  });

  it('after the token expires the agent logs in again with the password it read before the file was removed', async () => {
    const current = await createCloudScenario();
    scenario = current;
    current.secrets.add(password);
    // Renewable to 3 s at most: the agent must log in again soon after the first login.
    current.vault.addLdapUser('ldap', 'svc-app', { password, policies: ['app'], tokenTtlSeconds: 2, tokenMaxTtlSeconds: 3 });
    const file = current.homeFile('ldap-password', password);
    const hcl = `auto_auth {
${ldapMethod('svc-app', file)}
  sink "file" {
    config = { path = "/home/vault/.vault-token" }
  }
}
vault {
  address = "${current.vault.address}"
}
`;
    running = startAgentInPod({ sandbox: current.sandbox, config: hcl, configFileName: 'agent.hcl' });
    await current.vault.waitFor(() => current.vault.tokens().filter((token) => token.path === 'auth/ldap/login').length >= 2, 20_000, 'a second ldap login');
    expect(existsSync(join(current.sandbox.homeDir, 'ldap-password'))).toBe(false);
    expect(current.vault.requests().filter((request) => request.endpoint === 'ldap.login').map((request) => request.status).slice(0, 2)).toEqual([200, 200]);
    running.signal('SIGTERM');
    expect(await running.exited).toBe(0);
    for (const token of current.vault.tokens()) current.secrets.add(token.token);
    expect(leaked(current, running.output())).toEqual([]);
  });
});

describe('cf auth', () => {
  let root: CfCa;
  beforeAll(async () => {
    root = await createCfRootCa();
  });

  async function cfScenario(identity: CfInstanceIdentity, boundTo: CfInstanceIdentity): Promise<{ current: CloudScenario; env: Record<string, string> }> {
    const current = await createCloudScenario();
    scenario = current;
    current.secrets.add(identity.keyPem.split('\n')[1] ?? '');
    current.vault.configureCfAuth('cf', { identityCaCertificates: [root.certificatePem] });
    current.vault.addCfRole('cf', 'app', { boundApplicationIds: [boundTo.appId], boundSpaceIds: [boundTo.spaceId], boundOrganizationIds: [boundTo.orgId], policies: ['app'] });
    const env = { CF_INSTANCE_CERT: current.homeFile('instance.crt', identity.certificateFile), CF_INSTANCE_KEY: current.homeFile('instance.key', identity.keyPem) };
    return { current, env };
  }

  const cfMethod = '  method "cf" {\n    exit_on_err = true\n    config = { role = "app" }\n  }';

  it('signs with CF_INSTANCE_KEY over signing_time + CF_INSTANCE_CERT + role; the double verifies it to the identity CA', async () => {
    const identity = await issueCfInstanceIdentity({ root });
    const { current, env } = await cfScenario(identity, identity);
    const result = await current.run(cfMethod, env);
    expect([result.code, result.rendered]).toEqual([0, SECRET_VALUE]);
    expect(current.vault.tokens().find((token) => token.path === 'auth/cf/login')?.meta).toEqual({ role: 'app', instance_id: identity.instanceId, app_id: identity.appId, space_id: identity.spaceId, org_id: identity.orgId });
    expect(leaked(current, result.output)).toEqual([]);
  });

  it.each([
    ['a certificate of another CA', async (): Promise<[CfInstanceIdentity, CfInstanceIdentity]> => {
      const stranger = await issueCfInstanceIdentity();
      return [stranger, stranger];
    }, 'certificate signed by unknown authority'],
    ['an expired certificate', async (): Promise<[CfInstanceIdentity, CfInstanceIdentity]> => {
      const expired = await issueCfInstanceIdentity({ root, notBeforeMs: Date.now() - 7_200_000, notAfterMs: Date.now() - 3_600_000 });
      return [expired, expired];
    }, 'certificate has expired or is not yet valid'],
    ['a key that is not the certificate\'s (the signature does not verify)', async (): Promise<[CfInstanceIdentity, CfInstanceIdentity]> => {
      const [one, other] = await Promise.all([issueCfInstanceIdentity({ root }), issueCfInstanceIdentity({ root })]);
      return [{ ...one, keyPem: other.keyPem }, one];
    }, 'verification error'],
    ['another app\'s certificate', async (): Promise<[CfInstanceIdentity, CfInstanceIdentity]> => {
      const [mine, bound] = await Promise.all([issueCfInstanceIdentity({ root }), issueCfInstanceIdentity({ root })]);
      return [mine, bound];
    }, "doesn't match role constraints"],
  ])('%s is refused by the double; the agent exits 1 naming why', async (_what, make, message) => {
    const [identity, boundTo] = await make();
    const { current, env } = await cfScenario(identity, boundTo);
    const result = await current.run(cfMethod, env);
    expect(result.code).toBe(1);
    expect(result.output).toContain(message);
    expect(leaked(current, result.output)).toEqual([]);
  });

  it('without CF_INSTANCE_CERT the agent says which variable is missing', async () => {
    const identity = await issueCfInstanceIdentity({ root });
    const { current, env } = await cfScenario(identity, identity);
    const result = await current.run(cfMethod, { CF_INSTANCE_KEY: env.CF_INSTANCE_KEY ?? '' });
    expect(result.code).toBe(1);
    expect(result.output).toContain('missing \\"CF_INSTANCE_CERT\\" value');
  });
});
