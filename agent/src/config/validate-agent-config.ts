// Generic decoded config → AgentConfig, checking every known key's value and reporting all problems
// at once. Key sets follow Vault Agent's config structs; keys Vault Agent does not know are ignored
// with one warning each (as Vault Agent ignores them), except in template stanzas, where Vault
// Agent refuses them too. Keys we accept but do not act on are listed in `ignored` so the agent
// can say so in one log line instead of silently dropping them. Every key: docs/agent.md.
import type {
  AgentConfig,
  AuthMethodConfig,
  AutoAuthConfig,
  EnvRestartConfig,
  FileSinkConfig,
  ListenerConfig,
  PersistConfig,
  SinkEncryption,
  TlsVersion,
  SocketPermissions,
  TemplateCommand,
  TemplateConfig,
  TemplateEngineName,
  TemplateRuntimeConfig,
  UseAutoAuthToken,
  VaultConnectionConfig,
} from './agent-config.js';
import { DEFAULTS, TEMPLATE_ENGINES } from './agent-config.js';
import type {
  AgentConfigDocument,
  AgentConfigDocumentCache,
  AgentConfigDocumentListener,
  AgentConfigDocumentMethod,
  AgentConfigDocumentSink,
  AgentConfigDocumentTemplate,
  AgentConfigDocumentTemplateConfig,
  AgentConfigDocumentVault,
} from '../../../common/src/agent-config-document.js';
import { keysOf } from '../../../common/src/agent-config-document.js';
import type { RawObject } from './config-reader.js';
import { IssueList, blockList, checkKeys, field, isObject, labelledBlocks, objectField, refuseUnknownExtensionKeys, refuseUnknownKeys, singleBlock } from './config-reader.js';
import { readOwner, readWait } from './template-extras.js';
import { checkEnvTemplateKeys, envTemplateBlocks, readExec } from './supervisor-config.js';
import { readTelemetry } from './telemetry-config.js';
import {
  decodeBool,
  decodeDurationMs,
  decodeFileMode,
  decodeFloat,
  decodeInt,
  decodeString,
  describe,
} from './config-values.js';
import { trimTrailing } from '../../../common/src/trim.js';

// Every key the webhook can render (AgentConfigDocument, checked by the compiler through keysOf),
// then the rest of what Vault Agent accepts
// (https://developer.hashicorp.com/vault/docs/agent-and-proxy/agent#configuration-file-options).
type Document = AgentConfigDocument;
const RENDERED = {
  topLevel: keysOf<Document>()([
    'auto_auth', 'exit_after_auth', 'pid_file', 'vault', 'template', 'listener', 'cache', 'template_config',
    'disable_idle_connections', 'disable_keep_alives', 'telemetry', 'ready_file', 'env_restart',
  ]),
  autoAuth: keysOf<Document['auto_auth']>()(['method', 'sink']),
  method: keysOf<AgentConfigDocumentMethod>()(['type', 'mount_path', 'min_backoff', 'max_backoff', 'namespace', 'config', 'exit_on_err']),
  sink: keysOf<AgentConfigDocumentSink>()(['type', 'config']),
  sinkConfig: keysOf<AgentConfigDocumentSink['config']>()(['path']),
  vault: keysOf<AgentConfigDocumentVault>()(['address', 'ca_cert', 'ca_path', 'tls_skip_verify', 'client_cert', 'client_key', 'tls_server_name']),
  template: keysOf<AgentConfigDocumentTemplate>()([
    'destination', 'contents', 'left_delimiter', 'right_delimiter', 'command', 'source', 'perms', 'error_on_missing_key', 'engine',
  ]),
  templateConfig: keysOf<AgentConfigDocumentTemplateConfig>()([
    'exit_on_retry_failure', 'static_secret_render_interval', 'max_connections_per_host', 'lease_renewal_threshold',
  ]),
  listener: keysOf<AgentConfigDocumentListener>()(['type', 'address', 'tls_disable', 'agent_api']),
  cache: keysOf<AgentConfigDocumentCache>()(['use_auto_auth_token', 'persist']),
  persist: keysOf<NonNullable<AgentConfigDocumentCache['persist']>>()(['type', 'path', 'exit_on_err']),
} as const;

