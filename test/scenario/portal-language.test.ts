// An event's `language` is the portal's, not the person's: the bot keeps it as the installation's, so posts without a private reply follow it too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedBoundChat, seedGroup, seedModerators } from '../helpers/seed.js';
import { startWorld, type World } from '../helpers/world.js';

describe("the portal's language, from its events", () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld({ language: 'en' });
  });
  afterAll(async () => w?.close());

  it('a portal switched to Russian gets Russian in private replies and in group-chat posts alike', async () => {
    const mod = w.demo.moderators[0];
    await seedModerators(w, [mod]);
    const g = await seedGroup(w, { name: 'Language check', workgroupId: w.demo.moderatorGroup, memberIds: [w.demo.learners[0]] });
    const chat = await seedBoundChat(w, g.id, { title: 'Language chat', ownerId: mod, memberIds: [w.demo.learners[0]] });
    expect((await w.data()).installation.language).toBe('en');

    w.portal.state.identity.language = 'ru';
    const poll = (await w.say(mod, '/poll Обед? | Пицца | Суп', chat))[0]!;
    expect(poll.text).toContain('Закрыть его может автор');
    expect((await w.data()).installation.language).toBe('ru');
    expect((await w.say(w.demo.learners[0], '/help')).at(-1)!.text).not.toContain('Study groups bot');
  });

  it('a language the bot does not speak leaves the stored one as it is', async () => {
    w.portal.state.identity.language = 'de';
    await w.say(w.demo.learners[1], '/help');
    expect((await w.data()).installation.language).toBe('ru');
  });
});
