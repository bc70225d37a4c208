// The missed-pod reconciler (-reconcile-missed, on the leader replica): lists every pod once, then
// watches, and keeps the set of pods that opted in to injection but were admitted without it
// (missed-pods.ts). For each: one Kubernetes Event on the pod (reason VaultInjectionMissed), one
// log line, and the gauge vault_injector_missed_pods. In evict (or dry-run) mode a missed pod that
// a controller owns is evicted through the Eviction API, so its ReplicaSet, StatefulSet, Job…
// recreates it and the webhook injects the new one — never a bare pod (nothing would recreate it),
// only while this webhook is healthy (else the new pod would be missed too), and at most `burst`
// at once then one per `evictionIntervalMs`. dry-run sends the eviction with dryRun=All: the API
// server checks it (PodDisruptionBudgets included) and removes nothing.
// Eviction: https://kubernetes.io/docs/concepts/scheduling-eviction/api-eviction/
import type { ClusterApiError } from './cluster-api-error.js';
import { toClusterApiError } from './cluster-api-error.js';
import type { EventLogger } from './event-logger.js';
import { controllerOf, isMissed, RateLimiter, type PodSummary, type ReconcileMode } from './missed-pods.js';
import { WakeableSleep } from './wakeable-sleep.js';

export const MISSED_EVENT_REASON = 'VaultInjectionMissed';

export interface PodList {
  readonly items: readonly PodSummary[];
  readonly resourceVersion: string;
  readonly continueToken: string | undefined;
}

export type PodWatchEvent = { readonly type: 'ADDED' | 'MODIFIED' | 'DELETED'; readonly pod: PodSummary } | { readonly type: 'BOOKMARK'; readonly resourceVersion: string };

export interface PodEvent {
  readonly reason: string;
  readonly message: string;
  readonly type: 'Warning' | 'Normal';
}

/** The calls the reconciler makes (cluster-api.ts implements them with client-node). */
export interface PodApi {
  /** One page of every pod in the cluster (GET /api/v1/pods?limit=…&continue=…). */
  listPods(continueToken: string | undefined): Promise<PodList>;
  /** Streams pod changes after `resourceVersion` until the server ends the watch or `signal` aborts. */
  watchPods(resourceVersion: string, onEvent: (event: PodWatchEvent) => void, signal: AbortSignal): Promise<void>;
  /** Records a core/v1 Event on the pod (what `kubectl describe pod` shows). */
  createPodEvent(pod: PodSummary, event: PodEvent): Promise<void>;
  /** POST …/pods/{name}/eviction (policy/v1 Eviction); dryRun sends dryRun=All. */
  evictPod(namespace: string, name: string, dryRun: boolean): Promise<void>;
}

export interface MissedPodReconcilerOptions {
  readonly api: PodApi;
  readonly mode: Exclude<ReconcileMode, 'off'>;
  /** The injector's own namespace: never reported, never evicted. */
  readonly ownNamespace: string;
  readonly logger: EventLogger;
  readonly gauge: { set(value: number): void };
  /** Whether this webhook can admit pods now (serving with a certificate, not shutting down). */
  readonly isHealthy: () => boolean;
  readonly evictionBurst?: number;
  readonly evictionIntervalMs?: number;
  /** Pause before relisting after the watch ends or a call fails. */
  readonly retryMs?: number;
  readonly nowMs?: () => number;
}

export const DEFAULT_EVICTION_BURST = 3;
export const DEFAULT_EVICTION_INTERVAL_MS = 10_000;

type Key = string;
const keyOf = (pod: PodSummary): Key => `${pod.namespace}/${pod.name}/${pod.uid}`;

export class MissedPodReconciler {
  private readonly missed = new Map<Key, PodSummary>();
  private readonly reported = new Set<Key>();
  /** Evicted (or dry-run evicted) or judged not evictable: not tried again. */
  private readonly settled = new Set<Key>();
  private readonly limiter: RateLimiter;
  private readonly retrySleeper = new WakeableSleep();
  private readonly evictionSleeper = new WakeableSleep();
  private evicting = false;

  constructor(private readonly options: MissedPodReconcilerOptions) {
    this.limiter = new RateLimiter(options.evictionBurst ?? DEFAULT_EVICTION_BURST, options.evictionIntervalMs ?? DEFAULT_EVICTION_INTERVAL_MS, options.nowMs);
  }

  /** The pods currently missed (namespace/name), for tests and logs. */
  missedPods(): string[] {
    return [...this.missed.values()].map((pod) => `${pod.namespace}/${pod.name}`).sort();
  }

  /** Lists, then watches, relisting whenever the watch ends, until `signal` aborts. Never throws. */
  async run(signal: AbortSignal): Promise<void> {
    const evictions = this.evictionLoop(signal);
    const stopped = (): boolean => signal.aborted;
    while (!stopped()) {
      try {
        const resourceVersion = await this.relist();
        await this.options.api.watchPods(resourceVersion, (event) => { this.onWatchEvent(event); }, signal);
      } catch (caught) {
        if (stopped()) break;
        this.warn(toClusterApiError(caught, 'list/watch pods'));
      }
      await this.retrySleeper.sleep(this.options.retryMs ?? 5_000, signal);
    }
    this.evictionSleeper.wake();
    await evictions;
    this.missed.clear();
    this.options.gauge.set(0);
  }

