// KV secrets engine routes, version 1 (passthrough, lease_duration from a `ttl` key or the mount
// default) and version 2 (versioned: data/, metadata/, delete/, undelete/, destroy/, config).
import { isPlainObject, singleRoute, type DoubleCore, type HandlerRequest, type Route } from '../core.js';
import { logical, replies, type Outcome } from '../reply.js';
import { mountDefaultTtl, type Mount } from '../state/mount-table.js';
import { parseTtlInput, rfc3339 } from '../ttl.js';
import { listKeys, putKvV2, type KvV2Entry, type KvV2Version } from './kv-state.js';

const MOUNT_TYPE = 'kv';

function kvEntries(mount: Mount | null): { version: 1; entries: Map<string, Readonly<Record<string, unknown>>> } | { version: 2; entries: Map<string, KvV2Entry> } {
  if (mount?.engine.type !== 'kv') throw new Error('kv handler on a non-kv mount');
  return mount.engine.kv;
}

function listPrefix(subPath: string): string {
  return subPath === '' || subPath.endsWith('/') ? subPath : `${subPath}/`;
}

// ---------------------------------------------------------------------------- version 1

function readV1(_core: DoubleCore, request: HandlerRequest): Outcome {
  const kv = kvEntries(request.mount);
  if (kv.version !== 1 || !request.mount) return replies.notFound();
  const data = kv.entries.get(request.subPath);
  if (!data) return replies.notFound();
  // A `ttl` (or legacy `lease`) key sets the lease duration the agent re-reads by.
  const ttlRaw = data['ttl'] ?? data['lease'];
  let leaseDuration = mountDefaultTtl(request.mount);
  if (ttlRaw !== undefined) {
    const parsed = parseTtlInput(ttlRaw);
    if (!parsed.ok) return replies.badRequest(`failed to parse ttl for entry: ${parsed.error}`);
    if (parsed.seconds > 0) leaseDuration = parsed.seconds;
  }
  return logical({ data, leaseDuration, mountType: MOUNT_TYPE });
}

function listV1(_core: DoubleCore, request: HandlerRequest): Outcome {
  const kv = kvEntries(request.mount);
  const keys = listKeys(kv.entries.keys(), listPrefix(request.subPath));
  return keys.length === 0 ? replies.notFound() : logical({ data: { keys }, mountType: MOUNT_TYPE });
}

function writeV1(_core: DoubleCore, request: HandlerRequest): Outcome {
  const kv = kvEntries(request.mount);
  if (kv.version !== 1) return replies.notFound();
  if (Object.keys(request.body).length === 0) return replies.badRequest('missing data fields');
  kv.entries.set(request.subPath, structuredClone(request.body));
  return replies.noContent();
}

function deleteV1(_core: DoubleCore, request: HandlerRequest): Outcome {
  kvEntries(request.mount).entries.delete(request.subPath);
  return replies.noContent();
}

function routeKvV1(): Route {
  return {
    endpoint: 'kv1.read',
    handlers: {
      read: { endpoint: 'kv1.read', handle: readV1 },
      list: { endpoint: 'kv1.list', handle: listV1 },
      update: { endpoint: 'kv1.write', handle: writeV1 },
      delete: { endpoint: 'kv1.delete', handle: deleteV1 },
    },
  };
}

// ---------------------------------------------------------------------------- version 2

function v2Entries(request: HandlerRequest): Map<string, KvV2Entry> {
  const kv = kvEntries(request.mount);
  if (kv.version !== 2) throw new Error('kv v2 handler on a v1 mount');
  return kv.entries;
}

function isDeleted(version: KvV2Version, nowMs: number): boolean {
  return version.destroyed || (version.deletionMs !== null && version.deletionMs <= nowMs);
}

function versionMetadata(entry: KvV2Entry, version: KvV2Version, number: number): Record<string, unknown> {
  return {
    created_time: rfc3339(version.createdMs),
    custom_metadata: entry.customMetadata,
    deletion_time: version.deletionMs === null ? '' : rfc3339(version.deletionMs),
    destroyed: version.destroyed,
    version: number,
  };
}

function readV2(_core: DoubleCore, request: HandlerRequest, path: string): Outcome {
  const entry = v2Entries(request).get(path);
  if (!entry) return replies.notFound();
  const requested = request.query['version'];
  const number = requested === undefined || requested === '' || requested === '0' ? entry.currentVersion : Number(requested);
  if (!Number.isInteger(number) || number < 0) return replies.badRequest(`invalid version: ${requested ?? ''}`);
  const version = entry.versions.get(number);
  if (!version) return replies.notFound();
  const metadata = versionMetadata(entry, version, number);
  // Deleted and destroyed versions: 404 that still carries the metadata (clients read it as a secret).
  if (isDeleted(version, request.nowMs)) return logical({ data: { data: null, metadata }, mountType: MOUNT_TYPE }, 404);
  return logical({ data: { data: version.data, metadata }, mountType: MOUNT_TYPE });
}

function writeV2(_core: DoubleCore, request: HandlerRequest, path: string): Outcome {
  const data = request.body['data'];
  if (!isPlainObject(data)) return replies.badRequest('no data provided');
  const entries = v2Entries(request);
  const options = request.body['options'];
  const cas = isPlainObject(options) ? options['cas'] : undefined;
  if (typeof cas === 'number' && cas !== (entries.get(path)?.currentVersion ?? 0)) {
    return replies.badRequest('check-and-set parameter did not match the current version');
  }
  const written = putKvV2(entries, path, data, request.nowMs);
  const entry = entries.get(path);
  if (!entry) throw new Error('kv v2 write lost its entry');
  return logical({ data: versionMetadata(entry, written, written.version), mountType: MOUNT_TYPE });
}

