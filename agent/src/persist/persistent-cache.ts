// The init → sidecar hand-off file (cache.persist, type "kubernetes"): where it lives, what keys
// it, and reading and writing it. The init agent writes it once everything is rendered; the
// sidecar reads it on start and removes it unless keep_after_import. It is sealed with a random
// key held by Vault behind a single-use wrapping token (cache-key.ts); the service-account token
// is additional authenticated data (cache-cipher.ts).
import { randomBytes as cryptoRandomBytes } from 'node:crypto';
import { unlink } from 'node:fs/promises';
import { readFileBounded } from '../fs/read-bounded.js';
import { readCredentialText } from '../auth/auth-method.js';
import { join } from 'node:path';
import type { AuthMethodConfig, PersistConfig } from '../config/agent-config.js';
import { DEFAULTS } from '../config/agent-config.js';
import { writeFileAtomic } from '../sink/atomic-file.js';
import { coerceError } from '../vault/vault-error.js';
import { CacheSealError, KEY_BYTES, openCache, retrievalTokenOf, sealCache } from './cache-cipher.js';
import type { CacheKeyCustodian } from './cache-key.js';
import { CacheKeyError } from './cache-key.js';
import type { PersistedCache } from './cache-contents.js';
import { CacheContentsError, decodeCacheContents, encodeCacheContents } from './cache-contents.js';

/** Not Vault Agent's `vault-agent-cache.db` (an encrypted bolt DB): a different format, never confused with it. */
export const CACHE_FILE_NAME = 'vault-injector-agent-cache';
const CACHE_FILE_MODE = 0o600;
/** A token and a few hundred leased secrets take kilobytes; anything this large is not ours. */
export const MAX_CACHE_FILE_BYTES = 16 * 1024 * 1024;

export function cacheFilePath(persist: PersistConfig): string {
  return join(persist.path, CACHE_FILE_NAME);
}

/**
 * The file whose contents authenticate the cache (AAD): `service_account_token_file`, else the kubernetes
 * method's `token_path` (the injector may mount the token elsewhere), else the default SA path.
 */
export function keyFileFor(persist: PersistConfig, method: AuthMethodConfig): string {
  if (persist.serviceAccountTokenFile !== undefined) return persist.serviceAccountTokenFile;
  const tokenPath = method.type === 'kubernetes' ? method.config.token_path : undefined;
  return typeof tokenPath === 'string' && tokenPath !== '' ? tokenPath : DEFAULTS.serviceAccountTokenFile;
}

/** Who the token was issued to; a cache from another method, mount, namespace or role is not adopted. */
export function authIdentityOf(method: AuthMethodConfig): string {
  const role = method.config.role;
  return JSON.stringify([method.type, method.mountPath, method.namespace ?? '', typeof role === 'string' ? role : '']);
}

export class PersistError extends Error {
  override readonly name = 'PersistError';
}

async function readKeyMaterial(keyFile: string): Promise<Buffer> {
  let text: string;
  try {
    text = await readCredentialText(keyFile);
  } catch (error) {
    throw new PersistError(`cannot read the key file ${keyFile}: ${(error as NodeJS.ErrnoException).code ?? coerceError(error).message}`);
  }
  const material = text.trim();
  if (material === '') throw new PersistError(`the key file ${keyFile} is empty`);
  return Buffer.from(material, 'utf8');
}

export interface WriteCacheOptions {
  readonly persist: PersistConfig;
  readonly keyFile: string;
  readonly contents: PersistedCache;
  /** Keeps the random key (in Vault) and hands back the retrieval token written into the file. */
  readonly custodian: CacheKeyCustodian;
  readonly randomBytes?: (size: number) => Uint8Array;
}

/** Seals and writes the cache file atomically (mode 0600); returns its path. */
export async function writePersistentCache(options: WriteCacheOptions): Promise<string> {
  const aad = await readKeyMaterial(options.keyFile);
  const random = options.randomBytes ?? cryptoRandomBytes;
  const key = Buffer.from(random(KEY_BYTES));
  const retrievalToken = await options.custodian.store(key);
  const sealed = sealCache(Buffer.from(encodeCacheContents(options.contents), 'utf8'), retrievalToken, { key, aad }, random);
  key.fill(0);
  const path = cacheFilePath(options.persist);
  await writeFileAtomic(path, sealed, { mode: CACHE_FILE_MODE });
  return path;
}

export type RestoreOutcome =
  | { readonly kind: 'absent' }
  | { readonly kind: 'restored'; readonly cache: PersistedCache; readonly removed: boolean }
  /** The file exists but cannot be used; `reason` names the problem, never a value. */
  | { readonly kind: 'failed'; readonly reason: string; readonly removed: boolean };

export interface ReadCacheOptions {
  readonly persist: PersistConfig;
  readonly keyFile: string;
  /** Gives back the key behind the file's retrieval token (once). */
  readonly custodian: CacheKeyCustodian;
  readonly expected: { readonly vaultAddress: string; readonly authIdentity: string };
}

/**
 * Reads, decrypts and checks the cache file. It is removed afterwards unless keep_after_import,
 * or unless it failed and exit_on_err is set (the restarted container then fails the same way,
 * as Vault Agent's does, instead of silently starting fresh).
 */
export async function readPersistentCache(options: ReadCacheOptions): Promise<RestoreOutcome> {
  const path = cacheFilePath(options.persist);
  let sealed: Buffer;
  try {
    sealed = await readFileBounded(path, MAX_CACHE_FILE_BYTES);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { kind: 'absent' };
    const reason = `cannot read ${path}: ${code === undefined || code === 'ENOTREG' ? coerceError(error).message : code}`;
    return { kind: 'failed', reason, removed: false };
  }
  const outcome = await decodeSealed(sealed, options);
  const keep = options.persist.keepAfterImport || (outcome.kind === 'failed' && options.persist.exitOnError);
  const removed = !keep && (await unlink(path).then(() => true, () => false));
  return { ...outcome, removed };
}

async function decodeSealed(
  sealed: Buffer,
  options: ReadCacheOptions,
): Promise<{ kind: 'restored'; cache: PersistedCache } | { kind: 'failed'; reason: string }> {
  let cache: PersistedCache;
  try {
    const aad = await readKeyMaterial(options.keyFile);
    const key = await options.custodian.retrieve(retrievalTokenOf(sealed));
    try {
      cache = decodeCacheContents(openCache(sealed, { key, aad }).toString('utf8'));
    } finally {
      key.fill(0);
    }
  } catch (error) {
    if (!(error instanceof CacheSealError || error instanceof CacheContentsError || error instanceof PersistError || error instanceof CacheKeyError)) throw error;
    return { kind: 'failed', reason: error.message };
  }
  if (cache.vaultAddress !== options.expected.vaultAddress) return { kind: 'failed', reason: 'the cache was written for another Vault address' };
  if (cache.authIdentity !== options.expected.authIdentity) {
    return { kind: 'failed', reason: 'the cache was written for another auth method, mount, namespace or role' };
  }
  return { kind: 'restored', cache };
}
