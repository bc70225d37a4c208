// Every vault.hashicorp.com/* annotation the injector understands, in one table: its name, the
// default the parser uses when it is absent, and what it means. The parser (parse-annotations.ts,
// secret-families.ts) takes its fallbacks from here, docs/annotations.md is generated from it
// (scripts/annotations-doc.ts) and unknown keys under the prefix are checked against it
// (unknown-annotations.ts); registry.test.ts ties every default to the parser's behaviour.
// Names and defaults follow vault-k8s:
// https://developer.hashicorp.com/vault/docs/platform/k8s/injector/annotations
// https://github.com/hashicorp/vault-k8s/blob/main/agent-inject/agent/annotations.go
import type { Settings } from '../../settings/settings.js';
import { DEFAULT_VAULT_IMAGE } from '../../settings/flag-definitions.js';

export const ANNOTATION_PREFIX = 'vault.hashicorp.com/';

const DEFAULT_SECRET_VOLUME_PATH = '/vault/secrets';
const DEFAULT_RUN_AS_USER = '100';
const DEFAULT_RUN_AS_GROUP = '1000';
/** The auth type used when neither the annotation nor -vault-auth-type names one. */
export const SYSTEM_AUTH_TYPE = 'kubernetes';

/** What the parser reads when an annotation is absent. */
export type AnnotationDefault =
  /** A fixed value, as annotation text; `shown` replaces it in the documentation. */
  | { readonly kind: 'value'; readonly value: string; readonly shown?: string }
  /** An injector setting (flag or variable `source`), as annotation text. */
  | { readonly kind: 'setting'; readonly source: string; readonly value: (settings: Settings) => string }
  /** Worked out by the parser from the pod or the request; `shown` describes how. */
  | { readonly kind: 'derived'; readonly shown: string };

export interface PodAnnotation {
  /** The name after the prefix. */
  readonly name: string;
  readonly default: AnnotationDefault;
  readonly description: string;
}

/** An annotation family: keys made of a prefix and a user-chosen NAME (a secret) or KEY. */
export interface AnnotationFamily {
  readonly prefix: string;
  readonly placeholder: 'NAME' | 'KEY';
  readonly default: AnnotationDefault;
  readonly description: string;
}

const value = (text: string, shown?: string): AnnotationDefault => ({ kind: 'value', value: text, ...(shown === undefined ? {} : { shown }) });
const none = (): AnnotationDefault => value('', '(none)');
const derived = (shown: string): AnnotationDefault => ({ kind: 'derived', shown });
const setting = (source: string, read: (settings: Settings) => string): AnnotationDefault => ({ kind: 'setting', source, value: read });
const flag = (name: string, read: (settings: Settings) => string): AnnotationDefault => setting(`\`-${name}\``, read);

