import { LosslessNumber } from 'lossless-json';
import type { PersistedCache } from './cache-contents.js';
import { CacheContentsError, decodeCacheContents, encodeCacheContents } from './cache-contents.js';

const cache: PersistedCache = {
  createdAtMs: 1_700_000_000_000,
  vaultAddress: 'https://vault.vault.svc:8200',
  authIdentity: '["kubernetes","auth/kubernetes","","app"]',
  token: { token: 'hvs.CAES-token', leaseSeconds: 2764800, renewable: true, obtainedAtMs: 1_699_999_999_000 },
  secrets: [
    {
      id: 'vault.read(database/creds/app)',
      kind: 'read',
      envelope: {
        request_id: 'r-1',
        lease_id: 'database/creds/app/abc',
        lease_duration: 3600,
        renewable: true,
        data: { username: 'v-app-1', password: 'pw-1', port: new LosslessNumber('5432'), ratio: new LosslessNumber('1.50'), big: new LosslessNumber('12345678901234567890') },
      },
      fetchedAtMs: 1_700_000_000_000,
      leaseUpdatedAtMs: 1_700_000_000_500,
    },
  ],
};

describe('persistent cache contents', () => {
  it('round-trips, keeping numbers in secret data exactly as Vault sent them', () => {
    const decoded = decodeCacheContents(encodeCacheContents(cache));
    expect(decoded.token).toEqual(cache.token);
    expect(decoded.vaultAddress).toBe(cache.vaultAddress);
    expect(decoded.authIdentity).toBe(cache.authIdentity);
    const [secret] = decoded.secrets;
    expect(secret).toMatchObject({ id: 'vault.read(database/creds/app)', kind: 'read', fetchedAtMs: 1_700_000_000_000, leaseUpdatedAtMs: 1_700_000_000_500 });
    expect(secret?.envelope).toMatchObject({ lease_id: 'database/creds/app/abc', lease_duration: 3600, renewable: true });
    const data = secret?.envelope.data as Record<string, unknown>;
    expect(String(data.ratio)).toBe('1.50');
    expect(String(data.big)).toBe('12345678901234567890');
    expect(data.ratio).toBeInstanceOf(LosslessNumber);
  });

  it('lists every problem by field name, never quoting a value', () => {
    const text = JSON.stringify({
      format: 1,
      created_at_ms: 1,
      vault_address: '',
      auth_identity: 'x',
      token: { token: '', lease_duration: -1, renewable: 'yes' },
      secrets: [{ id: 'a', kind: 'list', envelope: { lease_id: 'pw-do-not-print', lease_duration: 'long' } }, 7],
    });
    let error: unknown;
    try {
      decodeCacheContents(text);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(CacheContentsError);
    const message = (error as Error).message;
    for (const problem of [
      'token.renewable: expected a boolean',
      'token.token: expected a non-empty string',
      'token.lease_duration: expected a non-negative number',
      'token.obtained_at_ms: expected a non-negative number',
      'secrets[0].kind: expected "read" or "write"',
      'secrets[0].envelope.lease_duration: expected a non-negative number',
      'secrets[0].fetched_at_ms: expected a non-negative number',
      'secrets[1]: expected an object',
      'contents.vault_address: expected a non-empty string',
    ]) {
      expect(message).toContain(problem);
    }
    expect(message).not.toContain('pw-do-not-print');
  });

  it('does not echo the text of unparseable contents', () => {
    expect(() => decodeCacheContents('{"token": "hvs.leaky', )).toThrow(/^the cache contents are not valid JSON$/);
    expect(() => decodeCacheContents(JSON.stringify({ ...JSON.parse(encodeCacheContents(cache)), format: 2 }))).toThrow(/format: expected 1/);
  });
});
