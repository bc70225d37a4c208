import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { untilAborted } from './until-aborted.js';

const MODULE = fileURLToPath(new URL('./until-aborted.ts', import.meta.url));

describe('untilAborted', () => {
  it('keeps the event loop alive while waiting and lets go once aborted', async () => {
    const controller = new AbortController();
    const timersBefore = process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
    const waiting = untilAborted(controller.signal);
    expect(process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length).toBe(timersBefore + 1);
    controller.abort();
    await waiting;
    expect(process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length).toBe(timersBefore);
  });

  it('resolves at once for an aborted signal', async () => {
    await expect(untilAborted(AbortSignal.abort())).resolves.toBeUndefined();
  });

  it('a process with nothing else to do does not exit while it waits (Vault Agent pauses after a wrapped token)', () => {
    // The child waits on a signal nobody aborts, then aborts it from a SIGTERM handler: it must be
    // alive to receive the SIGTERM, and exits 0 with the marker printed after the wait.
    const script = `
      import(${JSON.stringify(MODULE)}).then(async ({ untilAborted }) => {
        const controller = new AbortController();
        process.on('SIGTERM', () => controller.abort());
        setImmediate(() => process.kill(process.pid, 'SIGTERM'));
        await untilAborted(controller.signal);
        process.stdout.write('resumed after abort');
      });`;
    const result = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8', timeout: 20_000 });
    expect([result.status, result.stdout]).toEqual([0, 'resumed after abort']);
  });
});