const ENV_RESTART_KEYS = new Set(keysOf<NonNullable<Document['env_restart']>[number]>()(['directory', 'debounce', 'min_interval']));
const TOP_LEVEL_KEYS = new Set([
  ...RENDERED.topLevel, 'api_proxy', 'log_level', 'log_format', 'log_file', 'log_rotate_bytes', 'log_rotate_duration',
  'log_rotate_max_files', 'disable_mlock', 'env_template', 'exec',
]);
const AUTO_AUTH_KEYS = new Set([...RENDERED.autoAuth, 'sinks', 'enable_reauth_on_new_credentials']);
const METHOD_KEYS = new Set([...RENDERED.method, 'wrap_ttl']);
const SINK_KEYS = new Set([...RENDERED.sink, 'wrap_ttl', 'dh_type', 'dh_path', 'derive_key', 'aad', 'aad_env_var']);
const SINK_CONFIG_KEYS = new Set([...RENDERED.sinkConfig, 'mode', 'owner', 'group']);
// max_response_bytes is ours, not Vault Agent's (docs/agent.md, "Limits").
const VAULT_KEYS = new Set([...RENDERED.vault, 'namespace', 'retry', 'max_response_bytes']);
const TEMPLATE_KEYS = new Set([
  ...RENDERED.template, 'create_dest_dirs', 'backup', 'command_timeout', 'exec', 'wait', 'sandbox_path', 'function_denylist',
  'function_blacklist', 'user', 'group', 'uid', 'gid', 'error_fatal',
]);
const TEMPLATE_CONFIG_KEYS = new Set([
  ...RENDERED.templateConfig,
  // vault-injector extension (docs/agent.md): a default `wait` for every template.
  'wait',
]);
const LISTENER_KEYS = new Set([
  ...RENDERED.listener, 'tls_cert_file', 'tls_key_file', 'tls_min_version', 'tls_max_version', 'tls_client_ca_file',
  'tls_require_and_verify_client_cert', 'tls_disable_client_certs', 'require_request_header', 'role', 'proxy_api',
  'socket_mode', 'socket_user', 'socket_group', 'telemetry',
  // Vault's shared listener settings (https://developer.hashicorp.com/vault/docs/configuration/listener/tcp):
  // known, and without effect on this agent's loopback proxy.
  'tls_cipher_suites', 'tls_prefer_server_cipher_suites', 'max_request_size',
  'max_request_duration', 'proxy_protocol_behavior', 'proxy_protocol_authorized_addrs', 'x_forwarded_for_authorized_addrs',
  'x_forwarded_for_hop_skips', 'x_forwarded_for_reject_not_authorized', 'x_forwarded_for_reject_not_present',
  'x_forwarded_for_client_cert_header', 'x_forwarded_for_client_cert_header_decoders', 'http_read_header_timeout',
  'http_read_timeout', 'http_write_timeout', 'http_idle_timeout', 'custom_response_headers', 'inflight_requests_logging',
  'unauthenticated_metrics_access', 'cluster_address', 'purpose', 'chroot_namespace', 'redact_addresses',
  'redact_cluster_name', 'redact_version', 'disable_request_limiter', 'disable_replication_status_endpoints',
]);
const CACHE_KEYS = new Set([
  ...RENDERED.cache, 'enforce_consistency', 'when_inconsistent', 'cache_static_secrets', 'disable_caching_dynamic_secrets',
  'static_secret_token_capability_refresh_interval',
]);
const PERSIST_KEYS = new Set([...RENDERED.persist, 'keep_after_import', 'service_account_token_file']);
const API_PROXY_KEYS = new Set(['use_auto_auth_token', 'enforce_consistency', 'when_inconsistent']);
/**
 * Vault Agent's auto-auth method types
 * (https://developer.hashicorp.com/vault/docs/agent-and-proxy/autoauth/methods). A config naming
 * one of them is valid, as in Vault Agent (which also refuses an unknown type only when it starts);
 * whether this agent implements it is decided at start (agent/src/auth/create-auth-method.ts), so
 * the loader accepts every document the webhook renders for a real method.
 */
const VAULT_AGENT_METHODS = new Set([
  'alicloud', 'approle', 'aws', 'azure', 'cert', 'cf', 'gcp', 'jwt', 'kerberos', 'kubernetes', 'ldap', 'oci', 'pcf', 'token_file',
]);

export class AgentConfigError extends Error {
  override readonly name = 'AgentConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`invalid agent configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n  - ${problems.join('\n  - ')}`);
  }
}

/**
 * Validates a decoded config; throws AgentConfigError listing every problem. `env` answers a
 * sink's aad_env_var, which Vault reads while loading the config.
 */
