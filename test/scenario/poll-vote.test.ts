// Issue 4 scenarios: /poll in a bound chat — who may start one, one vote per person (changeable), the tally in place, 50 voters at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { methodsSince, seedBoundChat, seedGroup, seedModerators } from '../helpers/seed.js';
import { startWorld, type World } from '../helpers/world.js';

describe('polls', () => {
  let w: World;
  let mod: number;
  let chat: string;
  let voters: number[];

  const message = (id: number) => w.portal.dialog(mod, chat).find((m) => m.id === id)!;

  beforeAll(async () => {
    w = await startWorld();
    mod = w.demo.moderators[0];
    await seedModerators(w, [mod]);
    voters = Array.from({ length: 50 }, (_, i) => w.portal.addUser({ name: `Voter${i}`, lastName: 'Test' }).id);
    const g = await seedGroup(w, { name: 'Sales onboarding', workgroupId: w.demo.moderatorGroup, memberIds: [w.demo.learners[0], ...voters] });
    chat = await seedBoundChat(w, g.id, { title: 'Sales chat', ownerId: mod, memberIds: [w.demo.learners[0], w.demo.learners[1], ...voters] });
  });
  afterAll(async () => w?.close());

  it('is refused outside a bound chat and to learners; bad specs get a clear answer', async () => {
    expect((await w.say(mod, '/poll Lunch? | Pizza | Soup'))[0]!.text).toContain('group chat bound to a study group');
    expect((await w.say(w.demo.learners[0], '/poll Lunch? | Pizza | Soup', chat))[0]!.text).toContain('Only training moderators');
    expect((await w.say(mod, '/poll Lunch? | Pizza', chat))[0]!.text).toContain('at least two options');
    expect((await w.say(mod, '/poll Lunch? | Pizza | pizza', chat))[0]!.text).toContain('Two options are the same');
    expect((await w.data()).polls).toHaveLength(0);
  });

  it('one button per option; a vote, a changed vote and a repeated press', async () => {
    const out = await w.say(mod, '/poll Which topic next? | Pricing | [b]Objections[/b] | Closing', chat);
    expect(out).toHaveLength(1);
    const poll = out[0]!;
    expect(poll.text).toContain('[b]Which topic next?[/b]');
    expect(poll.text).toContain('［b］Objections［/b］ — 0 (0%)');
    expect(poll.keyboard!.map((b) => b.text)).toEqual(['Pricing', '[b]Objections[/b]', 'Closing', 'Close poll']);
    const stored = (await w.data()).polls[0]!;
    expect(stored.messageId).toBe(poll.id);

    const anna = w.demo.learners[0];
    expect(await w.press(anna, poll.id, 'Pricing', chat)).toHaveLength(0);
    expect(message(poll.id).text).toContain('Pricing — 1 (100%)');
    await w.press(anna, poll.id, 'Closing', chat);
    expect(message(poll.id).text).toContain('Pricing — 0 (0%)');
    expect(message(poll.id).text).toContain('Closing — 1 (100%)');
    expect(message(poll.id).text).toContain('1 vote.');
    const from = w.portal.requests.length;
    await w.press(anna, poll.id, 'Closing', chat);
    // The same option again: nothing to store, nothing to update.
    expect(methodsSince(w, from)).not.toContain('imbot.v2.Chat.Message.update');
    expect((await w.data()).polls[0]!.votes).toEqual({ [String(anna)]: 2 });
  });

  it('50 people voting at once give a tally of exactly 50', async () => {
    const out = await w.say(mod, '/poll Best day for the workshop? | Tuesday | Thursday', chat);
    const poll = out[0]!;
    await Promise.all(voters.map((id, i) => w.portal.as(id).press(poll.id, i % 5 === 0 ? 'Thursday' : 'Tuesday')));
    await w.settle();
    const stored = (await w.data()).polls.find((p) => p.messageId === poll.id)!;
    expect(Object.keys(stored.votes)).toHaveLength(50);
    const text = message(poll.id).text;
    expect(text).toContain('Tuesday — 40 (80%)');
    expect(text).toContain('Thursday — 10 (20%)');
    expect(text).toContain('50 votes.');
  });

  it('a vote button pressed in another chat is stale', async () => {
    const poll = (await w.data()).polls[0]!;
    const other = await w.portal.createChat({ title: 'Elsewhere', ownerId: mod, memberIds: [w.demo.learners[1]], withBot: w.botId });
    await w.settle();
    // Forge the payload of poll 1 into a bot message in another chat: the press must not count.
    const sent = await (await w.rt.gateway.app(w.memberId)).call<{ id: number }>('imbot.v2.Chat.Message.send', {
      botId: w.botId,
      dialogId: other.dialogId,
      fields: { message: 'copy', keyboard: { BOT_ID: w.botId, BUTTONS: [{ TEXT: 'Pricing', COMMAND: 'poll', COMMAND_PARAMS: `v1:p.v:${poll.id}:0`, DISPLAY: 'LINE' }] } },
    });
    const out = await w.press(w.demo.learners[1], sent.id, 'Pricing', other.dialogId);
    expect(out[0]!.text).toContain('out of date');
    expect((await w.data()).polls[0]!.votes).toEqual(poll.votes);
  });
});
