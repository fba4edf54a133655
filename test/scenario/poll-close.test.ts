// Closing a poll: the "Close poll" button (author and moderators only), /poll close <number>, the final tally in place without buttons, votes after closing refused, Russian.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Poll } from '../../src/domain/model.js';
import { methodsSince, seedBoundChat, seedGroup, seedModerators } from '../helpers/seed.js';
import { startWorld, type World } from '../helpers/world.js';

/** A copy of a vote button as an old client would still show it: the bot's message with the poll's payload. */
async function staleVoteButton(w: World, dialogId: string, pollId: number, option: number): Promise<number> {
  const sent = await (await w.rt.gateway.app(w.memberId)).call<{ id: number }>('imbot.v2.Chat.Message.send', {
    botId: w.botId,
    dialogId,
    fields: { message: 'old copy', keyboard: { BOT_ID: w.botId, BUTTONS: [{ TEXT: 'Old vote', COMMAND: 'poll', COMMAND_PARAMS: `v1:p.v:${pollId}:${option}`, DISPLAY: 'LINE' }] } },
  });
  return sent.id;
}

describe('closing a poll', () => {
  let w: World;
  let mod: number;
  let anna: number;
  let ben: number;
  let chat: string;

  const message = (id: number) => w.portal.dialog(mod, chat).find((m) => m.id === id)!;
  const stored = async (id: number): Promise<Poll> => (await w.data()).polls.find((p) => p.id === id)!;

  beforeAll(async () => {
    w = await startWorld();
    mod = w.demo.moderators[0];
    [anna, ben] = [w.demo.learners[0], w.demo.learners[1]];
    await seedModerators(w, [mod]);
    const g = await seedGroup(w, { name: 'Sales onboarding', workgroupId: w.demo.moderatorGroup, memberIds: [anna, ben] });
    chat = await seedBoundChat(w, g.id, { title: 'Sales chat', ownerId: mod, memberIds: [anna, ben] });
  });
  afterAll(async () => w?.close());

  it('the author closes with the button: final tally in place, buttons gone; a later vote is refused and changes nothing', async () => {
    const [posted] = await w.say(mod, '/poll Lunch [b]today[/b]? | Pizza | Soup', chat);
    const id = (await w.data()).polls.at(-1)!.id;
    // The number is shown, for /poll close; the close button comes after the options.
    expect(posted!.text).toContain(`Poll #${id}.`);
    expect(posted!.text).toContain(`/poll close ${id}`);
    expect(posted!.text).toContain('[b]Lunch ［b］today［/b］?[/b]');
    expect(posted!.keyboard!.map((b) => b.text)).toEqual(['Pizza', 'Soup', 'Close poll']);

    await w.press(anna, posted!.id, 'Pizza', chat);
    await w.press(ben, posted!.id, 'Pizza', chat);
    await w.press(mod, posted!.id, 'Soup', chat);

    // A learner's press is refused politely, and the poll stays open with its button.
    const refused = await w.press(anna, posted!.id, 'Close poll', chat);
    expect(refused).toHaveLength(1);
    expect(refused[0]!.text).toContain("only the poll's author or a training moderator can close");
    expect((await stored(id)).closed).toBe(false);
    expect(message(posted!.id).keyboard!.map((b) => b.text)).toContain('Close poll');

    const from = w.portal.requests.length;
    expect(await w.press(mod, posted!.id, 'Close poll', chat)).toHaveLength(0);
    const update = w.portal.requests.slice(from).find((r) => r.method === 'imbot.v2.Chat.Message.update')!;
    expect((update.params as { fields: { keyboard: unknown } }).fields.keyboard).toBe('N');
    const closed = message(posted!.id);
    expect(closed.keyboard).toBeNull();
    expect(closed.edited).toBe(true);
    expect(closed.text).toContain('Pizza — 2 (67%)');
    expect(closed.text).toContain('Soup — 1 (33%)');
    expect(closed.text).toContain(`Poll #${id} is closed. Final result: 3 votes.`);
    expect(closed.text).not.toContain('press another option');
    expect((await stored(id)).closed).toBe(true);
    const votes = (await stored(id)).votes;

    // Someone whose screen still shows a vote button presses it after the close.
    const old = await staleVoteButton(w, chat, id, 1);
    const late = await w.press(anna, old, 'Old vote', chat);
    expect(late).toHaveLength(1);
    expect(late[0]!.text).toContain('this poll is closed');
    expect((await stored(id)).votes).toEqual(votes);
    expect(message(posted!.id).text).toBe(closed.text);

    // Closing again is harmless: it says so, and the tally stays.
    const again = await w.say(mod, `/poll close ${id}`, chat);
    expect(again.at(-1)!.text).toBe(`Poll #${id} is already closed; its result is final.`);
    expect(message(posted!.id).text).toBe(closed.text);
    expect(message(posted!.id).keyboard).toBeNull();
    expect((await stored(id)).votes).toEqual(votes);
  });

  it('/poll close <number> from the private chat; a learner may not; usage and unknown numbers answered', async () => {
    const [posted] = await w.say(mod, '/poll Next topic? | Pricing | Objections', chat);
    const id = (await w.data()).polls.at(-1)!.id;
    await w.press(anna, posted!.id, 'Objections', chat);

    expect((await w.say(anna, `/poll close ${id}`)).at(-1)!.text).toContain("only the poll's author or a training moderator");
    expect((await w.say(anna, `/poll close ${id}`, chat)).at(-1)!.text).toContain("only the poll's author or a training moderator");
    expect((await stored(id)).closed).toBe(false);
    expect((await w.say(mod, '/poll close')).at(-1)!.text).toContain('Which poll? Use: /poll close <number>');
    expect((await w.say(mod, '/poll close soon')).at(-1)!.text).toContain('Which poll?');
    expect((await w.say(mod, '/poll close 999')).at(-1)!.text).toContain('I cannot find poll #999');

    const done = await w.say(mod, `/poll close #${id}`);
    expect(done.at(-1)!.text).toBe(`Poll #${id} is closed: its message now shows the final result.`);
    expect(message(posted!.id).keyboard).toBeNull();
    expect(message(posted!.id).text).toContain('Objections — 1 (100%)');
    expect(message(posted!.id).text).toContain('Final result: 1 vote.');
    expect((await stored(id)).closed).toBe(true);
  });

  it('a portal admin may close a moderator\'s poll; a question that starts with "close" is still a poll', async () => {
    const out = await w.say(mod, '/poll close the office early? | Yes | No', chat);
    const p = (await w.data()).polls.at(-1)!;
    expect(p.question).toBe('close the office early?');
    expect(out[0]!.keyboard!.map((b) => b.text)).toEqual(['Yes', 'No', 'Close poll']);
    expect((await w.say(w.demo.admin, `/poll close ${p.id}`)).at(-1)!.text).toContain('is closed');
    expect((await stored(p.id)).closed).toBe(true);
    expect(message(out[0]!.id).keyboard).toBeNull();
  });

  it('the same option pressed twice still writes nothing after all this (no regressions in voting)', async () => {
    const [posted] = await w.say(mod, '/poll Coffee? | Yes | No', chat);
    await w.press(ben, posted!.id, 'Yes', chat);
    const from = w.portal.requests.length;
    await w.press(ben, posted!.id, 'Yes', chat);
    expect(methodsSince(w, from)).not.toContain('imbot.v2.Chat.Message.update');
  });

  it('answers in Russian on a Russian portal', async () => {
    const ru = await startWorld({ emulator: w.emu, slug: 'ru-polls', language: 'ru' });
    try {
      const m = ru.demo.moderators[0];
      const l = ru.demo.learners[0];
      await seedModerators(ru, [m]);
      // The poll message is in the portal's language as the bot knows it (one-portal modes take it from BOT_LANG).
      await ru.rt.store.update(ru.memberId, (d) => void (d.installation.language = 'ru'));
      const g = await seedGroup(ru, { name: 'Продажи', workgroupId: ru.demo.moderatorGroup, memberIds: [l] });
      const c = await seedBoundChat(ru, g.id, { title: 'Чат продаж', ownerId: m, memberIds: [l] });
      const [posted] = await ru.say(m, '/poll Обед? | Пицца | Суп', c);
      const id = (await ru.data()).polls.at(-1)!.id;
      expect(posted!.text).toContain(`Опрос #${id}.`);
      expect(posted!.keyboard!.map((b) => b.text)).toEqual(['Пицца', 'Суп', 'Закрыть опрос']);
      await ru.press(l, posted!.id, 'Суп', c);

      expect((await ru.press(l, posted!.id, 'Закрыть опрос', c))[0]!.text).toContain('закрыть этот опрос может только его автор');
      expect((await ru.say(l, `/poll close ${id}`)).at(-1)!.text).toContain('закрыть этот опрос может только его автор');
      expect((await ru.say(m, '/poll close')).at(-1)!.text).toContain('Какой опрос?');

      expect(await ru.press(m, posted!.id, 'Закрыть опрос', c)).toHaveLength(0);
      const closed = ru.portal.dialog(m, c).find((x) => x.id === posted!.id)!;
      expect(closed.keyboard).toBeNull();
      expect(closed.text).toContain('Суп — 1 (100%)');
      expect(closed.text).toContain(`Опрос #${id} закрыт. Итог: 1 голос.`);

      const old = await staleVoteButton(ru, c, id, 0);
      expect((await ru.press(l, old, 'Old vote', c))[0]!.text).toContain('этот опрос уже закрыт');
      expect((await ru.say(m, `/poll close ${id}`)).at(-1)!.text).toBe(`Опрос #${id} уже закрыт, его итог окончательный.`);
      expect((await ru.data()).polls.find((p) => p.id === id)!.votes).toEqual({ [String(l)]: 1 });
    } finally {
      await ru.close();
    }
  });
});
