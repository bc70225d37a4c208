// Vault Agent's pid_file: written at start (a failure is only a warning), removed at exit when it
// still holds our pid (https://developer.hashicorp.com/vault/docs/agent-and-proxy/agent#pid_file).
import { readFile, unlink, writeFile } from 'node:fs/promises';
import type { AgentLogger } from '../log.js';
import { coerceError } from '../vault/vault-error.js';

export async function writePidFile(path: string, log: AgentLogger): Promise<void> {
  await writeFile(path, String(process.pid), { mode: 0o600 }).catch((error: unknown) => {
    log.warn({ err: coerceError(error), path }, 'could not write the pid file');
  });
}

export async function removePidFile(path: string): Promise<void> {
  // Only remove our own pid file.
  const content = await readFile(path, 'utf8').catch(() => '');
  if (content.trim() === String(process.pid)) await unlink(path).catch(() => undefined);
}
