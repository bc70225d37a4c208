// InjectionSpec + container role → the agent configuration document (AgentConfigDocument) vault-k8s
// generates (https://github.com/hashicorp/vault-k8s/blob/main/agent-inject/agent/config.go). Keys
// are inserted in vault-k8s's struct order and omitted where it omits them, so our JSON reads like
// the real thing in a diff; encodeAgentConfig matches Go's escaping.
import { posix } from 'node:path';
import type {
  AgentConfigDocument,
  AgentConfigDocumentCache,
  AgentConfigDocumentListener,
  AgentConfigDocumentTemplate,
} from '../../../../common/src/agent-config-document.js';
import { AGENT_CACHE_PATH, usesPersistentCache } from '../persistent-cache.js';
import type { InjectionSpec, SecretSpec } from '../spec.js';
import { ENV_FILE_PERMS, envDirectory } from '../env/env-paths.js';

export type AgentRole = 'init' | 'sidecar';

export const AGENT_TOKEN_SINK_PATH = '/home/vault/.vault-token';
export const AGENT_PID_FILE = '/home/vault/.pid';
/** Written by our agent once every template and sink was written; the ready-file startupProbe waits for it. */
export const AGENT_READY_FILE = '/home/vault/.vault-agent-ready';

/** Assigns `value` to `key` unless it is "", false, 0 or undefined (Go's omitempty). */
function setIfPresent<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | '' | false | 0 | undefined): void {
  if (value !== undefined && value !== '' && value !== false && value !== 0) target[key] = value;
}

function sortedRecord(record: Readonly<Record<string, string>>): Record<string, string> {
  const sorted: Record<string, string> = {};
  for (const key of Object.keys(record).sort()) sorted[key] = record[key] ?? '';
  return sorted;
}

function renderTemplate(secret: SecretSpec): AgentConfigDocumentTemplate {
  const template: AgentConfigDocumentTemplate = { destination: secret.destination };
  setIfPresent(template, 'contents', secret.contents);
  setIfPresent(template, 'left_delimiter', secret.leftDelimiter);
  setIfPresent(template, 'right_delimiter', secret.rightDelimiter);
  setIfPresent(template, 'command', secret.command);
  setIfPresent(template, 'source', secret.source);
  setIfPresent(template, 'perms', secret.perms);
  setIfPresent(template, 'error_on_missing_key', secret.errorOnMissingKey ? true : undefined);
  if (secret.engine === 'handlebars') template.engine = 'handlebars';
  return template;
}

/**
 * One template per variable per wrapped container (docs/env-vars.md): the file's bytes are the
 * value, 0440, and a missing key fails the render rather than starting the app with "<no value>".
 */
function envTemplates(spec: InjectionSpec): AgentConfigDocumentTemplate[] {
  const env = spec.envVars;
  if (env === undefined) return [];
  const byName = new Map(env.variables.map((variable) => [variable.name, variable.template]));
  return env.containers.flatMap((container) =>
    container.names.map((name) => ({
      destination: posix.join(envDirectory(container.name), name),
      contents: byName.get(name) ?? '',
      left_delimiter: '{{',
      right_delimiter: '}}',
      perms: ENV_FILE_PERMS,
      error_on_missing_key: true,
    })),
  );
}

function renderAutoAuth(spec: InjectionSpec): AgentConfigDocument['auto_auth'] {
  const { autoAuth } = spec;
  const method: AgentConfigDocument['auto_auth']['method'] = { type: autoAuth.type };
  setIfPresent(method, 'mount_path', autoAuth.mountPath);
  setIfPresent(method, 'min_backoff', autoAuth.minBackoff);
  setIfPresent(method, 'max_backoff', autoAuth.maxBackoff);
  setIfPresent(method, 'namespace', autoAuth.namespace);
  if (Object.keys(autoAuth.config).length > 0) method.config = sortedRecord(autoAuth.config);
  setIfPresent(method, 'exit_on_err', autoAuth.exitOnErr ? true : undefined);
  const sink: AgentConfigDocument['auto_auth']['sink'] = tokenSinkPaths(spec).map((path) => ({ type: 'file', config: { path } }));
  return { method, sink };
}

/** The token sinks: the agent's own, plus `<secret-volume-path>/token` with agent-inject-token. */
export function tokenSinkPaths(spec: InjectionSpec): string[] {
  return spec.injectToken ? [AGENT_TOKEN_SINK_PATH, posix.join(spec.secretVolumePath, 'token')] : [AGENT_TOKEN_SINK_PATH];
}


