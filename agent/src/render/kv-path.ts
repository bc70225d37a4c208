// KV v2 path shims (shimKVv2Path in
// https://github.com/hashicorp/consul-template/blob/main/dependency/vault_read.go): consul-template
// inserts `data/` (reads, writes) or `metadata/` (lists) after the mount unless the path already
// names a KV v2 sub-API.
import { trimEnds } from '../../../common/src/trim.js';

export interface MountInfo {
  /** Mount path as sys/internal/ui/mounts reports it, e.g. "secret/" (may carry a namespace prefix). */
  readonly mountPath: string;
  readonly kvVersion: 1 | 2 | undefined;
}

const READ_PREFIXES = ['data/', 'metadata/', 'subkeys/'];

/** Splits `secret/foo?version=2` into path and raw query. */
export function splitQuery(path: string): { path: string; query: string } {
  const index = path.indexOf('?');
  return index < 0 ? { path, query: '' } : { path: path.slice(0, index), query: path.slice(index + 1) };
}

function relativeToMount(path: string, mountPath: string, namespace: string | undefined): { mount: string; rest: string } | undefined {
  const trimmedPath = path.replace(/^\/+/, '');
  const candidates = [mountPath];
  // With a namespace the mount may be reported with the namespace prefix the path does not have.
  const prefix = trimEnds(namespace ?? '', '/');
  if (prefix !== '' && mountPath.startsWith(`${prefix}/`)) candidates.push(mountPath.slice(prefix.length + 1));
  for (const mount of candidates) {
    const normalised = mount.endsWith('/') ? mount : `${mount}/`;
    if (trimmedPath.startsWith(normalised)) return { mount: normalised, rest: trimmedPath.slice(normalised.length) };
    if (`${trimmedPath}/` === normalised) return { mount: normalised, rest: '' };
  }
  return undefined;
}

export function shimKvV2Path(path: string, mountPath: string, kind: 'read' | 'write' | 'list', namespace?: string): string {
  const split = relativeToMount(path, mountPath, namespace);
  if (split === undefined) return path;
  const { mount, rest } = split;
  if (kind === 'list') return rest.startsWith('metadata/') ? `${mount}${rest}` : `${mount}metadata/${rest}`;
  if (READ_PREFIXES.some((prefix) => rest.startsWith(prefix))) return `${mount}${rest}`;
  return `${mount}data/${rest}`;
}
