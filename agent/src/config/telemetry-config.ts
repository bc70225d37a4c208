// The `telemetry` stanza (https://developer.hashicorp.com/vault/docs/configuration/telemetry).
// The agent acts on what shapes its Prometheus output; the sinks that push elsewhere (statsd,
// statsite, dogstatsd, circonus, stackdriver) are accepted and ignored, each named in one log line.
import type { TelemetryConfig } from './agent-config.js';
import { DEFAULTS } from './agent-config.js';
import type { IssueList, RawObject } from './config-reader.js';
import { checkKeys, field, singleBlock } from './config-reader.js';
import { decodeBool, decodeDurationMs } from './config-values.js';

const ACTED_ON = ['prometheus_retention_time', 'disable_hostname', 'enable_hostname_label'];
const PUSH_SINK_KEYS = [
  'statsite_address', 'statsd_address', 'dogstatsd_addr', 'dogstatsd_tags', 'circonus_api_token', 'circonus_api_app',
  'circonus_api_url', 'circonus_submission_interval', 'circonus_submission_url', 'circonus_check_id',
  'circonus_check_force_metric_activation', 'circonus_check_instance_id', 'circonus_check_search_tag',
  'circonus_check_display_name', 'circonus_check_tags', 'circonus_broker_id', 'circonus_broker_select_tag',
  'stackdriver_project_id', 'stackdriver_location', 'stackdriver_namespace', 'stackdriver_debug_logs',
];
/** Known Vault telemetry keys that change nothing for the agent's metrics. */
const NO_EFFECT_KEYS = [
  'usage_gauge_period', 'maximum_gauge_cardinality', 'lease_metrics_epsilon', 'num_lease_metrics_buckets',
  'add_lease_metrics_namespace_labels', 'filter_default', 'prefix_filter', 'add_mount_point_rollback_metrics',
];
const TELEMETRY_KEYS = new Set([...ACTED_ON, ...PUSH_SINK_KEYS, ...NO_EFFECT_KEYS]);

export function readTelemetry(value: unknown, issues: IssueList, ignored: string[]): TelemetryConfig | undefined {
  const block: RawObject | undefined = singleBlock(value, 'telemetry', issues);
  if (block === undefined) return undefined;
  const path = 'telemetry';
  checkKeys(block, TELEMETRY_KEYS, path, issues);
  for (const key of PUSH_SINK_KEYS) if (block[key] !== undefined) ignored.push(`${path}.${key}`);
  const retention = field(block, 'prometheus_retention_time', decodeDurationMs, { path, issues });
  return {
    prometheusRetentionMs: retention ?? DEFAULTS.prometheusRetentionMs,
    disableHostname: field(block, 'disable_hostname', decodeBool, { path, issues }) ?? false,
    enableHostnameLabel: field(block, 'enable_hostname_label', decodeBool, { path, issues }) ?? false,
  };
}
