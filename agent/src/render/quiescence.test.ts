// Quiescence with a hand-driven clock: a changed render is held until it has stayed the same for
// `min`, or until `max` after the first change.
import { Quiescence } from './quiescence.js';

interface PendingSleep { readonly at: number; readonly signal: AbortSignal; readonly resolve: (slept: boolean) => void }

function clock() {
  let now = 0;
  const sleeps: PendingSleep[] = [];
  return {
    sleep: (ms: number, signal: AbortSignal) => new Promise<boolean>((resolve) => {
      sleeps.push({ at: now + ms, signal, resolve });
      signal.addEventListener('abort', () => { resolve(false); }, { once: true });
    }),
    async advance(ms: number) {
      now += ms;
      for (const sleep of sleeps.splice(0)) {
        if (sleep.signal.aborted) continue;
        if (sleep.at <= now) sleep.resolve(true);
        else sleeps.push(sleep);
      }
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

describe('Quiescence', () => {
  it('holds a change until it has been quiet for min', async () => {
    const time = clock();
    let due = 0;
    const gate = new Quiescence({ minMs: 1000, maxMs: 10_000 }, time.sleep, () => { due += 1; });
    expect(gate.offer('a')).toBe(false);
    await time.advance(600);
    expect(gate.offer('b')).toBe(false); // a new change restarts min
    await time.advance(600);
    expect(due).toBe(0);
    await time.advance(400);
    expect(due).toBe(1);
    expect(gate.offer('b')).toBe(true);
    expect(gate.offer('b')).toBe(true); // unchanged: nothing to hold
  });

  it('lets a change through at max even while changes keep coming', async () => {
    const time = clock();
    let due = 0;
    const gate = new Quiescence({ minMs: 1000, maxMs: 2500 }, time.sleep, () => { due += 1; });
    for (const [step, value] of ['a', 'b', 'c', 'd', 'e'].entries()) {
      expect(gate.offer(value)).toBe(false);
      await time.advance(step === 4 ? 100 : 600);
    }
    expect(due).toBe(1);
    expect(gate.offer('e')).toBe(true);
  });

  it('an output that returns to the written one is let through and cancels the wait', async () => {
    const time = clock();
    let due = 0;
    const gate = new Quiescence({ minMs: 1000, maxMs: 4000 }, time.sleep, () => { due += 1; });
    expect(gate.offer('a')).toBe(false);
    await time.advance(1000);
    expect(gate.offer('a')).toBe(true);
    expect(gate.offer('b')).toBe(false);
    expect(gate.offer('a')).toBe(true);
    await time.advance(5000);
    expect(due).toBe(1);
    expect(gate.offer('c')).toBe(false);
  });
});
