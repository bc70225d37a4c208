// The agent's side of the template "brain": one watch loop per dependency id, shared by every
// template that uses it. Each loop fetches, stores the value (announcing real changes), then waits
// as consul-template does for that kind of secret
// (https://github.com/hashicorp/consul-template/blob/main/dependency/vault_common.go; renewing
// leases meanwhile) and fetches again. Fetch failures retry 250 ms → 1 min up to
// vault.retry.num_retries, then the runner is told. Leased and written secrets can be handed over
// (secretRecords) and taken back (seeds): a seeded dependency starts from the restored value and
// lease instead of fetching (persistent cache).
import type {
  DependencyStore,
  FileContent,
  PkiCertificateData,
  TemplateDependency,
  VaultSecretEnvelope,
} from '../../../template/src/index.js';
import { watchLifetime } from '../lease/lifetime-watcher.js';
import { planRefetch } from '../lease/renewal-timing.js';
import { fetchRetryDelayMs } from '../supervisor/backoff.js';
import { isAborted } from '../supervisor/sleep.js';
import { coerceError, isInvalidTokenError } from '../vault/vault-error.js';
import type { AgentLogger } from '../log.js';
import type { SecretFetcher } from './secret-fetcher.js';
import { FILE_POLL_MS, LocalFiles } from './local-file.js';

export interface DependencyTrackerOptions {
  readonly fetcher: SecretFetcher;
  readonly log: AgentLogger;
  readonly now: () => number;
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<boolean>;
  readonly random: () => number;
  readonly staticIntervalMs: number;
  readonly leaseRenewalThreshold: number;
  readonly retry: { readonly baseMs: number; readonly maxMs: number; readonly attempts: number };
  /** A dependency's value changed (or arrived): templates should run again. */
  readonly onChange: () => void;
  /** Retries exhausted (or an unrecoverable answer): the runner has failed. */
  readonly onFailure: (error: Error) => void;
  /** Vault said the token is invalid. */
  readonly onInvalidToken: (token: string) => void;
  /** Secrets restored from the persistent cache, by dependency id; used instead of a first fetch. */
  readonly seeds?: readonly SecretRecord[];
  /** Local files for `file` (default: read from disk, polled every 2 s as consul-template does). */
  readonly files?: LocalFiles;
  readonly filePollMs?: number;
}

/** A fetched secret with its lease state, as the persistent cache stores it. */
export interface SecretRecord {
  readonly id: string;
  readonly kind: 'read' | 'write';
  /** Vault's response; lease_id, lease_duration and renewable describe the lease. */
  readonly envelope: VaultSecretEnvelope;
  readonly fetchedAtMs: number;
  /** When envelope.lease_duration was reported (the fetch or the last renewal). */
  readonly leaseUpdatedAtMs: number;
}

type StoredValue =
  | { readonly kind: 'secret'; readonly envelope: VaultSecretEnvelope }
  | { readonly kind: 'list'; readonly keys: readonly string[] }
  | { readonly kind: 'pki'; readonly data: PkiCertificateData }
  | { readonly kind: 'file'; readonly file: FileContent };

interface Entry {
  readonly dependency: TemplateDependency;
  readonly stop: AbortController;
  value: StoredValue | undefined;
  fingerprint: string | undefined;
  fetchedAtMs: number;
  leaseUpdatedAtMs: number;
}

/** A restored secret and the step its watch starts with (keep the lease renewed, or wait). */
interface Seed {
  readonly record: SecretRecord;
  readonly first: NextStep;
}

export class DependencyTracker implements DependencyStore {
  readonly #options: DependencyTrackerOptions;
  readonly #entries = new Map<string, Entry>();
  readonly #stopAll = new AbortController();
  readonly #seeds = new Map<string, Seed>();
  readonly #files: LocalFiles;

  constructor(options: DependencyTrackerOptions) {
    this.#options = options;
    this.#files = options.files ?? new LocalFiles();
    for (const record of options.seeds ?? []) {
      const first = this.#resumeStep(record);
      if (first === undefined) options.log.info({ dependency: record.id }, 'restored secret has expired; fetching it again');
      else this.#seeds.set(record.id, { record, first });
    }
  }

  get size(): number {
    return this.#entries.size;
  }

  read(dependency: TemplateDependency & { kind: 'read' | 'write' }): VaultSecretEnvelope | undefined {
    const entry = this.#entries.get(dependency.id);
    if (entry === undefined) return this.#seedFor(dependency)?.record.envelope;
    return entry.value?.kind === 'secret' ? entry.value.envelope : undefined;
  }

  list(dependency: TemplateDependency & { kind: 'list' }): readonly string[] | undefined {
    const value = this.#entries.get(dependency.id)?.value;
    return value?.kind === 'list' ? value.keys : undefined;
  }

  pki(dependency: TemplateDependency & { kind: 'pki' }): PkiCertificateData | undefined {
    const value = this.#entries.get(dependency.id)?.value;
    return value?.kind === 'pki' ? value.data : undefined;
  }

