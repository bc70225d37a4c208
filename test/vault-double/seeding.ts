// Test-side set-up: mounts, secrets, roles, tokens, policies. Misuse throws at once with the
// problem named, so a mistyped seed fails the test that made it rather than a later request.
import type {
  AppRoleOptions,
  CreateTokenOptions,
  CreatedToken,
  DatabaseRoleOptions,
  DatabaseStaticRoleOptions,
  JwtRoleOptions,
  KubernetesRoleOptions,
  MountOptions,
  PkiMountOptions,
  PkiRoleOptions,
  RoleTokenSettings,
} from './vault-double-api.js';
import type { DoubleCore } from './core.js';
import { createOperatorToken } from './auth/login.js';
import { newAppRoleRecord } from './auth/approle.js';
import { newKvState, putKvV2 } from './engines/kv-state.js';
import { newDatabasePassword, rotateNow } from './engines/database.js';
import { createCertificateAuthority, serialHex } from './engines/pki-certificates.js';
import type { Mount, MountEngine } from './state/mount-table.js';
import { trimSlashes } from './state/mount-table.js';
import { randomBytes } from 'node:crypto';

type EngineType = MountEngine['type'];

function requireMount(core: DoubleCore, path: string, type: EngineType, namespace = ''): Mount {
  const mount = core.mounts.get(namespace, path);
  if (!mount) throw new Error(`vault double: nothing is mounted at ${trimSlashes(path)}/${namespace ? ` in namespace ${namespace}` : ''}`);
  if (mount.engine.type !== type) throw new Error(`vault double: ${mount.path} is a ${mount.engine.type} mount, not ${type}`);
  return mount;
}

export function mountOrCreate(core: DoubleCore, path: string, create: () => MountEngine, namespace = ''): Mount {
  return core.mounts.get(namespace, path) ?? core.mounts.add(path, create(), { namespace });
}

export function authPath(mount: string): string {
  const trimmed = trimSlashes(mount);
  return trimmed.startsWith('auth/') ? trimmed : `auth/${trimmed}`;
}

function requireNonNegative(label: string, values: Readonly<Record<string, number | undefined>>): void {
  const bad = Object.entries(values).filter(([, value]) => value !== undefined && (!Number.isInteger(value) || value < 0));
  if (bad.length > 0) throw new Error(`vault double: ${label}: ${bad.map(([key, value]) => `${key} must be a non-negative integer (got ${String(value)})`).join('; ')}`);
}

export function enableKv(core: DoubleCore, path: string, version: 1 | 2, options: MountOptions = {}): void {
  requireNonNegative(`enableKv ${path}`, { defaultLeaseTtlSeconds: options.defaultLeaseTtlSeconds, maxLeaseTtlSeconds: options.maxLeaseTtlSeconds });
  core.mounts.add(path, { type: 'kv', kv: newKvState(version) }, options);
}

function kvTarget(core: DoubleCore, path: string, namespace: string): { mount: Mount; subPath: string } {
  const trimmed = trimSlashes(path);
  const mount = core.mounts.resolve(namespace, trimmed);
  if (mount?.engine.type !== 'kv') throw new Error(`vault double: no KV mount serves ${trimmed}${namespace ? ` in namespace ${namespace}` : ''}`);
  const subPath = trimmed.slice(mount.path.length);
  if (subPath === '') throw new Error(`vault double: ${trimmed} names the mount itself, not a secret`);
  return { mount, subPath };
}

export function writeKv(core: DoubleCore, path: string, data: Readonly<Record<string, unknown>>, namespace = ''): number {
  const { mount, subPath } = kvTarget(core, path, namespace);
  if (mount.engine.type !== 'kv') throw new Error('unreachable');
  const kv = mount.engine.kv;
  if (kv.version === 1) {
    kv.entries.set(subPath, structuredClone(data));
    return 0;
  }
  return putKvV2(kv.entries, subPath, data, core.now()).version;
}

