import { decodeIfStandardBase64, parseSettings, settingsUsage } from './parse-settings.js';
import type { Settings } from './settings.js';
import { FLAG_DEFINITIONS } from './flag-definitions.js';

const VAULT = '-vault-address=https://vault:8200';

function settingsOf(args: readonly string[], env: Record<string, string> = {}): Settings {
  const result = parseSettings(args, env);
  if (result.kind !== 'settings') throw new Error(`expected settings, got ${JSON.stringify(result)}`);
  return result.settings;
}

function problemsOf(args: readonly string[], env: Record<string, string> = {}): readonly string[] {
  const result = parseSettings(args, env);
  if (result.kind !== 'problems') throw new Error(`expected problems, got ${JSON.stringify(result)}`);
  return result.problems;
}

describe('defaults', () => {
  it('match vault-k8s binary defaults', () => {
    const settings = settingsOf([VAULT]);
    expect(settings).toEqual({
      listen: ':8080',
      logLevel: 'info',
      logFormat: 'standard',
      vaultAddress: 'https://vault:8200',
      vaultImage: 'hashicorp/vault:2.0.4',
      vaultAuthType: 'kubernetes',
      vaultAuthPath: 'auth/kubernetes',
      vaultNamespace: '',
      vaultCACertBytes: '',
      proxyAddress: '',
      revokeOnShutdown: false,
      runAsUser: '100',
      runAsGroup: '1000',
      runAsSameUser: false,
      setSecurityContext: true,
      defaultTemplate: 'map',
      resources: { cpuRequest: '250m', memoryRequest: '64Mi', ephemeralRequest: '', cpuLimit: '500m', memoryLimit: '128Mi', ephemeralLimit: '' },
      templateConfig: { exitOnRetryFailure: true, staticSecretRenderInterval: '', maxConnectionsPerHost: 0, leaseRenewalThreshold: 0 },
      authMinBackoff: '',
      authMaxBackoff: '',
      disableIdleConnections: '',
      disableKeepAlives: '',
      tls: { autoName: '', autoHosts: [], certFile: '', keyFile: '', caCertFile: '', minVersion: 'tls12', cipherSuites: [] },
      telemetryPath: '',
      useLeaderElector: false,
      nativeSidecar: false,
      nativeSidecarProbe: { kind: 'files', periodSeconds: 2, timeoutSeconds: 5, failureThreshold: 450 },
      reconcileMissed: 'off',
      strict: false,
      shutdownTimeoutMs: 20_000,
      namespace: 'default',
      podName: '',
    });
    expect(Object.isFrozen(settings)).toBe(true);
    expect(Object.isFrozen(settings.tls)).toBe(true);
  });
});

