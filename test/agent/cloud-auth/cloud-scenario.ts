// Shared set-up for the cloud and certificate auth end-to-end tests: a Vault double holding one KV
// secret, a pod sandbox, and the HCL config a user writes for `method "<type>" { … }` rendering that
// secret once (exit_after_auth) — so a test shows the real agent CLI logged in and rendered.
import { chownSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startVaultDouble } from '../../vault-double/index.js';
import type { StartVaultDoubleOptions, VaultDouble } from '../../vault-double/index.js';
import type { AgentProcess, PodSandbox } from '../helpers/pod-sandbox.js';
import { createPodSandbox, POD_GID, POD_PATHS, POD_UID, startAgentInPod } from '../helpers/pod-sandbox.js';
import { leakedSecrets } from '../helpers/agent-scenario.js';

export const SECRET_VALUE = 'cloud-auth-s3cr3t-value';

export interface CloudScenario {
  readonly vault: VaultDouble;
  readonly sandbox: PodSandbox;
  /** Values that must never appear in the agent's output. */
  readonly secrets: Set<string>;
  /** Writes a file under /home/vault (owned by the pod user) and returns its pod path. */
  homeFile(name: string, content: string): string;
  run(methodHcl: string, env?: Readonly<Record<string, string>>, vaultHcl?: string): Promise<{ code: number; output: string; rendered: string | undefined }>;
  close(): Promise<void>;
}

export async function createCloudScenario(options: StartVaultDoubleOptions = {}): Promise<CloudScenario> {
  const vault = await startVaultDouble(options);
  vault.enableKv('secret', 2);
  vault.writeKv('secret/app', { password: SECRET_VALUE });
  const sandbox = createPodSandbox();
  const agents: AgentProcess[] = [];
  const secrets = new Set<string>([SECRET_VALUE, vault.rootToken]);
  return {
    vault,
    sandbox,
    secrets,
    homeFile(name, content) {
      const file = join(sandbox.homeDir, name);
      writeFileSync(file, content, { mode: 0o600 });
      chownSync(file, POD_UID, POD_GID);
      return `${POD_PATHS.home}/${name}`;
    },
    async run(methodHcl, env = {}, vaultHcl = `address = "${vault.address}"`) {
      const hcl = `
auto_auth {
${methodHcl}
  sink "file" {
    config = { path = "/home/vault/.vault-token" }
  }
}
exit_after_auth = true
vault {
  ${vaultHcl}
}
template {
  destination = "/vault/secrets/password"
  contents = "{{ with secret \\"secret/data/app\\" }}{{ .Data.data.password }}{{ end }}"
}
template_config { exit_on_retry_failure = true }
`;
      const agent = startAgentInPod({ sandbox, config: hcl, configFileName: 'agent.hcl', env });
      agents.push(agent);
      const code = await agent.exited;
      let rendered: string | undefined;
      try {
        rendered = readFileSync(join(sandbox.secretsDir, 'password'), 'utf8');
      } catch {
        rendered = undefined;
      }
      for (const token of vault.tokens()) secrets.add(token.token);
      return { code, output: agent.output(), rendered };
    },
    async close() {
      for (const agent of agents) {
        if (agent.child.exitCode === null && agent.child.signalCode === null) agent.child.kill('SIGKILL');
        await agent.exited;
      }
      await vault.close();
      sandbox.remove();
    },
  };
}

export function leaked(scenario: CloudScenario, output: string): string[] {
  return leakedSecrets(output, scenario.secrets);
}
