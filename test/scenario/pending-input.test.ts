// A question the bot asked waits for the caller's next message in that dialog; a command abandons it, and expired ones are dropped.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedGroup } from '../helpers/seed.js';
import { startWorld, type World } from '../helpers/world.js';
import { last } from './group-helpers.js';

describe('pending questions', () => {
  let w: World;
  let admin: number;
  let mod: number;
  const pendingOf = async (userId: number) => (await w.data()).pending.filter((p) => p.userId === userId);
  /** Creates a group as `userId` and presses its card's Description button: the bot now waits for the text. */
  const askDescription = async (userId: number, name: string, dialogId?: string) => {
    const card = last(await w.say(userId, `/group create "${name}"`, dialogId));
    const asked = await w.press(userId, card.id, 'Description', dialogId);
    expect(last(asked).text).toMatch(/Send the description/);
    return card;
  };

  beforeAll(async () => {
    w = await startWorld();
    admin = w.demo.admin;
    mod = w.demo.moderators[0];
    await w.say(admin, `/moderator add ${mod}`);
  });
  afterAll(async () => w?.close());

  it('a typed slash command (a command event, not a message) abandons the question', async () => {
    await askDescription(mod, 'Cancelled by help');
    expect(await pendingOf(mod)).toEqual([expect.objectContaining({ kind: 'group.describe', dialogId: String(mod) })]);

    const help = await w.say(mod, '/help');
    expect(last(help).text).toMatch(/help/i);
    const event = w.portal.events.at(-1);
    expect(event?.event).toBe('ONIMBOTV2COMMANDADD');
    expect(await pendingOf(mod)).toEqual([]);

    // The next text is no longer taken for the description.
    const after = await w.say(mod, 'Week one: basics');
    expect(last(after).text).toMatch(/did not understand/);
    expect((await w.data()).groups.find((g) => g.name === 'Cancelled by help')!.description).toBe('');
  });

  it('a keyboard button (a command event too) abandons it', async () => {
    const card = await askDescription(mod, 'Cancelled by a button');
    await w.press(mod, card.id, 'Members');
    expect(await pendingOf(mod)).toEqual([]);
    const after = await w.say(mod, 'Some description');
    expect(last(after).text).toMatch(/did not understand/);
  });

  it('a button that asks again replaces the question with its own', async () => {
    const card = await askDescription(mod, 'Asked twice');
    await w.press(mod, card.id, 'Access dates');
    expect(await pendingOf(mod)).toEqual([expect.objectContaining({ kind: 'group.dates' })]);
    const good = await w.say(mod, '01.09.2026 2026-09-30');
    expect(last(good).text).toMatch(/Access to .*: 1 Sep 2026 – 30 Sep 2026/);
    expect(await pendingOf(mod)).toEqual([]);
  });

  it('a command in another dialog leaves the question where it was asked', async () => {
    await askDescription(mod, 'Asked in private');
    const chat = await w.portal.createChat({ title: 'Team room', ownerId: mod, memberIds: [admin], withBot: w.botId });
    await w.settle();
    await w.say(mod, '/help', chat.dialogId);
    expect(await pendingOf(mod)).toEqual([expect.objectContaining({ kind: 'group.describe', dialogId: String(mod) })]);
    // Someone else's command does not touch it either.
    await w.say(admin, '/help');
    expect(await pendingOf(mod)).toHaveLength(1);

    const answered = await w.say(mod, 'Private description');
    expect(last(answered).text).toMatch(/description of .* is saved/);
    expect(await pendingOf(mod)).toEqual([]);
  });

  it('expired questions are dropped whenever the list is written, not only the answered one', async () => {
    await askDescription(admin, 'Admin forgot');
    w.emu.clock.advance(10 * 60_000);
    await askDescription(mod, 'Moderator answers');
    // The admin's question expired (15 minutes), the moderator's has 9 minutes left.
    w.emu.clock.advance(6 * 60_000);
    expect((await w.data()).pending.map((p) => p.userId).sort()).toEqual([admin, mod].sort());

    const answered = await w.say(mod, 'In time');
    expect(last(answered).text).toMatch(/description of .* is saved/);
    expect((await w.data()).pending).toEqual([]);
  });

  it('a command drops the expired questions of others on the way', async () => {
    await askDescription(admin, 'Stale one');
    w.emu.clock.advance(10 * 60_000);
    await askDescription(mod, 'Live one');
    w.emu.clock.advance(6 * 60_000);
    await w.say(mod, '/help');
    expect((await w.data()).pending).toEqual([]);
  });

  it('a handler that writes the list (leaving a group) drops the expired questions too', async () => {
    const learner = w.demo.learners[2];
    const group = await seedGroup(w, { name: 'Left behind', memberIds: [learner] });
    await askDescription(mod, 'Expires while someone leaves');
    w.emu.clock.advance(16 * 60_000);
    expect(await pendingOf(mod)).toHaveLength(1);
    const out = await w.say(learner, `/group leave #${group.id}`);
    expect(last(out).text).toMatch(/left/i);
    expect((await w.data()).pending).toEqual([]);
  });
});
