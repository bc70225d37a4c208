import { mkdtempSync, openSync, readFileSync, readdirSync, readSync, rmSync, statSync, symlinkSync, truncateSync, writeFileSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createHash, hkdfSync } from 'node:crypto';
import { join } from 'node:path';
import type { AuthMethodConfig, PersistConfig } from '../config/agent-config.js';
import type { PersistedCache } from './cache-contents.js';
import type { CacheKeyCustodian } from './cache-key.js';
import { CacheKeyError } from './cache-key.js';
import { openCache, retrievalTokenOf } from './cache-cipher.js';
import { CACHE_FILE_NAME, MAX_CACHE_FILE_BYTES, authIdentityOf, cacheFilePath, keyFileFor, readPersistentCache, writePersistentCache } from './persistent-cache.js';

const method: AuthMethodConfig = {
  type: 'kubernetes',
  mountPath: 'auth/kubernetes',
  namespace: undefined,
  wrapTtl: undefined,
  minBackoffMs: undefined,
  maxBackoffMs: undefined,
  exitOnError: false,
  config: { role: 'app', token_path: '/var/run/secrets/vault.hashicorp.com/serviceaccount/token' },
};

let dir: string;
let keyFile: string;
let persist: PersistConfig;
let contents: PersistedCache;
let custodian: CacheKeyCustodian & { readonly held: Map<string, Buffer> };

/** Vault's wrapping store in miniature: each retrieval token gives its key back once. */
function memoryCustodian(): CacheKeyCustodian & { readonly held: Map<string, Buffer> } {
  const held = new Map<string, Buffer>();
  let count = 0;
  return {
    held,
    store(key) {
      count += 1;
      const token = `hvs.wrapping-token-${count}`;
      held.set(token, Buffer.from(key));
      return Promise.resolve(token);
    },
    retrieve(token) {
      const key = held.get(token);
      held.delete(token);
      return key === undefined ? Promise.reject(new CacheKeyError('the cache key could not be unwrapped (expired, or already unwrapped by someone else)')) : Promise.resolve(key);
    },
  };
}
const expected = () => ({ vaultAddress: contents.vaultAddress, authIdentity: contents.authIdentity });

