// The emulator's clock: real time plus an offset tests can advance, or a caller-supplied time source.

export class Clock {
  private offsetMs = 0;

  constructor(private readonly source: () => number = Date.now) {}

  /** Current time in milliseconds since the epoch. */
  now(): number {
    return this.source() + this.offsetMs;
  }

  /** Current Unix time in whole seconds, the unit Bitrix uses for `ts`, `expires`. */
  nowSec(): number {
    return Math.floor(this.now() / 1000);
  }

  /** Moves time forward; token expiry, retention and the rate-limit bucket all follow. */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new Error('Clock.advance needs a non-negative number of ms');
    this.offsetMs += ms;
  }

  /** Drops any offset added with advance(). */
  resetOffset(): void {
    this.offsetMs = 0;
  }
}