export function validateAgentConfig(raw: unknown, env: (name: string) => string | undefined = (name) => process.env[name]): AgentConfig {
  const issues = new IssueList();
  const ignored: string[] = [];
  if (!isObject(raw)) throw new AgentConfigError([`config: expected an object, got ${describe(raw)}`]);
  checkKeys(raw, TOP_LEVEL_KEYS, 'config', issues);
  for (const key of ['disable_idle_connections', 'disable_keep_alives', 'log_file', 'log_rotate_bytes', 'log_rotate_duration', 'log_rotate_max_files', 'disable_mlock']) {
    if (raw[key] !== undefined) ignored.push(key);
  }

  const autoAuth = readAutoAuth(raw.auto_auth, issues, env);
  const templateConfig = readTemplateConfig(singleBlock(raw.template_config, 'template_config', issues), issues);
  const templates = blockList(raw.template, 'template', issues).map((block, index) =>
    readTemplate(block, `template[${index}]`, issues, templateConfig),
  );
  const envTemplates = envTemplateBlocks(raw.env_template, issues).map(({ name, path, block }) => {
    checkEnvTemplateKeys(block, path, issues);
    return { ...readTemplate({ ...block, destination: `env:${name}` }, path, issues, templateConfig), environmentVariable: name };
  });
  const listeners = labelledBlocks(raw.listener, LISTENER_KEYS, 'listener', issues).map((block, index) =>
    readListener(block, `listener[${index}]`, issues),
  );
  const cache = singleBlock(raw.cache, 'cache', issues);
  const apiProxy = singleBlock(raw.api_proxy, 'api_proxy', issues);
  if (cache !== undefined) checkKeys(cache, CACHE_KEYS, 'cache', issues);
  const persist = readPersist(cache?.persist, issues);
  if (apiProxy !== undefined) checkKeys(apiProxy, API_PROXY_KEYS, 'api_proxy', issues);
  const useAutoAuthToken = readUseAutoAuthToken(apiProxy ?? cache, apiProxy === undefined ? 'cache' : 'api_proxy', issues);

  const config: AgentConfig = {
    autoAuth,
    exitAfterAuth: field(raw, 'exit_after_auth', decodeBool, { path: 'config', issues }) ?? false,
    pidFile: emptyToUndefined(field(raw, 'pid_file', decodeString, { path: 'config', issues })),
    vault: readVault(singleBlock(raw.vault, 'vault', issues), issues),
    templates,
    envTemplates,
    exec: readExec(raw.exec, issues),
    telemetry: readTelemetry(raw.telemetry, issues, ignored),
    templateConfig,
    listeners,
    useAutoAuthToken,
    cacheEnabled: cache !== undefined,
    persist,
    envRestart: blockList(raw.env_restart, 'env_restart', issues).map((block, index) => readEnvRestart(block, `env_restart[${index}]`, issues)),
    logLevel: field(raw, 'log_level', decodeString, { path: 'config', issues }),
    logFormat: field(raw, 'log_format', decodeString, { path: 'config', issues }),
    readyFile: readReadyFile(raw, issues),
    ignored,
    warnings: issues.warnings,
  };
  checkRelations(config, issues);
  checkSupervisorRelations(config, raw, issues);
  if (issues.problems.length > 0) throw new AgentConfigError(issues.problems);
  return config;
}

function checkRelations(config: AgentConfig, issues: IssueList): void {
  checkAutoAuthRelations(config, issues);
  checkCacheRelations(config, issues);
  checkDestinations(config, issues);
}

function checkAutoAuthRelations(config: AgentConfig, issues: IssueList): void {
  const { autoAuth } = config;
  if (autoAuth === undefined) {
    if (config.exitAfterAuth) issues.add('exit_after_auth', 'requires auto_auth');
    if (config.templates.length > 0) issues.add('template', 'requires auto_auth');
    return;
  }
  if (autoAuth.sinks.length === 0 && config.templates.length === 0 && config.envTemplates.length === 0 && config.useAutoAuthToken === false) {
    issues.add('auto_auth', 'needs at least one sink, a template, or use_auto_auth_token');
  }
  if (autoAuth.method.wrapTtl !== undefined && autoAuth.sinks.length !== 1) {
    issues.add('auto_auth.method.wrap_ttl', 'requires exactly one sink');
  }
  if (autoAuth.method.wrapTtl !== undefined && autoAuth.sinks.some((sink) => sink.wrapTtl !== undefined)) {
    issues.add('auto_auth', 'wrap_ttl may be set on the method or on sinks, not both');
  }
}

function checkCacheRelations(config: AgentConfig, issues: IssueList): void {
  const { autoAuth } = config;
  if (config.cacheEnabled && config.listeners.length === 0 && config.templates.length === 0 && config.envTemplates.length === 0) {
    issues.add('cache', 'requires a listener or a template');
  }
  if (config.persist !== undefined && autoAuth === undefined) issues.add('cache.persist', 'requires auto_auth');
  const wrappedToken = autoAuth?.method.wrapTtl !== undefined;
  if (config.persist !== undefined && wrappedToken) {
    issues.add('cache.persist', 'cannot be used with a wrapped auto-auth token');
  }
  if (config.useAutoAuthToken !== false && wrappedToken) {
    issues.add('cache.use_auto_auth_token', 'cannot be used with a wrapped auto-auth token');
  }
}

