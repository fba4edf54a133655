import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AckFirst } from '../../src/bot/ack-first.js';

/** A handler's turn, noted when it is given. */
function track(gate: AckFirst): { given: () => boolean } {
  let given = false;
  void gate.turn().then(() => {
    given = true;
  });
  return { given: () => given };
}

describe('AckFirst: handling gives way to acknowledging during a burst', () => {
  /** The event loop's utilization the gate sees. */
  let load = 1;
  beforeEach(() => {
    vi.useFakeTimers();
    load = 1;
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  const gateAt = () => new AckFirst({ backlog: 10, share: 4, quietMs: 5, floorMs: 20 }, () => Date.now(), () => load);

  it('is open while handling keeps up: a short backlog never waits', async () => {
    const gate = gateAt();
    for (let i = 0; i < 9; i++) gate.acked();
    const t = track(gate);
    await vi.advanceTimersByTimeAsync(0);
    expect(t.given()).toBe(true);
    expect(gate.inBurst()).toBe(false);
  });

  it('in a burst a handler waits, and goes on once `share` more events are acknowledged', async () => {
    const gate = gateAt();
    for (let i = 0; i < 20; i++) gate.acked();
    expect(gate.inBurst()).toBe(true);
    // The credit saved up while nobody waited is one turn at most.
    const first = track(gate);
    const t = track(gate);
    await vi.advanceTimersByTimeAsync(0);
    expect([first.given(), t.given()]).toEqual([true, false]);
    for (let i = 0; i < 3; i++) gate.acked();
    await vi.advanceTimersByTimeAsync(0);
    expect(t.given()).toBe(false);
    gate.acked();
    await vi.advanceTimersByTimeAsync(0);
    expect(t.given()).toBe(true);
  });

  it('when the acks stop, every waiting handler goes on', async () => {
    const gate = gateAt();
    for (let i = 0; i < 20; i++) gate.acked();
    const credit = track(gate); // the credit saved up: this one passes
    const a = track(gate);
    const b = track(gate);
    await vi.advanceTimersByTimeAsync(0);
    expect(credit.given()).toBe(true);
    expect([a.given(), b.given()]).toEqual([false, false]);
    await vi.advanceTimersByTimeAsync(5);
    expect([a.given(), b.given()]).toEqual([true, true]);
    expect(gate.waiting).toBe(0);
  });

  it('a burst that never stops still lets a handler through every floorMs', async () => {
    const gate = new AckFirst({ backlog: 10, share: 1000, quietMs: 5, floorMs: 20 }, () => Date.now(), () => load);
    for (let i = 0; i < 10; i++) gate.acked();
    const waiting = [track(gate), track(gate), track(gate)];
    let given = 0;
    for (let ms = 0; ms < 61; ms++) {
      gate.acked();
      await vi.advanceTimersByTimeAsync(1);
      given = waiting.filter((t) => t.given()).length;
    }
    // 61 ms of acks every millisecond: the floor let one through at about 20, 40 and 60 ms.
    expect(given).toBe(3);
  });

  it('with time to spare in the event loop, a long backlog and a steady stream of acks do not make handling wait', async () => {
    const gate = gateAt();
    load = 0.5;
    for (let i = 0; i < 50; i++) gate.acked();
    expect(gate.inBurst()).toBe(false);
    const t = [track(gate), track(gate), track(gate)];
    await vi.advanceTimersByTimeAsync(0);
    expect(t.every((x) => x.given())).toBe(true);
    // Saturated again: past the one turn of saved credit, the next ones wait.
    load = 0.95;
    gate.acked();
    const u = [track(gate), track(gate), track(gate)];
    await vi.advanceTimersByTimeAsync(0);
    expect(u.map((x) => x.given())).toEqual([true, false, false]);
    // The loop eases: at the next look (quietMs) they go on though the acks go on.
    load = 0.5;
    gate.acked();
    await vi.advanceTimersByTimeAsync(5);
    expect(u.every((x) => x.given())).toBe(true);
  });

  it('an event replayed at start (never acked here) does not leave the count below zero', async () => {
    const gate = gateAt();
    for (let i = 0; i < 5; i++) await gate.turn();
    // Were the count at -5, 15 acks would not make a backlog of 10.
    for (let i = 0; i < 10; i++) gate.acked();
    expect(gate.inBurst()).toBe(true);
  });
});
