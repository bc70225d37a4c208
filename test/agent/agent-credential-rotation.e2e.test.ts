// A credential file that changes under a running sidecar: Vault Agent's jwt and ldap methods poll
// their file once a login has succeeded (jwt_read_period, password_read_period). With
// auto_auth.enable_reauth_on_new_credentials the agent logs in again at once with the new credential
// (NewCreds, command/agentproxyshared/auth/auth.go); without it the file is still consumed and the
// new credential waits for the next login. The real agent CLI in a pod sandbox against the Vault
// double: after the rotation the double only accepts the new JWT or password, so a new sink token
// proves the new credential was used, well before the first token's TTL would have made the agent
// log in again.
import { chownSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startVaultDouble } from '../vault-double/index.js';
import type { VaultDouble } from '../vault-double/index.js';
import { createPodSandbox, POD_GID, POD_PATHS, POD_UID, startAgentInPod } from './helpers/pod-sandbox.js';
import type { AgentProcess, PodSandbox } from './helpers/pod-sandbox.js';
import { leakedSecrets } from './helpers/agent-scenario.js';

let vault: VaultDouble;
let sandbox: PodSandbox;
let agent: AgentProcess | undefined;

beforeEach(async () => {
  vault = await startVaultDouble();
  vault.enableKv('secret', 2);
  vault.writeKv('secret/app', { password: 'rotation-s3cret' });
  sandbox = createPodSandbox();
});

afterEach(async () => {
  if (agent !== undefined && agent.child.exitCode === null && agent.child.signalCode === null) {
    agent.signal('SIGKILL');
    await agent.exited;
  }
  agent = undefined;
  await vault.close();
  sandbox.remove();
});

function homeFile(name: string, content: string): string {
  const file = join(sandbox.homeDir, name);
  writeFileSync(file, content, { mode: 0o600 });
  chownSync(file, POD_UID, POD_GID);
  return `${POD_PATHS.home}/${name}`;
}

function sidecar(methodHcl: string, reauth = true): AgentProcess {
  const hcl = `
auto_auth {
  enable_reauth_on_new_credentials = ${String(reauth)}
${methodHcl}
  sink "file" {
    config = { path = "/home/vault/.vault-token" }
  }
}
vault {
  address = "${vault.address}"
}
template {
  destination = "/vault/secrets/password"
  contents = "{{ with secret \\"secret/data/app\\" }}{{ .Data.data.password }}{{ end }}"
}
`;
  return startAgentInPod({ sandbox, config: hcl, configFileName: 'agent.hcl' });
}

/** A sidecar logging in as svc-app with `password` in the default removed-after-reading file. */
function ldapSidecar(password: string, reauth: boolean): AgentProcess {
  vault.addLdapUser('ldap', 'svc-app', { password, policies: ['app'] });
  const file = homeFile('ldap-password', password);
  return sidecar(`  method "ldap" {
    config = {
      username = "svc-app"
      password_file_path = "${file}"
    }
  }`, reauth);
}

function sinkToken(): string | undefined {
  try {
    return readFileSync(join(sandbox.homeDir, '.vault-token'), 'utf8');
  } catch {
    return undefined;
  }
}

async function stopped(process: AgentProcess): Promise<number> {
  process.signal('SIGTERM');
  return process.exited;
}

describe('with enable_reauth_on_new_credentials, a rotated credential file logs the sidecar in again at once', () => {
  it('jwt with remove_jwt_after_reading = false and jwt_read_period = "1s": the changed JWT is read and used', async () => {
    const first = 'eyJhbGciOiJSUzI1NiJ9.Zmlyc3Q.c2ln-first';
    const second = 'eyJhbGciOiJSUzI1NiJ9.c2Vjb25k.c2ln-second';
    // A 1 h token: without the watch the agent would not log in again for most of an hour.
    vault.addJwtRole('jwt', 'ci', { jwt: first, policies: ['app'], tokenTtlSeconds: 3600 });
    const file = homeFile('jwt', first);
    agent = sidecar(`  method "jwt" {
    config = {
      path = "${file}"
      role = "ci"
      remove_jwt_after_reading = false
      jwt_read_period = "1s"
    }
  }`);
    const firstToken = await vault.waitFor(() => sinkToken(), 20_000, 'the first sink token');
    await vault.waitFor(() => existsSync(join(sandbox.secretsDir, 'password')), 20_000, 'the rendered secret');

    // A file read again that has not changed logs nothing in (2 s = two periods).
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(vault.tokens().filter((token) => token.path === 'auth/jwt/login')).toHaveLength(1);

    vault.addJwtRole('jwt', 'ci', { jwt: second, policies: ['app'], tokenTtlSeconds: 3600 });
    homeFile('jwt', second);
    const secondToken = await vault.waitFor(() => { const token = sinkToken(); return token !== firstToken && token; }, 20_000, 'a new sink token');
    expect(vault.tokens().find((token) => token.token === secondToken)?.path).toBe('auth/jwt/login');
    expect(existsSync(join(sandbox.homeDir, 'jwt'))).toBe(true);
    expect(await stopped(agent)).toBe(0);
    expect(agent.output()).toContain('auth method found new credentials, re-authenticating');
    expect(leakedSecrets(agent.output(), new Set([first, second, firstToken, secondToken, 'rotation-s3cret']))).toEqual([]);
  });

  it('ldap with the default removal: a new password file is consumed within the 0.5 s period and logs in again', async () => {
    const first = 'ldap-pw-one-Hx62';
    const second = 'ldap-pw-two-Pq17';
    agent = ldapSidecar(first, true);
    const firstToken = await vault.waitFor(() => sinkToken(), 20_000, 'the first sink token');
    expect(existsSync(join(sandbox.homeDir, 'ldap-password'))).toBe(false);

    vault.addLdapUser('ldap', 'svc-app', { password: second, policies: ['app'] });
    homeFile('ldap-password', second);
    const secondToken = await vault.waitFor(() => { const token = sinkToken(); return token !== firstToken && token; }, 20_000, 'a new sink token');
    expect(vault.tokens().find((token) => token.token === secondToken)?.path).toBe('auth/ldap/login');
    await vault.waitFor(() => !existsSync(join(sandbox.homeDir, 'ldap-password')), 5000, 'the new password file removed');
    expect(await stopped(agent)).toBe(0);
    expect(leakedSecrets(agent.output(), new Set([first, second, firstToken, secondToken]))).toEqual([]);
  });
});

describe('without enable_reauth_on_new_credentials (the default), as Vault Agent', () => {
  it('ldap: a new password file is still consumed within the period, but no login happens until the token needs one', async () => {
    const first = 'ldap-pw-one-Ws40';
    const second = 'ldap-pw-two-Mb93';
    agent = ldapSidecar(first, false);
    const firstToken = await vault.waitFor(() => sinkToken(), 20_000, 'the first sink token');
    homeFile('ldap-password', second);
    await vault.waitFor(() => !existsSync(join(sandbox.homeDir, 'ldap-password')), 5000, 'the new password file consumed');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(sinkToken()).toBe(firstToken);
    expect(vault.tokens().filter((token) => token.path === 'auth/ldap/login')).toHaveLength(1);
    expect(await stopped(agent)).toBe(0);
    expect(agent.output()).not.toContain('re-authenticating');
  });
});
