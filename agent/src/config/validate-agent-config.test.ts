import { parseHcl } from './parse-config-text.js';
import { AgentConfigError, validateAgentConfig } from './validate-agent-config.js';
import { decodeDurationMs, decodeFileMode } from './config-values.js';

const injectorInit = {
  auto_auth: {
    method: { type: 'kubernetes', mount_path: 'auth/istio', config: { role: 'istiod', token_path: '/var/run/secrets/kubernetes.io/serviceaccount/token' } },
    sink: [{ type: 'file', config: { path: '/home/vault/.vault-token' } }],
  },
  exit_after_auth: true,
  pid_file: '/home/vault/.pid',
  vault: { address: 'https://vault.vault.svc:8200' },
  template: [
    { destination: '/vault/secrets/ca', contents: '{{ with secret "kv/ca" }}{{ .Data.ca }}{{ end }}', left_delimiter: '{{', right_delimiter: '}}', perms: '0400' },
  ],
  template_config: { exit_on_retry_failure: true, static_secret_render_interval: '10s' },
};

describe('validateAgentConfig', () => {
  it('reads the injector JSON into typed settings', () => {
    const config = validateAgentConfig(injectorInit);
    expect(config.exitAfterAuth).toBe(true);
    expect(config.autoAuth?.method).toMatchObject({ type: 'kubernetes', mountPath: 'auth/istio', exitOnError: false });
    expect(config.autoAuth?.method.config.role).toBe('istiod');
    expect(config.autoAuth?.sinks).toEqual([{ path: '/home/vault/.vault-token', mode: 0o640, wrapTtl: undefined }]);
    expect(config.templates[0]).toMatchObject({ destination: '/vault/secrets/ca', perms: 0o400, engine: 'go', createDestDirs: true });
    expect(config.templateConfig).toEqual({
      exitOnRetryFailure: true,
      staticSecretRenderIntervalMs: 10_000,
      maxConnectionsPerHost: 10,
      leaseRenewalThreshold: 0.9,
    });
    expect(config.vault.retry.numRetries).toBe(12);
    expect(config.pidFile).toBe('/home/vault/.pid');
  });

  it('reads ready_file (the native-sidecar extension) and insists on an absolute path', () => {
    expect(validateAgentConfig(injectorInit).readyFile).toBeUndefined();
    expect(validateAgentConfig({ ...injectorInit, ready_file: '/home/vault/.vault-agent-ready' }).readyFile).toBe('/home/vault/.vault-agent-ready');
    expect(() => validateAgentConfig({ ...injectorInit, ready_file: 'ready' })).toThrow('ready_file: must be an absolute path, got "ready"');
  });

  it('reads env_restart (vault-injector extension) with its defaults, and rejects a relative directory or unknown key', () => {
    const config = validateAgentConfig({ ...injectorInit, env_restart: [{ directory: '/vault/env/app/' }, { directory: '/vault/env/w', debounce: '1s', min_interval: '2m' }] });
    expect(config.envRestart).toEqual([
      { directory: '/vault/env/app', debounceMs: 5_000, minIntervalMs: 30_000 },
      { directory: '/vault/env/w', debounceMs: 1_000, minIntervalMs: 120_000 },
    ]);
    expect(validateAgentConfig(injectorInit).envRestart).toEqual([]);
    expect(() => validateAgentConfig({ ...injectorInit, env_restart: [{ directory: 'env', delay: '1s' }] })).toThrow(
      /env_restart\[0\]\.delay: unknown key[\s\S]*env_restart\[0\]\.directory: must be an absolute path/,
    );
  });

  it('defaults the mount path to auth/<type> and trims a trailing slash', () => {
    const base = { ...injectorInit, auto_auth: { ...injectorInit.auto_auth, method: { type: 'kubernetes', config: { role: 'r' } } } };
    expect(validateAgentConfig(base).autoAuth?.method.mountPath).toBe('auth/kubernetes');
    const slashed = { ...base, auto_auth: { ...base.auto_auth, method: { type: 'kubernetes', mount_path: 'auth/k8s/', config: { role: 'r' } } } };
    expect(validateAgentConfig(slashed).autoAuth?.method.mountPath).toBe('auth/k8s');
  });

  it('lists every problem in one error', () => {
    const broken = {
      auto_auth: { method: { type: 'github', colour: 'red', config: {} }, sink: [{ type: 'file', config: {} }] },
      template: [{ destination: '', contents: 'x', source: '/y', perms: 'rw', engine: 'jinja' }],
      template_config: { exit_on_retry_failure: 'maybe' },
      vault: { adress: 'x' },
      surprise: 1,
    };
    let error: unknown;
    try {
      validateAgentConfig(broken);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(AgentConfigError);
    const problems = (error as AgentConfigError).problems;
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('auto_auth.method.type: unknown auth method "github"'),
        'auto_auth.sink[0].config.path: is required',
        'template[0].destination: is required',
        'template[0]: contents and source are mutually exclusive',
        expect.stringContaining('template[0].perms: invalid file mode'),
        expect.stringContaining('template[0].engine: unknown engine "jinja"'),
        expect.stringContaining('template_config.exit_on_retry_failure: strconv.ParseBool'),
      ]),
    );
    // Keys Vault Agent does not know are not problems: they are warnings (see 'unknown keys' below).
    expect(problems.join('\n')).not.toMatch(/surprise|colour|adress/);
    expect((error as Error).message).toContain(`${problems.length} problems`);
  });

  it('requires exactly one auth method and a sink or template', () => {
    expect(() => validateAgentConfig({ auto_auth: { method: [{ type: 'kubernetes', config: { role: 'a' } }, { type: 'jwt' }] } })).toThrow(
      /exactly one method is required, found 2[\s\S]*needs at least one sink/,
    );
  });

  it('maps num_retries 0 to 12 and -1 to none', () => {
    expect(validateAgentConfig({ ...injectorInit, vault: { retry: { num_retries: -1 } } }).vault.retry.numRetries).toBe(0);
    expect(validateAgentConfig({ ...injectorInit, vault: { retry: { num_retries: 3 } } }).vault.retry.numRetries).toBe(3);
  });

  it('reads command strings, lists and exec blocks with timeouts', () => {
    const withCommands = {
      ...injectorInit,
      template: [
        { destination: '/a', contents: 'a', command: 'chmod +x /a' },
        { destination: '/b', contents: 'b', command: ['touch', '/c'], command_timeout: '5s' },
        { destination: '/c', contents: 'c', exec: { command: ['true'], timeout: 7 } },
      ],
    };
    const config = validateAgentConfig(withCommands);
    expect(config.templates.map((template) => template.command)).toEqual([
      { command: 'chmod +x /a', timeoutMs: 30_000 },
      { command: ['touch', '/c'], timeoutMs: 5_000 },
      { command: 'true', timeoutMs: 7_000 },
    ]);
  });

  it('reads the cache and quit listener the injector emits', () => {
    const config = validateAgentConfig({
      ...injectorInit,
      listener: [{ type: 'tcp', address: '127.0.0.1:8200', tls_disable: true, agent_api: { enable_quit: true } }],
      cache: { use_auto_auth_token: 'true', persist: { type: 'kubernetes', path: '/vault/agent-cache' } },
      telemetry: { prefix_filter: ['+vault'] },
    });
    expect(config.listeners).toEqual([
      { type: 'tcp', address: '127.0.0.1:8200', tlsDisable: true, tlsCertFile: undefined, tlsKeyFile: undefined, requireRequestHeader: false, enableQuit: true, role: 'default' },
    ]);
    expect(config.useAutoAuthToken).toBe(true);
    expect(config.cacheEnabled).toBe(true);
    expect(config.ignored).toEqual([]);
    expect(config.telemetry).toEqual({ prometheusRetentionMs: 24 * 3_600_000, disableHostname: false, enableHostnameLabel: false });
    expect(config.persist).toEqual({
      type: 'kubernetes',
      path: '/vault/agent-cache',
      keepAfterImport: false,
      exitOnError: false,
      serviceAccountTokenFile: undefined,
    });
    expect(validateAgentConfig({ ...injectorInit, cache: { use_auto_auth_token: 'force' }, listener: { type: 'tcp', tls_disable: true } }).useAutoAuthToken).toBe('force');
  });
});

