// The fetch poller alone: offsets as the docs say, order, retries, pace and stopping, against a scripted Event.get.
import { describe, expect, it } from 'vitest';
import type { EventOutcome, HandleOptions } from '../../src/bot/bot.js';
import type { BotEvent } from '../../src/bot/events.js';
import { silentLogger } from '../../src/bot/logger.js';
import { DEFAULT_PACE, FetchPoller, type Cycle } from '../../src/bot/poller.js';
import { NetworkError, PortalError, type RestClient } from '../../src/bot/portal.js';
import { MemoryPortalStore } from '../../src/store/memory.js';
import { emptyPortal, type Installation } from '../../src/store/types.js';
import { VirtualTimers } from './poller-timers.js';
import { testInstallation } from '../helpers/installation.js';

const MEMBER = 'm1';
const BOT = 812;

function installation(over: Partial<Installation> = {}): Installation {
  return testInstallation({ memberId: MEMBER, botId: BOT, ...over });
}

function messageEvent(eventId: number, text = `m${eventId}`) {
  return {
    eventId,
    type: 'ONIMBOTV2MESSAGEADD',
    date: '2026-11-20T10:15:00+03:00',
    data: {
      bot: { id: BOT, code: 'study_groups_bot', eventMode: 'fetch' },
      message: { id: 5000 + eventId, chatId: 9, authorId: 17, text },
      chat: { id: 9, dialogId: '17', type: 'private', messageType: 'P' },
      user: { id: 17, name: 'Anna Petrova', extranet: false, bot: false },
      language: 'en',
    },
  };
}

type Answer = { events: unknown[]; nextOffset: number; hasMore: boolean } | { events: unknown[]; lastEventId: number | null; hasMore?: boolean } | Error;

/** Event.get answers from a script; every request's params are kept. */
class ScriptedPortal implements RestClient {
  readonly calls: Array<Record<string, unknown>> = [];
  constructor(private readonly answers: Answer[]) {}
  async call<T>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    expect(method).toBe('imbot.v2.Event.get');
    this.calls.push(params);
    const next = this.answers.shift() ?? { events: [], nextOffset: Number(params.offset ?? 0), hasMore: false };
    if (next instanceof Error) throw next;
    return next as T;
  }
  async batch(): Promise<never> {
    throw new Error('not used');
  }
}

/** Records what the bot was handed; `verdict` decides each outcome. */
class RecordingBot {
  readonly seen: Array<{ ev: BotEvent; opts: HandleOptions }> = [];
  constructor(private readonly verdict: (ev: BotEvent, opts: HandleOptions) => EventOutcome = () => 'done') {}
  async process(ev: BotEvent, opts: HandleOptions = {}): Promise<EventOutcome> {
    this.seen.push({ ev, opts });
    return this.verdict(ev, opts);
  }
}

async function setup(answers: Answer[], opts: { bot?: RecordingBot; inst?: Partial<Installation>; timers?: VirtualTimers } = {}) {
  const store = new MemoryPortalStore();
  await store.put(emptyPortal(installation(opts.inst)));
  const portal = new ScriptedPortal(answers);
  const bot = opts.bot ?? new RecordingBot();
  const poller = new FetchPoller({
    memberId: MEMBER,
    bot,
    store,
    rest: async () => portal,
    log: silentLogger,
    ...(opts.timers ? { timers: opts.timers } : {}),
  });
  return { store, portal, bot, poller };
}

