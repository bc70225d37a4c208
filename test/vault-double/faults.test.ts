// Fault switches: down (reset / refused), sealed, slow, injected 5xx, forbidden tokens, forced
// lease and token expiry; plus the double's TLS listener.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { Agent, request } from 'node:http';
import { createManualClock, generateTestTls, startVaultDouble, type ManualClock, type VaultDouble } from './index.js';
import { asRecord, callVault } from './vault-http.js';

const START = Date.UTC(2026, 0, 1);
const INVALID_TOKEN = { errors: ['2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n'] };
const PERMISSION_DENIED = { errors: ['1 error occurred:\n\t* permission denied\n\n'] };

let clock: ManualClock;
let vault: VaultDouble;
let token: string;

beforeEach(async () => {
  clock = createManualClock(START);
  vault = await startVaultDouble({ clock: clock.now });
  vault.enableKv('secret', 2);
  vault.writeKv('secret/app', { v: 1 });
  vault.addDatabaseRole('database', 'app', { defaultTtlSeconds: 600, maxTtlSeconds: 3600 });
  token = vault.createToken({ ttlSeconds: 3600, policies: ['app'] }).token;
});

afterEach(async () => {
  await vault.close();
});

function connectionErrorCode(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => 'no error',
    (error: unknown) => String((error as { code?: unknown }).code),
  );
}

const readSecret = (): ReturnType<typeof callVault> => callVault(vault.address, 'GET', 'secret/data/app', { token });

describe('down / up', () => {
  it('resets every connection while down (reset), answers again after up on the same address', async () => {
    expect((await readSecret()).status).toBe(200);
    await vault.faults.down('reset');
    expect(await connectionErrorCode(readSecret())).toBe('ECONNRESET');
    expect(await connectionErrorCode(callVault(vault.address, 'GET', 'sys/health'))).toBe('ECONNRESET');
    await vault.faults.up();
    expect((await readSecret()).status).toBe(200);
    expect(vault.requests().map((record) => record.status)).toEqual([200, 200]);
  });

  it('refuses connections while down (refuse), listens on the same port after up', async () => {
    await vault.faults.down('refuse');
    expect(await connectionErrorCode(readSecret())).toBe('ECONNREFUSED');
    await vault.faults.up();
    expect((await readSecret()).status).toBe(200);
  });

  it('drops open keep-alive connections when going down', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const get = (): Promise<number> =>
      new Promise((resolve, reject) => {
        const outgoing = request(`${vault.address}/v1/sys/health`, { agent }, (incoming) => {
          incoming.resume();
          incoming.on('end', () => { resolve(incoming.statusCode ?? 0); });
        });
        outgoing.on('error', reject);
        outgoing.end();
      });
    expect(await get()).toBe(200);
    await vault.faults.down('reset');
    expect(await connectionErrorCode(get())).toMatch(/^(ECONNRESET|EPIPE)$/);
    await vault.faults.up();
    expect(await get()).toBe(200);
    agent.destroy();
  });
});

describe('sealed', () => {
  it('answers 503 {"errors":["Vault is sealed"]} everywhere, sys/health 503 sealed:true, seal-status 200 sealed:true', async () => {
    vault.faults.sealed(true);
    for (const answer of [await readSecret(), await callVault(vault.address, 'POST', 'auth/kubernetes/login', { body: { role: 'x', jwt: 'y' } }), await callVault(vault.address, 'PUT', 'auth/token/renew-self', { token })]) {
      expect([answer.status, answer.body]).toEqual([503, { errors: ['Vault is sealed'] }]);
    }
    const health = await callVault(vault.address, 'GET', 'sys/health');
    expect(health.status).toBe(503);
    expect(asRecord(health.body)).toMatchObject({ initialized: true, sealed: true });
    const sealStatus = await callVault(vault.address, 'GET', 'sys/seal-status');
    expect([sealStatus.status, asRecord(sealStatus.body)['sealed']]).toEqual([200, true]);
    vault.faults.sealed(false);
    expect((await readSecret()).status).toBe(200);
    expect(asRecord((await callVault(vault.address, 'GET', 'sys/health')).body)['sealed']).toBe(false);
  });

  it('sys/health honours sealedcode and HEAD', async () => {
    vault.faults.sealed(true);
    expect((await callVault(vault.address, 'GET', 'sys/health?sealedcode=200')).status).toBe(200);
    const head = await callVault(vault.address, 'HEAD', 'sys/health');
    expect([head.status, head.text]).toEqual([503, '']);
  });
});

describe('slow', () => {
  it('holds every response back: a slowed request answers after one sent later without the delay', async () => {
    vault.faults.slow(1500);
    const order: string[] = [];
    const slowed = readSecret().then((answer) => order.push(`slowed ${answer.status}`));
    await vault.waitFor(() => vault.pendingRequests() === 1, 1000, 'the slowed request to arrive');
    vault.faults.slow(0);
    await callVault(vault.address, 'GET', 'sys/health').then((answer) => order.push(`prompt ${answer.status}`));
    await slowed;
    expect(order).toEqual(['prompt 200', 'slowed 200']);
  });
});