/** Pod-level annotations, in documentation order. */
export const POD_ANNOTATION_TABLE = {
  inject: { name: 'agent-inject', default: derived('(none)'), description: 'Opt in: `true` injects the agent containers (Go bool syntax).' },
  status: { name: 'agent-inject-status', default: derived('(none)'), description: 'Set to `injected` by the webhook; a pod carrying `injected` is not injected again.' },
  configMap: { name: 'agent-configmap', default: none(), description: 'ConfigMap with `config.hcl`/`config-init.hcl`; mounted at /vault/configs instead of a generated config.' },
  extraSecret: { name: 'agent-extra-secret', default: none(), description: 'Secret mounted read-only at /vault/custom in both agent containers.' },
  image: { name: 'agent-image', default: setting('`-vault-image`', (s) => s.vaultImage || DEFAULT_VAULT_IMAGE), description: 'Agent image for both containers.' },
  initFirst: { name: 'agent-init-first', default: value('false'), description: 'Run vault-agent-init before every other init container.' },
  prePopulate: { name: 'agent-pre-populate', default: value('true'), description: 'Add the vault-agent-init init container.' },
  prePopulateOnly: { name: 'agent-pre-populate-only', default: value('false'), description: 'Only the init container: no sidecar (Jobs).' },
  injectContainers: { name: 'agent-inject-containers', default: derived('all app containers'), description: 'Comma list of app containers that get the secrets volume (no trimming).' },
  defaultTemplate: { name: 'agent-inject-default-template', default: flag('default-template', (s) => s.defaultTemplate), description: '`map` or `json`: template used for secrets without one.' },
  injectToken: { name: 'agent-inject-token', default: value('false'), description: 'Also write the agent token to `<secret-volume-path>/token`.' },
  requestNamespace: { name: 'agent-request-namespace', default: derived('request namespace'), description: 'Namespace used for validation only.' },
  limitsCpu: { name: 'agent-limits-cpu', default: flag('cpu-limit', (s) => s.resources.cpuLimit), description: 'CPU limit of both agent containers; `""` removes it.' },
  limitsMem: { name: 'agent-limits-mem', default: flag('memory-limit', (s) => s.resources.memoryLimit), description: 'Memory limit; `""` removes it.' },
  limitsEphemeral: { name: 'agent-limits-ephemeral', default: flag('ephemeral-storage-limit', (s) => s.resources.ephemeralLimit), description: 'Ephemeral storage limit.' },
  requestsCpu: { name: 'agent-requests-cpu', default: flag('cpu-request', (s) => s.resources.cpuRequest), description: 'CPU request; `""` removes it.' },
  requestsMem: { name: 'agent-requests-mem', default: flag('memory-request', (s) => s.resources.memoryRequest), description: 'Memory request; `""` removes it.' },
  requestsEphemeral: { name: 'agent-requests-ephemeral', default: flag('ephemeral-storage-request', (s) => s.resources.ephemeralRequest), description: 'Ephemeral storage request.' },
  revokeOnShutdown: { name: 'agent-revoke-on-shutdown', default: flag('revoke-on-shutdown', (s) => String(s.revokeOnShutdown)), description: 'Sidecar preStop hook revoking its token.' },
  revokeGrace: { name: 'agent-revoke-grace', default: value('5'), description: 'Seconds the preStop hook sleeps before revoking.' },
  namespace: { name: 'namespace', default: flag('vault-namespace', (s) => s.vaultNamespace), description: 'Vault Enterprise namespace for auto-auth.' },
  runAsUser: { name: 'agent-run-as-user', default: flag('run-as-user', (s) => s.runAsUser || DEFAULT_RUN_AS_USER), description: 'runAsUser of the agent containers.' },
  runAsGroup: { name: 'agent-run-as-group', default: flag('run-as-group', (s) => s.runAsGroup || DEFAULT_RUN_AS_GROUP), description: 'runAsGroup of the agent containers.' },
  runAsSameUser: { name: 'agent-run-as-same-user', default: flag('run-as-same-user', (s) => String(s.runAsSameUser)), description: 'Run as the first app container\'s runAsUser (must be set and non-root).' },
  setSecurityContext: { name: 'agent-set-security-context', default: flag('set-security-context', (s) => String(s.setSecurityContext)), description: 'Give the agent containers a restricted securityContext.' },
  shareProcessNamespace: { name: 'agent-share-process-namespace', default: derived('(pod unchanged)'), description: 'Set spec.shareProcessNamespace (with the init container only).' },
  serviceAccountTokenVolumeName: { name: 'agent-service-account-token-volume-name', default: value('', '(discovered)'), description: 'Projected volume holding the service-account token.' },
  service: { name: 'service', default: flag('vault-address', (s) => s.vaultAddress), description: 'Vault address.' },
  proxyAddress: { name: 'proxy-address', default: flag('proxy-address', (s) => s.proxyAddress), description: 'HTTPS_PROXY for the agent containers.' },
  tlsSkipVerify: { name: 'tls-skip-verify', default: value('false'), description: 'Skip Vault TLS verification.' },
  tlsSecret: { name: 'tls-secret', default: none(), description: 'Secret mounted read-only at /vault/tls.' },
  tlsServerName: { name: 'tls-server-name', default: none(), description: 'SNI name for Vault.' },
  caCert: { name: 'ca-cert', default: none(), description: 'CA certificate file for Vault TLS.' },
  caKey: { name: 'ca-key', default: none(), description: 'CA directory (written to `ca_path`, as vault-k8s does).' },
  clientCert: { name: 'client-cert', default: none(), description: 'Client certificate file for Vault TLS.' },
  clientKey: { name: 'client-key', default: none(), description: 'Client key file for Vault TLS.' },
  clientMaxRetries: { name: 'client-max-retries', default: none(), description: 'VAULT_MAX_RETRIES for the agent.' },
  clientTimeout: { name: 'client-timeout', default: none(), description: 'VAULT_CLIENT_TIMEOUT for the agent.' },
  goMaxProcs: { name: 'go-max-procs', default: none(), description: 'GOMAXPROCS (ignored by the Node agent, kept for the official image).' },
  logLevel: { name: 'log-level', default: value('info'), description: 'VAULT_LOG_LEVEL for the agent.' },
  logFormat: { name: 'log-format', default: value('standard'), description: 'VAULT_LOG_FORMAT for the agent.' },
  role: { name: 'role', default: value('', '(required for kubernetes auth)'), description: 'Vault role for auto-auth.' },
  authType: { name: 'auth-type', default: flag('vault-auth-type', (s) => s.vaultAuthType || SYSTEM_AUTH_TYPE), description: 'Auto-auth method type; `aws` also wires IRSA.' },
  authPath: { name: 'auth-path', default: flag('vault-auth-path', (s) => s.vaultAuthPath), description: 'Auth method mount path.' },
  secretVolumePath: { name: 'secret-volume-path', default: value(DEFAULT_SECRET_VOLUME_PATH), description: 'Where rendered files are mounted.' },
  preserveSecretCase: { name: 'preserve-secret-case', default: value('false'), description: 'Keep secret names\' case for file names.' },
  cacheEnable: { name: 'agent-cache-enable', default: value('false'), description: 'Agent cache/API proxy (persistent when init and sidecar both run).' },
  cacheUseAutoAuthToken: { name: 'agent-cache-use-auto-auth-token', default: value('true'), description: '`use_auto_auth_token` (`true`, `false`, `force`).' },
  cacheListenerPort: { name: 'agent-cache-listener-port', default: value('8200'), description: 'Listener port on 127.0.0.1.' },
  cacheExitOnErr: { name: 'agent-cache-exit-on-err', default: value('false'), description: 'Persistent cache `exit_on_err`.' },
  copyVolumeMounts: { name: 'agent-copy-volume-mounts', default: none(), description: 'Copy this container\'s volume mounts into the agent containers.' },
  templateExitOnRetryFailure: { name: 'template-config-exit-on-retry-failure', default: flag('template-config-exit-on-retry-failure', (s) => String(s.templateConfig.exitOnRetryFailure)), description: '`template_config.exit_on_retry_failure`.' },
  templateStaticSecretRenderInterval: { name: 'template-static-secret-render-interval', default: flag('template-static-secret-render-interval', (s) => s.templateConfig.staticSecretRenderInterval), description: '`template_config.static_secret_render_interval`.' },
  templateMaxConnectionsPerHost: { name: 'template-max-connections-per-host', default: setting('AGENT_INJECT_TEMPLATE_MAX_CONNECTIONS_PER_HOST', (s) => String(s.templateConfig.maxConnectionsPerHost)), description: '`template_config.max_connections_per_host`.' },
  templateLeaseRenewalThreshold: { name: 'template-lease-renewal-threshold', default: value('0', '(none)'), description: '`template_config.lease_renewal_threshold`.' },
  enableQuit: { name: 'agent-enable-quit', default: value('false'), description: 'Enable `/agent/v1/quit` on the listener (Jobs stop the sidecar).' },
  authMinBackoff: { name: 'auth-min-backoff', default: flag('auth-min-backoff', (s) => s.authMinBackoff), description: 'Auto-auth minimum backoff (Go duration).' },
  authMaxBackoff: { name: 'auth-max-backoff', default: flag('auth-max-backoff', (s) => s.authMaxBackoff), description: 'Auto-auth maximum backoff (Go duration).' },
  disableIdleConnections: { name: 'agent-disable-idle-connections', default: flag('disable-idle-connections', (s) => s.disableIdleConnections), description: 'Comma list for `disable_idle_connections`.' },
  disableKeepAlives: { name: 'agent-disable-keep-alives', default: flag('disable-keep-alives', (s) => s.disableKeepAlives), description: 'Comma list for `disable_keep_alives`.' },
  jsonPatch: { name: 'agent-json-patch', default: none(), description: 'RFC 6902 patch applied to the vault-agent container.' },
  initJsonPatch: { name: 'agent-init-json-patch', default: none(), description: 'RFC 6902 patch applied to the vault-agent-init container.' },
  autoAuthExitOnErr: { name: 'agent-auto-auth-exit-on-err', default: value('false'), description: 'Auto-auth `exit_on_err`.' },
  nativeSidecar: {
    name: 'agent-native-sidecar',
    default: flag('native-sidecar', (s) => String(s.nativeSidecar)),
    description:
      'vault-injector extension: run the agent as a native sidecar (Kubernetes >= 1.29): one `vault-agent` init container with `restartPolicy: Always` whose startupProbe holds the app until every template rendered; no `vault-agent-init`. Opt-in only: older servers must not get it.',
  },
  nativeSidecarProbe: {
    name: 'agent-native-sidecar-probe',
    default: flag('native-sidecar-probe', (s) => s.nativeSidecarProbe.kind),
    description: 'vault-injector extension: `files` (the startupProbe checks every template destination and the token sink exist; any agent image) or `ready-file` (the vault-injector agent\'s ready file; also with agent-configmap).',
  },
  nativeSidecarProbePeriod: {
    name: 'agent-native-sidecar-probe-period',
    default: flag('native-sidecar-probe-period', (s) => String(s.nativeSidecarProbe.periodSeconds)),
    description: 'vault-injector extension: startupProbe periodSeconds.',
  },
  nativeSidecarProbeTimeout: {
    name: 'agent-native-sidecar-probe-timeout',
    default: flag('native-sidecar-probe-timeout', (s) => String(s.nativeSidecarProbe.timeoutSeconds)),
    description: 'vault-injector extension: startupProbe timeoutSeconds.',
  },
  nativeSidecarProbeFailureThreshold: {
    name: 'agent-native-sidecar-probe-failure-threshold',
    default: flag('native-sidecar-probe-failure-threshold', (s) => String(s.nativeSidecarProbe.failureThreshold)),
    description: 'vault-injector extension: startupProbe failureThreshold (× period: the longest wait for the first render).',
  },
  strict: {
    name: 'agent-inject-strict',
    default: flag('strict', (s) => String(s.strict)),
    description:
      'vault-injector extension: `true` denies this pod when its admission would carry warnings (unknown annotation, template that does not parse, …) instead of admitting it with them. Go bool syntax; `-strict` turns it on for every pod, and `false` here does not lift that.',
  },
} as const satisfies Readonly<Record<string, PodAnnotation>>;

