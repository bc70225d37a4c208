// Interrupted init containers (issue 10): whenever SIGTERM lands, the init agent either exits 0 with
// every file written or exits non-zero, so the app never starts without its secrets; a long
// synchronous render does not hold the signal off; a SIGKILL's temp files are gone on the next start.
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startAgentInPod } from './helpers/pod-sandbox.js';
import { createScenario, injectorConfig } from './helpers/agent-scenario.js';
import type { Scenario } from './helpers/agent-scenario.js';
import { sleep } from '../../agent/src/supervisor/sleep.js';

let scenario: Scenario | undefined;

afterEach(async () => {
  await scenario?.close();
  scenario = undefined;
});

const TEMPLATES = 8;
const names = Array.from({ length: TEMPLATES }, (_, index) => `file-${index}`);

function clearSecrets(dir: string): void {
  for (const name of readdirSync(dir)) rmSync(join(dir, name), { force: true });
}

/** A seeded pseudo-random sequence, so a failing trial can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

describe('init agent interrupted (real process, Vault double)', () => {
  it('SIGTERM at random points of an init render never exits 0 with a file missing (30 trials)', async () => {
    scenario = await createScenario();
    const { vault, sandbox } = scenario;
    vault.enableKv('kv', 1);
    for (const name of names) vault.writeKv(`kv/${name}`, { v: name });
    vault.addPolicy('app', [{ path: 'kv/*', capabilities: ['read'] }]);
    // Each answer takes a while, so the signal lands before, during and after the render.
    vault.faults.slow(40);
    const config = injectorConfig(vault, true, {
      template: names.map((name) => ({ destination: `/vault/secrets/${name}`, contents: `{{ with secret "kv/${name}" }}{{ .Data.v }}{{ end }}` })),
    });
    const next = random(20260);
    const outcomes = { complete: 0, refused: 0 };
    for (let trial = 0; trial < 30; trial += 1) {
      clearSecrets(sandbox.secretsDir);
      const agent = startAgentInPod({ sandbox, config, env: { VAULT_LOG_LEVEL: 'info' } });
      await sleep(Math.floor(next() * 1500), new AbortController().signal);
      agent.signal('SIGTERM');
      const code = await agent.exited;
      const present = names.filter((name) => existsSync(join(sandbox.secretsDir, name)));
      if (code === 0) {
        expect({ trial, present: present.length }).toEqual({ trial, present: TEMPLATES });
        outcomes.complete += 1;
      } else {
        outcomes.refused += 1;
      }
      // Neither outcome leaves a temp file behind.
      expect(readdirSync(sandbox.secretsDir).filter((name) => name.includes('.tmp.'))).toEqual([]);
    }
    // The trials covered both outcomes (the seed makes this deterministic enough to hold).
    expect(outcomes.refused).toBeGreaterThan(0);
  }, 180_000);

  it('a long synchronous render yields to SIGTERM: the agent stops between templates and exits non-zero', async () => {
    scenario = await createScenario();
    const { vault, sandbox } = scenario;
    // Each template is ~1.2 million steps (within the default budget): seconds of work in all.
    const heavy = Array.from({ length: 6 }, (_, index) => ({
      destination: `/vault/secrets/heavy-${index}`,
      contents: '{{ range loop 600000 }}{{ end }}done',
    }));
    const agent = startAgentInPod({ sandbox, config: injectorConfig(vault, true, { template: heavy }), env: { VAULT_LOG_LEVEL: 'info' } });
    scenario.agents.push(agent);
    await vault.waitFor(() => existsSync(join(sandbox.secretsDir, 'heavy-0')), 60_000, 'the first heavy template');
    agent.signal('SIGTERM');
    expect(await agent.exited).toBe(1);
    const written = readdirSync(sandbox.secretsDir).filter((name) => name.startsWith('heavy-'));
    expect(written.length).toBeLessThan(heavy.length);
    expect(agent.output()).toContain('init stopped before the token was written and every template rendered');
  }, 90_000);

  it('temp files left by a SIGKILL are removed on the next start', async () => {
    scenario = await createScenario();
    const { vault, sandbox } = scenario;
    vault.enableKv('kv', 1);
    vault.writeKv('kv/a', { v: 'a' });
    vault.addPolicy('app', [{ path: 'kv/*', capabilities: ['read'] }]);
    // What a SIGKILL mid-write leaves: the recognisable temp name beside the destination (and one foreign file kept).
    writeFileSync(join(sandbox.secretsDir, '.a.tmp.0123abcd'), 'partial');
    writeFileSync(join(sandbox.secretsDir, '.other.tmp.0123abcd'), 'not ours');
    writeFileSync(join(sandbox.homeDir, '..vault-token.tmp.89abcdef'), 'partial token');
    const agent = startAgentInPod({
      sandbox,
      config: injectorConfig(vault, true, { template: [{ destination: '/vault/secrets/a', contents: '{{ with secret "kv/a" }}{{ .Data.v }}{{ end }}' }] }),
    });
    scenario.agents.push(agent);
    expect(await agent.exited).toBe(0);
    expect(readdirSync(sandbox.secretsDir).sort()).toEqual(['.other.tmp.0123abcd', 'a']);
    expect(readdirSync(sandbox.homeDir).filter((name) => name.includes('.tmp.'))).toEqual([]);
    expect(agent.output()).toContain('removed temp files left by an interrupted write');
  }, 60_000);
});
