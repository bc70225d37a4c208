// The vault-k8s `agent-inject` flags and their AGENT_INJECT_* environment variables
// (https://github.com/hashicorp/vault-k8s/blob/main/subcommand/injector/flags.go),
// as one table: the parser iterates it and docs/webhook-settings.md mirrors it.

const FLAG_KINDS = { string: 'string', bool: 'bool' } as const;
export type FlagKind = (typeof FLAG_KINDS)[keyof typeof FLAG_KINDS];

export interface FlagDefinition {
  /** Flag name without dashes, as vault-k8s spells it. */
  readonly name: string;
  /** The AGENT_INJECT_* (VAULT_INJECTOR_* for our own additions) variable that overrides the flag when set and non-empty. */
  readonly env: string;
  readonly kind: FlagKind;
  /** Default as the flag package sees it (a Go string; bools as "true"/"false"). */
  readonly defaultValue: string;
  readonly usage: string;
}

function stringFlag(name: string, env: string, defaultValue: string, usage: string): FlagDefinition {
  return { name, env, kind: FLAG_KINDS.string, defaultValue, usage };
}

function boolFlag(name: string, env: string, defaultValue: boolean, usage: string): FlagDefinition {
  return { name, env, kind: FLAG_KINDS.bool, defaultValue: String(defaultValue), usage };
}

export const DEFAULT_VAULT_IMAGE = 'hashicorp/vault:2.0.4';
/** vault-injector extension (no vault-k8s counterpart): how long a graceful stop may take. */
export const SHUTDOWN_TIMEOUT_ENV = 'VAULT_INJECTOR_SHUTDOWN_TIMEOUT';
/** vault-injector extension: admission warnings become denials (docs/webhook-settings.md, "Strict mode"). */
export const STRICT_ENV = 'VAULT_INJECTOR_STRICT';

