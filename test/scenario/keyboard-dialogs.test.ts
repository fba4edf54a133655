// Where a keyboard click is answered: clicks in a private dialog may come without a chat (bot doc 7.4), so group chats are remembered and private ones need no record.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../helpers/world.js';
import { last } from './group-helpers.js';

describe('keyboard clicks and their dialog', () => {
  let w: World;
  let learner: number;
  beforeAll(async () => {
    w = await startWorld();
    learner = w.demo.learners[0];
  });
  afterAll(async () => w?.close());

  it('a keyboard sent to a private dialog is not recorded; a click there, without a chat, is answered in that dialog', async () => {
    const help = last(await w.say(learner, '/help'));
    expect(help.keyboard?.length).toBeGreaterThan(0);
    expect((await w.data()).keyboardDialogs).toEqual({});

    const out = await w.press(learner, help.id, 'My courses');
    // The emulator leaves `chat` out of private clicks by default, as the source does.
    const click = w.portal.events.filter((e) => e.event === 'ONIMBOTV2COMMANDADD').at(-1)!;
    expect((click.body.data as { chat?: unknown }).chat).toBeUndefined();
    expect(out).toHaveLength(1);
    expect((await w.data()).keyboardDialogs).toEqual({});
  });

  it('a keyboard sent to a group chat is recorded with its dialog, and a click there is answered there', async () => {
    const chat = await w.portal.createChat({ title: 'Study room', ownerId: learner, memberIds: [w.demo.learners[1]], withBot: w.botId });
    await w.settle();
    const help = last(await w.say(learner, '/help', chat.dialogId));
    // The welcome on joining carried buttons too.
    const recorded = (await w.data()).keyboardDialogs;
    expect(recorded[String(help.id)]).toBe(chat.dialogId);
    expect(new Set(Object.values(recorded))).toEqual(new Set([chat.dialogId]));
    const out = await w.press(learner, help.id, 'My courses', chat.dialogId);
    expect(out).toHaveLength(1);
  });

  it('a click with neither a chat nor a record (an old record dropped) is answered in the caller\'s private dialog', async () => {
    const chat = await w.portal.createChat({ title: 'Forgetful room', ownerId: learner, memberIds: [], withBot: w.botId });
    await w.settle();
    const help = last(await w.say(learner, '/help', chat.dialogId));
    await w.rt.store.update(w.memberId, (d) => {
      d.keyboardDialogs = {};
    });
    // Deliver the click as the platform may: without `chat`.
    const before = w.portal.dialog(learner, String(w.botId)).length;
    await w.rt.bot.handleEvent({
      kind: 'command',
      memberId: w.memberId,
      botId: w.botId,
      language: 'en',
      dedupeKey: null,
      auth: null,
      user: { id: learner, name: 'Anna Petrova', extranet: false },
      chat: null,
      messageId: help.id,
      commandId: 1,
      command: 'mycourses',
      params: '',
      context: 'keyboard',
    });
    await w.settle();
    expect(w.portal.dialog(learner, String(w.botId)).length).toBe(before + 1);
  });
});
