// Cancellable sleep. Resolves `false` when the signal aborted it, so loops can stop without throwing.
import { setTimeout as delay } from 'node:timers/promises';

export async function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted === true) return false;
  try {
    await delay(Math.max(0, ms), undefined, signal === undefined ? undefined : { signal });
    return true;
  } catch {
    return false;
  }
}
