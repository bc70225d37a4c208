// Composition root of the Kubernetes side of -tls-auto, loaded lazily by the webhook's main only
// when -tls-auto names a MutatingWebhookConfiguration (so a webhook without it never loads
// @kubernetes/client-node).
// - With -use-leader-elector: a Lease elects the leader; the certificate source is the shared
//   one (CA and leaf in Secret vault-injector-certs); only the leader writes the caBundle.
// - Without: the caller's local source (generated in memory, or files with -tls-ca-cert-file)
//   is served and this replica writes its CA into the caBundle.
import { hostname } from 'node:os';

import type { KubeConfig } from '@kubernetes/client-node';

import type { Settings } from '../settings/settings.js';
import type { CertificateSource } from '../tls/certificate-source.js';
import type { BackoffOptions } from './backoff.js';
import { CaBundleUpdater } from './ca-bundle-updater.js';
import { createClusterApi, loadKubeConfig, type ClusterApi } from './cluster-api.js';
import { CLUSTER_OBJECT_NAMES } from './cluster-names.js';
import type { EventLogger } from './event-logger.js';
import { LeaderElector } from './leader-elector.js';
import { SharedCertificateSource } from './shared-certificate-source.js';

/** Loop timings; the defaults are production values, tests shorten them. */
export interface ClusterTiming {
  readonly leaseDurationMs: number;
  readonly renewDeadlineMs: number;
  readonly retryPeriodMs: number;
  readonly secretPollIntervalMs: number;
  readonly caBundleCheckIntervalMs: number;
  readonly apiTimeoutMs: number;
  readonly backoff?: BackoffOptions;
  readonly leafValidityMs?: number;
}

const DEFAULT_CLUSTER_TIMING: ClusterTiming = {
  leaseDurationMs: 15_000,
  renewDeadlineMs: 10_000,
  retryPeriodMs: 2_000,
  secretPollIntervalMs: 5_000,
  caBundleCheckIntervalMs: 60_000,
  apiTimeoutMs: 10_000,
};

export interface ClusterTlsOptions {
  readonly settings: Settings;
  readonly logger: EventLogger;
  readonly signal: AbortSignal;
  /** SANs of the shared leaf: -tls-auto-hosts, or the caller's default when it is empty. */
  readonly hosts?: readonly string[];
  /** Served when leader election is off: the generated or file source. */
  readonly localSource?: CertificateSource;
  /** Defaults to the in-cluster service account (or KUBECONFIG). */
  readonly kubeConfig?: KubeConfig;
  readonly timing?: Partial<ClusterTiming>;
}

export interface ClusterTls {
  /** What the HTTPS server serves. */
  readonly source: CertificateSource;
  readonly updater: CaBundleUpdater;
  readonly elector: LeaderElector | undefined;
  /** Resolves once every loop has stopped (after `signal` aborted; the leader releases its Lease). */
  readonly stopped: Promise<void>;
}

/** Starts leader election (if enabled), the shared source (if used) and the caBundle updater. */
export async function startClusterTls(options: ClusterTlsOptions): Promise<ClusterTls> {
  const { settings, logger, signal } = options;
  const timing = { ...DEFAULT_CLUSTER_TIMING, ...options.timing };
  const kubeConfig = options.kubeConfig ?? loadKubeConfig();
  const api: ClusterApi = createClusterApi(kubeConfig, { timeoutMs: timing.apiTimeoutMs });
  logger.info(
    { event: 'cluster.start', server: kubeConfig.getCurrentCluster()?.server, webhookConfiguration: settings.tls.autoName, leaderElection: settings.useLeaderElector },
    'keeping the webhook caBundle current',
  );
  const loops: Promise<void>[] = [];
  const elector = settings.useLeaderElector ? createElector(options, api, timing) : undefined;
  if (elector !== undefined) loops.push(elector.run(signal));
  const source = certificateSource(options, api, timing, elector);
  const updater = new CaBundleUpdater({
    api,
    webhookConfigurationName: settings.tls.autoName,
    logger,
    isWriter: () => elector === undefined || elector.isLeader(),
    checkIntervalMs: timing.caBundleCheckIntervalMs,
    ...(timing.backoff !== undefined ? { backoff: timing.backoff } : {}),
  });
  feedCaUpdates(source, updater, elector);
  if (source instanceof SharedCertificateSource) {
    await source.start(signal);
    loops.push(source.stopped());
  }
  loops.push(updater.run(signal));
  return { source, updater, elector, stopped: Promise.all(loops).then(() => undefined) };
}

function createElector({ settings, logger }: ClusterTlsOptions, api: ClusterApi, timing: ClusterTiming): LeaderElector {
  return new LeaderElector({
    api,
    namespace: settings.namespace,
    leaseName: CLUSTER_OBJECT_NAMES.leaderLease,
    identity: settings.podName !== '' ? settings.podName : hostname(),
    logger,
    leaseDurationMs: timing.leaseDurationMs,
    renewDeadlineMs: timing.renewDeadlineMs,
    retryPeriodMs: timing.retryPeriodMs,
  });
}

/** With leader election and no cert files, replicas share one CA through a Secret; otherwise the local source. */
function certificateSource(options: ClusterTlsOptions, api: ClusterApi, timing: ClusterTiming, elector: LeaderElector | undefined): CertificateSource {
  const { settings, logger } = options;
  if (elector === undefined || settings.tls.certFile !== '') {
    if (options.localSource === undefined) throw new Error('-tls-auto without leader election needs a local certificate source');
    return options.localSource;
  }
  return new SharedCertificateSource({
    api,
    leadership: elector,
    namespace: settings.namespace,
    secretName: CLUSTER_OBJECT_NAMES.certSecret,
    hosts: options.hosts ?? settings.tls.autoHosts,
    logger,
    pollIntervalMs: timing.secretPollIntervalMs,
    ...(timing.backoff !== undefined ? { backoff: timing.backoff } : {}),
    ...(timing.leafValidityMs !== undefined ? { leafValidityMs: timing.leafValidityMs } : {}),
  });
}

/** The updater learns every CA the source serves, and checks again when leadership changes. */
function feedCaUpdates(source: CertificateSource, updater: CaBundleUpdater, elector: LeaderElector | undefined): void {
  source.onChange((bundle) => {
    if (bundle.caPem !== undefined) updater.setCa(bundle.caPem);
  });
  const existing = source.current();
  if (existing?.caPem !== undefined) updater.setCa(existing.caPem);
  elector?.onChange(() => {
    updater.wake();
  });
}