describe('Go flag syntax', () => {
  it.each([
    [['-vault-image=a:1'], 'a:1'],
    [['--vault-image=a:1'], 'a:1'],
    [['-vault-image', 'a:1'], 'a:1'],
    [['--vault-image', 'a:1'], 'a:1'],
    [['-vault-image=x', '-vault-image=y'], 'y'],
    [['-vault-image='], ''],
    [['-vault-image=a=b'], 'a=b'],
  ])('%j sets the image to %j', (args, image) => {
    expect(settingsOf([VAULT, ...args]).vaultImage).toBe(image);
  });

  it('bare bool flags mean true; explicit values use strconv.ParseBool', () => {
    expect(settingsOf([VAULT, '-revoke-on-shutdown']).revokeOnShutdown).toBe(true);
    expect(settingsOf([VAULT, '--use-leader-elector']).useLeaderElector).toBe(true);
    expect(settingsOf([VAULT, '-set-security-context=F']).setSecurityContext).toBe(false);
    expect(settingsOf([VAULT, '-set-security-context=0']).setSecurityContext).toBe(false);
    expect(settingsOf([VAULT, '-run-as-same-user=TRUE']).runAsSameUser).toBe(true);
  });

  it('a bool flag does not take the next argument (it ends the flags instead)', () => {
    const settings = settingsOf([VAULT, '-revoke-on-shutdown', 'false', '-vault-image=ignored']);
    expect(settings.revokeOnShutdown).toBe(true);
    expect(settings.vaultImage).toBe('hashicorp/vault:2.0.4');
  });

  it('stops at the first non-flag argument, as the deploy manifest relies on (`2>&1`)', () => {
    expect(settingsOf([VAULT, '2>&1']).vaultAddress).toBe('https://vault:8200');
    expect(settingsOf([VAULT, '--', '-vault-image=x']).vaultImage).toBe('hashicorp/vault:2.0.4');
    expect(settingsOf([VAULT, '-', '-vault-image=x']).vaultImage).toBe('hashicorp/vault:2.0.4');
  });

  it('reports Go flag errors, all of them', () => {
    expect(problemsOf([VAULT, '-nope=1', '-revoke-on-shutdown=yes', '---x', '-listen'])).toEqual([
      '-nope: no such flag; `vault-injector agent-inject -h` lists them (flag provided but not defined: -nope)',
      '-revoke-on-shutdown / AGENT_INJECT_REVOKE_ON_SHUTDOWN: "yes" is not a boolean; use true or false (invalid boolean value "yes" for -revoke-on-shutdown: parse error)',
      '---x: not a flag; write -name=value (bad flag syntax: ---x)',
      '-listen / AGENT_INJECT_LISTEN: needs a value, e.g. -listen=VALUE (flag needs an argument: -listen)',
    ]);
  });

  it.each([
    ['-cpu-limt=1', '-cpu-limt: no such flag; did you mean -cpu-limit / AGENT_INJECT_CPU_LIMIT? (flag provided but not defined: -cpu-limt)'],
    ['--vault-addr=https://v:8200', '-vault-addr: no such flag; did you mean -vault-address / AGENT_INJECT_VAULT_ADDR? (flag provided but not defined: -vault-addr)'],
    ['-loglevel=debug', '-loglevel: no such flag; did you mean -log-level / AGENT_INJECT_LOG_LEVEL? (flag provided but not defined: -loglevel)'],
    ['-tls-auto-host=a', '-tls-auto-host: no such flag; did you mean -tls-auto-hosts / AGENT_INJECT_TLS_AUTO_HOSTS? (flag provided but not defined: -tls-auto-host)'],
  ])('a misspelt flag (%s) gets a "did you mean" naming the flag and its variable', (arg, problem) => {
    expect(problemsOf([VAULT, arg])).toEqual([problem]);
  });

  it('an empty value is not a bool for the flag package', () => {
    expect(problemsOf([VAULT, '-revoke-on-shutdown='])).toEqual([
      '-revoke-on-shutdown / AGENT_INJECT_REVOKE_ON_SHUTDOWN: "" is not a boolean; use true or false (invalid boolean value "" for -revoke-on-shutdown: parse error)',
    ]);
  });

  it('-h and -help ask for usage', () => {
    expect(parseSettings(['-h'], {})).toEqual({ kind: 'help' });
    expect(parseSettings(['--help'], {})).toEqual({ kind: 'help' });
    const usage = settingsUsage();
    for (const definition of FLAG_DEFINITIONS) expect(usage).toContain(`-${definition.name}`);
  });
});

// Flags whose values are checked or mapped, so a free-form marker value cannot pass through.
const VALIDATED = ['log-level', 'log-format', 'default-template', 'tls-min-version', 'tls-cipher-suites', 'listen', 'telemetry-path', 'auth-min-backoff', 'auth-max-backoff', 'shutdown-timeout'];