  private async relist(): Promise<string> {
    const seen = new Set<Key>();
    let continueToken: string | undefined;
    let resourceVersion = '';
    do {
      const page = await this.options.api.listPods(continueToken);
      for (const pod of page.items) {
        seen.add(keyOf(pod));
        this.observe(pod);
      }
      continueToken = page.continueToken;
      resourceVersion = page.resourceVersion;
    } while (continueToken !== undefined && continueToken !== '');
    for (const key of [...this.missed.keys()]) if (!seen.has(key)) this.forget(key);
    this.publish();
    return resourceVersion;
  }

  private onWatchEvent(event: PodWatchEvent): void {
    if (event.type === 'BOOKMARK') return;
    if (event.type === 'DELETED') this.forget(keyOf(event.pod));
    else this.observe(event.pod);
    this.publish();
  }

  private observe(pod: PodSummary): void {
    const key = keyOf(pod);
    if (!isMissed(pod, this.options.ownNamespace)) {
      this.forget(key);
      return;
    }
    this.missed.set(key, pod);
    if (this.reported.has(key)) return;
    this.reported.add(key);
    const controller = controllerOf(pod);
    this.options.logger.warn(
      { event: 'missed-pod.detected', namespace: pod.namespace, pod: pod.name, controller: controller === undefined ? undefined : `${controller.kind}/${controller.name}`, mode: this.options.mode },
      'pod opted in to Vault injection but was admitted without it',
    );
    void this.recordEvent(pod, controller);
    this.evictionSleeper.wake();
  }

  private async recordEvent(pod: PodSummary, controller: { kind: string; name: string } | undefined): Promise<void> {
    const remedy =
      controller === undefined
        ? 'It has no controller, so it is never evicted: delete and recreate it.'
        : this.options.mode === 'report'
          ? `Delete it and ${controller.kind}/${controller.name} recreates it with injection.`
          : `${controller.kind}/${controller.name} recreates it with injection once it is evicted (-reconcile-missed=${this.options.mode}).`;
    const message = `Pod has vault.hashicorp.com/agent-inject: "true" but no agent-inject-status: it was admitted without the Vault agent (was the injector unreachable when it was created?). ${remedy}`;
    try {
      await this.options.api.createPodEvent(pod, { reason: MISSED_EVENT_REASON, message, type: 'Warning' });
    } catch (caught) {
      this.warn(toClusterApiError(caught, `create events for pods/${pod.name}`));
    }
  }

  private forget(key: Key): void {
    this.missed.delete(key);
    this.reported.delete(key);
    this.settled.delete(key);
  }

  private publish(): void {
    this.options.gauge.set(this.missed.size);
  }

  private async evictionLoop(signal: AbortSignal): Promise<void> {
    if (this.options.mode === 'report') return;
    while (!signal.aborted) {
      const waitMs = await this.evictSome();
      // At most a second: the limiter's clock may move faster than the timers (tests), and a
      // newly missed pod wakes the loop anyway.
      await this.evictionSleeper.sleep(Math.min(waitMs, 1_000), signal);
    }
  }

  /** Evicts what it may now; returns how long to wait before trying again. */
  private async evictSome(): Promise<number> {
    if (this.evicting) return 1_000;
    this.evicting = true;
    let retry = false;
    try {
      for (const [key, pod] of [...this.missed]) {
        if (this.settled.has(key)) continue;
        const controller = controllerOf(pod);
        if (controller === undefined) {
          this.settled.add(key);
          this.options.logger.warn({ event: 'missed-pod.not-evicted', namespace: pod.namespace, pod: pod.name, reason: 'no controller owns it' }, 'bare pod: not evicted');
          continue;
        }
        if (!this.options.isHealthy()) return 1_000;
        if (!this.limiter.tryTake()) return Math.max(this.limiter.waitMs(), 50);
        if (!(await this.evict(key, pod, controller))) retry = true;
      }
      return retry ? 1_000 : 60_000;
    } finally {
      this.evicting = false;
    }
  }

  /** False when it should be tried again later. */
  private async evict(key: Key, pod: PodSummary, controller: { kind: string; name: string }): Promise<boolean> {
    const dryRun = this.options.mode === 'dry-run';
    try {
      await this.options.api.evictPod(pod.namespace, pod.name, dryRun);
      this.settled.add(key);
      this.options.logger.warn(
        { event: dryRun ? 'missed-pod.would-evict' : 'missed-pod.evicted', namespace: pod.namespace, pod: pod.name, controller: `${controller.kind}/${controller.name}`, dryRun },
        dryRun ? 'would evict the missed pod (dry run)' : 'evicted the missed pod so its controller recreates it with injection',
      );
      return true;
    } catch (caught) {
      const error = toClusterApiError(caught, `create pods/${pod.name}/eviction`);
      // 404: already gone. Anything else (429 from a PodDisruptionBudget, 5xx) is retried later.
      if (error.kind === 'not-found') {
        this.forget(key);
        return true;
      }
      this.warn(error);
      return false;
    }
  }

  private warn(error: ClusterApiError): void {
    this.options.logger.warn({ event: 'missed-pod.error', kind: error.kind, status: error.status, err: error.message }, 'missed-pod reconciler call failed');
  }
}