function checkDestinations(config: AgentConfig, issues: IssueList): void {
  const destinations = new Set<string>();
  config.templates.forEach((template, index) => {
    if (destinations.has(template.destination)) issues.add(`template[${index}].destination`, 'repeats another template\'s destination');
    destinations.add(template.destination);
  });
}

/** Vault Agent's process-supervisor rules (command/agent/config/config.go, bad-config-env-templates-*). */
function checkSupervisorRelations(config: AgentConfig, raw: RawObject, issues: IssueList): void {
  if (config.envTemplates.length === 0) return;
  if (config.autoAuth === undefined) issues.add('env_template', 'requires auto_auth');
  if (config.exec === undefined) issues.add('env_template', 'a top-level exec block is required with env_template');
  if (config.templates.length > 0) issues.add('env_template', 'cannot be combined with template blocks');
  if (config.listeners.length > 0) issues.add('env_template', 'cannot be combined with a listener');
  if (raw.api_proxy !== undefined) issues.add('env_template', 'cannot be combined with api_proxy');
}

function readAutoAuth(value: unknown, issues: IssueList, env: (name: string) => string | undefined): AutoAuthConfig | undefined {
  const block = singleBlock(value, 'auto_auth', issues);
  if (block === undefined) return undefined;
  checkKeys(block, AUTO_AUTH_KEYS, 'auto_auth', issues);
  const methods = labelledBlocks(block.method, METHOD_KEYS, 'auto_auth.method', issues);
  if (methods.length !== 1) issues.add('auto_auth.method', `exactly one method is required, found ${methods.length}`);
  const method = readMethod(methods[0] ?? {}, 'auto_auth.method', issues);
  const sinkBlocks = [
    ...labelledBlocks(block.sink, SINK_KEYS, 'auto_auth.sink', issues),
    ...blockList(block.sinks, 'auto_auth.sinks', issues).flatMap((sinks) =>
      labelledBlocks(sinks.sink, SINK_KEYS, 'auto_auth.sinks.sink', issues),
    ),
  ];
  const sinks = sinkBlocks.map((sink, index) => readSink(sink, `auto_auth.sink[${index}]`, issues, env));
  const enableReauthOnNewCredentials = field(block, 'enable_reauth_on_new_credentials', decodeBool, { path: 'auto_auth', issues }) ?? false;
  return { method, sinks, enableReauthOnNewCredentials };
}

function readMethod(block: RawObject, path: string, issues: IssueList): AuthMethodConfig {
  checkKeys(block, METHOD_KEYS, path, issues);
  const type = field(block, 'type', decodeString, { path, issues }) ?? '';
  if (type === '') issues.add(`${path}.type`, 'is required');
  else if (!VAULT_AGENT_METHODS.has(type)) {
    issues.add(`${path}.type`, `unknown auth method "${type}" (Vault Agent's methods: ${[...VAULT_AGENT_METHODS].join(', ')})`);
  }
  const mountPath = trimTrailing(field(block, 'mount_path', decodeString, { path, issues }) ?? '', '/');
  const minBackoffMs = positiveOrUndefined(field(block, 'min_backoff', decodeDurationMs, { path, issues }));
  const maxBackoffMs = positiveOrUndefined(field(block, 'max_backoff', decodeDurationMs, { path, issues }));
  const config = objectField(block, 'config', path, issues);
  return {
    type,
    mountPath: mountPath === '' ? `auth/${type}` : mountPath,
    namespace: emptyToUndefined(field(block, 'namespace', decodeString, { path, issues })),
    wrapTtl: emptyToUndefined(field(block, 'wrap_ttl', decodeString, { path, issues })),
    minBackoffMs,
    maxBackoffMs,
    exitOnError: field(block, 'exit_on_err', decodeBool, { path, issues }) ?? false,
    config,
  };
}

function readSink(block: RawObject, path: string, issues: IssueList, env: (name: string) => string | undefined): FileSinkConfig {
  checkKeys(block, SINK_KEYS, path, issues);
  const type = field(block, 'type', decodeString, { path, issues });
  if (type !== 'file') issues.add(`${path}.type`, `unsupported sink type ${JSON.stringify(type ?? '')} (supported: file)`);
  const encryption = readSinkEncryption(block, path, issues, env);
  const config = objectField(block, 'config', path, issues);
  checkKeys(config, SINK_CONFIG_KEYS, `${path}.config`, issues);
  const sinkPath = field(config, 'path', decodeString, { path: `${path}.config`, issues }) ?? '';
  if (sinkPath === '') issues.add(`${path}.config.path`, 'is required');
  return {
    path: sinkPath,
    mode: field(config, 'mode', decodeFileMode, { path: `${path}.config`, issues }) ?? DEFAULTS.sinkMode,
    wrapTtl: emptyToUndefined(field(block, 'wrap_ttl', decodeString, { path, issues })),
    ...(encryption === undefined ? {} : { encryption }),
  };
}

