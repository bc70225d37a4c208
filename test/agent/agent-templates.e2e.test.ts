// Template scenarios end to end: the real agent process (Go template engine) in a pod sandbox,
// rendering into /vault/secrets from the Vault double.
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync, chownSync } from 'node:fs';
import { join } from 'node:path';
import { startAgentInPod, POD_GID, POD_UID } from './helpers/pod-sandbox.js';
import { createScenario, injectorConfig, leakedSecrets } from './helpers/agent-scenario.js';
import type { Scenario } from './helpers/agent-scenario.js';
import { sleep } from '../../agent/src/supervisor/sleep.js';

let scenario: Scenario | undefined;

afterEach(async () => {
  if (scenario !== undefined) {
    const output = scenario.agents.map((agent) => agent.output()).join('\n');
    const secrets = new Set([
      ...scenario.secrets,
      ...scenario.vault.tokens().map((token) => token.token),
      ...scenario.vault.credentials().flatMap((credential) => (credential.kind === 'pki' ? [credential.privateKeyPem.split('\n')[1] ?? ''] : [credential.password])),
    ]);
    await scenario.close();
    scenario = undefined;
    expect(leakedSecrets(output, secrets)).toEqual([]);
  }
});

const secretTemplate = (destination: string, path: string, body: string, extra: Record<string, unknown> = {}) => ({
  destination: `/vault/secrets/${destination}`,
  contents: `{{- with secret "${path}" -}}${body}{{- end -}}`,
  left_delimiter: '{{',
  right_delimiter: '}}',
  ...extra,
});

function tempFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true }).map(String).filter((name) => name.includes('.tmp.'));
}

