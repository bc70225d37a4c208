// The redaction guarantee end to end (issue 10): a Vault whose error texts echo the request — the
// agent's token, the service-account JWT on login, and a secret value the agent put in a path —
// and pad them to 5 MB. The real agent, at trace level, in both log formats: no line holds any of
// those values, and the log stays small.
import { startAgentInPod } from './helpers/pod-sandbox.js';
import { SERVICE_ACCOUNT_JWT, createScenario, injectorConfig, leakedSecrets } from './helpers/agent-scenario.js';
import type { Scenario } from './helpers/agent-scenario.js';

let scenario: Scenario | undefined;

afterEach(async () => {
  await scenario?.close();
  scenario = undefined;
});

const SECRET_VALUE = 'sv-5f1d0c9a7e3b';
const FIVE_MB = 5 * 1024 * 1024;

describe('agent log redaction (real process, Vault double echoing requests)', () => {
  it.each(['standard', 'json'])('%s format: the token, the JWT and a secret value never reach the log; a 5 MB error stays small', async (format) => {
    scenario = await createScenario();
    const { vault, sandbox } = scenario;
    vault.enableKv('secret', 2);
    vault.writeKv('secret/a', { v: SECRET_VALUE });
    vault.writeKv(`secret/${SECRET_VALUE}`, { w: 'x' });
    vault.addPolicy('app', [{ path: 'secret/data/*', capabilities: ['read'] }]);
    // The first login's error echoes the JWT from the body; the nested read's error echoes the
    // token header and the path holding the secret value, padded to 5 MB.
    vault.faults.echoRequest({ path: 'auth/kubernetes/login', count: 1 });
    vault.faults.echoRequest({ path: `secret/data/${SECRET_VALUE}`, padBytes: FIVE_MB });
    const config = injectorConfig(vault, true, {
      template: [{
        destination: '/vault/secrets/app',
        contents: '{{ with secret "secret/data/a" }}{{ with secret (printf "secret/data/%s" .Data.data.v) }}{{ .Data.data.w }}{{ end }}{{ end }}',
      }],
      vault: { address: vault.address, retry: { num_retries: 1 } },
    }, { min_backoff: '100ms', max_backoff: '200ms' });
    const agent = startAgentInPod({ sandbox, config, env: { VAULT_LOG_FORMAT: format, VAULT_MAX_RETRIES: '0' } });
    scenario.agents.push(agent);
    expect(await agent.exited).toBe(1);
    const output = agent.output();
    const tokens = vault.tokens().map((token) => token.token);
    expect(tokens.length).toBeGreaterThan(0);
    // The echoes did happen and were logged (redacted).
    expect(vault.requests().filter((request) => request.status === 400).length).toBeGreaterThanOrEqual(2);
    expect(output).toContain('echo: ');
    expect(output).toContain('[redacted]');
    expect(leakedSecrets(output, [SERVICE_ACCOUNT_JWT, SECRET_VALUE, ...tokens, ...scenario.secrets])).toEqual([]);
    // Two 5 MB errors (the read and its retry) cost a few KB of log, not megabytes.
    expect(output.length).toBeLessThan(64 * 1024);
  }, 60_000);
});