  file(dependency: TemplateDependency & { kind: 'file' }): FileContent | undefined {
    const value = this.#entries.get(dependency.id)?.value;
    return value?.kind === 'file' ? value.file : undefined;
  }

  /** Everything fetched so far (for redacting error texts). */
  *values(): Iterable<unknown> {
    for (const entry of this.#entries.values()) {
      const value = entry.value;
      if (value?.kind === 'secret') yield [value.envelope.data, value.envelope.auth?.client_token, value.envelope.wrap_info?.token];
      else if (value?.kind === 'file') yield 'content' in value.file ? value.file.content : undefined;
      else if (value !== undefined) yield value;
    }
    for (const seed of this.#seeds.values()) yield seed.record.envelope.data;
  }

  /**
   * The secrets worth handing to another agent: leased ones (dynamic credentials) and writes (each
   * issues something new, e.g. a certificate). KV and other lease-less reads are cheap to read again.
   */
  secretRecords(): SecretRecord[] {
    const records: SecretRecord[] = [];
    for (const entry of this.#entries.values()) {
      const { dependency, value } = entry;
      if (value?.kind !== 'secret' || (dependency.kind !== 'read' && dependency.kind !== 'write')) continue;
      if (dependency.kind === 'read' && (value.envelope.lease_id ?? '') === '') continue;
      records.push({
        id: dependency.id,
        kind: dependency.kind,
        envelope: value.envelope,
        fetchedAtMs: entry.fetchedAtMs,
        leaseUpdatedAtMs: entry.leaseUpdatedAtMs,
      });
    }
    return records;
  }

  /** Starts watching a dependency the first time it is seen. */
  ensure(dependency: TemplateDependency): void {
    if (this.#entries.has(dependency.id) || this.#stopAll.signal.aborted) return;
    const stop = new AbortController();
    const entry: Entry = { dependency, stop, value: undefined, fingerprint: undefined, fetchedAtMs: 0, leaseUpdatedAtMs: 0 };
    const seed = this.#seedFor(dependency);
    this.#seeds.delete(dependency.id);
    if (seed !== undefined) {
      const value: StoredValue = { kind: 'secret', envelope: seed.record.envelope };
      entry.value = value;
      entry.fingerprint = fingerprintOf(value);
      entry.fetchedAtMs = seed.record.fetchedAtMs;
      entry.leaseUpdatedAtMs = seed.record.leaseUpdatedAtMs;
      this.#options.log.debug({ dependency: dependency.id }, 'using the secret restored from the persistent cache');
    }
    this.#entries.set(dependency.id, entry);
    const signal = AbortSignal.any([stop.signal, this.#stopAll.signal]);
    this.#watch(entry, signal, seed?.first).catch((error: unknown) => {
      // A bug in a watch loop must fail the runner, not crash the process with an unhandled rejection.
      if (!signal.aborted) this.#options.onFailure(coerceError(error));
    });
  }

  /** Stops dependencies no template uses any more. */
  prune(usedIds: ReadonlySet<string>): void {
    for (const [id, entry] of this.#entries) {
      if (!usedIds.has(id)) {
        entry.stop.abort();
        this.#entries.delete(id);
        this.#files.forget(id);
      }
    }
  }

  stop(): void {
    this.#stopAll.abort();
    this.#entries.clear();
  }

  #seedFor(dependency: TemplateDependency): Seed | undefined {
    const seed = this.#seeds.get(dependency.id);
    return seed !== undefined && seed.record.kind === dependency.kind ? seed : undefined;
  }

  /**
   * Where a restored secret's watch picks up: a renewable lease is renewed at once (as after a
   * fetch) with what is left of it; anything else waits out the rest of its refetch delay.
   * undefined when the lease has already run out.
   */
  #resumeStep(record: SecretRecord): NextStep | undefined {
    const { now, random } = this.#options;
    const envelope = record.envelope;
    const elapsedMs = Math.max(0, now() - record.leaseUpdatedAtMs);
    const plan = planRefetch(envelope, {
      staticIntervalMs: this.#options.staticIntervalMs,
      threshold: this.#options.leaseRenewalThreshold,
      nowMs: record.leaseUpdatedAtMs,
      random,
    });
    if (plan.kind === 'error') return undefined;
    if (plan.kind === 'renew') {
      const remainingSeconds = Math.floor((envelope.lease_duration ?? 0) - elapsedMs / 1000);
      return remainingSeconds > 0 ? { kind: 'renew', envelope: { ...envelope, lease_duration: remainingSeconds } } : undefined;
    }
    const leaseSeconds = envelope.lease_duration ?? 0;
    if ((envelope.lease_id ?? '') !== '' && leaseSeconds > 0 && elapsedMs >= leaseSeconds * 1000) return undefined;
    // A secret already due for a refetch is not worth adopting.
    return plan.delayMs > elapsedMs ? { kind: 'sleep', delayMs: plan.delayMs - elapsedMs } : undefined;
  }

