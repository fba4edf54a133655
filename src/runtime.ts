// Wires config → store → portal gateway → bot → fastify app (and fetch pollers). Used by main.ts, the tests and the sandbox.
import type { FastifyInstance } from 'fastify';
import { placeNewcomer } from './handlers/training/newcomers.js';
import { buildApp, loggerOptions } from './app.js';
import { Bot, describe } from './bot/bot.js';
import { Intake } from './bot/intake.js';
import { reportInterrupted } from './jobs/interrupted.js';
import type { Logger } from './bot/logger.js';
import { FetchPoller, Pollers, type PollerPace, type PollerTimers } from './bot/poller.js';
import { PortalGateway } from './bot/portal.js';
import type { HandlerRegistry } from './bot/router.js';
import type { MemberSyncOptions } from './jobs/member-sync.js';
import { Scheduler } from './jobs/scheduler.js';
import {
  ensureWebhookInstallation,
  loadBotToken,
  parseInboundWebhook,
  registerOnePortalReceiver,
  type InboundWebhook,
} from './bot/webhook-portal.js';
import { readRestRevision } from './bot/registration.js';
import { registry as defaultRegistry } from './handlers/index.js';
import { MANIFEST_REVISION } from './handlers/manifest.js';
import type { Lang } from './i18n/index.js';
import { FilePortalStore } from './store/file.js';
import { PgPortalStore, type PgStoreOptions } from './store/pg/store.js';
import { FileInbox } from './store/inbox.js';
import { sharedWork, type InstancesOptions } from './instances.js';
import type { PortalStore } from './store/types.js';

export interface RuntimeOptions {
  dataDir: string;
  /** false: webhook events are kept in memory only until handled (the benchmark's baseline; never in production). */
  inbox?: boolean;
  store?: PortalStore;
  /** PostgreSQL instead of the files under dataDir (migrated beforehand: store/pg/migrate.ts); closed by close(). */
  database?: PgStoreOptions;
  /** Address the portal posts events to (PUBLIC_URL + /bitrix/events); null → fetch mode. */
  eventsUrl: string | null;
  clientId: string;
  clientSecret: string;
  oauthUrl: string;
  defaultLang: Lang;
  logLevel: string;
  rateLimit?: { burst: number; drainPerSec: number };
  retryBudgetMs?: number;
  now?: () => Date;
  registry?: HandlerRegistry;
  /**
   * One-portal mode: an inbound webhook (B24_WEBHOOK_URL) and the bot token (B24_BOT_TOKEN; generated
   * and saved under dataDir when absent). With PUBLIC_URL, eventsUrl should be PUBLIC_URL + ONE_PORTAL_EVENTS_PATH.
   */
  webhook?: { url: string; botToken?: string };
  /** One-portal mode: user ids the operator names as admins (ADMIN_IDS). */
  adminIds?: readonly number[];
  /** Fetch mode: the pollers' sleep (tests inject a virtual one) and pace. */
  pollerTimers?: PollerTimers;
  pollerPace?: Partial<PollerPace>;
  /**
   * Run the scheduler (announcements when access windows open, reminders before they close) from
   * start() to close(). Off by default so tests tick it by hand; main.ts and the sandbox turn it on.
   */
  schedule?: boolean | { intervalMs: number };
  /**
   * The scheduler's membership sync (workgroups re-read every few minutes; src/bot/member-sync.ts):
   * its pace, or false for none. On with the defaults unless told; it runs when the scheduler ticks.
   */
  memberSync?: MemberSyncOptions | false;
  /**
   * false: no default training groups are made at install or start (most scenario tests keep the
   * picture they were written for; the training tests turn them on). On unless told.
   */
  trainingDefaults?: boolean;
  /**
   * With PostgreSQL, any number of instances share the portals (README "Several instances"): how long
   * a lease lasts (a dead instance's work moves after it; default 30 s), how often the inbox table is
   * swept for queues nobody handles (default 5 s), this instance's name in the lease rows.
   */
  instances?: InstancesOptions;
}