/** dh_type/dh_path/derive_key/aad/aad_env_var, checked as Vault's parseSinks does (command/agent/config/config.go). */
function readSinkEncryption(block: RawObject, path: string, issues: IssueList, env: (name: string) => string | undefined): SinkEncryption | undefined {
  const text = (key: string): string => field(block, key, decodeString, { path, issues }) ?? '';
  const dhType = text('dh_type');
  if (dhType !== '' && dhType !== 'curve25519') issues.add(`${path}.dh_type`, `invalid value for 'dh_type' ${JSON.stringify(dhType)} (supported: curve25519)`);
  const dhPath = text('dh_path');
  const deriveKey = field(block, 'derive_key', decodeBool, { path, issues }) ?? false;
  const aadEnvVar = text('aad_env_var');
  const aad = aadEnvVar === '' ? text('aad') : (env(aadEnvVar) ?? '');
  if (dhType !== '' && dhPath !== '') return { dhPath, deriveKey, aad };
  if (dhType !== '' || dhPath !== '') issues.add(`${path}.dh_type`, "'dh_type' and 'dh_path' must be specified together");
  else refuseWithoutDh(aad, deriveKey, path, issues);
  return undefined;
}

function refuseWithoutDh(aad: string, deriveKey: boolean, path: string, issues: IssueList): void {
  if (aad !== '') issues.add(`${path}.aad`, "specifying AAD data without 'dh_type' does not make sense");
  if (deriveKey) issues.add(`${path}.derive_key`, "specifying 'derive_key' data without 'dh_type' does not make sense");
}

function readVault(block: RawObject | undefined, issues: IssueList): VaultConnectionConfig {
  const vault = block ?? {};
  checkKeys(vault, VAULT_KEYS, 'vault', issues);
  const retry = objectField(vault, 'retry', 'vault', issues);
  checkKeys(retry, new Set(['num_retries']), 'vault.retry', issues);
  const numRetries = field(retry, 'num_retries', decodeInt, { path: 'vault.retry', issues }) ?? 0;
  const text = (key: string): string | undefined => emptyToUndefined(field(vault, key, decodeString, { path: 'vault', issues }));
  return {
    address: text('address'),
    caCert: text('ca_cert'),
    caPath: text('ca_path'),
    clientCert: text('client_cert'),
    clientKey: text('client_key'),
    tlsSkipVerify: field(vault, 'tls_skip_verify', decodeBool, { path: 'vault', issues }) ?? false,
    tlsServerName: text('tls_server_name'),
    namespace: text('namespace'),
    // Vault: 0 means the default (12), −1 means no retries.
    retry: { numRetries: numRetries === 0 ? DEFAULTS.numRetries : Math.max(numRetries, 0) },
    maxResponseBytes: positiveInt(field(vault, 'max_response_bytes', decodeInt, { path: 'vault', issues }), 'vault.max_response_bytes', issues),
  };
}

function positiveInt(value: number | undefined, path: string, issues: IssueList): number | undefined {
  if (value === undefined || value > 0) return value;
  issues.add(path, `must be a positive number of bytes, got ${value}`);
  return undefined;
}

function readTemplate(block: RawObject, path: string, issues: IssueList, defaults: TemplateRuntimeConfig): TemplateConfig {
  refuseUnknownKeys(block, TEMPLATE_KEYS, path, issues);
  const text = (key: string): string | undefined => field(block, key, decodeString, { path, issues });
  const destination = text('destination') ?? '';
  if (destination === '') issues.add(`${path}.destination`, 'is required');
  const { contents, source } = readTemplateText(text, path, issues);
  const engine = readEngine(text, path, issues);
  const owner = readOwner(block, path, issues);
  const createDestDirs = field(block, 'create_dest_dirs', decodeBool, { path, issues }) ?? true;
  const perms = field(block, 'perms', decodeFileMode, { path, issues });
  const backup = field(block, 'backup', decodeBool, { path, issues }) ?? false;
  const errorOnMissingKey = field(block, 'error_on_missing_key', decodeBool, { path, issues }) ?? false;
  const { leftDelimiter, rightDelimiter } = readDelimiters(text);
  return {
    destination,
    contents,
    source,
    engine,
    createDestDirs,
    perms,
    backup,
    errorOnMissingKey,
    leftDelimiter,
    rightDelimiter,
    command: readTemplateCommand(block, path, issues),
    functionDenylist: readFunctionDenylist(block, path, issues),
    sandboxPath: readSandboxPath(text('sandbox_path'), `${path}.sandbox_path`, issues),
    wait: readWait(block.wait, `${path}.wait`, issues) ?? defaults.wait,
    user: owner.user,
    group: owner.group,
  };
}

