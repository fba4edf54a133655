// Issue 4 scenarios: attaching announces once to the right feed (as the moderator) and once to each bound chat; the buttons; who may attach.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { botMessagesIn, day, feedPosts, methodsSince, seedBoundChat, seedCourse, seedGroup, seedModerators } from '../helpers/seed.js';
import { startWorld, type World } from '../helpers/world.js';

describe('announcements on /course attach', () => {
  let w: World;
  let mod: number;
  let l0: number;
  let l1: number;
  let groupId: number;
  let chatA: string;
  let chatB: string;
  let otherChat: string;
  let courseId: number;

  const posts = () => feedPosts(w);
  const botMessages = (userId: number, dialogId: string) => botMessagesIn(w, userId, dialogId);

  beforeAll(async () => {
    w = await startWorld();
    mod = w.demo.moderators[0];
    [l0, l1] = [w.demo.learners[0], w.demo.learners[1]];
    await seedModerators(w, [mod]);
    courseId = (await seedCourse(w, { title: 'Cold calls <1> [b]x[/b]', prompts: ['Which opening line worked for you?'] })).id;
    const g = await seedGroup(w, {
      name: 'Sales onboarding',
      workgroupId: w.demo.moderatorGroup,
      memberIds: [l0, l1],
      accessFrom: day(w, -1),
      accessTo: day(w, 5),
    });
    groupId = g.id;
    chatA = await seedBoundChat(w, groupId, { title: 'Sales A', ownerId: mod, memberIds: [l0, l1, w.demo.learners[3]] });
    chatB = await seedBoundChat(w, groupId, { title: 'Sales B', ownerId: mod, memberIds: [l0] });
    const other = await seedGroup(w, { name: 'Leadership', workgroupId: w.demo.adminGroup, memberIds: [w.demo.learners[3]] });
    otherChat = await seedBoundChat(w, other.id, { title: 'Leaders', ownerId: w.demo.admin, memberIds: [w.demo.learners[3]] });
  });
  afterAll(async () => w?.close());

  it('posts exactly one feed post to the right workgroup, authored by the moderator, and one message to each bound chat', async () => {
    const postsBefore = posts().length;
    const before = { a: botMessages(mod, chatA).length, b: botMessages(mod, chatB).length, other: botMessages(w.demo.admin, otherChat).length };
    const from = w.portal.requests.length;
    const out = await w.say(mod, `/course attach #${courseId} "Sales onboarding"`);
    expect(out).toHaveLength(1);
    expect(out[0]!.text).toContain("Announced in the workgroup's feed.");
    expect(out[0]!.text).toContain('Announced in 2 chats.');

    const added = posts().slice(postsBefore);
    expect(added).toHaveLength(1);
    expect(added[0]!.dest).toEqual([`SG${w.demo.moderatorGroup}`]);
    expect(added[0]!.authorId).toBe(mod);
    expect(added[0]!.message).toContain(`https://lms.example.com/c/${courseId}`);
    expect(added[0]!.message).toContain('Which opening line worked for you?');
    expect(added[0]!.message).toContain('Cold calls <1> ［b］x［/b］');
    expect(added[0]!.message).not.toContain('[b]x[/b]');
    expect(methodsSince(w, from).filter((m) => m === 'log.blogpost.add')).toHaveLength(1);

    for (const [dialogId, n] of [
      [chatA, before.a],
      [chatB, before.b],
    ] as const) {
      const fresh = botMessages(mod, dialogId).slice(n);
      expect(fresh).toHaveLength(1);
      expect(fresh[0]!.text).toContain('New in "Sales onboarding"');
      expect(fresh[0]!.text).toContain('Which opening line worked for you?');
      expect(fresh[0]!.keyboard!.map((b) => [b.text, b.kind])).toEqual([
        ['Open the course', 'link'],
        ['Discuss', 'command'],
        ['Done ✓', 'command'],
      ]);
    }
    expect(botMessages(w.demo.admin, otherChat)).toHaveLength(before.other);
    expect((await w.data()).groups.find((g) => g.id === groupId)!.courseIds).toEqual([courseId]);
  });

  it('attaching again changes nothing and announces nothing', async () => {
    const postsBefore = posts().length;
    const chatBefore = botMessages(mod, chatA).length;
    const out = await w.say(mod, `/course attach #${courseId} #${groupId}`);
    expect(out[0]!.text).toContain('already in "Sales onboarding"');
    expect(posts()).toHaveLength(postsBefore);
    expect(botMessages(mod, chatA)).toHaveLength(chatBefore);
  });

  it('"done" records a completion for the presser and updates the count in place; a second press changes nothing', async () => {
    const announcement = botMessages(mod, chatA).at(-1)!;
    const sent = await w.press(l0, announcement.id, 'Done ✓', chatA);
    expect(sent).toHaveLength(0);
    expect((await w.data()).completions).toEqual([`${groupId}:${courseId}:${l0}`]);
    const edited = w.portal.dialog(l0, chatA).find((m) => m.id === announcement.id)!;
    expect(edited.text).toContain('Done: 1 of 2');
    expect(edited.keyboard).toHaveLength(3);
    await w.press(l0, announcement.id, 'Done ✓', chatA);
    expect((await w.data()).completions).toHaveLength(1);
  });

  it('"done" is refused to someone in the chat who is not a member of the group', async () => {
    const announcement = botMessages(mod, chatA).at(-1)!;
    const out = await w.press(w.demo.learners[3], announcement.id, 'Done ✓', chatA);
    expect(out).toHaveLength(1);
    expect(out[0]!.text).toContain('only members of "Sales onboarding"');
    expect((await w.data()).completions).toHaveLength(1);
  });

  it('"discuss" posts the course\'s prompt in the chat', async () => {
    const announcement = botMessages(mod, chatB).at(-1)!;
    const out = await w.press(l0, announcement.id, 'Discuss', chatB);
    expect(out).toHaveLength(1);
    expect(out[0]!.text).toContain('opens a discussion of "Cold calls');
    expect(out[0]!.text).toContain('Which opening line worked for you?');
  });

  it('a forged "discuss" payload outside the group reveals nothing', async () => {
    const outsider = w.demo.learners[4];
    const elsewhere = await w.portal.createChat({ title: 'Elsewhere', ownerId: outsider, memberIds: [], withBot: w.botId });
    await w.settle();
    const sent = await (await w.rt.gateway.app(w.memberId)).call<{ id: number }>('imbot.v2.Chat.Message.send', {
      botId: w.botId,
      dialogId: elsewhere.dialogId,
      fields: { message: 'copy', keyboard: { BOT_ID: w.botId, BUTTONS: [{ TEXT: 'Discuss', COMMAND: 'course', COMMAND_PARAMS: `v1:c.disc:${groupId}:${courseId}`, DISPLAY: 'LINE' }] } },
    });
    const out = await w.press(outsider, sent.id, 'Discuss', elsewhere.dialogId);
    expect(out).toHaveLength(1);
    expect(out[0]!.text).toContain('out of date');
    expect(out[0]!.text).not.toContain('Which opening line');
  });

  it('a group whose window has not opened is not announced now', async () => {
    const later = await seedGroup(w, { name: 'Spring cohort', workgroupId: w.demo.moderatorGroup, memberIds: [l0], accessFrom: day(w, 3) });
    const c = await seedCourse(w, { title: 'Spring course' });
    const postsBefore = posts().length;
    const out = await w.say(mod, `/course attach "Spring course" #${later.id}`);
    expect(out[0]!.text).toContain('is now in "Spring cohort"');
    expect(out[0]!.text).toContain('will be announced then');
    expect(posts()).toHaveLength(postsBefore);
    expect((await w.data()).groups.find((g) => g.id === later.id)!.courseIds).toEqual([c.id]);
  });

  it('the portal checks the moderator\'s right to write in the feed: refused there, still attached and announced in the chats', async () => {
    // Mark is a named moderator but not a member of the admin's workgroup.
    const g = await seedGroup(w, { name: 'Admins only', workgroupId: w.demo.adminGroup, ownerId: w.demo.admin, memberIds: [w.demo.learners[3]] });
    const chat = await seedBoundChat(w, g.id, { title: 'Admins chat', ownerId: w.demo.admin, memberIds: [mod, w.demo.learners[3]] });
    const c = await seedCourse(w, { title: 'Budgeting' });
    const postsBefore = posts().length;
    const out = await w.say(mod, `/course attach Budgeting "Admins only"`);
    expect(out[0]!.text).toContain('Bitrix24 refused the feed post');
    expect(out[0]!.text).toContain('Announced in 1 chat.');
    expect(posts()).toHaveLength(postsBefore);
    expect(botMessages(mod, chat).at(-1)!.text).toContain('Budgeting');
    expect((await w.data()).groups.find((x) => x.id === g.id)!.courseIds).toEqual([c.id]);
  });

  it('a learner may not attach; nothing changes and nothing is posted', async () => {
    const c = await seedCourse(w, { title: 'Not yours' });
    const postsBefore = posts().length;
    const out = await w.say(l0, `/course attach #${c.id} #${groupId}`);
    expect(out[0]!.text).toContain('Only a training moderator');
    expect(posts()).toHaveLength(postsBefore);
    expect((await w.data()).groups.find((g) => g.id === groupId)!.courseIds).not.toContain(c.id);
  });

  it('linked groups: the workgroup\'s moderator may attach, a named moderator outside the workgroup may not', async () => {
    const linked = await seedGroup(w, { name: 'Linked sales', workgroupId: w.demo.moderatorGroup, memberIds: [l0], linked: true });
    const c1 = await seedCourse(w, { title: 'Linked one' });
    // Mia is a moderator (role E) of the workgroup and not a named moderator.
    const ok = await w.say(w.demo.moderators[1], `/course attach #${c1.id} #${linked.id}`);
    expect(ok[0]!.text).toContain('is now in "Linked sales"');
    const outsider = w.demo.learners[5];
    await seedModerators(w, [outsider]);
    const adminLinked = await seedGroup(w, { name: 'Linked leaders', workgroupId: w.demo.adminGroup, ownerId: w.demo.admin, linked: true });
    const c2 = await seedCourse(w, { title: 'Linked two' });
    const refused = await w.say(outsider, `/course attach #${c2.id} #${adminLinked.id}`);
    expect(refused[0]!.text).toContain('Only a training moderator');
    expect((await w.data()).groups.find((g) => g.id === adminLinked.id)!.courseIds).toEqual([]);
  });
});
