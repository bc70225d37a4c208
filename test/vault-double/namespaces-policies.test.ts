// X-Vault-Namespace (and namespace path prefixes), and ACL policies with Vault's path matching.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { startVaultDouble, type VaultDouble } from './index.js';
import { asRecord, callVault } from './vault-http.js';

const INVALID_TOKEN = { errors: ['2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n'] };
const PERMISSION_DENIED = { errors: ['1 error occurred:\n\t* permission denied\n\n'] };

let vault: VaultDouble;

beforeEach(async () => {
  vault = await startVaultDouble();
});

afterEach(async () => {
  await vault.close();
});

describe('namespaces', () => {
  beforeEach(() => {
    vault.enableKv('secret', 2, { namespace: 'team-a' });
    vault.writeKv('secret/app', { owner: 'team-a' }, { namespace: 'team-a' });
    vault.addKubernetesRole('kubernetes', 'app', { serviceAccountJwt: 'sa', namespace: 'team-a', policies: ['reader'] });
  });

  it('serves namespaced mounts through X-Vault-Namespace or a path prefix, not from the root namespace', async () => {
    const byHeader = await callVault(vault.address, 'GET', 'secret/data/app', { token: vault.rootToken, headers: { 'X-Vault-Namespace': 'team-a/' } });
    expect(asRecord(asRecord(byHeader.body)['data'])['data']).toEqual({ owner: 'team-a' });
    const byPath = await callVault(vault.address, 'GET', 'team-a/secret/data/app', { token: vault.rootToken });
    expect(byPath.status).toBe(200);
    const root = await callVault(vault.address, 'GET', 'secret/data/app', { token: vault.rootToken });
    expect([root.status, root.body]).toEqual([404, { errors: ['no handler for route "secret/data/app". route entry not found.'] }]);
    const mounts = await callVault(vault.address, 'GET', 'sys/internal/ui/mounts/secret/app', { token: vault.rootToken, headers: { 'X-Vault-Namespace': 'team-a' } });
    expect(asRecord(asRecord(mounts.body)['data'])).toMatchObject({ path: 'secret/', options: { version: '2' } });
    expect(vault.requests()[0]?.namespaceHeader).toBe('team-a');
  });

  it('a token from a namespace works there and below, not in the root namespace', async () => {
    const login = await callVault(vault.address, 'POST', 'auth/kubernetes/login', { body: { role: 'app', jwt: 'sa' }, headers: { 'X-Vault-Namespace': 'team-a' } });
    const token = String(asRecord(asRecord(login.body)['auth'])['client_token']);
    expect((await callVault(vault.address, 'GET', 'secret/data/app', { token, headers: { 'X-Vault-Namespace': 'team-a' } })).status).toBe(200);
    expect((await callVault(vault.address, 'GET', 'auth/token/lookup-self', { token })).body).toEqual(INVALID_TOKEN);
    // Nothing is mounted at auth/kubernetes in the root namespace, so the path is not a login
    // path there and Vault asks for a token first.
    expect((await callVault(vault.address, 'POST', 'auth/kubernetes/login', { body: { role: 'app', jwt: 'sa' } })).body).toEqual({ errors: ['missing client token'] });
  });
});

describe('policies', () => {
  beforeEach(() => {
    vault.enableKv('secret', 2);
    vault.writeKv('secret/app/config', { v: 1 });
    vault.writeKv('secret/other', { v: 2 });
    vault.addPolicy('app-read', [
      { path: 'secret/data/app/*', capabilities: ['read'] },
      { path: 'secret/metadata/app/*', capabilities: ['list'] },
      { path: 'secret/data/app/blocked', capabilities: ['deny'] },
    ]);
  });

  it('grants what the policy names, denies the rest with 403 permission denied', async () => {
    const { token } = vault.createToken({ policies: ['app-read'] });
    expect((await callVault(vault.address, 'GET', 'secret/data/app/config', { token })).status).toBe(200);
    expect((await callVault(vault.address, 'GET', 'secret/data/other', { token })).body).toEqual(PERMISSION_DENIED);
    expect((await callVault(vault.address, 'PUT', 'secret/data/app/config', { token, body: { data: { v: 3 } } })).body).toEqual(PERMISSION_DENIED);
    expect((await callVault(vault.address, 'GET', 'secret/data/app/blocked', { token })).status).toBe(403);
    expect(asRecord((await callVault(vault.address, 'LIST', 'secret/metadata/app/', { token })).body)['data']).toEqual({ keys: ['config'] });
    expect((await callVault(vault.address, 'LIST', 'secret/metadata/', { token })).body).toEqual(PERMISSION_DENIED);
    // The default policy still allows token self-service.
    expect((await callVault(vault.address, 'GET', 'auth/token/lookup-self', { token })).status).toBe(200);
    expect((await callVault(vault.address, 'PUT', 'auth/token/renew-self', { token, body: {} })).status).toBe(200);
  });

  it('a token with only the default policy cannot read secrets; an undefined policy name grants everything', async () => {
    const onlyDefault = vault.createToken({ policies: [] }).token;
    expect((await callVault(vault.address, 'GET', 'secret/data/app/config', { token: onlyDefault })).body).toEqual(PERMISSION_DENIED);
    const open = vault.createToken({ policies: ['not-defined'] }).token;
    expect((await callVault(vault.address, 'GET', 'secret/data/other', { token: open })).status).toBe(200);
  });

  it('matches + segments and prefers the most specific rule', async () => {
    vault.addPolicy('segments', [
      { path: 'secret/data/+/config', capabilities: ['read'] },
      { path: 'secret/data/*', capabilities: ['deny'] },
    ]);
    const { token } = vault.createToken({ policies: ['segments'] });
    expect((await callVault(vault.address, 'GET', 'secret/data/app/config', { token })).status).toBe(200);
    expect((await callVault(vault.address, 'GET', 'secret/data/other', { token })).status).toBe(403);
  });
});
