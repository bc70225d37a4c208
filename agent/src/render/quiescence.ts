// consul-template's quiescence for one template (`wait { min max }`): a changed render is written
// only once it has stayed the same for `min`, or `max` after the first change at the latest
// (https://github.com/hashicorp/consul-template/blob/main/docs/configuration.md#wait). Like
// consul-template it applies to the first render too. Pure bookkeeping plus two cancellable timers;
// the runner asks `offer(output)` on every pass and schedules a pass when `onDue` fires.
import type { TemplateWait } from '../config/agent-config.js';

export type Timer = (ms: number, signal: AbortSignal) => Promise<boolean>;

export class Quiescence {
  readonly #wait: TemplateWait;
  readonly #sleep: Timer;
  readonly #onDue: () => void;
  /** What was last let through (so an unchanged render is written at once: it changes nothing). */
  #settled: string | undefined;
  #pending: string | undefined;
  #due = false;
  #minTimer: AbortController | undefined;
  #maxTimer: AbortController | undefined;

  constructor(wait: TemplateWait, sleep: Timer, onDue: () => void) {
    this.#wait = wait;
    this.#sleep = sleep;
    this.#onDue = onDue;
  }

  /** True: write `output` now. False: held until the template has been quiet long enough. */
  offer(output: string): boolean {
    if (output === this.#settled || this.#due) {
      this.#settle(output);
      return true;
    }
    if (output !== this.#pending) {
      this.#pending = output;
      this.#minTimer?.abort();
      this.#minTimer = this.#start(this.#wait.minMs);
      this.#maxTimer ??= this.#start(this.#wait.maxMs);
    }
    return false;
  }

  stop(): void {
    this.#minTimer?.abort();
    this.#maxTimer?.abort();
    this.#minTimer = undefined;
    this.#maxTimer = undefined;
  }

  #start(ms: number): AbortController {
    const controller = new AbortController();
    void this.#sleep(ms, controller.signal).then((slept) => {
      if (!slept || controller.signal.aborted) return;
      this.stop();
      this.#due = true;
      this.#onDue();
    });
    return controller;
  }

  #settle(output: string): void {
    this.stop();
    this.#settled = output;
    this.#pending = undefined;
    this.#due = false;
  }
}
