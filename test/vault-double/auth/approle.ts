// auth/<mount>/login for approle ({"role_id","secret_id"}), plus role/<role>/role-id and
// role/<role>/secret-id, which the agent's wrapped secret-id flow starts from.
import type { AppRoleOptions } from '../vault-double-api.js';
import { singleRoute, stringField, type DoubleCore, type HandlerRequest, type Route } from '../core.js';
import { logical, replies, type Outcome } from '../reply.js';
import type { Mount } from '../state/mount-table.js';
import { loginResponse } from './login.js';

export interface SecretIdRecord {
  readonly accessor: string;
  readonly createdMs: number;
  readonly ttlSeconds: number;
  /** 0: unlimited. */
  usesLeft: number;
}

export interface AppRoleRecord {
  readonly options: AppRoleOptions;
  readonly secretIds: Map<string, SecretIdRecord>;
}

export interface AppRoleState {
  readonly roles: Map<string, AppRoleRecord>;
}

const INVALID = 'invalid role or secret ID';

function appRoleState(request: HandlerRequest): { mount: Mount; state: AppRoleState } {
  const mount = request.mount;
  if (mount?.engine.type !== 'approle') throw new Error('approle handler on another mount');
  return { mount, state: mount.engine.approle };
}

/** Consume one use of a secret ID; false when it is unknown, expired or used up. */
function takeSecretId(record: AppRoleRecord, secretId: string, nowMs: number): boolean {
  const secret = record.secretIds.get(secretId);
  if (!secret) return false;
  if (secret.ttlSeconds > 0 && secret.createdMs + secret.ttlSeconds * 1000 <= nowMs) {
    record.secretIds.delete(secretId);
    return false;
  }
  if (secret.usesLeft > 0) {
    secret.usesLeft -= 1;
    if (secret.usesLeft === 0) record.secretIds.delete(secretId);
  }
  return true;
}

function login(core: DoubleCore, request: HandlerRequest): Outcome {
  const { mount, state } = appRoleState(request);
  const roleId = stringField(request.body, 'role_id')?.trim();
  if (!roleId) return replies.badRequest('missing role_id');
  const entry = [...state.roles].find(([, record]) => record.options.roleId === roleId);
  if (!entry) return replies.badRequest(INVALID);
  const [roleName, record] = entry;
  if (record.options.bindSecretId !== false) {
    const secretId = stringField(request.body, 'secret_id')?.trim();
    if (!secretId) return replies.badRequest('missing secret_id');
    if (!takeSecretId(record, secretId, request.nowMs)) return replies.badRequest(INVALID);
  }
  return loginResponse(core, { mount, settings: record.options, metadata: { role_name: roleName }, displayName: 'approle' }, request.nowMs);
}

function roleFor(request: HandlerRequest, roleName: string): AppRoleRecord | undefined {
  return appRoleState(request).state.roles.get(roleName);
}

function readRoleId(roleName: string) {
  return (_core: DoubleCore, request: HandlerRequest): Outcome => {
    const record = roleFor(request, roleName);
    return record ? logical({ data: { role_id: record.options.roleId }, mountType: 'approle' }) : replies.notFound();
  };
}

function generateSecretId(roleName: string) {
  return (core: DoubleCore, request: HandlerRequest): Outcome => {
    const record = roleFor(request, roleName);
    if (!record) return replies.badRequest(`role "${roleName}" does not exist`);
    const secretId = core.ids.uuid();
    const secret: SecretIdRecord = {
      accessor: core.ids.uuid(),
      createdMs: request.nowMs,
      ttlSeconds: record.options.secretIdTtlSeconds ?? 0,
      usesLeft: 0,
    };
    record.secretIds.set(secretId, secret);
    return logical({
      data: { secret_id: secretId, secret_id_accessor: secret.accessor, secret_id_ttl: secret.ttlSeconds, secret_id_num_uses: 0 },
      mountType: 'approle',
    });
  };
}

export function routeAppRole(_mount: Mount, subPath: string): Route | undefined {
  if (subPath === 'login') return singleRoute('approle.login', ['update'], login, { unauthenticated: true });
  const match = /^role\/([^/]+)\/(role-id|secret-id)$/.exec(subPath);
  if (!match?.[1]) return undefined;
  return match[2] === 'role-id'
    ? singleRoute('approle.role-id', ['read'], readRoleId(match[1]))
    : singleRoute('approle.secret-id', ['update'], generateSecretId(match[1]));
}

export function newAppRoleRecord(options: AppRoleOptions, nowMs: number, newAccessor: () => string): AppRoleRecord {
  const secretIds = new Map<string, SecretIdRecord>();
  for (const entry of options.secretIds ?? []) {
    const secret = typeof entry === 'string' ? { secretId: entry } : entry;
    secretIds.set(secret.secretId, { accessor: newAccessor(), createdMs: nowMs, ttlSeconds: secret.ttlSeconds ?? 0, usesLeft: secret.numUses ?? 0 });
  }
  return { options, secretIds };
}
