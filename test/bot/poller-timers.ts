// A virtual clock for fetch pollers: minutes of pauses pass in milliseconds, and each woken poller is awaited.
import type { PollerTimers } from '../../src/bot/poller.js';

interface Sleeper {
  due: number;
  wake: () => void;
}

export class VirtualTimers implements PollerTimers {
  /** Virtual milliseconds since the start. */
  now = 0;
  /** Every pause asked for, in order. */
  readonly requested: number[] = [];
  private sleepers: Sleeper[] = [];

  /**
   * `onAdvance` moves other clocks along (the emulator's); `expected` says how many pollers should
   * be asleep when all is quiet (default: as many as were asleep before one was woken).
   */
  constructor(
    private readonly onAdvance: (ms: number) => void = () => undefined,
    private readonly expected?: () => number,
  ) {}

  sleep(ms: number, signal: AbortSignal): Promise<void> {
    this.requested.push(ms);
    return new Promise<void>((resolve) => {
      const sleeper: Sleeper = {
        due: this.now + ms,
        wake: () => {
          this.sleepers = this.sleepers.filter((s) => s !== sleeper);
          signal.removeEventListener('abort', sleeper.wake);
          resolve();
        },
      };
      this.sleepers.push(sleeper);
      if (signal.aborted) sleeper.wake();
      else signal.addEventListener('abort', sleeper.wake, { once: true });
    });
  }

  get sleeping(): number {
    return this.sleepers.length;
  }

  /** Waits in real time (briefly) until `count` pollers sleep again. */
  async untilSleeping(count: number, timeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.sleepers.length < count) {
      if (Date.now() > deadline) throw new Error(`VirtualTimers: ${this.sleepers.length} of ${count} pollers asleep after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 1));
    }
  }

  /** As untilSleeping, with `expected` asked again each time: a poller that stopped is no longer waited for. */
  private async untilQuiet(count: number, timeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const want = () => (this.expected ? this.expected() : count);
    while (this.sleepers.length < want()) {
      if (Date.now() > deadline) throw new Error(`VirtualTimers: ${this.sleepers.length} of ${want()} pollers asleep after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 1));
    }
  }

  /** Moves virtual time forward, waking each poller when its pause ends and waiting until it sleeps again. */
  async advance(ms: number): Promise<void> {
    const target = this.now + ms;
    for (;;) {
      const next = this.sleepers.reduce<Sleeper | undefined>((a, s) => (!a || s.due < a.due ? s : a), undefined);
      if (!next || next.due > target) break;
      const count = this.expected ? this.expected() : this.sleepers.length;
      this.step(next.due);
      next.wake();
      await this.untilQuiet(count);
    }
    this.step(target);
  }

  private step(to: number): void {
    const delta = to - this.now;
    if (delta <= 0) return;
    this.now = to;
    this.onAdvance(delta);
  }
}
