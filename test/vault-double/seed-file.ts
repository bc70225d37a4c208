// A JSON seed describing a whole double (for serve.ts, benchmarks and manual runs): parsed with
// every problem reported at once, then applied through the same calls tests use.
import type {
  AppRoleOptions,
  CreateTokenOptions,
  DatabaseRoleOptions,
  DatabaseStaticRoleOptions,
  JwtRoleOptions,
  KubernetesRoleOptions,
  MountOptions,
  PkiRoleOptions,
  PolicyRule,
  VaultDouble,
} from './vault-double-api.js';
import { CAPABILITIES } from './vault-double-api.js';
import { isPlainObject } from './core.js';

type WithMount<T> = T & { readonly mount?: string; readonly role: string };

export interface VaultDoubleSeed {
  readonly rootToken?: string;
  readonly version?: string;
  /** For serve.ts: generate a throwaway CA + server certificate, or load PEM files. */
  readonly tls?: { readonly generate: true; readonly caFile?: string } | { readonly certFile: string; readonly keyFile: string };
  readonly namespaces?: readonly string[];
  readonly policies?: readonly { readonly name: string; readonly rules: readonly PolicyRule[] }[];
  readonly kv?: readonly (MountOptions & { readonly path: string; readonly version: 1 | 2 })[];
  readonly secrets?: readonly { readonly path: string; readonly data: Readonly<Record<string, unknown>>; readonly namespace?: string }[];
  readonly auth?: readonly (MountOptions & { readonly type: 'kubernetes' | 'approle' | 'jwt'; readonly path?: string })[];
  readonly kubernetesRoles?: readonly WithMount<KubernetesRoleOptions & { readonly serviceAccountJwt: string }>[];
  readonly appRoles?: readonly WithMount<AppRoleOptions>[];
  readonly jwtRoles?: readonly WithMount<JwtRoleOptions & { readonly jwt: string }>[];
  readonly tokens?: readonly CreateTokenOptions[];
  readonly databaseRoles?: readonly WithMount<DatabaseRoleOptions>[];
  readonly databaseStaticRoles?: readonly WithMount<DatabaseStaticRoleOptions>[];
  readonly pkiRoles?: readonly WithMount<PkiRoleOptions>[];
  readonly transitKeys?: readonly { readonly mount?: string; readonly key: string; readonly namespace?: string }[];
}

type FieldKind = 'string' | 'count' | 'bool' | 'strings' | 'record' | 'kv-version' | 'auth-type' | 'token-type' | 'secret-ids' | 'rules';

interface SectionShape {
  readonly required: Readonly<Record<string, FieldKind>>;
  readonly optional: Readonly<Record<string, FieldKind>>;
}

const MOUNT: Readonly<Record<string, FieldKind>> = { namespace: 'string', defaultLeaseTtlSeconds: 'count', maxLeaseTtlSeconds: 'count', description: 'string' };
const ROLE_TOKEN: Readonly<Record<string, FieldKind>> = {
  mount: 'string',
  namespace: 'string',
  policies: 'strings',
  tokenTtlSeconds: 'count',
  tokenMaxTtlSeconds: 'count',
  tokenPeriodSeconds: 'count',
  tokenExplicitMaxTtlSeconds: 'count',
  tokenType: 'token-type',
  tokenNoDefaultPolicy: 'bool',
};