type TextField = (key: string) => string | undefined;

/** contents or source: exactly one of them. */
function readTemplateText(text: TextField, path: string, issues: IssueList): { contents: string | undefined; source: string | undefined } {
  const contents = emptyToUndefined(text('contents'));
  const source = emptyToUndefined(text('source'));
  if (contents !== undefined && source !== undefined) issues.add(path, 'contents and source are mutually exclusive');
  if (contents === undefined && source === undefined) issues.add(path, 'one of contents or source is required');
  return { contents, source };
}

function readEngine(text: TextField, path: string, issues: IssueList): TemplateEngineName {
  const engine = text('engine') ?? 'go';
  if (!(TEMPLATE_ENGINES as readonly string[]).includes(engine)) {
    issues.add(`${path}.engine`, `unknown engine ${JSON.stringify(engine)} (supported: ${TEMPLATE_ENGINES.join(', ')})`);
  }
  return engine as TemplateEngineName;
}

function readDelimiters(text: TextField): { leftDelimiter: string; rightDelimiter: string } {
  return {
    leftDelimiter: emptyToUndefined(text('left_delimiter')) ?? '{{',
    rightDelimiter: emptyToUndefined(text('right_delimiter')) ?? '}}',
  };
}

/** function_blacklist is consul-template's older name for the same list; both may be given. */
function readFunctionDenylist(block: RawObject, path: string, issues: IssueList): string[] {
  return [
    ...(readStringList(block.function_denylist, `${path}.function_denylist`, issues) ?? []),
    ...(readStringList(block.function_blacklist, `${path}.function_blacklist`, issues) ?? []),
  ];
}

function readSandboxPath(value: string | undefined, path: string, issues: IssueList): string | undefined {
  const sandbox = emptyToUndefined(value);
  if (sandbox !== undefined && !sandbox.startsWith('/')) issues.add(path, `must be an absolute path, got ${JSON.stringify(sandbox)}`);
  return sandbox;
}

function readTemplateCommand(block: RawObject, path: string, issues: IssueList): TemplateCommand | undefined {
  const exec = block.exec === undefined ? undefined : singleBlock(block.exec, `${path}.exec`, issues);
  if (exec !== undefined && block.command !== undefined) issues.add(path, 'command and exec are mutually exclusive');
  const source = exec ?? block;
  const sourcePath = exec === undefined ? path : `${path}.exec`;
  if (exec !== undefined) checkKeys(exec, new Set(['command', 'timeout']), sourcePath, issues);
  const timeoutKey = exec === undefined ? 'command_timeout' : 'timeout';
  const command = readCommandValue(source.command, `${sourcePath}.command`, issues);
  if (command === undefined) return undefined;
  const timeoutMs = field(source, timeoutKey, decodeDurationMs, { path: sourcePath, issues });
  return { command, timeoutMs: timeoutMs === undefined || timeoutMs === 0 ? DEFAULTS.commandTimeoutMs : timeoutMs };
}

function readCommandValue(value: unknown, path: string, issues: IssueList): string | readonly string[] | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string') return value;
  const list = readStringList(value, path, issues);
  if (list === undefined || list.length === 0) return undefined;
  return list.length === 1 && list[0] !== undefined ? list[0] : list;
}

function readStringList(value: unknown, path: string, issues: IssueList): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value;
  issues.add(path, `expected a list of strings, got ${describe(value)}`);
  return undefined;
}

function readTemplateConfig(block: RawObject | undefined, issues: IssueList): TemplateRuntimeConfig {
  const config = block ?? {};
  const path = 'template_config';
  checkKeys(config, TEMPLATE_CONFIG_KEYS, path, issues);
  const leaseRenewalThreshold = readLeaseRenewalThreshold(config, path, issues);
  const interval = field(config, 'static_secret_render_interval', decodeDurationMs, { path, issues });
  const connections = field(config, 'max_connections_per_host', decodeInt, { path, issues });
  return {
    exitOnRetryFailure: field(config, 'exit_on_retry_failure', decodeBool, { path, issues }) ?? false,
    staticSecretRenderIntervalMs: positiveOr(interval, DEFAULTS.staticSecretRenderIntervalMs),
    maxConnectionsPerHost: positiveOr(connections, DEFAULTS.maxConnectionsPerHost),
    leaseRenewalThreshold,
    wait: readWait(config.wait, `${path}.wait`, issues),
  };
}

