// sys/*: health and seal status, KV version detection (internal/ui/mounts), lease renew / revoke /
// lookup, and response wrapping (wrap / unwrap / lookup).
import { stringField, singleRoute, type DoubleCore, type HandlerRequest, type Route } from '../core.js';
import { errorReply, logical, replies, wire, type Outcome } from '../reply.js';
import { mountDefaultTtl, mountMaxTtl, isAuthEngine } from '../state/mount-table.js';
import { parseTtlInput, rfc3339, remainingSeconds, unixSeconds } from '../ttl.js';

const SYSTEM = 'system';

function healthBody(core: DoubleCore, nowMs: number): Record<string, unknown> {
  if (core.sealed) {
    return { initialized: true, sealed: true, standby: true, performance_standby: false, replication_performance_mode: 'unknown', replication_dr_mode: 'unknown', server_time_utc: unixSeconds(nowMs), version: core.version };
  }
  return {
    initialized: true,
    sealed: false,
    standby: false,
    performance_standby: false,
    replication_performance_mode: 'disabled',
    replication_dr_mode: 'disabled',
    server_time_utc: unixSeconds(nowMs),
    version: core.version,
    enterprise: false,
    cluster_name: core.clusterName,
    cluster_id: core.clusterId,
    echo_duration_ms: 0,
    clock_skew_ms: 0,
  };
}

function statusFromQuery(query: Readonly<Record<string, string>>, key: string, fallback: number): number {
  const value = Number(query[key]);
  return Number.isInteger(value) && value >= 100 && value <= 599 ? value : fallback;
}

function health(core: DoubleCore, request: HandlerRequest): Outcome {
  const status = core.sealed ? statusFromQuery(request.query, 'sealedcode', 503) : statusFromQuery(request.query, 'activecode', 200);
  return wire({ status, ...(request.operation === 'head' ? {} : { json: healthBody(core, request.nowMs) }) });
}

function sealStatus(core: DoubleCore): Outcome {
  return wire({
    status: 200,
    json: { type: 'shamir', initialized: true, sealed: core.sealed, t: 1, n: 1, progress: 0, nonce: '', version: core.version, build_date: '2024-01-01T00:00:00Z', migration: false, recovery_seal: false, storage_type: 'inmem', ...(core.sealed ? {} : { cluster_name: core.clusterName, cluster_id: core.clusterId }) },
  });
}

function uiMount(core: DoubleCore, request: HandlerRequest, path: string): Outcome {
  const preflight = errorReply(403, [`preflight capability check returned 403, please ensure client's policies grant access to path "${path}/"`]);
  const token = request.presentedToken === null ? undefined : core.tokens.live(request.presentedToken, request.nowMs);
  if (!token) return preflight;
  const mount = core.mounts.resolve(request.namespace, path);
  if (!mount) return preflight;
  const engine = mount.engine;
  return logical({
    data: {
      accessor: mount.accessor,
      config: { default_lease_ttl: mountDefaultTtl(mount), force_no_cache: false, max_lease_ttl: mountMaxTtl(mount) },
      description: mount.description,
      external_entropy_access: false,
      local: false,
      options: engine.type === 'kv' ? { version: String(engine.kv.version) } : null,
      path: mount.path,
      plugin_version: '',
      running_plugin_version: `v${core.version}+builtin${isAuthEngine(engine) ? '' : '.vault'}`,
      running_sha256: '',
      seal_wrap: false,
      type: engine.type,
      uuid: mount.uuid,
    },
    mountType: SYSTEM,
  });
}

function leaseIdOf(request: HandlerRequest, suffix: string): string | undefined {
  return suffix !== '' ? suffix : stringField(request.body, 'lease_id');
}

function renewLease(suffix: string) {
  return (core: DoubleCore, request: HandlerRequest): Outcome => {
    const leaseId = leaseIdOf(request, suffix);
    if (!leaseId) return replies.badRequest('lease_id must be specified');
    const increment = parseTtlInput(request.body['increment']);
    if (!increment.ok) return replies.badRequest(increment.error);
    const renewed = core.leases.renew(leaseId, increment.seconds, request.nowMs);
    if (!renewed.ok) return replies.badRequest(renewed.error);
    return logical({ leaseId, renewable: true, leaseDuration: renewed.ttlSeconds, warnings: renewed.warnings, mountType: SYSTEM });
  };
}

function revokeLease(suffix: string) {
  return (core: DoubleCore, request: HandlerRequest): Outcome => {
    const leaseId = leaseIdOf(request, suffix);
    if (!leaseId) return replies.badRequest('lease_id must be specified');
    const lease = core.leases.find(leaseId, request.nowMs);
    if (lease) core.leases.revoke(lease, 'lease-revoke', request.nowMs);
    return replies.noContent();
  };
}

