// `inject --explain`: what the webhook did to one pod, in words. Everything is read back from the
// InjectionSpec and from the mutated pod itself (the agent containers, their VAULT_CONFIG, which
// containers mount which volume), so the summary describes the patch, not an intention.
import { Buffer } from 'node:buffer';
import type { InjectionSpec } from '../inject/spec.js';

interface ContainerLike {
  readonly name?: string;
  readonly env?: readonly { readonly name?: string; readonly value?: string }[];
  readonly volumeMounts?: readonly { readonly name?: string; readonly mountPath?: string }[];
  readonly resources?: unknown;
  readonly restartPolicy?: string;
}

const AGENT_CONTAINERS = new Set(['vault-agent', 'vault-agent-init']);

function containers(pod: Record<string, unknown>, field: 'containers' | 'initContainers'): ContainerLike[] {
  const spec = pod.spec as Record<string, unknown> | undefined;
  const list = spec?.[field];
  return Array.isArray(list) ? (list as ContainerLike[]) : [];
}

function mode(spec: InjectionSpec): string {
  if (spec.nativeSidecar) return 'native sidecar (one vault-agent init container with restartPolicy Always)';
  if (spec.injectInitContainer && spec.injectSidecar) return 'init container + sidecar';
  if (spec.injectInitContainer) return 'init container only (pre-populate-only)';
  return 'sidecar only (no pre-populate)';
}

function decodedConfig(container: ContainerLike): Record<string, unknown> | undefined {
  const encoded = container.env?.find((variable) => variable.name === 'VAULT_CONFIG')?.value;
  if (encoded === undefined) return undefined;
  return JSON.parse(Buffer.from(encoded, 'base64').toString('utf8')) as Record<string, unknown>;
}

function indented(config: Record<string, unknown>): string {
  return JSON.stringify(config, null, 2).replace(/^/gm, '    ');
}

/** The init and sidecar configs of one pod differ only in exit_after_auth; say so instead of printing both. */
function sameButExit(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  return JSON.stringify({ ...a, exit_after_auth: null }) === JSON.stringify({ ...b, exit_after_auth: null });
}

function mountsOf(pod: Record<string, unknown>, directory: string): string[] {
  const apps = [...containers(pod, 'initContainers'), ...containers(pod, 'containers')].filter((c) => !AGENT_CONTAINERS.has(c.name ?? ''));
  return apps.filter((c) => c.volumeMounts?.some((mount) => mount.mountPath === directory) === true).map((c) => c.name ?? '(unnamed)');
}

function fileLines(spec: InjectionSpec, pod: Record<string, unknown>): string[] {
  if (spec.secrets.length === 0) return ['  files: none'];
  return [
    '  files:',
    ...spec.secrets.map((secret) => {
      const from = secret.vaultPath !== '' ? `Vault path ${secret.vaultPath}` : secret.source !== undefined ? `template file ${secret.source}` : 'inline template';
      const readers = mountsOf(pod, secret.mountPath);
      const seenBy = readers.length > 0 ? readers.join(', ') : 'no app container';
      return `    ${secret.destination} ← ${from} (perms ${secret.perms || 'default'}; mounted in ${seenBy})`;
    }),
  ];
}

function agentLines(pod: Record<string, unknown>): string[] {
  const agents = [...containers(pod, 'initContainers'), ...containers(pod, 'containers')].filter((c) => AGENT_CONTAINERS.has(c.name ?? ''));
  const lines: string[] = [];
  let previous: Record<string, unknown> | undefined;
  for (const agent of agents) {
    lines.push(`  container ${agent.name ?? ''}${agent.restartPolicy === 'Always' ? ' (native sidecar)' : ''}: resources ${JSON.stringify(agent.resources ?? {})}`);
    const config = decodedConfig(agent);
    if (config === undefined) lines.push('    agent config: from the agent-configmap ConfigMap');
    else if (previous !== undefined && sameButExit(previous, config)) {
      lines.push(`    agent config: as above, with exit_after_auth ${JSON.stringify(config.exit_after_auth)}`);
    } else lines.push('    agent config:', indented(config));
    previous = config ?? previous;
  }
  return lines;
}

/** The human summary for one admitted pod template. */
export function explainInjection(owner: string, spec: InjectionSpec, mutatedPod: Record<string, unknown>): string {
  const auth = spec.autoAuth;
  const role = auth.config.role ?? '(none)';
  return [
    `${owner}:`,
    `  mode: ${mode(spec)}${spec.initFirst ? ', agent runs before the other init containers' : ''}`,
    `  auth: ${auth.type} at ${auth.mountPath}, role ${role}${auth.namespace !== '' ? `, Vault namespace ${auth.namespace}` : ''}`,
    `  vault: ${spec.vault.address}`,
    ...fileLines(spec, mutatedPod),
    ...(spec.injectToken ? ['  token: the agent token is written to /vault/secrets/token'] : []),
    ...agentLines(mutatedPod),
    '',
  ].join('\n');
}