function renderVault(spec: InjectionSpec): AgentConfigDocument['vault'] {
  const { vault } = spec;
  const rendered: AgentConfigDocument['vault'] = { address: vault.address };
  setIfPresent(rendered, 'ca_cert', vault.caCert);
  setIfPresent(rendered, 'ca_path', vault.caPath);
  setIfPresent(rendered, 'tls_skip_verify', vault.tlsSkipVerify ? true : undefined);
  setIfPresent(rendered, 'client_cert', vault.clientCert);
  setIfPresent(rendered, 'client_key', vault.clientKey);
  setIfPresent(rendered, 'tls_server_name', vault.tlsServerName);
  return rendered;
}

/**
 * Listener and cache as newConfig in vault-k8s's agent-inject/agent/config.go writes them:
 * persistent cache in both, plain cache only without init.
 */
function renderCache(spec: InjectionSpec, role: AgentRole): Pick<AgentConfigDocument, 'listener' | 'cache'> {
  const listenerAddress = `127.0.0.1:${spec.cache.listenerPort}`;
  let { listener, rendered } = renderCacheStanza(spec, role, listenerAddress);
  if (spec.enableQuit) {
    listener ??= [{ type: 'tcp', address: listenerAddress, tls_disable: true }];
    const [first] = listener;
    if (first !== undefined) first.agent_api = { enable_quit: true };
    rendered ??= {};
  }
  const result: Pick<AgentConfigDocument, 'listener' | 'cache'> = {};
  if (listener !== undefined) result.listener = listener;
  if (rendered !== undefined) result.cache = rendered;
  return result;
}

/** The cache (with its listener) when the pod asks for one: persistent in both roles, plain in a sidecar without init. */
function renderCacheStanza(
  spec: InjectionSpec,
  role: AgentRole,
  listenerAddress: string,
): { listener: AgentConfigDocumentListener[] | undefined; rendered: AgentConfigDocumentCache | undefined } {
  const { cache } = spec;
  const persist = usesPersistentCache(spec);
  const sidecarOnlyCache = cache.enabled && !spec.injectInitContainer && role === 'sidecar';
  if (!persist && !sidecarOnlyCache) return { listener: undefined, rendered: undefined };
  const listener: AgentConfigDocumentListener[] = [{ type: 'tcp', address: listenerAddress, tls_disable: true }];
  const rendered: AgentConfigDocumentCache = { use_auto_auth_token: cache.useAutoAuthToken };
  if (persist) {
    rendered.persist = { type: 'kubernetes', path: AGENT_CACHE_PATH };
    if (cache.exitOnErr) rendered.persist.exit_on_err = true;
  }
  return { listener, rendered };
}

function renderTemplateConfig(spec: InjectionSpec): AgentConfigDocument['template_config'] {
  const { templateConfig } = spec;
  const rendered: AgentConfigDocument['template_config'] = { exit_on_retry_failure: templateConfig.exitOnRetryFailure };
  setIfPresent(rendered, 'static_secret_render_interval', templateConfig.staticSecretRenderInterval);
  setIfPresent(rendered, 'max_connections_per_host', templateConfig.maxConnectionsPerHost);
  setIfPresent(rendered, 'lease_renewal_threshold', templateConfig.leaseRenewalThreshold);
  return rendered;
}

/**
 * The parts of the document that are the same for both roles. The init container and the sidecar
 * share these objects, so encodeAgentConfig (given one `encoded` map for both) serialises each once.
 */
export interface SharedAgentConfigParts {
  readonly autoAuth: AgentConfigDocument['auto_auth'];
  readonly vault: AgentConfigDocument['vault'];
  readonly templates: AgentConfigDocumentTemplate[] | undefined;
  readonly templateConfig: AgentConfigDocument['template_config'];
  readonly disableIdleConnections: string[] | undefined;
  readonly disableKeepAlives: string[] | undefined;
  readonly telemetry: AgentConfigDocument['telemetry'] | undefined;
}

export function renderSharedAgentConfigParts(spec: InjectionSpec): SharedAgentConfigParts {
  const templates = [...spec.secrets.map(renderTemplate), ...envTemplates(spec)];
  return {
    autoAuth: renderAutoAuth(spec),
    vault: renderVault(spec),
    templates: templates.length > 0 ? templates : undefined,
    templateConfig: renderTemplateConfig(spec),
    disableIdleConnections: spec.disableIdleConnections === undefined ? undefined : [...spec.disableIdleConnections],
    disableKeepAlives: spec.disableKeepAlives === undefined ? undefined : [...spec.disableKeepAlives],
    telemetry: spec.telemetry === undefined ? undefined : { ...spec.telemetry },
  };
}