describe('encrypted sinks', () => {
  const withSink = (sink: Record<string, unknown>) => ({ auto_auth: { method: { type: 'kubernetes', config: { role: 'r' } }, sink: [{ type: 'file', config: { path: '/t' }, ...sink }] } });
  const problemsOf = (sink: Record<string, unknown>, env: Record<string, string> = {}): readonly string[] => {
    try {
      validateAgentConfig(withSink(sink), (name) => env[name]);
    } catch (error) {
      if (error instanceof AgentConfigError) return error.problems;
      throw error;
    }
    return [];
  };

  it('reads dh_type, dh_path, derive_key and aad; aad_env_var is read from the environment and wins', () => {
    expect(validateAgentConfig(withSink({ dh_type: 'curve25519', dh_path: '/k.json', derive_key: true, aad: 'a' })).autoAuth?.sinks[0]?.encryption).toEqual({ dhPath: '/k.json', deriveKey: true, aad: 'a' });
    const fromEnv = validateAgentConfig(withSink({ dh_type: 'curve25519', dh_path: '/k.json', aad: 'a', aad_env_var: 'POD_AAD' }), (name) => (name === 'POD_AAD' ? 'from-env' : undefined));
    expect(fromEnv.autoAuth?.sinks[0]?.encryption).toEqual({ dhPath: '/k.json', deriveKey: false, aad: 'from-env' });
    expect(validateAgentConfig(withSink({})).autoAuth?.sinks[0]?.encryption).toBeUndefined();
  });

  it('refuses what Vault refuses, naming the key', () => {
    expect(problemsOf({ dh_type: 'p256', dh_path: '/k' })).toEqual(['auto_auth.sink[0].dh_type: invalid value for \'dh_type\' "p256" (supported: curve25519)']);
    expect(problemsOf({ dh_type: 'curve25519' })).toEqual(["auto_auth.sink[0].dh_type: 'dh_type' and 'dh_path' must be specified together"]);
    expect(problemsOf({ dh_path: '/k' })).toEqual(["auto_auth.sink[0].dh_type: 'dh_type' and 'dh_path' must be specified together"]);
    expect(problemsOf({ aad: 'x' })).toEqual(["auto_auth.sink[0].aad: specifying AAD data without 'dh_type' does not make sense"]);
    expect(problemsOf({ derive_key: true })).toEqual(["auto_auth.sink[0].derive_key: specifying 'derive_key' data without 'dh_type' does not make sense"]);
    // An aad_env_var naming an unset variable is no AAD, as in Vault.
    expect(problemsOf({ aad_env_var: 'UNSET' })).toEqual([]);
    expect(problemsOf({ aad_env_var: 'SET' }, { SET: 'v' })).toEqual(["auto_auth.sink[0].aad: specifying AAD data without 'dh_type' does not make sense"]);
  });
});

