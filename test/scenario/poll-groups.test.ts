// /poll in a chat bound to several groups: a message of its own saying how to choose, and `#<group>` first to choose; the plain syntax stays where one group is bound.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedBoundChat, seedGroup, seedModerators } from '../helpers/seed.js';
import { startWorld, type World } from '../helpers/world.js';
import { last } from './group-helpers.js';

describe('polls in a chat bound to several groups', () => {
  let w: World;
  let mod: number;
  let learner: number;
  let alphaId: number;
  let betaId: number;
  let shared: string;
  let single: string;

  const polls = async () => (await w.data()).polls;

  beforeAll(async () => {
    w = await startWorld();
    mod = w.demo.moderators[0];
    learner = w.demo.learners[0];
    await seedModerators(w, [mod]);
    alphaId = (await seedGroup(w, { name: 'Alpha', memberIds: [learner] })).id;
    betaId = (await seedGroup(w, { name: '[b]Beta[/b] team', memberIds: [learner] })).id;
    shared = await seedBoundChat(w, alphaId, { title: 'Both groups', ownerId: mod, memberIds: [learner] });
    expect(last(await w.say(mod, `/group bind #${betaId}`, shared)).text).toMatch(/now gets the announcements/);
    const gamma = await seedGroup(w, { name: 'Gamma', memberIds: [learner] });
    single = await seedBoundChat(w, gamma.id, { title: 'Gamma chat', ownerId: mod, memberIds: [learner] });
  });
  afterAll(async () => w?.close());

  it('without a group: says the chat has several groups and how to choose, not "bind this chat"', async () => {
    const text = last(await w.say(mod, '/poll Lunch? | Pizza | Soup', shared)).text;
    expect(text).toBe(
      `This chat gets the announcements of several groups: Alpha (#${alphaId}), ［b］Beta［/b］ team (#${betaId}). ` +
        `Start the poll with the group's number, e.g. /poll #${alphaId} Which topic next? | Pricing | Closing`,
    );
    expect(text).not.toMatch(/bind it with/);
    // A number that is not one of this chat's groups chooses nothing.
    expect(last(await w.say(mod, '/poll #99999 Lunch? | Pizza | Soup', shared)).text).toMatch(/several groups/);
    expect(await polls()).toHaveLength(0);
  });

  it('`#<group>` first chooses the group; the rest is the poll', async () => {
    const out = await w.say(mod, `/poll #${betaId} Lunch? | Pizza | Soup`, shared);
    expect(last(out).text).toMatch(/^\[b\]Lunch\?\[\/b\]/);
    expect(last(out).keyboard!.map((b) => b.text)).toEqual(['Pizza', 'Soup', 'Close poll']);
    expect((await polls()).map((p) => [p.groupId, p.question, p.dialogId])).toEqual([[betaId, 'Lunch?', shared]]);
  });

  it('a learner may not start one by naming a group', async () => {
    expect(last(await w.say(learner, `/poll #${alphaId} Mine? | Yes | No`, shared)).text).toMatch(/Only training moderators/);
    expect(await polls()).toHaveLength(1);
  });

  it('where one group is bound, the plain syntax works, `#<its id>` too, and another number stays part of the question', async () => {
    const gammaId = (await w.data()).groups.find((g) => g.name === 'Gamma')!.id;
    await w.say(mod, '/poll Coffee? | Yes | No', single);
    await w.say(mod, `/poll #${gammaId} Tea? | Yes | No`, single);
    await w.say(mod, `/poll #${alphaId} priority? | Yes | No`, single);
    expect((await polls()).slice(1).map((p) => [p.groupId, p.question])).toEqual([
      [gammaId, 'Coffee?'],
      [gammaId, 'Tea?'],
      [gammaId, `#${alphaId} priority?`],
    ]);
  });

  it('in a private chat it still asks for a bound chat', async () => {
    expect(last(await w.say(mod, `/poll #${alphaId} Lunch? | Pizza | Soup`)).text).toMatch(/bind it with \/group bind/);
  });
});