const SECTIONS: Readonly<Record<string, SectionShape>> = {
  namespaces: { required: {}, optional: {} },
  policies: { required: { name: 'string', rules: 'rules' }, optional: {} },
  kv: { required: { path: 'string', version: 'kv-version' }, optional: MOUNT },
  secrets: { required: { path: 'string', data: 'record' }, optional: { namespace: 'string' } },
  auth: { required: { type: 'auth-type' }, optional: { path: 'string', ...MOUNT } },
  kubernetesRoles: {
    required: { role: 'string', serviceAccountJwt: 'string' },
    optional: { ...ROLE_TOKEN, serviceAccountName: 'string', serviceAccountNamespace: 'string', serviceAccountUid: 'string' },
  },
  appRoles: { required: { role: 'string', roleId: 'string' }, optional: { ...ROLE_TOKEN, secretIds: 'secret-ids', bindSecretId: 'bool', secretIdTtlSeconds: 'count' } },
  jwtRoles: { required: { role: 'string', jwt: 'string' }, optional: { ...ROLE_TOKEN, metadata: 'record' } },
  tokens: {
    required: {},
    optional: { id: 'string', ttlSeconds: 'count', maxTtlSeconds: 'count', explicitMaxTtlSeconds: 'count', periodSeconds: 'count', renewable: 'bool', policies: 'strings', root: 'bool', type: 'token-type', meta: 'record', displayName: 'string', namespace: 'string' },
  },
  databaseRoles: { required: { role: 'string' }, optional: { mount: 'string', namespace: 'string', defaultTtlSeconds: 'count', maxTtlSeconds: 'count' } },
  databaseStaticRoles: { required: { role: 'string', username: 'string', rotationPeriodSeconds: 'count' }, optional: { mount: 'string', namespace: 'string', password: 'string' } },
  pkiRoles: { required: { role: 'string' }, optional: { mount: 'string', namespace: 'string', ttlSeconds: 'count', maxTtlSeconds: 'count', generateLease: 'bool', allowedDomains: 'strings' } },
  transitKeys: { required: { key: 'string' }, optional: { mount: 'string', namespace: 'string' } },
};

const TOP_LEVEL_SCALARS = new Set(['rootToken', 'version', 'tls']);

