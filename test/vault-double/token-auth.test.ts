// Kubernetes login, token lookup / renew / revoke, expiry and max-TTL capping on a manual clock.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { createManualClock, startVaultDouble, type ManualClock, type VaultDouble } from './index.js';
import { asRecord, callVault } from './vault-http.js';

const START = Date.UTC(2026, 0, 1);
const INVALID_TOKEN = { errors: ['2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n'] };
const PERMISSION_DENIED = { errors: ['1 error occurred:\n\t* permission denied\n\n'] };

/** A Kubernetes projected service-account token shape (unsigned: the double trusts the role check). */
function serviceAccountJwt(namespace: string, name: string, uid: string): string {
  const encode = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${encode({ alg: 'RS256' })}.${encode({ sub: `system:serviceaccount:${namespace}:${name}`, 'kubernetes.io': { namespace, serviceaccount: { name, uid } } })}.c2ln`;
}

let clock: ManualClock;
let vault: VaultDouble;

beforeEach(async () => {
  clock = createManualClock(START);
  vault = await startVaultDouble({ clock: clock.now });
});

afterEach(async () => {
  await vault.close();
});

async function login(jwt: string, role = 'app', mount = 'kubernetes'): Promise<Record<string, unknown>> {
  const answer = await callVault(vault.address, 'POST', `auth/${mount}/login`, { body: { role, jwt } });
  expect(answer.status).toBe(200);
  return asRecord(asRecord(answer.body)['auth']);
}

describe('kubernetes login', () => {
  const jwt = serviceAccountJwt('payments', 'api', '1c9f-uid');

  beforeEach(() => {
    vault.addKubernetesRole('kubernetes', 'app', { serviceAccountJwt: jwt, policies: ['app-read'], tokenTtlSeconds: 3600, tokenMaxTtlSeconds: 4 * 3600 });
  });

  it('returns the documented login envelope with the auth block and service-account metadata', async () => {
    const answer = await callVault(vault.address, 'PUT', 'auth/kubernetes/login', { body: { role: 'app', jwt: `${jwt}\n` } });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      request_id: expect.any(String),
      lease_id: '',
      renewable: false,
      lease_duration: 0,
      data: null,
      wrap_info: null,
      warnings: null,
      auth: {
        client_token: expect.stringMatching(/^hvs\.[A-Za-z0-9]{24}$/),
        accessor: expect.stringMatching(/^[A-Za-z0-9]{24}$/),
        policies: ['app-read', 'default'],
        token_policies: ['app-read', 'default'],
        metadata: { role: 'app', service_account_name: 'api', service_account_namespace: 'payments', service_account_secret_name: '', service_account_uid: '1c9f-uid' },
        lease_duration: 3600,
        renewable: true,
        entity_id: expect.any(String),
        token_type: 'service',
        orphan: true,
        mfa_requirement: null,
        num_uses: 0,
      },
      mount_type: 'kubernetes',
    });
    const auth = asRecord(asRecord(answer.body)['auth']);
    expect(vault.token(String(auth['client_token']))).toMatchObject({ path: 'auth/kubernetes/login', ttlSeconds: 3600, maxTtlSeconds: 14400 });
  });

  it('refuses a JWT the role does not accept (403), an unknown role (400), missing fields (400)', async () => {
    const wrongJwt = await callVault(vault.address, 'POST', 'auth/kubernetes/login', { body: { role: 'app', jwt: 'other' } });
    expect([wrongJwt.status, wrongJwt.body]).toEqual([403, PERMISSION_DENIED]);
    const unknownRole = await callVault(vault.address, 'POST', 'auth/kubernetes/login', { body: { role: 'nope', jwt } });
    expect([unknownRole.status, unknownRole.body]).toEqual([400, { errors: ['invalid role name "nope"'] }]);
    const noRole = await callVault(vault.address, 'POST', 'auth/kubernetes/login', { body: { jwt } });
    expect([noRole.status, noRole.body]).toEqual([400, { errors: ['missing role'] }]);
    const noJwt = await callVault(vault.address, 'POST', 'auth/kubernetes/login', { body: { role: 'app' } });
    expect([noJwt.status, noJwt.body]).toEqual([400, { errors: ['missing jwt'] }]);
    expect(vault.count('kubernetes.login')).toBe(4);
  });

  it('serves a custom mount path and a predicate credential check', async () => {
    vault.addKubernetesRole('k8s-istio', 'istiod', { serviceAccountJwt: (presented) => presented.startsWith('ey'), tokenTtlSeconds: 60 });
    const auth = await login('eyJhbGciOi.x.y', 'istiod', 'k8s-istio');
    expect(auth['lease_duration']).toBe(60);
    expect(auth['policies']).toEqual(['default']);
  });

  it('caps a role TTL above the max TTL, with the warning', async () => {
    vault.addKubernetesRole('kubernetes', 'capped', { serviceAccountJwt: jwt, tokenTtlSeconds: 7200, tokenMaxTtlSeconds: 1800 });
    const answer = await callVault(vault.address, 'POST', 'auth/kubernetes/login', { body: { role: 'capped', jwt } });
    expect(asRecord(asRecord(answer.body)['auth'])['lease_duration']).toBe(1800);
    expect(asRecord(answer.body)['warnings']).toEqual(['TTL of "2h0m0s" exceeded the effective max_ttl of "30m0s"; TTL value is capped accordingly']);
  });

  it('uses the mount default 768h when the role sets no TTL', async () => {
    vault.addKubernetesRole('kubernetes', 'plain', { serviceAccountJwt: jwt });
    expect((await login(jwt, 'plain'))['lease_duration']).toBe(2764800);
  });
});

describe('auth/token/*', () => {
  let token: string;
  let accessor: string;

  beforeEach(async () => {
    vault.addKubernetesRole('kubernetes', 'app', { serviceAccountJwt: 'sa-jwt', policies: ['app'], tokenTtlSeconds: 3600, tokenMaxTtlSeconds: 4 * 3600 });
    const auth = await login('sa-jwt');
    token = String(auth['client_token']);
    accessor = String(auth['accessor']);
  });

  it('lookup-self returns the token data (X-Vault-Token or Authorization: Bearer)', async () => {
    clock.advanceSeconds(100);
    const answer = await callVault(vault.address, 'GET', 'auth/token/lookup-self', { bearer: token });
    expect(answer.status).toBe(200);
    expect(asRecord(answer.body)['data']).toEqual({
      accessor,
      creation_time: START / 1000,
      creation_ttl: 3600,
      display_name: 'kubernetes--',
      entity_id: expect.any(String),
      expire_time: '2026-01-01T01:00:00.000Z',
      explicit_max_ttl: 0,
      id: token,
      issue_time: '2026-01-01T00:00:00.000Z',
      meta: { role: 'app', service_account_name: '', service_account_namespace: '', service_account_secret_name: '', service_account_uid: '' },
      num_uses: 0,
      orphan: true,
      path: 'auth/kubernetes/login',
      policies: ['app', 'default'],
      renewable: true,
      ttl: 3500,
      type: 'service',
    });
    expect(asRecord(answer.body)['mount_type']).toBe('token');
  });

  it('renew-self with increment 0 restores the role TTL; an increment is honoured up to the max TTL, then capped with the warning', async () => {
    clock.advanceSeconds(1800);
    const renewed = await callVault(vault.address, 'PUT', 'auth/token/renew-self', { token, body: { increment: 0 } });
    expect(renewed.status).toBe(200);
    expect(asRecord(renewed.body)['warnings']).toBeNull();
    expect(asRecord(asRecord(renewed.body)['auth'])).toMatchObject({ client_token: token, accessor, lease_duration: 3600, renewable: true, policies: ['app', 'default'] });

    clock.advanceSeconds(1800);
    const byString = await callVault(vault.address, 'POST', 'auth/token/renew-self', { token, body: { increment: '2h' } });
    expect(asRecord(asRecord(byString.body)['auth'])['lease_duration']).toBe(7200);

    // t = 3600 s; max TTL 4h from issue leaves 10800 s.
    const capped = await callVault(vault.address, 'PUT', 'auth/token/renew-self', { token, body: { increment: 86400 } });
    expect(asRecord(asRecord(capped.body)['auth'])['lease_duration']).toBe(10800);
    expect(asRecord(capped.body)['warnings']).toEqual(['TTL of "24h0m0s" exceeded the effective max_ttl of "3h0m0s"; TTL value is capped accordingly']);
    expect(vault.token(token)).toMatchObject({ renewals: 3, ttlSeconds: 10800, expireTimeMs: START + 4 * 3600 * 1000 });
  });

  it('never lets a token live past its max TTL: it expires and then gets 403 invalid token', async () => {
    for (let step = 0; step < 8; step += 1) {
      clock.advanceSeconds(1800);
      await callVault(vault.address, 'PUT', 'auth/token/renew-self', { token, body: { increment: 0 } });
    }
    expect(vault.token(token)?.expireTimeMs).toBe(START + 4 * 3600 * 1000);
    clock.advanceSeconds(1);
    const expired = await callVault(vault.address, 'GET', 'auth/token/lookup-self', { token });
    expect([expired.status, expired.body]).toEqual([403, INVALID_TOKEN]);
    expect(vault.token(token)?.revoked).toEqual({ atMs: START + 4 * 3600 * 1000, reason: 'expired' });
  });

  it('an unrenewed token expires at its TTL on the clock', async () => {
    clock.advanceSeconds(3599);
    expect((await callVault(vault.address, 'GET', 'auth/token/lookup-self', { token })).status).toBe(200);
    clock.advanceSeconds(1);
    expect((await callVault(vault.address, 'PUT', 'auth/token/renew-self', { token, body: {} })).body).toEqual(INVALID_TOKEN);
  });

  it('revoke-self answers 204 and the token is invalid afterwards', async () => {
    const revoked = await callVault(vault.address, 'POST', 'auth/token/revoke-self', { token });
    expect(revoked.status).toBe(204);
    expect(revoked.text).toBe('');
    expect((await callVault(vault.address, 'GET', 'auth/token/lookup-self', { token })).body).toEqual(INVALID_TOKEN);
    expect(vault.token(accessor)?.revoked?.reason).toBe('revoke-self');
  });

  it('missing token: 400 missing client token; bogus token: 403 pair; wrong method: 405', async () => {
    const missing = await callVault(vault.address, 'GET', 'auth/token/lookup-self');
    expect([missing.status, missing.body]).toEqual([400, { errors: ['missing client token'] }]);
    const bogus = await callVault(vault.address, 'GET', 'auth/token/lookup-self', { token: 'hvs.bogus' });
    expect([bogus.status, bogus.body]).toEqual([403, INVALID_TOKEN]);
    const wrongMethod = await callVault(vault.address, 'GET', 'auth/token/renew-self', { token });
    expect([wrongMethod.status, wrongMethod.body]).toEqual([405, { errors: ['1 error occurred:\n\t* unsupported operation\n\n'] }]);
  });

  it('logs the accessor, never the raw token', async () => {
    await callVault(vault.address, 'GET', 'auth/token/lookup-self', { token, headers: { 'X-Vault-Request': 'true' } });
    const record = vault.requests().at(-1);
    expect(record).toMatchObject({ method: 'GET', path: 'auth/token/lookup-self', status: 200, tokenAccessor: accessor, endpoint: 'token.lookup-self', vaultRequestHeader: true });
    expect(JSON.stringify(vault.requests())).not.toContain(token);
  });
});

describe('periodic, root and operator tokens', () => {
  it('a periodic token renews back to its period, past any role max TTL', async () => {
    vault.addKubernetesRole('kubernetes', 'periodic', { serviceAccountJwt: 'j', tokenPeriodSeconds: 600, tokenMaxTtlSeconds: 900 });
    const token = String((await login('j', 'periodic'))['client_token']);
    for (let step = 0; step < 5; step += 1) {
      clock.advanceSeconds(500);
      const renewed = await callVault(vault.address, 'PUT', 'auth/token/renew-self', { token, body: { increment: 3600 } });
      expect(asRecord(asRecord(renewed.body)['auth'])['lease_duration']).toBe(600);
    }
    const data = asRecord(asRecord((await callVault(vault.address, 'GET', 'auth/token/lookup-self', { token })).body)['data']);
    expect([data['period'], data['ttl']]).toEqual([600, 600]);
  });

  it('token_file style tokens: root never expires and cannot renew; a created token renews', async () => {
    const root = vault.createToken({ root: true });
    const rootData = asRecord(asRecord((await callVault(vault.address, 'GET', 'auth/token/lookup-self', { token: root.token })).body)['data']);
    expect([rootData['policies'], rootData['ttl'], rootData['expire_time'], rootData['renewable'], rootData['path']]).toEqual([['root'], 0, null, false, 'auth/token/root']);
    const rootRenew = await callVault(vault.address, 'PUT', 'auth/token/renew-self', { token: root.token, body: {} });
    expect([rootRenew.status, rootRenew.body]).toEqual([400, { errors: ['lease is not renewable'] }]);

    const operator = vault.createToken({ ttlSeconds: 120, policies: ['ops'] });
    clock.advanceSeconds(100);
    const renewed = await callVault(vault.address, 'PUT', 'auth/token/renew-self', { token: operator.token, body: {} });
    expect(asRecord(asRecord(renewed.body)['auth'])['lease_duration']).toBe(120);
  });

  it('batch tokens have no accessor and cannot be renewed', async () => {
    vault.addKubernetesRole('kubernetes', 'batch', { serviceAccountJwt: 'j', tokenType: 'batch', tokenTtlSeconds: 300 });
    const auth = await login('j', 'batch');
    expect([String(auth['client_token']).startsWith('hvb.'), auth['accessor'], auth['renewable'], auth['token_type']]).toEqual([true, '', false, 'batch']);
    const renew = await callVault(vault.address, 'PUT', 'auth/token/renew-self', { token: String(auth['client_token']), body: {} });
    expect([renew.status, renew.body]).toEqual([400, { errors: ['batch tokens cannot be renewed'] }]);
  });

  it('auth/token/create makes a child token that dies with its parent', async () => {
    const parent = vault.createToken({ ttlSeconds: 3600, policies: ['p'] });
    const created = await callVault(vault.address, 'POST', 'auth/token/create', { token: parent.token, body: { ttl: '10m', policies: ['p'] } });
    const child = String(asRecord(asRecord(created.body)['auth'])['client_token']);
    expect(asRecord(asRecord(created.body)['auth'])['lease_duration']).toBe(600);
    vault.faults.revokeToken(parent.token);
    expect(vault.token(child)?.revoked?.reason).toBe('parent-revoked');
  });
});
