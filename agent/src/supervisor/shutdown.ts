// Signals → one AbortController. The first SIGTERM/SIGINT starts an orderly shutdown; a second one
// forces the process out at once. SIGHUP is acknowledged (Vault reloads log level and listener
// certificates on it; this agent keeps running unchanged).
import type { AgentLogger } from '../log.js';

export interface ShutdownHandle {
  readonly signal: AbortSignal;
  /** Starts the orderly shutdown (quit endpoint, fatal errors). */
  shutdown(reason: string): void;
  uninstall(): void;
}

export function installShutdownHandlers(log: AgentLogger, forceExit: (code: number) => void): ShutdownHandle {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted) {
      log.warn({ signal }, 'second signal: exiting now');
      forceExit(1);
      return;
    }
    log.info({ signal }, 'shutdown triggered');
    controller.abort();
  };
  const onHangup = (): void => { log.info('SIGHUP received; nothing to reload'); };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  process.on('SIGHUP', onHangup);
  return {
    signal: controller.signal,
    shutdown(reason: string): void {
      if (controller.signal.aborted) return;
      log.info({ reason }, 'shutdown triggered');
      controller.abort();
    },
    uninstall(): void {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      process.off('SIGHUP', onHangup);
    },
  };
}
