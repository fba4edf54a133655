// buildApp(deps): the fastify instance with the bot's routes; it never listens (tests inject, main.ts listens).
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Bot } from './bot/bot.js';
import { REDACT_PATHS } from './bot/logger.js';
import { BODY_LIMIT, registerBodyParsers, registerReceiver } from './bot/receiver.js';
import type { Intake } from './bot/intake.js';
import type { PortalStore } from './store/types.js';

export interface AppDeps {
  bot: Bot;
  store: PortalStore;
  intake: Intake;
  logger?: FastifyServerOptions['logger'];
}

export function loggerOptions(level: string): FastifyServerOptions['logger'] {
  return level === 'silent' ? false : { level, redact: { paths: REDACT_PATHS, censor: '***' } };
}

export function buildApp(deps: AppDeps): FastifyInstance {
  const app = Fastify({
    logger: deps.logger ?? false,
    // No "incoming request"/"request completed" pair per event at info: at a portal's event rate that
    // is most of the log and a good part of the intake's time. Refusals, failures and the bot's own
    // lines are logged where they happen (receiver.ts, the error handler below).
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT,
    // Bodies with __proto__ / constructor.prototype keys are refused (400) rather than merged.
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
  });
  registerBodyParsers(app);

  app.setErrorHandler((err: { statusCode?: number; code?: string; message: string }, req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) req.log.error({ code: err.code }, 'request failed');
    void reply.code(status).send({ error: status === 413 ? 'body too large' : status === 500 ? 'internal error' : 'bad request' });
  });

  app.get('/health', async () => ({ status: 'ok' }));
  registerReceiver(app, { bot: deps.bot, store: deps.store, intake: deps.intake });
  return app;
}
