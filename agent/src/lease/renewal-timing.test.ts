import { leaseGraceMs, nonRenewableDelayMs, planRefetch, renewRetryDelayMs, renewalIsOver, renewalSleepMs } from './renewal-timing.js';
import { watchLifetime } from './lifetime-watcher.js';
import type { RenewalResult } from './lifetime-watcher.js';
import { VaultResponseError, VaultConnectionError } from '../vault/vault-error.js';
import { nextBackoff, startBackoff, fetchRetryDelayMs } from '../supervisor/backoff.js';
import { parseVaultJson } from '../../../common/src/vault-json.js';
import { toSecretEnvelope } from '../vault/vault-client.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const fixed = (value: number) => () => value;

// https://github.com/hashicorp/vault/blob/main/api/lifetime_watcher.go
describe('renewal timing (lifetime watcher)', () => {
  it('grace is 10–20 % of the lease', () => {
    expect(leaseGraceMs(HOUR, fixed(0))).toBe(6 * MIN);
    expect(leaseGraceMs(HOUR, fixed(0.5))).toBe(9 * MIN);
    expect(leaseGraceMs(HOUR, fixed(0.999999))).toBeCloseTo(12 * MIN, -2);
    expect(leaseGraceMs(0, fixed(0.5))).toBe(0);
  });

  it('sleeps two thirds of the lease plus a third of the grace: ≈ 70–73 % of a fresh lease', () => {
    expect(renewalSleepMs(HOUR, 6 * MIN)).toBe(42 * MIN);
    expect(renewalSleepMs(HOUR, 12 * MIN)).toBe(44 * MIN);
  });

  it('finishes once what remains is within about four graces', () => {
    const grace = 9 * MIN;
    expect(renewalIsOver(HOUR, renewalSleepMs(HOUR, grace), grace)).toBe(false);
    expect(renewalIsOver(36 * MIN, renewalSleepMs(36 * MIN, grace), grace)).toBe(true); // 36 − 27 = 9 ≤ 9
    expect(renewalIsOver(37 * MIN, renewalSleepMs(37 * MIN, grace), grace)).toBe(false);
    expect(renewalIsOver(8 * MIN, 0, grace)).toBe(true);
  });

  it('retries failed token renewals from 10 s doubling to 5 min, ±50 %', () => {
    expect(renewRetryDelayMs(0, fixed(0.5))).toBe(10_000);
    expect(renewRetryDelayMs(1, fixed(0.5))).toBe(20_000);
    expect(renewRetryDelayMs(0, fixed(0))).toBe(5_000);
    expect(renewRetryDelayMs(10, fixed(0.5))).toBe(300_000);
  });
});

