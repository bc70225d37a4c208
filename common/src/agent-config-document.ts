// The agent configuration document: the JSON the webhook puts (base64) into VAULT_CONFIG and the
// agent reads with -config. One type for both programs, so the seam between them is checked by the
// compiler (the webhook renders exactly this; agent/src/config/validate-agent-config.ts accepts
// every key named here) and by test/contract/agent-config-contract.test.ts (every rendered document
// loads). Keys and nesting follow Vault Agent's configuration
// (https://developer.hashicorp.com/vault/docs/agent-and-proxy/agent#configuration-file-options)
// as vault-k8s renders it (https://github.com/hashicorp/vault-k8s/blob/main/agent-inject/agent/config.go).
// The agent's parsed, validated form is a different type: AgentConfig in agent/src/config/agent-config.ts.

export interface AgentConfigDocumentTemplate {
  destination: string;
  contents?: string;
  left_delimiter?: string;
  right_delimiter?: string;
  command?: string;
  source?: string;
  perms?: string;
  error_on_missing_key?: boolean;
  /**
   * vault-injector extension: present only when a template uses the Handlebars engine. Vault Agent
   * rejects unknown template keys, so such a document needs the vault-injector agent image.
   */
  engine?: 'handlebars';
}

export interface AgentConfigDocumentListener {
  type: 'tcp';
  address: string;
  tls_disable: true;
  agent_api?: { enable_quit: true };
}

export interface AgentConfigDocumentCache {
  use_auto_auth_token?: string;
  persist?: { type: 'kubernetes'; path: string; exit_on_err?: true };
}

export interface AgentConfigDocumentMethod {
  type: string;
  mount_path?: string;
  min_backoff?: string;
  max_backoff?: string;
  namespace?: string;
  config?: Record<string, string>;
  exit_on_err?: true;
}

export interface AgentConfigDocumentSink {
  type: 'file';
  config: { path: string };
}

export interface AgentConfigDocumentVault {
  address: string;
  ca_cert?: string;
  ca_path?: string;
  tls_skip_verify?: true;
  client_cert?: string;
  client_key?: string;
  tls_server_name?: string;
}

export interface AgentConfigDocumentTemplateConfig {
  exit_on_retry_failure: boolean;
  static_secret_render_interval?: string;
  max_connections_per_host?: number;
  lease_renewal_threshold?: number;
}

/** The Vault Agent configuration document (what the agent reads from -config). */
export interface AgentConfigDocument {
  auto_auth: {
    method: AgentConfigDocumentMethod;
    sink: AgentConfigDocumentSink[];
  };
  exit_after_auth: boolean;
  pid_file: string;
  vault: AgentConfigDocumentVault;
  template?: AgentConfigDocumentTemplate[];
  listener?: AgentConfigDocumentListener[];
  cache?: AgentConfigDocumentCache;
  template_config: AgentConfigDocumentTemplateConfig;
  disable_idle_connections?: string[];
  disable_keep_alives?: string[];
  telemetry?: Record<string, unknown>;
  /**
   * vault-injector extension (native sidecar with the ready-file probe): the agent creates this
   * file, atomically, once every template and token sink has been written for the first time.
   */
  ready_file?: string;
  /**
   * vault-injector extension (sidecar, agent-env-restart-on-change; docs/env-vars.md): when a
   * rendered file directly in `directory` is replaced, write a new DIR/.generation token after
   * `debounce` of quiet and at most once per `min_interval` (Go durations; defaults 5s and 30s).
   */
  env_restart?: AgentConfigDocumentEnvRestart[];
}

export interface AgentConfigDocumentEnvRestart {
  directory: string;
  debounce?: string;
  min_interval?: string;
}

/**
 * Every key of T, listed once: `keysOf<T>()([...])` fails to compile when the list misses a key of
 * T, so a validator's accepted-key set cannot fall behind the document type.
 */
export function keysOf<T>() {
  return <const K extends readonly (keyof T & string)[]>(keys: K & ([Exclude<keyof T, K[number]>] extends [never] ? unknown : { missing: Exclude<keyof T, K[number]> })): readonly string[] => keys;
}
