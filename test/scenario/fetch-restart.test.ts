// A restart in the middle of a stream of 200 fetched events handles each exactly once (fetch and one-portal modes).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestLogEntry } from '../../src/sandbox/emulator/index.js';
import { startWorld, type World, type WorldMode } from '../helpers/world.js';

const STREAM = 200;
const PAGE = 25;

const eventGets = (w: World, since: number) =>
  w.portal.requests.filter((r, i) => i >= since && r.method === 'imbot.v2.Event.get' && r.httpStatus === 200) as Array<
    RequestLogEntry & { params: { offset?: number } }
  >;

describe.each<WorldMode>(['fetch', 'oneportal'])('%s mode: a restart mid-stream', (mode) => {
  let w: World;
  let senders: number[];
  beforeAll(async () => {
    w = await startWorld({ mode, pollerPace: { limit: PAGE } });
    senders = [...w.demo.learners, ...w.demo.moderators];
  });
  afterAll(async () => w?.close());

  it(`handles each of ${STREAM} events once, though the crash lost the last saved offset`, async () => {
    // The stream piles up in the portal's queue while the bot is not polling.
    await w.rt.pollers.stopAll();
    for (let i = 0; i < STREAM; i++) await w.portal.as(senders[i % senders.length]!).send(String(w.botId), `hello ${i}`);
    expect(w.portal.state.queue.filter((q) => q.botId === w.botId)).toHaveLength(STREAM);

    // Three pages are handled; then the process dies after handling page 3 but before saving its offset.
    const poller = w.rt.pollers.ensure(w.memberId);
    await poller.pollNow();
    await poller.pollNow();
    const savedAfterTwo = (await w.data()).fetchOffset;
    await poller.pollNow();
    await w.rt.pollers.stopAll();
    const handledBeforeCrash = (await w.data()).processed.length;
    expect(handledBeforeCrash).toBeGreaterThanOrEqual(3 * PAGE);
    expect(handledBeforeCrash).toBeLessThan(STREAM);
    await w.rt.store.update(w.memberId, (d) => void (d.fetchOffset = savedAfterTwo));

    const logMark = w.portal.requests.length;
    await w.restart();
    await w.settle();

    // Page 3 came again (at least once), and was not handled again.
    const after = eventGets(w, logMark);
    expect(after[0]?.params.offset).toBe(savedAfterTwo);
    for (const u of senders) {
      const dialog = w.portal.dialog(u, String(w.botId));
      expect(dialog.filter((m) => m.authorId === u)).toHaveLength(STREAM / senders.length);
      expect(dialog.filter((m) => m.authorId === w.botId)).toHaveLength(STREAM / senders.length);
    }
    const d = await w.data();
    expect(new Set(d.processed).size).toBe(STREAM);
    expect(d.processed.every((k) => /^e\d+$/.test(k))).toBe(true);
    // What is left in the queue is only the last page, acknowledged by the next call.
    expect(w.portal.state.queue.filter((q) => q.botId === w.botId).length).toBeLessThanOrEqual(PAGE);
  });

  it('keeps polling after the restart: a new message is answered once', async () => {
    const out = await w.say(w.demo.learners[0], '/help');
    expect(out).toHaveLength(1);
    expect(out[0]!.text).toContain('Study groups bot');
  });
});
