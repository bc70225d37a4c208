// Template options end to end with the real agent in a pod sandbox (uid 100, gid 1000): `wait`
// (quiescence), `user`/`group` (chown when permitted, a clear error otherwise).
import { existsSync, readFileSync, statSync } from 'node:fs';
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

async function kvScenario(): Promise<Scenario> {
  scenario = await createScenario();
  scenario.vault.enableKv('secret', 2);
  scenario.vault.writeKv('secret/app', { value: 'kv-value-4321' });
  scenario.vault.addPolicy('app', [{ path: 'secret/data/app', capabilities: ['read'] }]);
  scenario.secrets.add('kv-value-4321');
  return scenario;
}

const template = (name: string, extra: Record<string, unknown> = {}) => ({
  destination: `/vault/secrets/${name}`,
  contents: '{{ with secret "secret/data/app" }}{{ .Data.data.value }}{{ end }}',
  ...extra,
});

/** The time stamp of the first standard-format log line containing `text`. */
function loggedAt(output: string, text: string): number {
  const line = output.split('\n').find((candidate) => candidate.includes(text));
  if (line === undefined) throw new Error(`no log line with ${JSON.stringify(text)}`);
  return Date.parse(line.split(' ')[0] ?? '');
}

describe('template options (real agent, Vault double)', () => {
  it('wait { min }: the first render is written only after min without a change', async () => {
    const current = await kvScenario();
    const config = injectorConfig(current.vault, true, { template: [template('waited', { wait: { min: '2s', max: '8s' } })] });
    const agent = startAgentInPod({ sandbox: current.sandbox, config });
    current.agents.push(agent);
    expect(await agent.exited).toBe(0);
    expect(readFileSync(join(current.sandbox.secretsDir, 'waited'), 'utf8')).toBe('kv-value-4321');
    const output = agent.output();
    expect(loggedAt(output, 'rendered template') - loggedAt(output, 'token written')).toBeGreaterThanOrEqual(2000);
  }, 30_000);

  it('template_config wait (the string form "min:max") applies to templates without their own', async () => {
    const current = await kvScenario();
    const config = injectorConfig(current.vault, true, {
      template: [template('default-wait')],
      template_config: { exit_on_retry_failure: true, wait: '1500ms:3s' },
    });
    const agent = startAgentInPod({ sandbox: current.sandbox, config });
    current.agents.push(agent);
    expect(await agent.exited).toBe(0);
    const output = agent.output();
    expect(loggedAt(output, 'rendered template') - loggedAt(output, 'token written')).toBeGreaterThanOrEqual(1500);
  }, 30_000);

  it('user/group the agent may set: the file gets them (group by id, user by name from /etc/passwd)', async () => {
    const current = await kvScenario();
    const ownName = readFileSync('/etc/passwd', 'utf8').split('\n').find((line) => line.split(':')[2] === String(POD_UID))?.split(':')[0];
    const config = injectorConfig(current.vault, true, {
      template: [template('owned', ownName === undefined ? { uid: POD_UID, gid: POD_GID } : { user: ownName, group: String(POD_GID) })],
    });
    const agent = startAgentInPod({ sandbox: current.sandbox, config });
    current.agents.push(agent);
    expect(await agent.exited).toBe(0);
    expect(statSync(join(current.sandbox.secretsDir, 'owned'))).toMatchObject({ uid: POD_UID, gid: POD_GID });
  }, 30_000);

  it('a user the agent may not give the file to: a clear error, exit 1', async () => {
    const current = await kvScenario();
    const config = injectorConfig(current.vault, true, { template: [template('root-owned', { user: 'root' })] });
    const agent = startAgentInPod({ sandbox: current.sandbox, config });
    current.agents.push(agent);
    expect(await agent.exited).toBe(1);
    expect(agent.output()).toContain("cannot give /vault/secrets/root-owned to user root (0): not permitted (the agent runs as uid 100; changing a file's owner needs root or CAP_CHOWN)");
  }, 30_000);

  it('an unknown user name stops the agent at start, before anything is rendered', async () => {
    const current = await kvScenario();
    const config = injectorConfig(current.vault, true, { template: [template('nobody', { user: 'no-such-user-x' })] });
    const agent = startAgentInPod({ sandbox: current.sandbox, config });
    current.agents.push(agent);
    expect(await agent.exited).toBe(1);
    expect(agent.output()).toContain('user \\"no-such-user-x\\" not found in /etc/passwd');
    expect(existsSync(join(current.sandbox.secretsDir, 'nobody'))).toBe(false);
  }, 30_000);
});
