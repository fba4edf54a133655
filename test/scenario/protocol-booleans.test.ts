// Booleans on the wire as the docs define them: "Y"/"N" where a value passes through batch, and for urlPreview on update.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedBoundChat, seedGroup, seedModerators } from '../helpers/seed.js';
import { startWorld, type World } from '../helpers/world.js';

describe('booleans the portal reads as meant', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld();
  });
  afterAll(async () => w?.close());

  it('registers every command (in batch) as local, visible and open to extranet users', async () => {
    const commands = [...w.portal.state.commands.values()].filter((c) => c.botId === w.botId);
    expect(commands.length).toBeGreaterThan(3);
    for (const c of commands) expect({ command: c.command, common: c.common, hidden: c.hidden, extranetSupport: c.extranetSupport }).toEqual({ command: c.command, common: false, hidden: false, extranetSupport: true });
  });

  it('turns link previews off on edits with "N", the only form Chat.Message.update documents', async () => {
    const mod = w.demo.moderators[0];
    await seedModerators(w, [mod]);
    const g = await seedGroup(w, { name: 'Preview check', workgroupId: w.demo.moderatorGroup, memberIds: [w.demo.learners[0]] });
    const chat = await seedBoundChat(w, g.id, { title: 'Preview chat', ownerId: mod, memberIds: [w.demo.learners[0]] });
    const poll = (await w.say(mod, '/poll See https://example.org? | Yes | No', chat))[0]!;
    const since = w.portal.requests.length;
    await w.press(w.demo.learners[0], poll.id, 0, chat);
    const edits = w.portal.requests.slice(since).filter((r) => r.method === 'imbot.v2.Chat.Message.update');
    expect(edits.length).toBeGreaterThan(0);
    for (const e of edits) expect((e.params as { fields: { urlPreview?: unknown } }).fields.urlPreview).toBe('N');
    expect(w.portal.state.messages.get(poll.id)!.urlPreview).toBe(false);
  });
});
