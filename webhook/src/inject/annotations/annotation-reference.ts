// What each annotation means and defaults to, for the generated reference (docs/annotations.md)
// and for "unknown annotation" warnings. Descriptions restate vault-k8s behaviour (spec §2).
import { ANNOTATION_FAMILIES, POD_ANNOTATIONS } from './keys.js';

export interface AnnotationDoc {
  readonly name: string;
  readonly defaultValue: string;
  readonly description: string;
}

const A = POD_ANNOTATIONS;
const F = ANNOTATION_FAMILIES;

export const POD_ANNOTATION_DOCS: readonly AnnotationDoc[] = [
  { name: A.inject, defaultValue: '(none)', description: 'Opt in: `true` injects the agent containers (Go bool syntax).' },
  { name: A.status, defaultValue: '(none)', description: 'Set to `injected` by the webhook; a pod carrying `injected` is not injected again.' },
  { name: A.configMap, defaultValue: '(none)', description: 'ConfigMap with `config.hcl`/`config-init.hcl`; mounted at /vault/configs instead of a generated config.' },
  { name: A.extraSecret, defaultValue: '(none)', description: 'Secret mounted read-only at /vault/custom in both agent containers.' },
  { name: A.image, defaultValue: '`-vault-image`', description: 'Agent image for both containers.' },
  { name: A.initFirst, defaultValue: 'false', description: 'Run vault-agent-init before every other init container.' },
  { name: A.prePopulate, defaultValue: 'true', description: 'Add the vault-agent-init init container.' },
  { name: A.prePopulateOnly, defaultValue: 'false', description: 'Only the init container: no sidecar (Jobs).' },
  { name: A.injectContainers, defaultValue: 'all app containers', description: 'Comma list of app containers that get the secrets volume (no trimming).' },
  { name: A.defaultTemplate, defaultValue: '`-default-template`', description: '`map` or `json`: template used for secrets without one.' },
  { name: A.injectToken, defaultValue: 'false', description: 'Also write the agent token to `<secret-volume-path>/token`.' },
  { name: A.requestNamespace, defaultValue: 'request namespace', description: 'Namespace used for validation only.' },
  { name: A.limitsCpu, defaultValue: '`-cpu-limit`', description: 'CPU limit of both agent containers; `""` removes it.' },
  { name: A.limitsMem, defaultValue: '`-memory-limit`', description: 'Memory limit; `""` removes it.' },
  { name: A.limitsEphemeral, defaultValue: '`-ephemeral-storage-limit`', description: 'Ephemeral storage limit.' },
  { name: A.requestsCpu, defaultValue: '`-cpu-request`', description: 'CPU request; `""` removes it.' },
  { name: A.requestsMem, defaultValue: '`-memory-request`', description: 'Memory request; `""` removes it.' },
  { name: A.requestsEphemeral, defaultValue: '`-ephemeral-storage-request`', description: 'Ephemeral storage request.' },
  { name: A.revokeOnShutdown, defaultValue: '`-revoke-on-shutdown`', description: 'Sidecar preStop hook revoking its token.' },
  { name: A.revokeGrace, defaultValue: '5', description: 'Seconds the preStop hook sleeps before revoking.' },
  { name: A.namespace, defaultValue: '`-vault-namespace`', description: 'Vault Enterprise namespace for auto-auth.' },
  { name: A.runAsUser, defaultValue: '`-run-as-user`', description: 'runAsUser of the agent containers.' },
  { name: A.runAsGroup, defaultValue: '`-run-as-group`', description: 'runAsGroup of the agent containers.' },
  { name: A.runAsSameUser, defaultValue: '`-run-as-same-user`', description: 'Run as the first app container\'s runAsUser (must be set and non-root).' },
  { name: A.setSecurityContext, defaultValue: '`-set-security-context`', description: 'Give the agent containers a restricted securityContext.' },
  { name: A.shareProcessNamespace, defaultValue: '(pod unchanged)', description: 'Set spec.shareProcessNamespace (with the init container only).' },
  { name: A.serviceAccountTokenVolumeName, defaultValue: '(discovered)', description: 'Projected volume holding the service-account token.' },
  { name: A.service, defaultValue: '`-vault-address`', description: 'Vault address.' },
  { name: A.proxyAddress, defaultValue: '`-proxy-address`', description: 'HTTPS_PROXY for the agent containers.' },
  { name: A.tlsSkipVerify, defaultValue: 'false', description: 'Skip Vault TLS verification.' },
  { name: A.tlsSecret, defaultValue: '(none)', description: 'Secret mounted read-only at /vault/tls.' },
  { name: A.tlsServerName, defaultValue: '(none)', description: 'SNI name for Vault.' },
  { name: A.caCert, defaultValue: '(none)', description: 'CA certificate file for Vault TLS.' },
  { name: A.caKey, defaultValue: '(none)', description: 'CA directory (written to `ca_path`, as vault-k8s does).' },
  { name: A.clientCert, defaultValue: '(none)', description: 'Client certificate file for Vault TLS.' },
  { name: A.clientKey, defaultValue: '(none)', description: 'Client key file for Vault TLS.' },
  { name: A.clientMaxRetries, defaultValue: '(none)', description: 'VAULT_MAX_RETRIES for the agent.' },
  { name: A.clientTimeout, defaultValue: '(none)', description: 'VAULT_CLIENT_TIMEOUT for the agent.' },
  { name: A.goMaxProcs, defaultValue: '(none)', description: 'GOMAXPROCS (ignored by the Node agent, kept for the official image).' },
  { name: A.logLevel, defaultValue: 'info', description: 'VAULT_LOG_LEVEL for the agent.' },
  { name: A.logFormat, defaultValue: 'standard', description: 'VAULT_LOG_FORMAT for the agent.' },
  { name: A.role, defaultValue: '(required for kubernetes auth)', description: 'Vault role for auto-auth.' },
  { name: A.authType, defaultValue: '`-vault-auth-type`', description: 'Auto-auth method type; `aws` also wires IRSA.' },
  { name: A.authPath, defaultValue: '`-vault-auth-path`', description: 'Auth method mount path.' },
  { name: A.secretVolumePath, defaultValue: '/vault/secrets', description: 'Where rendered files are mounted.' },
  { name: A.preserveSecretCase, defaultValue: 'false', description: 'Keep secret names\' case for file names.' },
  { name: A.cacheEnable, defaultValue: 'false', description: 'Agent cache/API proxy (persistent when init and sidecar both run).' },
  { name: A.cacheUseAutoAuthToken, defaultValue: 'true', description: '`use_auto_auth_token` (`true`, `false`, `force`).' },
  { name: A.cacheListenerPort, defaultValue: '8200', description: 'Listener port on 127.0.0.1.' },
  { name: A.cacheExitOnErr, defaultValue: 'false', description: 'Persistent cache `exit_on_err`.' },
  { name: A.copyVolumeMounts, defaultValue: '(none)', description: 'Copy this container\'s volume mounts into the agent containers.' },
  { name: A.templateExitOnRetryFailure, defaultValue: '`-template-config-exit-on-retry-failure`', description: '`template_config.exit_on_retry_failure`.' },
  { name: A.templateStaticSecretRenderInterval, defaultValue: '`-template-static-secret-render-interval`', description: '`template_config.static_secret_render_interval`.' },
  { name: A.templateMaxConnectionsPerHost, defaultValue: 'AGENT_INJECT_TEMPLATE_MAX_CONNECTIONS_PER_HOST', description: '`template_config.max_connections_per_host`.' },
  { name: A.templateLeaseRenewalThreshold, defaultValue: '(none)', description: '`template_config.lease_renewal_threshold`.' },
  { name: A.enableQuit, defaultValue: 'false', description: 'Enable `/agent/v1/quit` on the listener (Jobs stop the sidecar).' },
  { name: A.authMinBackoff, defaultValue: '`-auth-min-backoff`', description: 'Auto-auth minimum backoff (Go duration).' },
  { name: A.authMaxBackoff, defaultValue: '`-auth-max-backoff`', description: 'Auto-auth maximum backoff (Go duration).' },
  { name: A.disableIdleConnections, defaultValue: '`-disable-idle-connections`', description: 'Comma list for `disable_idle_connections`.' },
  { name: A.disableKeepAlives, defaultValue: '`-disable-keep-alives`', description: 'Comma list for `disable_keep_alives`.' },
  { name: A.jsonPatch, defaultValue: '(none)', description: 'RFC 6902 patch applied to the vault-agent container.' },
  { name: A.initJsonPatch, defaultValue: '(none)', description: 'RFC 6902 patch applied to the vault-agent-init container.' },
  { name: A.autoAuthExitOnErr, defaultValue: 'false', description: 'Auto-auth `exit_on_err`.' },
  {
    name: A.nativeSidecar,
    defaultValue: '`-native-sidecar`',
    description:
      'vault-injector extension: run the agent as a native sidecar (Kubernetes >= 1.29): one `vault-agent` init container with `restartPolicy: Always` whose startupProbe holds the app until every template rendered; no `vault-agent-init`. Opt-in only: older servers must not get it.',
  },
  {
    name: A.nativeSidecarProbe,
    defaultValue: '`-native-sidecar-probe`',
    description: 'vault-injector extension: `files` (the startupProbe checks every template destination and the token sink exist; any agent image) or `ready-file` (the vault-injector agent\'s ready file; also with agent-configmap).',
  },
  { name: A.nativeSidecarProbePeriod, defaultValue: '`-native-sidecar-probe-period`', description: 'vault-injector extension: startupProbe periodSeconds.' },
  { name: A.nativeSidecarProbeTimeout, defaultValue: '`-native-sidecar-probe-timeout`', description: 'vault-injector extension: startupProbe timeoutSeconds.' },
  {
    name: A.nativeSidecarProbeFailureThreshold,
    defaultValue: '`-native-sidecar-probe-failure-threshold`',
    description: 'vault-injector extension: startupProbe failureThreshold (× period: the longest wait for the first render).',
  },
];

