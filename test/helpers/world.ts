// A whole world for scenario tests: the emulator with a demo company, the real bot over HTTP, installed.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRuntime, type Runtime } from '../../src/runtime.js';
import { startEmulator, type DemoIds, type DialogMessageView, type Emulator, type Portal } from '../../src/sandbox/emulator/index.js';
import { SANDBOX_SCOPES } from '../../src/sandbox/start.js';
import type { PortalData } from '../../src/store/types.js';

export interface World {
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
  /** Presses a button of a bot message, waits, returns the bot's new messages in that dialog. */
  press(userId: number, messageId: number, button: string | number, dialogId?: string): Promise<DialogMessageView[]>;
  data(): Promise<PortalData>;
  settle(): Promise<void>;
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
}

export async function startWorld(o: WorldOptions = {}): Promise<World> {
  const emu = o.emulator ?? (await startEmulator({ port: 0, ...(o.now ? { now: o.now } : {}) }));
  const portal = emu.createPortal({ slug: o.slug ?? 'acme', language: o.language ?? 'en' });
  portal.setRateLimit(o.rateLimit === undefined ? { burst: 10_000, drainPerSec: 10_000 } : o.rateLimit);
  const demo = portal.seedDemo();
  const dataDir = await mkdtemp(join(tmpdir(), 'sgb-'));
  const clientId = `local.test${Math.random().toString(16).slice(2, 10)}`;
  const clientSecret = `secret${Math.random().toString(16).slice(2)}`;
  const rt = createRuntime({
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
  });
  const botUrl = await rt.app.listen({ port: 0, host: '127.0.0.1' });
  rt.bot.setEventsUrl(`${botUrl}/bitrix/events`);
  const inst = await portal.installApp({
    clientId,
    clientSecret,
    installUrl: `${botUrl}/bitrix/install`,
    handlerUrl: `${botUrl}/bitrix/events`,
    scope: SANDBOX_SCOPES,
    installerId: demo.admin,
  });
  const data = await rt.store.get(inst.memberId);
  if (!data?.installation.botId) throw new Error('install did not register the bot');
  const botId = data.installation.botId;

  const settle = async () => {
    await portal.flush();
    await rt.bot.idle();
  };
  const newBotMessages = (userId: number, dialogId: string, afterId: number) =>
    portal.dialog(userId, dialogId).filter((m) => m.id > afterId && m.authorId === botId);
  const lastId = (userId: number, dialogId: string) => portal.dialog(userId, dialogId).reduce((mx, m) => Math.max(mx, m.id), 0);

  return {
    emu,
    portal,
    demo,
    rt,
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
    async close() {
      await rt.close();
      if (!o.emulator) await emu.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