export function renderAgentConfig(spec: InjectionSpec, role: AgentRole, shared: SharedAgentConfigParts = renderSharedAgentConfigParts(spec)): AgentConfigDocument {
  const { listener, cache } = renderCache(spec, role);
  // Built key by key so the JSON follows vault-k8s's struct order (the Config struct in
  // agent-inject/agent/config.go).
  const config: AgentConfigDocument = {
    auto_auth: shared.autoAuth,
    exit_after_auth: role === 'init',
    pid_file: AGENT_PID_FILE,
    vault: shared.vault,
  } as AgentConfigDocument;
  if (shared.templates !== undefined) config.template = shared.templates;
  if (listener !== undefined) config.listener = listener;
  if (cache !== undefined) config.cache = cache;
  config.template_config = shared.templateConfig;
  addConnectionSettings(config, shared);
  if (role === 'sidecar') addSidecarExtensions(config, spec);
  return config;
}

/** disable_idle_connections, disable_keep_alives and telemetry, when the pod sets them. */
function addConnectionSettings(config: AgentConfigDocument, shared: SharedAgentConfigParts): void {
  if (shared.disableIdleConnections !== undefined) config.disable_idle_connections = shared.disableIdleConnections;
  if (shared.disableKeepAlives !== undefined) config.disable_keep_alives = shared.disableKeepAlives;
  if (shared.telemetry !== undefined) config.telemetry = shared.telemetry;
}

/** vault-injector's own sidecar keys (ready_file, env_restart), last, and only when their feature is on. */
function addSidecarExtensions(config: AgentConfigDocument, spec: InjectionSpec): void {
  // Only for the ready-file probe: the default (files) keeps the document what Vault Agent reads.
  if (spec.nativeSidecar && spec.nativeSidecarProbe.kind === 'ready-file') config.ready_file = AGENT_READY_FILE;
  if (spec.envVars?.restartOnChange === true && spec.envVars.containers.length > 0) {
    config.env_restart = spec.envVars.containers.map((container) => ({ directory: envDirectory(container.name) }));
  }
}

/** Compact JSON with Go's HTML-safe escaping, as vault-k8s's json.Marshal produces it. */
const GO_ESCAPES: Readonly<Record<string, string>> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};
const GO_ESCAPED = /[<>&\u2028\u2029]/;
const GO_ESCAPED_ALL = /[<>&\u2028\u2029]/g;

/** JSON text with Go's HTML-safe escaping. These characters can only occur inside JSON strings, so a textual replace is exact. */
function goEscape(json: string): string {
  // Most documents have none: a test is much cheaper than a replace with a callback.
  return GO_ESCAPED.test(json) ? json.replace(GO_ESCAPED_ALL, (char) => GO_ESCAPES[char] ?? char) : json;
}

/**
 * The document as Go's json.Marshal writes it. With `encoded`, the document's top-level values are
 * serialised one by one and each object value is remembered there by identity, so two documents
 * sharing parts (renderSharedAgentConfigParts) serialise them once; the text is the same as
 * JSON.stringify of the whole (compact, keys in insertion order, undefined values left out).
 */
export function encodeAgentConfig(config: AgentConfigDocument, encoded?: Map<unknown, string>): string {
  if (encoded === undefined) return goEscape(JSON.stringify(config));
  const record = config as unknown as Readonly<Record<string, unknown>>;
  let text = '';
  for (const key of Object.keys(record)) {
    const value = record[key];
    // JSON.stringify leaves undefined members out (a document holds no functions or symbols).
    if (value === undefined) continue;
    let json = encoded.get(value);
    if (json === undefined) {
      json = goEscape(JSON.stringify(value));
      if (typeof value === 'object' && value !== null) encoded.set(value, json);
    }
    text += `${text === '' ? '{' : ','}${goEscape(JSON.stringify(key))}:${json}`;
  }
  return text === '' ? '{}' : `${text}}`;
}

/** Each role's encoded document for one spec, the parts both roles share rendered and serialised once. */
export function agentConfigEncoder(spec: InjectionSpec): (role: AgentRole) => string {
  let shared: SharedAgentConfigParts | undefined;
  const encoded = new Map<unknown, string>();
  return (role) => {
    shared ??= renderSharedAgentConfigParts(spec);
    return encodeAgentConfig(renderAgentConfig(spec, role, shared), encoded);
  };
}
