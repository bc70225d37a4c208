// InjectionSpec: one pod's vault.hashicorp.com/* annotations, parsed once, validated and fully
// defaulted (Settings supply the injector-level defaults). Builders read only this; nothing
// downstream looks at annotation strings again.
import type { NativeSidecarProbe } from './native-sidecar-probe.js';
import type { Operation } from 'fast-json-patch';
import type { K8sEnvVar, K8sVolumeMount } from './pod.js';

export type TemplateEngineName = 'go' | 'handlebars';

/** One rendered file: an agent-inject-secret-/template-/template-file- family member. */
export interface SecretSpec {
  /** The annotation suffix exactly as written (per-secret annotations are looked up by it). */
  readonly rawName: string;
  /** File name: rawName lower-cased unless preserve-secret-case applies. */
  readonly name: string;
  /** Vault path from agent-inject-secret-NAME ("" when only a template was given). */
  readonly vaultPath: string;
  /** Inline template text, or the default template for vaultPath; undefined when `source` is used. */
  readonly contents: string | undefined;
  /** True when `contents` is the default template (built from agent-inject-secret-NAME). */
  readonly usesDefaultTemplate: boolean;
  /** Template file inside the agent container (agent-inject-template-file-NAME). */
  readonly source: string | undefined;
  readonly destination: string;
  /** Directory the file lives in (per-secret secret-volume-path-NAME or the global one). */
  readonly mountPath: string;
  readonly leftDelimiter: string;
  readonly rightDelimiter: string;
  readonly command: string;
  readonly perms: string;
  readonly errorOnMissingKey: boolean;
  readonly engine: TemplateEngineName;
}

/** Where the pod's service-account token is, re-mounted read-only into the agent containers. */
export interface ServiceAccountTokenMount {
  readonly volumeName: string;
  readonly mountPath: string;
  /** Full path of the token file: mountPath joined with the token file name. */
  readonly tokenPath: string;
}

export interface AwsIrsa {
  readonly tokenMount: K8sVolumeMount | undefined;
  readonly env: readonly K8sEnvVar[];
}

export interface AgentSecurityContext {
  readonly runAsUser: number;
  readonly runAsGroup: number;
}

export interface QuantitySet {
  readonly cpu?: string;
  readonly memory?: string;
  readonly 'ephemeral-storage'?: string;
}

export interface VaultConnection {
  readonly address: string;
  readonly caCert: string;
  /** From the ca-key annotation: vault-k8s writes it to ca_path
   * (https://github.com/hashicorp/vault-k8s/blob/main/agent-inject/agent/config.go, newConfig). */
  readonly caPath: string;
  readonly clientCert: string;
  readonly clientKey: string;
  readonly tlsSkipVerify: boolean;
  readonly tlsServerName: string;
}

export interface AutoAuthSpec {
  readonly type: string;
  readonly mountPath: string;
  readonly namespace: string;
  readonly minBackoff: string;
  readonly maxBackoff: string;
  readonly exitOnErr: boolean;
  /** method.config: token_path, auth-config-* (dash → underscore), role. */
  readonly config: Readonly<Record<string, string>>;
}

export interface CacheSpec {
  readonly enabled: boolean;
  /** Emitted as a JSON string ("true", "false" or "force"), as vault-k8s does. */
  readonly useAutoAuthToken: string;
  readonly listenerPort: string;
  readonly exitOnErr: boolean;
}

export interface TemplateConfigSpec {
  readonly exitOnRetryFailure: boolean;
  readonly staticSecretRenderInterval: string;
  readonly maxConnectionsPerHost: number;
  readonly leaseRenewalThreshold: number;
}

/** Plain environment values passed to both agent containers. */
export interface AgentEnvSpec {
  readonly goMaxProcs: string;
  readonly clientTimeout: string;
  readonly clientMaxRetries: string;
  readonly logLevel: string;
  readonly logFormat: string;
  readonly proxyAddress: string;
  readonly vaultCACertBytes: string;
}