export function deleteKvVersion(core: DoubleCore, path: string, version: number | undefined, options: { destroy?: boolean; namespace?: string }): void {
  const { mount, subPath } = kvTarget(core, path, options.namespace ?? '');
  if (mount.engine.type !== 'kv' || mount.engine.kv.version !== 2) throw new Error(`vault double: ${mount.path} is not a KV v2 mount`);
  const entry = mount.engine.kv.entries.get(subPath);
  if (!entry) throw new Error(`vault double: no KV v2 secret at ${trimSlashes(path)}`);
  const number = version ?? entry.currentVersion;
  const target = entry.versions.get(number);
  if (!target) throw new Error(`vault double: ${trimSlashes(path)} has no version ${number}`);
  if (options.destroy) target.destroyed = true;
  else target.deletionMs = core.now();
}

export function enableAuth(core: DoubleCore, type: 'kubernetes' | 'approle' | 'jwt', path: string | undefined, options: MountOptions = {}): void {
  core.mounts.add(authPath(path ?? type), newAuthEngine(type), options);
}

function newAuthEngine(type: 'kubernetes' | 'approle' | 'jwt'): MountEngine {
  switch (type) {
    case 'kubernetes':
      return { type, kubernetes: { roles: new Map() } };
    case 'approle':
      return { type, approle: { roles: new Map() } };
    case 'jwt':
      return { type, jwt: { roles: new Map() } };
  }
}

export function checkRoleSettings(label: string, options: RoleTokenSettings): void {
  requireNonNegative(label, {
    tokenTtlSeconds: options.tokenTtlSeconds,
    tokenMaxTtlSeconds: options.tokenMaxTtlSeconds,
    tokenPeriodSeconds: options.tokenPeriodSeconds,
    tokenExplicitMaxTtlSeconds: options.tokenExplicitMaxTtlSeconds,
  });
}

export function addKubernetesRole(core: DoubleCore, mount: string, role: string, options: KubernetesRoleOptions): void {
  checkRoleSettings(`kubernetes role ${role}`, options);
  const target = mountOrCreate(core, authPath(mount), () => newAuthEngine('kubernetes'), options.namespace);
  if (target.engine.type !== 'kubernetes') throw new Error(`vault double: ${target.path} is a ${target.engine.type} mount`);
  target.engine.kubernetes.roles.set(role, options);
}

export function addAppRole(core: DoubleCore, mount: string, role: string, options: AppRoleOptions): void {
  checkRoleSettings(`approle ${role}`, options);
  if (!options.roleId) throw new Error(`vault double: approle ${role} needs a roleId`);
  const target = mountOrCreate(core, authPath(mount), () => newAuthEngine('approle'), options.namespace);
  if (target.engine.type !== 'approle') throw new Error(`vault double: ${target.path} is a ${target.engine.type} mount`);
  target.engine.approle.roles.set(role, newAppRoleRecord(options, core.now(), () => core.ids.uuid()));
}

export function addJwtRole(core: DoubleCore, mount: string, role: string, options: JwtRoleOptions): void {
  checkRoleSettings(`jwt role ${role}`, options);
  const target = mountOrCreate(core, authPath(mount), () => newAuthEngine('jwt'), options.namespace);
  if (target.engine.type !== 'jwt') throw new Error(`vault double: ${target.path} is a ${target.engine.type} mount`);
  target.engine.jwt.roles.set(role, options);
}

export function createToken(core: DoubleCore, options: CreateTokenOptions = {}): CreatedToken {
  requireNonNegative('createToken', { ttlSeconds: options.ttlSeconds, maxTtlSeconds: options.maxTtlSeconds, explicitMaxTtlSeconds: options.explicitMaxTtlSeconds, periodSeconds: options.periodSeconds });
  if (options.id !== undefined && core.tokens.find(options.id, core.now())) throw new Error('vault double: a token with that id already exists');
  if (options.namespace) core.mounts.addNamespace(options.namespace);
  const token = createOperatorToken(core, options, null, core.now());
  return { token: token.id, accessor: token.accessor };
}

export function enableDatabase(core: DoubleCore, path: string, options: MountOptions = {}): void {
  core.mounts.add(path, { type: 'database', database: { roles: new Map(), staticRoles: new Map() } }, options);
}

