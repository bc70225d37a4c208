// Where the persistent cache key lives: in Vault, behind a single-use response-wrapping token.
// The init agent wraps a fresh random key with its own token (sys/wrapping/wrap, allowed by Vault's
// default policy) and writes only the wrapping token into the file; the sidecar unwraps it
// (sys/wrapping/unwrap, which needs no other credential) and Vault forgets it. So the file plus the
// service-account token decrypt nothing offline; after the sidecar's import the file is dead even
// if it is kept; and anyone who unwraps first makes the sidecar's unwrap fail, which it reports.
//
// Vault Agent itself is weaker here: its Kubernetes persistent cache stores the random key next to
// the data in the BoltDB file (keymanager.PassthroughKeyManager's "retrieval token" is the key;
// https://github.com/hashicorp/vault/blob/main/command/agentproxyshared/cache/keymanager/passthrough.go),
// with the service-account token as additional authenticated data. docs/agent.md compares the two.
import type { VaultClient } from '../vault/vault-client.js';
import { KEY_BYTES } from './cache-cipher.js';

/** How long the key stays retrievable: the sidecar starts once every init container has finished. */
export const KEY_WRAP_TTL = '15m';

export interface CacheKeyCustodian {
  /** Stores the key; returns the single-use retrieval token to write into the file. */
  store(key: Uint8Array): Promise<string>;
  /** The key behind a retrieval token (once). */
  retrieve(retrievalToken: string): Promise<Buffer>;
}

export class CacheKeyError extends Error {
  override readonly name = 'CacheKeyError';
}

/**
 * The Vault custodian. `token` is the agent's token (needed to wrap only); `namespace` is the auth
 * namespace, where the token and so the wrapping token live.
 */
export function vaultKeyCustodian(client: VaultClient, options: { readonly token?: string; readonly namespace?: string | undefined }): CacheKeyCustodian {
  const namespace = options.namespace === undefined ? {} : { namespace: options.namespace };
  return {
    async store(key) {
      if (options.token === undefined) throw new CacheKeyError('no token to wrap the cache key with');
      const response = await client.request({
        method: 'POST',
        path: 'sys/wrapping/wrap',
        body: { key: Buffer.from(key).toString('base64') },
        token: options.token,
        wrapTtl: KEY_WRAP_TTL,
        ...namespace,
      });
      const wrapToken = (response.body as { wrap_info?: { token?: unknown } | null } | undefined)?.wrap_info?.token;
      if (typeof wrapToken !== 'string' || wrapToken === '') throw new CacheKeyError('sys/wrapping/wrap returned no wrapping token');
      return wrapToken;
    },
    async retrieve(retrievalToken) {
      let response;
      try {
        response = await client.request({ method: 'POST', path: 'sys/wrapping/unwrap', token: retrievalToken, retries: 0, ...namespace });
      } catch (error) {
        throw new CacheKeyError(
          `the cache key could not be unwrapped (expired, or already unwrapped by someone else): ${error instanceof Error ? error.message : 'unknown error'}`,
        );
      }
      const encoded = (response.body as { data?: { key?: unknown } | null } | undefined)?.data?.key;
      const key = typeof encoded === 'string' ? Buffer.from(encoded, 'base64') : Buffer.alloc(0);
      if (key.length !== KEY_BYTES) throw new CacheKeyError('the unwrapped cache key is not a 32-byte key');
      return key;
    },
  };
}