/** One agent-env-NAME annotation (vault-injector extension, docs/env-vars.md). */
export interface EnvVarSpec {
  readonly name: string;
  /** Go template whose output is the value. */
  readonly template: string;
  /** App containers that get it (agent-env-containers-NAME, else agent-inject-containers). */
  readonly containers: readonly string[];
}

/** An app container started through the launcher. */
export interface EnvContainerSpec {
  readonly name: string;
  /** Index in spec.containers. */
  readonly index: number;
  /** Its variables, in annotation order. */
  readonly names: readonly string[];
  /** What the launcher execs: the container's command, or agent-env-command-NAME. */
  readonly command: readonly string[];
}

export interface EnvVarsSpec {
  readonly variables: readonly EnvVarSpec[];
  /** Wrapped app containers in pod order (containers with at least one variable). */
  readonly containers: readonly EnvContainerSpec[];
  /** agent-env-restart-on-change: the sidecar requests a restart when a container's values change. */
  readonly restartOnChange: boolean;
}

export interface InjectionSpec {
  readonly image: string;
  /** agent-pre-populate: add vault-agent-init. */
  readonly injectInitContainer: boolean;
  /** not agent-pre-populate-only: add the vault-agent sidecar. */
  readonly injectSidecar: boolean;
  /**
   * agent-native-sidecar (our extension): the sidecar goes into initContainers with
   * restartPolicy Always and a startupProbe on the agent's ready file, and replaces vault-agent-init.
   */
  readonly nativeSidecar: boolean;
  /** The native sidecar's startupProbe: what it checks and its timings (annotations over flags). */
  readonly nativeSidecarProbe: NativeSidecarProbe;
  readonly initFirst: boolean;
  /** App containers that get the secret volume mounts. */
  readonly injectContainers: readonly string[];
  /** agent-configmap name, "" when the config is generated. */
  readonly configMap: string;
  readonly extraSecret: string;
  readonly tlsSecret: string;
  readonly secretVolumePath: string;
  /** Distinct per-secret volume paths other than secretVolumePath, first-seen order. */
  readonly customSecretVolumePaths: readonly string[];
  readonly secrets: readonly SecretSpec[];
  readonly serviceAccount: ServiceAccountTokenMount;
  readonly awsIrsa: AwsIrsa | undefined;
  /** Mounts copied from agent-copy-volume-mounts's container (service-account mounts excluded). */
  readonly copiedVolumeMounts: readonly K8sVolumeMount[];
  /** undefined ⇒ the agent containers get no securityContext at all. */
  readonly securityContext: AgentSecurityContext | undefined;
  readonly resources: { readonly limits: QuantitySet; readonly requests: QuantitySet };
  /** Seconds slept in the sidecar's preStop hook before revoking; undefined ⇒ no hook. */
  readonly revokeGraceSeconds: number | undefined;
  readonly vault: VaultConnection;
  readonly env: AgentEnvSpec;
  readonly autoAuth: AutoAuthSpec;
  readonly injectToken: boolean;
  readonly cache: CacheSpec;
  readonly enableQuit: boolean;
  readonly templateConfig: TemplateConfigSpec;
  readonly disableIdleConnections: readonly string[] | undefined;
  readonly disableKeepAlives: readonly string[] | undefined;
  /** agent-telemetry-* decoded (JSON where possible), keys with dashes as underscores. */
  readonly telemetry: Readonly<Record<string, unknown>> | undefined;
  /** agent-share-process-namespace when present. */
  readonly shareProcessNamespace: boolean | undefined;
  readonly sidecarJsonPatch: readonly Operation[];
  readonly initJsonPatch: readonly Operation[];
  /** agent-env-* (our extension); undefined when the pod has none. */
  readonly envVars: EnvVarsSpec | undefined;
  /** agent-inject-strict or -strict (our extension): admission warnings deny the pod. */
  readonly strict: boolean;
}
