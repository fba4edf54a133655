// Fetch mode (no public URL): one poller per portal reads imbot.v2.Event.get and hands each event to the bot (bot doc §6).
import { z } from 'zod';
import type { PortalStore } from '../store/types.js';
import type { Bot } from './bot.js';
import { EventShapeError, normalizeEvent, type BotEvent } from './events.js';
import type { Logger } from './logger.js';
import { NetworkError, PortalError, type RestClient } from './portal.js';

/** Sleeping, injectable so tests can run minutes of polling in milliseconds. */
export interface PollerTimers {
  /** Resolves after `ms`, or at once when `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export const realTimers: PollerTimers = {
  sleep(ms, signal) {
    return new Promise<void>((resolve) => {
      if (signal.aborted) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
    });
  },
};

/** How often to ask. The requests also wait their turn in the portal's shared bucket, so these are minimums. */
export interface PollerPace {
  /** Events per call (1–1000). */
  limit: number;
  /** Pause while the queue has more, and for the first re-poll after activity (the docs' sample: 2 s). */
  busyMs: number;
  /** First idle pause; it doubles while nothing arrives… */
  idleMinMs: number;
  /** …up to this (the docs recommend 5–30 s when idle). */
  idleMaxMs: number;
  /** First pause after an error; it doubles per error in a row… */
  errorMinMs: number;
  /** …up to this (the docs' sample caps at 60 s). */
  errorMaxMs: number;
  /** An event that keeps failing because the portal is unreachable is retried this often, then handled as is. */
  maxAttemptsPerEvent: number;
  /** Rounds in a row refused for credentials (uninstalled, webhook deleted) before polling stops. */
  maxAuthFailures: number;
}

export const DEFAULT_PACE: PollerPace = {
  limit: 100,
  busyMs: 2_000,
  idleMinMs: 5_000,
  idleMaxMs: 20_000,
  errorMinMs: 1_000,
  errorMaxMs: 60_000,
  maxAttemptsPerEvent: 8,
  maxAuthFailures: 5,
};

/** The portal no longer knows these credentials: an uninstalled application, a deleted webhook. */
/** AUTH_ERROR: Event.get could not tell who is calling ("Не удалось определить текущего пользователя", event-get page). */
const AUTH_FAILURES = new Set(['NO_AUTH_FOUND', 'AUTH_ERROR', 'invalid_token', 'invalid_grant', 'expired_token', 'NOT_INSTALLED', 'NOT_CONFIGURED']);

const eventsSchema = z.array(z.object({ eventId: z.number().int().positive(), type: z.string(), data: z.unknown() }));

/**
 * An Event.get page. Since BOT-BC-0325-1 (March 2026) it names `nextOffset`; portals from before (box
 * versions lag) name `lastEventId`, and the next offset is lastEventId + 1. Either is read as one.
 * `hasMore` is not relied on where it is missing: a full page means there may be more.
 */
function readPage(raw: unknown, limit: number): { events: z.infer<typeof eventsSchema>; nextOffset: number | null; hasMore: boolean } | string {
  const parsed = z
    .object({
      events: eventsSchema,
      nextOffset: z.number().int().min(0).optional(),
      lastEventId: z.number().int().min(0).nullable().optional(),
      hasMore: z.boolean().optional(),
    })
    .safeParse(raw);
  if (!parsed.success) return parsed.error.issues[0]?.message ?? 'unreadable';
  const p = parsed.data;
  let nextOffset: number | null;
  if (p.nextOffset !== undefined) nextOffset = p.nextOffset;
  else if (p.lastEventId !== undefined) nextOffset = p.lastEventId ? p.lastEventId + 1 : null;
  else return 'neither nextOffset nor lastEventId';
  return { events: p.events, nextOffset, hasMore: p.hasMore ?? p.events.length >= limit };
}

/** What one round did, for the pace and for tests. */
export type Cycle =
  | { kind: 'page'; events: number; hasMore: boolean; retry: boolean }
  | { kind: 'error'; code: string }
  | { kind: 'stop'; reason: string }
  /** Another instance polls this portal now (it holds the lease): this one waits to take over. */
  | { kind: 'standby' };

/** Several instances: one polls a portal at a time, the holder of its lease (store/pg/leases.ts). */
export interface PollLease {
  /** Takes or renews the lease; false while another instance holds it. */
  take(): Promise<boolean>;
  /** Still ours (checked before each event of a page). */
  holds(): boolean;
  /** How soon an instance on standby asks again. */
  standbyMs: number;
}

export interface PollerDeps {
  memberId: string;
  /** The bot's ordered way in (`Bot.process`): the same handlers as webhook events. */
  bot: Pick<Bot, 'process'>;
  store: PortalStore;
  /** The portal's installation client (shares the portal's rate-limit bucket with every other call). */
  rest: () => Promise<RestClient>;
  log: Logger;
  timers?: PollerTimers;
  pace?: Partial<PollerPace>;
  /**
   * A last read of the queue right after the bot was moved to webhook mode: events queued just before
   * the switch are not stranded. The offset is still kept in `fetchOffset` while it runs.
   */
  afterSwitch?: boolean;
  /** Absent: this process is the only one polling the portal. */
  lease?: PollLease;
}

/**
 * One portal's loop: ask, handle the page in order, save the offset, sleep. The offset is saved after
 * every call and sent with the next one, which acknowledges (deletes) everything below it; delivery
 * is at least once, and the bot's processed-key list (`e<eventId>`, on disk) makes handling once.
 */
export class FetchPoller {
  readonly pace: PollerPace;
  private readonly timers: PollerTimers;
  private stopped = false;
  private running: Promise<void> | null = null;
  private wakeup = new AbortController();
  private waiters: Array<(c: Cycle) => void> = [];
  private attempts = new Map<number, number>();
  private errorsInRow = 0;
  private authFailuresInRow = 0;
  private idleDelay = 0;
  /** Rounds run so far (the bench counts attempts with it). */
  cycles = 0;

