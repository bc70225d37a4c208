// The ready file (vault-injector's `ready_file` extension): created once, atomically, when the
// lifecycle reports ready — every token sink and every template written for the first time — the
// moment a native sidecar's startupProbe (`test -e FILE`) may let the pod's next containers start.
// It is never removed: a later render failure does not make files that were written disappear.
// See docs/agent.md.
import { writeFileAtomic } from '../sink/atomic-file.js';
import type { AgentLogger } from '../log.js';

/** Writes the ready file; a failure is logged (the probe then keeps the pod waiting), never thrown. */
export async function writeReadyFile(path: string, log: AgentLogger): Promise<void> {
  try {
    await writeFileAtomic(path, `${new Date().toISOString()}\n`, { mode: 0o644 });
    log.info({ path }, 'ready: every sink and template written; ready file created');
  } catch (error) {
    log.error({ path, err: error instanceof Error ? error : new Error(String(error)) }, 'could not create the ready file');
  }
}