describe('unix listener socket permissions', () => {
  const unix = (extra: Record<string, unknown>) =>
    validateAgentConfig({ ...injectorInit, listener: [{ type: 'unix', address: '/run/vault/agent.sock', tls_disable: true, ...extra }] }).listeners[0];

  it('reads socket_mode, socket_user and socket_group when all three are set', () => {
    expect(unix({ socket_mode: '0660', socket_user: '1000', socket_group: 'vault' })?.socket).toEqual({ mode: 0o660, user: '1000', group: 'vault' });
  });

  it('leaves the socket as created unless all three are set, as Vault Agent does', () => {
    expect(unix({ socket_mode: '0660', socket_user: '1000' })?.socket).toBeUndefined();
    expect(unix({})?.socket).toBeUndefined();
  });

  it('refuses a mode that is not octal, naming the key', () => {
    expect(() => unix({ socket_mode: 'rw-rw----', socket_user: '1000', socket_group: '1000' })).toThrow('listener[0].socket_mode');
  });
});

describe('cache.persist', () => {
  it('is undefined without a persist block, and reads every key', () => {
    expect(validateAgentConfig({ ...injectorInit, cache: { use_auto_auth_token: 'true' } }).persist).toBeUndefined();
    const persist = validateAgentConfig({
      ...injectorInit,
      cache: { persist: { type: 'kubernetes', path: '/vault/agent-cache', exit_on_err: 'true', keep_after_import: true, service_account_token_file: '/sa/token' } },
    }).persist;
    expect(persist).toEqual({ type: 'kubernetes', path: '/vault/agent-cache', keepAfterImport: true, exitOnError: true, serviceAccountTokenFile: '/sa/token' });
  });

  it('lists every problem: type, path, unknown keys, wrapped auto-auth', () => {
    let error: unknown;
    try {
      validateAgentConfig({
        ...injectorInit,
        auto_auth: { ...injectorInit.auto_auth, method: { ...injectorInit.auto_auth.method, wrap_ttl: '5m' } },
        cache: { persist: { type: 'bolt', colour: 'red' } },
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(AgentConfigError);
    expect((error as AgentConfigError).problems).toEqual(expect.arrayContaining([
      'cache.persist.type: unsupported persistent cache type "bolt" (supported: kubernetes)',
      'cache.persist.path: is required',
      'cache.persist: cannot be used with a wrapped auto-auth token',
    ]));
  });

  it('reads the labelled HCL block persist "kubernetes" {}', async () => {
    const parsed = await parseHcl(
      'auto_auth { method "kubernetes" { config = { role = "r" } } }\ntemplate {\n destination = "/a"\n contents = "x"\n}\ncache {\n persist "kubernetes" {\n  path = "/vault/agent-cache"\n  exit_on_err = true\n }\n}\n',
      'c.hcl',
    );
    expect(validateAgentConfig(parsed).persist).toMatchObject({ type: 'kubernetes', path: '/vault/agent-cache', exitOnError: true, keepAfterImport: false });
  });
});

describe('HCL1 configs (configmap mode)', () => {
  const hcl = `
"auto_auth" = {
  method "kubernetes" {
    mount_path = "auth/k8s"
    config = {
      role = "app"
    }
  }
  sink "file" {
    config = {
      path = "/home/vault/.vault-token"
      mode = 0600
    }
  }
  sinks {
    sink {
      type = "file"
      config = { path = "/vault/secrets/token" }
    }
  }
}
exit_after_auth = false
pid_file = "/home/vault/.pid"
vault { address = "https://vault:8200" }
template {
  destination = "/vault/secrets/a"
  contents = <<EOT
{{ with secret "secret/a" }}{{ .Data.x }}{{ end }}
EOT
  perms = "0600"
}
template {
  destination = "/vault/secrets/b"
  source = "/vault/configs/b.tpl"
  perms = 0640
  error_on_missing_key = true
}
listener "tcp" {
  address = "127.0.0.1:8100"
  tls_disable = true
  agent_api { enable_quit = true }
}
cache { use_auto_auth_token = true }
template_config { static_secret_render_interval = "30s" }
`;

  it('parses labelled blocks, quoted keys, heredocs, octal numbers and sinks{}', async () => {
    const config = validateAgentConfig(await parseHcl(hcl, 'config.hcl'));
    expect(config.autoAuth?.method).toMatchObject({ type: 'kubernetes', mountPath: 'auth/k8s', config: { role: 'app' } });
    expect(config.autoAuth?.sinks.map((sink) => [sink.path, sink.mode])).toEqual([
      ['/home/vault/.vault-token', 0o600],
      ['/vault/secrets/token', 0o640],
    ]);
    expect(config.templates.map((template) => [template.destination, template.perms, template.contents, template.source])).toEqual([
      ['/vault/secrets/a', 0o600, '{{ with secret "secret/a" }}{{ .Data.x }}{{ end }}\n', undefined],
      ['/vault/secrets/b', 0o640, undefined, '/vault/configs/b.tpl'],
    ]);
    expect(config.templates[1]?.errorOnMissingKey).toBe(true);
    expect(config.listeners[0]).toMatchObject({ address: '127.0.0.1:8100', enableQuit: true });
    expect(config.useAutoAuthToken).toBe(true);
    expect(config.templateConfig.staticSecretRenderIntervalMs).toBe(30_000);
  });

  it('reports HCL syntax errors with a position', async () => {
    await expect(parseHcl('vault {\n address = "x"\n', 'bad.hcl')).rejects.toThrow(/bad\.hcl: invalid HCL: At 3:\d+: object expected closing RBRACE/);
  });

  it('rejects unknown keys inside template blocks', async () => {
    const parsed = await parseHcl('auto_auth { method "kubernetes" { config = { role = "r" } } }\ntemplate {\n destination = "/a"\n contents = "x"\n colour = "red"\n}\n', 'c.hcl');
    expect(() => validateAgentConfig(parsed)).toThrow(/template\[0\]\.colour: unknown template key \(Vault Agent refuses it too/);
  });
});

describe('config values', () => {
  it('decodes durations as Vault does', () => {
    expect(decodeDurationMs('5m')).toEqual({ ok: true, value: 300_000 });
    expect(decodeDurationMs(30)).toEqual({ ok: true, value: 30_000 });
    expect(decodeDurationMs('45')).toEqual({ ok: true, value: 45_000 });
    expect(decodeDurationMs('2d')).toEqual({ ok: true, value: 172_800_000 });
    expect(decodeDurationMs('1h30m')).toEqual({ ok: true, value: 5_400_000 });
    expect(decodeDurationMs('soon').ok).toBe(false);
  });

  it('decodes file modes from octal strings and numbers', () => {
    expect(decodeFileMode('0400')).toEqual({ ok: true, value: 0o400 });
    expect(decodeFileMode('644')).toEqual({ ok: true, value: 0o644 });
    expect(decodeFileMode(384)).toEqual({ ok: true, value: 0o600 });
    expect(decodeFileMode('0999').ok).toBe(false);
  });
});
