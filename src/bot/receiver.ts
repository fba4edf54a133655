// HTTP intake: parse → verify → acknowledge → hand the event on. Knows no commands.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { InstallError, type Bot } from './bot.js';
import { EventShapeError, envelopeSchema, installSchema, normalizeEvent, authSchema } from './events.js';
import { FormError, parseForm } from './form.js';
import { checkEventTime, verifyApplicationToken } from './verify.js';
import type { PortalStore } from '../store/types.js';

export const BODY_LIMIT = 1024 * 1024;

export interface ReceiverDeps {
  bot: Bot;
  store: PortalStore;
}

/** Form bodies (what Bitrix24 sends) and JSON alike; a parse failure is a 400, never a 500. */
export function registerBodyParsers(app: FastifyInstance): void {
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: BODY_LIMIT },
    (_req, body, done) => {
      try {
        done(null, parseForm(body as string));
      } catch (e) {
        const err = e instanceof FormError ? e : new FormError('unreadable form body');
        done(Object.assign(err, { statusCode: 400 }), undefined);
      }
    },
  );
}

function bad(reply: FastifyReply, status: 400 | 401, error: string) {
  return reply.code(status).send({ error });
}

export function registerReceiver(app: FastifyInstance, deps: ReceiverDeps): void {
  const { bot, store } = deps;

  app.post('/bitrix/events', { bodyLimit: BODY_LIMIT }, async (req, reply) => {
    const env = envelopeSchema.safeParse(req.body);
    if (!env.success) return bad(reply, 400, 'malformed event');
    const memberId = env.data.auth.member_id;
    const data = await store.get(memberId);
    const verdict = verifyApplicationToken(
      env.data.auth.application_token,
      data ? { applicationToken: data.installation.applicationToken, uninstalled: data.installation.status === 'uninstalled' } : undefined,
    );
    if (!verdict.ok) {
      req.log.warn({ memberId: memberId.slice(0, 64), reason: verdict.reason }, 'event refused');
      return bad(reply, 401, 'unverified');
    }
    const body = req.body as { data?: unknown; ts?: unknown };
    const fresh = checkEventTime(body.ts, bot.now());
    if (!fresh.ok) {
      req.log.warn({ memberId, event: env.data.event.slice(0, 64), reason: fresh.reason, ts: String(body.ts ?? '').slice(0, 20) }, 'event refused: not fresh');
      return bad(reply, 400, 'stale event');
    }
    const auth = authSchema.safeParse(env.data.auth);
    let event;
    try {
      event = normalizeEvent(env.data.event, body.data, memberId, auth.success ? auth.data : undefined);
    } catch (e) {
      if (e instanceof EventShapeError) return bad(reply, 400, 'malformed event');
      throw e;
    }
    bot.enqueue(event);
    return reply.code(200).send({ status: 'ok' });
  });

  app.post('/bitrix/install', { bodyLimit: BODY_LIMIT }, async (req, reply) => {
    const parsed = installSchema.safeParse(req.body);
    if (!parsed.success) return bad(reply, 400, 'malformed install request');
    // An install names its time like any event; an old one replayed is refused (one without `ts` is let
    // through: the install request is confirmed with the OAuth server anyway).
    const ts = (req.body as { ts?: unknown }).ts;
    if (ts !== undefined && !checkEventTime(ts, bot.now()).ok) {
      req.log.warn({ memberId: parsed.data.auth.member_id.slice(0, 64) }, 'install refused: not fresh');
      return bad(reply, 400, 'stale event');
    }
    try {
      const inst = await bot.install(parsed.data);
      return reply.code(200).send({ status: 'installed', botId: inst.botId });
    } catch (e) {
      if (e instanceof InstallError && e.code === 'UNVERIFIED') return bad(reply, 401, 'unverified');
      if (e instanceof InstallError && e.code === 'OAUTH_UNAVAILABLE') {
        return reply.code(503).send({ error: 'the OAuth server could not be reached to confirm the installation; try again' });
      }
      req.log.error({ memberId: parsed.data.auth.member_id.slice(0, 64), code: e instanceof InstallError ? e.code : 'ERROR' }, 'install failed');
      return reply.code(502).send({ error: 'the portal refused the bot registration; see the log' });
    }
  });
}
