// Settings: the injector process's own configuration (vault-k8s `agent-inject` flags and their
// AGENT_INJECT_* environment overrides,
// https://github.com/hashicorp/vault-k8s/blob/main/subcommand/injector/flags.go). Not to be
// confused with InjectionSpec (one pod's parsed annotations) or AgentConfigDocument (the agent
// configuration we render into VAULT_CONFIG).
//
// Values that vault-k8s parses per pod (run-as-user/group, resource quantities) stay strings
// here, exactly as given, because vault-k8s writes them into the pod's defaults as strings and
// the per-pod parse decides (an empty string means "unset").
import type { NativeSidecarProbe } from '../inject/native-sidecar-probe.js';

export type TlsMinVersion = 'tls10' | 'tls11' | 'tls12' | 'tls13';
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';
export type DefaultTemplate = 'map' | 'json';

export interface Settings {
  /** -listen, host:port; ":8080" means all interfaces. */
  readonly listen: string;
  readonly logLevel: LogLevel;
  /** "json" ⇒ JSON logs; anything else ⇒ standard (human) logs. */
  readonly logFormat: 'json' | 'standard';

  readonly vaultAddress: string;
  readonly vaultImage: string;
  readonly vaultAuthType: string;
  readonly vaultAuthPath: string;
  readonly vaultNamespace: string;
  /** -vault-cacert-bytes, already base64-decoded when it was valid standard base64. */
  readonly vaultCACertBytes: string;
  readonly proxyAddress: string;

  readonly revokeOnShutdown: boolean;
  readonly runAsUser: string;
  readonly runAsGroup: string;
  readonly runAsSameUser: boolean;
  readonly setSecurityContext: boolean;
  readonly defaultTemplate: DefaultTemplate;

  readonly resources: {
    readonly cpuRequest: string;
    readonly memoryRequest: string;
    readonly ephemeralRequest: string;
    readonly cpuLimit: string;
    readonly memoryLimit: string;
    readonly ephemeralLimit: string;
  };

  readonly templateConfig: {
    readonly exitOnRetryFailure: boolean;
    readonly staticSecretRenderInterval: string;
    /** AGENT_INJECT_TEMPLATE_MAX_CONNECTIONS_PER_HOST (env only). */
    readonly maxConnectionsPerHost: number;
    /** Parsed and validated but, as in vault-k8s, never applied to pods. */
    readonly leaseRenewalThreshold: number;
  };

  /** Go duration strings; "" when unset. Validated at startup. */
  readonly authMinBackoff: string;
  readonly authMaxBackoff: string;
  /** Comma lists kept verbatim ("" when unset); split per pod like the annotation. */
  readonly disableIdleConnections: string;
  readonly disableKeepAlives: string;

  readonly tls: {
    /** -tls-auto: name of the MutatingWebhookConfiguration whose caBundle we keep current. */
    readonly autoName: string;
    /** -tls-auto-hosts, split on commas. */
    readonly autoHosts: readonly string[];
    readonly certFile: string;
    readonly keyFile: string;
    readonly caCertFile: string;
    readonly minVersion: TlsMinVersion;
    /** Go cipher-suite names as given; mapped to OpenSSL names when the server starts. */
    readonly cipherSuites: readonly string[];
  };

  /** "" ⇒ no metrics endpoint. */
  readonly telemetryPath: string;
  readonly useLeaderElector: boolean;
  /** vault-injector extension: default for the agent-native-sidecar annotation. */
  readonly nativeSidecar: boolean;
  /** vault-injector extension: defaults for the native sidecar's startupProbe (annotations override). */
  readonly nativeSidecarProbe: NativeSidecarProbe;
  /** vault-injector extension: -reconcile-missed (webhook/src/cluster/missed-pod-reconciler.ts). */
  readonly reconcileMissed: 'off' | 'report' | 'dry-run' | 'evict';

  /** -strict / VAULT_INJECTOR_STRICT (extension): warnings deny the pod; the agent-inject-strict annotation cannot lift it. */
  readonly strict: boolean;

  /** -shutdown-timeout / VAULT_INJECTOR_SHUTDOWN_TIMEOUT (extension), in milliseconds: the graceful stop deadline. */
  readonly shutdownTimeoutMs: number;

  /** The injector's own namespace (env NAMESPACE, default "default") and pod name (env POD_NAME). */
  readonly namespace: string;
  readonly podName: string;
}