// https://github.com/hashicorp/consul-template/blob/main/dependency/vault_common.go
describe('re-fetch timing per kind of secret (consul-template leaseCheckWait)', () => {
  const options = { staticIntervalMs: 5 * MIN, threshold: 0.9, nowMs: 1_700_000_000_000 };
  const envelope = (text: string) => toSecretEnvelope(parseVaultJson(text));

  it('renewable leases are renewed', () => {
    expect(planRefetch(envelope('{"lease_id":"database/creds/app/x","renewable":true,"lease_duration":3600,"data":{}}'), { ...options, random: fixed(0.5) })).toEqual({ kind: 'renew' });
  });

  it('KV v2 and other lease-less reads poll at 85–95 % of the render interval', () => {
    const kv2 = envelope('{"lease_id":"","renewable":false,"lease_duration":0,"data":{"data":{"a":"b"}}}');
    expect(planRefetch(kv2, { ...options, random: fixed(0) })).toEqual({ kind: 'sleep', delayMs: 4.25 * MIN });
    expect(planRefetch(kv2, { ...options, random: fixed(1) })).toEqual({ kind: 'sleep', delayMs: 4.75 * MIN });
  });

  it('KV v1 without a ttl key waits out most of the 768 h mount default (27–30 days)', () => {
    const kv1 = envelope('{"lease_id":"","renewable":false,"lease_duration":2764800,"data":{"a":"b"}}');
    const plan = planRefetch(kv1, { ...options, random: fixed(0.5) });
    expect(plan).toEqual({ kind: 'sleep', delayMs: 2764800 * 1000 * 0.9 });
    expect((plan as { delayMs: number }).delayMs / 86_400_000).toBeCloseTo(28.8, 1);
  });

  it('PKI certificates without a lease are re-issued at 85–95 % of their remaining validity', () => {
    const expiration = options.nowMs / 1000 + 3600;
    const cert = envelope(`{"lease_id":"","renewable":false,"lease_duration":0,"data":{"certificate":"-----BEGIN","expiration":${expiration}}}`);
    expect(planRefetch(cert, { ...options, random: fixed(0.5) })).toEqual({ kind: 'sleep', delayMs: 0.9 * HOUR });
    const expired = envelope(`{"lease_id":"","data":{"certificate":"x","expiration":${expiration - 7200}}}`);
    expect(planRefetch(expired, { ...options, random: fixed(0.5) })).toEqual({ kind: 'sleep', delayMs: 0 });
  });

  it('static database roles are re-read one second after the rotation', () => {
    const rotating = envelope('{"lease_id":"","data":{"username":"u","password":"p","rotation_period":86400,"ttl":120}}');
    expect(planRefetch(rotating, { ...options, random: fixed(0.5) })).toEqual({ kind: 'sleep', delayMs: 121_000 });
    const zero = envelope('{"lease_id":"","data":{"rotation_period":86400,"ttl":0}}');
    expect(planRefetch(zero, { ...options, random: fixed(0.5) }).kind).toBe('error');
  });

  it('AppRole secret-id responses use secret_id_ttl + 1 as the base', () => {
    const secretId = envelope('{"lease_id":"","data":{"secret_id":"s","secret_id_ttl":99}}');
    expect(planRefetch(secretId, { ...options, random: fixed(0.5) })).toEqual({ kind: 'sleep', delayMs: 90_000 });
  });

  it('non-renewable fractions fall back to θ when the jitter leaves (0, 1)', () => {
    expect(nonRenewableDelayMs(1000, 0.98, fixed(1))).toBe(980);
  });
});

describe('backoff', () => {
  it('auth backoff doubles from min to max, shortened by up to 25 %', () => {
    let state = startBackoff(1000, 300_000);
    const delays: number[] = [];
    for (let index = 0; index < 11; index += 1) {
      const step = nextBackoff(state, fixed(0));
      delays.push(step.delayMs);
      state = step.state;
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16_000, 32_000, 64_000, 128_000, 256_000, 300_000, 300_000]);
    expect(nextBackoff(startBackoff(1000, 300_000), fixed(0.999999)).delayMs).toBeCloseTo(750, 0);
  });

  it('a max below the min keeps the min', () => {
    const first = nextBackoff(startBackoff(60_000, 1000), fixed(0));
    expect(first.delayMs).toBe(60_000);
    expect(nextBackoff(first.state, fixed(0)).delayMs).toBe(60_000);
  });

  it('fetch retries: 250 ms doubling, capped at 1 min, 12 attempts', () => {
    const options = { baseMs: 250, maxMs: 60_000, attempts: 12 };
    const delays = Array.from({ length: 13 }, (_, attempt) => fetchRetryDelayMs(attempt, options));
    expect(delays).toEqual([250, 500, 1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000, 60_000, 60_000, undefined]);
  });
});

/** A token with ttl/max_ttl as Vault keeps it, on a fake clock. */
function simulatedToken(ttlSeconds: number, maxTtlSeconds: number) {
  let clock = 0;
  const renewals: number[] = [];
  const sleeps: number[] = [];
  return {
    renewals,
    sleeps,
    now: () => clock,
    sleep: (ms: number) => {
      sleeps.push(ms);
      clock += ms;
      return Promise.resolve(true);
    },
    renew: (): Promise<RenewalResult> => {
      renewals.push(clock);
      const remainingToMax = maxTtlSeconds - clock / 1000;
      return Promise.resolve({ leaseSeconds: Math.max(0, Math.min(ttlSeconds, Math.floor(remainingToMax))), renewable: true });
    },
  };
}

