// Fetches what templates depend on, the way consul-template's Vault dependencies do: KV v2 is
// detected through sys/internal/ui/mounts/<path> and paths are shimmed; reads may carry a query;
// a 404 without data, or a deleted KV v2 version, means "no secret"; lists are sorted and a 404
// is an empty list; pkiCert reuses the certificate in the destination file until its rotation point.
import { MAX_PEM_FILE_BYTES, readTextBounded } from '../fs/read-bounded.js';
import type { PkiCertificateData, TemplateDependency, VaultSecretEnvelope } from '../../../template/src/index.js';
import type { VaultClient } from '../vault/vault-client.js';
import { numberField, toSecretEnvelope } from '../vault/vault-client.js';
import { VaultResponseError, isInvalidTokenError, isRetryableVaultError } from '../vault/vault-error.js';
import type { RenewalResult } from '../lease/lifetime-watcher.js';
import type { AgentLogger } from '../log.js';
import type { AgentMetrics } from '../telemetry/agent-metrics.js';
import type { MountInfo } from './kv-path.js';
import { shimKvV2Path, splitQuery } from './kv-path.js';
import { parsePemBundle, rotationPointMs } from './pem-bundle.js';
import { trimTrailing } from '../../../common/src/trim.js';

export class NoSecretError extends Error {
  override readonly name = 'NoSecretError';
  constructor(path: string) {
    super(`no secret exists at ${path}`);
  }
}

export interface PkiResult {
  readonly data: PkiCertificateData;
  /** When to issue a new certificate (ms since epoch). */
  readonly rotateAtMs: number;
}

export interface SecretFetcherOptions {
  readonly client: VaultClient;
  readonly token: string;
  readonly log: AgentLogger;
  readonly now: () => number;
  readonly leaseRenewalThreshold: number;
  readonly namespace: string | undefined;
  readonly metrics?: AgentMetrics;
}

export class SecretFetcher {
  readonly #options: SecretFetcherOptions;
  readonly #mounts = new Map<string, Promise<MountInfo>>();

  constructor(options: SecretFetcherOptions) {
    this.#options = options;
  }

  get token(): string {
    return this.#options.token;
  }