describe('agent templates (real process, Go engine, Vault double)', () => {
  it('istiod-style init: four PEM files from one KV v1 secret through a custom auth mount, then exit 0', async () => {
    scenario = await createScenario({ mount: 'istio-cluster-a' });
    const { vault, sandbox } = scenario;
    vault.enableKv('kv', 1);
    const pem = (label: string) => `-----BEGIN CERTIFICATE-----\nMIIB${label}QUFBQUFB\n-----END CERTIFICATE-----\n`;
    const certs = { 'ca-cert': pem('ca'), 'cert-chain': pem('chain'), key: '-----BEGIN PRIVATE KEY-----\nMIIEsecretkeymaterial\n-----END PRIVATE KEY-----\n', 'root-cert': pem('root') };
    vault.writeKv('kv/istio/cacerts', certs);
    vault.addPolicy('app', [{ path: 'kv/istio/*', capabilities: ['read'] }]);
    scenario.secrets.add('MIIEsecretkeymaterial');
    const config = injectorConfig(vault, true, {
      template: Object.keys(certs).map((name) => secretTemplate(`${name}.pem`, 'kv/istio/cacerts', `{{ index .Data "${name}" }}`, { perms: '0440' })),
    }, { mount_path: 'auth/istio-cluster-a' });
    const agent = startAgentInPod({ sandbox, config });
    scenario.agents.push(agent);
    expect(await agent.exited).toBe(0);
    for (const [name, value] of Object.entries(certs)) {
      const file = join(sandbox.secretsDir, `${name}.pem`);
      expect(readFileSync(file, 'utf8')).toBe(value);
      expect(statSync(file).mode & 0o777).toBe(0o440);
      expect(statSync(file).uid).toBe(POD_UID);
    }
    expect(vault.count('kv1.read')).toBe(1);
    expect(vault.requests().find((request) => request.endpoint === 'kubernetes.login')?.path).toBe('auth/istio-cluster-a/login');
    expect(tempFiles(sandbox.secretsDir)).toEqual([]);
  });

  it('KV v2 with the injector default "map" template prints data and metadata maps; Handlebars and scratch render from the same secret', async () => {
    scenario = await createScenario();
    const { vault, sandbox } = scenario;
    vault.enableKv('secret', 2);
    vault.writeKv('secret/app/config', { user: 'alice', password: 'kv2-pass-word' });
    vault.addPolicy('app', [{ path: 'secret/data/app/*', capabilities: ['read'] }]);
    scenario.secrets.add('kv2-pass-word');
    const config = injectorConfig(vault, true, {
      template: [
        {
          destination: '/vault/secrets/config',
          contents: '{{ with secret "secret/data/app/config" }}{{ range $k, $v := .Data }}{{ $k }}: {{ $v }}\n{{ end }}{{ end }}',
          left_delimiter: '{{',
          right_delimiter: '}}',
        },
        // Written without data/: the agent detects KV v2 and shims the path.
        secretTemplate('user', 'secret/app/config', '{{ .Data.data.user }}'),
        // Our extension: the same secret through the Handlebars engine.
        { destination: '/vault/secrets/user.hbs', contents: '{{#with (secret "secret/data/app/config")}}{{Data.data.user}}{{/with}}', engine: 'handlebars' },
        // consul-template's scratchpad, collecting a secret's keys.
        secretTemplate('keys', 'secret/data/app/config', '{{ range $k, $v := .Data.data }}{{ scratch.MapSet "keys" $k (toUpper $k) }}{{ end }}{{ scratch.MapValues "keys" }}'),
      ],
    });
    const agent = startAgentInPod({ sandbox, config });
    scenario.agents.push(agent);
    expect(await agent.exited).toBe(0);
    const lines = readFileSync(join(sandbox.secretsDir, 'config'), 'utf8').split('\n');
    expect(lines[0]).toBe('data: map[password:kv2-pass-word user:alice]');
    expect(lines[1]).toMatch(/^metadata: map\[created_time:\S+ custom_metadata:<nil> deletion_time: destroyed:false version:1\]$/);
    expect(lines[2]).toBe('');
    expect(readFileSync(join(sandbox.secretsDir, 'user'), 'utf8')).toBe('alice');
    expect(readFileSync(join(sandbox.secretsDir, 'user.hbs'), 'utf8')).toBe('alice');
    expect(readFileSync(join(sandbox.secretsDir, 'keys'), 'utf8')).toBe('[PASSWORD USER]');
    expect(vault.count('sys.internal-ui-mounts')).toBeGreaterThanOrEqual(1);
  });

  it('database credentials are renewed, then replaced at max TTL, and the file is never seen empty or partial', async () => {
    scenario = await createScenario();
    const { vault, sandbox } = scenario;
    vault.enableDatabase('database');
    vault.addDatabaseRole('database', 'app', { defaultTtlSeconds: 3, maxTtlSeconds: 8 });
    vault.addPolicy('app', [{ path: 'database/creds/app', capabilities: ['read'] }]);
    const config = injectorConfig(vault, false, {
      template: [secretTemplate('db', 'database/creds/app', 'postgres://{{ .Data.username }}:{{ .Data.password }}@db:5432/app')],
    });
    const agent = startAgentInPod({ sandbox, config });
    scenario.agents.push(agent);
    const file = join(sandbox.secretsDir, 'db');
    await vault.waitFor(() => existsSync(file), 10_000, 'the first render');
    const versions = new Set<string>();
    let bad = 0;
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline && versions.size < 2) {
      let text = '';
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        bad += 1;
      }
      if (!/^postgres:\/\/v-\S+:\S+@db:5432\/app$/.test(text)) bad += 1;
      versions.add(text);
      await sleep(2);
    }
    expect(bad).toBe(0);
    expect(versions.size).toBe(2);
    const issued = vault.credentials().filter((credential) => credential.kind === 'database');
    expect(issued.length).toBeGreaterThanOrEqual(2);
    expect(vault.lease(issued[0]!.leaseId)?.renewals).toBeGreaterThanOrEqual(2);
    expect(tempFiles(sandbox.secretsDir)).toEqual([]);
    agent.signal('SIGTERM');
    expect(await agent.exited).toBe(0);
  }, 40_000);

  it('503 (sealed) then 403 invalid token: the agent logs in again and keeps rendering with the new token', async () => {
    scenario = await createScenario();
    const { vault, sandbox } = scenario;
    vault.enableKv('secret', 2);
    vault.writeKv('secret/app', { value: 'before' });
    vault.addPolicy('app', [{ path: 'secret/data/app', capabilities: ['read'] }]);
    const config = injectorConfig(vault, false, {
      template: [secretTemplate('value', 'secret/data/app', '{{ .Data.data.value }}')],
      template_config: { exit_on_retry_failure: true, static_secret_render_interval: '1s' },
    });
    const agent = startAgentInPod({ sandbox, config });
    scenario.agents.push(agent);
    const file = join(sandbox.secretsDir, 'value');
    await vault.waitFor(() => existsSync(file) && readFileSync(file, 'utf8') === 'before', 10_000, 'the first render');
    const firstToken = scenario.sinkToken();
    vault.faults.sealed(true);
    await vault.waitFor(() => vault.requests().some((request) => request.status === 503), 10_000, 'a 503');
    await sleep(1500);
    vault.faults.sealed(false);
    vault.faults.forbidToken(firstToken, 'invalid-token');
    await vault.waitFor(() => vault.count('kubernetes.login') >= 2, 15_000, 'a second login');
    vault.writeKv('secret/app', { value: 'after' });
    await vault.waitFor(() => readFileSync(file, 'utf8') === 'after', 10_000, 'a render with the new token');
    expect(scenario.sinkToken()).not.toBe(firstToken);
    expect(agent.child.exitCode).toBeNull();
    agent.signal('SIGTERM');
    expect(await agent.exited).toBe(0);
  }, 40_000);

  it('an init that cannot read its secret exits non-zero and leaves nothing half-written', async () => {
    scenario = await createScenario();
    const { vault, sandbox } = scenario;
    vault.enableKv('kv', 1);
    vault.writeKv('kv/present', { value: 'complete-value' });
    vault.addPolicy('app', [{ path: 'kv/*', capabilities: ['read'] }]);
    const config = injectorConfig(
      vault,
      true,
      {
        template: [
          secretTemplate('present', 'kv/present', '{{ .Data.value }}'),
          secretTemplate('absent', 'kv/absent', '{{ .Data.value }}'),
        ],
      },
      { min_backoff: '100ms', max_backoff: '200ms' },
    );
    const agent = startAgentInPod({ sandbox, config });
    scenario.agents.push(agent);
    expect(await agent.exited).toBe(1);
    expect(agent.output()).toContain('no secret exists at kv/absent');
    expect(existsSync(join(sandbox.secretsDir, 'absent'))).toBe(false);
    const present = join(sandbox.secretsDir, 'present');
    if (existsSync(present)) expect(readFileSync(present, 'utf8')).toBe('complete-value');
    expect(tempFiles(sandbox.secretsDir)).toEqual([]);
    expect(vault.count('kv1.read')).toBeGreaterThanOrEqual(13);
  }, 30_000);

  it('configmap mode: HCL config with AppRole files from /vault/custom, env template, command after render', async () => {
    scenario = await createScenario();
    const { vault, sandbox } = scenario;
    vault.enableAuth('approle', 'approle');
    vault.addAppRole('approle', 'web', { roleId: 'role-id-1234', secretIds: ['secret-id-5678'], policies: ['app'] });
    vault.enableKv('kv', 1);
    vault.writeKv('kv/web', { api_key: 'api-key-value' });
    vault.addPolicy('app', [{ path: 'kv/*', capabilities: ['read'] }]);
    scenario.secrets.add('secret-id-5678');
    scenario.secrets.add('api-key-value');
    for (const [name, value] of [['role-id', 'role-id-1234'], ['secret-id', 'secret-id-5678']] as const) {
      writeFileSync(join(sandbox.customDir, name), `${value}\n`);
      chownSync(join(sandbox.customDir, name), POD_UID, POD_GID);
    }
    const hcl = `
"auto_auth" = {
  method "approle" {
    config = {
      role_id_file_path = "/vault/custom/role-id"
      secret_id_file_path = "/vault/custom/secret-id"
    }
  }
  sink "file" {
    config = {
      path = "/home/vault/.vault-token"
      mode = 0600
    }
  }
}
exit_after_auth = true
pid_file = "/home/vault/.pid"
vault {
  address = "${vault.address}"
}
template {
  destination = "/vault/secrets/env"
  contents = <<EOT
{{ with secret "kv/web" }}export API_KEY="{{ .Data.api_key }}"
export POD_NAMESPACE="{{ env "NAMESPACE" }}"{{ end }}
EOT
  perms = 0600
  command = "chmod 0700 /vault/secrets/env"
}
`;
    const agent = startAgentInPod({ sandbox, config: hcl, configFileName: 'config-init.hcl' });
    scenario.agents.push(agent);
    expect(await agent.exited).toBe(0);
    const env = join(sandbox.secretsDir, 'env');
    expect(readFileSync(env, 'utf8')).toBe('export API_KEY="api-key-value"\nexport POD_NAMESPACE="default"\n');
    expect(statSync(env).mode & 0o777).toBe(0o700);
    expect(statSync(join(sandbox.homeDir, '.vault-token')).mode & 0o777).toBe(0o600);
    expect(existsSync(join(sandbox.customDir, 'secret-id'))).toBe(false);
    expect(existsSync(join(sandbox.customDir, 'role-id'))).toBe(true);
  });

  it('PKI: secret writes with equal arguments share one certificate; pkiCert reuses the certificate in its file', async () => {
    scenario = await createScenario();
    const { vault, sandbox } = scenario;
    await vault.enablePki('pki');
    await vault.addPkiRole('pki', 'web', { ttlSeconds: 3600 });
    vault.addPolicy('app', [{ path: 'pki/issue/web', capabilities: ['update', 'create'] }]);
    const issue = '"pki/issue/web" "common_name=web.example.com" "ttl=1h"';
    const config = injectorConfig(vault, true, {
      template: [
        { destination: '/vault/secrets/tls.crt', contents: `{{ with secret ${issue} }}{{ .Data.certificate }}{{ end }}` },
        { destination: '/vault/secrets/tls.key', contents: `{{ with secret ${issue} }}{{ .Data.private_key }}{{ end }}` },
        { destination: '/vault/secrets/bundle.pem', contents: '{{ with pkiCert "pki/issue/web" "common_name=bundle.example.com" }}{{ .Cert }}{{ .Key }}{{ .CA }}{{ end }}' },
      ],
    });
    const init = startAgentInPod({ sandbox, config });
    scenario.agents.push(init);
    expect(await init.exited).toBe(0);
    const issued = vault.credentials().filter((credential) => credential.kind === 'pki');
    expect(issued).toHaveLength(2);
    const shared = issued.find((credential) => credential.commonName === 'web.example.com')!;
    expect(readFileSync(join(sandbox.secretsDir, 'tls.crt'), 'utf8')).toBe(shared.certificatePem.trimEnd());
    expect(readFileSync(join(sandbox.secretsDir, 'tls.key'), 'utf8')).toBe(shared.privateKeyPem.trimEnd());
    const bundle = readFileSync(join(sandbox.secretsDir, 'bundle.pem'), 'utf8');
    expect(bundle).toContain('BEGIN CERTIFICATE');
    expect(bundle).toContain('PRIVATE KEY');
    expect(bundle).toContain(vault.pkiCaPem('pki').trim());
    // A second start (the sidecar) issues the secret-write certificate again, but pkiCert finds its file current.
    const again = startAgentInPod({ sandbox, config });
    scenario.agents.push(again);
    expect(await again.exited).toBe(0);
    const afterRestart = vault.credentials().filter((credential) => credential.kind === 'pki');
    expect(afterRestart.filter((credential) => credential.commonName === 'bundle.example.com')).toHaveLength(1);
    expect(afterRestart.filter((credential) => credential.commonName === 'web.example.com')).toHaveLength(2);
    expect(readFileSync(join(sandbox.secretsDir, 'bundle.pem'), 'utf8')).toBe(bundle);
  });

  it('without exit_on_retry_failure a failing runner is rebuilt with backoff and renders once the secret appears', async () => {
    scenario = await createScenario();
    const { vault, sandbox } = scenario;
    vault.enableKv('kv', 1);
    vault.addPolicy('app', [{ path: 'kv/*', capabilities: ['read'] }]);
    const config = injectorConfig(
      vault,
      false,
      { template: [secretTemplate('late', 'kv/late', '{{ .Data.value }}')], template_config: { exit_on_retry_failure: false } },
      { min_backoff: '100ms', max_backoff: '200ms' },
    );
    const agent = startAgentInPod({ sandbox, config });
    scenario.agents.push(agent);
    await vault.waitFor(() => agent.output().includes('restarting the template runner'), 15_000, 'a runner restart');
    vault.writeKv('kv/late', { value: 'arrived' });
    const file = join(sandbox.secretsDir, 'late');
    await vault.waitFor(() => existsSync(file) && readFileSync(file, 'utf8') === 'arrived', 15_000, 'the late secret');
    expect(agent.child.exitCode).toBeNull();
    agent.signal('SIGTERM');
    expect(await agent.exited).toBe(0);
  }, 40_000);

  it('error_on_missing_key turns a missing key into a failed init', async () => {
    scenario = await createScenario();
    const { vault, sandbox } = scenario;
    vault.enableKv('kv', 1);
    vault.writeKv('kv/app', { present: 'yes-value' });
    vault.addPolicy('app', [{ path: 'kv/*', capabilities: ['read'] }]);
    const config = injectorConfig(vault, true, {
      template: [
        secretTemplate('lenient', 'kv/app', '{{ .Data.absent }}'),
        secretTemplate('strict', 'kv/app', '{{ .Data.absent }}', { error_on_missing_key: true }),
      ],
    });
    const agent = startAgentInPod({ sandbox, config });
    scenario.agents.push(agent);
    expect(await agent.exited).toBe(1);
    expect(agent.output()).toContain('map has no entry for key');
    expect(existsSync(join(sandbox.secretsDir, 'strict'))).toBe(false);
  });

  // Issue 10: a template cannot run the agent out of time or memory. The budgets come from the
  // agent's environment (docs/agent.md "Limits") and the failure names the template's destination.
  it('template budgets: a huge loop fails at once, naming the destination; the env variables move both budgets', async () => {
    scenario = await createScenario();
    const { vault, sandbox } = scenario;
    vault.enableKv('kv', 1);
    vault.writeKv('kv/app', { word: 'budget-value' });
    vault.addPolicy('app', [{ path: 'kv/*', capabilities: ['read'] }]);
    scenario.secrets.add('budget-value');
    const loopConfig = injectorConfig(vault, true, { template: [secretTemplate('loop', 'kv/app', '{{ range loop 2000000000 }}x{{ end }}')] });
    const looping = startAgentInPod({ sandbox, config: loopConfig });
    scenario.agents.push(looping);
    expect(await looping.exited).toBe(1);
    expect(looping.output()).toMatch(/template \/vault\/secrets\/loop: [^\n]*step budget exceeded \(more than 2000000 steps/);
    expect(existsSync(join(sandbox.secretsDir, 'loop'))).toBe(false);

    // 300 iterations fit the default budget but not VAULT_AGENT_TEMPLATE_MAX_STEPS=100.
    const smallLoop = injectorConfig(vault, true, { template: [secretTemplate('small', 'kv/app', '{{ range loop 300 }}{{ end }}ok')] });
    const stepped = startAgentInPod({ sandbox, config: smallLoop, env: { VAULT_AGENT_TEMPLATE_MAX_STEPS: '100' } });
    scenario.agents.push(stepped);
    expect(await stepped.exited).toBe(1);
    expect(stepped.output()).toMatch(/template \/vault\/secrets\/small: [^\n]*more than 100 steps/);

    // 2 KiB of output is over VAULT_AGENT_TEMPLATE_MAX_OUTPUT_BYTES=1024; nothing is written.
    const wide = injectorConfig(vault, true, { template: [secretTemplate('wide', 'kv/app', '{{ $word := .Data.word }}{{ range loop 256 }}{{ $word }}{{ end }}')] });
    const capped = startAgentInPod({ sandbox, config: wide, env: { VAULT_AGENT_TEMPLATE_MAX_OUTPUT_BYTES: '1024' } });
    scenario.agents.push(capped);
    expect(await capped.exited).toBe(1);
    expect(capped.output()).toMatch(/template \/vault\/secrets\/wide: [^\n]*output limit exceeded \(more than 1024 bytes/);
    expect(existsSync(join(sandbox.secretsDir, 'wide'))).toBe(false);

    // The same template renders with the default budgets.
    const fine = startAgentInPod({ sandbox, config: smallLoop });
    scenario.agents.push(fine);
    expect(await fine.exited).toBe(0);
    expect(readFileSync(join(sandbox.secretsDir, 'small'), 'utf8')).toBe('ok');
  }, 40_000);

  it('a malformed budget variable stops the agent with an error naming it', async () => {
    scenario = await createScenario();
    const { vault, sandbox } = scenario;
    const config = injectorConfig(vault, true, { template: [secretTemplate('x', 'kv/app', 'x')] });
    const agent = startAgentInPod({ sandbox, config, env: { VAULT_AGENT_TEMPLATE_MAX_STEPS: 'lots' } });
    scenario.agents.push(agent);
    expect(await agent.exited).toBe(1);
    expect(agent.output()).toMatch(/agent cannot start: [^\n]*VAULT_AGENT_TEMPLATE_MAX_STEPS: expected a positive integer, got \\*"lots/);
  });
});