  constructor(private readonly deps: PollerDeps) {
    this.pace = { ...DEFAULT_PACE, ...deps.pace };
    this.timers = deps.timers ?? realTimers;
  }

  get memberId(): string {
    return this.deps.memberId;
  }

  get active(): boolean {
    return this.running !== null && !this.stopped;
  }

  start(): void {
    if (this.running) return;
    this.stopped = false;
    this.running = this.loop().finally(() => {
      this.running = null;
      // Nobody waits forever on a poller that ended by itself.
      this.settleWaiters({ kind: 'stop', reason: 'stopped' });
    });
  }

  /** Stops after the current round (a page being handled is finished and its offset saved). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeup.abort();
    await this.running;
  }

  /** Cuts the current pause short; resolves after a round that started after this call. */
  pollNow(): Promise<Cycle> {
    if (!this.running) return Promise.resolve({ kind: 'stop', reason: 'not running' });
    const next = new Promise<Cycle>((resolve) => this.waiters.push(resolve));
    this.wakeup.abort();
    return next;
  }

  /** Polls until a round finds the queue empty (tests, and before switching this portal to webhook mode). */
  async drain(maxRounds = 1000): Promise<Cycle> {
    let last: Cycle = { kind: 'stop', reason: 'not run' };
    for (let i = 0; i < maxRounds; i++) {
      last = this.running ? await this.pollNow() : await this.cycle();
      if (last.kind !== 'page' || (last.events === 0 && !last.hasMore)) return last;
    }
    return last;
  }

  private settleWaiters(c: Cycle, waiters = this.takeWaiters()): void {
    for (const w of waiters) w(c);
  }

  private takeWaiters(): Array<(c: Cycle) => void> {
    const waiters = this.waiters;
    this.waiters = [];
    return waiters;
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      // Whoever asked before this round started gets its result; later askers get the next one.
      const asked = this.takeWaiters();
      let c: Cycle;
      try {
        c = await this.cycle();
      } catch (e) {
        // A bug or a storage failure must not kill the loop silently: log it and back off like any error.
        this.deps.log.error({ memberId: this.memberId, err: e instanceof Error ? e.message : String(e) }, 'fetch round failed');
        c = { kind: 'error', code: 'INTERNAL' };
      }
      this.settleWaiters(c, asked);
      if (c.kind === 'stop') {
        this.deps.log.info({ memberId: this.memberId, reason: c.reason }, 'fetch poller stopped');
        return;
      }
      if (this.stopped) return;
      const pause = this.pauseAfter(c);
      // Someone asked for a round while this one ran: no pause.
      if (this.waiters.length > 0) continue;
      this.wakeup = new AbortController();
      await this.timers.sleep(pause, this.wakeup.signal);
    }
  }

