// Secret engines and auth methods mounted at paths, per namespace; longest-prefix resolution
// of request paths, as Vault's router does.
import type { MountOptions } from '../vault-double-api.js';
import type { IdSource } from '../ids.js';
import { SYSTEM_DEFAULT_TTL_SECONDS } from '../ttl.js';
import type { KvState } from '../engines/kv-state.js';
import type { DatabaseState } from '../engines/database.js';
import type { PkiState } from '../engines/pki.js';
import type { TransitState } from '../engines/transit.js';
import type { KubernetesState } from '../auth/kubernetes.js';
import type { AppRoleState } from '../auth/approle.js';
import type { JwtState } from '../auth/jwt.js';
import type { AwsState } from '../auth/aws.js';
import type { GcpState } from '../auth/gcp.js';
import type { OciState } from '../auth/oci.js';
import type { AzureState } from '../auth/azure.js';
import type { CertState } from '../auth/cert.js';
import type { AliCloudState } from '../auth/alicloud.js';
import type { LdapState } from '../auth/ldap.js';
import type { CfState } from '../auth/cf.js';

export type MountEngine =
  | { readonly type: 'kv'; readonly kv: KvState }
  | { readonly type: 'database'; readonly database: DatabaseState }
  | { readonly type: 'pki'; readonly pki: PkiState }
  | { readonly type: 'transit'; readonly transit: TransitState }
  | { readonly type: 'kubernetes'; readonly kubernetes: KubernetesState }
  | { readonly type: 'approle'; readonly approle: AppRoleState }
  | { readonly type: 'jwt'; readonly jwt: JwtState }
  | { readonly type: 'aws'; readonly aws: AwsState }
  | { readonly type: 'gcp'; readonly gcp: GcpState }
  | { readonly type: 'azure'; readonly azure: AzureState }
  | { readonly type: 'cert'; readonly cert: CertState }
  | { readonly type: 'alicloud'; readonly alicloud: AliCloudState }
  | { readonly type: 'oci'; readonly oci: OciState }
  | { readonly type: 'ldap'; readonly ldap: LdapState }
  | { readonly type: 'cf'; readonly cf: CfState };

export interface Mount {
  /** With trailing slash: "secret/", "auth/kubernetes/". */
  readonly path: string;
  readonly namespace: string;
  readonly accessor: string;
  readonly uuid: string;
  readonly description: string;
  /** 0: system default. */
  readonly defaultLeaseTtlSeconds: number;
  readonly maxLeaseTtlSeconds: number;
  readonly engine: MountEngine;
}

export function mountDefaultTtl(mount: Mount): number {
  return mount.defaultLeaseTtlSeconds > 0 ? mount.defaultLeaseTtlSeconds : SYSTEM_DEFAULT_TTL_SECONDS;
}

export function mountMaxTtl(mount: Mount): number {
  return mount.maxLeaseTtlSeconds > 0 ? mount.maxLeaseTtlSeconds : SYSTEM_DEFAULT_TTL_SECONDS;
}

export function trimSlashes(path: string): string {
  return path.replace(/^\/+|\/+$/g, '');
}

export function isAuthEngine(engine: MountEngine): boolean {
  return ['kubernetes', 'approle', 'jwt', 'aws', 'gcp', 'azure', 'cert', 'alicloud', 'oci', 'ldap', 'cf'].includes(engine.type);
}

export class MountTable {
  private readonly mounts = new Map<string, Mount>();
  private readonly namespaces = new Set<string>(['']);

  constructor(private readonly ids: IdSource) {}

  addNamespace(path: string): void {
    const segments = trimSlashes(path).split('/').filter((segment) => segment !== '');
    for (let count = 1; count <= segments.length; count += 1) this.namespaces.add(segments.slice(0, count).join('/'));
  }

  /** Mount an engine at `path` ("secret", "auth/kubernetes"); throws if the path is taken. */
  add(path: string, engine: MountEngine, options: MountOptions = {}): Mount {
    const namespace = trimSlashes(options.namespace ?? '');
    this.addNamespace(namespace);
    const mountPath = `${trimSlashes(path)}/`;
    const key = `${namespace}\u0000${mountPath}`;
    if (this.mounts.has(key)) throw new Error(`vault double: path is already in use at ${mountPath}`);
    const accessorPrefix = isAuthEngine(engine) ? `auth_${engine.type}` : engine.type;
    const mount: Mount = {
      path: mountPath,
      namespace,
      accessor: `${accessorPrefix}_${this.ids.hex(4)}`,
      uuid: this.ids.uuid(),
      description: options.description ?? '',
      defaultLeaseTtlSeconds: options.defaultLeaseTtlSeconds ?? 0,
      maxLeaseTtlSeconds: options.maxLeaseTtlSeconds ?? 0,
      engine,
    };
    this.mounts.set(key, mount);
    return mount;
  }

  get(namespace: string, path: string): Mount | undefined {
    return this.mounts.get(`${trimSlashes(namespace)}\u0000${trimSlashes(path)}/`);
  }

  /** The mount serving `path` (namespace-relative): the longest mount path that prefixes it. */
  resolve(namespace: string, path: string): Mount | undefined {
    const probe = path.endsWith('/') ? path : `${path}/`;
    let best: Mount | undefined;
    for (const mount of this.mounts.values()) {
      if (mount.namespace !== namespace || !probe.startsWith(mount.path)) continue;
      if (!best || mount.path.length > best.path.length) best = mount;
    }
    return best;
  }

  /**
   * Split header namespace + request path into the namespace that serves the request and the
   * path within it (a namespace may also be given as a path prefix).
   */
  splitNamespace(namespaceHeader: string, path: string): { namespace: string; path: string } {
    const full = [trimSlashes(namespaceHeader), path].filter((part) => part !== '').join('/');
    let namespace = '';
    for (const candidate of this.namespaces) {
      if (candidate !== '' && (full === candidate || full.startsWith(`${candidate}/`)) && candidate.length > namespace.length) {
        namespace = candidate;
      }
    }
    return { namespace, path: namespace === '' ? full : full.slice(namespace.length + 1) };
  }

  isNamespaceWithin(inner: string, outer: string): boolean {
    return outer === '' || inner === outer || inner.startsWith(`${outer}/`);
  }
}
