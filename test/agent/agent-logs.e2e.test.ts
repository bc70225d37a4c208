// The agent's logs as a user runs it (the CLI in a pod sandbox against the Vault double): with
// JSON logs every line is hclog's JSON (@level, @message, @module, @timestamp, keys sorted, as
// Vault Agent writes them), the first line names the build, and unknown -log-level / VAULT_LOG_* /
// log_level values stop the agent with an error naming the input.
import { startAgentInPod } from './helpers/pod-sandbox.js';
import { createScenario, injectorConfig } from './helpers/agent-scenario.js';
import type { Scenario } from './helpers/agent-scenario.js';

let scenario: Scenario | undefined;

afterEach(async () => {
  await scenario?.close();
  scenario = undefined;
});

const HCLOG_KEYS = ['@level', '@message', '@module', '@timestamp'];

async function initRun(env: Record<string, string>, options: { extraArgs?: string[]; configExtra?: Record<string, unknown> } = {}): Promise<{ code: number; output: string }> {
  scenario = await createScenario();
  const { vault, sandbox } = scenario;
  vault.enableKv('secret', 2);
  vault.writeKv('secret/app', { user: 'svc' });
  vault.addPolicy('app', [{ path: 'secret/data/*', capabilities: ['read'] }]);
  const config = injectorConfig(vault, true, {
    template: [{ destination: '/vault/secrets/app', contents: '{{ with secret "secret/data/app" }}{{ .Data.data.user }}{{ end }}' }],
    ...options.configExtra,
  });
  const agent = startAgentInPod({ sandbox, config, env, ...(options.extraArgs === undefined ? {} : { extraArgs: options.extraArgs }) });
  scenario.agents.push(agent);
  const code = await agent.exited;
  return { code, output: agent.output() };
}

describe('agent logs (real process)', () => {
  it('JSON format: every line is hclog JSON, the first one names the build', async () => {
    const { code, output } = await initRun({ VAULT_LOG_FORMAT: 'json', VAULT_LOG_LEVEL: 'debug' });
    expect(code).toBe(0);
    const lines = output.split('\n').filter((line) => line !== '');
    expect(lines.length).toBeGreaterThan(2);
    const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    for (const record of records) {
      const keys = Object.keys(record);
      expect(keys.slice(0, 4)).toEqual(HCLOG_KEYS);
      expect(keys).toEqual([...keys].sort());
      expect(['trace', 'debug', 'info', 'warn', 'error']).toContain(record['@level']);
      expect(String(record['@module'])).toMatch(/^agent(\.|$)/);
      expect(record['@timestamp']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
      expect(record).not.toHaveProperty('msg');
    }
    expect(records[0]).toMatchObject({ '@level': 'info', '@message': 'vault-injector agent starting', '@module': 'agent' });
    expect(typeof records[0]?.['version']).toBe('string');
    expect(records[0]?.['node_version']).toBe(process.version);
  }, 60_000);

  it('standard format: the first line names the build too', async () => {
    const { code, output } = await initRun({ VAULT_LOG_FORMAT: 'standard', VAULT_LOG_LEVEL: 'info' });
    expect(code).toBe(0);
    expect(output.split('\n')[0]).toMatch(/^\S+ \[INFO\]  agent: vault-injector agent starting: version=\S+ commit=\S+ node_version=v\d+/);
  }, 60_000);

  it.each([
    ['-log-level', { VAULT_LOG_LEVEL: 'debug' }, { extraArgs: ['-log-level=loud'] }, '-log-level: "loud" is not a log level; use trace, debug, info, warn or error (unknown log level: loud)'],
    ['VAULT_LOG_LEVEL', { VAULT_LOG_LEVEL: 'fatal' }, {}, 'VAULT_LOG_LEVEL: "fatal" is not a log level; use trace, debug, info, warn or error (unknown log level: fatal)'],
    ['log_level', { VAULT_LOG_LEVEL: '' }, { configExtra: { log_level: 'verbose' } }, 'log_level (config): "verbose" is not a log level; use trace, debug, info, warn or error (unknown log level: verbose)'],
    ['-log-format', {}, { extraArgs: ['-log-format=text'] }, '-log-format: "text" is not a log format; use standard or json (unknown log format: text)'],
    ['VAULT_LOG_FORMAT', { VAULT_LOG_FORMAT: 'logfmt' }, {}, 'VAULT_LOG_FORMAT: "logfmt" is not a log format; use standard or json (unknown log format: logfmt)'],
  ])('an unknown value from %s stops the agent with an error naming it', async (_input, env, options, message) => {
    const { code, output } = await initRun(env, options);
    expect(code).toBe(1);
    expect(output).toBe(`${message}\n`);
    expect(scenario?.vault.requests() ?? []).toEqual([]);
  }, 60_000);
});
