// Keys Vault Agent does not know load with one warning each, naming the key's path, from HCL and
// JSON alike; invalid values of known keys stay fatal and are all listed at once.
import { parseHcl } from './parse-config-text.js';
import { AgentConfigError, validateAgentConfig } from './validate-agent-config.js';

const HCL = `
pid_file = "/home/vault/.pid"
colour = "blue"
auto_auth {
  exit_on_err = true
  method "kubernetes" {
    mount_path = "auth/kubernetes"
    config = { role = "app" }
  }
  sink "file" {
    config = { path = "/home/vault/.vault-token" }
  }
}
vault {
  address = "https://vault:8200"
  retry {
    num_retries = 3
    backoff = "1s"
  }
}
sink "file" {
  config = { path = "/tmp/misplaced" }
}
template_config {
  exit_on_retry_failure = true
  splay = "5s"
}
`;

const JSON_CONFIG = {
  pid_file: '/home/vault/.pid',
  colour: 'blue',
  auto_auth: {
    exit_on_err: true,
    method: { type: 'kubernetes', mount_path: 'auth/kubernetes', config: { role: 'app' } },
    sink: [{ type: 'file', config: { path: '/home/vault/.vault-token' } }],
  },
  vault: { address: 'https://vault:8200', retry: { num_retries: 3, backoff: '1s' } },
  sink: { file: { config: { path: '/tmp/misplaced' } } },
  template_config: { exit_on_retry_failure: true, splay: '5s' },
};

const EXPECTED_WARNINGS = [
  'colour is not a Vault Agent setting and is ignored',
  'sink is not a Vault Agent setting and is ignored',
  'auto_auth.exit_on_err is not a Vault Agent setting and is ignored',
  'template_config.splay is not a Vault Agent setting and is ignored',
  'vault.retry.backoff is not a Vault Agent setting and is ignored',
];

function problemsOf(raw: unknown): readonly string[] {
  try {
    validateAgentConfig(raw);
    return [];
  } catch (error) {
    if (error instanceof AgentConfigError) return error.problems;
    throw error;
  }
}

