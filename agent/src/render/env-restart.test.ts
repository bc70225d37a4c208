import type { EnvRestartConfig } from '../config/agent-config.js';
import { createAgentLogger } from '../log.js';
import { EnvRestartScheduler } from './env-restart.js';

/** Virtual time: sleeps resolve only when the test advances the clock past them. */
function virtualClock() {
  let now = 1_000_000;
  const timers: { at: number; resolve: (slept: boolean) => void }[] = [];
  return {
    now: () => now,
    sleep: (ms: number, signal: AbortSignal) =>
      new Promise<boolean>((resolve) => {
        timers.push({ at: now + ms, resolve });
        signal.addEventListener('abort', () => { resolve(false); }, { once: true });
      }),
    async advance(ms: number) {
      const end = now + ms;
      for (;;) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        timers.sort((a, b) => a.at - b.at);
        const next = timers[0];
        if (next === undefined || next.at > end) break;
        timers.shift();
        now = next.at;
        next.resolve(true);
      }
      now = end;
      await new Promise<void>((resolve) => setImmediate(resolve));
    },
  };
}

function setup(config: Partial<EnvRestartConfig> = {}) {
  const clock = virtualClock();
  const writes: { file: string; token: string; at: number }[] = [];
  const lines: string[] = [];
  const scheduler = new EnvRestartScheduler({
    configs: [{ directory: '/vault/env/app', debounceMs: 5_000, minIntervalMs: 30_000, ...config }],
    log: createAgentLogger({ format: 'json', write: (line) => lines.push(line) }),
    now: clock.now,
    sleep: clock.sleep,
    writeGeneration: (file, token) => {
      writes.push({ file, token, at: clock.now() });
      return Promise.resolve();
    },
  });
  return { clock, writes, lines, scheduler };
}

describe('EnvRestartScheduler', () => {
  it('answers a burst of changes with one token, once the burst has been quiet for the debounce window', async () => {
    const { clock, writes, scheduler } = setup();
    const start = clock.now();
    scheduler.noteReplaced('/vault/env/app/DB_PASSWORD');
    await clock.advance(2_000);
    scheduler.noteReplaced('/vault/env/app/DB_USER');
    await clock.advance(4_000);
    expect(writes).toEqual([]);
    await clock.advance(1_000);
    expect(writes.map(({ file, at }) => ({ file, at }))).toEqual([{ file: '/vault/env/app/.generation', at: start + 7_000 }]);
    expect(writes[0]?.token).toMatch(/^[0-9a-z]+-[0-9a-f]{12}$/);
    await clock.advance(60_000);
    expect(writes).toHaveLength(1);
  });

  it('rate-limits: a change soon after a token waits for the minimum interval, and gets a new token', async () => {
    const { clock, writes, scheduler } = setup();
    scheduler.noteReplaced('/vault/env/app/A');
    await clock.advance(5_000);
    expect(writes).toHaveLength(1);
    const first = writes[0]!;
    scheduler.noteReplaced('/vault/env/app/A');
    await clock.advance(20_000);
    expect(writes).toHaveLength(1);
    await clock.advance(10_000);
    expect(writes.map((write) => write.at)).toEqual([first.at, first.at + 30_000]);
    expect(writes[1]!.token).not.toBe(first.token);
  });

  it('ignores files outside its directories (secrets files, other containers, sub-directories)', async () => {
    const { clock, writes, scheduler } = setup();
    for (const file of ['/vault/secrets/db', '/vault/env/worker/A', '/vault/env/app/sub/A', '/vault/env/app']) scheduler.noteReplaced(file);
    await clock.advance(100_000);
    expect(writes).toEqual([]);
  });

  it('writes nothing after stop, and logs the directory and token but no value', async () => {
    const stopped = setup();
    stopped.scheduler.noteReplaced('/vault/env/app/A');
    stopped.scheduler.stop();
    await stopped.clock.advance(100_000);
    expect(stopped.writes).toEqual([]);

    const { clock, lines, scheduler } = setup({ debounceMs: 0 });
    scheduler.noteReplaced('/vault/env/app/A');
    await clock.advance(1);
    expect(lines.map((line) => JSON.parse(line) as Record<string, unknown>)).toEqual([
      expect.objectContaining({ directory: '/vault/env/app', '@message': 'environment values changed; container restart requested' }),
    ]);
  });
});
