// A whole world for scenario tests: the emulator with a demo company, the real bot over HTTP, installed.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PollerPace, PollerTimers } from '../../src/bot/poller.js';
import { ONE_PORTAL_EVENTS_PATH } from '../../src/bot/webhook-portal.js';
import { createRuntime, type Runtime, type RuntimeOptions } from '../../src/runtime.js';
import { startEmulator, type DemoIds, type DialogMessageView, type Emulator, type Portal } from '../../src/sandbox/emulator/index.js';
import { SANDBOX_SCOPES } from '../../src/sandbox/start.js';
import type { PortalData } from '../../src/store/types.js';
import { PgPortalStore } from '../../src/store/pg/store.js';
import { freshSchema, testDatabaseUrl, type TestSchema } from './pg.js';

/**
 * How events reach the bot: `webhook` (an application with a public URL: the default), `fetch` (an
 * application without one: it polls), `oneportal` (an inbound webhook and a bot token, polling) and
 * `oneportal-webhook` (the same with a public URL). SCENARIO_MODE in the environment changes the default.
 */
export type WorldMode = 'webhook' | 'fetch' | 'oneportal' | 'oneportal-webhook';

export interface World {
  /** The way in the bot uses now (restart can change it). */
  readonly mode: WorldMode;
  /** The inbound webhook the bot uses in one-portal modes ('' otherwise). */
  webhookUrl: string;
  emu: Emulator;
  portal: Portal;
  demo: DemoIds;
  rt: Runtime;
  botId: number;
  memberId: string;
  dataDir: string;
  botUrl: string;
  clientId: string;
  clientSecret: string;
  /** Types text in the user's private dialog with the bot (or in `dialogId`), waits until the bot is done, returns what it sent. */
  say(userId: number, text: string, dialogId?: string): Promise<DialogMessageView[]>;
  /** Sends a file (with an optional caption) as the user, waits until the bot is done, returns what it sent. */
  sendFile(userId: number, name: string, content: Uint8Array | string, caption?: string, dialogId?: string): Promise<DialogMessageView[]>;
  /** Presses a button of a bot message, waits, returns the bot's new messages in that dialog. */
  press(userId: number, messageId: number, button: string | number, dialogId?: string): Promise<DialogMessageView[]>;
  data(): Promise<PortalData>;
  settle(): Promise<void>;
  /**
   * Stops the bot and starts a new one on the same data directory and port, as a process restart would
   * (and as main.ts does, calls `start()`). `mode` switches an application between webhook and fetch,
   * or a one-portal bot between its two modes.
   */
  restart(mode?: WorldMode): Promise<void>;
  close(): Promise<void>;
}

export interface WorldOptions {
  language?: 'en' | 'ru';
  /** Emulator rate limit; default generous so scenario tests stay fast. */
  rateLimit?: { burst: number; drainPerSec: number } | null;
  botRateLimit?: { burst: number; drainPerSec: number };
  now?: () => number;
  slug?: string;
  emulator?: Emulator;
  mode?: WorldMode;
  /** Fetch modes: the pollers' sleep (a virtual clock in outage tests) and pace. */
  pollerTimers?: PollerTimers;
  pollerPace?: Partial<PollerPace>;
  /** Handlers other than the bot's own (tests of the core). */
  registry?: RuntimeOptions['registry'];
  /** Run the runtime's own scheduler from start() (as main.ts does); off by default so tests tick by hand. */
  schedule?: RuntimeOptions['schedule'];
  /** false: no durable inbox (the intake benchmark's baseline). */
  inbox?: boolean;
  /** The default training groups at install (off unless asked, so other scenarios keep their picture). */
  trainingDefaults?: boolean;
}

function defaultMode(): WorldMode {
  const env = process.env.SCENARIO_MODE;
  return env === 'fetch' || env === 'oneportal' || env === 'oneportal-webhook' ? env : 'webhook';
}

