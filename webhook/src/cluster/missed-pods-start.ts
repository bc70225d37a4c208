// Starts the missed-pod reconciler for `agent-inject -reconcile-missed=report|dry-run|evict`,
// loaded lazily by the webhook's main (so without the flag nothing here, nor
// @kubernetes/client-node, is loaded). It runs on one replica only: the leader of the Lease
// vault-injector-leader when -use-leader-elector is on (the elector -tls-auto already runs, or its
// own), else on this replica (run one replica, or turn leader election on).
import { hostname } from 'node:os';

import type { KubeConfig } from '@kubernetes/client-node';

import type { Settings } from '../settings/settings.js';
import { createClusterApi, loadKubeConfig } from './cluster-api.js';
import { CLUSTER_OBJECT_NAMES } from './cluster-names.js';
import type { EventLogger } from './event-logger.js';
import { LeaderElector } from './leader-elector.js';
import { MissedPodReconciler, type MissedPodReconcilerOptions } from './missed-pod-reconciler.js';
import type { ReconcileMode } from './missed-pods.js';
import { createPodApi } from './pod-api.js';

export interface MissedPodsStartOptions {
  readonly settings: Settings;
  readonly mode: Exclude<ReconcileMode, 'off'>;
  readonly logger: EventLogger;
  readonly gauge: { set(value: number): void };
  readonly isHealthy: () => boolean;
  readonly signal: AbortSignal;
  /** The elector -tls-auto started, if any; otherwise one is made when leader election is on. */
  readonly elector?: LeaderElector;
  readonly kubeConfig?: KubeConfig;
  readonly tuning?: Partial<Pick<MissedPodReconcilerOptions, 'evictionBurst' | 'evictionIntervalMs' | 'retryMs'>> & { readonly leaseDurationMs?: number; readonly retryPeriodMs?: number; readonly renewDeadlineMs?: number };
}

/** Resolves when everything it started has stopped (after `signal` aborts). */
export function startMissedPodReconciler(options: MissedPodsStartOptions): Promise<void> {
  const { settings, logger, signal } = options;
  const kubeConfig = options.kubeConfig ?? loadKubeConfig();
  const reconcilerOptions: MissedPodReconcilerOptions = {
    api: createPodApi(kubeConfig),
    mode: options.mode,
    ownNamespace: settings.namespace,
    logger,
    gauge: options.gauge,
    isHealthy: options.isHealthy,
    ...options.tuning,
  };
  logger.info({ event: 'missed-pod.start', mode: options.mode, leaderElection: settings.useLeaderElector }, 'watching for pods admitted without injection');
  let elector = options.elector;
  const loops: Promise<void>[] = [];
  if (elector === undefined && settings.useLeaderElector) {
    elector = new LeaderElector({
      api: createClusterApi(kubeConfig),
      namespace: settings.namespace,
      leaseName: CLUSTER_OBJECT_NAMES.leaderLease,
      identity: settings.podName !== '' ? settings.podName : hostname(),
      logger,
      ...(options.tuning?.leaseDurationMs !== undefined ? { leaseDurationMs: options.tuning.leaseDurationMs } : {}),
      ...(options.tuning?.retryPeriodMs !== undefined ? { retryPeriodMs: options.tuning.retryPeriodMs } : {}),
      ...(options.tuning?.renewDeadlineMs !== undefined ? { renewDeadlineMs: options.tuning.renewDeadlineMs } : {}),
    });
    loops.push(elector.run(signal));
  }
  if (elector === undefined) {
    loops.push(new MissedPodReconciler(reconcilerOptions).run(signal));
    return Promise.all(loops).then(() => undefined);
  }
  // Leader only: a reconciler per term of leadership, stopped when it ends.
  let term: { stop: AbortController; done: Promise<void> } | undefined;
  const follow = (leader: boolean): void => {
    if (leader && term === undefined && !signal.aborted) {
      const stop = new AbortController();
      term = { stop, done: new MissedPodReconciler(reconcilerOptions).run(stop.signal) };
    } else if (!leader && term !== undefined) {
      term.stop.abort();
      term = undefined;
    }
  };
  const unsubscribe = elector.onChange(follow);
  follow(elector.isLeader());
  const stopped = new Promise<void>((resolve) => {
    const finish = (): void => {
      unsubscribe();
      const current = term;
      current?.stop.abort();
      term = undefined;
      void (current?.done ?? Promise.resolve()).then(resolve);
    };
    if (signal.aborted) finish();
    else signal.addEventListener('abort', finish, { once: true });
  });
  loops.push(stopped);
  return Promise.all(loops).then(() => undefined);
}
