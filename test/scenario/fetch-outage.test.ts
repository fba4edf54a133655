// A fetch-mode bot loses nothing across a 30-second portal outage; the poller's pauses run on a virtual clock.
// The portal is down in two ways: it answers 503 pages, or it refuses connections (ECONNREFUSED).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActivityEntry, OutageMode } from '../../src/sandbox/emulator/index.js';
import { VirtualTimers } from '../bot/poller-timers.js';
import { startWorld, type World, type WorldMode } from '../helpers/world.js';

const botReplies = (w: World, userId: number) => w.portal.dialog(userId, String(w.botId)).filter((m) => m.authorId === w.botId);

const CASES: Array<[WorldMode, OutageMode]> = [
  ['fetch', 'unavailable'],
  ['oneportal', 'unavailable'],
  ['fetch', 'refuse'],
  ['oneportal', 'refuse'],
];

describe.each(CASES)('%s mode: portal outage (%s)', (mode, outage) => {
  let w: World;
  let timers: VirtualTimers;
  beforeAll(async () => {
    // Virtual pauses move the emulator's clock too, so the portal sees the 30 s pass.
    timers = new VirtualTimers(
      (ms) => w?.emu.clock.advance(ms),
      () => w?.rt.pollers.active().length ?? 1,
    );
    w = await startWorld({ mode, pollerTimers: timers });
    await timers.untilSleeping(1);
  });
  afterAll(async () => w?.close());

  it('backs off while the portal is down, then answers everything sent meanwhile exactly once', async () => {
    expect(await w.say(w.demo.learners[0], '/help')).toHaveLength(1);
    await timers.advance(60_000); // idle for a while: the poller is at its long pause
    const offsetBefore = (await w.data()).fetchOffset;
    const clockBefore = w.emu.clock.now();
    const people = [w.demo.learners[1], w.demo.learners[2], w.demo.learners[3], w.demo.moderators[0], w.demo.admin];

    await w.portal.setOnline(false, { mode: outage });
    for (const u of people) await w.portal.as(u).send(String(w.botId), '/help');
    const pausesMark = timers.requested.length;
    await timers.advance(30_000);
    // Nothing answered, nothing acknowledged, and the pauses grew after each failure.
    for (const u of people) expect(botReplies(w, u)).toHaveLength(0);
    expect((await w.data()).fetchOffset).toBe(offsetBefore);
    const duringOutage = timers.requested.slice(pausesMark);
    expect(duringOutage.length).toBeGreaterThanOrEqual(3);
    expect(duringOutage.slice(0, 4)).toEqual([1000, 2000, 4000, 8000]);
    expect(Math.max(...duringOutage)).toBeLessThanOrEqual(60_000);

    await w.portal.setOnline(true);
    const backMark = timers.requested.length;
    await timers.advance(30_000);
    for (const u of people) {
      const replies = botReplies(w, u);
      expect(replies).toHaveLength(1);
      expect(replies[0]!.text).toContain('Study groups bot');
    }
    expect(w.emu.clock.now() - clockBefore).toBeGreaterThanOrEqual(60_000);
    // Back to the normal pace: a quick re-poll after the activity, then the idle pauses again.
    expect(timers.requested.slice(backMark, backMark + 3)).toEqual([2000, 5000, 10000]);
  });

  it('an outage that starts while a page is being handled: the event is fetched again and answered once', async () => {
    const u = w.demo.learners[4];
    let armed = true;
    const cut = (entry: ActivityEntry) => {
      // The portal goes down right after it answered Event.get: the bot's reply cannot get through.
      if (armed && entry.kind === 'request' && entry.entry.method === 'imbot.v2.Event.get' && entry.entry.httpStatus === 200) {
        armed = false;
        void w.portal.setOnline(false, { mode: outage });
      }
    };
    w.emu.on('activity', cut);
    try {
      await w.portal.as(u).send(String(w.botId), '/help');
      const eventId = w.portal.state.queue.filter((q) => q.botId === w.botId).at(-1)!.eventId;
      const round = await w.rt.pollers.get(w.memberId)!.pollNow();
      expect(round).toMatchObject({ kind: 'page', events: 1, retry: true });
      expect(botReplies(w, u)).toHaveLength(0);
      const d = await w.data();
      // Only what came before it is acknowledged; it is not marked as handled.
      expect(d.fetchOffset).toBe(eventId);
      expect(d.processed).not.toContain(`e${eventId}`);

      await w.portal.setOnline(true);
      await timers.advance(5_000);
      const replies = botReplies(w, u);
      expect(replies).toHaveLength(1);
      expect(replies[0]!.text).toContain('Study groups bot');
      expect((await w.data()).processed).toContain(`e${eventId}`);
    } finally {
      w.emu.off('activity', cut);
      await w.portal.setOnline(true);
    }
  });
});
