// The agent's side of the template "brain": one watch loop per dependency id, shared by every
// template that uses it. Each loop fetches, stores the value (announcing real changes), then waits
// as spec §2.8 says for that kind of secret (renewing leases meanwhile) and fetches again. Fetch
// failures retry 250 ms → 1 min up to vault.retry.num_retries, then the runner is told.
import type {
  DependencyStore,
  PkiCertificateData,
  TemplateDependency,
  VaultSecretEnvelope,
} from '../template/template-engine.js';
import { watchLifetime } from '../lease/lifetime-watcher.js';
import { planRefetch } from '../lease/renewal-timing.js';
import { fetchRetryDelayMs } from '../supervisor/backoff.js';
import { isAborted } from '../supervisor/sleep.js';
import { coerceError, isInvalidTokenError } from '../vault/vault-error.js';
import type { AgentLogger } from '../log.js';
import type { SecretFetcher } from './secret-fetcher.js';

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
}

type StoredValue =
  | { readonly kind: 'secret'; readonly envelope: VaultSecretEnvelope }
  | { readonly kind: 'list'; readonly keys: readonly string[] }
  | { readonly kind: 'pki'; readonly data: PkiCertificateData };

interface Entry {
  readonly dependency: TemplateDependency;
  readonly stop: AbortController;
  value: StoredValue | undefined;
  fingerprint: string | undefined;
}

export class DependencyTracker implements DependencyStore {
  readonly #options: DependencyTrackerOptions;
  readonly #entries = new Map<string, Entry>();
  readonly #stopAll = new AbortController();

  constructor(options: DependencyTrackerOptions) {
    this.#options = options;
  }

  get size(): number {
    return this.#entries.size;
  }

  read(dependency: TemplateDependency & { kind: 'read' | 'write' }): VaultSecretEnvelope | undefined {
    const value = this.#entries.get(dependency.id)?.value;
    return value?.kind === 'secret' ? value.envelope : undefined;
  }

  list(dependency: TemplateDependency & { kind: 'list' }): readonly string[] | undefined {
    const value = this.#entries.get(dependency.id)?.value;
    return value?.kind === 'list' ? value.keys : undefined;
  }

  pki(dependency: TemplateDependency & { kind: 'pki' }): PkiCertificateData | undefined {
    const value = this.#entries.get(dependency.id)?.value;
    return value?.kind === 'pki' ? value.data : undefined;
  }

  /** Everything fetched so far (for redacting error texts). */
  *values(): Iterable<unknown> {
    for (const entry of this.#entries.values()) {
      const value = entry.value;
      if (value?.kind === 'secret') yield [value.envelope.data, value.envelope.auth?.client_token, value.envelope.wrap_info?.token];
      else if (value !== undefined) yield value;
    }
  }

  /** Starts watching a dependency the first time it is seen. */
  ensure(dependency: TemplateDependency): void {
    if (this.#entries.has(dependency.id) || this.#stopAll.signal.aborted) return;
    const stop = new AbortController();
    const entry: Entry = { dependency, stop, value: undefined, fingerprint: undefined };
    this.#entries.set(dependency.id, entry);
    const signal = AbortSignal.any([stop.signal, this.#stopAll.signal]);
    this.#watch(entry, signal).catch((error: unknown) => {
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
      }
    }
  }

  stop(): void {
    this.#stopAll.abort();
    this.#entries.clear();
  }

  async #watch(entry: Entry, signal: AbortSignal): Promise<void> {
    const { log, sleep } = this.#options;
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
    if (dependency.kind === 'list') {
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
    const fingerprint = fingerprintOf(value);
    if (fingerprint !== entry.fingerprint) {
      entry.value = value;
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
