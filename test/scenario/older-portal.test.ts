// An older portal (a box version behind the cloud): Event.get names lastEventId, not nextOffset, and there is no Revision.get.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../helpers/world.js';

describe('fetch mode on a portal older than imbot.v2 REST revision 33', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld({ mode: 'fetch' });
    w.portal.setRestRevision(32);
  });
  afterAll(async () => w?.close());

  it('reads Event.get pages that name lastEventId, and acknowledges them (lastEventId + 1)', async () => {
    expect(await w.say(w.demo.learners[0], '/help')).toHaveLength(1);
    expect(await w.say(w.demo.learners[1], '/help')).toHaveLength(1);
    const queued = w.portal.state.queue.filter((row) => row.botId === w.botId);
    const last = Math.max(...queued.map((row) => row.eventId), 0);
    await w.settle();
    // The stored offset is one past the last event read; nothing is handled twice.
    expect((await w.data()).fetchOffset).toBeGreaterThan(last);
    expect(w.portal.dialog(w.demo.learners[0], String(w.botId)).filter((m) => m.authorId === w.botId)).toHaveLength(1);
  });

  it('starts without Revision.get, and asks for it on a current portal', async () => {
    const since = w.portal.requests.length;
    await w.restart();
    expect(await w.say(w.demo.learners[2], '/help')).toHaveLength(1);
    w.portal.setRestRevision(36);
    const before = w.portal.requests.length;
    await w.restart();
    const asked = w.portal.requests.slice(before).filter((r) => r.method === 'imbot.v2.Revision.get');
    expect(asked.map((r) => r.httpStatus)).toEqual([200]);
    expect(w.portal.requests.slice(since, before).some((r) => r.method === 'imbot.v2.Revision.get' && r.httpStatus === 200)).toBe(false);
    expect(await w.say(w.demo.learners[3], '/help')).toHaveLength(1);
  });
});