  async #watch(entry: Entry, signal: AbortSignal, first?: NextStep): Promise<void> {
    const { log, sleep } = this.#options;
    if (first !== undefined && !(await this.#waitBeforeRefetch(entry, first, signal))) return;
    let attempt = 0;
    while (!signal.aborted) {
      let next: NextStep;
      try {
        next = await this.#fetchOnce(entry, signal);
        attempt = 0;
      } catch (error) {
        if (isAborted(signal)) return;
        if (isInvalidTokenError(error)) this.#options.onInvalidToken(this.#options.fetcher.token);
        const delay = fetchRetryDelayMs(attempt, this.#options.retry);
        attempt += 1;
        const failure = coerceError(error);
        if (delay === undefined) {
          log.error({ dependency: entry.dependency.id, err: failure }, 'fetching a template dependency failed; retries exhausted');
          this.#options.onFailure(failure);
          return;
        }
        log.warn({ dependency: entry.dependency.id, err: failure, retry_in_ms: delay, attempt }, 'fetching a template dependency failed; retrying');
        if (!(await sleep(delay, signal))) return;
        continue;
      }
      if (!(await this.#waitBeforeRefetch(entry, next, signal))) return;
    }
  }

  async #fetchOnce(entry: Entry, signal: AbortSignal): Promise<NextStep> {
    const { fetcher, now, random } = this.#options;
    const dependency = entry.dependency;
    let value: StoredValue;
    let next: NextStep;
    if (dependency.kind === 'file') {
      value = { kind: 'file', file: await this.#files.read(dependency) };
      next = { kind: 'sleep', delayMs: this.#options.filePollMs ?? FILE_POLL_MS };
    } else if (dependency.kind === 'list') {
      value = { kind: 'list', keys: await fetcher.list(dependency, signal) };
      next = { kind: 'sleep', delayMs: this.#options.staticIntervalMs };
    } else if (dependency.kind === 'pki') {
      const result = await fetcher.pki(dependency, signal);
      value = { kind: 'pki', data: result.data };
      next = { kind: 'sleep', delayMs: Math.max(0, result.rotateAtMs - now()) };
    } else {
      const envelope = await fetcher.read(dependency, signal);
      value = { kind: 'secret', envelope };
      const plan = planRefetch(envelope, {
        staticIntervalMs: this.#options.staticIntervalMs,
        threshold: this.#options.leaseRenewalThreshold,
        nowMs: now(),
        random,
      });
      if (plan.kind === 'error') throw new Error(`${dependency.path}: ${plan.reason}`);
      next = plan.kind === 'renew' ? { kind: 'renew', envelope } : plan;
    }
    if (signal.aborted) return next;
    // The value is kept even when templates would not notice, so its lease state is the newest.
    entry.value = value;
    entry.fetchedAtMs = now();
    entry.leaseUpdatedAtMs = entry.fetchedAtMs;
    const fingerprint = fingerprintOf(value);
    if (fingerprint !== entry.fingerprint) {
      entry.fingerprint = fingerprint;
      this.#options.onChange();
    }
    return next;
  }

  /** Sleeps or keeps a lease renewed until the dependency must be fetched again. false when stopped. */
  async #waitBeforeRefetch(entry: Entry, next: NextStep, signal: AbortSignal): Promise<boolean> {
    const { log, sleep } = this.#options;
    if (next.kind === 'sleep') return sleep(next.delayMs, signal);
    const leaseId = next.envelope.lease_id ?? '';
    const outcome = await watchLifetime(
      {
        initialLeaseSeconds: next.envelope.lease_duration ?? 0,
        renewable: true,
        mode: 'secret',
        now: this.#options.now,
        sleep,
        random: this.#options.random,
        renew: (renewSignal) => this.#options.fetcher.renewLease(leaseId, renewSignal),
        onRenewed: (result) => {
          // Renewals update the lease, never the data, and never re-render.
          const current = entry.value;
          if (current?.kind === 'secret') {
            entry.value = { kind: 'secret', envelope: { ...current.envelope, lease_duration: result.leaseSeconds } };
            entry.leaseUpdatedAtMs = this.#options.now();
          }
          log.debug({ dependency: entry.dependency.id, ttl_s: result.leaseSeconds }, 'renewed lease');
        },
      },
      signal,
    );
    if (outcome.kind === 'stopped') return false;
    if (outcome.kind === 'invalid') this.#options.onInvalidToken(this.#options.fetcher.token);
    if (outcome.kind === 'error') {
      log.warn({ dependency: entry.dependency.id, err: coerceError(outcome.error) }, 'lease renewal failed; fetching a new secret');
    } else {
      log.info({ dependency: entry.dependency.id }, 'lease cannot be extended further; fetching a new secret');
    }
    return true;
  }
}

type NextStep = { readonly kind: 'sleep'; readonly delayMs: number } | { readonly kind: 'renew'; readonly envelope: VaultSecretEnvelope };

/** Identity of the parts templates can see; request_id changes on every read and is left out. */
function fingerprintOf(value: StoredValue): string {
  if (value.kind !== 'secret') return JSON.stringify(value);
  const rest: Record<string, unknown> = { ...value.envelope };
  delete rest.request_id;
  delete rest.lease_duration;
  return JSON.stringify(rest);
}