describe('unknown keys', () => {
  it('HCL: old and misplaced keys load, one warning per key naming its path', async () => {
    const config = validateAgentConfig(await parseHcl(HCL, 'agent.hcl'));
    expect([...config.warnings].sort()).toEqual([...EXPECTED_WARNINGS].sort());
    expect(config.autoAuth?.method.type).toBe('kubernetes');
    expect(config.vault.retry.numRetries).toBe(3);
    expect(config.templateConfig.exitOnRetryFailure).toBe(true);
  });

  it('JSON: the same keys give the same warnings', () => {
    const config = validateAgentConfig(JSON_CONFIG);
    expect([...config.warnings].sort()).toEqual([...EXPECTED_WARNINGS].sort());
  });

  it('warns once per key even when a key repeats in several blocks', () => {
    const config = validateAgentConfig({
      ...JSON_CONFIG,
      colour: undefined,
      sink: undefined,
      listener: [
        { type: 'tcp', address: '127.0.0.1:8100', tls_disable: true, shiny: true },
        { type: 'tcp', address: '127.0.0.1:8101', tls_disable: true, shiny: true },
      ],
    });
    expect(config.warnings.filter((warning) => warning.includes('shiny'))).toEqual([
      'listener[0].shiny is not a Vault Agent setting and is ignored',
      'listener[1].shiny is not a Vault Agent setting and is ignored',
    ]);
  });

  it('invalid values of known keys stay fatal, every one listed, unknown keys only warned', () => {
    const problems = problemsOf({
      ...JSON_CONFIG,
      exit_after_auth: 'sometimes',
      vault: { address: 'https://vault:8200', retry: { num_retries: 'many', backoff: '1s' } },
      template_config: { static_secret_render_interval: 'soon', splay: '5s' },
    });
    expect(problems).toEqual([
      'template_config.static_secret_render_interval: time: invalid duration "soon"',
      'config.exit_after_auth: strconv.ParseBool: parsing "sometimes": invalid syntax',
      'vault.retry.num_retries: expected an integer, got string "many"',
    ]);
  });

  it('template stanzas refuse unknown keys, as Vault Agent does (mapstructure ErrorUnused)', async () => {
    const hcl = await parseHcl('auto_auth { method "kubernetes" { config = { role = "r" } } }\ntemplate {\n destination = "/a"\n contents = "x"\n colour = "red"\n}\n', 'c.hcl');
    const json = { auto_auth: { method: { type: 'kubernetes', config: { role: 'r' } } }, template: [{ destination: '/a', contents: 'x', colour: 'red' }] };
    for (const raw of [hcl, json]) {
      expect(problemsOf(raw)).toEqual(['template[0].colour: unknown template key (Vault Agent refuses it too: template stanzas allow no unknown keys)']);
    }
  });

  it('a listener reads tls_min_version/tls_max_version (default tls12/tls13) with listenerutil\'s checks', () => {
    const listener = { type: 'tcp', address: '127.0.0.1:8443', tls_cert_file: '/c', tls_key_file: '/k' };
    expect(validateAgentConfig({ ...JSON_CONFIG, listener: [listener] }).listeners[0]?.tlsVersions).toEqual({ min: 'TLSv1.2', max: 'TLSv1.3' });
    expect(validateAgentConfig({ ...JSON_CONFIG, listener: [{ ...listener, tls_min_version: 'tls13' }] }).listeners[0]?.tlsVersions).toEqual({ min: 'TLSv1.3', max: 'TLSv1.3' });
    expect(validateAgentConfig({ ...JSON_CONFIG, listener: [{ ...listener, tls_min_version: 'tls10', tls_max_version: 'tls12' }] }).listeners[0]?.tlsVersions).toEqual({ min: 'TLSv1', max: 'TLSv1.2' });
    expect(validateAgentConfig({ ...JSON_CONFIG, listener: [{ ...listener, tls_disable: true, tls_min_version: 'ssl3' }] }).listeners[0]?.tlsVersions).toBeUndefined();
    expect(problemsOf({ ...JSON_CONFIG, listener: [{ ...listener, tls_min_version: 'TLS1.3' }] })).toEqual([
      'listener[0].tls_min_version: \'tls_min_version\' value "TLS1.3" not supported, please specify one of [tls10,tls11,tls12,tls13]',
    ]);
    expect(problemsOf({ ...JSON_CONFIG, listener: [{ ...listener, tls_min_version: 'tls13', tls_max_version: 'tls12' }] })).toEqual([
      "listener[0].tls_max_version: 'tls_max_version' must be greater than or equal to 'tls_min_version'",
    ]);
  });

  it('a listener reads client-certificate verification; combined with tls_disable_client_certs it is refused, as in Vault', () => {
    const listener = { type: 'tcp', address: '127.0.0.1:8443', tls_cert_file: '/c', tls_key_file: '/k', tls_require_and_verify_client_cert: true, tls_client_ca_file: '/ca', tls_min_version: 'tls12' };
    expect(validateAgentConfig({ ...JSON_CONFIG, listener: [listener] }).listeners[0]?.clientCertificates).toEqual({ caFile: '/ca' });
    expect(validateAgentConfig({ ...JSON_CONFIG, listener: [{ ...listener, tls_client_ca_file: '' }] }).listeners[0]?.clientCertificates).toEqual({ caFile: undefined });
    // Without TLS (or without the switch) nothing is verified, as go-secure-stdlib's listenerutil.TLSConfig.
    expect(validateAgentConfig({ ...JSON_CONFIG, listener: [{ ...listener, tls_disable: true }] }).listeners[0]?.clientCertificates).toBeUndefined();
    expect(validateAgentConfig({ ...JSON_CONFIG, listener: [{ ...listener, tls_require_and_verify_client_cert: false }] }).listeners[0]?.clientCertificates).toBeUndefined();
    expect(problemsOf({ ...JSON_CONFIG, listener: [{ ...listener, tls_disable_client_certs: true }] })).toEqual([
      "listener[0].tls_disable_client_certs: 'tls_disable_client_certs' and 'tls_require_and_verify_client_cert' are mutually exclusive",
    ]);
  });
});