export type PodAnnotationId = keyof typeof POD_ANNOTATION_TABLE;

/** Annotation families, in documentation order. */
export const ANNOTATION_FAMILY_TABLE = {
  secret: { prefix: 'agent-inject-secret-', placeholder: 'NAME', default: value(''), description: 'Declares secret NAME with its Vault path (used by the default template).' },
  template: { prefix: 'agent-inject-template-', placeholder: 'NAME', default: derived('default template'), description: 'Template text for NAME (consul-template dialect).' },
  templateFile: { prefix: 'agent-inject-template-file-', placeholder: 'NAME', default: none(), description: 'Template file inside the agent container (ignored when a template is given).' },
  templateEngine: { prefix: 'agent-template-engine-', placeholder: 'NAME', default: value('go'), description: 'vault-injector extension: `handlebars` renders NAME with Handlebars (our agent only).' },
  file: { prefix: 'agent-inject-file-', placeholder: 'NAME', default: derived('NAME'), description: 'File name (joined and cleaned under the volume path).' },
  perms: { prefix: 'agent-inject-perms-', placeholder: 'NAME', default: derived('(agent default)'), description: 'File permissions, e.g. `0400`.' },
  command: { prefix: 'agent-inject-command-', placeholder: 'NAME', default: none(), description: 'Command run after the file changes.' },
  leftDelimiter: { prefix: 'agent-template-left-delim-', placeholder: 'NAME', default: value('{{'), description: 'Left template delimiter.' },
  rightDelimiter: { prefix: 'agent-template-right-delim-', placeholder: 'NAME', default: value('}}'), description: 'Right template delimiter.' },
  secretVolumePath: { prefix: 'secret-volume-path-', placeholder: 'NAME', default: derived('secret-volume-path'), description: 'Directory (own tmpfs volume) for this file.' },
  preserveSecretCase: { prefix: 'preserve-secret-case-', placeholder: 'NAME', default: derived('preserve-secret-case'), description: 'Keep NAME\'s case.' },
  errorOnMissingKey: { prefix: 'error-on-missing-key-', placeholder: 'NAME', default: value('false'), description: '`error_on_missing_key` for this template.' },
  authConfig: { prefix: 'auth-config-', placeholder: 'KEY', default: none(), description: 'auto_auth method config KEY (dashes become underscores).' },
  telemetry: { prefix: 'agent-telemetry-', placeholder: 'KEY', default: none(), description: 'Agent telemetry KEY (value decoded as JSON when possible).' },
  // No vault-k8s key or family prefix starts with agent-env- or is started by it (docs/env-vars.md).
  env: {
    prefix: 'agent-env-',
    placeholder: 'NAME',
    default: none(),
    description:
      'vault-injector extension ([env-vars.md](env-vars.md)): Go template whose output becomes environment variable NAME of the app containers, set by a launcher that execs their `command` (values never in the pod spec). Settings under the same prefix (names with a `-`): `agent-env-containers-NAME` (comma list of containers, default `agent-inject-containers`), `agent-env-command-CONTAINER` (JSON list, for a container without `command`; otherwise the pod is denied), `agent-env-restart-on-change` (restart a container via its liveness probe when its values change). Needs the vault-injector agent image and vault-agent-init or the native sidecar.',
  },
} as const satisfies Readonly<Record<string, AnnotationFamily>>;