  async read(dependency: TemplateDependency & { kind: 'read' | 'write' }, signal: AbortSignal): Promise<VaultSecretEnvelope> {
    const { path: rawPath, query } = splitQuery(dependency.path);
    const mount = await this.#mountInfo(rawPath, signal);
    if (dependency.kind === 'write') {
      const kv2 = mount.kvVersion === 2;
      const path = kv2 ? shimKvV2Path(rawPath, mount.mountPath, 'write', this.#options.namespace) : rawPath;
      const response = await this.#request({ method: 'PUT', path, body: kv2 ? { data: dependency.body } : dependency.body, signal });
      return toSecretEnvelope(response.body);
    }
    const path = mount.kvVersion === 2 ? shimKvV2Path(rawPath, mount.mountPath, 'read', this.#options.namespace) : rawPath;
    const response = await this.#request({ method: 'GET', path, query, signal, acceptStatuses: [404] });
    const body = response.body as { data?: unknown; warnings?: unknown } | undefined;
    if (body === undefined || (response.status === 404 && isAbsent(body.data) && isAbsent(body.warnings))) {
      throw new NoSecretError(dependency.path);
    }
    const envelope = toSecretEnvelope(body);
    if (isDeletedKvV2(envelope, this.#options.now())) throw new NoSecretError(dependency.path);
    return envelope;
  }

  async list(dependency: TemplateDependency & { kind: 'list' }, signal: AbortSignal): Promise<string[]> {
    const mount = await this.#mountInfo(dependency.path, signal);
    const path = mount.kvVersion === 2 ? shimKvV2Path(dependency.path, mount.mountPath, 'list', this.#options.namespace) : dependency.path;
    const response = await this.#request({ method: 'GET', path: trimTrailing(path, '/'), query: 'list=true', signal, acceptStatuses: [404] });
    const keys = (response.body as { data?: { keys?: unknown } } | undefined)?.data?.keys;
    if (response.status === 404 || !Array.isArray(keys)) return [];
    return keys.filter((key): key is string => typeof key === 'string').sort();
  }

  async pki(dependency: TemplateDependency & { kind: 'pki' }, signal: AbortSignal): Promise<PkiResult> {
    const threshold = this.#options.leaseRenewalThreshold;
    const cached = parsePemBundle(await readTextBounded(dependency.destination, MAX_PEM_FILE_BYTES).catch(() => ''));
    const cachedRotation = rotationPointMs(cached, threshold);
    if (cachedRotation !== undefined && this.#options.now() < cachedRotation) {
      return { data: cached.data, rotateAtMs: cachedRotation };
    }
    const response = await this.#request({ method: 'PUT', path: dependency.path, body: dependency.body, signal });
    const data = (response.body as { data?: Record<string, unknown> } | undefined)?.data ?? {};
    const pieces: string[] = [];
    for (const value of Object.values(data)) {
      if (typeof value === 'string') pieces.push(value);
    }
    if (Array.isArray(data.ca_chain)) pieces.push(...data.ca_chain.filter((item): item is string => typeof item === 'string'));
    const issued = parsePemBundle(pieces.join('\n'));
    const rotation = rotationPointMs(issued, threshold);
    if (rotation === undefined) throw new Error(`pkiCert ${dependency.path}: response held no certificate`);
    return { data: issued.data, rotateAtMs: rotation };
  }

  async renewLease(leaseId: string, signal: AbortSignal): Promise<RenewalResult> {
    const response = await this.#request({ method: 'PUT', path: 'sys/leases/renew', body: { lease_id: leaseId, increment: 0 }, signal }).then(
      (result) => { this.#options.metrics?.increment('lease.renewal.success'); return result; },
      (error: unknown) => { this.#options.metrics?.increment('lease.renewal.failure'); throw error; },
    );
    const body = (response.body ?? {}) as { lease_duration?: unknown; renewable?: unknown };
    return { leaseSeconds: numberField(body.lease_duration) ?? 0, renewable: body.renewable === true };
  }

  #request(request: Omit<Parameters<VaultClient['request']>[0], 'token'>): ReturnType<VaultClient['request']> {
    return this.#options.client.request({ ...request, token: this.#options.token });
  }

  /** Mount lookups are cached per path for the life of this fetcher (one token's runner). */
  #mountInfo(path: string, signal: AbortSignal): Promise<MountInfo> {
    let info = this.#mounts.get(path);
    if (info === undefined) {
      info = this.#lookupMount(path, signal);
      this.#mounts.set(path, info);
      // A failed lookup (other than the ones that mean "assume v1") is retried next time.
      info.catch(() => this.#mounts.delete(path));
    }
    return info;
  }

  async #lookupMount(path: string, signal: AbortSignal): Promise<MountInfo> {
    try {
      const response = await this.#request({ method: 'GET', path: `sys/internal/ui/mounts/${path.replace(/^\/+/, '')}`, signal });
      return mountInfoFrom(response.body);
    } catch (error) {
      // An expired token must surface so the agent logs in again, and an unreachable or sealed
      // Vault so the fetch is retried; a 404 (old Vault) or a policy gap means "use the path as written".
      if (isInvalidTokenError(error) || isRetryableVaultError(error) || signal.aborted) throw error;
      if (!(error instanceof VaultResponseError && error.status === 404)) {
        this.#options.log.warn({ path, err: error }, 'KV version lookup failed; using the path as written');
      }
      return { mountPath: '', kvVersion: undefined };
    }
  }
}

/** sys/internal/ui/mounts' answer: the mount path, and the KV version when the mount is KV. */
function mountInfoFrom(body: unknown): MountInfo {
  const data = (body as { data?: { path?: unknown; type?: unknown; options?: { version?: unknown } | null } } | undefined)?.data;
  const version = data?.options?.version;
  const kv = data?.type === 'kv' || data?.type === 'generic';
  return {
    mountPath: typeof data?.path === 'string' ? data.path : '',
    kvVersion: kv ? (String(version) === '2' ? 2 : 1) : undefined,
  };
}

function isAbsent(value: unknown): boolean {
  return value === undefined || value === null;
}

function isDeletedKvV2(envelope: VaultSecretEnvelope, nowMs: number): boolean {
  const metadata = (envelope.data as { metadata?: { deletion_time?: unknown; destroyed?: unknown } | null } | null | undefined)?.metadata;
  if (metadata === null || metadata === undefined || typeof metadata !== 'object') return false;
  if (metadata.destroyed === true) return true;
  const deletion = metadata.deletion_time;
  if (typeof deletion !== 'string' || deletion === '') return false;
  const deletedAt = Date.parse(deletion);
  return Number.isFinite(deletedAt) && deletedAt <= nowMs;
}