/** A fraction strictly between 0 and 1 (decodeFloat gives finite numbers only); anything else is reported and replaced by the default. */
function readLeaseRenewalThreshold(config: RawObject, path: string, issues: IssueList): number {
  const threshold = field(config, 'lease_renewal_threshold', decodeFloat, { path, issues });
  if (threshold === undefined) return DEFAULTS.leaseRenewalThreshold;
  if (threshold > 0 && threshold < 1) return threshold;
  issues.add(`${path}.lease_renewal_threshold`, 'must be between 0 and 1');
  return DEFAULTS.leaseRenewalThreshold;
}

/** Zero or less (or unset) means "the default". */
function positiveOr(value: number | undefined, fallback: number): number {
  return value === undefined || value <= 0 ? fallback : value;
}

function readListener(block: RawObject, path: string, issues: IssueList): ListenerConfig {
  checkKeys(block, LISTENER_KEYS, path, issues);
  const type = field(block, 'type', decodeString, { path, issues }) ?? '';
  if (type !== 'tcp' && type !== 'unix') issues.add(`${path}.type`, `unsupported listener type ${JSON.stringify(type)} (tcp or unix)`);
  const { tlsDisable, tlsCertFile, tlsKeyFile, clientCertificates, tlsVersions } = readListenerTls(block, path, issues);
  const role = readListenerRole(block, path, issues);
  const agentApi = objectField(block, 'agent_api', path, issues);
  checkKeys(agentApi, new Set(['enable_quit']), `${path}.agent_api`, issues);
  return {
    type: type === 'unix' ? 'unix' : 'tcp',
    address: emptyToUndefined(field(block, 'address', decodeString, { path, issues })) ?? DEFAULTS.listenerAddress,
    tlsDisable,
    tlsCertFile,
    tlsKeyFile,
    ...(clientCertificates === undefined ? {} : { clientCertificates }),
    ...(tlsVersions === undefined ? {} : { tlsVersions }),
    requireRequestHeader: field(block, 'require_request_header', decodeBool, { path, issues }) ?? false,
    enableQuit: field(agentApi, 'enable_quit', decodeBool, { path: `${path}.agent_api`, issues }) ?? false,
    role,
    ...(type === 'unix' ? { socket: readSocketPermissions(block, path, issues) } : {}),
  };
}

function readListenerRole(block: RawObject, path: string, issues: IssueList): 'default' | 'metrics_only' {
  const role = field(block, 'role', decodeString, { path, issues }) ?? 'default';
  if (role === 'default' || role === 'metrics_only') return role;
  issues.add(`${path}.role`, `unsupported role ${JSON.stringify(role)} (default or metrics_only)`);
  return 'default';
}

/** socket_mode/socket_user/socket_group: used only when all three are set, as Vault Agent does (see SocketPermissions). */
function readSocketPermissions(block: RawObject, path: string, issues: IssueList): SocketPermissions | undefined {
  const mode = field(block, 'socket_mode', decodeFileMode, { path, issues });
  const user = emptyToUndefined(field(block, 'socket_user', decodeString, { path, issues }));
  const group = emptyToUndefined(field(block, 'socket_group', decodeString, { path, issues }));
  if (mode === undefined || user === undefined || group === undefined) return undefined;
  return { mode, user, group };
}

function readListenerTls(block: RawObject, path: string, issues: IssueList): Pick<ListenerConfig, 'tlsDisable' | 'tlsCertFile' | 'tlsKeyFile' | 'clientCertificates' | 'tlsVersions'> {
  const tlsDisable = field(block, 'tls_disable', decodeBool, { path, issues }) ?? false;
  const tlsCertFile = emptyToUndefined(field(block, 'tls_cert_file', decodeString, { path, issues }));
  const tlsKeyFile = emptyToUndefined(field(block, 'tls_key_file', decodeString, { path, issues }));
  if (!tlsDisable && (tlsCertFile === undefined || tlsKeyFile === undefined)) {
    issues.add(path, 'tls_cert_file and tls_key_file are required unless tls_disable is true');
  }
  // As go-secure-stdlib's listenerutil.TLSConfig: client certificates only matter with TLS on.
  const requireClientCert = field(block, 'tls_require_and_verify_client_cert', decodeBool, { path, issues }) ?? false;
  const disableClientCerts = field(block, 'tls_disable_client_certs', decodeBool, { path, issues }) ?? false;
  const caFile = emptyToUndefined(field(block, 'tls_client_ca_file', decodeString, { path, issues }));
  if (tlsDisable) return { tlsDisable, tlsCertFile, tlsKeyFile };
  const tlsVersions = readTlsVersions(block, path, issues);
  if (!requireClientCert) return { tlsDisable, tlsCertFile, tlsKeyFile, tlsVersions };
  if (disableClientCerts) issues.add(`${path}.tls_disable_client_certs`, "'tls_disable_client_certs' and 'tls_require_and_verify_client_cert' are mutually exclusive");
  return { tlsDisable, tlsCertFile, tlsKeyFile, tlsVersions, clientCertificates: { caFile } };
}

