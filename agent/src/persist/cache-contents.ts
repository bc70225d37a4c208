// What the persistent cache holds, and its JSON form. Numbers inside secret data stay lossless
// (as Vault's client decoded them), so the sidecar renders byte-identical files. Decoding checks
// every field and names the problems by field, never by value.
import { stringify } from 'lossless-json';
import type { SecretRecord } from '../render/dependency-tracker.js';
import type { VaultSecretEnvelope } from '../../../common/src/vault-wire.js';
import { isJsonNumber, parseVaultJson } from '../../../common/src/vault-json.js';
import { numberField, toSecretEnvelope } from '../vault/vault-client.js';

const CONTENTS_FORMAT = 1;

export interface PersistedToken {
  readonly token: string;
  /** TTL when obtained (seconds); the sidecar trusts lookup-self, not this. */
  readonly leaseSeconds: number;
  readonly renewable: boolean;
  readonly obtainedAtMs: number;
}

export interface PersistedCache {
  readonly createdAtMs: number;
  /** The Vault the token belongs to; another address means the cache is not for this agent. */
  readonly vaultAddress: string;
  /** Auth method type, mount, namespace and role: the token is only adopted under the same identity. */
  readonly authIdentity: string;
  readonly token: PersistedToken;
  readonly secrets: readonly SecretRecord[];
}

export class CacheContentsError extends Error {
  override readonly name = 'CacheContentsError';
}

export function encodeCacheContents(cache: PersistedCache): string {
  const text = stringify({
    format: CONTENTS_FORMAT,
    created_at_ms: cache.createdAtMs,
    vault_address: cache.vaultAddress,
    auth_identity: cache.authIdentity,
    token: {
      token: cache.token.token,
      lease_duration: cache.token.leaseSeconds,
      renewable: cache.token.renewable,
      obtained_at_ms: cache.token.obtainedAtMs,
    },
    secrets: cache.secrets.map((secret) => ({
      id: secret.id,
      kind: secret.kind,
      fetched_at_ms: secret.fetchedAtMs,
      lease_updated_at_ms: secret.leaseUpdatedAtMs,
      envelope: secret.envelope,
    })),
  });
  if (text === undefined) throw new CacheContentsError('the cache contents could not be serialised');
  return text;
}

type Fields = Readonly<Record<string, unknown>>;

function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !isJsonNumber(value);
}

/** The lease fields the sidecar acts on must have Vault's types. */
function leaseProblems(envelope: VaultSecretEnvelope, path: string): string[] {
  const problems: string[] = [];
  if (envelope.lease_id !== undefined && typeof envelope.lease_id !== 'string') problems.push(`${path}.lease_id: expected a string`);
  if (envelope.lease_duration !== undefined && !(typeof envelope.lease_duration === 'number' && envelope.lease_duration >= 0)) {
    problems.push(`${path}.lease_duration: expected a non-negative number`);
  }
  if (envelope.renewable !== undefined && typeof envelope.renewable !== 'boolean') problems.push(`${path}.renewable: expected a boolean`);
  return problems;
}

/** Parses and checks decrypted contents; throws CacheContentsError listing every problem. */
export function decodeCacheContents(text: string): PersistedCache {
  let raw: unknown;
  try {
    raw = parseVaultJson(text);
  } catch {
    // The parser's message may quote the text, which holds secrets.
    throw new CacheContentsError('the cache contents are not valid JSON');
  }
  const problems: string[] = [];
  const root: Fields = isFields(raw) ? raw : {};
  if (!isFields(raw)) problems.push('contents: expected an object');
  const count = (fields: Fields, key: string, path: string): number => {
    const value = numberField(fields[key]);
    if (value === undefined || !Number.isFinite(value) || value < 0) {
      problems.push(`${path}.${key}: expected a non-negative number`);
      return 0;
    }
    return value;
  };
  const nonEmptyText = (fields: Fields, key: string, path: string): string => {
    const value = fields[key];
    if (typeof value !== 'string' || value === '') {
      problems.push(`${path}.${key}: expected a non-empty string`);
      return '';
    }
    return value;
  };
  if (numberField(root.format) !== CONTENTS_FORMAT) problems.push(`format: expected ${CONTENTS_FORMAT}`);
  const tokenFields: Fields = isFields(root.token) ? root.token : {};
  if (!isFields(root.token)) problems.push('token: expected an object');
  if (typeof tokenFields.renewable !== 'boolean') problems.push('token.renewable: expected a boolean');
  const token: PersistedToken = {
    token: nonEmptyText(tokenFields, 'token', 'token'),
    leaseSeconds: count(tokenFields, 'lease_duration', 'token'),
    renewable: tokenFields.renewable === true,
    obtainedAtMs: count(tokenFields, 'obtained_at_ms', 'token'),
  };
  const secrets: SecretRecord[] = [];
  if (!Array.isArray(root.secrets)) problems.push('secrets: expected a list');
  const ids = new Set<string>();
  (Array.isArray(root.secrets) ? root.secrets : []).forEach((item: unknown, index) => {
    const path = `secrets[${index}]`;
    if (!isFields(item)) {
      problems.push(`${path}: expected an object`);
      return;
    }
    const id = nonEmptyText(item, 'id', path);
    if (ids.has(id)) problems.push(`${path}.id: repeats another secret's id`);
    ids.add(id);
    const kind = item.kind;
    if (kind !== 'read' && kind !== 'write') problems.push(`${path}.kind: expected "read" or "write"`);
    if (!isFields(item.envelope)) problems.push(`${path}.envelope: expected an object`);
    const envelope = toSecretEnvelope(item.envelope);
    problems.push(...leaseProblems(envelope, `${path}.envelope`));
    secrets.push({
      id,
      kind: kind === 'write' ? 'write' : 'read',
      envelope,
      fetchedAtMs: count(item, 'fetched_at_ms', path),
      leaseUpdatedAtMs: count(item, 'lease_updated_at_ms', path),
    });
  });
  const cache: PersistedCache = {
    createdAtMs: count(root, 'created_at_ms', 'contents'),
    vaultAddress: nonEmptyText(root, 'vault_address', 'contents'),
    authIdentity: nonEmptyText(root, 'auth_identity', 'contents'),
    token,
    secrets,
  };
  if (problems.length > 0) throw new CacheContentsError(`invalid cache contents: ${problems.join('; ')}`);
  return cache;
}