export interface Runtime {
  app: FastifyInstance;
  bot: Bot;
  store: PortalStore;
  gateway: PortalGateway;
  pollers: Pollers;
  /** Ticks only when `schedule` is on; `tick()` may always be called by hand. */
  scheduler: Scheduler;
  log: Logger;
  /** One-portal mode: the portal key derived from the webhook (null in application mode). */
  onePortal: InboundWebhook | null;
  /**
   * After listen: one-portal mode sets up its portal and registers the bot; application mode moves
   * every stored bot to the current way in (webhook ↔ fetch) and starts the pollers of fetch-mode portals.
   */
  start(): Promise<void>;
  /** Resolves when nothing received is left to handle here (tests settle with it). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export function createRuntime(o: RuntimeOptions): Runtime {
  const ownPg = !o.store && o.database ? new PgPortalStore(o.database) : null;
  const store = o.store ?? ownPg ?? new FilePortalStore(o.dataDir);
  // The app's pino logger (with token redaction) is shared by the bot's own log lines.
  let log: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
  const logProxy: Logger = {
    debug: (obj, msg) => log.debug(obj, msg),
    info: (obj, msg) => log.info(obj, msg),
    warn: (obj, msg) => log.warn(obj, msg),
    error: (obj, msg) => log.error(obj, msg),
  };
  // PostgreSQL: the inbox, the leases and the rate-limit buckets live there too, so instances can share the portals.
  const shared = sharedWork(store, o.instances, logProxy);
  const gateway = new PortalGateway({
    store,
    log: logProxy,
    clientId: o.clientId,
    clientSecret: o.clientSecret,
    oauthUrl: o.oauthUrl,
    ...(o.rateLimit ? { rateLimit: o.rateLimit } : {}),
    ...(o.retryBudgetMs !== undefined ? { retryBudgetMs: o.retryBudgetMs } : {}),
    ...(shared ? { sharedBucket: shared.bucket } : {}),
  });
  const onePortal = o.webhook ? parseInboundWebhook(o.webhook.url) : null;
  // Created before the bot (which tells it about registrations) and filled with the bot after.
  let bot: Bot;
  const pollers = new Pollers(
    (memberId, extra) =>
      new FetchPoller({
        memberId,
        bot,
        store,
        rest: () => gateway.app(memberId),
        log: logProxy,
        ...(o.pollerTimers ? { timers: o.pollerTimers } : {}),
        ...(o.pollerPace ? { pace: o.pollerPace } : {}),
        ...(shared ? { lease: shared.pollLease(memberId) } : {}),
        ...extra,
      }),
  );
  bot = new Bot({
    store,
    gateway,
    registry: o.trainingDefaults === false ? { ...(o.registry ?? defaultRegistry), prepare: undefined } : (o.registry ?? defaultRegistry),
    log: logProxy,
    eventsUrl: o.eventsUrl,
    defaultLang: o.defaultLang,
    ...(o.now ? { now: o.now } : {}),
    ...(o.adminIds ? { adminIds: o.adminIds } : {}),
    async onUserAdded(memberId, userId) {
      await placeNewcomer({ store, log: logProxy, now: () => bot.now(), rest: () => gateway.app(memberId) }, memberId, userId);
    },
    onRegistered(inst) {
      // Only the registration knows the way in for sure: fetch → a poller runs; webhook → none does.
      if (inst.eventMode === 'fetch' && inst.status === 'active' && inst.botId) pollers.ensure(inst.memberId);
      else void pollers.stop(inst.memberId);
    },
  });
  const inbox = o.inbox === false || shared ? null : new FileInbox(o.dataDir);
  const intake = new Intake({
    bot,
    store,
    inbox,
    log: logProxy,
    ...(shared && o.inbox !== false ? { shared: { inbox: shared.inbox, leases: shared.leases, ...(shared.sweepMs ? { sweepMs: shared.sweepMs } : {}) } } : {}),
  });
  if (shared) intake.startSweep();
  const app = buildApp({ bot, store, intake, logger: loggerOptions(o.logLevel) });
  let botToken: string | null = null;
  if (onePortal) {
    const memberId = onePortal.memberId;
    registerOnePortalReceiver(app, {
      bot,
      store,
      intake,
      memberId,
      botToken: () => botToken,
      log: logProxy,
      // Bot.get answers the owner, and only the owner, with the full format (eventMode and counters).
      confirmBot: async (accessToken, botId) => {
        const data = await store.get(memberId);
        if (!data) return false;
        const auth = { accessToken, refreshToken: '', expires: 0, userId: botId, clientEndpoint: '', serverEndpoint: '', domain: '', scope: '' };
        const raw = await gateway.user(memberId, data.installation, auth).call<unknown>('imbot.v2.Bot.get', { botId }, { idempotent: true });
        const bot = (raw as { bot?: { id?: unknown; eventMode?: unknown } } | null)?.bot;
        return Number(bot?.id) === botId && typeof bot?.eventMode === 'string';
      },
    });
  }
  log = app.log as unknown as Logger;
  const now = o.now ?? (() => new Date());
  const scheduler = new Scheduler({
    store,
    gateway,
    log: logProxy,
    now: () => bot.now(),
    ...(typeof o.schedule === 'object' ? { intervalMs: o.schedule.intervalMs } : {}),
    ...(o.memberSync !== undefined ? { memberSync: o.memberSync } : {}),
    // Several instances: the holder of the scheduler lease ticks; the others ask again every third of its life.
    ...(shared ? { lead: shared.lead, leadRetryMs: shared.standbyMs } : {}),
  });

  /** Registers the bot again if the way in changed; leaving fetch mode first reads what is still queued. */
  async function reconcile(memberId: string, force: boolean): Promise<void> {
    const data = await store.get(memberId);
    if (!data || data.installation.status !== 'active') return;
    const inst = data.installation;
    // Data a new version brings once (the default training groups), even when nothing else changed.
    const prepare = bot.deps.registry.prepare;
    if (prepare && !data.training?.defaultsSeeded) await store.update(memberId, (d) => prepare(d, now()));
    // A bot deleted on the portal stays deleted until someone installs (or, one-portal, restarts) on purpose.
    if (!inst.botId && !force) return;
    const eventsUrl = bot.deps.eventsUrl;
    const want = eventsUrl ? 'webhook' : 'fetch';
    // A new version whose commands, titles or hints differ registers again too (and updates them).
    const changed =
      inst.eventMode !== want || (want === 'webhook' && inst.webhookUrl !== eventsUrl) || inst.manifestRevision !== MANIFEST_REVISION;
    if (!changed && !force) {
      if (want === 'fetch') pollers.ensure(memberId);
      return;
    }
    const leavingFetch = inst.eventMode === 'fetch' && want === 'webhook' && inst.botId !== null;
    if (leavingFetch) await pollers.detached(memberId, { afterSwitch: true }).drain();
    const offset = (await store.get(memberId))?.fetchOffset ?? null;
    await bot.register(memberId);
    if (leavingFetch) {
      // Events queued between that read and the switch: one more read with the old offset, then forget it.
      await store.update(memberId, (d) => void (d.fetchOffset = offset));
      await pollers.detached(memberId, { afterSwitch: true }).drain();
      await store.update(memberId, (d) => void (d.fetchOffset = null));
    }
  }

