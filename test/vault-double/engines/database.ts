// Database secrets engine: database/creds/<role> issues renewable leased credentials (renewal
// capped at the role's max_ttl), database/static-creds/<role> returns rotated credentials without
// a lease (ttl = seconds until the next rotation).
import type { DatabaseRoleOptions } from '../vault-double-api.js';
import { singleRoute, type DoubleCore, type HandlerRequest, type Route } from '../core.js';
import { logical, replies, type Outcome } from '../reply.js';
import { mountDefaultTtl, mountMaxTtl, type Mount } from '../state/mount-table.js';
import { remainingSeconds, rfc3339 } from '../ttl.js';

export interface StaticRoleState {
  readonly username: string;
  readonly rotationPeriodSeconds: number;
  password: string;
  lastRotationMs: number;
}

export interface DatabaseState {
  readonly roles: Map<string, DatabaseRoleOptions>;
  readonly staticRoles: Map<string, StaticRoleState>;
}

const MOUNT_TYPE = 'database';

function databaseOf(mount: Mount | null): { mount: Mount; database: DatabaseState } {
  if (mount?.engine.type !== 'database') throw new Error('database handler on another mount');
  return { mount, database: mount.engine.database };
}

export function newDatabasePassword(core: DoubleCore): string {
  // Vault's default password policy yields 20 characters with upper, lower, digit and dash.
  return `A1a-${core.ids.base62(16)}`;
}

function creds(core: DoubleCore, request: HandlerRequest, roleName: string): Outcome {
  const { mount, database } = databaseOf(request.mount);
  const role = database.roles.get(roleName);
  if (!role) return replies.badRequest(`unknown role: ${roleName}`);
  const maxTtl = role.maxTtlSeconds && role.maxTtlSeconds > 0 ? role.maxTtlSeconds : mountMaxTtl(mount);
  const defaultTtl = role.defaultTtlSeconds && role.defaultTtlSeconds > 0 ? role.defaultTtlSeconds : mountDefaultTtl(mount);
  const ttl = Math.min(defaultTtl, maxTtl);
  const displayName = (request.token?.displayName ?? 'token').slice(0, 8);
  const username = `v-${displayName}-${roleName.slice(0, 8)}-${core.ids.base62(20)}-${Math.floor(request.nowMs / 1000)}`;
  const password = newDatabasePassword(core);
  const lease = core.leases.add(
    {
      leaseId: `${mount.path}creds/${roleName}/${core.ids.base62(24)}`,
      path: `${mount.path}creds/${roleName}`,
      mountType: MOUNT_TYPE,
      namespace: mount.namespace,
      tokenAccessor: request.token?.accessor || null,
      ttlSeconds: ttl,
      renewable: true,
      defaultIncrementSeconds: defaultTtl,
      maxTtlSeconds: maxTtl,
    },
    request.nowMs,
  );
  core.credentials.push({ kind: 'database', mount: mount.path.replace(/\/$/, ''), role: roleName, leaseId: lease.leaseId, username, password, issuedAtMs: request.nowMs });
  return logical({ data: { password, username }, leaseId: lease.leaseId, renewable: true, leaseDuration: ttl, mountType: MOUNT_TYPE });
}

/** Apply the rotations due by `nowMs`; report each new password. */
export interface StaticRoleRef {
  readonly mount: Mount;
  readonly roleName: string;
  readonly role: StaticRoleState;
}

export function rotateDue(core: DoubleCore, target: StaticRoleRef, nowMs: number): void {
  const { role } = target;
  const periodMs = role.rotationPeriodSeconds * 1000;
  if (periodMs <= 0 || nowMs < role.lastRotationMs + periodMs) return;
  rotateNow(core, target, role.lastRotationMs + Math.floor((nowMs - role.lastRotationMs) / periodMs) * periodMs);
}

export function rotateNow(core: DoubleCore, target: StaticRoleRef, atMs: number): void {
  const { role } = target;
  role.password = newDatabasePassword(core);
  role.lastRotationMs = atMs;
  core.credentials.push({ kind: 'database-static', mount: target.mount.path.replace(/\/$/, ''), role: target.roleName, username: role.username, password: role.password, rotatedAtMs: atMs });
}

function staticCreds(core: DoubleCore, request: HandlerRequest, roleName: string): Outcome {
  const { mount, database } = databaseOf(request.mount);
  const role = database.staticRoles.get(roleName);
  if (!role) return replies.badRequest(`unknown role: ${roleName}`);
  rotateDue(core, { mount, roleName, role }, request.nowMs);
  return logical({
    data: {
      last_vault_rotation: rfc3339(role.lastRotationMs),
      password: role.password,
      rotation_period: role.rotationPeriodSeconds,
      ttl: remainingSeconds(role.lastRotationMs + role.rotationPeriodSeconds * 1000, request.nowMs),
      username: role.username,
    },
    mountType: MOUNT_TYPE,
  });
}

export function routeDatabase(_mount: Mount, subPath: string): Route | undefined {
  const match = /^(creds|static-creds)\/([^/]+)$/.exec(subPath);
  const roleName = match?.[2];
  if (!roleName) return undefined;
  return match[1] === 'creds'
    ? singleRoute('database.creds', ['read'], (core, request) => creds(core, request, roleName))
    : singleRoute('database.static-creds', ['read'], (core, request) => staticCreds(core, request, roleName));
}
