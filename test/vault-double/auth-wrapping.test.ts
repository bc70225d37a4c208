// AppRole and JWT logins, response wrapping (login wrapping, sys/wrapping/wrap|unwrap|lookup,
// the wrapped secret-id flow the agent's approle method follows).
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { createManualClock, startVaultDouble, type ManualClock, type VaultDouble } from './index.js';
import { asRecord, callVault } from './vault-http.js';

const START = Date.UTC(2026, 0, 1);
const INVALID_WRAPPING = { errors: ['wrapping token is not valid or does not exist'] };

let clock: ManualClock;
let vault: VaultDouble;

beforeEach(async () => {
  clock = createManualClock(START);
  vault = await startVaultDouble({ clock: clock.now });
  vault.addAppRole('approle', 'worker', { roleId: 'role-123', secretIds: ['secret-a', { secretId: 'once', numUses: 1 }, { secretId: 'short', ttlSeconds: 60 }], policies: ['worker'], tokenTtlSeconds: 1200 });
  vault.addJwtRole('jwt', 'ci', { jwt: 'ci.jwt.token', metadata: { team: 'build' }, tokenTtlSeconds: 300 });
  vault.addKubernetesRole('kubernetes', 'app', { serviceAccountJwt: 'sa', tokenTtlSeconds: 3600 });
});

afterEach(async () => {
  await vault.close();
});

describe('approle', () => {
  it('logs in with role_id + secret_id; metadata.role_name; token with the role TTL', async () => {
    const answer = await callVault(vault.address, 'POST', 'auth/approle/login', { body: { role_id: 'role-123', secret_id: 'secret-a' } });
    expect(answer.status).toBe(200);
    const auth = asRecord(asRecord(answer.body)['auth']);
    expect(auth).toMatchObject({ metadata: { role_name: 'worker' }, lease_duration: 1200, renewable: true, policies: ['default', 'worker'], token_type: 'service' });
    expect(asRecord(answer.body)['mount_type']).toBe('approle');
  });

  it('refuses bad role or secret IDs with 400 "invalid role or secret ID"; honours num_uses and secret-id TTL', async () => {
    for (const body of [{ role_id: 'nope', secret_id: 'secret-a' }, { role_id: 'role-123', secret_id: 'wrong' }]) {
      const answer = await callVault(vault.address, 'POST', 'auth/approle/login', { body });
      expect([answer.status, answer.body]).toEqual([400, { errors: ['invalid role or secret ID'] }]);
    }
    expect((await callVault(vault.address, 'POST', 'auth/approle/login', { body: {} })).body).toEqual({ errors: ['missing role_id'] });
    expect((await callVault(vault.address, 'POST', 'auth/approle/login', { body: { role_id: 'role-123' } })).body).toEqual({ errors: ['missing secret_id'] });
    expect((await callVault(vault.address, 'POST', 'auth/approle/login', { body: { role_id: 'role-123', secret_id: 'once' } })).status).toBe(200);
    expect((await callVault(vault.address, 'POST', 'auth/approle/login', { body: { role_id: 'role-123', secret_id: 'once' } })).status).toBe(400);
    clock.advanceSeconds(61);
    expect((await callVault(vault.address, 'POST', 'auth/approle/login', { body: { role_id: 'role-123', secret_id: 'short' } })).status).toBe(400);
  });

  it('serves a wrapped secret-id: lookup shows creation_path, unwrap yields data.secret_id once, which logs in', async () => {
    const wrapped = await callVault(vault.address, 'POST', 'auth/approle/role/worker/secret-id', { token: vault.rootToken, headers: { 'X-Vault-Wrap-TTL': '5m' } });
    expect(wrapped.status).toBe(200);
    const wrapBody = asRecord(wrapped.body);
    expect([wrapBody['data'], wrapBody['auth']]).toEqual([null, null]);
    const wrapInfo = asRecord(wrapBody['wrap_info']);
    expect(wrapInfo).toEqual({
      token: expect.stringMatching(/^hvs\./),
      accessor: expect.any(String),
      ttl: 300,
      creation_time: '2026-01-01T00:00:00.000Z',
      creation_path: 'auth/approle/role/worker/secret-id',
      wrapped_accessor: expect.any(String),
    });
    const wrappingToken = String(wrapInfo['token']);
    const lookup = await callVault(vault.address, 'POST', 'sys/wrapping/lookup', { body: { token: wrappingToken } });
    expect(asRecord(lookup.body)['data']).toEqual({ creation_path: 'auth/approle/role/worker/secret-id', creation_time: '2026-01-01T00:00:00.000Z', creation_ttl: 300 });
    const unwrapped = await callVault(vault.address, 'POST', 'sys/wrapping/unwrap', { token: wrappingToken });
    expect(unwrapped.status).toBe(200);
    const secretData = asRecord(asRecord(unwrapped.body)['data']);
    expect(secretData).toMatchObject({ secret_id: expect.any(String), secret_id_accessor: wrapInfo['wrapped_accessor'], secret_id_ttl: 0 });
    const again = await callVault(vault.address, 'POST', 'sys/wrapping/unwrap', { token: wrappingToken });
    expect([again.status, again.body]).toEqual([400, INVALID_WRAPPING]);
    const login = await callVault(vault.address, 'POST', 'auth/approle/login', { body: { role_id: 'role-123', secret_id: secretData['secret_id'] } });
    expect(login.status).toBe(200);
    const roleId = await callVault(vault.address, 'GET', 'auth/approle/role/worker/role-id', { token: vault.rootToken });
    expect(asRecord(roleId.body)['data']).toEqual({ role_id: 'role-123' });
  });
});