function databaseMount(core: DoubleCore, mount: string, namespace?: string): Mount {
  return mountOrCreate(core, mount, () => ({ type: 'database', database: { roles: new Map(), staticRoles: new Map() } }), namespace);
}

export function addDatabaseRole(core: DoubleCore, mount: string, role: string, options: DatabaseRoleOptions = {}): void {
  requireNonNegative(`database role ${role}`, { defaultTtlSeconds: options.defaultTtlSeconds, maxTtlSeconds: options.maxTtlSeconds });
  const target = databaseMount(core, mount, options.namespace);
  if (target.engine.type !== 'database') throw new Error(`vault double: ${target.path} is a ${target.engine.type} mount`);
  target.engine.database.roles.set(role, options);
}

export function addDatabaseStaticRole(core: DoubleCore, mount: string, role: string, options: DatabaseStaticRoleOptions): void {
  if (!Number.isInteger(options.rotationPeriodSeconds) || options.rotationPeriodSeconds <= 0) {
    throw new Error(`vault double: static role ${role}: rotationPeriodSeconds must be a positive integer`);
  }
  const target = databaseMount(core, mount, options.namespace);
  if (target.engine.type !== 'database') throw new Error(`vault double: ${target.path} is a ${target.engine.type} mount`);
  const nowMs = core.now();
  const state = { username: options.username, rotationPeriodSeconds: options.rotationPeriodSeconds, password: options.password ?? newDatabasePassword(core), lastRotationMs: nowMs };
  target.engine.database.staticRoles.set(role, state);
  core.credentials.push({ kind: 'database-static', mount: target.path.replace(/\/$/, ''), role, username: state.username, password: state.password, rotatedAtMs: nowMs });
}

export function rotateStaticCredentials(core: DoubleCore, mount: string, role: string, namespace?: string): void {
  const target = requireMount(core, mount, 'database', namespace);
  if (target.engine.type !== 'database') throw new Error('unreachable');
  const state = target.engine.database.staticRoles.get(role);
  if (!state) throw new Error(`vault double: no static role ${role} on ${target.path}`);
  rotateNow(core, { mount: target, roleName: role, role: state }, core.now());
}

const TEN_YEARS_SECONDS = 10 * 365 * 86_400;

export async function enablePki(core: DoubleCore, path: string, options: PkiMountOptions = {}): Promise<void> {
  const nowMs = core.now();
  const ca = await createCertificateAuthority({
    commonName: options.caCommonName ?? 'vault-double Root CA',
    serial: serialHex(randomBytes(20).toString('hex')),
    notBeforeMs: nowMs - 30_000,
    notAfterMs: nowMs + (options.caTtlSeconds ?? TEN_YEARS_SECONDS) * 1000,
  });
  core.mounts.add(path, { type: 'pki', pki: { ca, roles: new Map() } }, options);
}

export async function addPkiRole(core: DoubleCore, mount: string, role: string, options: PkiRoleOptions = {}): Promise<void> {
  requireNonNegative(`pki role ${role}`, { ttlSeconds: options.ttlSeconds, maxTtlSeconds: options.maxTtlSeconds });
  if (!core.mounts.get(options.namespace ?? '', mount)) await enablePki(core, mount, options.namespace ? { namespace: options.namespace } : {});
  const target = requireMount(core, mount, 'pki', options.namespace);
  if (target.engine.type !== 'pki') throw new Error('unreachable');
  target.engine.pki.roles.set(role, options);
}

export function pkiCaPem(core: DoubleCore, mount: string, namespace?: string): string {
  const target = requireMount(core, mount, 'pki', namespace);
  if (target.engine.type !== 'pki') throw new Error('unreachable');
  return target.engine.pki.ca.certificatePem;
}

export function addTransitKey(core: DoubleCore, mount: string, key: string, namespace?: string): void {
  const target = mountOrCreate(core, mount, () => ({ type: 'transit', transit: { keys: new Map() } }), namespace);
  if (target.engine.type !== 'transit') throw new Error(`vault double: ${target.path} is a ${target.engine.type} mount`);
  target.engine.transit.keys.set(key, randomBytes(32));
}
