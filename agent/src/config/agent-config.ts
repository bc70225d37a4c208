// The typed, validated Vault Agent configuration the agent runs on. Built from the injector's JSON
// or a user's HCL by `validateAgentConfig`; every duration is in milliseconds, every mode a number.

export interface AuthMethodConfig {
  /** kubernetes | approle | jwt | token_file */
  readonly type: string;
  /** Without the `auth/` prefix trimmed: the full path such as `auth/kubernetes`. */
  readonly mountPath: string;
  readonly namespace: string | undefined;
  readonly wrapTtl: string | undefined;
  readonly minBackoffMs: number | undefined;
  readonly maxBackoffMs: number | undefined;
  readonly exitOnError: boolean;
  /** Method-specific settings, values as given (strings mostly). */
  readonly config: Readonly<Record<string, unknown>>;
}

/** An encrypted sink (`dh_type = "curve25519"`): see agent/src/sink/dh-envelope.ts. */
export interface SinkEncryption {
  /** dh_path: the reader's {"curve25519_public_key": base64} file. */
  readonly dhPath: string;
  readonly deriveKey: boolean;
  /** aad, or the value of the variable aad_env_var names (read when the config is loaded, as Vault does). */
  readonly aad: string;
}

export interface FileSinkConfig {
  readonly path: string;
  /** File mode, default 0o640. */
  readonly mode: number;
  readonly wrapTtl: string | undefined;
  readonly encryption?: SinkEncryption;
}

export interface AutoAuthConfig {
  readonly method: AuthMethodConfig;
  readonly sinks: readonly FileSinkConfig[];
  /**
   * auto_auth.enable_reauth_on_new_credentials (default false): log in again at once when a jwt or
   * ldap method reads a changed credential file. Vault documents it as unsupported outside testing.
   */
  readonly enableReauthOnNewCredentials: boolean;
}

export interface RetryConfig {
  /** Template fetch attempts after the first failure; Vault's 0 means 12 and −1 means none. */
  readonly numRetries: number;
}

export interface VaultConnectionConfig {
  readonly address: string | undefined;
  readonly caCert: string | undefined;
  readonly caPath: string | undefined;
  readonly clientCert: string | undefined;
  readonly clientKey: string | undefined;
  readonly tlsSkipVerify: boolean;
  readonly tlsServerName: string | undefined;
  readonly namespace: string | undefined;
  readonly retry: RetryConfig;
  /** Largest Vault response body accepted (ours: `max_response_bytes`; default DEFAULTS.maxResponseBytes). */
  readonly maxResponseBytes?: number | undefined;
}

export const TEMPLATE_ENGINES = ['go', 'handlebars'] as const;
export type TemplateEngineName = (typeof TEMPLATE_ENGINES)[number];

export interface TemplateCommand {
  /** A single string runs through `sh -c`; a list is executed directly. */
  readonly command: string | readonly string[];
  readonly timeoutMs: number;
}

export interface TemplateConfig {
  readonly destination: string;
  readonly contents: string | undefined;
  readonly source: string | undefined;
  readonly engine: TemplateEngineName;
  readonly createDestDirs: boolean;
  /** undefined ⇒ keep the existing file's mode, else 0o644. */
  readonly perms: number | undefined;
  readonly backup: boolean;
  readonly errorOnMissingKey: boolean;
  readonly leftDelimiter: string;
  readonly rightDelimiter: string;
  readonly command: TemplateCommand | undefined;
  readonly functionDenylist: readonly string[];
  /** sandbox_path: `file` and `writeToFile` paths must resolve inside it (undefined: no sandbox). */
  readonly sandboxPath?: string | undefined;
  /** consul-template quiescence: write only after `minMs` without a change, at most `maxMs` after the first. */
  readonly wait?: TemplateWait | undefined;
  /** `user`/`uid` and `group`/`gid`: a name or a numeric id to chown the rendered file to. */
  readonly user?: string | undefined;
  readonly group?: string | undefined;
  /** env_template: the variable this template renders into (no file is written). */
  readonly environmentVariable?: string | undefined;
}

export interface TemplateWait {
  readonly minMs: number;
  readonly maxMs: number;
}

/** Process-supervisor mode (https://developer.hashicorp.com/vault/docs/agent-and-proxy/agent/process-supervisor). */
export interface ExecConfig {
  /** Executed directly (no shell): program and arguments. */
  readonly command: readonly string[];
  readonly restartOnSecretChanges: 'always' | 'never';
  /** Sent to the child before a restart (then SIGKILL after the grace period). */
  readonly restartStopSignal: NodeJS.Signals;
  /** Files the child's stdout/stderr are appended to (default: the agent's own). */
  readonly childProcessStdout: string | undefined;
  readonly childProcessStderr: string | undefined;
}

/** The `telemetry` stanza (https://developer.hashicorp.com/vault/docs/configuration/telemetry). */
export interface TelemetryConfig {
  /** 0 disables the Prometheus format; Vault's default is 24h. */
  readonly prometheusRetentionMs: number;
  readonly disableHostname: boolean;
  readonly enableHostnameLabel: boolean;
}

export interface TemplateRuntimeConfig {
  readonly exitOnRetryFailure: boolean;
  readonly staticSecretRenderIntervalMs: number;
  readonly maxConnectionsPerHost: number;
  readonly leaseRenewalThreshold: number;
  /** vault-injector extension: the `wait` every template without its own uses (Vault Agent ignores the key). */
  readonly wait?: TemplateWait | undefined;
}

