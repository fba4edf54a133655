// Changing the start date of a group that is open before and after does not announce its courses a second time; a group that was not open is announced when it opens.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/bot/logger.js';
import { Scheduler } from '../../src/jobs/scheduler.js';
import { botMessagesIn, day, feedPosts, seedBoundChat, seedCourse, seedGroup, seedModerators } from '../helpers/seed.js';
import { startWorld, type World } from '../helpers/world.js';
import { last } from './group-helpers.js';

const DAY_MS = 24 * 3600 * 1000;

describe('/group dates on an open group and the window-open announcement', () => {
  let w: World;
  let scheduler: Scheduler;
  let mod: number;
  let l0: number;

  /** Feed posts and bound-chat messages so far: what an announcement adds to. */
  const sentSoFar = (chat: string) => ({ posts: feedPosts(w).length, chat: botMessagesIn(w, l0, chat).length });

  /** A group open since `fromOffset` days (null: no start), with a bound chat and one course attached by /course attach (so announced). */
  async function openGroupWithAnnouncedCourse(name: string, fromOffset: number | null): Promise<{ id: number; chat: string }> {
    const g = await seedGroup(w, { name, memberIds: [l0], accessFrom: fromOffset === null ? null : day(w, fromOffset), accessTo: day(w, 10) });
    const chat = await seedBoundChat(w, g.id, { title: `${name} chat`, ownerId: mod, memberIds: [l0] });
    const c = await seedCourse(w, { title: `${name} course` });
    const before = sentSoFar(chat);
    expect(last(await w.say(mod, `/course attach #${c.id} #${g.id}`)).text).toContain('Announced in 1 chat');
    expect(sentSoFar(chat)).toEqual({ posts: before.posts + 1, chat: before.chat + 1 });
    return { id: g.id, chat };
  }

  beforeAll(async () => {
    w = await startWorld();
    mod = w.demo.moderators[0];
    l0 = w.demo.learners[0];
    await seedModerators(w, [mod]);
    scheduler = new Scheduler({ store: w.rt.store, gateway: w.rt.gateway, log: silentLogger, now: () => w.rt.bot.now() });
  });
  afterAll(async () => {
    await scheduler?.stop();
    await w?.close();
  });

  it('attached (announced), then an earlier start: the next tick sends nothing', async () => {
    const g = await openGroupWithAnnouncedCourse('Earlier start', -1);
    expect(last(await w.say(mod, `/group dates #${g.id} ${day(w, -3)} ${day(w, 10)}`)).text).toMatch(/access/i);
    const before = sentSoFar(g.chat);
    const report = await scheduler.tick(w.memberId);
    expect([report.feedPosts, report.messages]).toEqual([0, 0]);
    expect(sentSoFar(g.chat)).toEqual(before);
  });

  it('a later start that is still today or earlier: nothing either, and moving it back and forth never re-announces', async () => {
    const g = await openGroupWithAnnouncedCourse('Later start', -2);
    for (const from of [0, -1, -5]) {
      await w.say(mod, `/group dates #${g.id} ${day(w, from)} ${day(w, 10)}`);
      const before = sentSoFar(g.chat);
      const report = await scheduler.tick(w.memberId);
      expect([report.feedPosts, report.messages]).toEqual([0, 0]);
      expect(sentSoFar(g.chat)).toEqual(before);
    }
  });

  it('a start date set on an open group that had none: nothing is sent', async () => {
    const g = await openGroupWithAnnouncedCourse('No start yet', null);
    await w.say(mod, `/group dates #${g.id} ${day(w, -2)} -`);
    const before = sentSoFar(g.chat);
    const report = await scheduler.tick(w.memberId);
    expect([report.feedPosts, report.messages]).toEqual([0, 0]);
    expect(sentSoFar(g.chat)).toEqual(before);
  });

  it('a course the scheduler has not announced yet is still announced once after the change', async () => {
    const c = await seedCourse(w, { title: 'Not yet announced' });
    const g = await seedGroup(w, { name: 'Pending opening', memberIds: [l0], accessFrom: day(w, 0), courseIds: [c.id] });
    const chat = await seedBoundChat(w, g.id, { title: 'Pending chat', ownerId: mod, memberIds: [l0] });
    await w.say(mod, `/group dates #${g.id} ${day(w, -1)} -`);
    const before = sentSoFar(chat);
    const report = await scheduler.tick(w.memberId);
    expect([report.feedPosts, report.messages]).toEqual([1, 1]);
    expect(sentSoFar(chat)).toEqual({ posts: before.posts + 1, chat: before.chat + 1 });
    expect((await scheduler.tick(w.memberId)).messages).toBe(0);
  });

  it('a window moved into the future closes the group; it is announced again when the new window opens', async () => {
    const g = await openGroupWithAnnouncedCourse('Moved later', -1);
    await w.say(mod, `/group dates #${g.id} ${day(w, 1)} ${day(w, 10)}`);
    const before = sentSoFar(g.chat);
    expect((await scheduler.tick(w.memberId)).messages).toBe(0);
    w.emu.clock.advance(DAY_MS);
    const report = await scheduler.tick(w.memberId);
    expect([report.feedPosts, report.messages]).toEqual([1, 1]);
    expect(sentSoFar(g.chat)).toEqual({ posts: before.posts + 1, chat: before.chat + 1 });
  });
});