describe('offsets', () => {
  it('omits offset on the very first call, then sends back exactly the stored nextOffset', async () => {
    const { store, portal, poller } = await setup([
      { events: [messageEvent(1001), messageEvent(1002)], nextOffset: 1003, hasMore: false },
      { events: [], nextOffset: 1003, hasMore: false },
    ]);
    await poller.cycle();
    expect(portal.calls[0]).toEqual({ botId: BOT, limit: 100 });
    expect((await store.get(MEMBER))!.fetchOffset).toBe(1003);
    await poller.cycle();
    expect(portal.calls[1]).toEqual({ botId: BOT, limit: 100, offset: 1003 });
  });

  it('hands the page to the bot in order, as fetch events: no auth, keyed by eventId', async () => {
    const { bot, poller } = await setup([{ events: [messageEvent(7), messageEvent(9), messageEvent(8)], nextOffset: 10, hasMore: false }]);
    await poller.cycle();
    expect(bot.seen.map((s) => s.ev.dedupeKey)).toEqual(['e7', 'e9', 'e8']);
    const first = bot.seen[0]!.ev;
    expect(first).toMatchObject({ kind: 'message', memberId: MEMBER, botId: BOT, auth: null, text: 'm7' });
    expect(bot.seen.every((s) => s.opts.retryable === true)).toBe(true);
  });

  it('a failed event is fetched again with offset = its id; later ones wait, earlier ones are acknowledged', async () => {
    let fail = true;
    const bot = new RecordingBot((ev) => (ev.dedupeKey === 'e12' && fail ? 'retry' : 'done'));
    const page = { events: [messageEvent(11), messageEvent(12), messageEvent(13)], nextOffset: 14, hasMore: false };
    const { store, portal, poller } = await setup([page, { ...page, events: page.events.slice(1) }], { bot });
    const c = await poller.cycle();
    expect(c).toEqual({ kind: 'page', events: 3, hasMore: false, retry: true });
    expect(bot.seen.map((s) => s.ev.dedupeKey)).toEqual(['e11', 'e12']);
    expect((await store.get(MEMBER))!.fetchOffset).toBe(12);
    fail = false;
    await poller.cycle();
    expect(portal.calls[1]!.offset).toBe(12);
    expect(bot.seen.map((s) => s.ev.dedupeKey)).toEqual(['e11', 'e12', 'e12', 'e13']);
    expect((await store.get(MEMBER))!.fetchOffset).toBe(14);
  });

  it('gives up retrying an event after maxAttemptsPerEvent and lets the bot answer it as it can', async () => {
    const bot = new RecordingBot((_ev, opts) => (opts.retryable ? 'retry' : 'done'));
    const page = () => ({ events: [messageEvent(21)], nextOffset: 22, hasMore: false });
    const { store, poller } = await setup(Array.from({ length: DEFAULT_PACE.maxAttemptsPerEvent }, page), { bot });
    for (let i = 0; i < DEFAULT_PACE.maxAttemptsPerEvent; i++) await poller.cycle();
    expect(bot.seen.map((s) => s.opts.retryable)).toEqual([...Array(DEFAULT_PACE.maxAttemptsPerEvent - 1).fill(true), false]);
    expect((await store.get(MEMBER))!.fetchOffset).toBe(22);
  });

  it('skips a malformed event (it would block the queue) and acknowledges it', async () => {
    const bad = { eventId: 31, type: 'ONIMBOTV2MESSAGEADD', data: { bot: { id: 'x' } } };
    const { bot, store, poller } = await setup([{ events: [bad, messageEvent(32)], nextOffset: 33, hasMore: false }]);
    await poller.cycle();
    expect(bot.seen.map((s) => s.ev.dedupeKey)).toEqual(['e32']);
    expect((await store.get(MEMBER))!.fetchOffset).toBe(33);
  });

  it('does not rewrite the stored portal when the offset did not move (idle polls touch no file)', async () => {
    const { store, poller } = await setup([
      { events: [messageEvent(41)], nextOffset: 42, hasMore: false },
      { events: [], nextOffset: 42, hasMore: false },
      { events: [], nextOffset: 42, hasMore: false },
    ]);
    let writes = 0;
    const update = store.update.bind(store);
    store.update = (id, fn) => {
      writes++;
      return update(id, fn);
    };
    await poller.cycle();
    await poller.cycle();
    await poller.cycle();
    expect(writes).toBe(1);
  });

  it('reads an older portal\'s lastEventId as nextOffset = lastEventId + 1; an empty page keeps the offset', async () => {
    const { store, portal, bot, poller } = await setup([
      { events: [messageEvent(61), messageEvent(62)], lastEventId: 62 },
      { events: [], lastEventId: null, hasMore: false },
    ]);
    expect(await poller.cycle()).toEqual({ kind: 'page', events: 2, hasMore: false, retry: false });
    expect(bot.seen).toHaveLength(2);
    expect((await store.get(MEMBER))!.fetchOffset).toBe(63);
    await poller.cycle();
    expect(portal.calls[1]).toMatchObject({ offset: 63 });
    expect((await store.get(MEMBER))!.fetchOffset).toBe(63);
  });

  it('an answer with neither nextOffset nor lastEventId is unreadable', async () => {
    const { store, poller } = await setup([{ events: [messageEvent(71)], hasMore: false } as unknown as Answer]);
    expect(await poller.cycle()).toEqual({ kind: 'error', code: 'BAD_ANSWER' });
    expect((await store.get(MEMBER))!.fetchOffset).toBeNull();
  });

  it('treats an unreadable answer as an error and changes nothing', async () => {
    const { store, poller } = await setup([{ events: 'nope', nextOffset: 1, hasMore: false } as unknown as Answer]);
    expect(await poller.cycle()).toEqual({ kind: 'error', code: 'BAD_ANSWER' });
    expect((await store.get(MEMBER))!.fetchOffset).toBeNull();
  });
});

