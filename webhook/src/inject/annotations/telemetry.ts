// agent-telemetry-* annotations → the agent config's telemetry stanza (the Telemetry struct in
// https://github.com/hashicorp/vault-k8s/blob/main/agent-inject/agent/config.go). vault-k8s
// decodes the values into a fixed struct; a value of the wrong JSON type drops the whole stanza.
import type { AnnotationReader } from './annotation-reader.js';
import { ANNOTATION_FAMILIES } from './registry.js';

type FieldType = 'string' | 'int' | 'bool' | 'strings';

/** Output order and types of vault-k8s's telemetry struct. */
const TELEMETRY_FIELDS: readonly (readonly [string, FieldType])[] = [
  ['usage_gauge_period', 'string'],
  ['maximum_gauge_cardinality', 'int'],
  ['disable_hostname', 'bool'],
  ['enable_hostname_label', 'bool'],
  ['lease_metrics_epsilon', 'string'],
  ['num_lease_metrics_buckets', 'int'],
  ['add_lease_metrics_namespace_labels', 'bool'],
  ['filter_default', 'bool'],
  ['prefix_filter', 'strings'],
  ['statsite_address', 'string'],
  ['statsd_address', 'string'],
  ['circonus_api_token', 'string'],
  ['circonus_api_app', 'string'],
  ['circonus_api_url', 'string'],
  ['circonus_submission_interval', 'string'],
  ['circonus_submission_url', 'string'],
  ['circonus_check_id', 'string'],
  ['circonus_check_force_metric_activation', 'bool'],
  ['circonus_check_instance_id', 'string'],
  ['circonus_check_search_tag', 'string'],
  ['circonus_check_display_name', 'string'],
  ['circonus_check_tags', 'string'],
  ['circonus_broker_id', 'string'],
  ['circonus_broker_select_tag', 'string'],
  ['dogstatsd_addr', 'string'],
  ['dogstatsd_tags', 'strings'],
  ['prometheus_retention_time', 'string'],
  ['stackdriver_project_id', 'string'],
  ['stackdriver_location', 'string'],
  ['stackdriver_namespace', 'string'],
  ['stackdriver_debug_logs', 'bool'],
];

function decodeValue(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

const INVALID = Symbol('invalid');

/** Per field type: the value as that type (zero values become undefined), or INVALID for a wrong type. */
const COERCE: Readonly<Record<FieldType, (value: unknown) => unknown>> = {
  string: (value) => (typeof value === 'string' ? value || undefined : INVALID),
  bool: (value) => (typeof value === 'boolean' ? value || undefined : INVALID),
  // mapstructure converts JSON numbers (float64) to int by truncation.
  int: (value) => (typeof value === 'number' ? Math.trunc(value) || undefined : INVALID),
  strings: (value) => {
    if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) return INVALID;
    return value.length > 0 ? value : undefined;
  },
};

/** The value as its field type (zero values become undefined), or INVALID for a wrong type. */
function coerce(value: unknown, type: FieldType): unknown {
  if (value === null) return undefined;
  return COERCE[type](value);
}

/** The telemetry stanza, or undefined when there are no telemetry annotations or one is mistyped. */
export function parseTelemetry(reader: AnnotationReader): Record<string, unknown> | undefined {
  const members = reader.family(ANNOTATION_FAMILIES.telemetry);
  if (members.length === 0) return undefined;
  const provided = new Map(members.map(({ suffix, value }) => [suffix.replaceAll('-', '_'), decodeValue(value)]));
  const telemetry: Record<string, unknown> = {};
  for (const [field, type] of TELEMETRY_FIELDS) {
    if (!provided.has(field)) continue;
    const value = coerce(provided.get(field), type);
    if (value === INVALID) return undefined;
    if (value !== undefined) telemetry[field] = value;
  }
  return telemetry;
}
