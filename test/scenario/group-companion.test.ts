// The group card's "Group chat" and "Courses" buttons through the emulator: one companion chat with the members and the bot, its membership following the group's, announcements there, rights, Russian.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { portalLanguage } from '../../src/handlers/announce.js';
import { removeMember } from '../../src/sandbox/emulator/workgroups.js';
import { botMessagesIn, day, methodsSince, seedBoundChat, seedCourse, seedGroup, seedModerators } from '../helpers/seed.js';
import { startWorld, type World } from '../helpers/world.js';
import { buttons, last, stored } from './group-helpers.js';

const MINUTE = 60_000;

describe('the companion group chat', () => {
  let w: World;
  let admin: number;
  let mod: number;
  let l: readonly number[];
  let groupId: number;
  let workgroupId: number;
  let dialogId: string;

  const chatMembers = (dialog: string) => {
    const chat = w.portal.state.chats.get(Number(dialog.replace(/^chat/, '')));
    if (!chat) throw new Error(`no chat ${dialog}`);
    return [...chat.members.keys()].sort((a, b) => a - b);
  };
  const card = async (userId: number, where?: string) => last(await w.say(userId, `/group info #${groupId}`, where));
  const sorted = (ids: number[]) => [...ids].sort((a, b) => a - b);

  beforeAll(async () => {
    w = await startWorld();
    admin = w.demo.admin;
    mod = w.demo.moderators[0];
    l = w.demo.learners;
    await seedModerators(w, [mod]);
    // Its name is user text: it must arrive escaped wherever it is BB-code.
    const g = await seedGroup(w, {
      name: 'Physics [b]101[/b]',
      ownerId: mod,
      memberIds: [mod, l[0]!, l[1]!],
      accessFrom: day(w, -1),
      accessTo: day(w, 30),
    });
    groupId = g.id;
    workgroupId = g.workgroupId;
  });
  afterAll(async () => w?.close());

  it('a learner who presses the button (on a card shown in a shared chat) is refused and nothing is created', async () => {
    const shared = await seedBoundChat(w, groupId, { title: 'Shared', ownerId: mod, memberIds: [l[0]!] });
    const shown = await card(mod, shared);
    expect(buttons(shown)).toContain('Group chat');
    const from = w.portal.requests.length;
    const out = await w.press(l[0]!, shown.id, 'Group chat', shared);
    expect(last(out).text).toMatch(/You cannot change the group/);
    expect(methodsSince(w, from)).not.toContain('imbot.v2.Chat.add');
    expect((await stored(w, groupId))!.companionChat).toBeUndefined();
    // The shared chat stays bound; the companion chat below comes on top of it.
    expect((await stored(w, groupId))!.chatDialogIds).toEqual([shared]);
  });

  it('the moderator creates exactly one chat with the members and the bot; a second press creates none', async () => {
    const shown = await card(mod);
    const from = w.portal.requests.length;
    const answer = last(await w.press(mod, shown.id, 'Group chat'));
    expect(methodsSince(w, from).filter((m) => m === 'imbot.v2.Chat.add')).toHaveLength(1);

    const group = (await stored(w, groupId))!;
    dialogId = group.companionChat!.dialogId!;
    expect(dialogId).toMatch(/^chat\d+$/);
    expect(group.chatDialogIds).toContain(dialogId);
    const chatId = dialogId.slice(4);
    expect(answer.text).toContain(`[CHAT=${chatId}]Physics ［b］101［/b］[/CHAT]`);
    expect(answer.text).toContain('[b]Physics ［b］101［/b］[/b]');
    expect(answer.text).toMatch(/members \(3\)/);

    expect(chatMembers(dialogId)).toEqual(sorted([w.botId, mod, l[0]!, l[1]!]));
    const chat = w.portal.state.chats.get(Number(chatId))!;
    expect(chat.title).toBe('Physics [b]101[/b]');
    expect(chat.ownerId).toBe(w.botId);
    expect(chat.entityType).not.toBe('SONET_GROUP');
    // The first message says what the chat is, the name escaped.
    const first = botMessagesIn(w, mod, dialogId)[0]!;
    expect(first.text).toContain('chat of the study group [b]Physics ［b］101［/b］[/b]');

    const again = await card(mod);
    const before = w.portal.requests.length;
    const second = last(await w.press(mod, again.id, 'Group chat'));
    expect(methodsSince(w, before)).not.toContain('imbot.v2.Chat.add');
    expect(second.text).toMatch(/already has its group chat/);
    expect(second.text).toContain(`[CHAT=${chatId}]`);
    expect((await stored(w, groupId))!.chatDialogIds.filter((d) => d === dialogId)).toHaveLength(1);
  });

  it("the group's owner becomes a manager of the chat; the bot stays its owner", async () => {
    const chat = w.portal.state.chats.get(Number(dialogId.slice(4)))!;
    expect([...chat.managerIds]).toContain(mod);
    // Learners are members, not managers.
    expect([...chat.managerIds]).not.toContain(l[0]!);
    expect(chat.ownerId).toBe(w.botId);
  });

  it('renaming the group renames its chat', async () => {
    await w.say(mod, `/group rename #${groupId} Physics [i]102[/i]`);
    const chat = w.portal.state.chats.get(Number(dialogId.slice(4)))!;
    expect(chat.title).toBe('Physics [i]102[/i]');
    expect((await stored(w, groupId))!.name).toBe('Physics [i]102[/i]');
    // And back, as the tests below expect it.
    await w.say(mod, `/group rename #${groupId} Physics [b]101[/b]`);
    expect(chat.title).toBe('Physics [b]101[/b]');
  });

  it('a course attached afterwards is announced in the chat', async () => {
    const course = await seedCourse(w, { title: 'Kinematics' });
    const before = botMessagesIn(w, l[0]!, dialogId).length;
    await w.say(mod, `/course attach #${course.id} #${groupId}`);
    const news = botMessagesIn(w, l[0]!, dialogId).slice(before);
    expect(news).toHaveLength(1);
    expect(news[0]!.text).toContain('Kinematics');
  });

  it("an admin's /group add puts the newcomer into the chat; /group remove takes them out", async () => {
    let from = w.portal.requests.length;
    expect(last(await w.say(admin, `/group add #${groupId} ${l[2]}`)).text).toMatch(/Added \(1\)/);
    expect(methodsSince(w, from).filter((m) => m === 'imbot.v2.Chat.User.add')).toHaveLength(1);
    expect(chatMembers(dialogId)).toContain(l[2]);

    from = w.portal.requests.length;
    expect(last(await w.say(admin, `/group remove #${groupId} ${l[2]}`)).text).toMatch(/Removed \(1\)/);
    expect(methodsSince(w, from)).toContain('imbot.v2.Chat.User.delete');
    expect(chatMembers(dialogId)).not.toContain(l[2]);
  });

  it('an invitation accepted in Bitrix24 joins the chat when /group members sees it; an invitation alone does not', async () => {
    // Mark is no portal admin: Bitrix24 lets him invite only.
    expect(last(await w.say(mod, `/group add #${groupId} ${l[3]}`)).text).toMatch(/Invited \(1\)/);
    expect(chatMembers(dialogId)).not.toContain(l[3]);
    await w.portal.as(l[3]!).acceptInvitation(workgroupId);
    await w.say(mod, `/group members #${groupId}`);
    expect(chatMembers(dialogId)).toContain(l[3]);
  });

  it('the membership sync takes someone removed in Bitrix24 out of the chat', async () => {
    const wg = w.portal.state.workgroups.get(workgroupId)!;
    removeMember(w.portal.state, wg, l[1]!, w.portal.now());
    w.emu.clock.advance(10 * MINUTE);
    const report = await w.rt.scheduler.tick(w.memberId);
    expect(report.sync).toMatchObject({ changed: 1 });
    expect(chatMembers(dialogId)).not.toContain(l[1]);
    expect(chatMembers(dialogId)).toContain(l[0]);
  });

  it('the Courses button lists the courses with links for a member, and how to attach one for a moderator', async () => {
    const learnerCard = await card(l[0]!);
    expect(buttons(learnerCard)).toEqual(['Members', 'Courses']);
    const forLearner = last(await w.press(l[0]!, learnerCard.id, 'Courses')).text;
    expect(forLearner).toMatch(/Courses of \[b\]Physics ［b］101［\/b］\[\/b\] \(#\d+\) \(1\):/);
    expect(forLearner).toMatch(/\[url=[^\]]+\]Kinematics\[\/url\] — course/);
    expect(forLearner).not.toContain('/course attach');

    const modCard = await card(mod);
    const forMod = last(await w.press(mod, modCard.id, 'Courses')).text;
    expect(forMod).toContain('Kinematics');
    expect(forMod).toContain(`/course attach <course> #${groupId}`);
  });

  it('an archived group gets no chat', async () => {
    const other = await seedGroup(w, { name: 'Old cohort', ownerId: mod, memberIds: [mod], archived: true });
    const shown = last(await w.say(mod, `/group info #${other.id}`));
    expect(buttons(shown)).not.toContain('Group chat');
    // An old card's button still answers politely.
    const fresh = await seedGroup(w, { name: 'Soon archived', ownerId: mod, memberIds: [mod] });
    const old = last(await w.say(mod, `/group info #${fresh.id}`));
    expect(last(await w.say(mod, `/group archive #${fresh.id}`)).text).toMatch(/archived/i);
    const from = w.portal.requests.length;
    expect(last(await w.press(mod, old.id, 'Group chat')).text).toMatch(/is archived, so I do not open a chat/);
    expect(methodsSince(w, from)).not.toContain('imbot.v2.Chat.add');
  });

  it('deleting the group tells its chat, which stays with its people and gets no more announcements', async () => {
    const question = last(await w.say(mod, `/group delete #${groupId}`));
    const before = botMessagesIn(w, l[0]!, dialogId).length;
    await w.press(mod, question.id, 'Delete, and hide its courses from the catalog');
    const news = botMessagesIn(w, l[0]!, dialogId).slice(before);
    expect(news.map((m) => m.text)).toEqual([
      'The study group [b]Physics ［b］101［/b］[/b] was deleted. This chat stays for its members, but announcements and polls of the group will no longer come here.',
    ]);
    expect((await w.data()).groups.some((g) => g.id === groupId)).toBe(false);
    expect(chatMembers(dialogId)).toContain(l[0]!);
  });

  it('answers in Russian on a Russian portal', async () => {
    const ru = await startWorld({ emulator: w.emu, slug: 'ru-companion', language: 'ru' });
    try {
      const admin = ru.demo.admin;
      const created = last(await ru.say(admin, '/group create Весенний поток'));
      expect(buttons(created)).toEqual(expect.arrayContaining(['Курсы', 'Чат группы']));
      const answer = last(await ru.press(admin, created.id, 'Чат группы')).text;
      expect(answer).toMatch(/Я открыл чат \[CHAT=\d+\]Весенний поток\[\/CHAT\]/);
      const group = (await ru.data()).groups.find((g) => g.name === 'Весенний поток')!;
      const dialog = group.companionChat!.dialogId!;
      // The chat's own messages are in the portal's language, as announcements are (one-portal mode: BOT_LANG).
      const { t } = portalLanguage((await ru.data()).installation.language);
      expect(botMessagesIn(ru, admin, dialog)[0]!.text).toBe(t('group:chat.first_message', { name: 'Весенний поток', id: group.id }));
      expect(last(await ru.press(admin, created.id, 'Чат группы')).text).toMatch(/уже есть чат/);
      expect(last(await ru.press(admin, created.id, 'Курсы')).text).toMatch(/Курсы группы .*\(0\):\nпока нет/);
    } finally {
      await ru.close();
    }
  });
});
