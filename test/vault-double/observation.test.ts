// The test-side view: request log, counters, waitFor / waitForRequest, token and lease views.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { createManualClock, startVaultDouble, type ManualClock, type VaultDouble } from './index.js';
import { callVault } from './vault-http.js';

let clock: ManualClock;
let vault: VaultDouble;

beforeEach(async () => {
  clock = createManualClock(Date.UTC(2026, 0, 1));
  vault = await startVaultDouble({ clock: clock.now });
  vault.enableKv('secret', 2);
  vault.writeKv('secret/a', { v: 1 });
});

afterEach(async () => {
  await vault.close();
});

describe('observation', () => {
  it('waitForRequest resolves with a request that arrives later; waitFor with the probe value', async () => {
    const seen = vault.waitForRequest((request) => request.endpoint === 'kv2.read' && request.status === 200, 5000);
    const counted = vault.waitFor(() => vault.count('kv2.read') >= 2 && vault.count('kv2.read'), 5000, 'two reads');
    await callVault(vault.address, 'GET', 'secret/data/a', { token: vault.rootToken });
    await callVault(vault.address, 'GET', 'secret/data/a?version=1', { token: vault.rootToken });
    expect(await seen).toMatchObject({ seq: 1, method: 'GET', path: 'secret/data/a', query: {}, status: 200, atMs: Date.UTC(2026, 0, 1) });
    expect(await counted).toBe(2);
    expect(vault.requests()[1]?.query).toEqual({ version: '1' });
    expect(vault.counters()).toEqual({ 'kv2.read': 2 });
    expect(vault.pendingRequests()).toBe(0);
  });

  it('waitFor rejects naming what it waited for', async () => {
    await expect(vault.waitFor(() => false, 50, 'the impossible')).rejects.toThrow('vault double: timed out after 50 ms waiting for the impossible');
  });

  it('clearRequests empties the log and the counters', async () => {
    await callVault(vault.address, 'GET', 'sys/health');
    vault.clearRequests();
    expect([vault.requests(), vault.counters()]).toEqual([[], {}]);
  });

  it('token views follow the clock; seeding mistakes throw with the problem named', () => {
    const { token, accessor } = vault.createToken({ ttlSeconds: 100, policies: ['x'] });
    clock.advanceSeconds(40);
    expect(vault.token(accessor)).toMatchObject({ token, ttlSeconds: 60, revoked: null, policies: ['default', 'x'] });
    clock.advanceSeconds(60);
    expect(vault.tokens().find((view) => view.accessor === accessor)?.revoked).toEqual({ atMs: Date.UTC(2026, 0, 1) + 100_000, reason: 'expired' });
    expect(() => vault.writeKv('nowhere/x', { a: 1 })).toThrow('vault double: no KV mount serves nowhere/x');
    expect(() => { vault.enableKv('secret', 1); }).toThrow('path is already in use at secret/');
    expect(() => { vault.addKubernetesRole('kubernetes', 'r', { serviceAccountJwt: 'j', tokenTtlSeconds: -5 }); }).toThrow('tokenTtlSeconds must be a non-negative integer (got -5)');
  });
});
