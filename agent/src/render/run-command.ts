// Commands after a render
// (https://github.com/hashicorp/consul-template/blob/main/child/command-prep.go): a string runs
// through `sh -c`, a list is executed directly; each gets its own process group so a timeout kills
// everything it started.
import type * as ChildProcessModule from 'node:child_process';
import { createRequire } from 'node:module';
import type { TemplateCommand } from '../config/agent-config.js';

export class CommandError extends Error {
  override readonly name = 'CommandError';
}

export function describeCommand(command: TemplateCommand['command']): string {
  return typeof command === 'string' ? command : command.join(' ');
}

export function runTemplateCommand(command: TemplateCommand, signal?: AbortSignal): Promise<void> {
  const [file, ...args] = typeof command.command === 'string' ? ['/bin/sh', '-c', command.command] : command.command;
  const label = describeCommand(command.command);
  return new Promise<void>((resolve, reject) => {
    if (file === undefined) {
      resolve();
      return;
    }
    // node:child_process (with dgram and more) loads with the first command, not at start-up.
    const { spawn } = createRequire(import.meta.url)('node:child_process') as typeof ChildProcessModule;
    const child = spawn(file, args, { stdio: ['ignore', 'inherit', 'inherit'], detached: true });
    const killGroup = (): void => {
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
    };
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, command.timeoutMs);
    const onAbort = (): void => { killGroup(); };
    signal?.addEventListener('abort', onAbort, { once: true });
    child.once('error', (error) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      reject(new CommandError(`command ${JSON.stringify(label)} could not start: ${error.message}`));
    });
    child.once('exit', (code, exitSignal) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (timedOut) reject(new CommandError(`command ${JSON.stringify(label)} timed out after ${command.timeoutMs} ms`));
      else if (code === 0) resolve();
      else reject(new CommandError(`command ${JSON.stringify(label)} failed: ${code === null ? `signal ${String(exitSignal)}` : `exit status ${code}`}`));
    });
  });
}