function deleteLatestV2(_core: DoubleCore, request: HandlerRequest, path: string): Outcome {
  const entry = v2Entries(request).get(path);
  const version = entry?.versions.get(entry.currentVersion);
  if (version && version.deletionMs === null) version.deletionMs = request.nowMs;
  return replies.noContent();
}

function versionsFromBody(request: HandlerRequest): number[] | string {
  const versions: unknown = request.body['versions'];
  if (!Array.isArray(versions) || versions.length === 0) return 'no version number provided';
  const numbers = (versions as unknown[]).map((value) => (typeof value === 'string' ? Number(value) : value));
  return numbers.every((value): value is number => typeof value === 'number' && Number.isInteger(value)) ? numbers : 'invalid version number';
}

function changeVersions(request: HandlerRequest, path: string, change: (version: KvV2Version) => void): Outcome {
  const numbers = versionsFromBody(request);
  if (typeof numbers === 'string') return replies.badRequest(numbers);
  const entry = v2Entries(request).get(path);
  for (const number of numbers) {
    const version = entry?.versions.get(number);
    if (version) change(version);
  }
  return replies.noContent();
}

function readMetadataV2(_core: DoubleCore, request: HandlerRequest, path: string): Outcome {
  const entry = v2Entries(request).get(path);
  if (!entry) return replies.notFound();
  const versions: Record<string, unknown> = {};
  for (const [number, version] of entry.versions) {
    versions[String(number)] = {
      created_time: rfc3339(version.createdMs),
      deletion_time: version.deletionMs === null ? '' : rfc3339(version.deletionMs),
      destroyed: version.destroyed,
    };
  }
  return logical({
    data: {
      cas_required: false,
      created_time: rfc3339(entry.createdMs),
      current_version: entry.currentVersion,
      custom_metadata: entry.customMetadata,
      delete_version_after: '0s',
      max_versions: 0,
      oldest_version: 0,
      updated_time: rfc3339(entry.updatedMs),
      versions,
    },
    mountType: MOUNT_TYPE,
  });
}

function listV2(_core: DoubleCore, request: HandlerRequest, path: string): Outcome {
  const keys = listKeys(v2Entries(request).keys(), listPrefix(path));
  return keys.length === 0 ? replies.notFound() : logical({ data: { keys }, mountType: MOUNT_TYPE });
}

function deleteMetadataV2(_core: DoubleCore, request: HandlerRequest, path: string): Outcome {
  v2Entries(request).delete(path);
  return replies.noContent();
}

type PathHandler = (core: DoubleCore, request: HandlerRequest, path: string) => Outcome;

function bind(handler: PathHandler, path: string): (core: DoubleCore, request: HandlerRequest) => Outcome {
  return (core, request) => handler(core, request, path);
}

/** Vault's answer to a v1-style path on a v2 mount: 404 with a warning, no errors. */
function unversionedPath(command: string): (core: DoubleCore, request: HandlerRequest) => Outcome {
  return () =>
    logical(
      {
        data: null,
        warnings: [
          `Invalid path for a versioned K/V secrets engine. See the API docs for the appropriate API endpoints to use. If using the Vault CLI, use 'vault kv ${command}' for this operation.`,
        ],
        mountType: MOUNT_TYPE,
      },
      404,
    );
}

function routeKvV2(subPath: string): Route {
  const [head = '', ...rest] = subPath.split('/');
  const path = rest.join('/');
  switch (head) {
    case 'data':
      return {
        endpoint: 'kv2.read',
        handlers: {
          read: { endpoint: 'kv2.read', handle: bind(readV2, path) },
          update: { endpoint: 'kv2.write', handle: bind(writeV2, path) },
          delete: { endpoint: 'kv2.delete', handle: bind(deleteLatestV2, path) },
        },
      };
    case 'metadata':
      return {
        endpoint: 'kv2.metadata',
        handlers: {
          read: { endpoint: 'kv2.metadata', handle: bind(readMetadataV2, path) },
          list: { endpoint: 'kv2.list', handle: bind(listV2, path) },
          delete: { endpoint: 'kv2.metadata', handle: bind(deleteMetadataV2, path) },
        },
      };
    case 'delete':
      return singleRoute('kv2.versions', ['update'], (_core, request) => changeVersions(request, path, (version) => {
        if (version.deletionMs === null) version.deletionMs = request.nowMs;
      }));
    case 'undelete':
      return singleRoute('kv2.versions', ['update'], (_core, request) => changeVersions(request, path, (version) => {
        version.deletionMs = null;
      }));
    case 'destroy':
      return singleRoute('kv2.versions', ['update'], (_core, request) => changeVersions(request, path, (version) => {
        version.destroyed = true;
      }));
    case 'config':
      if (path === '') {
        return singleRoute('kv2.config', ['read'], () =>
          logical({ data: { cas_required: false, delete_version_after: '0s', max_versions: 0 }, mountType: MOUNT_TYPE }),
        );
      }
      break;
    default:
      break;
  }
  return {
    endpoint: 'kv2.unversioned-path',
    handlers: {
      read: { endpoint: 'kv2.unversioned-path', handle: unversionedPath('get') },
      list: { endpoint: 'kv2.unversioned-path', handle: unversionedPath('list') },
      update: { endpoint: 'kv2.unversioned-path', handle: unversionedPath('put') },
      delete: { endpoint: 'kv2.unversioned-path', handle: unversionedPath('delete') },
    },
  };
}

export function routeKv(mount: Mount, subPath: string): Route {
  if (mount.engine.type !== 'kv') throw new Error('routeKv on a non-kv mount');
  return mount.engine.kv.version === 1 ? routeKvV1() : routeKvV2(subPath);
}