const TLS_VERSIONS: Readonly<Record<string, TlsVersion>> = { tls10: 'TLSv1', tls11: 'TLSv1.1', tls12: 'TLSv1.2', tls13: 'TLSv1.3' };
/** Oldest first, to compare a minimum with a maximum. */
const TLS_ORDER: readonly TlsVersion[] = Object.values(TLS_VERSIONS);

/** tls_min_version/tls_max_version with listenerutil.TLSConfig's defaults and texts. */
function readTlsVersions(block: RawObject, path: string, issues: IssueList): { readonly min: TlsVersion; readonly max: TlsVersion } {
  const version = (key: string, fallback: string): TlsVersion => {
    const name = emptyToUndefined(field(block, key, decodeString, { path, issues })) ?? fallback;
    const found = Object.hasOwn(TLS_VERSIONS, name) ? TLS_VERSIONS[name] : undefined;
    if (found === undefined) issues.add(`${path}.${key}`, `'${key}' value ${JSON.stringify(name)} not supported, please specify one of [tls10,tls11,tls12,tls13]`);
    return found ?? (TLS_VERSIONS[fallback] as TlsVersion);
  };
  const min = version('tls_min_version', 'tls12');
  const max = version('tls_max_version', 'tls13');
  if (TLS_ORDER.indexOf(max) < TLS_ORDER.indexOf(min)) issues.add(`${path}.tls_max_version`, "'tls_max_version' must be greater than or equal to 'tls_min_version'");
  return { min, max };
}

function readPersist(value: unknown, issues: IssueList): PersistConfig | undefined {
  const blocks = labelledBlocks(value, PERSIST_KEYS, 'cache.persist', issues);
  if (blocks.length === 0) return undefined;
  if (blocks.length > 1) issues.add('cache.persist', `may appear only once, found ${blocks.length}`);
  const block = blocks[0] ?? {};
  const path = 'cache.persist';
  checkKeys(block, PERSIST_KEYS, path, issues);
  const type = field(block, 'type', decodeString, { path, issues }) ?? '';
  if (type !== 'kubernetes') issues.add(`${path}.type`, `unsupported persistent cache type ${JSON.stringify(type)} (supported: kubernetes)`);
  const directory = field(block, 'path', decodeString, { path, issues }) ?? '';
  if (directory === '') issues.add(`${path}.path`, 'is required');
  return {
    type: 'kubernetes',
    path: directory,
    keepAfterImport: field(block, 'keep_after_import', decodeBool, { path, issues }) ?? false,
    exitOnError: field(block, 'exit_on_err', decodeBool, { path, issues }) ?? false,
    serviceAccountTokenFile: emptyToUndefined(field(block, 'service_account_token_file', decodeString, { path, issues })),
  };
}

function readEnvRestart(block: RawObject, path: string, issues: IssueList): EnvRestartConfig {
  refuseUnknownExtensionKeys(block, ENV_RESTART_KEYS, path, issues);
  const directory = trimTrailing(field(block, 'directory', decodeString, { path, issues }) ?? '', '/');
  if (!directory.startsWith('/')) issues.add(`${path}.directory`, 'must be an absolute path');
  const debounceMs = field(block, 'debounce', decodeDurationMs, { path, issues });
  const minIntervalMs = field(block, 'min_interval', decodeDurationMs, { path, issues });
  return {
    directory,
    debounceMs: debounceMs ?? DEFAULTS.envRestartDebounceMs,
    minIntervalMs: minIntervalMs ?? DEFAULTS.envRestartMinIntervalMs,
  };
}

function readUseAutoAuthToken(block: RawObject | undefined, path: string, issues: IssueList): UseAutoAuthToken {
  const value = block?.use_auto_auth_token;
  if (value === undefined || value === null || value === '') return false;
  if (typeof value === 'string' && value.toLowerCase() === 'force') return 'force';
  const decoded = decodeBool(value);
  if (!decoded.ok) {
    issues.add(`${path}.use_auto_auth_token`, `${decoded.error} (expected true, false or "force")`);
    return false;
  }
  return decoded.value;
}

/** vault-injector extension: an absolute path the agent creates once everything was written once. */
function readReadyFile(raw: RawObject, issues: IssueList): string | undefined {
  const path = emptyToUndefined(field(raw, 'ready_file', decodeString, { path: 'config', issues }));
  if (path !== undefined && !path.startsWith('/')) issues.add('ready_file', `must be an absolute path, got ${JSON.stringify(path)}`);
  return path;
}

function emptyToUndefined(value: string | undefined): string | undefined {
  return value === '' ? undefined : value;
}

function positiveOrUndefined(value: number | undefined): number | undefined {
  return value === undefined || value <= 0 ? undefined : value;
}