  /** The next pause: about 2 s while busy, growing while idle, exponential after errors (bot doc 6.3). */
  pauseAfter(c: Cycle): number {
    const p = this.pace;
    if (c.kind === 'standby') return this.deps.lease?.standbyMs ?? p.idleMaxMs;
    if (c.kind === 'error' || (c.kind === 'page' && c.retry)) {
      this.errorsInRow++;
      this.idleDelay = 0;
      return Math.min(p.errorMinMs * 2 ** (this.errorsInRow - 1), p.errorMaxMs);
    }
    this.errorsInRow = 0;
    if (c.kind === 'page' && (c.hasMore || c.events > 0)) {
      this.idleDelay = 0;
      return p.busyMs;
    }
    this.idleDelay = this.idleDelay === 0 ? p.idleMinMs : Math.min(this.idleDelay * 2, p.idleMaxMs);
    return this.idleDelay;
  }

  /** One round: read a page, handle it in order, save the offset to send next time. */
  async cycle(): Promise<Cycle> {
    this.cycles++;
    const { store, memberId, log, bot } = this.deps;
    const data = await store.get(memberId);
    if (!data) return { kind: 'stop', reason: 'portal removed' };
    const inst = data.installation;
    if (inst.status !== 'active') return { kind: 'stop', reason: `installation ${inst.status}` };
    if (inst.eventMode !== 'fetch' && !this.deps.afterSwitch) return { kind: 'stop', reason: 'bot is in webhook mode' };
    const botId = inst.botId;
    if (!botId) return { kind: 'stop', reason: 'bot deleted' };
    const lease = this.deps.afterSwitch ? undefined : this.deps.lease;
    if (lease && !(await lease.take())) return { kind: 'standby' };
    // Read after the lease: the instance that polled before may have moved it.
    const offset = lease ? ((await store.get(memberId))?.fetchOffset ?? null) : data.fetchOffset;

    let page: Exclude<ReturnType<typeof readPage>, string>;
    try {
      const raw = await (await this.deps.rest()).call('imbot.v2.Event.get', {
        botId,
        limit: this.pace.limit,
        ...(offset ? { offset } : {}),
      });
      const parsed = readPage(raw, this.pace.limit);
      if (typeof parsed === 'string') {
        log.warn({ memberId, issue: parsed }, 'Event.get answered something unreadable');
        return { kind: 'error', code: 'BAD_ANSWER' };
      }
      page = parsed;
    } catch (e) {
      return this.failed(e, botId);
    }
    this.authFailuresInRow = 0;

    // An old portal's empty page names no event: the offset stays where it was.
    let ackUpTo = page.nextOffset ?? offset ?? 0;
    let retry = false;
    for (const raw of page.events) {
      // The lease ran out (a renewal failed): the instance that takes over reads from the saved offset.
      if (lease && !lease.holds()) return { kind: 'standby' };
      let ev: BotEvent;
      try {
        ev = normalizeEvent(raw.type, raw.data, memberId, undefined, raw.eventId);
      } catch (e) {
        if (!(e instanceof EventShapeError)) throw e;
        // A malformed event would block the queue forever if we kept it: log it and let it go.
        log.warn({ memberId, eventId: raw.eventId, type: raw.type, err: e.message }, 'skipped a malformed event');
        continue;
      }
      const tries = (this.attempts.get(raw.eventId) ?? 0) + 1;
      const outcome = await bot.process(ev, { retryable: tries < this.pace.maxAttemptsPerEvent });
      if (outcome === 'retry') {
        this.attempts.set(raw.eventId, tries);
        // Acknowledge only what came before it; this one comes back next time (bot doc 6.2).
        ackUpTo = raw.eventId;
        retry = true;
        break;
      }
      this.attempts.delete(raw.eventId);
    }
    if (this.attempts.size > 100) this.attempts.clear();

    // Saved before the next call sends it; an unchanged offset is not written again (idle polls touch no
    // file). 0 (an empty queue before any offset was sent) means "send none", as null does.
    const next = ackUpTo > 0 ? ackUpTo : null;
    if (((await store.get(memberId))?.fetchOffset ?? null) !== next) {
      await store.update(memberId, (d) => {
        // A registration in between (mode switch, new bot) has reset the offset: leave it alone.
        if (d.installation.botId === botId && (d.installation.eventMode === 'fetch' || this.deps.afterSwitch)) d.fetchOffset = next;
      });
    }
    return { kind: 'page', events: page.events.length, hasMore: page.hasMore, retry };
  }