export async function startWorld(o: WorldOptions = {}): Promise<World> {
  const emu = o.emulator ?? (await startEmulator({ port: 0, ...(o.now ? { now: o.now } : {}) }));
  const portal = emu.createPortal({ slug: o.slug ?? 'acme', language: o.language ?? 'en' });
  portal.setRateLimit(o.rateLimit === undefined ? { burst: 10_000, drainPerSec: 10_000 } : o.rateLimit);
  const demo = portal.seedDemo();
  const dataDir = await mkdtemp(join(tmpdir(), 'sgb-'));
  // SCENARIO_STORE=pg (the scenario:pg project): the bot keeps its portals in a PostgreSQL schema of this world's own.
  const pgSchema = await worldSchema();
  const clientId = `local.test${Math.random().toString(16).slice(2, 10)}`;
  const clientSecret = `secret${Math.random().toString(16).slice(2)}`;
  const runtimeOptions: RuntimeOptions = {
    dataDir,
    eventsUrl: null,
    clientId,
    clientSecret,
    oauthUrl: emu.origin,
    defaultLang: 'en',
    logLevel: process.env.TEST_LOG ?? 'silent',
    rateLimit: o.botRateLimit ?? { burst: 10_000, drainPerSec: 10_000 },
    retryBudgetMs: 60_000,
    ...(o.now ? { now: () => new Date(o.now!()) } : { now: () => new Date(emu.clock.now()) }),
    ...(o.pollerTimers ? { pollerTimers: o.pollerTimers } : {}),
    ...(o.pollerPace ? { pollerPace: o.pollerPace } : {}),
    ...(o.schedule ? { schedule: o.schedule } : {}),
    ...(o.registry ? { registry: o.registry } : {}),
    ...(o.inbox === false ? { inbox: false } : {}),
    trainingDefaults: o.trainingDefaults === true,
    ...(pgSchema ? { database: { url: pgSchema.url, schema: pgSchema.schema, poolSize: 4 } } : {}),
  };
  let mode = o.mode ?? defaultMode();
  const onePortal = mode === 'oneportal' || mode === 'oneportal-webhook';
  // The webhook's owner is the demo admin, as an administrator setting the bot up for their portal would be.
  const webhookUrl = onePortal ? portal.createInboundWebhook(demo.admin, SANDBOX_SCOPES) : '';
  if (onePortal) runtimeOptions.webhook = { url: webhookUrl };
  let rt = createRuntime(runtimeOptions);
  if (pgSchema && !(rt.store instanceof PgPortalStore)) throw new Error('scenario:pg: the runtime did not take the PostgreSQL store');
  const botUrl = await rt.app.listen({ port: 0, host: '127.0.0.1' });
  /** The events URL of a mode (null: fetch), set once the port is known, as PUBLIC_URL would be. */
  const eventsUrlOf = (m: WorldMode) =>
    m === 'webhook' ? `${botUrl}/bitrix/events` : m === 'oneportal-webhook' ? `${botUrl}${ONE_PORTAL_EVENTS_PATH}` : null;
  rt.bot.setEventsUrl(eventsUrlOf(mode));
  let memberId: string;
  if (onePortal) {
    // No application and no install step: the bot sets itself up from the webhook on start.
    await rt.start();
    memberId = rt.onePortal!.memberId;
  } else {
    const inst = await portal.installApp({
      clientId,
      clientSecret,
      installUrl: `${botUrl}/bitrix/install`,
      handlerUrl: `${botUrl}/bitrix/events`,
      scope: SANDBOX_SCOPES,
      installerId: demo.admin,
    });
    memberId = inst.memberId;
  }
  const inst = { memberId };
  const data = await rt.store.get(inst.memberId);
  if (!data?.installation.botId) throw new Error('install did not register the bot');
  const botId = data.installation.botId;
  // The bot learns the portal's UTC offset from the first message's date; the scenarios start as if
  // it had (test/scenario/portal-time.test.ts shows the learning), so "today" is the portal's from the start.
  await rt.store.update(inst.memberId, (d) => void (d.installation.utcOffset = portal.state.identity.utcOffsetMinutes));

  const settle = async () => {
    await portal.flush();
    // Fetch modes: the poller reads the queue now instead of after its pause, until the queue is empty.
    await rt.pollers.drainAll();
    // With PostgreSQL an event is handled from the inbox table, a moment after its 200.
    await rt.idle();
  };
  const newBotMessages = (userId: number, dialogId: string, afterId: number) =>
    portal.dialog(userId, dialogId).filter((m) => m.id > afterId && m.authorId === botId);
  const lastId = (userId: number, dialogId: string) => portal.dialog(userId, dialogId).reduce((mx, m) => Math.max(mx, m.id), 0);

  return {
    get mode() {
      return mode;
    },
    webhookUrl,
    emu,
    portal,
    demo,
    get rt() {
      return rt;
    },
    botId,
    memberId: inst.memberId,
    dataDir,
    botUrl,
    clientId,
    clientSecret,
    async say(userId, text, dialogId = String(botId)) {
      const before = lastId(userId, dialogId);
      await portal.as(userId).send(dialogId, text);
      await settle();
      return newBotMessages(userId, dialogId, before);
    },
    async sendFile(userId, name, content, caption = '', dialogId = String(botId)) {
      const before = lastId(userId, dialogId);
      await portal.as(userId).sendFile(dialogId, name, content, caption);
      await settle();
      return newBotMessages(userId, dialogId, before);
    },
    async press(userId, messageId, button, dialogId = String(botId)) {
      const before = lastId(userId, dialogId);
      await portal.as(userId).press(messageId, button);
      await settle();
      return newBotMessages(userId, dialogId, before);
    },
    async data() {
      return (await rt.store.get(inst.memberId))!;
    },
    settle,
    async restart(next?: WorldMode) {
      await rt.close();
      if (next) mode = next;
      rt = createRuntime(runtimeOptions);
      await rt.app.listen({ port: Number(new URL(botUrl).port), host: '127.0.0.1' });
      rt.bot.setEventsUrl(eventsUrlOf(mode));
      await rt.start();
    },
    async close() {
      await rt.close();
      if (!o.emulator) await emu.close();
      await rm(dataDir, { recursive: true, force: true });
      await pgSchema?.drop();
    },
  };
}

async function worldSchema(): Promise<TestSchema | null> {
  if (process.env.SCENARIO_STORE !== 'pg') return null;
  const url = testDatabaseUrl();
  if (!url) throw new Error('SCENARIO_STORE=pg needs TEST_DATABASE_URL');
  return freshSchema(url);
}
