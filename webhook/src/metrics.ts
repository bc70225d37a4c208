// Prometheus metrics: vault-k8s's four
// (https://github.com/hashicorp/vault-k8s/blob/main/agent-inject/metrics.go: same names, labels,
// buckets) plus certificate expiry and, when served, Node process metrics. Each app gets its own
// Registry, so nothing is global and tests stay independent.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { buildInfo } from '../../common/src/build-info.js';
import type { InjectionType } from './inject/admit.js';
import { WARNING_KINDS, type AdmissionWarning } from './inject/warnings.js';

export const METRIC_NAMES = {
  requestQueueLength: 'vault_agent_injector_request_queue_length',
  requestProcessingDuration: 'vault_agent_injector_request_processing_duration_ms',
  injectionsByNamespace: 'vault_agent_injector_injections_by_namespace_total',
  failedInjectionsByNamespace: 'vault_agent_injector_failed_injections_by_namespace_total',
  certificateExpiry: 'vault_agent_injector_certificate_expiry_timestamp_seconds',
  buildInfo: 'vault_injector_build_info',
  missedPods: 'vault_injector_missed_pods',
  admissionWarnings: 'vault_injector_admission_warnings_total',
} as const;

const PROCESSING_DURATION_BUCKETS_MS = [5, 10, 25, 50, 75, 100, 250, 500, 1000, 2500, 5000, 7500, 10000] as const;

export interface WebhookMetrics {
  readonly registry: Registry;
  readonly requestQueueLength: Gauge;
  readonly requestProcessingDuration: Histogram;
  readonly injectionsByNamespace: Counter<'namespace' | 'injection_type'>;
  readonly failedInjectionsByNamespace: Counter<'namespace'>;
  readonly certificateExpiry: Gauge;
  /** Pods that opted in but were admitted without injection (-reconcile-missed, leader only). */
  readonly missedPods: Gauge;
  /** Warnings sent back in admission responses, by kind (webhook/src/inject/warnings.ts: a fixed set). */
  readonly admissionWarnings: Counter<'kind'>;
}

export interface MetricsOptions {
  /** Adds prom-client's process_* and nodejs_* collectors (the Go binary exports go_/process_). */
  readonly processMetrics: boolean;
}

export function createMetrics(options: MetricsOptions): WebhookMetrics {
  const registry = new Registry();
  const metrics: WebhookMetrics = {
    registry,
    requestQueueLength: new Gauge({
      name: METRIC_NAMES.requestQueueLength,
      help: "Count of webhook requests in the injector's queue",
      registers: [registry],
    }),
    requestProcessingDuration: new Histogram({
      name: METRIC_NAMES.requestProcessingDuration,
      help: 'Webhook request processing times in milliseconds',
      buckets: [...PROCESSING_DURATION_BUCKETS_MS],
      registers: [registry],
    }),
    injectionsByNamespace: new Counter({
      name: METRIC_NAMES.injectionsByNamespace,
      help: 'Total count of Agent Sidecar injections by namespace',
      labelNames: ['namespace', 'injection_type'] as const,
      registers: [registry],
    }),
    failedInjectionsByNamespace: new Counter({
      name: METRIC_NAMES.failedInjectionsByNamespace,
      help: 'Total count of failed Agent Sidecar injections by namespace',
      labelNames: ['namespace'] as const,
      registers: [registry],
    }),
    certificateExpiry: new Gauge({
      name: METRIC_NAMES.certificateExpiry,
      help: 'Expiry time (notAfter) of the serving certificate, in seconds since the Unix epoch',
      registers: [registry],
    }),
    missedPods: new Gauge({
      name: METRIC_NAMES.missedPods,
      help: 'Pods with agent-inject "true" and no agent-inject-status: admitted without injection (reported by the leader with -reconcile-missed)',
      registers: [registry],
    }),
    admissionWarnings: new Counter({
      name: METRIC_NAMES.admissionWarnings,
      help: 'Warnings returned in admission responses (kubectl shows them, controllers do not), by kind',
      labelNames: ['kind'] as const,
      registers: [registry],
    }),
  };
  // Every kind exported from the start, so a rate() or an alert sees 0 rather than no series.
  for (const kind of Object.values(WARNING_KINDS)) metrics.admissionWarnings.inc({ kind }, 0);
  // Prometheus's build_info convention: a constant 1 whose labels identify the build.
  const build = buildInfo();
  new Gauge({
    name: METRIC_NAMES.buildInfo,
    help: 'The running build: version, git commit and Node.js version (always 1)',
    labelNames: ['version', 'commit', 'node_version'] as const,
    registers: [registry],
  }).set({ version: build.version, commit: build.commit, node_version: build.nodeVersion }, 1);
  if (options.processMetrics) collectDefaultMetrics({ register: registry });
  return metrics;
}

/** vault-k8s counts a response once it is written: allowed with an agent added, or denied. */
export function recordAdmission(metrics: WebhookMetrics, namespace: string, allowed: boolean, injectionType: InjectionType | undefined): void {
  if (!allowed) metrics.failedInjectionsByNamespace.inc({ namespace });
  else if (injectionType !== undefined) metrics.injectionsByNamespace.inc({ namespace, injection_type: injectionType });
}

/** Counts each warning of one admission response under its kind. */
export function recordWarnings(metrics: WebhookMetrics, warnings: readonly AdmissionWarning[]): void {
  for (const warning of warnings) metrics.admissionWarnings.inc({ kind: warning.kind });
}
