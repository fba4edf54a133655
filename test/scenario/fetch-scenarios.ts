// Command scenarios shared by every way in (webhook, fetch, one-portal): the same handlers must answer the same.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World, type WorldMode } from '../helpers/world.js';

const at = (id: number, name: string) => `[USER=${id}]${name}[/USER]`;
const lastText = (out: Array<{ text: string }>) => out.at(-1)?.text ?? '';

/** What any deployment must do alike; `who` names the admin the bot should recognise (installer or webhook owner). */
export function commandScenarios(mode: WorldMode): void {
  describe(`commands in ${mode} mode`, () => {
    let w: World;
    beforeAll(async () => {
      w = await startWorld({ mode });
    });
    afterAll(async () => w?.close());

    it('runs in the intended mode', async () => {
      const bot = w.portal.state.bots.get(w.botId)!;
      const fetch = mode === 'fetch' || mode === 'oneportal';
      expect(bot.eventMode).toBe(fetch ? 'fetch' : 'webhook');
      expect((await w.data()).installation.eventMode).toBe(bot.eventMode);
      expect((await w.data()).installation.auth).toBe(mode.startsWith('oneportal') ? 'webhook' : 'oauth');
    });

    it('a learner gets the learner help, without moderator or admin commands', async () => {
      const text = lastText(await w.say(w.demo.learners[0], '/help'));
      expect(text).toContain('Study groups bot');
      expect(text).not.toContain('/group create');
      expect(text).not.toContain('/moderator');
    });

    it('the admin who installed the bot (or owns the webhook) gets the admin help', async () => {
      const text = lastText(await w.say(w.demo.admin, '/help'));
      expect(text).toContain('/group create');
      expect(text).toContain('/moderator');
    });

    it('a person who is not an admin is not taken for one, even where calls run with the admin token', async () => {
      const text = lastText(await w.say(w.demo.moderators[0], '/help'));
      expect(text).not.toContain('/moderator');
      expect(text).not.toContain('/group create');
      const refused = lastText(await w.say(w.demo.moderators[0], `/moderator add ${at(w.demo.learners[1], 'Ben')}`));
      expect(refused).not.toContain('Now training moderators');
      expect((await w.data()).moderators).toEqual([]);
    });

    it('the admin names a moderator, who then gets the moderator help (not the admin one)', async () => {
      const out = await w.say(w.demo.admin, `/moderator add ${at(w.demo.moderators[0], 'Mark Moderator')}`);
      expect(lastText(out)).toContain('Now training moderators (1)');
      expect((await w.data()).moderators).toEqual([w.demo.moderators[0]]);
      const text = lastText(await w.say(w.demo.moderators[0], '/help'));
      expect(text).toContain('/group create');
      expect(text).not.toContain('/moderator');
    });

    it('a moderator adds a course and a learner finds it in the catalog', async () => {
      const added = lastText(await w.say(w.demo.moderators[0], '/course add "Sales basics" https://lms.example.com/sales'));
      expect(added).toMatch(/Added #\d+/);
      const list = lastText(await w.say(w.demo.learners[2], '/course list'));
      expect(list).toContain('Sales basics');
      expect((await w.data()).courses.map((c) => c.title)).toEqual(['Sales basics']);
    });

    it('greets a person opening the dialog; its buttons work', async () => {
      const u = w.demo.learners[3];
      await w.portal.as(u).openBotDialog(w.botId);
      await w.settle();
      const hello = w.portal.lastBotMessage(u, String(w.botId))!;
      expect(hello.keyboard?.map((b) => b.text)).toEqual(expect.arrayContaining(['My courses', 'Help']));
      const out = await w.press(u, hello.id, 'Help');
      expect(lastText(out)).toContain('Study groups bot');
    });

    it('answers a mention in a group chat and ignores chatter without one', async () => {
      const chat = await w.portal.createChat({ title: 'Chatter', ownerId: w.demo.moderators[1], memberIds: [w.demo.learners[4]], withBot: w.botId });
      await w.settle();
      expect(w.portal.lastBotMessage(w.demo.learners[4], chat.dialogId)?.text).toContain('/group bind');
      expect(await w.say(w.demo.learners[4], 'just talking', chat.dialogId)).toHaveLength(0);
      const out = await w.say(w.demo.learners[4], `${at(w.botId, 'Study Groups')} what?`, chat.dialogId);
      expect(out).toHaveLength(1);
    });

    it('understands "my courses" and answers text it does not understand', async () => {
      expect(lastText(await w.say(w.demo.learners[5], 'my courses'))).toContain('Sales basics');
      expect(lastText(await w.say(w.demo.learners[5], 'qwerty'))).toMatch(/did not understand/);
    });

    it('answers every message exactly once', async () => {
      for (const u of [w.demo.learners[0], w.demo.admin, w.demo.moderators[0]]) {
        const dialog = w.portal.dialog(u, String(w.botId));
        const asked = dialog.filter((m) => m.authorId === u).length;
        const answered = dialog.filter((m) => m.authorId === w.botId).length;
        expect(answered).toBe(asked);
      }
    });
  });
}
