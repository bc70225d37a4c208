// Token issuance shared by every login method: the role's token fields against the mount's
// TTLs, as Vault's tokenutil applies them, and the `auth` block of the response.
import type { CreateTokenOptions, RoleTokenSettings } from '../vault-double-api.js';
import type { DoubleCore } from '../core.js';
import { batchTokenId, serviceTokenId } from '../ids.js';
import { logical, type AuthBlock, type Outcome } from '../reply.js';
import { mountDefaultTtl, mountMaxTtl, type Mount } from '../state/mount-table.js';
import type { TokenRecord } from '../state/token-store.js';
import { SYSTEM_DEFAULT_TTL_SECONDS, ttlCappedWarning } from '../ttl.js';

export function tokenPolicies(policies: readonly string[] | undefined, noDefault: boolean | undefined): { policies: string[]; tokenPolicies: string[] } {
  const tokenPolicies = [...new Set(policies ?? [])];
  const withDefault = noDefault || tokenPolicies.includes('root') ? tokenPolicies : [...tokenPolicies, 'default'];
  const sorted = [...new Set(withDefault)].sort();
  return { policies: sorted, tokenPolicies: sorted };
}

export interface LoginSubject {
  readonly mount: Mount;
  readonly settings: RoleTokenSettings;
  readonly metadata: Readonly<Record<string, string>>;
  readonly displayName: string;
  /** false: the method issues non-renewable tokens (oci). */
  readonly renewable?: false;
}

/** Create the token a successful login returns; `warnings` when the TTL was capped. */
export function issueLoginToken(core: DoubleCore, subject: LoginSubject, nowMs: number): { token: TokenRecord; warnings: string[] } {
  const { mount, settings } = subject;
  const period = settings.tokenPeriodSeconds ?? 0;
  const explicitMax = settings.tokenExplicitMaxTtlSeconds ?? 0;
  let maxTtl = settings.tokenMaxTtlSeconds && settings.tokenMaxTtlSeconds > 0 ? settings.tokenMaxTtlSeconds : mountMaxTtl(mount);
  if (explicitMax > 0 && explicitMax < maxTtl) maxTtl = explicitMax;
  const defaultTtl = settings.tokenTtlSeconds && settings.tokenTtlSeconds > 0 ? settings.tokenTtlSeconds : mountDefaultTtl(mount);
  const warnings: string[] = [];
  let ttl = period > 0 ? period : defaultTtl;
  const cap = period > 0 ? explicitMax : maxTtl;
  if (cap > 0 && ttl > cap) {
    warnings.push(ttlCappedWarning(ttl, cap));
    ttl = cap;
  }
  const batch = settings.tokenType === 'batch';
  const { policies, tokenPolicies: finalPolicies } = tokenPolicies(settings.policies, settings.tokenNoDefaultPolicy);
  const token = core.tokens.add({
    id: batch ? batchTokenId(core.ids) : serviceTokenId(core.ids),
    accessor: batch ? '' : core.ids.base62(24),
    namespace: mount.namespace,
    policies,
    tokenPolicies: finalPolicies,
    meta: subject.metadata,
    displayName: subject.displayName,
    path: `${mount.path}login`,
    type: batch ? 'batch' : 'service',
    renewable: !batch && subject.renewable !== false,
    orphan: true,
    entityId: core.ids.uuid(),
    issueTimeMs: nowMs,
    creationTtlSeconds: ttl,
    defaultIncrementSeconds: defaultTtl,
    maxTtlSeconds: period > 0 ? 0 : maxTtl,
    explicitMaxTtlSeconds: explicitMax,
    periodSeconds: period,
    parentAccessor: null,
  });
  return { token, warnings };
}

export function authBlock(token: TokenRecord, leaseDuration: number): AuthBlock {
  return {
    client_token: token.id,
    accessor: token.accessor,
    policies: token.policies,
    token_policies: token.tokenPolicies,
    metadata: token.meta,
    lease_duration: leaseDuration,
    renewable: token.renewable,
    entity_id: token.entityId,
    token_type: token.type,
    orphan: token.orphan,
    mfa_requirement: null,
    num_uses: 0,
  };
}

export function loginResponse(core: DoubleCore, subject: LoginSubject, nowMs: number): Outcome {
  const { token, warnings } = issueLoginToken(core, subject, nowMs);
  return logical({ auth: authBlock(token, token.creationTtlSeconds), warnings, mountType: subject.mount.engine.type });
}

/** A token as an operator hands one out (token_file auth, root tokens, auth/token/create). */
export function createOperatorToken(core: DoubleCore, options: CreateTokenOptions, parent: TokenRecord | null, nowMs: number): TokenRecord {
  const root = options.root === true;
  const batch = options.type === 'batch';
  const period = options.periodSeconds ?? 0;
  const explicitMax = options.explicitMaxTtlSeconds ?? 0;
  const requestedTtl = root ? 0 : options.ttlSeconds && options.ttlSeconds > 0 ? options.ttlSeconds : SYSTEM_DEFAULT_TTL_SECONDS;
  const maxTtl = root ? 0 : Math.min(options.maxTtlSeconds && options.maxTtlSeconds > 0 ? options.maxTtlSeconds : SYSTEM_DEFAULT_TTL_SECONDS, explicitMax > 0 ? explicitMax : Infinity);
  const ttl = period > 0 ? period : Math.min(requestedTtl, maxTtl > 0 ? maxTtl : requestedTtl);
  const { policies, tokenPolicies: finalPolicies } = root ? { policies: ['root'], tokenPolicies: ['root'] } : tokenPolicies(options.policies, false);
  return core.tokens.add({
    id: options.id ?? (batch ? batchTokenId(core.ids) : serviceTokenId(core.ids)),
    accessor: batch ? '' : core.ids.base62(24),
    namespace: options.namespace ?? '',
    policies,
    tokenPolicies: finalPolicies,
    meta: options.meta ?? null,
    displayName: options.displayName ?? (root ? 'root' : 'token'),
    path: root ? 'auth/token/root' : 'auth/token/create',
    type: batch ? 'batch' : 'service',
    renewable: !root && !batch && (options.renewable ?? true),
    orphan: parent === null,
    entityId: '',
    issueTimeMs: nowMs,
    creationTtlSeconds: ttl,
    defaultIncrementSeconds: ttl,
    maxTtlSeconds: period > 0 ? 0 : maxTtl,
    explicitMaxTtlSeconds: explicitMax,
    periodSeconds: period,
    parentAccessor: parent?.accessor ?? null,
  });
}