beforeEach(() => {
  custodian = memoryCustodian();
  dir = mkdtempSync(join(tmpdir(), 'persist-'));
  keyFile = join(dir, 'sa-token');
  writeFileSync(keyFile, 'eyJhbGciOiJSUzI1NiJ9.claims.signature\n');
  persist = { type: 'kubernetes', path: dir, keepAfterImport: false, exitOnError: false, serviceAccountTokenFile: undefined };
  contents = {
    createdAtMs: 1000,
    vaultAddress: 'http://127.0.0.1:8200',
    authIdentity: authIdentityOf(method),
    token: { token: 'hvs.persisted-token', leaseSeconds: 3600, renewable: true, obtainedAtMs: 900 },
    secrets: [{ id: 'vault.read(database/creds/app)', kind: 'read', envelope: { lease_id: 'database/creds/app/1', lease_duration: 60, renewable: true, data: { password: 'db-password' } }, fetchedAtMs: 950, leaseUpdatedAtMs: 950 }],
  };
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('persistent cache file', () => {
  it('writes one 0600 file, encrypted, and reads it back; the import removes it by default', async () => {
    const path = await writePersistentCache({ persist, keyFile, custodian, contents });
    expect(path).toBe(join(dir, CACHE_FILE_NAME));
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const bytes = readFileSync(path);
    expect(bytes.includes(Buffer.from('hvs.persisted-token'))).toBe(false);
    expect(bytes.includes(Buffer.from('db-password'))).toBe(false);
    const outcome = await readPersistentCache({ persist, keyFile, custodian, expected: expected() });
    expect(outcome.kind).toBe('restored');
    if (outcome.kind !== 'restored') return;
    expect(outcome.cache.token).toEqual(contents.token);
    expect(outcome.cache.secrets[0]?.envelope.data).toEqual({ password: 'db-password' });
    expect(outcome.removed).toBe(true);
    expect(readdirSync(dir)).toEqual(['sa-token']);
  });

  it('keep_after_import leaves the file in place', async () => {
    await writePersistentCache({ persist, keyFile, custodian, contents });
    const outcome = await readPersistentCache({ persist: { ...persist, keepAfterImport: true }, keyFile, custodian, expected: expected() });
    expect(outcome).toMatchObject({ kind: 'restored', removed: false });
    expect(readdirSync(dir).sort()).toEqual(['sa-token', CACHE_FILE_NAME]);
  });

  it('is absent when the init container wrote nothing', async () => {
    expect(await readPersistentCache({ persist, keyFile, custodian, expected: expected() })).toEqual({ kind: 'absent' });
  });

  it('writes atomically: a new file replaces the old one by rename, and no temp file remains', async () => {
    const path = await writePersistentCache({ persist, keyFile, custodian, contents });
    const before = readFileSync(path);
    // A reader that opened the old file keeps reading the old, whole file.
    const reader = openSync(path, 'r');
    try {
      await writePersistentCache({ persist, keyFile, custodian, contents: { ...contents, createdAtMs: 2000 } });
      const old = Buffer.alloc(before.length);
      expect(readSync(reader, old, 0, old.length, 0)).toBe(before.length);
      expect(old.equals(before)).toBe(true);
    } finally {
      closeSync(reader);
    }
    expect(readFileSync(path).equals(before)).toBe(false);
    expect(readdirSync(dir).filter((name) => name.includes('.tmp.'))).toEqual([]);
    const outcome = await readPersistentCache({ persist, keyFile, custodian, expected: expected() });
    expect(outcome.kind === 'restored' && outcome.cache.createdAtMs).toBe(2000);
  });

  it('a failed write leaves neither a partial file nor a temp file', async () => {
    await expect(writePersistentCache({ persist: { ...persist, path: join(dir, 'missing-dir') }, keyFile, custodian, contents })).rejects.toThrow(/ENOENT/);
    await expect(writePersistentCache({ persist, keyFile: join(dir, 'no-token'), custodian, contents })).rejects.toThrow(/cannot read the key file .*no-token: ENOENT/);
    expect(readdirSync(dir)).toEqual(['sa-token']);
  });

  it('rejects a tampered file, and removes it unless exit_on_err', async () => {
    const path = await writePersistentCache({ persist, keyFile, custodian, contents });
    const bytes = readFileSync(path);
    bytes[bytes.length - 30] = (bytes[bytes.length - 30] ?? 0) ^ 0x10;
    writeFileSync(path, bytes);
    const strict = await readPersistentCache({ persist: { ...persist, exitOnError: true }, keyFile, custodian, expected: expected() });
    expect(strict).toMatchObject({ kind: 'failed', removed: false });
    expect(strict.kind === 'failed' && strict.reason).toMatch(/integrity check/);
    const lenient = await readPersistentCache({ persist, keyFile, custodian, expected: expected() });
    expect(lenient).toMatchObject({ kind: 'failed', removed: true });
    expect(readdirSync(dir)).toEqual(['sa-token']);
  });

  it('rejects the file under another key (the service-account token changed)', async () => {
    await writePersistentCache({ persist, keyFile, custodian, contents });
    writeFileSync(keyFile, 'eyJhbGciOiJSUzI1NiJ9.rotated-claims.signature');
    const outcome = await readPersistentCache({ persist, keyFile, custodian, expected: expected() });
    expect(outcome.kind === 'failed' && outcome.reason).toMatch(/sealed with another key or service-account token/);
  });

  it('rejects a cache written for another Vault or another auth identity', async () => {
    await writePersistentCache({ persist: { ...persist, keepAfterImport: true }, keyFile, custodian, contents });
    const keep = { ...persist, keepAfterImport: true };
    const otherVault = await readPersistentCache({ persist: keep, keyFile, custodian, expected: { ...expected(), vaultAddress: 'https://elsewhere:8200' } });
    expect(otherVault.kind === 'failed' && otherVault.reason).toBe('the cache was written for another Vault address');
    // Each import consumes the single-use key: write again for the second check.
    await writePersistentCache({ persist: keep, keyFile, custodian, contents });
    const otherRole = await readPersistentCache({ persist: keep, keyFile, custodian, expected: { ...expected(), authIdentity: authIdentityOf({ ...method, config: { role: 'other' } }) } });
    expect(otherRole.kind === 'failed' && otherRole.reason).toMatch(/another auth method, mount, namespace or role/);
  });

  it('keys with service_account_token_file, else the kubernetes token_path, else the default SA token', () => {
    expect(keyFileFor({ ...persist, serviceAccountTokenFile: '/custom/token' }, method)).toBe('/custom/token');
    expect(keyFileFor(persist, method)).toBe('/var/run/secrets/vault.hashicorp.com/serviceaccount/token');
    expect(keyFileFor(persist, { ...method, type: 'approle', config: { role_id_file_path: '/r' } })).toBe('/var/run/secrets/kubernetes.io/serviceaccount/token');
    expect(cacheFilePath(persist)).toBe(join(dir, CACHE_FILE_NAME));
  });

  it('sizes the file with fstat before reading: a 100 MB garbage file or a link to /dev/zero is refused, not read', async () => {
    const path = cacheFilePath(persist);
    const handle = openSync(path, 'w');
    closeSync(handle);
    truncateSync(path, 100 * 1024 * 1024);
    const before = process.memoryUsage().rss;
    const outcome = await readPersistentCache({ persist, keyFile, custodian, expected: expected() });
    expect(outcome).toMatchObject({ kind: 'failed', removed: false });
    expect(outcome.kind === 'failed' ? outcome.reason : '').toContain(`is ${100 * 1024 * 1024} bytes, more than the ${MAX_CACHE_FILE_BYTES} allowed`);
    expect(process.memoryUsage().rss - before).toBeLessThan(50 * 1024 * 1024);
    rmSync(path);
    symlinkSync('/dev/zero', path);
    const linked = await readPersistentCache({ persist, keyFile, custodian, expected: expected() });
    expect(linked.kind === 'failed' ? linked.reason : '').toContain('ELOOP');
  });

  it('the service-account token and the file alone decrypt nothing: the key is only in the custodian, and only once', async () => {
    const path = await writePersistentCache({ persist: { ...persist, keepAfterImport: true }, keyFile, custodian, contents });
    const sealed = readFileSync(path);
    const saToken = readFileSync(keyFile, 'utf8').trim();
    const aad = Buffer.from(saToken);
    // Nothing derivable from what is on disk opens it: the SA token itself, its hash, the old HKDF key, the retrieval token.
    const guesses = [
      Buffer.from(createHash('sha256').update(saToken).digest()),
      Buffer.from(hkdfSync('sha256', aad, sealed.subarray(5, 37), Buffer.from('vault-injector agent persistent cache v1'), 32)),
      Buffer.from(createHash('sha256').update(retrievalTokenOf(sealed)).digest()),
    ];
    for (const key of guesses) expect(() => openCache(sealed, { key, aad })).toThrow(/integrity check/);
    expect(sealed.includes(aad)).toBe(false);
    for (const held of custodian.held.values()) expect(sealed.includes(held)).toBe(false);
    // A custodian that never held the key (another Vault, or the token already used) cannot help.
    const stranger = await readPersistentCache({ persist: { ...persist, keepAfterImport: true }, keyFile, custodian: memoryCustodian(), expected: expected() });
    expect(stranger.kind === 'failed' && stranger.reason).toMatch(/could not be unwrapped/);
    // The first import consumes the key: the kept file is dead afterwards.
    expect((await readPersistentCache({ persist: { ...persist, keepAfterImport: true }, keyFile, custodian, expected: expected() })).kind).toBe('restored');
    const again = await readPersistentCache({ persist: { ...persist, keepAfterImport: true }, keyFile, custodian, expected: expected() });
    expect(again.kind === 'failed' && again.reason).toMatch(/already unwrapped/);
  });
});
