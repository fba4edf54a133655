// Sandbox mode: the emulator with a demo company, the real bot installed into it, and the web page, all on loopback.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { describe } from '../bot/bot.js';
import type { Config } from '../config.js';
import { createRuntime, type Runtime } from '../runtime.js';
import { startEmulator, type DemoIds, type Emulator, type Portal } from './emulator/index.js';
import { SandboxWeb } from './web/server.js';
import { REQUIRED_SCOPES } from '../handlers/manifest.js';

/** The demo company installs the bot with exactly the scopes a real administrator ticks. */
export const SANDBOX_SCOPES = [...REQUIRED_SCOPES];
const PORTAL_SLUG = 'demo';

export interface Sandbox {
  emulator: Emulator;
  /** The demo portal; a new one after `reset()`. */
  readonly portal: Portal;
  readonly demo: DemoIds;
  readonly memberId: string;
  readonly botId: number;
  runtime: Runtime;
  botUrl: string;
  /** The messenger page: open it in a browser. */
  webUrl: string;
  web: SandboxWeb;
  /** Drops the demo company and everything the bot stored about it, seeds it again and reinstalls the bot. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

interface Company {
  portal: Portal;
  demo: DemoIds;
  memberId: string;
  botId: number;
}

export async function startSandbox(config: Config): Promise<Sandbox> {
  const web = new SandboxWeb();
  const emulator = await startEmulator({ port: config.sandboxPort, host: config.host, extend: web.register });
  web.observe(emulator);
  // The emulator forgets everything on restart, so the bot starts from a clean sandbox folder too.
  const dataDir = join(config.dataDir, 'sandbox');
  await rm(dataDir, { recursive: true, force: true });
  const clientId = `local.${randomBytes(6).toString('hex')}.${randomBytes(4).toString('hex')}`;
  const clientSecret = randomBytes(24).toString('base64url');
  const runtime = createRuntime({
    dataDir,
    eventsUrl: null,
    clientId,
    clientSecret,
    oauthUrl: emulator.origin,
    defaultLang: config.botLang,
    logLevel: config.logLevel,
    // The bot's "today" follows the portal's clock, so moving it forward shows what schedules do.
    now: () => new Date(emulator.clock.now()),
    // Announcements when access windows open and reminders before they close, on the portal's clock;
    // and the membership sync, every 5 minutes of that clock (moving it an hour runs a pass at once).
    schedule: true,
  });
  const botUrl = await runtime.app.listen({ port: config.port, host: config.host });
  runtime.bot.setEventsUrl(`${botUrl}/bitrix/events`);
  await runtime.start();
  const scheduler = runtime.scheduler;

  const seedCompany = async (): Promise<Company> => {
    const portal = emulator.createPortal({ slug: PORTAL_SLUG, language: config.botLang });
    const demo = portal.seedDemo();
    const installed = await portal.installApp({
      clientId,
      clientSecret,
      installUrl: `${botUrl}/bitrix/install`,
      handlerUrl: `${botUrl}/bitrix/events`,
      scope: SANDBOX_SCOPES,
      installerId: demo.admin,
    });
    const data = await runtime.store.get(installed.memberId);
    const botId = data?.installation.botId;
    if (!botId) throw new Error('The bot did not register itself on the sandbox portal; see the log above');
    // The two training managers are moderators from the start, as if Alice had named them with /moderator add.
    await runtime.store.update(installed.memberId, (d) => {
      d.moderators = [...new Set([...d.moderators, ...demo.moderators])];
    });
    // The demo company placed into the default training groups by the default rules, with training
    // started, as Alice would do it (issue 10, item 7): moving the clock then shows reminders arrive.
    const alice = portal.as(demo.admin);
    await alice.send(String(botId), '/training rules apply');
    await portal.flush();
    await runtime.bot.idle();
    const groups = (await runtime.store.get(installed.memberId))?.groups ?? [];
    for (const g of groups.filter((x) => x.training && x.members.length > 0)) {
      await alice.send(String(botId), `/training start #${g.id}`);
      await portal.flush();
      await runtime.bot.idle();
    }
    return { portal, demo, memberId: installed.memberId, botId };
  };

  let company = await seedCompany();
  const settle = async () => {
    await company.portal.flush();
    await runtime.idle();
  };

  const sandbox: Sandbox = {
    emulator,
    get portal() {
      return company.portal;
    },
    get demo() {
      return company.demo;
    },
    get memberId() {
      return company.memberId;
    },
    get botId() {
      return company.botId;
    },
    runtime,
    botUrl,
    webUrl: `${emulator.origin}/`,
    web,
    async reset() {
      await settle();
      const old = company.memberId;
      web.resetStarting();
      emulator.reset();
      await runtime.store.delete(old);
      company = await seedCompany();
      web.resetDone();
    },
    async close() {
      await runtime.close();
      await emulator.close();
    },
  };
  web.attach({
    emulator,
    get portal() {
      return company.portal;
    },
    get demo() {
      return company.demo;
    },
    get botId() {
      return company.botId;
    },
    async moderators() {
      return (await runtime.store.get(company.memberId))?.moderators ?? [];
    },
    reset: () => sandbox.reset(),
    async advanceClock(ms) {
      emulator.clock.advance(ms);
      // Whatever fell due in the skipped time happens now, not at the next minute's tick.
      await scheduler.tick(company.memberId);
      await settle();
    },
    async syncMembers() {
      // What the control did in the portal stands either way; a failed read is only logged.
      await scheduler
        .syncMembers(company.memberId)
        .catch((e: unknown) => runtime.log.warn({ err: describe(e) }, 'sandbox: membership sync failed'));
      await settle();
    },
  });
  return sandbox;
}
