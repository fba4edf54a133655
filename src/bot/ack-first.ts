// Acknowledging goes before handling during a burst: while acknowledging keeps the event loop busy and
// a backlog waits, events are kept and answered at the intake's own pace and handled with a share of it.
import { performance, type EventLoopUtilization } from 'node:perf_hooks';

export interface AckFirstOptions {
  /** Events acknowledged and not yet handled from which a steady stream of acks counts as a burst. Default 64. */
  backlog?: number;
  /** In a burst, one event is still handled per this many acknowledgements. Default 32. */
  share?: number;
  /** No ack for this long (ms) ends a burst. Default 5. */
  quietMs?: number;
  /** And in a burst at least one event is handled this often (ms), so handling never stops. Default 20. */
  floorMs?: number;
  /** The event loop busy for more than this share of the last 10 ms counts as saturated. Default 0.8. */
  busy?: number;
}

/** How the loop's load is read: its utilization since the last sample (tests give their own). */
export type LoadProbe = () => number;

/** The event loop's utilization over the last ~10 ms (perf_hooks), sampled at most that often. */
export function eventLoopProbe(): LoadProbe {
  let last: EventLoopUtilization = performance.eventLoopUtilization();
  let at = performance.now();
  let value = 0;
  return () => {
    const now = performance.now();
    if (now - at >= 10) {
      const cur = performance.eventLoopUtilization();
      value = performance.eventLoopUtilization(cur, last).utilization;
      last = cur;
      at = now;
    }
    return value;
  };
}

/**
 * A gate the handling passes through before each event. Open unless three things hold at once:
 * `backlog` events wait, acks keep coming (one in the last `quietMs`), and the event loop is
 * saturated (busy more than `busy` of the last 10 ms). Then a waiting handler goes on once `share`
 * acknowledgements were answered since the last it let through, or every `floorMs`; when the acks
 * stop, or the loop has time to spare, it goes on at once. So a steady stream the process can keep
 * up with is handled as it comes (the loop is not saturated), and only an intake that needs the
 * whole process, a true burst, makes handling wait.
 *
 * Why: Bitrix24 needs the answer at once, and by then the event is on disk, so nothing is lost by
 * handling it a little later. Handling is bound by the portal's REST limit anyway (2 requests a
 * second), so during a burst it gains nothing by taking the CPU from the intake; at a rate the
 * handling keeps up with, the backlog stays short and the gate stays open.
 */
export class AckFirst {
  private pending = 0;
  private lastAck = Number.NEGATIVE_INFINITY;
  private lastRelease = Number.NEGATIVE_INFINITY;
  private credit = 0;
  private readonly waiters: Array<() => void> = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly backlog: number;
  private readonly share: number;
  private readonly quietMs: number;
  private readonly floorMs: number;
  private readonly busy: number;

  constructor(
    o: AckFirstOptions = {},
    private readonly now: () => number = () => performance.now(),
    private readonly load: LoadProbe = eventLoopProbe(),
  ) {
    this.backlog = Math.max(1, o.backlog ?? 64);
    this.share = Math.max(1, o.share ?? 32);
    this.quietMs = Math.max(1, o.quietMs ?? 5);
    this.floorMs = Math.max(this.quietMs, o.floorMs ?? 20);
    this.busy = o.busy ?? 0.8;
  }

  /** An event was kept and answered; it will be handled later. */
  acked(): void {
    this.pending++;
    this.lastAck = this.now();
    this.credit = Math.min(this.credit + 1 / this.share, 1);
    if (this.credit >= 1 && this.waiters.length > 0) {
      this.credit -= 1;
      this.release(1);
    }
  }

  /** Acks keep coming while a backlog waits, and the loop has no time to spare. */
  inBurst(): boolean {
    return this.pending >= this.backlog && this.now() - this.lastAck < this.quietMs && this.load() > this.busy;
  }

  /** Resolves when a handler may take its next event. */
  turn(): Promise<void> {
    if (this.waiters.length === 0 && !this.inBurst()) return this.take();
    if (this.credit >= 1) {
      this.credit -= 1;
      return this.take();
    }
    return new Promise<void>((resolve) => {
      this.waiters.push(resolve);
      this.arm();
    }).then(() => this.take());
  }

  /** Handlers waiting now (tests). */
  get waiting(): number {
    return this.waiters.length;
  }

  private take(): Promise<void> {
    // An event replayed at start was never acked here: the count stays at 0.
    if (this.pending > 0) this.pending--;
    return Promise.resolve();
  }

  private arm(): void {
    if (this.timer || this.waiters.length === 0) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.inBurst()) this.release(this.waiters.length);
      else if (this.now() - this.lastRelease >= this.floorMs) this.release(1);
      this.arm();
    }, this.quietMs);
    this.timer.unref?.();
  }

  private release(n: number): void {
    this.lastRelease = this.now();
    for (const w of this.waiters.splice(0, n)) w();
    if (this.waiters.length === 0 && this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }
}
