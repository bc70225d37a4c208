// auth/token/*: lookup-self, renew-self (increment, capped at max TTL with Vault's warning),
// revoke-self (token, children and leases) and create.
import { isPlainObject, singleRoute, stringField, type DoubleCore, type HandlerRequest, type Route } from '../core.js';
import { logical, replies, type Outcome } from '../reply.js';
import type { TokenRecord } from '../state/token-store.js';
import { parseTtlInput, remainingSeconds, rfc3339, unixSeconds } from '../ttl.js';
import { authBlock, createOperatorToken } from './login.js';

const MOUNT_TYPE = 'token';

function authenticated(request: HandlerRequest): TokenRecord {
  if (!request.token) throw new Error('token route reached without a token');
  return request.token;
}

/** lookup-self `data`, keys sorted as Go marshals a map. */
export function tokenLookupData(token: TokenRecord, nowMs: number): Record<string, unknown> {
  const data: Record<string, unknown> = {
    accessor: token.accessor,
    creation_time: unixSeconds(token.issueTimeMs),
    creation_ttl: token.creationTtlSeconds,
    display_name: token.displayName,
    entity_id: token.entityId,
    expire_time: token.expireTimeMs === null ? null : rfc3339(token.expireTimeMs),
    explicit_max_ttl: token.explicitMaxTtlSeconds,
    id: token.id,
    issue_time: rfc3339(token.issueTimeMs),
    meta: token.meta,
    num_uses: 0,
    orphan: token.orphan,
    path: token.path,
    policies: token.policies,
    renewable: token.renewable,
    ttl: token.expireTimeMs === null ? 0 : remainingSeconds(token.expireTimeMs, nowMs),
    type: token.type,
  };
  if (token.lastRenewalMs !== null) {
    data['last_renewal'] = rfc3339(token.lastRenewalMs);
    data['last_renewal_time'] = unixSeconds(token.lastRenewalMs);
  }
  if (token.periodSeconds > 0) data['period'] = token.periodSeconds;
  return Object.fromEntries(Object.entries(data).sort(([a], [b]) => a.localeCompare(b)));
}

function lookupSelf(_core: DoubleCore, request: HandlerRequest): Outcome {
  return logical({ data: tokenLookupData(authenticated(request), request.nowMs), mountType: MOUNT_TYPE });
}

function renewSelf(core: DoubleCore, request: HandlerRequest): Outcome {
  const token = authenticated(request);
  const increment = parseTtlInput(request.body['increment']);
  if (!increment.ok) return replies.badRequest(increment.error);
  const renewed = core.tokens.renew(token, increment.seconds, request.nowMs);
  if (!renewed.ok) return replies.badRequest(renewed.error);
  return logical({ auth: authBlock(token, renewed.ttlSeconds), warnings: renewed.warnings, mountType: MOUNT_TYPE });
}

function revokeSelf(core: DoubleCore, request: HandlerRequest): Outcome {
  core.tokens.revoke(authenticated(request), 'revoke-self', request.nowMs);
  return replies.noContent();
}

function numberOrZero(value: unknown): number {
  const parsed = parseTtlInput(value);
  return parsed.ok ? parsed.seconds : 0;
}

function create(core: DoubleCore, request: HandlerRequest): Outcome {
  const parent = authenticated(request);
  const body = request.body;
  const ttl = parseTtlInput(body['ttl']);
  if (!ttl.ok) return replies.badRequest(ttl.error);
  const policies = Array.isArray(body['policies']) ? body['policies'].filter((policy): policy is string => typeof policy === 'string') : parent.policies.filter((policy) => policy !== 'root');
  const meta = isPlainObject(body['meta']) ? Object.fromEntries(Object.entries(body['meta']).map(([key, value]) => [key, String(value)])) : undefined;
  const displayName = stringField(body, 'display_name');
  const id = stringField(body, 'id');
  const token = createOperatorToken(
    core,
    {
      ttlSeconds: ttl.seconds,
      periodSeconds: numberOrZero(body['period']),
      explicitMaxTtlSeconds: numberOrZero(body['explicit_max_ttl']),
      renewable: body['renewable'] !== false,
      policies: policies.length === 0 && parent.policies.includes('root') ? ['root'] : policies,
      root: policies.length === 0 && parent.policies.includes('root'),
      type: body['type'] === 'batch' ? 'batch' : 'service',
      namespace: request.namespace,
      ...(meta ? { meta } : {}),
      ...(displayName ? { displayName: `token-${displayName}` } : {}),
      ...(id ? { id } : {}),
    },
    body['no_parent'] === true ? null : parent,
    request.nowMs,
  );
  return logical({ auth: authBlock(token, token.creationTtlSeconds), mountType: MOUNT_TYPE });
}

export function routeToken(subPath: string): Route | undefined {
  switch (subPath) {
    case 'lookup-self':
      return singleRoute('token.lookup-self', ['read', 'update'], lookupSelf);
    case 'renew-self':
      return singleRoute('token.renew-self', ['update'], renewSelf);
    case 'revoke-self':
      return singleRoute('token.revoke-self', ['update'], revokeSelf);
    case 'create':
    case 'create-orphan':
      return singleRoute('token.create', ['update'], create);
    default:
      return undefined;
  }
}