describe('fail5xx', () => {
  it('fails the next N requests with the status and Vault\'s error body, then answers normally', async () => {
    vault.faults.fail5xx(2);
    const statuses = [];
    for (let attempt = 0; attempt < 3; attempt += 1) statuses.push(await readSecret());
    expect(statuses.map((answer) => answer.status)).toEqual([500, 500, 200]);
    expect(statuses[0]?.body).toEqual({ errors: ['1 error occurred:\n\t* internal error\n\n'] });
  });

  it("'always' keeps failing with the given status until cleared; a path filter spares other paths", async () => {
    vault.faults.fail5xx('always', 502, { path: 'sys/leases/renew' });
    expect((await readSecret()).status).toBe(200);
    const renewals = [];
    for (let attempt = 0; attempt < 3; attempt += 1) renewals.push((await callVault(vault.address, 'PUT', 'sys/leases/renew', { token, body: { lease_id: 'x' } })).status);
    expect(renewals).toEqual([502, 502, 502]);
    vault.faults.fail5xx(0);
    expect((await callVault(vault.address, 'PUT', 'sys/leases/renew', { token, body: { lease_id: 'x' } })).status).toBe(400);
    expect(() => { vault.faults.fail5xx(1, 404); }).toThrow('fail5xx status must be 500–599, got 404');
  });
});

describe('echoRequest', () => {
  it('answers with an error text that echoes the token, the path and the body; rules stack and run out', async () => {
    vault.faults.echoRequest({ path: 'secret/data/app', count: 1 });
    vault.faults.echoRequest({ path: /^sys\/wrapping/, status: 500, padBytes: 4096 });
    const echoed = await readSecret();
    expect(echoed.status).toBe(400);
    const text = JSON.stringify(echoed.body);
    expect(text).toContain(token);
    expect(text).toContain('/v1/secret/data/app');
    expect((await readSecret()).status).toBe(200);
    const wrap = await callVault(vault.address, 'POST', 'sys/wrapping/wrap', { token, body: { payload: 'body-value' } });
    expect(wrap.status).toBe(500);
    const [message] = (asRecord(wrap.body)['errors'] as string[]);
    expect(message).toContain('body-value');
    expect(message?.length).toBeGreaterThanOrEqual(4096);
    vault.faults.echoRequest();
    expect((await readSecret()).status).toBe(400);
    await vault.faults.clear();
    expect((await readSecret()).status).toBe(200);
    expect(() => { vault.faults.echoRequest({ status: 200 }); }).toThrow('echoRequest status must be 400–599, got 200');
  });
});

describe('token and lease faults', () => {
  it('forbidToken answers 403 permission denied (or the invalid-token pair) for that token only', async () => {
    const other = vault.createToken({ policies: ['app'] }).token;
    vault.faults.forbidToken(token);
    expect((await readSecret()).body).toEqual(PERMISSION_DENIED);
    expect((await callVault(vault.address, 'GET', 'secret/data/app', { token: other })).status).toBe(200);
    vault.faults.forbidToken(token, 'invalid-token');
    expect((await readSecret()).body).toEqual(INVALID_TOKEN);
    vault.faults.allowToken(token);
    expect((await readSecret()).status).toBe(200);
  });

  it('expireLease makes renewal fail with "lease not found"', async () => {
    const leaseId = String(asRecord((await callVault(vault.address, 'GET', 'database/creds/app', { token })).body)['lease_id']);
    vault.faults.expireLease(leaseId);
    const renew = await callVault(vault.address, 'PUT', 'sys/leases/renew', { token, body: { lease_id: leaseId } });
    expect([renew.status, renew.body]).toEqual([400, { errors: ['lease not found'] }]);
    expect(vault.lease(leaseId)).toMatchObject({ revoked: { atMs: START, reason: 'expired' }, ttlSeconds: 0 });
  });

  it('expireToken and revokeToken invalidate the token and revoke its leases', async () => {
    const leaseId = String(asRecord((await callVault(vault.address, 'GET', 'database/creds/app', { token })).body)['lease_id']);
    vault.faults.expireToken(token);
    expect((await readSecret()).body).toEqual(INVALID_TOKEN);
    expect(vault.lease(leaseId)?.revoked?.reason).toBe('parent-revoked');
    const second = vault.createToken({ policies: ['app'] }).token;
    vault.faults.revokeToken(second);
    expect((await callVault(vault.address, 'GET', 'secret/data/app', { token: second })).body).toEqual(INVALID_TOKEN);
    expect(vault.token(second)?.revoked?.reason).toBe('revoked');
  });

  it('clear() undoes every switch', async () => {
    vault.faults.sealed(true);
    vault.faults.fail5xx('always');
    vault.faults.forbidToken(token);
    await vault.faults.down('refuse');
    await vault.faults.clear();
    expect((await readSecret()).status).toBe(200);
  });
});

describe('TLS', () => {
  it('serves HTTPS with the given certificate; clients trusting the CA connect, others are refused', async () => {
    const tls = await generateTestTls();
    const secure = await startVaultDouble({ tls, clock: clock.now });
    try {
      expect(secure.address).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      secure.enableKv('kv', 1);
      secure.writeKv('kv/x', { a: 'b' });
      const listed = await callVault(secure.address, 'LIST', 'kv/', { token: secure.rootToken, ca: tls.caPem });
      expect(asRecord(listed.body)['data']).toEqual({ keys: ['x'] });
      expect(await connectionErrorCode(callVault(secure.address, 'GET', 'sys/health'))).toMatch(/CERT|SIGNED|VERIFY/);
    } finally {
      await secure.close();
    }
  });
});