export const FLAG_DEFINITIONS: readonly FlagDefinition[] = [
  stringFlag('listen', 'AGENT_INJECT_LISTEN', ':8080', 'Address to bind listener to.'),
  stringFlag('log-level', 'AGENT_INJECT_LOG_LEVEL', 'info', 'Log verbosity level: "trace", "debug", "info", "warn" or "err".'),
  stringFlag('log-format', 'AGENT_INJECT_LOG_FORMAT', 'standard', 'Log output format: "standard" or "json".'),
  boolFlag('template-config-exit-on-retry-failure', 'AGENT_INJECT_TEMPLATE_CONFIG_EXIT_ON_RETRY_FAILURE', true,
    "Value for Agent's template_config.exit_on_retry_failure."),
  stringFlag('template-static-secret-render-interval', 'AGENT_INJECT_TEMPLATE_STATIC_SECRET_RENDER_INTERVAL', '',
    "Value for Agent's template_config.static_secret_render_interval."),
  stringFlag('tls-auto', 'AGENT_INJECT_TLS_AUTO', '', 'MutatingWebhookConfiguration name. If specified, will auto generate cert bundle.'),
  stringFlag('tls-auto-hosts', 'AGENT_INJECT_TLS_AUTO_HOSTS', '', 'Comma-separated hosts for auto-generated TLS cert.'),
  stringFlag('tls-ca-cert-file', 'AGENT_INJECT_TLS_CA_CERT_FILE', '', 'PEM-encoded TLS CA certificate to serve.'),
  stringFlag('tls-cert-file', 'AGENT_INJECT_TLS_CERT_FILE', '', 'PEM-encoded TLS certificate to serve. If blank, will generate random cert.'),
  stringFlag('tls-key-file', 'AGENT_INJECT_TLS_KEY_FILE', '', 'PEM-encoded TLS private key to serve. If blank, will generate random cert.'),
  stringFlag('vault-image', 'AGENT_INJECT_VAULT_IMAGE', DEFAULT_VAULT_IMAGE, 'Docker image for Vault.'),
  stringFlag('vault-address', 'AGENT_INJECT_VAULT_ADDR', '', 'Address of the Vault server.'),
  stringFlag('vault-cacert-bytes', 'AGENT_INJECT_VAULT_CACERT_BYTES', '',
    'CA certificate to trust for TLS with Vault, PEM-encoded; may be base64 encoded to avoid line breaks.'),
  stringFlag('proxy-address', 'AGENT_INJECT_PROXY_ADDR', '', 'HTTP proxy address used to talk to the Vault service.'),
  stringFlag('vault-auth-type', 'AGENT_INJECT_VAULT_AUTH_TYPE', 'kubernetes', 'Type of Vault Auth Method to use.'),
  stringFlag('vault-auth-path', 'AGENT_INJECT_VAULT_AUTH_PATH', 'auth/kubernetes', 'Mount path of the Vault Auth Method.'),
  stringFlag('vault-namespace', 'AGENT_INJECT_VAULT_NAMESPACE', '', 'Vault enterprise namespace.'),
  boolFlag('revoke-on-shutdown', 'AGENT_INJECT_REVOKE_ON_SHUTDOWN', false, 'Automatically revoke Vault Token on Pod termination.'),
  stringFlag('run-as-user', 'AGENT_INJECT_RUN_AS_USER', '100', 'User (uid) to run Vault agent as.'),
  stringFlag('run-as-group', 'AGENT_INJECT_RUN_AS_GROUP', '1000', 'Group (gid) to run Vault agent as.'),
  boolFlag('run-as-same-user', 'AGENT_INJECT_RUN_AS_SAME_USER', false,
    'Run the injected Vault agent containers as the User (uid) of the first application container in the pod.'),
  boolFlag('set-security-context', 'AGENT_INJECT_SET_SECURITY_CONTEXT', true, 'Set SecurityContext in injected containers.'),
  stringFlag('telemetry-path', 'AGENT_INJECT_TELEMETRY_PATH', '', 'Path under which to expose metrics.'),
  boolFlag('use-leader-elector', 'AGENT_INJECT_USE_LEADER_ELECTOR', false,
    'Use leader elector to coordinate multiple replicas when updating CA and Certs with auto-tls.'),
  stringFlag('default-template', 'AGENT_INJECT_DEFAULT_TEMPLATE', 'map', 'Sets the default template type (map or json).'),
  stringFlag('cpu-request', 'AGENT_INJECT_CPU_REQUEST', '250m', 'CPU resource request set in injected containers.'),
  stringFlag('memory-request', 'AGENT_INJECT_MEM_REQUEST', '64Mi', 'Memory resource request set in injected containers.'),
  stringFlag('ephemeral-storage-request', 'AGENT_INJECT_EPHEMERAL_REQUEST', '', 'Ephemeral Storage resource request set in injected containers.'),
  stringFlag('cpu-limit', 'AGENT_INJECT_CPU_LIMIT', '500m', 'CPU resource limit set in injected containers.'),
  stringFlag('memory-limit', 'AGENT_INJECT_MEM_LIMIT', '128Mi', 'Memory resource limit set in injected containers.'),
  stringFlag('ephemeral-storage-limit', 'AGENT_INJECT_EPHEMERAL_LIMIT', '', 'Ephemeral Storage resource limit set in injected containers.'),
  stringFlag('auth-min-backoff', 'AGENT_INJECT_AUTH_MIN_BACKOFF', '', 'Sets the minimum backoff on auto-auth failure (Go duration).'),
  stringFlag('auth-max-backoff', 'AGENT_INJECT_AUTH_MAX_BACKOFF', '', 'Sets the maximum backoff on auto-auth failure (Go duration).'),
  stringFlag('disable-idle-connections', 'AGENT_INJECT_DISABLE_IDLE_CONNECTIONS', '',
    'Comma-separated list of Vault features where idle connections should be disabled.'),
  stringFlag('disable-keep-alives', 'AGENT_INJECT_DISABLE_KEEP_ALIVES', '',
    'Comma-separated list of Vault features where keep-alives should be disabled.'),
  stringFlag('tls-min-version', 'AGENT_INJECT_TLS_MIN_VERSION', 'tls12', 'Minimum supported version of TLS: tls10, tls11, tls12, tls13.'),
  boolFlag('native-sidecar', 'AGENT_INJECT_NATIVE_SIDECAR', false,
    'vault-injector extension: inject the agent as a native sidecar (Kubernetes >= 1.29) by default.'),
  stringFlag('native-sidecar-probe', 'AGENT_INJECT_NATIVE_SIDECAR_PROBE', 'files',
    'vault-injector extension: what the native sidecar\'s startupProbe checks: "files" (every template destination and the token sink; any agent image) or "ready-file" (the vault-injector agent\'s ready file).'),
  stringFlag('native-sidecar-probe-period', 'AGENT_INJECT_NATIVE_SIDECAR_PROBE_PERIOD', '2', 'vault-injector extension: startupProbe periodSeconds of the native sidecar.'),
  stringFlag('native-sidecar-probe-timeout', 'AGENT_INJECT_NATIVE_SIDECAR_PROBE_TIMEOUT', '5', 'vault-injector extension: startupProbe timeoutSeconds of the native sidecar.'),
  stringFlag('native-sidecar-probe-failure-threshold', 'AGENT_INJECT_NATIVE_SIDECAR_PROBE_FAILURE_THRESHOLD', '450',
    'vault-injector extension: startupProbe failureThreshold of the native sidecar (× period = the longest wait for the first render).'),
  stringFlag('tls-cipher-suites', 'AGENT_INJECT_TLS_CIPHER_SUITES', '', 'Comma-separated list of supported cipher suites for TLS 1.0-1.2 (Go names).'),
  stringFlag('reconcile-missed', 'AGENT_INJECT_RECONCILE_MISSED', 'off',
    'vault-injector extension: pods that opted in but were admitted without injection: "off", "report" (Event, log, gauge), "dry-run" or "evict" (also evict controller-owned ones).'),
  stringFlag('shutdown-timeout', SHUTDOWN_TIMEOUT_ENV, '20s',
    'vault-injector extension: how long a graceful stop may take before open connections are closed (Go duration).'),
  boolFlag('strict', STRICT_ENV, false,
    'vault-injector extension: deny every opted-in pod whose admission would carry warnings (unknown annotation, template syntax, ...), instead of admitting it with them.'),
];

/** Environment-only settings (no flag), parsed like vault-k8s does. */
export const ENV_ONLY = {
  maxConnectionsPerHost: 'AGENT_INJECT_TEMPLATE_MAX_CONNECTIONS_PER_HOST',
  leaseRenewalThreshold: 'AGENT_INJECT_TEMPLATE_LEASE_RENEWAL_THRESHOLD',
  namespace: 'NAMESPACE',
  podName: 'POD_NAME',
} as const;
