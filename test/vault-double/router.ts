// Which handler serves a (namespace, path): sys/*, auth/token/*, then the mount table.
import type { DoubleCore, Route } from './core.js';
import type { Mount } from './state/mount-table.js';
import { routeSys } from './sys/sys-routes.js';
import { routeToken } from './auth/token-routes.js';
import { routeKv } from './engines/kv.js';
import { routeDatabase } from './engines/database.js';
import { routePki } from './engines/pki.js';
import { routeTransit } from './engines/transit.js';
import { routeKubernetes } from './auth/kubernetes.js';
import { routeAppRole } from './auth/approle.js';
import { routeJwt } from './auth/jwt.js';
import { routeAws } from './auth/aws.js';
import { routeGcp } from './auth/gcp.js';
import { routeAzure } from './auth/azure.js';
import { routeCert } from './auth/cert.js';
import { routeAliCloud } from './auth/alicloud.js';
import { routeOci } from './auth/oci.js';
import { routeLdap } from './auth/ldap.js';
import { routeCf } from './auth/cf.js';

export type Resolution =
  | { readonly kind: 'route'; readonly route: Route; readonly mount: Mount | null; readonly subPath: string }
  /** A mount exists but has no such path: 404 unsupported path. */
  | { readonly kind: 'unsupported-path'; readonly mount: Mount }
  /** Nothing is mounted there: 404 no handler for route. */
  | { readonly kind: 'no-handler' };

function routeMount(mount: Mount, subPath: string): Route | undefined {
  switch (mount.engine.type) {
    case 'kv':
      return routeKv(mount, subPath);
    case 'database':
      return routeDatabase(mount, subPath);
    case 'pki':
      return routePki(mount, subPath);
    case 'transit':
      return routeTransit(mount, subPath);
    case 'kubernetes':
      return routeKubernetes(mount, subPath);
    case 'approle':
      return routeAppRole(mount, subPath);
    case 'jwt':
      return routeJwt(mount, subPath);
    case 'aws':
      return routeAws(mount, subPath);
    case 'gcp':
      return routeGcp(mount, subPath);
    case 'azure':
      return routeAzure(mount, subPath);
    case 'cert':
      return routeCert(mount, subPath);
    case 'alicloud':
      return routeAliCloud(mount, subPath);
    case 'oci':
      return routeOci(mount, subPath);
    case 'ldap':
      return routeLdap(mount, subPath);
    case 'cf':
      return routeCf(mount, subPath);
  }
}

export function resolveRoute(core: DoubleCore, namespace: string, path: string): Resolution {
  if (path.startsWith('sys/')) {
    const route = routeSys(path);
    return route ? { kind: 'route', route, mount: null, subPath: path } : { kind: 'no-handler' };
  }
  if (path.startsWith('auth/token/')) {
    const route = routeToken(path.slice('auth/token/'.length));
    return route ? { kind: 'route', route, mount: null, subPath: path.slice('auth/token/'.length) } : { kind: 'no-handler' };
  }
  const mount = core.mounts.resolve(namespace, path);
  if (!mount) return { kind: 'no-handler' };
  const subPath = `${path}/`.startsWith(mount.path) ? path.slice(mount.path.length) : '';
  const route = routeMount(mount, subPath);
  return route ? { kind: 'route', route, mount, subPath } : { kind: 'unsupported-path', mount };
}