describe('environment', () => {
  it('every flag has its AGENT_INJECT_* (or, for our additions, VAULT_INJECTOR_*) variable, and a non-empty one beats the flag', () => {
    for (const definition of FLAG_DEFINITIONS) {
      expect(definition.env).toMatch(/^(AGENT_INJECT|VAULT_INJECTOR)_[A-Z_]+$/);
      if (definition.kind !== 'string' || VALIDATED.includes(definition.name)) continue;
      const text = JSON.stringify(parseSettings([VAULT, `-${definition.name}=from-flag`], { [definition.env]: 'from-env' }));
      expect({ flag: definition.name, env: text.includes('from-env'), flagValue: text.includes('from-flag') }).toEqual({
        flag: definition.name,
        env: true,
        flagValue: false,
      });
    }
  });

  it('an empty variable does not override the flag', () => {
    expect(settingsOf([VAULT, '-vault-image=flag:1'], { AGENT_INJECT_VAULT_IMAGE: '' }).vaultImage).toBe('flag:1');
    expect(settingsOf([], { AGENT_INJECT_VAULT_ADDR: 'https://env:8200' }).vaultAddress).toBe('https://env:8200');
  });

  it('bool variables use parseutil.ParseBool and override bool flags', () => {
    expect(settingsOf([VAULT, '-revoke-on-shutdown'], { AGENT_INJECT_REVOKE_ON_SHUTDOWN: 'f' }).revokeOnShutdown).toBe(false);
    expect(settingsOf([VAULT], { AGENT_INJECT_SET_SECURITY_CONTEXT: 'false' }).setSecurityContext).toBe(false);
    expect(settingsOf([VAULT], { AGENT_INJECT_TEMPLATE_CONFIG_EXIT_ON_RETRY_FAILURE: '0' }).templateConfig.exitOnRetryFailure).toBe(false);
    expect(settingsOf([VAULT], { AGENT_INJECT_USE_LEADER_ELECTOR: 'True' }).useLeaderElector).toBe(true);
    expect(settingsOf([VAULT], { AGENT_INJECT_RUN_AS_SAME_USER: '1' }).runAsSameUser).toBe(true);
  });

  it('bad bool, int and float variables are each reported naming the setting, then with the vault-k8s text', () => {
    expect(
      problemsOf([VAULT], {
        AGENT_INJECT_REVOKE_ON_SHUTDOWN: 'yes',
        AGENT_INJECT_USE_LEADER_ELECTOR: 'tRuE',
        AGENT_INJECT_TEMPLATE_MAX_CONNECTIONS_PER_HOST: 'ten',
        AGENT_INJECT_TEMPLATE_LEASE_RENEWAL_THRESHOLD: '0.5x',
      }),
    ).toEqual([
      `-revoke-on-shutdown / AGENT_INJECT_REVOKE_ON_SHUTDOWN: "yes" is not a boolean; use true or false (Error parsing environment variables: cannot parse '' as bool: strconv.ParseBool: parsing "yes": invalid syntax)`,
      `-use-leader-elector / AGENT_INJECT_USE_LEADER_ELECTOR: "tRuE" is not a boolean; use true or false (Error parsing environment variables: cannot parse '' as bool: strconv.ParseBool: parsing "tRuE": invalid syntax)`,
      'AGENT_INJECT_TEMPLATE_MAX_CONNECTIONS_PER_HOST: "ten" is not a whole number (Error parsing environment variables: strconv.ParseInt: parsing "ten": invalid syntax)',
      'AGENT_INJECT_TEMPLATE_LEASE_RENEWAL_THRESHOLD: "0.5x" is not a number (e.g. 0.75) (Error parsing environment variables: strconv.ParseFloat: parsing "0.5x": invalid syntax)',
    ]);
  });

  it('parses the env-only numbers', () => {
    const settings = settingsOf([VAULT], { AGENT_INJECT_TEMPLATE_MAX_CONNECTIONS_PER_HOST: '25', AGENT_INJECT_TEMPLATE_LEASE_RENEWAL_THRESHOLD: '0.75' });
    expect(settings.templateConfig).toMatchObject({ maxConnectionsPerHost: 25, leaseRenewalThreshold: 0.75 });
  });

  it('reads NAMESPACE and POD_NAME', () => {
    expect(settingsOf([VAULT], { NAMESPACE: 'vault', POD_NAME: 'injector-0' })).toMatchObject({ namespace: 'vault', podName: 'injector-0' });
    expect(settingsOf([VAULT], { NAMESPACE: '' }).namespace).toBe('default');
  });
});

