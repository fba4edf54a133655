// /group unbind through the emulator: who may, the chat's only group by default, several groups named, not-bound chats, announcements after, Russian.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { botMessagesIn, day, feedPosts, seedBoundChat, seedCourse, seedGroup, seedModerators } from '../helpers/seed.js';
import { startWorld, type World } from '../helpers/world.js';
import { last, stored } from './group-helpers.js';

describe('/group unbind', () => {
  let w: World;
  let mod: number;
  let l0: number;
  let l1: number;
  let salesId: number;
  let leadersId: number;

  const posts = () => feedPosts(w);
  const botMessages = (userId: number, dialogId: string) => botMessagesIn(w, userId, dialogId);

  beforeAll(async () => {
    w = await startWorld();
    mod = w.demo.moderators[0];
    [l0, l1] = [w.demo.learners[0], w.demo.learners[1]];
    await seedModerators(w, [mod]);
    salesId = (
      await seedGroup(w, { name: 'Sales [b]onboarding[/b]', workgroupId: w.demo.moderatorGroup, memberIds: [l0, l1], accessFrom: day(w, -1), accessTo: day(w, 5) })
    ).id;
    leadersId = (await seedGroup(w, { name: 'Leadership', workgroupId: w.demo.adminGroup, memberIds: [l1] })).id;
  });
  afterAll(async () => w?.close());

  it('unbinds the chat\'s only group for a moderator; refuses a learner and a private chat', async () => {
    const chat = await seedBoundChat(w, salesId, { title: 'Sales chat', ownerId: mod, memberIds: [l0, l1] });

    expect(last(await w.say(mod, '/group unbind')).text).toMatch(/in a group chat/);
    expect(last(await w.say(l0, '/group unbind', chat)).text).toMatch(/You cannot change the group/);
    expect(last(await w.say(l0, `/group unbind #${salesId}`, chat)).text).toMatch(/You cannot change the group/);
    expect((await stored(w, salesId))!.chatDialogIds).toEqual([chat]);

    const done = last(await w.say(mod, '/group unbind', chat)).text;
    // The group's name is user text: escaped in BB-code.
    expect(done).toBe(`This chat no longer gets the announcements of [b]Sales ［b］onboarding［/b］[/b] (#${salesId}).`);
    expect((await stored(w, salesId))!.chatDialogIds).toEqual([]);

    // Not bound any more: said clearly, with or without a group named.
    expect(last(await w.say(mod, '/group unbind', chat)).text).toBe('This chat is not bound to any study group, so there is nothing to unbind.');
    expect(last(await w.say(mod, `/group unbind #${salesId}`, chat)).text).toMatch(/does not get the announcements of .*Sales.*nothing to unbind/);
    expect(last(await w.say(mod, '/group unbind #999', chat)).text).toMatch(/cannot find the group "#999"/);
  });

  it('after unbinding, attaching a course posts to the feed but sends nothing to that chat', async () => {
    const chat = await seedBoundChat(w, salesId, { title: 'Sales chat 2', ownerId: mod, memberIds: [l0] });
    expect(last(await w.say(mod, `/group unbind #${salesId}`, chat)).text).toMatch(/no longer gets the announcements/);
    const course = await seedCourse(w, { title: 'Cold calls' });
    const postsBefore = posts().length;
    const chatBefore = botMessages(mod, chat).length;

    await w.say(mod, `/course attach #${course.id} #${salesId}`);

    const added = posts().slice(postsBefore);
    expect(added).toHaveLength(1);
    expect(added[0]!.dest).toEqual([`SG${w.demo.moderatorGroup}`]);
    expect(added[0]!.message).toContain('Cold calls');
    expect(botMessages(mod, chat)).toHaveLength(chatBefore);
    expect((await stored(w, salesId))!.courseIds).toContain(course.id);
  });

  it('a chat bound to several groups asks which; naming one unbinds only that one', async () => {
    const chat = await seedBoundChat(w, salesId, { title: 'Shared chat', ownerId: mod, memberIds: [l1] });
    expect(last(await w.say(mod, `/group bind #${leadersId}`, chat)).text).toMatch(/now gets the announcements/);

    const ask = last(await w.say(mod, '/group unbind', chat)).text;
    expect(ask).toMatch(/several groups/);
    expect(ask).toContain(`(#${salesId})`);
    expect(ask).toContain(`[b]Leadership[/b] (#${leadersId})`);
    expect((await stored(w, salesId))!.chatDialogIds).toContain(chat);
    expect((await stored(w, leadersId))!.chatDialogIds).toContain(chat);

    expect(last(await w.say(mod, '/group unbind Leadership', chat)).text).toMatch(/no longer gets the announcements of \[b\]Leadership/);
    expect((await stored(w, leadersId))!.chatDialogIds).not.toContain(chat);
    expect((await stored(w, salesId))!.chatDialogIds).toContain(chat);
  });

  it('answers in Russian on a Russian portal', async () => {
    const ru = await startWorld({ emulator: w.emu, slug: 'ru-unbind', language: 'ru' });
    try {
      const m = ru.demo.moderators[0];
      await seedModerators(ru, [m]);
      const g = await seedGroup(ru, { name: 'Продажи', workgroupId: ru.demo.moderatorGroup, memberIds: [ru.demo.learners[0]] });
      const chat = await seedBoundChat(ru, g.id, { title: 'Чат', ownerId: m, memberIds: [ru.demo.learners[0]] });
      expect(last(await ru.say(m, '/group unbind')).text).toMatch(/в групповом чате/);
      expect(last(await ru.say(m, '/group unbind', chat)).text).toBe(`Этот чат больше не получает объявления [b]Продажи[/b] (#${g.id}).`);
      expect(last(await ru.say(m, '/group unbind', chat)).text).toBe('Этот чат не привязан ни к одной учебной группе, отвязывать нечего.');
      expect(last(await ru.say(m, `/group unbind #${g.id}`, chat)).text).toMatch(/не получает объявления .*отвязывать нечего/);
    } finally {
      await ru.close();
    }
  });
});