  /** What the portal supports, in the log at start (a box version may lag behind the cloud). */
  async function logRestRevision(memberId: string): Promise<void> {
    try {
      const revision = await readRestRevision(await gateway.app(memberId));
      if (revision === null) logProxy.warn({ memberId }, 'the portal predates imbot.v2 REST revision 33 (no Revision.get): older answers are read too');
      else logProxy.info({ memberId, restRevision: revision }, 'portal imbot.v2 REST revision');
    } catch (e) {
      logProxy.warn({ memberId, err: describe(e) }, 'could not read the portal REST revision');
    }
  }

  async function startOnePortal(hook: InboundWebhook, webhook: { url: string; botToken?: string }): Promise<void> {
    const token = await loadBotToken(o.dataDir, webhook.botToken, logProxy);
    gateway.useInboundWebhook(hook.memberId, hook.url, token);
    botToken = token;
    await ensureWebhookInstallation(store, hook, { language: o.defaultLang, now: now(), eventsUrl: bot.deps.eventsUrl });
    let profile: { ID?: string | number; ADMIN?: boolean | string } | null;
    try {
      profile = await (await gateway.app(hook.memberId)).call('profile', {}, { idempotent: true });
    } catch (e) {
      throw new Error(`B24_WEBHOOK_URL does not work: ${describe(e)}`);
    }
    if (Number(profile?.ID) !== hook.userId) {
      logProxy.warn({ owner: profile?.ID, inUrl: hook.userId }, 'the webhook answers for another user than its URL names');
    }
    if (profile?.ADMIN !== true && profile?.ADMIN !== 'Y') {
      logProxy.warn(
        { owner: hook.userId },
        'the webhook owner is not a portal admin: the bot acts with their rights, so direct adds to workgroups become invitations',
      );
    }
    try {
      await reconcile(hook.memberId, true);
    } catch (e) {
      throw new Error(`could not register the bot through B24_WEBHOOK_URL: ${describe(e)}`);
    }
  }

  return {
    app,
    bot,
    store,
    gateway,
    pollers,
    scheduler,
    log: logProxy,
    onePortal,
    async start() {
      const startedAt = bot.now();
      // What a crash left in the inboxes is handled first, in order, before anything new.
      await intake.recoverAll();
      if (onePortal && o.webhook) {
        await startOnePortal(onePortal, o.webhook);
        await logRestRevision(onePortal.memberId);
      } else {
        for (const memberId of await store.list()) {
          const data = await store.get(memberId);
          // Records of one-portal mode are not this application's to touch.
          if (!data || data.installation.auth === 'webhook') continue;
          if (data.installation.status === 'payment_required' && (await gateway.recheckPayment(memberId))) {
            logProxy.info({ memberId }, 'the application is paid for again on this portal: back to work');
          }
          await reconcile(memberId, false).catch((e: unknown) =>
            logProxy.error({ memberId, err: describe(e) }, 'could not move the bot to the current event mode'),
          );
          if ((await store.get(memberId))?.installation.status === 'active') await logRestRevision(memberId);
        }
      }
      // Work a crash cut off in Bitrix24 that no replay finishes is told to whoever started it.
      for (const memberId of await store.list()) {
        await reportInterrupted({ store, log: logProxy, app: (m) => gateway.app(m) }, memberId, startedAt).catch((e: unknown) =>
          logProxy.error({ memberId, err: describe(e) }, 'could not report interrupted work'),
        );
      }
      if (o.schedule) scheduler.start();
      // A portal installed (or moved to fetch mode) through another instance gets a poller here too, on standby.
      if (shared && !onePortal && !bot.deps.eventsUrl) shared.watchFetchPortals((m) => pollers.ensure(m));
    },
    async idle() {
      await intake.settled();
      await bot.idle();
      await intake.settled();
    },
    async close() {
      await scheduler.stop();
      await pollers.stopAll();
      await app.close();
      await intake.stop();
      await bot.idle();
      await shared?.stop();
      await inbox?.close();
      await ownPg?.close();
    },
  };
}
