// Issue 15, item 7: a feed post's link opens the chat with the bot on that group (BOT_CONTEXT →
// ONIMBOTV2CONTEXTGET): a member sees the group's courses; nobody else learns anything; nothing changes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { botMessagesIn, feedPosts, seedCourse, seedGroup, seedModerators } from '../helpers/seed.js';
import { startWorld, type World } from '../helpers/world.js';

describe('deep links from the feed into the bot', () => {
  let w: World;
  let mod: number;
  let member: number;
  let outsider: number;
  let groupId: number;
  let link: URL;

  const open = async (userId: number, context: Record<string, unknown>) => {
    const before = botMessagesIn(w, userId, String(w.botId)).length;
    await w.portal.as(userId).openWithContext(String(w.botId), context);
    await w.settle();
    return botMessagesIn(w, userId, String(w.botId)).slice(before);
  };

  beforeAll(async () => {
    w = await startWorld();
    mod = w.demo.moderators[0];
    [member, outsider] = [w.demo.learners[0], w.demo.learners[4]];
    await seedModerators(w, [mod]);
    const g = await seedGroup(w, { name: 'Safety [b]first[/b]', ownerId: mod, memberIds: [mod, member] });
    groupId = g.id;
    const course = await seedCourse(w, { title: 'Ladders' });
    await w.say(mod, `/course attach #${course.id} #${groupId}`);
    const post = feedPosts(w).at(-1)!;
    const m = /\[URL=([^\]]+)\]([^[]+)\[\/URL\]\s*$/.exec(post.message);
    expect(m, post.message).not.toBeNull();
    expect(m![2]).toBe('Your courses of this group, in the chat with the bot');
    link = new URL(m![1]!);
  });
  afterAll(async () => w?.close());

  it('the feed post links to the chat with the bot, carrying only the group id', async () => {
    expect(link.protocol).toBe('https:');
    // The portal's address as the OAuth server confirmed it (here the emulator's).
    expect(link.host).toBe((await w.data()).installation.domain);
    expect(link.pathname).toBe('/online/');
    expect(link.searchParams.get('IM_DIALOG')).toBe(String(w.botId));
    expect(JSON.parse(link.searchParams.get('BOT_CONTEXT')!)).toEqual({ open: 'group', id: groupId });
  });

  it("a member who opens it gets the group's courses, with their buttons", async () => {
    const got = await open(member, JSON.parse(link.searchParams.get('BOT_CONTEXT')!));
    expect(got).toHaveLength(1);
    expect(got[0]!.text).toContain('Ladders');
    expect(got[0]!.text).toContain('Safety ［b］first［/b］');
    expect(got[0]!.keyboard!.map((b) => b.text)).toEqual(['Open: Ladders', 'Done ✓']);
  });

  it('someone outside the group learns nothing of it, and a forged context gets no answer; nothing is stored', async () => {
    const before = JSON.stringify((await w.data()).groups);
    const got = await open(outsider, { open: 'group', id: String(groupId) });
    expect(got).toHaveLength(1);
    expect(got[0]!.text).not.toContain('Safety');
    expect(got[0]!.text).not.toContain('Ladders');
    expect(await open(outsider, { open: 'admin', id: 1 })).toHaveLength(0);
    expect(await open(outsider, { open: 'group', id: { nested: 1 } })).toHaveLength(0);
    expect(JSON.stringify((await w.data()).groups)).toBe(before);
  });

  it('a link to "my courses" opens them', async () => {
    const got = await open(member, { open: 'courses' });
    expect(got).toHaveLength(1);
    expect(got[0]!.text).toContain('Safety ［b］first［/b］');
  });
});