describe('stopping', () => {
  it.each([
    [{ status: 'needs_reinstall' as const }, 'installation needs_reinstall'],
    [{ eventMode: 'webhook' as const }, 'bot is in webhook mode'],
    [{ botId: null }, 'bot deleted'],
  ])('stops without a request when %o', async (inst, reason) => {
    const { portal, poller } = await setup([], { inst });
    expect(await poller.cycle()).toEqual({ kind: 'stop', reason });
    expect(portal.calls).toHaveLength(0);
  });

  it('BOT_OWNERSHIP_ERROR stops polling (the bot token no longer owns the bot)', async () => {
    const { poller } = await setup([new PortalError('imbot.v2.Event.get', 'BOT_OWNERSHIP_ERROR', 400, '')]);
    expect(await poller.cycle()).toMatchObject({ kind: 'stop' });
  });

  it('BOT_NOT_FOUND is handled like ONIMBOTV2DELETE and stops polling', async () => {
    const { bot, poller } = await setup([new PortalError('imbot.v2.Event.get', 'BOT_NOT_FOUND', 400, '')]);
    expect(await poller.cycle()).toMatchObject({ kind: 'stop' });
    expect(bot.seen.map((s) => s.ev.kind)).toEqual(['botDeleted']);
    expect(bot.seen[0]!.ev.botId).toBe(BOT);
  });

  it('credentials refused round after round (uninstalled, webhook deleted): stops and marks an application for reinstall', async () => {
    const refused = () => new PortalError('imbot.v2.Event.get', 'NO_AUTH_FOUND', 401, '');
    const { store, poller } = await setup(Array.from({ length: DEFAULT_PACE.maxAuthFailures }, refused));
    for (let i = 1; i < DEFAULT_PACE.maxAuthFailures; i++) expect(await poller.cycle()).toEqual({ kind: 'error', code: 'NO_AUTH_FOUND' });
    expect((await store.get(MEMBER))!.installation.status).toBe('active');
    expect(await poller.cycle()).toEqual({ kind: 'stop', reason: 'credentials refused' });
    expect((await store.get(MEMBER))!.installation.status).toBe('needs_reinstall');
  });

  it('a good answer in between resets the count of refusals', async () => {
    const refused = () => new PortalError('imbot.v2.Event.get', 'NO_AUTH_FOUND', 401, '');
    const ok = { events: [], nextOffset: 0, hasMore: false };
    const n = DEFAULT_PACE.maxAuthFailures - 1;
    const { poller } = await setup([...Array.from({ length: n }, refused), ok, ...Array.from({ length: n }, refused)]);
    const kinds: string[] = [];
    for (let i = 0; i < 2 * n + 1; i++) kinds.push((await poller.cycle()).kind);
    expect(kinds).not.toContain('stop');
  });

  it('stop() ends a pause at once and finishes cleanly', async () => {
    const timers = new VirtualTimers();
    const { poller } = await setup([], { timers });
    poller.start();
    await timers.untilSleeping(1);
    expect(poller.active).toBe(true);
    await poller.stop();
    expect(poller.active).toBe(false);
    expect(timers.sleeping).toBe(0);
  });
});

describe('pace', () => {
  const page = (events: number, hasMore = false): Cycle => ({ kind: 'page', events, hasMore, retry: false });
  const err: Cycle = { kind: 'error', code: 'NETWORK_ERROR' };

  it('about 2 s while busy, then idle pauses that double up to the cap, reset by activity', async () => {
    const { poller } = await setup([]);
    const pauses = [page(100, true), page(3), page(0), page(0), page(0), page(0), page(0), page(1), page(0)].map((c) => poller.pauseAfter(c));
    expect(pauses).toEqual([2000, 2000, 5000, 10000, 20000, 20000, 20000, 2000, 5000]);
  });

  it('exponential backoff on errors and retries, capped at 60 s, reset by a good answer', async () => {
    const { poller } = await setup([]);
    const retry: Cycle = { kind: 'page', events: 1, hasMore: false, retry: true };
    const pauses = [err, err, retry, err, err, err, err, err, page(0)].map((c) => poller.pauseAfter(c));
    expect(pauses).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 5000]);
  });

  it('the running loop follows that pace: 10 idle minutes cost at most 32 requests', async () => {
    const timers = new VirtualTimers();
    const { portal, poller } = await setup([], { timers });
    poller.start();
    await timers.untilSleeping(1);
    await timers.advance(10 * 60_000);
    await poller.stop();
    // 5 + 10 + 20 s, then every 20 s: about 30 requests in 600 s, far below 2 per second.
    expect(portal.calls.length).toBeGreaterThanOrEqual(28);
    expect(portal.calls.length).toBeLessThanOrEqual(32);
    expect(timers.requested.slice(0, 4)).toEqual([5000, 10000, 20000, 20000]);
  });

  it('the loop backs off through an outage and is back to normal after it', async () => {
    const timers = new VirtualTimers();
    const down = new NetworkError('imbot.v2.Event.get', 'HTTP 503', true);
    const { portal, poller } = await setup([down, down, down, down, down, { events: [messageEvent(51)], nextOffset: 52, hasMore: false }], { timers });
    poller.start();
    await timers.untilSleeping(1);
    await timers.advance(60_000);
    await poller.stop();
    expect(timers.requested.slice(0, 7)).toEqual([1000, 2000, 4000, 8000, 16000, 2000, 5000]);
    expect(portal.calls.at(-1)!.offset).toBe(52);
  });

  it('pollNow cuts a pause short and resolves after a round that started after the call', async () => {
    const timers = new VirtualTimers();
    const { bot, poller } = await setup([{ events: [], nextOffset: 0, hasMore: false }, { events: [messageEvent(61)], nextOffset: 62, hasMore: false }], {
      timers,
    });
    poller.start();
    await timers.untilSleeping(1);
    const c = await poller.pollNow();
    expect(c).toEqual({ kind: 'page', events: 1, hasMore: false, retry: false });
    expect(bot.seen).toHaveLength(1);
    await poller.stop();
  });
});
