// The bot meets people and chats (welcome with buttons), and forgets itself when the portal deletes it.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../helpers/world.js';

describe('welcome and deletion', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld();
  });
  afterAll(async () => w?.close());

  it('greets a person who opens the dialog, with buttons that work', async () => {
    const u = w.demo.learners[2];
    await w.portal.as(u).openBotDialog(w.botId);
    await w.settle();
    const hello = w.portal.lastBotMessage(u, String(w.botId))!;
    expect(hello.text).toContain('my courses');
    expect(hello.keyboard?.map((b) => b.text)).toEqual(expect.arrayContaining(['My courses', 'Help']));
    const out = await w.press(u, hello.id, 'Help');
    expect(out.at(-1)!.text).toContain('Study groups bot');
  });

  it('greets a group chat it is added to', async () => {
    const chat = await w.portal.createChat({ title: 'Physics 101', ownerId: w.demo.moderators[0], memberIds: [w.demo.learners[0]], withBot: w.botId });
    await w.settle();
    const hello = w.portal.lastBotMessage(w.demo.learners[0], chat.dialogId)!;
    expect(hello.text).toContain('/group bind');
  });

  it('answers a mention in a group chat and ignores chatter without one', async () => {
    const chat = await w.portal.createChat({ title: 'Chatter', ownerId: w.demo.moderators[0], memberIds: [w.demo.learners[1]], withBot: w.botId });
    await w.settle();
    const before = w.portal.dialog(w.demo.learners[1], chat.dialogId).length;
    await w.say(w.demo.learners[1], 'just talking', chat.dialogId);
    expect(w.portal.dialog(w.demo.learners[1], chat.dialogId).length).toBe(before + 1);
    const out = await w.say(w.demo.learners[1], `[USER=${w.botId}]Study Groups[/USER] what?`, chat.dialogId);
    expect(out).toHaveLength(1);
    expect(out[0]!.text).toContain('/help');
  });

  it('forgets its bot when the portal deletes it', async () => {
    // Deleted by its owner: the application (its token), or in one-portal modes the webhook with the bot token.
    const onePortal = w.mode === 'oneportal' || w.mode === 'oneportal-webhook';
    const res = onePortal
      ? await fetch(`${w.webhookUrl.replace(/\/?$/, '/')}imbot.v2.Bot.unregister`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ botId: w.botId, botToken: (await readFile(join(w.dataDir, 'bot-token'), 'utf8')).trim() }),
        })
      : await fetch(`${w.portal.endpoints().clientEndpoint}imbot.v2.Bot.unregister`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ auth: w.portal.tokenFor(w.demo.admin, w.clientId).accessToken, botId: w.botId }),
        });
    expect(res.status).toBe(200);
    await w.settle();
    await new Promise((r) => setTimeout(r, 50));
    await w.settle();
    const d = await w.data();
    expect(d.installation.botId).toBeNull();
    expect(d.installation.commandIds).toEqual({});
  });
});
