// Wires config → store → portal gateway → bot → fastify app. Used by main.ts, the tests and the sandbox.
import type { FastifyInstance } from 'fastify';
import { buildApp, loggerOptions } from './app.js';
import { Bot } from './bot/bot.js';
import type { Logger } from './bot/logger.js';
import { PortalGateway } from './bot/portal.js';
import type { HandlerRegistry } from './bot/router.js';
import { registry as defaultRegistry } from './handlers/index.js';
import type { Lang } from './i18n/index.js';
import { FilePortalStore } from './store/file.js';
import type { PortalStore } from './store/types.js';

export interface RuntimeOptions {
  dataDir: string;
  store?: PortalStore;
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
}

export interface Runtime {
  app: FastifyInstance;
  bot: Bot;
  store: PortalStore;
  gateway: PortalGateway;
  log: Logger;
  close(): Promise<void>;
}

export function createRuntime(o: RuntimeOptions): Runtime {
  const store = o.store ?? new FilePortalStore(o.dataDir);
  // The app's pino logger (with token redaction) is shared by the bot's own log lines.
  let log: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
  const logProxy: Logger = {
    debug: (obj, msg) => log.debug(obj, msg),
    info: (obj, msg) => log.info(obj, msg),
    warn: (obj, msg) => log.warn(obj, msg),
    error: (obj, msg) => log.error(obj, msg),
  };
  const gateway = new PortalGateway({
    store,
    log: logProxy,
    clientId: o.clientId,
    clientSecret: o.clientSecret,
    oauthUrl: o.oauthUrl,
    ...(o.rateLimit ? { rateLimit: o.rateLimit } : {}),
    ...(o.retryBudgetMs !== undefined ? { retryBudgetMs: o.retryBudgetMs } : {}),
  });
  const bot = new Bot({
    store,
    gateway,
    registry: o.registry ?? defaultRegistry,
    log: logProxy,
    eventsUrl: o.eventsUrl,
    defaultLang: o.defaultLang,
    ...(o.now ? { now: o.now } : {}),
  });
  const app = buildApp({ bot, store, logger: loggerOptions(o.logLevel) });
  log = app.log as unknown as Logger;
  return {
    app,
    bot,
    store,
    gateway,
    log: logProxy,
    async close() {
      await app.close();
      await bot.idle();
    },
  };
}
