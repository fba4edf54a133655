// Moving an installed bot between webhook and fetch mode re-registers it cleanly: one bot, the right subscriptions, a fresh offset, nothing lost.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActivityEntry } from '../../src/sandbox/emulator/index.js';
import { startWorld, type World } from '../helpers/world.js';

const ourBots = (w: World) => [...w.portal.state.bots.values()].filter((b) => b.code === 'study_groups_bot');
const subscriptions = (w: World) => [...w.portal.state.botSubscriptions.values()].filter((s) => s.botId === w.botId);
const replies = (w: World, u: number) => w.portal.dialog(u, String(w.botId)).filter((m) => m.authorId === w.botId);
const asked = (w: World, u: number) => w.portal.dialog(u, String(w.botId)).filter((m) => m.authorId === u);

describe('switching between webhook and fetch mode', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld({ mode: 'webhook' });
  });
  afterAll(async () => w?.close());

  it('starts in webhook mode with the eight subscriptions', async () => {
    expect(ourBots(w)).toHaveLength(1);
    expect(ourBots(w)[0]!.eventMode).toBe('webhook');
    expect(subscriptions(w)).toHaveLength(8);
    expect(await w.say(w.demo.learners[0], '/help')).toHaveLength(1);
  });

  it('webhook → fetch: the same bot is updated, its subscriptions go, the offset starts empty, events come by polling', async () => {
    await w.restart('fetch');
    expect(ourBots(w)).toHaveLength(1);
    expect(ourBots(w)[0]!.id).toBe(w.botId);
    expect(ourBots(w)[0]!.eventMode).toBe('fetch');
    expect(subscriptions(w)).toHaveLength(0);
    const d = await w.data();
    expect(d.installation).toMatchObject({ eventMode: 'fetch', webhookUrl: null, botId: w.botId });
    expect(d.fetchOffset).toBeNull();
    expect(w.rt.pollers.get(w.memberId)?.active).toBe(true);

    const posts = w.portal.events.length;
    expect(await w.say(w.demo.learners[1], '/help')).toHaveLength(1);
    const sinceSwitch = w.portal.events.slice(posts);
    expect(sinceSwitch.map((e) => e.mode)).toEqual(['fetch']);
    expect((await w.data()).fetchOffset).toBeGreaterThan(0);
  });

  it('fetch → webhook: what waited in the queue (even sent during the switch) is answered once; then webhook POSTs take over', async () => {
    const u = w.demo.learners[2];
    const late = w.demo.learners[3];
    // The bot is down; people write meanwhile, and their events wait in the queue.
    await w.rt.pollers.stopAll();
    for (let i = 0; i < 3; i++) await w.portal.as(u).send(String(w.botId), `hello ${i}`);
    // One more arrives just before the bot is moved to webhook mode (after Bot.register answered, before Bot.update).
    const sneak = (entry: ActivityEntry) => {
      if (entry.kind === 'request' && entry.entry.method === 'imbot.v2.Bot.register') {
        w.emu.off('activity', sneak);
        void w.portal.as(late).send(String(w.botId), 'in between');
      }
    };
    w.emu.on('activity', sneak);
    await w.restart('webhook');
    await w.settle();

    expect(replies(w, u)).toHaveLength(3);
    expect(asked(w, late)).toHaveLength(1);
    expect(replies(w, late)).toHaveLength(1);
    expect(ourBots(w)).toHaveLength(1);
    expect(ourBots(w)[0]!.eventMode).toBe('webhook');
    expect(subscriptions(w)).toHaveLength(8);
    const d = await w.data();
    expect(d.installation).toMatchObject({ eventMode: 'webhook', webhookUrl: `${w.botUrl}/bitrix/events` });
    expect(d.fetchOffset).toBeNull();
    expect(w.rt.pollers.active()).toHaveLength(0);

    const posts = w.portal.events.length;
    expect(await w.say(u, '/help')).toHaveLength(1);
    const sinceSwitch = w.portal.events.slice(posts);
    expect(sinceSwitch.map((e) => [e.mode, e.httpStatus])).toEqual([['webhook', 200]]);
  });

  it('a restart in the same mode registers nothing again', async () => {
    const mark = w.portal.requests.length;
    await w.restart('webhook');
    const methods = w.portal.requests.slice(mark).map((r) => r.method);
    expect(methods.filter((m) => m.startsWith('imbot.v2.Bot.'))).toEqual([]);
  });

  it('and back to fetch once more: still one bot and every message answered once', async () => {
    await w.restart('fetch');
    expect(await w.say(w.demo.learners[4], '/help')).toHaveLength(1);
    expect(ourBots(w)).toHaveLength(1);
    for (const u of [w.demo.learners[0], w.demo.learners[1], w.demo.learners[2], w.demo.learners[4]]) {
      expect(replies(w, u)).toHaveLength(asked(w, u).length);
    }
  });

  it('a reinstall in fetch mode keeps the bot, the mode and the offset', async () => {
    const before = await w.data();
    await w.portal.installApp({
      clientId: w.clientId,
      clientSecret: w.clientSecret,
      installUrl: `${w.botUrl}/bitrix/install`,
      scope: ['imbot', 'im', 'sonet_group', 'socialnetwork', 'log', 'user'],
      installerId: w.demo.admin,
    });
    const after = await w.data();
    expect(after.installation).toMatchObject({ botId: before.installation.botId, eventMode: 'fetch' });
    expect(after.fetchOffset).toBe(before.fetchOffset);
    expect(await w.say(w.demo.learners[5], '/help')).toHaveLength(1);
  });
});

describe('uninstall without an address', () => {
  it('notices refused credentials, marks the portal for reinstall and stops polling; a reinstall starts it again', async () => {
    const w = await startWorld({ mode: 'fetch' });
    try {
      await w.portal.uninstallApp(w.clientId, false);
      const poller = w.rt.pollers.get(w.memberId)!;
      for (let i = 0; i < 10 && poller.active; i++) await poller.pollNow();
      expect(poller.active).toBe(false);
      expect((await w.data()).installation.status).toBe('needs_reinstall');
      await w.portal.installApp({
        clientId: w.clientId,
        clientSecret: w.clientSecret,
        installUrl: `${w.botUrl}/bitrix/install`,
        scope: ['imbot', 'im', 'sonet_group', 'socialnetwork', 'log', 'user'],
        installerId: w.demo.admin,
      });
      const d = await w.data();
      expect(d.installation.status).toBe('active');
      expect(w.rt.pollers.get(w.memberId)?.active).toBe(true);
      const botId = d.installation.botId!;
      await w.portal.as(w.demo.learners[0]).send(String(botId), '/help');
      await w.settle();
      expect(w.portal.lastBotMessage(w.demo.learners[0], String(botId))?.text).toContain('Study groups bot');
    } finally {
      await w.close();
    }
  });
});
