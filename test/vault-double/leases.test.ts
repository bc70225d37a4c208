// Dynamic database credentials and their leases: sys/leases/renew|revoke|lookup, max-TTL capping,
// expiry on the clock, revocation with the owning token; static credentials and rotation.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { createManualClock, startVaultDouble, type ManualClock, type VaultDouble } from './index.js';
import { asRecord, callVault } from './vault-http.js';

const START = Date.UTC(2026, 0, 1);

let clock: ManualClock;
let vault: VaultDouble;
let token: string;

beforeEach(async () => {
  clock = createManualClock(START);
  vault = await startVaultDouble({ clock: clock.now });
  vault.addDatabaseRole('database', 'app', { defaultTtlSeconds: 3600, maxTtlSeconds: 3 * 3600 });
  token = vault.createToken({ ttlSeconds: 30 * 24 * 3600, policies: ['db'] }).token;
});

afterEach(async () => {
  await vault.close();
});

async function issueCreds(): Promise<Record<string, unknown>> {
  const answer = await callVault(vault.address, 'GET', 'database/creds/app', { token });
  expect(answer.status).toBe(200);
  return asRecord(answer.body);
}

async function renew(leaseId: string, increment?: number | string): Promise<{ status: number; body: Record<string, unknown> }> {
  const answer = await callVault(vault.address, 'PUT', 'sys/leases/renew', { token, body: { lease_id: leaseId, ...(increment === undefined ? {} : { increment }) } });
  return { status: answer.status, body: asRecord(answer.body) };
}

describe('database/creds', () => {
  it('issues renewable leased credentials in the documented shape and records them', async () => {
    const body = await issueCreds();
    expect(body).toEqual({
      request_id: expect.any(String),
      lease_id: expect.stringMatching(/^database\/creds\/app\/[A-Za-z0-9]{24}$/),
      renewable: true,
      lease_duration: 3600,
      data: { password: expect.any(String), username: expect.stringMatching(/^v-token-app-/) },
      wrap_info: null,
      warnings: null,
      auth: null,
      mount_type: 'database',
    });
    const data = asRecord(body['data']);
    expect(vault.credentials()).toEqual([
      { kind: 'database', mount: 'database', role: 'app', leaseId: body['lease_id'], username: data['username'], password: data['password'], issuedAtMs: START },
    ]);
    expect(vault.lease(String(body['lease_id']))).toMatchObject({ path: 'database/creds/app', renewable: true, ttlSeconds: 3600, maxTtlSeconds: 10800, tokenAccessor: vault.token(token)?.accessor });
  });

  it('gives each request fresh credentials; an unknown role is a 400', async () => {
    const first = asRecord((await issueCreds())['data']);
    const second = asRecord((await issueCreds())['data']);
    expect(first['username']).not.toEqual(second['username']);
    expect(first['password']).not.toEqual(second['password']);
    const unknown = await callVault(vault.address, 'GET', 'database/creds/nope', { token });
    expect([unknown.status, unknown.body]).toEqual([400, { errors: ['unknown role: nope'] }]);
  });
});

describe('sys/leases/renew', () => {
  it('renews to the role default (increment 0) with only lease fields in the response', async () => {
    const leaseId = String((await issueCreds())['lease_id']);
    clock.advanceSeconds(2400);
    const renewed = await renew(leaseId, 0);
    expect(renewed.status).toBe(200);
    expect(renewed.body).toEqual({
      request_id: expect.any(String),
      lease_id: leaseId,
      renewable: true,
      lease_duration: 3600,
      data: null,
      wrap_info: null,
      warnings: null,
      auth: null,
      mount_type: 'system',
    });
    expect(vault.lease(leaseId)).toMatchObject({ renewals: 1, lastRenewalMs: START + 2400_000, expireTimeMs: START + 6000_000 });
  });

  it('caps renewals at issue time + max TTL with the warning, then the lease expires and cannot be renewed', async () => {
    const leaseId = String((await issueCreds())['lease_id']);
    clock.advanceSeconds(50 * 60);
    expect((await renew(leaseId, 0)).body['lease_duration']).toBe(3600);
    clock.advanceSeconds(50 * 60);
    // t = 1h40m: the 3h max leaves 1h20m.
    const capped = await renew(leaseId, '2h');
    expect(capped.body['lease_duration']).toBe(4800);
    expect(capped.body['warnings']).toEqual(['TTL of "2h0m0s" exceeded the effective max_ttl of "1h20m0s"; TTL value is capped accordingly']);
    clock.advanceSeconds(50 * 60);
    const again = await renew(leaseId);
    expect([again.body['lease_duration'], again.body['warnings']]).toEqual([1800, ['TTL of "1h0m0s" exceeded the effective max_ttl of "30m0s"; TTL value is capped accordingly']]);
    expect(vault.lease(leaseId)?.expireTimeMs).toBe(START + 3 * 3600_000);
    clock.advanceSeconds(1800);
    const expired = await renew(leaseId);
    expect([expired.status, expired.body]).toEqual([400, { errors: ['lease not found'] }]);
    expect(vault.lease(leaseId)?.revoked).toEqual({ atMs: START + 3 * 3600_000, reason: 'expired' });
  });

  it('accepts the lease id in the path and the legacy sys/renew path', async () => {
    const leaseId = String((await issueCreds())['lease_id']);
    const inPath = await callVault(vault.address, 'PUT', `sys/leases/renew/${leaseId}`, { token, body: { increment: 60 } });
    expect(asRecord(inPath.body)['lease_duration']).toBe(60);
    const legacy = await callVault(vault.address, 'PUT', 'sys/renew', { token, body: { lease_id: leaseId } });
    expect(asRecord(legacy.body)['lease_duration']).toBe(3600);
    const missing = await callVault(vault.address, 'PUT', 'sys/leases/renew', { token, body: {} });
    expect([missing.status, missing.body]).toEqual([400, { errors: ['lease_id must be specified'] }]);
  });
});