describe('jwt', () => {
  it('logs in with role + jwt; a JWT the role rejects is a 400', async () => {
    const answer = await callVault(vault.address, 'POST', 'auth/jwt/login', { body: { role: 'ci', jwt: 'ci.jwt.token' } });
    expect(asRecord(asRecord(answer.body)['auth'])).toMatchObject({ metadata: { team: 'build', role: 'ci' }, lease_duration: 300 });
    const bad = await callVault(vault.address, 'POST', 'auth/jwt/login', { body: { role: 'ci', jwt: 'other' } });
    expect([bad.status, bad.body]).toEqual([400, { errors: ['error validating token: token is not valid for this role'] }]);
    const unknown = await callVault(vault.address, 'POST', 'auth/jwt/login', { body: { role: 'nope', jwt: 'ci.jwt.token' } });
    expect(unknown.body).toEqual({ errors: ['role "nope" could not be found'] });
  });
});

describe('response wrapping', () => {
  it('wraps a login: wrap_info instead of auth, wrapped_accessor = the new token accessor; unwrap returns the auth block', async () => {
    const answer = await callVault(vault.address, 'POST', 'auth/kubernetes/login', { body: { role: 'app', jwt: 'sa' }, headers: { 'X-Vault-Wrap-TTL': '120' } });
    const body = asRecord(answer.body);
    expect([answer.status, body['auth'], body['data']]).toEqual([200, null, null]);
    const wrapInfo = asRecord(body['wrap_info']);
    expect([wrapInfo['ttl'], wrapInfo['creation_path']]).toEqual([120, 'auth/kubernetes/login']);
    const wrappingToken = String(wrapInfo['token']);
    // A wrapping token is no ordinary token.
    expect((await callVault(vault.address, 'GET', 'auth/token/lookup-self', { token: wrappingToken })).body).toEqual({ errors: ['1 error occurred:\n\t* permission denied\n\n'] });
    const unwrapped = asRecord((await callVault(vault.address, 'PUT', 'sys/wrapping/unwrap', { token: wrappingToken })).body);
    const auth = asRecord(unwrapped['auth']);
    expect(auth['accessor']).toBe(wrapInfo['wrapped_accessor']);
    expect(auth['lease_duration']).toBe(3600);
    expect((await callVault(vault.address, 'GET', 'auth/token/lookup-self', { token: String(auth['client_token']) })).status).toBe(200);
    expect(vault.requests()[0]).toMatchObject({ wrapTtlSeconds: 120, endpoint: 'kubernetes.login' });
  });

  it('sys/wrapping/wrap wraps arbitrary data (needs the wrap header); unwrap by body token; wrapping tokens expire', async () => {
    const token = vault.createToken({ policies: ['default'] }).token;
    const noHeader = await callVault(vault.address, 'POST', 'sys/wrapping/wrap', { token, body: { foo: 'bar' } });
    expect([noHeader.status, noHeader.body]).toEqual([400, { errors: ['endpoint requires response wrapping to be used'] }]);
    const wrapped = asRecord((await callVault(vault.address, 'POST', 'sys/wrapping/wrap', { token, body: { foo: 'bar', zip: 'zap' }, headers: { 'X-Vault-Wrap-TTL': '60s' } })).body);
    const wrapInfo = asRecord(wrapped['wrap_info']);
    expect([wrapInfo['creation_path'], wrapInfo['ttl'], 'wrapped_accessor' in wrapInfo]).toEqual(['sys/wrapping/wrap', 60, false]);
    const unwrapped = await callVault(vault.address, 'POST', 'sys/wrapping/unwrap', { token, body: { token: wrapInfo['token'] } });
    expect(asRecord(unwrapped.body)['data']).toEqual({ foo: 'bar', zip: 'zap' });

    const second = asRecord(asRecord((await callVault(vault.address, 'POST', 'sys/wrapping/wrap', { token, body: { a: 1 }, headers: { 'X-Vault-Wrap-TTL': '60' } })).body)['wrap_info']);
    clock.advanceSeconds(60);
    expect((await callVault(vault.address, 'POST', 'sys/wrapping/lookup', { body: { token: second['token'] } })).body).toEqual(INVALID_WRAPPING);
    expect((await callVault(vault.address, 'POST', 'sys/wrapping/unwrap', { token: String(second['token']) })).body).toEqual(INVALID_WRAPPING);
  });
});
