// Every vault.hashicorp.com/* annotation the injector understands (vault-k8s spec §2.2–§2.3),
// as data: the parser reads these keys, the README table is generated from this registry, and
// unknown keys under the prefix are reported as warnings.

export const ANNOTATION_PREFIX = 'vault.hashicorp.com/';

/** Pod-level annotations, by short name (the part after the prefix). */
export const POD_ANNOTATIONS = {
  inject: 'agent-inject',
  status: 'agent-inject-status',
  configMap: 'agent-configmap',
  extraSecret: 'agent-extra-secret',
  image: 'agent-image',
  initFirst: 'agent-init-first',
  prePopulate: 'agent-pre-populate',
  prePopulateOnly: 'agent-pre-populate-only',
  injectContainers: 'agent-inject-containers',
  defaultTemplate: 'agent-inject-default-template',
  injectToken: 'agent-inject-token',
  requestNamespace: 'agent-request-namespace',
  limitsCpu: 'agent-limits-cpu',
  limitsMem: 'agent-limits-mem',
  limitsEphemeral: 'agent-limits-ephemeral',
  requestsCpu: 'agent-requests-cpu',
  requestsMem: 'agent-requests-mem',
  requestsEphemeral: 'agent-requests-ephemeral',
  revokeOnShutdown: 'agent-revoke-on-shutdown',
  revokeGrace: 'agent-revoke-grace',
  namespace: 'namespace',
  runAsUser: 'agent-run-as-user',
  runAsGroup: 'agent-run-as-group',
  runAsSameUser: 'agent-run-as-same-user',
  setSecurityContext: 'agent-set-security-context',
  shareProcessNamespace: 'agent-share-process-namespace',
  serviceAccountTokenVolumeName: 'agent-service-account-token-volume-name',
  service: 'service',
  proxyAddress: 'proxy-address',
  tlsSkipVerify: 'tls-skip-verify',
  tlsSecret: 'tls-secret',
  tlsServerName: 'tls-server-name',
  caCert: 'ca-cert',
  caKey: 'ca-key',
  clientCert: 'client-cert',
  clientKey: 'client-key',
  clientMaxRetries: 'client-max-retries',
  clientTimeout: 'client-timeout',
  goMaxProcs: 'go-max-procs',
  logLevel: 'log-level',
  logFormat: 'log-format',
  role: 'role',
  authType: 'auth-type',
  authPath: 'auth-path',
  secretVolumePath: 'secret-volume-path',
  preserveSecretCase: 'preserve-secret-case',
  cacheEnable: 'agent-cache-enable',
  cacheUseAutoAuthToken: 'agent-cache-use-auto-auth-token',
  cacheListenerPort: 'agent-cache-listener-port',
  cacheExitOnErr: 'agent-cache-exit-on-err',
  copyVolumeMounts: 'agent-copy-volume-mounts',
  templateExitOnRetryFailure: 'template-config-exit-on-retry-failure',
  templateStaticSecretRenderInterval: 'template-static-secret-render-interval',
  templateMaxConnectionsPerHost: 'template-max-connections-per-host',
  templateLeaseRenewalThreshold: 'template-lease-renewal-threshold',
  enableQuit: 'agent-enable-quit',
  authMinBackoff: 'auth-min-backoff',
  authMaxBackoff: 'auth-max-backoff',
  disableIdleConnections: 'agent-disable-idle-connections',
  disableKeepAlives: 'agent-disable-keep-alives',
  jsonPatch: 'agent-json-patch',
  initJsonPatch: 'agent-init-json-patch',
  autoAuthExitOnErr: 'agent-auto-auth-exit-on-err',
  /** vault-injector extension: the agent as a native sidecar (restartPolicy Always init container). */
  nativeSidecar: 'agent-native-sidecar',
  /** vault-injector extension: the native sidecar's startupProbe (native-sidecar-probe.ts). */
  nativeSidecarProbe: 'agent-native-sidecar-probe',
  nativeSidecarProbePeriod: 'agent-native-sidecar-probe-period',
  nativeSidecarProbeTimeout: 'agent-native-sidecar-probe-timeout',
  nativeSidecarProbeFailureThreshold: 'agent-native-sidecar-probe-failure-threshold',
} as const;

/** Annotation families whose key ends in a user-chosen suffix. */
export const ANNOTATION_FAMILIES = {
  secret: 'agent-inject-secret-',
  template: 'agent-inject-template-',
  templateFile: 'agent-inject-template-file-',
  /** Our extension: `handlebars` selects the Handlebars engine for that secret's template. */
  templateEngine: 'agent-template-engine-',
  file: 'agent-inject-file-',
  perms: 'agent-inject-perms-',
  command: 'agent-inject-command-',
  leftDelimiter: 'agent-template-left-delim-',
  rightDelimiter: 'agent-template-right-delim-',
  secretVolumePath: 'secret-volume-path-',
  preserveSecretCase: 'preserve-secret-case-',
  errorOnMissingKey: 'error-on-missing-key-',
  authConfig: 'auth-config-',
  telemetry: 'agent-telemetry-',
} as const;

export type PodAnnotationName = (typeof POD_ANNOTATIONS)[keyof typeof POD_ANNOTATIONS];

/** The full annotation key, e.g. `vault.hashicorp.com/agent-inject`. */
export function annotationKey(shortName: string): string {
  return `${ANNOTATION_PREFIX}${shortName}`;
}
