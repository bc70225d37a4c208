// Process-supervisor mode end to end: the real agent CLI in a pod sandbox against the Vault double,
// running a child (a small Node script) with env_template values. The child writes what it sees
// and the signals it gets to a file (never to stdout, which is the agent's output, scanned for
// leaked values after each test).
import { chownSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startAgentInPod, POD_GID, POD_UID } from './helpers/pod-sandbox.js';
import { createScenario, injectorConfig, leakedSecrets } from './helpers/agent-scenario.js';
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

const CHILD = `
import { appendFileSync } from 'node:fs';
const log = (line) => appendFileSync('/vault/secrets/child.log', line + '\\n');
log('start ' + process.pid + ' password=' + process.env.DB_PASSWORD + ' user=' + process.env.DB_USER + ' home=' + process.env.HOME);
process.on('SIGTERM', () => { log('SIGTERM ' + process.pid); process.exit(Number(process.env.EXIT_ON_TERM ?? '0')); });
process.on('SIGHUP', () => { log('SIGHUP ' + process.pid); });
if (process.env.EXIT_AFTER_START !== undefined) setTimeout(() => process.exit(Number(process.env.EXIT_AFTER_START)), 200);
setInterval(() => {}, 1000);
`;

function childLog(scenarioNow: Scenario): string[] {
  const file = join(scenarioNow.sandbox.secretsDir, 'child.log');
  return existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n') : [];
}

async function setUp(): Promise<Scenario> {
  scenario = await createScenario();
  const { vault, sandbox } = scenario;
  vault.enableKv('secret', 2);
  vault.writeKv('secret/db', { user: 'app-user', password: 'first-pass-1234' });
  vault.addPolicy('app', [{ path: 'secret/data/db', capabilities: ['read'] }]);
  scenario.secrets.add('first-pass-1234');
  scenario.secrets.add('second-pass-5678');
  const script = join(sandbox.homeDir, 'child.mjs');
  writeFileSync(script, CHILD, { mode: 0o644 });
  chownSync(script, POD_UID, POD_GID);
  return scenario;
}

function execConfig(current: Scenario, exec: Record<string, unknown>): Record<string, unknown> {
  return injectorConfig(current.vault, false, {
    template_config: { exit_on_retry_failure: true, static_secret_render_interval: '1s' },
    env_template: {
      DB_PASSWORD: { contents: '{{ with secret "secret/data/db" }}{{ .Data.data.password }}{{ end }}', error_on_missing_key: true },
      DB_USER: { contents: '[[ with secret "secret/data/db" ]][[ .Data.data.user ]][[ end ]]', left_delimiter: '[[', right_delimiter: ']]' },
    },
    exec: { command: [process.execPath, '/home/vault/child.mjs'], ...exec },
  });
}

