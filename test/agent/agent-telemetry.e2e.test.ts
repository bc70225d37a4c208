// Agent telemetry end to end: the real agent with a telemetry stanza serves Vault Agent's metric
// names at /agent/v1/metrics on its listener (Prometheus text or the JSON summary); without the
// stanza prom-client is never loaded (checked from inside the agent process at exit).
import { readFileSync, writeFileSync, chmodSync, existsSync } from 'node:fs';
import { request } from 'node:http';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { startAgentInPod } from './helpers/pod-sandbox.js';
import { createScenario, freePort, injectorConfig, leakedSecrets } from './helpers/agent-scenario.js';
import type { Scenario } from './helpers/agent-scenario.js';

let scenario: Scenario | undefined;

afterEach(async () => {
  if (scenario !== undefined) {
    const output = scenario.agents.map((agent) => agent.output()).join('\n');
    const secrets = new Set([...scenario.secrets, ...scenario.vault.tokens().map((token) => token.token)]);
    await scenario.close();
    scenario = undefined;
    expect(leakedSecrets(output, secrets)).toEqual([]);
  }
});

function get(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request({ host: '127.0.0.1', port, path, headers }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => { resolve({ status: response.statusCode ?? 0, type: String(response.headers['content-type']), body }); });
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

/** A --require hook that records, at exit, whether prom-client was ever loaded into the agent. */
function moduleProbe(dir: string): { env: Record<string, string>; loaded: () => string } {
  const probe = join(dir, 'probe.cjs');
  const out = join(dir, 'probe.out');
  writeFileSync(probe, `process.on('exit', () => { require('node:fs').writeFileSync(${JSON.stringify(out)}, String(Object.keys(require.cache).some((file) => file.includes('/prom-client/')))); });\n`);
  chmodSync(dir, 0o777);
  return { env: { NODE_OPTIONS: `--require ${probe}` }, loaded: () => (existsSync(out) ? readFileSync(out, 'utf8') : 'no probe output') };
}

async function kvScenario(): Promise<Scenario> {
  scenario = await createScenario();
  scenario.vault.enableKv('secret', 2);
  scenario.vault.writeKv('secret/app', { value: 'telemetry-secret-99' });
  scenario.vault.addPolicy('app', [{ path: 'secret/data/app', capabilities: ['read'] }]);
  scenario.secrets.add('telemetry-secret-99');
  return scenario;
}

const template = { destination: '/vault/secrets/app', contents: '{{ with secret "secret/data/app" }}{{ .Data.data.value }}{{ end }}' };

describe('agent telemetry (real agent, Vault double)', () => {
  it('serves Vault Agent\'s metric names in Prometheus format and as JSON; metrics_only listeners serve nothing else', async () => {
    const current = await kvScenario();
    const [port, metricsPort] = [await freePort(), await freePort()];
    const probe = moduleProbe(current.sandbox.customDir);
    const config = injectorConfig(current.vault, false, {
      template: [template],
      cache: { use_auto_auth_token: true },
      listener: [
        { type: 'tcp', address: `127.0.0.1:${port}`, tls_disable: true },
        { type: 'tcp', address: `127.0.0.1:${metricsPort}`, tls_disable: true, role: 'metrics_only' },
      ],
      telemetry: { prometheus_retention_time: '1h', disable_hostname: false, statsd_address: 'statsd:8125' },
    });
    const agent = startAgentInPod({ sandbox: current.sandbox, config, env: probe.env });
    current.agents.push(agent);
    await current.vault.waitFor(() => existsSync(join(current.sandbox.secretsDir, 'app')), 15_000, 'the render');

    expect((await get(port, '/v1/secret/data/app')).status).toBe(200);
    expect((await get(port, '/v1/secret/data/nope')).status).toBe(403);

    const prometheus = await get(metricsPort, '/agent/v1/metrics?format=prometheus');
    expect(prometheus.status).toBe(200);
    expect(prometheus.type).toContain('text/plain');
    const host = hostname().replace(/[ .=\-/]/g, '_');
    expect(prometheus.body).toContain('# TYPE vault_agent_auth_success counter\nvault_agent_auth_success 1\n');
    expect(prometheus.body).toContain(`# TYPE vault_${host}_agent_authenticated gauge\nvault_${host}_agent_authenticated 1\n`);
    expect(prometheus.body).toContain('vault_agent_template_rendered 1\n');
    expect(prometheus.body).toContain('vault_agent_proxy_success 1\n');
    expect(prometheus.body).toContain('vault_agent_proxy_client_error 1\n');
    expect(prometheus.body).not.toContain('vault_agent_auth_failure');
    // Prometheus asks with an Accept header; the default listener serves metrics too.
    expect((await get(port, '/agent/v1/metrics', { accept: 'application/openmetrics-text; version=1.0.0' })).body).toContain('vault_agent_auth_success 1');

    const json = JSON.parse((await get(metricsPort, '/agent/v1/metrics')).body) as { Counters: { Name: string; Count: number }[] };
    expect(json.Counters).toEqual(expect.arrayContaining([{ Name: 'vault.agent.auth.success', Count: 1, Sum: 1, Labels: {} }]));
    expect((await get(metricsPort, '/v1/secret/data/app')).status).toBe(404);
    expect(agent.output()).toMatch(/setting accepted but not acted on by this agent: setting=telemetry\.statsd_address/);

    agent.signal('SIGTERM');
    expect(await agent.exited).toBe(0);
    expect(probe.loaded()).toBe('true');
  }, 40_000);

  it('enable_hostname_label puts the host in a label; auth failures are counted', async () => {
    const current = await kvScenario();
    const port = await freePort();
    const config = injectorConfig(current.vault, false, {
      template: [template],
      listener: [{ type: 'tcp', address: `127.0.0.1:${port}`, tls_disable: true }],
      telemetry: { enable_hostname_label: true },
    }, { config: { role: 'wrong-role', token_path: '/var/run/secrets/kubernetes.io/serviceaccount/token' }, min_backoff: '100ms', max_backoff: '200ms' });
    const agent = startAgentInPod({ sandbox: current.sandbox, config });
    current.agents.push(agent);
    await current.vault.waitFor(() => current.vault.count('kubernetes.login') >= 2, 15_000, 'two failed logins');
    const body = (await get(port, '/agent/v1/metrics?format=prometheus')).body;
    expect(body).toMatch(new RegExp(`vault_agent_auth_failure\\{host="${hostname()}"\\} [2-9]`));
    expect(body).toContain(`vault_agent_authenticated{host="${hostname()}"} 0`);
    agent.signal('SIGTERM');
    expect(await agent.exited).toBe(0);
  }, 40_000);

  it('without a telemetry stanza: Prometheus is not enabled (400, as Vault Agent) and prom-client is never loaded', async () => {
    const current = await kvScenario();
    const port = await freePort();
    const probe = moduleProbe(current.sandbox.customDir);
    const config = injectorConfig(current.vault, false, { template: [template], listener: [{ type: 'tcp', address: `127.0.0.1:${port}`, tls_disable: true }] });
    const agent = startAgentInPod({ sandbox: current.sandbox, config, env: probe.env });
    current.agents.push(agent);
    await current.vault.waitFor(() => existsSync(join(current.sandbox.secretsDir, 'app')), 15_000, 'the render');
    const response = await get(port, '/agent/v1/metrics?format=prometheus');
    expect(response).toMatchObject({ status: 400, body: '{"errors":["prometheus is not enabled"]}' });
    agent.signal('SIGTERM');
    expect(await agent.exited).toBe(0);
    expect(probe.loaded()).toBe('false');
  }, 40_000);
});
