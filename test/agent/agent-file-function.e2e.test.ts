// consul-template's `file` function end to end: the real agent process in a pod sandbox renders a
// template that reads a local file (from /vault/custom), and renders it again when the file changes;
// sandbox_path confines `file` to a directory, symlinks resolved.
import { existsSync, readFileSync, symlinkSync, writeFileSync, chownSync } from 'node:fs';
import { join } from 'node:path';
import { startAgentInPod, POD_GID, POD_UID } from './helpers/pod-sandbox.js';
import { createScenario, injectorConfig, leakedSecrets } from './helpers/agent-scenario.js';
import type { Scenario } from './helpers/agent-scenario.js';

let scenario: Scenario | undefined;

afterEach(async () => {
  if (scenario !== undefined) {
    const output = scenario.agents.map((agent) => agent.output()).join('\n');
    const secrets = new Set(scenario.secrets);
    await scenario.close();
    scenario = undefined;
    expect(leakedSecrets(output, secrets)).toEqual([]);
  }
});

function writeInput(path: string, content: string): void {
  writeFileSync(path, content);
  chownSync(path, POD_UID, POD_GID);
}

describe('the file function (real agent process)', () => {
  it('renders a local file beside a secret, and renders again when the file changes', async () => {
    scenario = await createScenario();
    const { vault, sandbox } = scenario;
    vault.enableKv('kv', 1);
    vault.writeKv('kv/app', { user: 'svc-user' });
    vault.addPolicy('app', [{ path: 'kv/*', capabilities: ['read'] }]);
    writeInput(join(sandbox.customDir, 'settings.txt'), 'mode=blue');
    const config = injectorConfig(vault, false, {
      template: [
        {
          destination: '/vault/secrets/app.conf',
          contents: '{{ with secret "kv/app" }}user={{ .Data.user }}{{ end }}\n{{ file "/vault/custom/settings.txt" | sprig_trim }}\n',
          sandbox_path: '/vault/custom',
        },
      ],
    });
    const agent = startAgentInPod({ sandbox, config });
    scenario.agents.push(agent);
    const out = join(sandbox.secretsDir, 'app.conf');
    await vault.waitFor(() => existsSync(out) && readFileSync(out, 'utf8') === 'user=svc-user\nmode=blue\n', 15_000, 'the first render');
    writeInput(join(sandbox.customDir, 'settings.txt'), 'mode=green  \n');
    await vault.waitFor(() => readFileSync(out, 'utf8') === 'user=svc-user\nmode=green\n', 15_000, 'the render after the file changed');
    expect(vault.count('kv1.read')).toBe(1);
    agent.signal('SIGTERM');
    expect(await agent.exited).toBe(0);
  }, 40_000);

  it('sandbox_path refuses a path outside it, and a symlink inside it that leads out', async () => {
    scenario = await createScenario();
    const { vault, sandbox } = scenario;
    writeInput(join(sandbox.homeDir, 'private.txt'), 'not-for-templates-5521');
    scenario.secrets.add('not-for-templates-5521');
    symlinkSync('/home/vault/private.txt', join(sandbox.customDir, 'link.txt'));
    for (const [name, path] of [['outside', '/home/vault/private.txt'], ['symlink', '/vault/custom/link.txt']] as const) {
      const config = injectorConfig(vault, true, {
        template: [{ destination: `/vault/secrets/${name}`, contents: `{{ file "${path}" }}`, sandbox_path: '/vault/custom' }],
      });
      const agent = startAgentInPod({ sandbox, config });
      scenario.agents.push(agent);
      expect(await agent.exited).toBe(1);
      expect(agent.output()).toContain(`'${path}' is outside of sandbox`);
      expect(existsSync(join(sandbox.secretsDir, name))).toBe(false);
    }
  }, 40_000);
});
