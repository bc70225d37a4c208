// The real agent process in a pod sandbox against the Vault double: auth, sinks, renewal and
// re-login, outages, signals, quit, revoke-self. (Template scenarios are in agent-templates.e2e.)
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'node:http';
import { startAgentInPod, runInPod, POD_UID } from './helpers/pod-sandbox.js';
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

function post(port: number, path: string, method = 'POST'): Promise<number> {
  return new Promise((resolve, reject) => {
    const outgoing = request({ host: '127.0.0.1', port, path, method }, (response) => {
      response.resume();
      response.on('end', () => { resolve(response.statusCode ?? 0); });
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

describe('agent lifecycle (real process, pod paths, Vault double)', () => {
  it('init mode without templates: logs in with the pod JWT, writes the sink 0640 atomically and exits 0', async () => {
    scenario = await createScenario();
    const { vault, sandbox } = scenario;
    const agent = startAgentInPod({ sandbox, config: injectorConfig(vault, true) });
    scenario.agents.push(agent);
    expect(await agent.exited).toBe(0);
    const token = scenario.sinkToken();
    expect(vault.token(token)?.path).toBe('auth/kubernetes/login');
    const stats = statSync(join(sandbox.homeDir, '.vault-token'));
    expect(stats.mode & 0o777).toBe(0o640);
    expect(stats.uid).toBe(POD_UID);
    expect(existsSync(join(sandbox.homeDir, '.pid'))).toBe(false);
    expect(agent.output()).toContain('token written');
  });

  it('sidecar: renews its token, logs in again at max TTL, and the sink always holds the current token', async () => {
    scenario = await createScenario({ role: { tokenTtlSeconds: 3, tokenMaxTtlSeconds: 7 } });
    const { vault, sandbox } = scenario;
    const agent = startAgentInPod({ sandbox, config: injectorConfig(vault, false) });
    scenario.agents.push(agent);
    await vault.waitFor(() => vault.count('kubernetes.login') >= 2, 20_000, 'a second login');
    const logins = vault.tokens().filter((token) => token.path === 'auth/kubernetes/login');
    expect(logins[0]!.renewals).toBeGreaterThanOrEqual(2);
    await vault.waitFor(() => scenario!.sinkToken() === logins[1]!.token, 5000, 'the new token in the sink');
    // The old token was still valid when it was replaced (re-login inside the grace window).
    expect(logins[0]!.revoked).toBeNull();
    agent.signal('SIGTERM');
    expect(await agent.exited).toBe(0);
  });

  it('exit_on_err: a rejected login ends the agent with a non-zero code', async () => {
    scenario = await createScenario();
    const { vault, sandbox } = scenario;
    sandbox.writeServiceAccountToken('not-the-right-jwt');
    const agent = startAgentInPod({ sandbox, config: injectorConfig(vault, true, {}, { exit_on_err: true }) });
    scenario.agents.push(agent);
    expect(await agent.exited).toBe(1);
    expect(agent.output()).toContain('authentication failed');
    expect(agent.output()).toContain('permission denied');
    expect(existsSync(join(sandbox.homeDir, '.vault-token'))).toBe(false);
  });

  it('re-reads the service-account JWT on every login (rotation)', async () => {
    scenario = await createScenario({ role: { serviceAccountJwt: (jwt: string) => jwt.startsWith('rotated-') || jwt.startsWith('eyJ'), tokenTtlSeconds: 2, tokenMaxTtlSeconds: 2 } });
    const { vault, sandbox } = scenario;
    const agent = startAgentInPod({ sandbox, config: injectorConfig(vault, false) });
    scenario.agents.push(agent);
    await vault.waitFor(() => vault.count('kubernetes.login') >= 1, 10_000);
    sandbox.writeServiceAccountToken('rotated-jwt-value');
    scenario.secrets.add('rotated-jwt-value');
    await vault.waitFor(() => vault.count('kubernetes.login') >= 3, 15_000, 'logins after rotation');
    expect(vault.requests().filter((r) => r.endpoint === 'kubernetes.login').every((r) => r.status === 200)).toBe(true);
    agent.signal('SIGTERM');
    expect(await agent.exited).toBe(0);
  });

  it('survives a 20-second outage with bounded retries and logs in again after it', async () => {
    scenario = await createScenario({ role: { tokenTtlSeconds: 3, tokenMaxTtlSeconds: 3 } });
    const { vault, sandbox } = scenario;
    const agent = startAgentInPod({ sandbox, config: injectorConfig(vault, false, {}, { min_backoff: '1s', max_backoff: '4s' }) });
    scenario.agents.push(agent);
    await vault.waitFor(() => vault.count('kubernetes.login') >= 1, 10_000);
    await vault.faults.down('reset');
    const outageStart = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 20_000));
    const before = vault.requests().length;
    await vault.faults.up();
    await vault.waitFor(() => vault.requests().slice(before).some((r) => r.endpoint === 'kubernetes.login' && r.status === 200), 10_000, 'a login after the outage');
    const attemptsDuringOutage = (agent.output().match(/authentication failed/g) ?? []).length;
    // Backoff 1 s → 4 s (×0.75–1): at most ≈ 20/0.75 attempts even if it never grew; typically 6–8.
    expect(attemptsDuringOutage).toBeGreaterThanOrEqual(3);
    expect(attemptsDuringOutage).toBeLessThanOrEqual(12);
    expect(Date.now() - outageStart).toBeGreaterThanOrEqual(20_000);
    await vault.waitFor(() => vault.tokens().some((t) => t.token === scenario!.sinkToken() && t.revoked === null), 5000);
    agent.signal('SIGTERM');
    const code = await agent.exited;
    if (code !== 0) throw new Error(`exit ${code}\n${agent.output()}`);
  }, 60_000);

  it('SIGTERM stops the sidecar cleanly; the preStop revoke -self revokes the sink token', async () => {
    scenario = await createScenario();
    const { vault, sandbox } = scenario;
    const agent = startAgentInPod({ sandbox, config: injectorConfig(vault, false) });
    scenario.agents.push(agent);
    await vault.waitFor(() => existsSync(join(sandbox.homeDir, '.vault-token')), 10_000, 'the sink');
    expect(readFileSync(join(sandbox.homeDir, '.pid'), 'utf8')).toBe(String(agent.pid));
    const token = scenario.sinkToken();
    const revoke = await runInPod(sandbox, ['token', 'revoke', `-address=${vault.address}`, '-self']);
    expect(revoke.output).toContain('Success! Revoked token');
    expect(revoke.code).toBe(0);
    expect(vault.token(token)?.revoked?.reason).toBe('revoke-self');
    agent.signal('SIGTERM');
    expect(await agent.exited).toBe(0);
    expect(agent.output()).toContain('agent stopped');
    expect(existsSync(join(sandbox.homeDir, '.pid'))).toBe(false);
  });

  it('quit endpoint and API proxy: the auto-auth token is attached, an invalid token triggers re-login, POST /agent/v1/quit stops', async () => {
    scenario = await createScenario();
    const { vault, sandbox } = scenario;
    vault.enableKv('kv', 1);
    vault.writeKv('kv/app', { greeting: 'hello-through-proxy' });
    vault.addPolicy('app', [{ path: 'kv/*', capabilities: ['read'] }]);
    const port = await freePort();
    const config = injectorConfig(vault, false, {
      listener: [{ type: 'tcp', address: `127.0.0.1:${port}`, tls_disable: true, agent_api: { enable_quit: true } }],
      cache: { use_auto_auth_token: 'true' },
    });
    const agent = startAgentInPod({ sandbox, config });
    scenario.agents.push(agent);
    await vault.waitFor(() => existsSync(join(sandbox.homeDir, '.vault-token')), 10_000, 'the sink');
    const read = await fetch(`http://127.0.0.1:${port}/v1/kv/app`);
    expect(read.status).toBe(200);
    expect(((await read.json()) as { data: { greeting: string } }).data.greeting).toBe('hello-through-proxy');
    const firstToken = scenario.sinkToken();
    vault.faults.forbidToken(firstToken, 'invalid-token');
    expect((await fetch(`http://127.0.0.1:${port}/v1/kv/app`)).status).toBe(403);
    await vault.waitFor(() => existsSync(join(sandbox.homeDir, '.vault-token')) && scenario!.sinkToken() !== firstToken, 10_000, 'a new token');
    // The sinks are written before the proxy is told of the new token (as Vault Agent's sinks and
    // its in-memory cache sink are independent readers of one login): poll until the proxy has it.
    let status = 0;
    for (let attempt = 0; attempt < 50 && status !== 200; attempt += 1) {
      status = (await fetch(`http://127.0.0.1:${port}/v1/kv/app`)).status;
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(status).toBe(200);
    expect(await post(port, '/agent/v1/quit', 'GET')).toBe(405);
    expect(await post(port, '/agent/v1/quit')).toBe(200);
    expect(await agent.exited).toBe(0);
  });
});
