// A child's exit status once its output has been read. Node's 'exit' can fire before the last
// stdout/stderr chunks arrive (they are read from pipes afterwards), so a test that checks the
// output on 'exit' can miss a final line under load. 'close' comes once the pipes have ended; if a
// grandchild still holds them open, the status is given anyway after `graceMs`.
import type { ChildProcess } from 'node:child_process';

export interface ChildExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export function exitWithOutput(child: ChildProcess, graceMs = 2000): Promise<ChildExit> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (status: ChildExit): void => {
      if (settled) return;
      settled = true;
      resolve(status);
    };
    child.once('close', (code: number | null, signal: NodeJS.Signals | null) => { settle({ code, signal }); });
    child.once('exit', (code, signal) => {
      setTimeout(() => { settle({ code, signal }); }, graceMs).unref();
    });
  });
}
