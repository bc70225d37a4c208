// The agent's two ends of the persistent cache, with their log lines: the init agent leaves its
// token and leased secrets for the sidecar; the sidecar picks them up on start. Log lines name
// the file, counts and reasons, never a token or a secret.
import type { AuthMethodConfig, PersistConfig } from '../config/agent-config.js';
import type { AgentLogger } from '../log.js';
import type { SecretRecord } from '../render/dependency-tracker.js';
import { coerceError } from '../vault/vault-error.js';
import { secretRegistry } from '../log/redaction.js';
import type { PersistedCache, PersistedToken } from './cache-contents.js';
import { authIdentityOf, keyFileFor, readPersistentCache, writePersistentCache } from './persistent-cache.js';
import type { VaultClient } from '../vault/vault-client.js';
import { vaultKeyCustodian } from './cache-key.js';

export interface HandoffContext {
  readonly persist: PersistConfig;
  readonly method: AuthMethodConfig;
  /** The resolved Vault address the agent talks to. */
  readonly vaultAddress: string;
  readonly log: AgentLogger;
  /** Keeps the cache key in Vault (wrap at write, unwrap at read). */
  readonly client: VaultClient;
}

export type HandoffRestore =
  | { readonly kind: 'none' }
  | { readonly kind: 'restored'; readonly cache: PersistedCache }
  /** exit_on_err is set and the file could not be used. */
  | { readonly kind: 'fatal'; readonly error: Error };

/** Sidecar start: the init agent's token and secrets, if a usable cache file is there. */
export async function restoreHandoff(context: HandoffContext): Promise<HandoffRestore> {
  const { persist, method, log } = context;
  const outcome = await readPersistentCache({
    persist,
    keyFile: keyFileFor(persist, method),
    custodian: vaultKeyCustodian(context.client, { namespace: method.namespace }),
    expected: { vaultAddress: context.vaultAddress, authIdentity: authIdentityOf(method) },
  });
  if (outcome.kind === 'absent') {
    log.info({ path: persist.path }, 'no persistent cache to restore; logging in');
    return { kind: 'none' };
  }
  if (outcome.kind === 'failed') {
    if (persist.exitOnError) {
      return { kind: 'fatal', error: new Error(`persistent cache could not be restored: ${outcome.reason}`) };
    }
    log.warn({ path: persist.path, reason: outcome.reason, removed: outcome.removed }, 'persistent cache discarded; logging in');
    return { kind: 'none' };
  }
  // Learnt from the file, not from Vault: registered for redaction like everything the client sees.
  secretRegistry.add(outcome.cache.token.token);
  for (const secret of outcome.cache.secrets) secretRegistry.addAll([secret.envelope.data, secret.envelope.auth?.client_token, secret.envelope.auth?.accessor]);
  log.info(
    { path: persist.path, secrets: outcome.cache.secrets.map((secret) => secret.id), removed: outcome.removed },
    'restored the persistent cache',
  );
  return { kind: 'restored', cache: outcome.cache };
}

export interface HandoffWrite {
  readonly token: PersistedToken;
  readonly secrets: readonly SecretRecord[];
  readonly nowMs: number;
}

/** Init end: writes the cache; returns the failure (for the caller to report) or undefined. */
export async function writeHandoff(context: HandoffContext, write: HandoffWrite): Promise<Error | undefined> {
  const { persist, method, log } = context;
  try {
    const path = await writePersistentCache({
      persist,
      keyFile: keyFileFor(persist, method),
      custodian: vaultKeyCustodian(context.client, { token: write.token.token, namespace: method.namespace }),
      contents: {
        createdAtMs: write.nowMs,
        vaultAddress: context.vaultAddress,
        authIdentity: authIdentityOf(method),
        token: write.token,
        secrets: write.secrets,
      },
    });
    log.info({ path, secrets: write.secrets.map((secret) => secret.id) }, 'persistent cache written for the sidecar');
    return undefined;
  } catch (error) {
    return coerceError(error);
  }
}
