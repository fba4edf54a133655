// Fetch-mode bots: native JSON events with the full bot object and Event.get cursor semantics (bot doc §6).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { callRest, startWorld, stopWorld, type World } from './helpers.js';

interface EventPage {
  events: Array<{ eventId: number; type: string; date: string; data: Record<string, unknown> }>;
  nextOffset: number;
  hasMore: boolean;
}

let world: World;
let botId: number;

beforeEach(async () => {
  world = await startWorld();
  const reply = await call('imbot.v2.Bot.register', { fields: { code: 'poller', properties: { name: 'Poller' } } });
  botId = (reply.body.result as { bot: { id: number } }).bot.id;
});

afterEach(async () => {
  await stopWorld(world);
});

const call = (method: string, params: Record<string, unknown> = {}) => callRest(world.base, method, { auth: world.adminToken, ...params });

async function poll(params: Record<string, unknown> = {}): Promise<EventPage> {
  const reply = await call('imbot.v2.Event.get', { botId, ...params });
  expect(reply.status).toBe(200);
  return reply.body.result as EventPage;
}

async function say(n: number): Promise<void> {
  const anna = world.portal.as(world.ids.learners[0]);
  for (let i = 0; i < n; i += 1) await anna.send(String(botId), `message ${i}`);
}

describe('Event.get', () => {
  it('queues events with native types and the owner-format bot, no webhook POST', async () => {
    await say(1);
    expect(world.receiver.byEvent('ONIMBOTV2MESSAGEADD')).toHaveLength(0);
    const page = await poll();
    expect(page.events).toHaveLength(1);
    const event = page.events[0];
    expect(event?.type).toBe('ONIMBOTV2MESSAGEADD');
    const data = event?.data as Record<string, Record<string, unknown>>;
    expect(data.bot).toMatchObject({ id: botId, code: 'poller', eventMode: 'fetch', moduleId: 'rest' });
    expect(data.bot).not.toHaveProperty('auth');
    expect(data.message).toMatchObject({ text: 'message 0', isSystem: false, authorId: world.ids.learners[0] });
    expect(data.chat).toMatchObject({ dialogId: String(world.ids.learners[0]), type: 'private', textFieldEnabled: 'Y' });
    expect(data.user).toMatchObject({ bot: false, idle: false });
    expect(page.nextOffset).toBe((event?.eventId ?? 0) + 1);
    expect(page.hasMore).toBe(false);
  });

  it('acknowledges by offset: rows below it are deleted, the same page repeats until then', async () => {
    await say(3);
    const first = await poll({ limit: 2 });
    expect(first.events).toHaveLength(2);
    expect(first.hasMore).toBe(true);
    const repeated = await poll({ limit: 2 });
    expect(repeated.events.map((e) => e.eventId)).toEqual(first.events.map((e) => e.eventId));
    const second = await poll({ offset: first.nextOffset, limit: 2 });
    expect(second.events).toHaveLength(1);
    expect(second.hasMore).toBe(false);
    const ids = world.portal.state.queue.filter((q) => q.botId === botId).map((q) => q.eventId);
    expect(Math.min(...ids)).toBe(first.nextOffset);
    const empty = await poll({ offset: second.nextOffset });
    expect(empty.events).toEqual([]);
    expect(empty.nextOffset).toBe(second.nextOffset);
    expect((await poll()).nextOffset).toBe(0);
  });

  it('retries one event by passing its own id as offset', async () => {
    await say(3);
    const page = await poll();
    const failed = page.events[1]?.eventId ?? 0;
    const retry = await poll({ offset: failed });
    expect(retry.events[0]?.eventId).toBe(failed);
    expect(retry.events).toHaveLength(2);
  });

  it('clamps limit to 1…1000 instead of refusing it', async () => {
    await say(2);
    expect((await poll({ limit: 0 })).events).toHaveLength(1);
    expect((await poll({ limit: 5000 })).events).toHaveLength(2);
  });

  it('drops rows older than 24 hours, read or not', async () => {
    await say(2);
    world.emu.clock.advance(24 * 3600 * 1000 + 1000);
    const fresh = world.portal.tokenFor(world.ids.admin).accessToken;
    const reply = await callRest(world.base, 'imbot.v2.Event.get', { auth: fresh, botId });
    expect((reply.body.result as EventPage).events).toEqual([]);
  });

  it('only the owner reads the queue; user events need the im scope and a subscription', async () => {
    const hook = world.portal.createInboundWebhook(world.ids.admin, ['imbot']);
    const foreign = await callRest(hook, 'imbot.v2.Event.get', { botId, botToken: 'nope' });
    expect(foreign.body.error).toBe('BOT_OWNERSHIP_ERROR');
    const withUser = await call('imbot.v2.Event.get', { botId, withUserEvents: true });
    expect(withUser.body.error).toBe('USER_NOT_SUBSCRIBED');
  });

  it('switching to webhook mode stops queueing', async () => {
    await call('imbot.v2.Bot.update', { botId, fields: { eventMode: 'webhook', webhookUrl: `${world.receiver.url}/events` } });
    await say(1);
    expect(world.receiver.byEvent('ONIMBOTV2MESSAGEADD')).toHaveLength(1);
    expect((await poll()).events).toHaveLength(0);
  });
});