export const FAMILY_DOCS: readonly AnnotationDoc[] = [
  { name: `${F.secret}NAME`, defaultValue: '', description: 'Declares secret NAME with its Vault path (used by the default template).' },
  { name: `${F.template}NAME`, defaultValue: 'default template', description: 'Template text for NAME (consul-template dialect).' },
  { name: `${F.templateFile}NAME`, defaultValue: '(none)', description: 'Template file inside the agent container (ignored when a template is given).' },
  { name: `${F.templateEngine}NAME`, defaultValue: 'go', description: 'vault-injector extension: `handlebars` renders NAME with Handlebars (our agent only).' },
  { name: `${F.file}NAME`, defaultValue: 'NAME', description: 'File name (joined and cleaned under the volume path).' },
  { name: `${F.perms}NAME`, defaultValue: '(agent default)', description: 'File permissions, e.g. `0400`.' },
  { name: `${F.command}NAME`, defaultValue: '(none)', description: 'Command run after the file changes.' },
  { name: `${F.leftDelimiter}NAME`, defaultValue: '{{', description: 'Left template delimiter.' },
  { name: `${F.rightDelimiter}NAME`, defaultValue: '}}', description: 'Right template delimiter.' },
  { name: `${F.secretVolumePath}NAME`, defaultValue: 'secret-volume-path', description: 'Directory (own tmpfs volume) for this file.' },
  { name: `${F.preserveSecretCase}NAME`, defaultValue: 'preserve-secret-case', description: 'Keep NAME\'s case.' },
  { name: `${F.errorOnMissingKey}NAME`, defaultValue: 'false', description: '`error_on_missing_key` for this template.' },
  { name: `${F.authConfig}KEY`, defaultValue: '(none)', description: 'auto_auth method config KEY (dashes become underscores).' },
  { name: `${F.telemetry}KEY`, defaultValue: '(none)', description: 'Agent telemetry KEY (value decoded as JSON when possible).' },
];
