// The two agent containers: vault-agent-init and the vault-agent sidecar
// (https://github.com/hashicorp/vault-k8s/blob/main/agent-inject/agent/container_init_sidecar.go,
// container_sidecar.go).
import { Buffer } from 'node:buffer';
import type { K8sContainer, K8sEnvVar } from '../pod.js';
import type { InjectionSpec } from '../spec.js';
import {
  AGENT_READY_FILE,
  AGENT_TOKEN_SINK_PATH,
  agentConfigEncoder,
  tokenSinkPaths,
  type AgentRole,
} from '../agent-config/render-agent-config.js';
import { nativeSidecarStartupProbe } from '../native-sidecar-probe.js';
import { agentMounts, usesEnvVars } from './volumes.js';
import { COPY_LAUNCHER_COMMAND } from '../env/env-paths.js';

/** The agent config JSON (Go's encoding) for a role. */
export type AgentConfigText = (role: AgentRole) => string;

const CONTAINER_NAMES = { init: 'vault-agent-init', sidecar: 'vault-agent' } as const;

const AGENT_COMMAND = ['/bin/sh', '-ec'];
const ARGS_GENERATED_CONFIG = 'echo ${VAULT_CONFIG?} | base64 -d > /home/vault/config.json && vault agent -config=/home/vault/config.json';
const CONFIGMAP_CONFIG_FILES: Readonly<Record<AgentRole, string>> = {
  init: '/vault/configs/config-init.hcl',
  sidecar: '/vault/configs/config.hcl',
};

function fieldRef(name: string, fieldPath: string): K8sEnvVar {
  return { name, valueFrom: { fieldRef: { fieldPath } } };
}

function pushIfSet(env: K8sEnvVar[], name: string, value: string): void {
  if (value !== '') env.push({ name, value });
}

function configMapEnv(spec: InjectionSpec, env: K8sEnvVar[]): void {
  const { vault } = spec;
  pushIfSet(env, 'VAULT_ADDR', vault.address);
  pushIfSet(env, 'VAULT_CACERT', vault.caCert);
  pushIfSet(env, 'VAULT_CAPATH', vault.caPath);
  pushIfSet(env, 'VAULT_CLIENT_CERT', vault.clientCert);
  pushIfSet(env, 'VAULT_CLIENT_KEY', vault.clientKey);
  env.push({ name: 'VAULT_SKIP_VERIFY', value: vault.tlsSkipVerify ? 'true' : 'false' });
  pushIfSet(env, 'VAULT_TLS_SERVER_NAME', vault.tlsServerName);
}

/**
 * Environment of an agent container, in vault-k8s's order
 * (https://github.com/hashicorp/vault-k8s/blob/main/agent-inject/agent/container_env.go).
 */
function agentEnv(spec: InjectionSpec, role: AgentRole, agentConfig: AgentConfigText): K8sEnvVar[] {
  const env: K8sEnvVar[] = [fieldRef('NAMESPACE', 'metadata.namespace'), fieldRef('HOST_IP', 'status.hostIP'), fieldRef('POD_IP', 'status.podIP')];
  pushIfSet(env, 'GOMAXPROCS', spec.env.goMaxProcs);
  pushIfSet(env, 'VAULT_CLIENT_TIMEOUT', spec.env.clientTimeout);
  pushIfSet(env, 'VAULT_MAX_RETRIES', spec.env.clientMaxRetries);
  pushIfSet(env, 'VAULT_LOG_LEVEL', spec.env.logLevel);
  pushIfSet(env, 'VAULT_LOG_FORMAT', spec.env.logFormat);
  pushIfSet(env, 'HTTPS_PROXY', spec.env.proxyAddress);
  if (spec.configMap === '') {
    const config = agentConfig(role);
    env.push({ name: 'VAULT_CONFIG', value: Buffer.from(config, 'utf8').toString('base64') });
  } else {
    configMapEnv(spec, env);
  }
  pushIfSet(env, 'VAULT_CACERT_BYTES', spec.env.vaultCACertBytes);
  env.push(...(spec.awsIrsa?.env ?? []).map((variable) => ({ ...variable })));
  return env;
}

/** The agent container that runs before the app copies the env-var launcher into the pod first. */
function copiesLauncher(spec: InjectionSpec, role: AgentRole): boolean {
  if (!usesEnvVars(spec)) return false;
  return role === 'init' ? spec.injectInitContainer : spec.nativeSidecar;
}