export interface ListenerConfig {
  readonly type: 'tcp' | 'unix';
  readonly address: string;
  readonly tlsDisable: boolean;
  readonly tlsCertFile: string | undefined;
  readonly tlsKeyFile: string | undefined;
  readonly requireRequestHeader: boolean;
  /**
   * `tls_require_and_verify_client_cert`: every client must present a certificate that verifies
   * against `tls_client_ca_file` (undefined: Node's bundled roots, where Go would use the system's).
   */
  readonly clientCertificates?: { readonly caFile: string | undefined } | undefined;
  /** tls_min_version / tls_max_version (default tls12 / tls13, as Vault's listeners). */
  readonly tlsVersions?: { readonly min: TlsVersion; readonly max: TlsVersion } | undefined;
  readonly enableQuit: boolean;
  /** "metrics_only": this listener serves /agent/v1/metrics and nothing else. */
  readonly role?: 'default' | 'metrics_only' | undefined;
  /**
   * unix listeners: `socket_mode`, `socket_user`, `socket_group`, applied to the socket file once it
   * is bound. Vault Agent applies them only when all three are set (StartListener in
   * https://github.com/hashicorp/vault/blob/main/command/agentproxyshared/listener.go), so
   * this is undefined otherwise.
   */
  readonly socket?: SocketPermissions | undefined;
}

/** Node's names for the protocol versions Vault's `tls10`…`tls13` select. */
export type TlsVersion = 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';

export interface SocketPermissions {
  readonly mode: number;
  /** A user name or numeric id. */
  readonly user: string;
  /** A group name or numeric id. */
  readonly group: string;
}

/**
 * `cache.persist` (Vault Agent's persistent cache; only type "kubernetes"): the init container
 * leaves its token and leased secrets under `path`, the sidecar adopts them (docs/agent.md).
 */
export interface PersistConfig {
  readonly type: 'kubernetes';
  /** Directory holding the cache file (the injector uses /vault/agent-cache). */
  readonly path: string;
  /** Keep the file after the sidecar imported it (default false: delete it). */
  readonly keepAfterImport: boolean;
  /** A cache file that exists but cannot be read, decrypted or parsed stops the agent (exit 1). */
  readonly exitOnError: boolean;
  /** Service-account token that keys the encryption; undefined: the kubernetes method's token_path, else the default. */
  readonly serviceAccountTokenFile: string | undefined;
}

/**
 * `env_restart` (vault-injector extension, docs/env-vars.md): when a rendered file directly in
 * `directory` is replaced by different content, write a new token to `directory/.generation` once
 * changes have been quiet for `debounceMs`, and no sooner than `minIntervalMs` after the last one.
 * The launcher's liveness probe compares it with the token its container started with.
 */
export interface EnvRestartConfig {
  readonly directory: string;
  readonly debounceMs: number;
  readonly minIntervalMs: number;
}

/** `use_auto_auth_token`: false, true, or "force" (replace any token the client sent). */
export type UseAutoAuthToken = false | true | 'force';

export interface AgentConfig {
  readonly autoAuth: AutoAuthConfig | undefined;
  readonly exitAfterAuth: boolean;
  readonly pidFile: string | undefined;
  readonly vault: VaultConnectionConfig;
  readonly templates: readonly TemplateConfig[];
  /** env_template blocks: each has environmentVariable set. */
  readonly envTemplates: readonly TemplateConfig[];
  readonly exec: ExecConfig | undefined;
  readonly telemetry: TelemetryConfig | undefined;
  readonly templateConfig: TemplateRuntimeConfig;
  readonly listeners: readonly ListenerConfig[];
  readonly useAutoAuthToken: UseAutoAuthToken;
  readonly cacheEnabled: boolean;
  readonly persist: PersistConfig | undefined;
  /** vault-injector extension: restart requests for env-var directories (sidecar only). */
  readonly envRestart: readonly EnvRestartConfig[];
  readonly logLevel: string | undefined;
  readonly logFormat: string | undefined;
  /**
   * vault-injector extension (`ready_file`): created atomically once every template and token sink
   * has been written for the first time; a native sidecar's startupProbe can wait for it.
   */
  readonly readyFile: string | undefined;
  /** Accepted settings this agent does not act on (log_file, disable_mlock…), for one log line each. */
  readonly ignored: readonly string[];
  /** Keys Vault Agent does not know (ignored there and here), one message each, logged at start. */
  readonly warnings: readonly string[];
}

export const DEFAULTS = {
  vaultAddress: 'https://127.0.0.1:8200',
  maxResponseBytes: 32 * 1024 * 1024,
  sinkMode: 0o640,
  commandTimeoutMs: 30_000,
  staticSecretRenderIntervalMs: 5 * 60_000,
  maxConnectionsPerHost: 10,
  leaseRenewalThreshold: 0.9,
  numRetries: 12,
  listenerAddress: '127.0.0.1:8200',
  serviceAccountTokenFile: '/var/run/secrets/kubernetes.io/serviceaccount/token',
  envRestartDebounceMs: 5_000,
  envRestartMinIntervalMs: 30_000,
  execStopGraceMs: 30_000,
  prometheusRetentionMs: 24 * 3_600_000,
} as const;
