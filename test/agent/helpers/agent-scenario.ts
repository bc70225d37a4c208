// Shared set-up for end-to-end agent scenarios: a Vault double with the kubernetes method mounted
// where the injector config says, a pod sandbox holding the service-account JWT, and the injector's
// config shape. Everything the agent prints is kept so tests can scan it for secret values.
import { createServer } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startVaultDouble } from '../../vault-double/index.js';
import type { KubernetesRoleOptions, VaultDouble } from '../../vault-double/index.js';
import type { AgentProcess, PodSandbox } from './pod-sandbox.js';
import { createPodSandbox, POD_PATHS } from './pod-sandbox.js';

export const SERVICE_ACCOUNT_JWT =
  'eyJhbGciOiJSUzI1NiIsImtpZCI6InRlc3QifQ.eyJpc3MiOiJrdWJlcm5ldGVzL3NlcnZpY2VhY2NvdW50Iiwic3ViIjoic3lzdGVtOnNlcnZpY2VhY2NvdW50OmRlZmF1bHQ6YXBwIn0.c2lnbmF0dXJlLW5vdC1jaGVja2Vk';

export interface Scenario {
  readonly vault: VaultDouble;
  readonly sandbox: PodSandbox;
  readonly agents: AgentProcess[];
  /** Every value that must never appear in a log line. */
  readonly secrets: Set<string>;
  sinkToken(): string;
  close(): Promise<void>;
}

export async function createScenario(options: { mount?: string; role?: Partial<KubernetesRoleOptions> } = {}): Promise<Scenario> {
  const vault = await startVaultDouble();
  const mount = options.mount ?? 'kubernetes';
  vault.enableAuth('kubernetes', mount);
  vault.addKubernetesRole(mount, 'app', { serviceAccountJwt: SERVICE_ACCOUNT_JWT, policies: ['app'], ...options.role });
  const sandbox = createPodSandbox();
  sandbox.writeServiceAccountToken(`${SERVICE_ACCOUNT_JWT}\n`);
  const agents: AgentProcess[] = [];
  const scenario: Scenario = {
    vault,
    sandbox,
    agents,
    secrets: new Set([SERVICE_ACCOUNT_JWT, vault.rootToken]),
    sinkToken: () => readFileSync(join(sandbox.homeDir, '.vault-token'), 'utf8'),
    async close() {
      for (const agent of agents) {
        if (agent.child.exitCode === null && agent.child.signalCode === null) agent.child.kill('SIGKILL');
        await agent.exited;
      }
      await vault.close();
      sandbox.remove();
    },
  };
  return scenario;
}

/**
 * The VAULT_CONFIG the injector generates for a pod
 * (https://github.com/hashicorp/vault-k8s/blob/main/agent-inject/agent/config.go), adjusted by `extra`.
 */
export function injectorConfig(vault: VaultDouble, init: boolean, extra: Record<string, unknown> = {}, method: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    auto_auth: {
      method: {
        type: 'kubernetes',
        mount_path: 'auth/kubernetes',
        config: { role: 'app', token_path: `${POD_PATHS.serviceAccount}/token` },
        ...method,
      },
      sink: [{ type: 'file', config: { path: `${POD_PATHS.home}/.vault-token` } }],
    },
    exit_after_auth: init,
    pid_file: `${POD_PATHS.home}/.pid`,
    vault: { address: vault.address },
    template_config: { exit_on_retry_failure: true },
    ...extra,
  };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => { resolve(port); });
    });
  });
}

/** Every secret value found in the output (should be none). */
export function leakedSecrets(output: string, secrets: Iterable<string>): string[] {
  return [...secrets].filter((secret) => secret.length >= 4 && output.includes(secret));
}