function lookupLease(core: DoubleCore, request: HandlerRequest): Outcome {
  const leaseId = stringField(request.body, 'lease_id');
  if (!leaseId) return replies.badRequest('missing lease ID');
  const lease = core.leases.live(leaseId, request.nowMs);
  if (!lease) return replies.badRequest('invalid lease');
  return logical({
    data: {
      expire_time: rfc3339(lease.expireTimeMs),
      id: lease.leaseId,
      issue_time: rfc3339(lease.issueTimeMs),
      last_renewal: lease.lastRenewalMs === null ? null : rfc3339(lease.lastRenewalMs),
      renewable: lease.renewable,
      ttl: remainingSeconds(lease.expireTimeMs, request.nowMs),
    },
    mountType: SYSTEM,
  });
}

const INVALID_WRAPPING_TOKEN = 'wrapping token is not valid or does not exist';

function wrapData(_core: DoubleCore, request: HandlerRequest): Outcome {
  if (request.headers['x-vault-wrap-ttl'] === undefined) return replies.badRequest('endpoint requires response wrapping to be used');
  return logical({ data: request.body, mountType: SYSTEM });
}

/**
 * The wrapping token: body `token` or else the header token. Unwrapping by body token needs the
 * caller's own valid token; lookup is unauthenticated.
 */
function wrappingTokenOf(core: DoubleCore, request: HandlerRequest, callerMustAuthenticate: boolean): { token: string } | { error: Outcome } {
  const fromBody = stringField(request.body, 'token');
  if (fromBody && !callerMustAuthenticate) return { token: fromBody };
  if (fromBody) {
    const caller = request.presentedToken;
    if (caller === null) return { error: replies.missingToken() };
    if (!core.tokens.live(caller, request.nowMs)) return { error: replies.invalidToken() };
    return { token: fromBody };
  }
  if (request.presentedToken === null) return { error: replies.missingToken() };
  return { token: request.presentedToken };
}

function unwrap(core: DoubleCore, request: HandlerRequest): Outcome {
  const target = wrappingTokenOf(core, request, true);
  if ('error' in target) return target.error;
  const entry = core.wrapping.take(target.token, request.nowMs);
  return entry ? logical(entry.response) : replies.badRequest(INVALID_WRAPPING_TOKEN);
}

function lookupWrapping(core: DoubleCore, request: HandlerRequest): Outcome {
  const target = wrappingTokenOf(core, request, false);
  if ('error' in target) return target.error;
  const entry = core.wrapping.peek(target.token, request.nowMs);
  if (!entry) return replies.badRequest(INVALID_WRAPPING_TOKEN);
  return logical({
    data: { creation_path: entry.creationPath, creation_time: rfc3339(entry.creationTimeMs), creation_ttl: entry.ttlSeconds },
    mountType: SYSTEM,
  });
}

export function routeSys(path: string): Route | undefined {
  switch (path) {
    case 'sys/health':
      return singleRoute('sys.health', ['read', 'head'], health, { unauthenticated: true, noWrap: true });
    case 'sys/seal-status':
      return singleRoute('sys.seal-status', ['read'], sealStatus, { unauthenticated: true, noWrap: true });
    case 'sys/leases/lookup':
      return singleRoute('sys.leases.lookup', ['update'], lookupLease);
    case 'sys/wrapping/wrap':
      return singleRoute('sys.wrapping.wrap', ['update'], wrapData);
    case 'sys/wrapping/unwrap':
      return singleRoute('sys.wrapping.unwrap', ['update'], unwrap, { unauthenticated: true, noWrap: true });
    case 'sys/wrapping/lookup':
      return singleRoute('sys.wrapping.lookup', ['update', 'read'], lookupWrapping, { unauthenticated: true, noWrap: true });
    default:
      break;
  }
  const ui = /^sys\/internal\/ui\/mounts\/(.+)$/.exec(path);
  if (ui?.[1]) {
    const target = ui[1].replace(/\/+$/, '');
    return singleRoute('sys.internal-ui-mounts', ['read'], (core, request) => uiMount(core, request, target), { unauthenticated: true });
  }
  const lease = /^sys\/(?:leases\/)?(renew|revoke)(?:\/(.+))?$/.exec(path);
  if (lease?.[1]) {
    const suffix = lease[2] ?? '';
    return lease[1] === 'renew'
      ? singleRoute('sys.leases.renew', ['update'], renewLease(suffix))
      : singleRoute('sys.leases.revoke', ['update'], revokeLease(suffix));
  }
  return undefined;
}