describe('watchLifetime', () => {
  const signal = new AbortController().signal;

  it('follows the spec worked example: 1 h token, 4 h max → renew at 0, ≈43 min, … then re-login', async () => {
    const token = simulatedToken(3600, 4 * 3600);
    const outcome = await watchLifetime(
      { initialLeaseSeconds: 3600, renewable: true, mode: 'token', renew: token.renew, now: token.now, sleep: token.sleep, random: fixed(0.5) },
      signal,
    );
    expect(outcome).toEqual({ kind: 'done' });
    expect(token.renewals.map((at) => at / MIN)).toEqual([0, 43, 86, 129, 172, 215]);
    // At 215 min the capped TTL is 25 min (< 4 × 9 min grace): the watcher finishes with time to spare.
    expect(4 * HOUR - token.now()).toBe(25 * MIN);
  });

  it('a non-renewable token is waited out and finishes inside the grace window', async () => {
    const token = simulatedToken(3600, 3600);
    const outcome = await watchLifetime(
      { initialLeaseSeconds: 3600, renewable: false, mode: 'token', renew: token.renew, now: token.now, sleep: token.sleep, random: fixed(0.5) },
      signal,
    );
    expect(outcome).toEqual({ kind: 'done' });
    expect(token.renewals).toEqual([]);
    const remaining = HOUR - token.now();
    expect(remaining).toBeGreaterThan(0);
    expect(remaining).toBeLessThanOrEqual(4 * 9 * MIN);
  });

  it('retries transient token renewal errors, then re-logs in before expiry', async () => {
    const token = simulatedToken(3600, 100 * 3600);
    let failures = 0;
    const renew = () => {
      failures += 1;
      return Promise.reject(new VaultConnectionError('PUT', 'auth/token/renew-self', 'ECONNRESET', 'socket hang up'));
    };
    const outcome = await watchLifetime(
      { initialLeaseSeconds: 3600, renewable: true, mode: 'token', renew, now: token.now, sleep: token.sleep, random: fixed(0.5) },
      signal,
    );
    expect(outcome).toEqual({ kind: 'done' });
    expect(token.sleeps.slice(0, 4)).toEqual([10_000, 20_000, 40_000, 80_000]);
    expect(failures).toBeGreaterThan(4);
    expect(token.now()).toBeLessThan(HOUR);
  });

  it('403 invalid token ends the watch at once; plain permission denied waits the lease out', async () => {
    const token = simulatedToken(3600, 3600);
    const invalid = await watchLifetime(
      {
        initialLeaseSeconds: 3600, renewable: true, mode: 'token', now: token.now, sleep: token.sleep, random: fixed(0.5),
        renew: () => Promise.reject(new VaultResponseError('PUT', 'auth/token/renew-self', 403, ['permission denied', 'invalid token'])),
      },
      signal,
    );
    expect(invalid).toEqual({ kind: 'invalid' });
    expect(token.now()).toBe(0);
    let calls = 0;
    const denied = await watchLifetime(
      {
        initialLeaseSeconds: 3600, renewable: true, mode: 'token', now: token.now, sleep: token.sleep, random: fixed(0.5),
        renew: () => { calls += 1; return Promise.reject(new VaultResponseError('PUT', 'auth/token/renew-self', 403, ['1 error occurred:\n\t* permission denied\n\n'])); },
      },
      signal,
    );
    expect(denied).toEqual({ kind: 'done' });
    expect(calls).toBe(1);
    expect(token.now()).toBeGreaterThan(30 * MIN);
  });

  it('in secret mode a renewal error ends the watch with the error', async () => {
    const token = simulatedToken(3600, 3600);
    const error = new VaultResponseError('PUT', 'sys/leases/renew', 400, ['lease not found']);
    const outcome = await watchLifetime(
      { initialLeaseSeconds: 3600, renewable: true, mode: 'secret', now: token.now, sleep: token.sleep, random: fixed(0.5), renew: () => Promise.reject(error) },
      signal,
    );
    expect(outcome).toEqual({ kind: 'error', error });
  });

  it('stops when aborted', async () => {
    const controller = new AbortController();
    const token = simulatedToken(3600, 3600);
    const outcome = await watchLifetime(
      {
        initialLeaseSeconds: 3600, renewable: true, mode: 'token', now: token.now, random: fixed(0.5), renew: token.renew,
        sleep: () => { controller.abort(); return Promise.resolve(false); },
      },
      controller.signal,
    );
    expect(outcome).toEqual({ kind: 'stopped' });
  });
});
