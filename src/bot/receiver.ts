// HTTP intake: parse → verify → acknowledge → hand the event on. Knows no commands.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { InstallError, type Bot } from './bot.js';
import { installSchema } from './events.js';
import { FormError, envelopeFields, parseForm, type EnvelopeFields } from './form.js';
import { IntakeUnavailable, type Intake } from './intake.js';
import { checkEventTime, verifyApplicationToken, type TrustedInstallation } from './verify.js';
import type { PortalStore } from '../store/types.js';

export const BODY_LIMIT = 1024 * 1024;

export interface ReceiverDeps {
  bot: Bot;
  store: PortalStore;
  intake: Intake;
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

/** The four fields verification needs, from a raw body (form or JSON), without parsing the rest of a form. */
export function rawEnvelope(type: 'form' | 'json', raw: string): EnvelopeFields | null {
  if (type === 'form') return envelopeFields(raw);
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    return null;
  }
  if (v === null || typeof v !== 'object') return null;
  const body = v as { event?: unknown; ts?: unknown; auth?: { member_id?: unknown; application_token?: unknown } | null };
  const text = (x: unknown) => (typeof x === 'string' ? x : typeof x === 'number' ? String(x) : '');
  return {
    event: text(body.event),
    ts: text(body.ts),
    memberId: typeof body.auth?.member_id === 'string' ? body.auth.member_id : '',
    applicationToken: typeof body.auth?.application_token === 'string' ? body.auth.application_token : '',
  };
}

/** The envelope is there and within bounds (the rest is checked when the event is handled). */
function envelopeOk(f: EnvelopeFields | null): f is EnvelopeFields {
  return (
    f !== null &&
    f.event.length > 0 && f.event.length <= 64 &&
    f.memberId.length > 0 && f.memberId.length <= 64 &&
    f.applicationToken.length > 0 && f.applicationToken.length <= 128
  );
}

export interface VerifiedIntakeDeps {
  intake: Intake;
  now: () => Date;
  /** The stored trust for the member_id an event names (undefined: not a portal of ours). */
  trust: (memberId: string) => Promise<TrustedInstallation | undefined>;
  /** The portal key the event is filed under (one-portal mode has its own). */
  keyOf?: (memberId: string) => string;
}

/**
 * Verify, keep, acknowledge: only the envelope is read before the answer (member_id, application
 * token, event, ts); the event is parsed whole when it is handled from the inbox. 401 for a request
 * that is not the portal's, 400 for a stale or shapeless one, 503 when it could not be kept.
 */
export async function receiveEvent(deps: VerifiedIntakeDeps, req: FastifyRequest, reply: FastifyReply) {
  const raw = typeof req.body === 'string' ? req.body : '';
  const type = isJson(req.headers['content-type']) ? 'json' : 'form';
  const f = rawEnvelope(type, raw);
  // No event carries a raw NUL (a form encodes it, JSON cannot hold one); the inbox ends its records at one.
  if (!envelopeOk(f) || raw.includes('\u0000')) return bad(reply, 400, 'malformed event');
  const verdict = verifyApplicationToken(f.applicationToken, await deps.trust(f.memberId));
  if (!verdict.ok) {
    req.log.warn({ memberId: f.memberId.slice(0, 64), reason: verdict.reason }, 'event refused');
    return bad(reply, 401, 'unverified');
  }
  const fresh = checkEventTime(f.ts, deps.now());
  if (!fresh.ok) {
    req.log.warn({ memberId: f.memberId, event: f.event, reason: fresh.reason, ts: f.ts.slice(0, 20) }, 'event refused: not fresh');
    return bad(reply, 400, 'stale event');
  }
  try {
    await deps.intake.accept(deps.keyOf ? deps.keyOf(f.memberId) : f.memberId, type, raw);
  } catch (e) {
    if (e instanceof IntakeUnavailable) return reply.code(503).send({ error: 'the event could not be kept; see the log' });
    throw e;
  }
  return reply.code(200).send({ status: 'ok' });
}

export function isJson(contentType: string | undefined): boolean {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase() === 'application/json';
}

/** A plugin context whose form and JSON bodies reach the route as the raw string, for the intake to keep. */
export async function rawBodies(app: FastifyInstance): Promise<void> {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(['application/x-www-form-urlencoded', 'application/json'], { parseAs: 'string', bodyLimit: BODY_LIMIT }, (_req, body, done) =>
    done(null, body),
  );
}

export function registerReceiver(app: FastifyInstance, deps: ReceiverDeps): void {
  const { bot, store, intake } = deps;

  void app.register(async (child) => {
    await rawBodies(child);
    const verified: VerifiedIntakeDeps = {
      intake,
      now: () => bot.now(),
      trust: async (memberId) => {
        const data = await store.get(memberId);
        return data ? { applicationToken: data.installation.applicationToken, uninstalled: data.installation.status === 'uninstalled' } : undefined;
      },
    };
    child.post('/bitrix/events', { bodyLimit: BODY_LIMIT }, (req, reply) => receiveEvent(verified, req, reply));
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
