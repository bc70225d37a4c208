// The telemetry stanza honoured with prom-client (loaded only when a telemetry stanza exists).
// Names render as Vault's go-metrics Prometheus sink renders them: the key joined with "_" and
// [ .=-/] replaced by "_" (vault.agent.auth.success → vault_agent_auth_success, counters without a
// _total suffix). The host name goes into gauge names (vault.<host>.agent.authenticated) unless
// disable_hostname, or into a `host` label on every metric with enable_hostname_label. A series not
// updated for prometheus_retention_time is dropped, as the go-metrics sink expires it
// (https://developer.hashicorp.com/vault/docs/configuration/telemetry#prometheus).
import { Counter, Gauge, Registry } from 'prom-client';
import type { TelemetryConfig } from '../config/agent-config.js';
import type { AgentMetrics, CounterName, GaugeName, MetricsEndpoint, MetricsResponse } from './agent-metrics.js';

interface Series {
  readonly key: string;
  readonly kind: 'counter' | 'gauge';
  readonly counter?: Counter;
  readonly gauge?: Gauge;
  value: number;
  lastUpdateMs: number;
}

export function flattenMetricName(key: string): string {
  return key.replace(/[ .=\-/]/g, '_');
}

export class PrometheusMetrics implements AgentMetrics, MetricsEndpoint {
  readonly #config: TelemetryConfig;
  readonly #hostname: string;
  readonly #now: () => number;
  readonly #registry = new Registry();
  readonly #series = new Map<string, Series>();

  constructor(config: TelemetryConfig, hostname: string, now: () => number) {
    this.#config = config;
    this.#hostname = hostname;
    this.#now = now;
  }

  increment(name: CounterName): void {
    const series = this.#get(`vault.agent.${name}`, 'counter');
    series.value += 1;
    series.counter?.inc(this.#labels(), 1);
  }

  gauge(name: GaugeName, value: number): void {
    const inName = this.#config.disableHostname || this.#config.enableHostnameLabel ? '' : `${this.#hostname}.`;
    const series = this.#get(`vault.${inName}agent.${name}`, 'gauge');
    series.value = value;
    series.gauge?.set(this.#labels(), value);
  }

  async respond(format: 'prometheus' | 'json'): Promise<MetricsResponse> {
    this.#expire();
    if (format === 'json') return { status: 200, contentType: 'application/json', body: JSON.stringify(this.#summary()) };
    if (this.#config.prometheusRetentionMs <= 0) {
      return { status: 400, contentType: 'application/json', body: JSON.stringify({ errors: ['prometheus is not enabled'] }) };
    }
    return { status: 200, contentType: this.#registry.contentType, body: await this.#registry.metrics() };
  }

  #labels(): Record<string, string> {
    return this.#config.enableHostnameLabel ? { host: this.#hostname } : {};
  }

  #get(key: string, kind: 'counter' | 'gauge'): Series {
    let series = this.#series.get(key);
    if (series === undefined) {
      const name = flattenMetricName(key);
      const options = { name, help: key, labelNames: this.#config.enableHostnameLabel ? ['host'] : [], registers: [this.#registry] };
      series = { key, kind, ...(kind === 'counter' ? { counter: new Counter(options) } : { gauge: new Gauge(options) }), value: 0, lastUpdateMs: 0 };
      this.#series.set(key, series);
    }
    series.lastUpdateMs = this.#now();
    return series;
  }

  #expire(): void {
    const retention = this.#config.prometheusRetentionMs;
    if (retention <= 0) return;
    const now = this.#now();
    for (const [key, series] of this.#series) {
      if (now - series.lastUpdateMs <= retention) continue;
      this.#registry.removeSingleMetric(flattenMetricName(key));
      this.#series.delete(key);
    }
  }

  /** The shape of go-metrics' in-memory summary (DisplayMetrics), values since start. */
  #summary(): Record<string, unknown> {
    const labels = this.#labels();
    const all = [...this.#series.values()];
    return {
      Timestamp: new Date(this.#now()).toISOString(),
      Gauges: all.filter((series) => series.kind === 'gauge').map((series) => ({ Name: series.key, Value: series.value, Labels: labels })),
      Points: [],
      Counters: all.filter((series) => series.kind === 'counter').map((series) => ({ Name: series.key, Count: series.value, Sum: series.value, Labels: labels })),
      Samples: [],
    };
  }
}
