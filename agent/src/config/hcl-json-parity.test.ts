// Everything accepted in HCL is accepted in JSON and vice versa: for each feature, the HCL form
// (through HashiCorp's HCL1 parser) and the JSON form give the same AgentConfig.
import { parseHcl } from './parse-config-text.js';
import { validateAgentConfig } from './validate-agent-config.js';

const AUTH_HCL = 'auto_auth {\n  method "kubernetes" {\n    config = { role = "app" }\n  }\n}\n';
const AUTH_JSON = { auto_auth: { method: { type: 'kubernetes', config: { role: 'app' } } } };

const CASES: readonly (readonly [string, string, Record<string, unknown>])[] = [
  [
    'process supervisor: env_template and exec',
    `${AUTH_HCL}
env_template "DB_PASSWORD" {
  contents = "[[ with secret \\"secret/data/db\\" ]][[ .Data.data.password ]][[ end ]]"
  left_delimiter = "[["
  right_delimiter = "]]"
  error_on_missing_key = true
}
env_template "DB_USER" {
  source = "/etc/user.ctmpl"
}
exec {
  command = ["/app", "--serve"]
  restart_on_secret_changes = "never"
  restart_stop_signal = "SIGINT"
  child_process_stdout = "/var/log/app.out"
}`,
    {
      ...AUTH_JSON,
      env_template: {
        DB_PASSWORD: { contents: '[[ with secret "secret/data/db" ]][[ .Data.data.password ]][[ end ]]', left_delimiter: '[[', right_delimiter: ']]', error_on_missing_key: true },
        DB_USER: { source: '/etc/user.ctmpl' },
      },
      exec: { command: ['/app', '--serve'], restart_on_secret_changes: 'never', restart_stop_signal: 'SIGINT', child_process_stdout: '/var/log/app.out' },
    },
  ],
  [
    'template wait, user/group, uid/gid, delimiters; template_config wait',
    `${AUTH_HCL}
template_config {
  wait {
    min = "1s"
  }
}
template {
  destination = "/a"
  contents = "<% 1 %>"
  left_delimiter = "<%"
  right_delimiter = "%>"
  user = "app"
  group = "web"
  wait {
    min = "2s"
    max = "9s"
  }
}
template {
  destination = "/b"
  contents = "x"
  uid = 10
  gid = 20
}`,
    {
      ...AUTH_JSON,
      template_config: { wait: { min: '1s' } },
      template: [
        { destination: '/a', contents: '<% 1 %>', left_delimiter: '<%', right_delimiter: '%>', user: 'app', group: 'web', wait: { min: '2s', max: '9s' } },
        { destination: '/b', contents: 'x', uid: 10, gid: 20 },
      ],
    },
  ],
  [
    'telemetry and listeners (metrics_only, agent_api)',
    `${AUTH_HCL}
cache {
  use_auto_auth_token = "force"
}
telemetry {
  prometheus_retention_time = "1h"
  disable_hostname = true
  enable_hostname_label = false
}
listener "tcp" {
  address = "127.0.0.1:8200"
  tls_disable = true
  agent_api {
    enable_quit = true
  }
}
listener "tcp" {
  address = "0.0.0.0:9102"
  tls_disable = true
  role = "metrics_only"
}`,
    {
      ...AUTH_JSON,
      cache: { use_auto_auth_token: 'force' },
      telemetry: { prometheus_retention_time: '1h', disable_hostname: true, enable_hostname_label: false },
      listener: [
        { type: 'tcp', address: '127.0.0.1:8200', tls_disable: true, agent_api: { enable_quit: true } },
        { type: 'tcp', address: '0.0.0.0:9102', tls_disable: true, role: 'metrics_only' },
      ],
    },
  ],
  [
    'old and misplaced keys (warnings)',
    `auto_auth {
  exit_on_err = true
  method "kubernetes" {
    config = { role = "app" }
  }
  sink "file" {
    config = { path = "/t" }
  }
}
vault {
  retry {
    backoff = "1s"
  }
}`,
    {
      auto_auth: { exit_on_err: true, method: { type: 'kubernetes', config: { role: 'app' } }, sink: [{ type: 'file', config: { path: '/t' } }] },
      vault: { retry: { backoff: '1s' } },
    },
  ],
];

describe('HCL and JSON accept the same configs', () => {
  it.each(CASES)('%s', async (_name, hcl, json) => {
    const fromHcl = validateAgentConfig(await parseHcl(hcl, 'agent.hcl'));
    expect(fromHcl).toEqual(validateAgentConfig(json));
  }, 20_000);

  it('the features read as intended (spot checks on the JSON side)', () => {
    const [, , supervisor] = CASES[0]!;
    const config = validateAgentConfig(supervisor);
    expect(config.envTemplates.map((template) => [template.environmentVariable, template.leftDelimiter])).toEqual([['DB_PASSWORD', '[['], ['DB_USER', '{{']]);
    expect(config.exec).toEqual({ command: ['/app', '--serve'], restartOnSecretChanges: 'never', restartStopSignal: 'SIGINT', childProcessStdout: '/var/log/app.out', childProcessStderr: undefined });
    const [, , templates] = CASES[1]!;
    const withWait = validateAgentConfig(templates);
    expect(withWait.templates.map((template) => [template.wait, template.user, template.group])).toEqual([
      [{ minMs: 2000, maxMs: 9000 }, 'app', 'web'],
      [{ minMs: 1000, maxMs: 4000 }, '10', '20'],
    ]);
  });
});