function isStringArray(value: unknown): boolean {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function kindProblem(kind: FieldKind, value: unknown): string | null {
  switch (kind) {
    case 'string':
      return typeof value === 'string' ? null : 'must be a string';
    case 'count':
      return Number.isInteger(value) && (value as number) >= 0 ? null : 'must be a non-negative integer';
    case 'bool':
      return typeof value === 'boolean' ? null : 'must be true or false';
    case 'strings':
      return isStringArray(value) ? null : 'must be an array of strings';
    case 'record':
      return isPlainObject(value) ? null : 'must be an object';
    case 'kv-version':
      return value === 1 || value === 2 ? null : 'must be 1 or 2';
    case 'auth-type':
      return value === 'kubernetes' || value === 'approle' || value === 'jwt' ? null : 'must be "kubernetes", "approle" or "jwt"';
    case 'token-type':
      return value === 'service' || value === 'batch' ? null : 'must be "service" or "batch"';
    case 'secret-ids':
      return Array.isArray(value) && value.every((item) => typeof item === 'string' || (isPlainObject(item) && typeof item['secretId'] === 'string')) ? null : 'must be an array of strings or {"secretId": …} objects';
    case 'rules':
      return Array.isArray(value) &&
        value.every((rule) => isPlainObject(rule) && typeof rule['path'] === 'string' && Array.isArray(rule['capabilities']) && rule['capabilities'].every((capability) => (CAPABILITIES as readonly unknown[]).includes(capability)))
        ? null
        : `must be an array of {"path", "capabilities"} with capabilities among ${CAPABILITIES.join(', ')}`;
  }
}

function entryProblems(section: string, index: number, entry: unknown, shape: SectionShape): string[] {
  const at = `${section}[${index}]`;
  if (section === 'namespaces') return typeof entry === 'string' ? [] : [`${at}: must be a string`];
  if (!isPlainObject(entry)) return [`${at}: must be an object`];
  const problems: string[] = [];
  for (const key of Object.keys(shape.required)) {
    if (!(key in entry)) problems.push(`${at}.${key}: is required`);
  }
  for (const [key, value] of Object.entries(entry)) {
    const kind = shape.required[key] ?? shape.optional[key];
    if (!kind) {
      problems.push(`${at}.${key}: unknown key`);
      continue;
    }
    const problem = kindProblem(kind, value);
    if (problem) problems.push(`${at}.${key}: ${problem}`);
  }
  return problems;
}

function tlsProblems(tls: unknown): string[] {
  if (tls === undefined) return [];
  if (isPlainObject(tls) && tls['generate'] === true && (tls['caFile'] === undefined || typeof tls['caFile'] === 'string') && Object.keys(tls).every((key) => key === 'generate' || key === 'caFile')) return [];
  if (isPlainObject(tls) && typeof tls['certFile'] === 'string' && typeof tls['keyFile'] === 'string' && Object.keys(tls).length === 2) return [];
  return ['tls: must be {"generate": true, "caFile"?: path} or {"certFile": path, "keyFile": path}'];
}

/** Validate a parsed JSON seed; throws one error listing every problem. */
export function parseSeed(json: unknown): VaultDoubleSeed {
  if (!isPlainObject(json)) throw new Error('vault double seed: must be a JSON object');
  const problems: string[] = [];
  for (const [key, value] of Object.entries(json)) {
    if (TOP_LEVEL_SCALARS.has(key)) {
      if (key !== 'tls' && typeof value !== 'string') problems.push(`${key}: must be a string`);
      continue;
    }
    const shape = SECTIONS[key];
    if (!shape) {
      problems.push(`${key}: unknown key (known: ${[...TOP_LEVEL_SCALARS, ...Object.keys(SECTIONS)].join(', ')})`);
      continue;
    }
    if (!Array.isArray(value)) {
      problems.push(`${key}: must be an array`);
      continue;
    }
    (value as unknown[]).forEach((entry, index) => problems.push(...entryProblems(key, index, entry, shape)));
  }
  problems.push(...tlsProblems(json['tls']));
  if (problems.length > 0) throw new Error(`vault double seed has ${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
  return json;
}

function withoutMount<T extends { readonly mount?: string }>(entry: T): Omit<T, 'mount'> {
  return Object.fromEntries(Object.entries(entry).filter(([key]) => key !== 'mount')) as Omit<T, 'mount'>;
}

/** Apply a parsed seed to a running double, in dependency order. */
export async function applySeed(vault: VaultDouble, seed: VaultDoubleSeed): Promise<void> {
  for (const namespace of seed.namespaces ?? []) vault.createNamespace(namespace);
  for (const policy of seed.policies ?? []) vault.addPolicy(policy.name, policy.rules);
  for (const { path, version, ...options } of seed.kv ?? []) vault.enableKv(path, version, options);
  for (const secret of seed.secrets ?? []) vault.writeKv(secret.path, secret.data, secret.namespace === undefined ? {} : { namespace: secret.namespace });
  for (const { type, path, ...options } of seed.auth ?? []) vault.enableAuth(type, path, options);
  for (const entry of seed.kubernetesRoles ?? []) vault.addKubernetesRole(entry.mount ?? 'kubernetes', entry.role, withoutMount(entry));
  for (const entry of seed.appRoles ?? []) vault.addAppRole(entry.mount ?? 'approle', entry.role, withoutMount(entry));
  for (const entry of seed.jwtRoles ?? []) vault.addJwtRole(entry.mount ?? 'jwt', entry.role, withoutMount(entry));
  for (const token of seed.tokens ?? []) vault.createToken(token);
  for (const entry of seed.databaseRoles ?? []) vault.addDatabaseRole(entry.mount ?? 'database', entry.role, withoutMount(entry));
  for (const entry of seed.databaseStaticRoles ?? []) vault.addDatabaseStaticRole(entry.mount ?? 'database', entry.role, withoutMount(entry));
  for (const entry of seed.pkiRoles ?? []) await vault.addPkiRole(entry.mount ?? 'pki', entry.role, withoutMount(entry));
  for (const entry of seed.transitKeys ?? []) vault.addTransitKey(entry.mount ?? 'transit', entry.key, entry.namespace === undefined ? {} : { namespace: entry.namespace });
}