describe('sys/leases/lookup and revoke', () => {
  it('looks a lease up (data.id, issue/expire/last renewal times, ttl), then revokes it (204)', async () => {
    const leaseId = String((await issueCreds())['lease_id']);
    clock.advanceSeconds(100);
    const lookup = await callVault(vault.address, 'PUT', 'sys/leases/lookup', { token, body: { lease_id: leaseId } });
    expect(asRecord(lookup.body)['data']).toEqual({
      expire_time: '2026-01-01T01:00:00.000Z',
      id: leaseId,
      issue_time: '2026-01-01T00:00:00.000Z',
      last_renewal: null,
      renewable: true,
      ttl: 3500,
    });
    const revoked = await callVault(vault.address, 'PUT', 'sys/leases/revoke', { token, body: { lease_id: leaseId } });
    expect([revoked.status, revoked.text]).toEqual([204, '']);
    expect((await renew(leaseId)).body).toEqual({ errors: ['lease not found'] });
    const gone = await callVault(vault.address, 'PUT', 'sys/leases/lookup', { token, body: { lease_id: leaseId } });
    expect([gone.status, gone.body]).toEqual([400, { errors: ['invalid lease'] }]);
  });
});

describe('leases die with their token', () => {
  it('revoke-self revokes every lease the token created', async () => {
    const leaseIds = [String((await issueCreds())['lease_id']), String((await issueCreds())['lease_id'])];
    expect((await callVault(vault.address, 'PUT', 'auth/token/revoke-self', { token })).status).toBe(204);
    expect(leaseIds.map((leaseId) => vault.lease(leaseId)?.revoked?.reason)).toEqual(['parent-revoked', 'parent-revoked']);
  });

  it('token expiry on the clock revokes its leases at the expiry time', async () => {
    const shortLived = vault.createToken({ ttlSeconds: 600, policies: ['db'] }).token;
    const answer = await callVault(vault.address, 'GET', 'database/creds/app', { token: shortLived });
    const leaseId = String(asRecord(answer.body)['lease_id']);
    clock.advanceSeconds(601);
    expect(vault.lease(leaseId)?.revoked).toEqual({ atMs: START + 600_000, reason: 'parent-revoked' });
    expect((await renew(leaseId)).status).toBe(400);
  });
});

describe('database/static-creds', () => {
  it('returns rotated credentials without a lease; ttl counts down to the next rotation, which changes the password', async () => {
    vault.addDatabaseStaticRole('database', 'reporting', { username: 'report', rotationPeriodSeconds: 86400, password: 'initial-pw' });
    clock.advanceSeconds(3600);
    const first = asRecord((await callVault(vault.address, 'GET', 'database/static-creds/reporting', { token })).body);
    expect([first['lease_id'], first['lease_duration'], first['renewable']]).toEqual(['', 0, false]);
    expect(first['data']).toEqual({ last_vault_rotation: '2026-01-01T00:00:00.000Z', password: 'initial-pw', rotation_period: 86400, ttl: 82800, username: 'report' });
    clock.advanceSeconds(82800);
    const rotated = asRecord(asRecord((await callVault(vault.address, 'GET', 'database/static-creds/reporting', { token })).body)['data']);
    expect([rotated['last_vault_rotation'], rotated['ttl']]).toEqual(['2026-01-02T00:00:00.000Z', 86400]);
    expect(rotated['password']).not.toBe('initial-pw');
    expect(vault.credentials().filter((credential) => credential.kind === 'database-static').map((credential) => credential.password)).toEqual(['initial-pw', rotated['password']]);
    vault.rotateStaticCredentials('database', 'reporting');
    const manual = asRecord(asRecord((await callVault(vault.address, 'GET', 'database/static-creds/reporting', { token })).body)['data']);
    expect(manual['password']).not.toBe(rotated['password']);
  });
});