function args(spec: InjectionSpec, role: AgentRole, native: boolean): string[] {
  // vault-k8s's commands, byte for byte, except for a native sidecar (our extension): there the
  // agent is exec'ed so it is the container's PID 1 and gets the kubelet's SIGTERM itself (a shell
  // that does not exec its last command — dash — would ignore it as PID 1, holding a Job until the
  // grace period ends).
  const run = native ? 'exec vault agent' : 'vault agent';
  if (spec.configMap === '') {
    const command = ARGS_GENERATED_CONFIG.replace('vault agent', run);
    return [copiesLauncher(spec, role) ? `${COPY_LAUNCHER_COMMAND} && ${command}` : command];
  }
  return [`touch ${AGENT_TOKEN_SINK_PATH} && ${run} -config=${CONFIGMAP_CONFIG_FILES[role]}`];
}

function resources(spec: InjectionSpec): NonNullable<K8sContainer['resources']> {
  const result: NonNullable<K8sContainer['resources']> = {};
  if (Object.keys(spec.resources.limits).length > 0) result.limits = { ...spec.resources.limits };
  if (Object.keys(spec.resources.requests).length > 0) result.requests = { ...spec.resources.requests };
  return result;
}

function securityContext(spec: InjectionSpec): K8sContainer['securityContext'] {
  const context = spec.securityContext;
  if (context === undefined) return undefined;
  return {
    capabilities: { drop: ['ALL'] },
    runAsUser: context.runAsUser,
    runAsGroup: context.runAsGroup,
    runAsNonRoot: context.runAsUser !== 0 && context.runAsGroup !== 0,
    readOnlyRootFilesystem: true,
    allowPrivilegeEscalation: false,
  };
}

/**
 * One `sh -c` word: left as is when it holds only characters the shell never interprets (so
 * ordinary URLs and paths stay byte-identical to vault-k8s, which pastes them unquoted), else
 * single-quoted, so `service: "https://v:8200; touch /tmp/x #"` stays one argument (issue 10).
 */
export function shellWord(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * The preStop hook that revokes the sidecar's token
 * (https://github.com/hashicorp/vault-k8s/blob/main/agent-inject/agent/container_sidecar.go).
 */
export function revokeCommand(spec: InjectionSpec, graceSeconds: number): string {
  const flags = [`-address=${spec.vault.address}`];
  if (spec.vault.caCert !== '') flags.push(`-ca-cert=${spec.vault.caCert}`);
  if (spec.vault.clientCert !== '') flags.push(`-client-cert=${spec.vault.clientCert}`);
  if (spec.vault.clientKey !== '') flags.push(`-client-key=${spec.vault.clientKey}`);
  return `/bin/sleep ${graceSeconds} && /bin/vault token revoke ${flags.map(shellWord).join(' ')} -self`;
}

/**
 * A native sidecar holds back every later container until the agent has written everything once:
 * the files themselves (any image), or our agent's ready file (native-sidecar-probe.ts). ConfigMap
 * mode always uses the ready file: the destinations are in the ConfigMap, unknown here.
 */
function startupProbe(spec: InjectionSpec): NonNullable<K8sContainer['startupProbe']> {
  const probe = spec.nativeSidecarProbe;
  if (probe.kind === 'ready-file' || spec.configMap !== '') return nativeSidecarStartupProbe(probe, [AGENT_READY_FILE]);
  return nativeSidecarStartupProbe(probe, [...spec.secrets.map((secret) => secret.destination), ...tokenSinkPaths(spec)]);
}

function buildContainer(spec: InjectionSpec, role: AgentRole, agentConfig: AgentConfigText): K8sContainer {
  const native = role === 'sidecar' && spec.nativeSidecar;
  // Keys in corev1.Container's field order.
  const container: K8sContainer = {
    name: CONTAINER_NAMES[role],
    image: spec.image,
    command: [...AGENT_COMMAND],
    args: args(spec, role, native),
    env: agentEnv(spec, role, agentConfig),
    resources: resources(spec),
    ...(native ? { restartPolicy: 'Always' } : {}),
    volumeMounts: agentMounts(spec, role),
    ...(native ? { startupProbe: startupProbe(spec) } : {}),
  };
  if (role === 'sidecar') {
    const grace = spec.revokeGraceSeconds;
    container.lifecycle = grace === undefined ? {} : { preStop: { exec: { command: ['/bin/sh', '-c', revokeCommand(spec, grace)] } } };
  }
  const context = securityContext(spec);
  if (context !== undefined) container.securityContext = context;
  return container;
}

/**
 * `agentConfig`: the encoded agent config per role. Building both containers of a pod with one
 * agentConfigEncoder(spec) renders and serialises what their configs share once.
 */
export function buildInitContainer(spec: InjectionSpec, agentConfig: AgentConfigText = agentConfigEncoder(spec)): K8sContainer {
  return buildContainer(spec, 'init', agentConfig);
}

export function buildSidecarContainer(spec: InjectionSpec, agentConfig: AgentConfigText = agentConfigEncoder(spec)): K8sContainer {
  return buildContainer(spec, 'sidecar', agentConfig);
}