  private async failed(e: unknown, botId: number): Promise<Cycle> {
    const { memberId, log, bot } = this.deps;
    if (e instanceof PortalError && e.code === 'BOT_NOT_FOUND') {
      // Deleted on the portal, and its DELETE event went with its queue. The docs' sample registers it
      // again; we do what webhook mode does on ONIMBOTV2DELETE instead: an admin who deleted the bot
      // meant it, so it stays gone until a reinstall (one-portal mode: a restart) registers it anew.
      await bot.process({ kind: 'botDeleted', memberId, botId, language: '', dedupeKey: null, auth: null });
      return { kind: 'stop', reason: 'bot deleted on the portal' };
    }
    if (e instanceof PortalError && e.code === 'BOT_OWNERSHIP_ERROR') {
      log.error({ memberId, botId }, 'Event.get: the bot belongs to another owner (was B24_BOT_TOKEN changed?); polling stopped');
      return { kind: 'stop', reason: 'ownership' };
    }
    if (e instanceof PortalError && e.code === 'PAYMENT_REQUIRED') {
      // Final until someone pays: asking again every minute would change nothing.
      const current = await this.deps.store.get(memberId);
      if (current?.installation.auth === 'oauth' && current.installation.status === 'active') {
        await this.deps.store.update(memberId, (d) => void (d.installation.status = 'payment_required'));
      }
      log.error({ memberId }, "the portal refuses the application: its trial or paid period is over; polling stopped; renew it, then restart the bot");
      return { kind: 'stop', reason: 'payment required' };
    }
    const code = e instanceof PortalError ? e.code : e instanceof NetworkError ? e.reason : 'ERROR';
    if (e instanceof PortalError && AUTH_FAILURES.has(e.code)) {
      // No uninstall event reaches a bot without an address: refused credentials, again and again, are how it learns.
      if (++this.authFailuresInRow >= this.pace.maxAuthFailures) {
        const current = await this.deps.store.get(memberId);
        if (current?.installation.auth === 'oauth' && current.installation.status === 'active') {
          await this.deps.store.update(memberId, (d) => void (d.installation.status = 'needs_reinstall'));
        }
        log.error({ memberId, code }, 'the portal refuses our credentials (uninstalled? webhook deleted?): polling stopped; reinstall or fix the configuration and restart');
        return { kind: 'stop', reason: 'credentials refused' };
      }
    } else {
      this.authFailuresInRow = 0;
    }
    // Quiet while it lasts: one warning when a streak of failures starts.
    if (this.errorsInRow === 0) log.warn({ memberId, code }, 'Event.get failed; backing off');
    return { kind: 'error', code };
  }
}

/** The pollers of every fetch-mode portal in this process. */
export class Pollers {
  private readonly map = new Map<string, FetchPoller>();

  constructor(private readonly make: (memberId: string, extra?: Pick<PollerDeps, 'afterSwitch'>) => FetchPoller) {}

  get(memberId: string): FetchPoller | undefined {
    return this.map.get(memberId);
  }

  /** Starts the portal's poller unless one runs already. */
  ensure(memberId: string): FetchPoller {
    let p = this.map.get(memberId);
    if (!p || !p.active) {
      p = this.make(memberId);
      this.map.set(memberId, p);
      p.start();
    }
    return p;
  }

  /** A poller that is not started: for one-off drains around a switch to webhook mode. */
  detached(memberId: string, extra?: Pick<PollerDeps, 'afterSwitch'>): FetchPoller {
    return this.make(memberId, extra);
  }

  async stop(memberId: string): Promise<void> {
    const p = this.map.get(memberId);
    this.map.delete(memberId);
    await p?.stop();
  }

  /** The pollers running now. */
  active(): FetchPoller[] {
    return [...this.map.values()].filter((p) => p.active);
  }

  async stopAll(): Promise<void> {
    const all = [...this.map.values()];
    this.map.clear();
    await Promise.all(all.map((p) => p.stop()));
  }

  /** Handles everything waiting in the portal's queue now (tests use it to settle). */
  async drain(memberId: string): Promise<void> {
    const p = this.map.get(memberId);
    if (p?.active) await p.drain();
  }

  /** The same for every portal polled here. */
  async drainAll(): Promise<void> {
    await Promise.all([...this.map.values()].filter((p) => p.active).map((p) => p.drain()));
  }
}