export type FamilyId = keyof typeof ANNOTATION_FAMILY_TABLE;

function mapTable<K extends string, T, R>(table: Readonly<Record<K, T>>, pick: (entry: T) => R): Readonly<Record<K, R>> {
  return Object.fromEntries(Object.entries<T>(table).map(([id, entry]) => [id, pick(entry)])) as Record<K, R>;
}

/** Pod-level annotation names by id, e.g. POD_ANNOTATIONS.prePopulate === 'agent-pre-populate'. */
export const POD_ANNOTATIONS: Readonly<Record<PodAnnotationId, string>> = mapTable(POD_ANNOTATION_TABLE, (entry: PodAnnotation) => entry.name);

/** Family prefixes by id, e.g. ANNOTATION_FAMILIES.secret === 'agent-inject-secret-'. */
export const ANNOTATION_FAMILIES: Readonly<Record<FamilyId, string>> = mapTable(ANNOTATION_FAMILY_TABLE, (entry: AnnotationFamily) => entry.prefix);

/** The text the parser reads for an absent annotation (a derived default has none: the parser works it out). */
export function defaultText(entry: PodAnnotation | AnnotationFamily, settings: Settings): string | undefined {
  switch (entry.default.kind) {
    case 'value':
      return entry.default.value;
    case 'setting':
      return entry.default.value(settings);
    case 'derived':
      return undefined;
  }
}

/** A family's fixed default, as annotation text (families take no injector setting). */
export function familyDefault(id: FamilyId): string {
  const fallback: AnnotationDefault = ANNOTATION_FAMILY_TABLE[id].default;
  if (fallback.kind !== 'value') throw new Error(`annotation family ${ANNOTATION_FAMILIES[id]} has no fixed default`);
  return fallback.value;
}

/** The default as docs/annotations.md shows it. */
export function shownDefault(entry: PodAnnotation | AnnotationFamily): string {
  const fallback = entry.default;
  if (fallback.kind === 'setting') return fallback.source;
  if (fallback.kind === 'derived') return fallback.shown;
  return fallback.shown ?? fallback.value;
}

/** The full annotation key, e.g. `vault.hashicorp.com/agent-inject`. */
export function annotationKey(shortName: string): string {
  return `${ANNOTATION_PREFIX}${shortName}`;
}
