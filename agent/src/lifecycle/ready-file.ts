// The ready file (vault-injector's `ready_file` extension): created once, atomically, the first
// time every token sink and every template has been written — the moment a native sidecar's
// startupProbe (`test -e FILE`) may let the pod's next containers start. It is never removed: a
// later render failure does not make files that were written disappear. See docs/agent.md.
import { writeFileAtomic } from '../sink/atomic-file.js';
import type { AgentLogger } from '../log.js';

export interface ReadyGate {
  /** The token reached every sink for the first time. Resolves once any write it caused ended. */
  tokenWritten(): Promise<void>;
  /** Every template was rendered for the first time. Resolves once any write it caused ended. */
  templatesRendered(): Promise<void>;
}

export function createReadyGate(path: string | undefined, hasTemplates: boolean, log: AgentLogger): ReadyGate {
  let token = false;
  let templates = !hasTemplates;
  let written = false;
  const check = async (): Promise<void> => {
    if (path === undefined || written || !token || !templates) return;
    written = true;
    await writeFileAtomic(path, `${new Date().toISOString()}\n`, { mode: 0o644 }).then(
      () => { log.info({ path }, 'ready: every sink and template written; ready file created'); },
      (error: unknown) => { log.error({ path, err: error instanceof Error ? error : new Error(String(error)) }, 'could not create the ready file'); },
    );
  };
  return {
    tokenWritten() {
      token = true;
      return check();
    },
    templatesRendered() {
      templates = true;
      return check();
    },
  };
}