describe('startup checks', () => {
  it('requires a Vault address, naming -vault-address and AGENT_INJECT_VAULT_ADDR', () => {
    const problem = '-vault-address / AGENT_INJECT_VAULT_ADDR: set the address of the Vault server (e.g. https://vault.vault.svc:8200) (No Vault service configured)';
    expect(problemsOf([])).toEqual([problem]);
    expect(problemsOf(['-vault-address='])).toEqual([problem]);
  });

  it.each([
    ['trace', 'trace'], ['DEBUG', 'debug'], [' info ', 'info'], ['notice', 'info'], ['', 'info'],
    ['warn', 'warn'], ['Warning', 'warn'], ['err', 'error'], ['error', 'error'],
  ])('log level %j is %s', (given, level) => {
    expect(settingsOf([VAULT, `-log-level=${given}`]).logLevel).toBe(level);
  });

  it.each(['ofni', '0', 'fatal'])('log level %j is refused naming the flag, then with vault-k8s text', (given) => {
    expect(problemsOf([VAULT, `-log-level=${given}`])).toEqual([
      `-log-level / AGENT_INJECT_LOG_LEVEL: "${given}" is not a log level; use trace, debug, info, warn or error (Error setting log level: unknown log level: ${given})`,
    ]);
  });

  it('log level text is reported as given, and trimmed and lower-cased in vault-k8s text', () => {
    expect(problemsOf([VAULT, '-log-level= OFNI '])).toEqual([
      '-log-level / AGENT_INJECT_LOG_LEVEL: " OFNI " is not a log level; use trace, debug, info, warn or error (Error setting log level: unknown log level: ofni)',
    ]);
  });

  it('log format: exactly "json" or "standard" ("" is standard); anything else is refused (vault-k8s silently used standard)', () => {
    expect(settingsOf([VAULT, '-log-format=json']).logFormat).toBe('json');
    expect(settingsOf([VAULT, '-log-format=']).logFormat).toBe('standard');
    expect(problemsOf([VAULT, '-log-format=JSON'])).toEqual(['-log-format / AGENT_INJECT_LOG_FORMAT: "JSON" is not a log format; use standard or json']);
    expect(problemsOf([VAULT], { AGENT_INJECT_LOG_FORMAT: 'text' })).toEqual(['-log-format / AGENT_INJECT_LOG_FORMAT: "text" is not a log format; use standard or json']);
  });

  it('default template must be exactly map or json', () => {
    expect(settingsOf([VAULT, '-default-template=json']).defaultTemplate).toBe('json');
    expect(problemsOf([VAULT, '-default-template=Map'])).toEqual([
      '-default-template / AGENT_INJECT_DEFAULT_TEMPLATE: "Map" is not a template type; use map or json (Invalid default flag type: Map)',
    ]);
  });

  it.each([
    ['cpu-limit', 'AGENT_INJECT_CPU_LIMIT', 'lots', '500m'],
    ['cpu-request', 'AGENT_INJECT_CPU_REQUEST', '1 core', '250m'],
    ['memory-limit', 'AGENT_INJECT_MEM_LIMIT', '128MB', '128Mi'],
    ['memory-request', 'AGENT_INJECT_MEM_REQUEST', '-x', '64Mi'],
    ['ephemeral-storage-limit', 'AGENT_INJECT_EPHEMERAL_LIMIT', 'big', '1Gi'],
    ['ephemeral-storage-request', 'AGENT_INJECT_EPHEMERAL_REQUEST', '1.5.0', '128Mi'],
  ])('resource flag -%s / %s: a value that is not a quantity is refused at startup, from the flag or the variable', (flag, env, bad, example) => {
    const [fromFlag] = problemsOf([VAULT, `-${flag}=${bad}`]);
    expect(fromFlag).toMatch(new RegExp(`^-${flag} / ${env}: "${bad.replace('.', '\\.')}" is not a Kubernetes quantity \\(e\\.g\\. ${example}\\) \\((quantities must match|unable to parse quantity)`));
    expect(problemsOf([VAULT], { [env]: bad })).toEqual([fromFlag]);
    expect(settingsOf([VAULT, `-${flag}=${example}`]).resources).toBeDefined();
  });

  it('the exact message the issue asks for: -cpu-limit=lots', () => {
    expect(problemsOf([VAULT, '-cpu-limit=lots'])[0]).toMatch(/^-cpu-limit \/ AGENT_INJECT_CPU_LIMIT: "lots" is not a Kubernetes quantity \(e\.g\. 500m\)/);
  });

  it.each([
    ['run-as-user', 'AGENT_INJECT_RUN_AS_USER', 'vault'],
    ['run-as-group', 'AGENT_INJECT_RUN_AS_GROUP', '-5'],
  ])('id flag -%s / %s: a value that is not a non-negative int64 is refused', (flag, env, bad) => {
    expect(problemsOf([VAULT, `-${flag}=${bad}`])[0]).toMatch(new RegExp(`^-${flag} / ${env}: "${bad}" is not a numeric id`));
    expect(settingsOf([VAULT, `-${flag}=2000`])).toBeDefined();
  });

  it('the static-secret render interval must be a Go duration', () => {
    expect(settingsOf([VAULT, '-template-static-secret-render-interval=5m']).templateConfig.staticSecretRenderInterval).toBe('5m');
    expect(problemsOf([VAULT], { AGENT_INJECT_TEMPLATE_STATIC_SECRET_RENDER_INTERVAL: 'hourly' })).toEqual([
      '-template-static-secret-render-interval / AGENT_INJECT_TEMPLATE_STATIC_SECRET_RENDER_INTERVAL: "hourly" is not a Go duration such as 30s or 1m30s (time: invalid duration "hourly")',
    ]);
  });

  it('validates backoff durations from flags and env', () => {
    expect(settingsOf([VAULT, '-auth-min-backoff=1s', '-auth-max-backoff=1h30m'])).toMatchObject({ authMinBackoff: '1s', authMaxBackoff: '1h30m' });
    expect(problemsOf([VAULT, '-auth-min-backoff=soon'], { AGENT_INJECT_AUTH_MAX_BACKOFF: '5' })).toEqual([
      '-auth-min-backoff / AGENT_INJECT_AUTH_MIN_BACKOFF: "soon" is not a Go duration such as 30s or 1m30s (Error parsing environment variables: time: invalid duration "soon")',
      '-auth-max-backoff / AGENT_INJECT_AUTH_MAX_BACKOFF: "5" is not a Go duration such as 30s or 1m30s (Error parsing environment variables: time: missing unit in duration "5")',
    ]);
  });

  it('TLS min version', () => {
    expect(settingsOf([VAULT, '-tls-min-version=tls13']).tls.minVersion).toBe('tls13');
    const hint = 'is not a TLS version; use tls10, tls11, tls12 or tls13';
    expect(problemsOf([VAULT, '-tls-min-version=tls1000'])).toEqual([`-tls-min-version / AGENT_INJECT_TLS_MIN_VERSION: "tls1000" ${hint} (Failed to configure TLS: invalid or unsupported TLS version "tls1000")`]);
    expect(problemsOf([VAULT, '-tls-min-version='])).toEqual([`-tls-min-version / AGENT_INJECT_TLS_MIN_VERSION: "" ${hint} (Failed to configure TLS: invalid or unsupported TLS version "")`]);
  });

  it('TLS cipher suites: Go names, trimmed, first unknown reported', () => {
    expect(settingsOf([VAULT, '-tls-cipher-suites= TLS_RSA_WITH_AES_128_GCM_SHA256 , TLS_AES_128_GCM_SHA256']).tls.cipherSuites).toEqual([
      'TLS_RSA_WITH_AES_128_GCM_SHA256',
      'TLS_AES_128_GCM_SHA256',
    ]);
    expect(problemsOf([VAULT, '-tls-cipher-suites=TLS_RSA_WITH_AES_128_GCM_SHA256,AES128-SHA,bogus'])).toEqual([
      '-tls-cipher-suites / AGENT_INJECT_TLS_CIPHER_SUITES: use Go cipher suite names, comma-separated (e.g. TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256) (Failed to configure TLS: failed to parse TLS cipher suites list "TLS_RSA_WITH_AES_128_GCM_SHA256,AES128-SHA,bogus": unsupported cipher "AES128-SHA")',
    ]);
  });

  it('checks the listen address and telemetry path', () => {
    expect(settingsOf([VAULT, '-listen=127.0.0.1:0']).listen).toBe('127.0.0.1:0');
    expect(settingsOf([VAULT, '-listen=[::1]:8443']).listen).toBe('[::1]:8443');
    expect(problemsOf([VAULT, '-listen=8080'])[0]).toMatch(/^-listen \/ AGENT_INJECT_LISTEN: "8080" is not host:port \(e\.g\. :8080 or 127\.0\.0\.1:8443\) \(Error listening: listen tcp: address 8080/);
    expect(problemsOf([VAULT, '-telemetry-path=metrics'])).toEqual(['-telemetry-path / AGENT_INJECT_TELEMETRY_PATH: "metrics" must start with "/" (e.g. /metrics)']);
    expect(settingsOf([VAULT, '-telemetry-path=/metrics']).telemetryPath).toBe('/metrics');
  });

  it('shutdown timeout: 20s by default, a positive Go duration from the flag or VAULT_INJECTOR_SHUTDOWN_TIMEOUT', () => {
    expect(settingsOf([VAULT]).shutdownTimeoutMs).toBe(20_000);
    expect(settingsOf([VAULT, '-shutdown-timeout=1m30s']).shutdownTimeoutMs).toBe(90_000);
    expect(settingsOf([VAULT, '-shutdown-timeout=1m'], { VAULT_INJECTOR_SHUTDOWN_TIMEOUT: '500ms' }).shutdownTimeoutMs).toBe(500);
    expect(problemsOf([VAULT], { VAULT_INJECTOR_SHUTDOWN_TIMEOUT: 'soon' })).toEqual([
      '-shutdown-timeout / VAULT_INJECTOR_SHUTDOWN_TIMEOUT: "soon" is not a Go duration such as 30s or 1m30s (time: invalid duration "soon")',
    ]);
    expect(problemsOf([VAULT, '-shutdown-timeout=0s'])).toEqual(['-shutdown-timeout / VAULT_INJECTOR_SHUTDOWN_TIMEOUT: "0s" must be a positive duration (e.g. 20s)']);
  });

  it('reports every problem at once', () => {
    expect(
      problemsOf(['-log-level=loud', '-default-template=xml', '-tls-min-version=tls9', '-bogus'], { AGENT_INJECT_RUN_AS_SAME_USER: 'maybe' }),
    ).toEqual([
      '-bogus: no such flag; `vault-injector agent-inject -h` lists them (flag provided but not defined: -bogus)',
      `-run-as-same-user / AGENT_INJECT_RUN_AS_SAME_USER: "maybe" is not a boolean; use true or false (Error parsing environment variables: cannot parse '' as bool: strconv.ParseBool: parsing "maybe": invalid syntax)`,
      '-vault-address / AGENT_INJECT_VAULT_ADDR: set the address of the Vault server (e.g. https://vault.vault.svc:8200) (No Vault service configured)',
      '-default-template / AGENT_INJECT_DEFAULT_TEMPLATE: "xml" is not a template type; use map or json (Invalid default flag type: xml)',
      '-log-level / AGENT_INJECT_LOG_LEVEL: "loud" is not a log level; use trace, debug, info, warn or error (Error setting log level: unknown log level: loud)',
      '-tls-min-version / AGENT_INJECT_TLS_MIN_VERSION: "tls9" is not a TLS version; use tls10, tls11, tls12 or tls13 (Failed to configure TLS: invalid or unsupported TLS version "tls9")',
    ]);
  });
});

describe('values kept as vault-k8s keeps them', () => {
  it('splits tls-auto-hosts on commas, dropping empty entries', () => {
    expect(settingsOf([VAULT, '-tls-auto-hosts=svc,svc.ns,,10.0.0.1']).tls.autoHosts).toEqual(['svc', 'svc.ns', '10.0.0.1']);
  });

  it('keeps per-pod values as strings', () => {
    const settings = settingsOf([VAULT, '-run-as-user=', '-cpu-limit=', '-disable-keep-alives=auto-auth,templating']);
    expect(settings).toMatchObject({ runAsUser: '', disableKeepAlives: 'auto-auth,templating' });
    expect(settings.resources.cpuLimit).toBe('');
  });

  it('decodes -vault-cacert-bytes when it is valid standard base64', () => {
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    const encoded = Buffer.from(pem).toString('base64');
    expect(settingsOf([VAULT, `-vault-cacert-bytes=${encoded}`]).vaultCACertBytes).toBe(pem);
    expect(settingsOf([VAULT], { AGENT_INJECT_VAULT_CACERT_BYTES: pem }).vaultCACertBytes).toBe(pem);
  });

  it.each([
    ['padded', Buffer.from('ab').toString('base64'), 'ab'],
    ['with line breaks', 'YWJj\nZGVm\r\n', 'abcdef'],
    ['unpadded (not standard)', 'YWI', 'YWI'],
    ['url alphabet', 'a-_b', 'a-_b'],
    ['spaces', 'YW Jj', 'YW Jj'],
  ])('base64 detection: %s', (_label, input, output) => {
    expect(decodeIfStandardBase64(input)).toBe(output);
  });
});

// Each kind of flag value is checked when the process starts: one row per kind, a bad and a good
// value, given once as the flag and once as the variable. The last test keeps the table complete.
const KINDS: Readonly<Record<string, readonly (readonly [flag: string, bad: string, good: string])[]>> = {
  bool: [['revoke-on-shutdown', 'maybe', 'true'], ['strict', 'yes', 'false'], ['native-sidecar', 'on', '1'], ['run-as-same-user', 'y', 'T'],
    ['set-security-context', 'off', 'FALSE'], ['use-leader-elector', 'ja', 't'], ['template-config-exit-on-retry-failure', 'no', '0']],
  int: [['run-as-user', 'vault', '1000'], ['run-as-group', '-1', '0'], ['native-sidecar-probe-period', '0', '5'],
    ['native-sidecar-probe-timeout', '1.5', '10'], ['native-sidecar-probe-failure-threshold', '86401', '30']],
  duration: [['auth-min-backoff', '5', '1s'], ['auth-max-backoff', 'soon', '1h30m'], ['template-static-secret-render-interval', '1constructor', '5m'],
    ['shutdown-timeout', '-1s', '30s']],
  enum: [['log-level', 'loud', 'debug'], ['log-level', 'constructor', 'warn'], ['log-format', 'JSON', 'json'], ['default-template', 'xml', 'json'],
    ['tls-min-version', 'tls9', 'tls13'], ['native-sidecar-probe', 'http', 'ready-file'], ['reconcile-missed', 'always', 'dry-run']],
  url: [['vault-address', 'vault:8200', 'http://vault:8200']],
  address: [['listen', '8080', '127.0.0.1:8443']],
  path: [['telemetry-path', 'metrics', '/metrics']],
  list: [['tls-cipher-suites', 'AES128-SHA', 'TLS_AES_128_GCM_SHA256'], ['disable-idle-connections', 'auto-auth,caches', 'auto-auth,caching,'],
    ['disable-keep-alives', 'toString', 'proxying,templating']],
  quantity: [['cpu-limit', 'lots', '1'], ['cpu-request', '1 core', '100m'], ['memory-limit', '128MB', '1Gi'], ['memory-request', '64MB', '64M'],
    ['ephemeral-storage-limit', '1.5.0', '1Gi'], ['ephemeral-storage-request', '__proto__', '128Mi']],
};

/** Taken as given: any text is a valid value (names, images, file paths read later, PEM). */
const FREE_FORM = ['tls-auto', 'tls-auto-hosts', 'tls-ca-cert-file', 'tls-cert-file', 'tls-key-file', 'vault-image', 'vault-cacert-bytes',
  'proxy-address', 'vault-auth-type', 'vault-auth-path', 'vault-namespace'];

describe('startup validation, per flag kind', () => {
  const envOf = (flag: string): string => FLAG_DEFINITIONS.find((definition) => definition.name === flag)?.env ?? '(none)';
  const rows = Object.entries(KINDS).flatMap(([kind, flags]) => flags.map(([flag, bad, good]) => [kind, flag, bad, good] as const));

  it.each(rows)('%s -%s: %j is refused naming the flag and its variable, %j is taken', (_kind, flag, bad, good) => {
    const label = `-${flag} / ${envOf(flag)}: `;
    const args = flag === 'vault-address' ? [] : [VAULT];
    const fromFlag = problemsOf([...args, `-${flag}=${bad}`]);
    const fromEnv = problemsOf(args, { [envOf(flag)]: bad });
    for (const problems of [fromFlag, fromEnv]) {
      expect(problems).toHaveLength(1);
      expect(problems[0]?.startsWith(label)).toBe(true);
    }
    expect(settingsOf([...args, `-${flag}=${good}`])).toBeDefined();
    expect(settingsOf(args, { [envOf(flag)]: good })).toBeDefined();
  });

  it('every flag is either in a kind above or free-form', () => {
    const classified = new Set([...rows.map(([, flag]) => flag), ...FREE_FORM]);
    expect(FLAG_DEFINITIONS.map((definition) => definition.name).filter((name) => !classified.has(name))).toEqual([]);
  });
});

describe('-vault-address', () => {
  const hint = 'use an absolute http(s) URL with a host (e.g. https://vault.vault.svc:8200)';
  it.each([
    ['vault.vault.svc:8200', 'does not start with http:// or https://'],
    ['http:vault', 'does not start with http:// or https://'],
    ['ftp://vault:8200', 'does not start with http:// or https://'],
    ['/v1/sys', 'does not start with http:// or https://'],
    ['https://', 'is not a URL'],
    ['https://vault:port', 'is not a URL'],
    [' https://vault:8200', 'has surrounding spaces'],
  ])('%j is refused at startup: %s', (address, reason) => {
    const problem = `-vault-address / AGENT_INJECT_VAULT_ADDR: ${JSON.stringify(address)} ${reason}; ${hint}`;
    expect(problemsOf([`-vault-address=${address}`])).toEqual([problem]);
    expect(problemsOf([], { AGENT_INJECT_VAULT_ADDR: address })).toEqual([problem]);
  });

  it.each(['https://vault.vault.svc:8200', 'HTTP://10.0.0.1:8200/', 'https://[::1]:8200', 'https://vault'])('%j is taken', (address) => {
    expect(settingsOf([`-vault-address=${address}`]).vaultAddress).toBe(address);
  });
});

describe('-disable-idle-connections and -disable-keep-alives', () => {
  it.each([
    ['disable-idle-connections', 'AGENT_INJECT_DISABLE_IDLE_CONNECTIONS'],
    ['disable-keep-alives', 'AGENT_INJECT_DISABLE_KEEP_ALIVES'],
  ])('-%s takes the features Vault Agent knows and refuses others, naming the first', (flag, env) => {
    const use = 'use a comma-separated list of auto-auth, caching, proxying, templating (e.g. auto-auth,templating)';
    expect(settingsOf([VAULT, `-${flag}=auto-auth,caching,proxying,templating`])).toBeDefined();
    expect(settingsOf([VAULT, `-${flag}=,templating,`])).toBeDefined();
    expect(problemsOf([VAULT, `-${flag}=auto-auth,Templating,bogus`])).toEqual([`-${flag} / ${env}: "Templating" is not a Vault Agent feature; ${use}`]);
    expect(problemsOf([VAULT], { [env]: 'auto-auth, templating' })).toEqual([
      `-${flag} / ${env}: " templating" is not a Vault Agent feature (remove the spaces around commas); ${use}`,
    ]);
    expect(problemsOf([VAULT, `-${flag}=constructor`])).toEqual([`-${flag} / ${env}: "constructor" is not a Vault Agent feature; ${use}`]);
  });
});
