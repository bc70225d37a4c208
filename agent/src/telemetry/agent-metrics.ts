// The agent's metrics as the rest of the agent sees them: named events to count and one gauge.
// Names are Vault Agent's where it has them (https://developer.hashicorp.com/vault/docs/agent-and-proxy/agent#telemetry-stanza:
// vault.agent.authenticated, .auth.success/.failure, .proxy.success/.client_error/.error) and ours,
// under the same prefix, where it has none (template renders, lease renewals; docs/agent.md).
// Without a telemetry stanza every call goes to NO_METRICS and prom-client is never loaded.

export const COUNTERS = [
  'auth.success', 'auth.failure', 'proxy.success', 'proxy.client_error', 'proxy.error',
  'template.rendered', 'lease.renewal.success', 'lease.renewal.failure',
] as const;
export type CounterName = (typeof COUNTERS)[number];
export type GaugeName = 'authenticated';

export interface AgentMetrics {
  increment(name: CounterName): void;
  gauge(name: GaugeName, value: number): void;
}

export const NO_METRICS: AgentMetrics = {
  increment: () => undefined,
  gauge: () => undefined,
};

/** What the listener serves at /agent/v1/metrics. */
export interface MetricsResponse {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

export interface MetricsEndpoint {
  respond(format: 'prometheus' | 'json'): Promise<MetricsResponse>;
}

/**
 * Vault's format choice (sdk/helper/metricsutil): `?format=prometheus`, or an Accept header asking
 * for OpenMetrics or Prometheus text, gives Prometheus; anything else the JSON summary.
 */
export function metricsFormat(query: URLSearchParams, accept: string | undefined): 'prometheus' | 'json' {
  const format = query.get('format');
  if (format === 'prometheus') return 'prometheus';
  if (format !== null && format !== '') return 'json';
  return accept !== undefined && /application\/openmetrics-text|text\/plain/.test(accept) ? 'prometheus' : 'json';
}

/** No telemetry stanza: Vault Agent answers a Prometheus request with 400, JSON with an empty summary. */
export const UNCONFIGURED_METRICS: MetricsEndpoint = {
  respond: (format) => Promise.resolve(
    format === 'prometheus'
      ? { status: 400, contentType: 'application/json', body: JSON.stringify({ errors: ['prometheus is not enabled'] }) }
      : { status: 200, contentType: 'application/json', body: JSON.stringify({ Timestamp: new Date().toISOString(), Gauges: [], Points: [], Counters: [], Samples: [] }) },
  ),
};