describe('process-supervisor mode (exec + env_template, real agent, Vault double)', () => {
  it('starts the child with the rendered values, restarts it on a change, forwards SIGTERM and exits with its code', async () => {
    const current = await setUp();
    const agent = startAgentInPod({ sandbox: current.sandbox, config: execConfig(current, { restart_on_secret_changes: 'always', restart_stop_signal: 'SIGTERM' }), env: { EXIT_ON_TERM: '7' } });
    current.agents.push(agent);
    await current.vault.waitFor(() => childLog(current).length >= 1, 15_000, 'the child to start');
    const [first] = childLog(current);
    expect(first).toMatch(/^start \d+ password=first-pass-1234 user=app-user home=\/home\/vault$/);
    const firstPid = first!.split(' ')[1];

    current.vault.writeKv('secret/db', { user: 'app-user', password: 'second-pass-5678' });
    await current.vault.waitFor(() => childLog(current).some((line) => line.includes('password=second-pass-5678')), 15_000, 'a restart with the new value');
    const lines = childLog(current);
    // The old child got the stop signal before the new one started.
    expect(lines.indexOf(`SIGTERM ${firstPid}`)).toBeGreaterThan(0);
    expect(lines.indexOf(`SIGTERM ${firstPid}`)).toBeLessThan(lines.findIndex((line) => line.includes('second-pass-5678')));
    expect(agent.child.exitCode).toBeNull();

    const secondPid = lines.at(-1)!.split(' ')[1];
    agent.signal('SIGHUP');
    await current.vault.waitFor(() => childLog(current).includes(`SIGHUP ${secondPid}`), 10_000, 'the forwarded SIGHUP');
    agent.signal('SIGTERM');
    expect(await agent.exited).toBe(7);
    expect(childLog(current)).toContain(`SIGTERM ${secondPid}`);
    expect(agent.output()).toContain('child process started');
  }, 60_000);

  it('exits with the child\'s own exit code when the child ends (HCL config, restart never)', async () => {
    const current = await setUp();
    const hcl = `
auto_auth {
  method "kubernetes" {
    mount_path = "auth/kubernetes"
    config = { role = "app" }
  }
}
vault { address = "${current.vault.address}" }
template_config { static_secret_render_interval = "1s" }
env_template "DB_PASSWORD" {
  contents = "{{ with secret \\"secret/data/db\\" }}{{ .Data.data.password }}{{ end }}"
}
exec {
  command = ["${process.execPath}", "/home/vault/child.mjs"]
  restart_on_secret_changes = "never"
}
`;
    const agent = startAgentInPod({ sandbox: current.sandbox, config: hcl, configFileName: 'agent.hcl', env: { EXIT_AFTER_START: '3' } });
    current.agents.push(agent);
    expect(await agent.exited).toBe(3);
    expect(childLog(current)).toEqual([expect.stringMatching(/^start \d+ password=first-pass-1234 user=undefined home=\/home\/vault$/)]);
  }, 40_000);

  it('env_template names such as __proto__ and constructor reach the child as variables of that name', async () => {
    const current = await setUp();
    const script = join(current.sandbox.homeDir, 'names.mjs');
    writeFileSync(script, `import { appendFileSync } from 'node:fs';
appendFileSync('/vault/secrets/child.log', JSON.stringify(Object.entries(process.env).filter(([name]) => name === '__proto__' || name === 'constructor')) + '\\n');
`, { mode: 0o644 });
    chownSync(script, POD_UID, POD_GID);
    const config = execConfig(current, { command: [process.execPath, '/home/vault/names.mjs'], restart_on_secret_changes: 'never' });
    // defineProperty: in an object literal "__proto__" would set the prototype instead of a key.
    for (const name of ['__proto__', 'constructor']) {
      Object.defineProperty(config.env_template, name, { value: { contents: `value-of-${name}` }, enumerable: true });
    }
    const agent = startAgentInPod({ sandbox: current.sandbox, config });
    current.agents.push(agent);
    expect(await agent.exited).toBe(0);
    const seen = childLog(current).map((line) => (JSON.parse(line) as [string, string][]).sort(([a], [b]) => a.localeCompare(b)));
    expect(seen).toEqual([[['__proto__', 'value-of-__proto__'], ['constructor', 'value-of-constructor']]]);
  }, 40_000);

  it('does not start the child before every env_template rendered', async () => {
    const current = await setUp();
    const config = execConfig(current, {});
    (config.env_template as Record<string, unknown>).MISSING = { contents: '{{ with secret "secret/data/absent" }}{{ .Data.data.x }}{{ end }}' };
    config.vault = { address: current.vault.address, retry: { num_retries: -1 } };
    const agent = startAgentInPod({ sandbox: current.sandbox, config });
    current.agents.push(agent);
    // The absent secret fails the render; exit_on_retry_failure ends the agent; no child ever ran.
    expect(await agent.exited).toBe(1);
    expect(childLog(current)).toEqual([]);
  }, 40_000);
});
