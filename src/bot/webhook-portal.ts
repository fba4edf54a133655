// One-portal mode: the bot runs for one portal through an inbound webhook and its own botToken, with no application.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { PRIVATE_DIR, writePrivateAtomic } from '../store/files.js';
import { emptyPortal, type Installation, type PortalStore } from '../store/types.js';
import type { Bot } from './bot.js';
import type { Intake } from './intake.js';
import type { Logger } from './logger.js';
import { parseForm } from './form.js';
import { BODY_LIMIT, isJson, rawBodies, rawEnvelope, receiveEvent, type VerifiedIntakeDeps } from './receiver.js';

/** Where a one-portal bot receives events when PUBLIC_URL is set too (webhook mode). */
export const ONE_PORTAL_EVENTS_PATH = '/bitrix/portal-events';

/** The file under DATA_DIR that keeps a generated bot token. */
export const BOT_TOKEN_FILE = 'bot-token';

const TOKEN_RE = /^[A-Za-z0-9_-]{16,40}$/;

export interface InboundWebhook {
  /** `https://acme.bitrix24.com/rest/1/abc123` (no trailing slash): the base every method is appended to. */
  url: string;
  /** The webhook owner's user id: every call runs as this person. */
  userId: number;
  /** Portal host, shown as the installation's domain. */
  domain: string;
  /** REST base without the webhook's secret, safe to store. */
  restBase: string;
  /**
   * The tenant key: a webhook has no application context to read member_id from (`app.info` needs
   * one), so it is derived from the portal's address. Not from the owner: a new webhook of another
   * person for the same portal keeps the same data (and, with the same botToken, the same bot).
   */
  memberId: string;
}

export function parseInboundWebhook(raw: string): InboundWebhook {
  const url = raw.trim().replace(/\/+$/, '');
  const u = new URL(url);
  const m = /^(.*)\/rest\/(\d+)\/([^/]+)$/.exec(u.pathname);
  if (!m) throw new Error('B24_WEBHOOK_URL must look like https://your.bitrix24.com/rest/1/abcdef123456/');
  const prefix = m[1] ?? '';
  return {
    url,
    userId: Number(m[2]),
    domain: u.host,
    restBase: `${u.origin}${prefix}/rest`,
    memberId: `webhook:${u.host}${prefix}`,
  };
}

/** The portal's synthetic application token for a webhook-owned bot: 'custom' + botToken, cut to 50 (bot doc 5.3). */
export function webhookApplicationToken(botToken: string): string {
  return `custom${botToken}`.slice(0, 50);
}

/**
 * B24_BOT_TOKEN, or the one generated on an earlier start, or a new one (32 random hex characters)
 * saved under DATA_DIR. Losing it means losing the bot: only its token may update or re-register it.
 */
export async function loadBotToken(dataDir: string, configured: string | undefined, log: Logger): Promise<string> {
  if (configured) return configured;
  const file = join(dataDir, BOT_TOKEN_FILE);
  const saved = await readFile(file, 'utf8').then(
    (t) => t.trim(),
    () => '',
  );
  if (saved) {
    if (!TOKEN_RE.test(saved)) throw new Error(`${file} does not hold a valid bot token (16 to 40 characters: letters, digits, - or _)`);
    return saved;
  }
  const token = randomBytes(16).toString('hex');
  await mkdir(dataDir, { recursive: true, mode: PRIVATE_DIR });
  await writePrivateAtomic(file, `${token}\n`);
  log.warn({ file }, 'generated a bot token and saved it; keep this file (or set B24_BOT_TOKEN to its content): it owns the bot');
  return token;
}

/**
 * Creates or refreshes the installation record of the webhook's portal. The webhook URL (a secret) is
 * not stored: it comes from the configuration on every start. Registration sets bot, mode and offset.
 */
export async function ensureWebhookInstallation(
  store: PortalStore,
  hook: InboundWebhook,
  opts: { language: string; now: Date; eventsUrl: string | null },
): Promise<Installation> {
  const existing = await store.get(hook.memberId);
  const nowIso = opts.now.toISOString();
  const prev = existing?.installation;
  const installation: Installation = {
    memberId: hook.memberId,
    domain: hook.domain,
    clientEndpoint: hook.restBase,
    serverEndpoint: '',
    // Not stored: a secret. The one-portal receiver keeps only the hash of the one it learnt (pinnedToken).
    applicationToken: '',
    ...(prev?.pinnedToken ? { pinnedToken: prev.pinnedToken } : {}),
    accessToken: '',
    refreshToken: '',
    expires: 0,
    scope: '',
    installerId: hook.userId,
    language: prev?.language ?? opts.language,
    auth: 'webhook',
    botId: prev?.botId ?? null,
    botCode: prev?.botCode ?? '',
    commandIds: prev?.commandIds ?? {},
    eventMode: prev?.eventMode ?? (opts.eventsUrl ? 'webhook' : 'fetch'),
    webhookUrl: prev?.webhookUrl ?? null,
    status: 'active',
    installedAt: prev?.installedAt ?? nowIso,
    updatedAt: nowIso,
  };
  if (existing) await store.update(hook.memberId, (d) => void (d.installation = installation));
  else await store.put(emptyPortal(installation));
  return installation;
}

/** What the first event must show before its application token is pinned. */
export interface EventProof {
  /** Our bot's id (null: not registered yet, nothing can prove itself). */
  botId: number | null;
  botToken: string | null;
  /**
   * Asks our portal, at the address from B24_WEBHOOK_URL (never one an event names), whether an
   * access token the event carries is one the portal issued to our bot's owner (imbot.v2.Bot.get).
   */
  confirmBot?: (accessToken: string, botId: number) => Promise<boolean>;
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest();

function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(sha256(a), sha256(b));
}

const botBlockSchema = z.object({
  id: z.coerce.number().int(),
  auth: z.object({ access_token: z.string().min(1), application_token: z.string().optional() }).partial().nullish(),
});

/** data[bot] of an event body (form or JSON), or null when it has none. */
function eventBot(type: 'form' | 'json', raw: string): z.infer<typeof botBlockSchema> | null {
  let body: unknown;
  try {
    body = type === 'form' ? parseForm(raw) : JSON.parse(raw);
  } catch {
    return null;
  }
  const bot = (body as { data?: { bot?: unknown } } | null)?.data?.bot;
  const parsed = botBlockSchema.safeParse(bot);
  return parsed.success ? parsed.data : null;
}

/**
 * Does an event prove it comes from our portal, for our bot? The docs say only that a
 * webhook-authorised bot has its own synthetic application token, not its value. Proof is either
 * (1) it names our bot and its token is the one derived from our secret botToken ('custom' +
 * botToken, what portals are seen to send), or (2) it names our bot and carries an access token
 * that our portal confirms belongs to the bot's owner, with the same application token. The bot id
 * alone proves nothing: it is no secret.
 */
export async function eventProvesItself(type: 'form' | 'json', raw: string, applicationToken: string, proof: EventProof): Promise<boolean> {
  if (!proof.botId || !proof.botToken || !applicationToken) return false;
  const bot = eventBot(type, raw);
  if (!bot || bot.id !== proof.botId) return false;
  if (sameSecret(applicationToken, webhookApplicationToken(proof.botToken))) return true;
  const access = bot.auth?.access_token;
  if (!access || !proof.confirmBot || bot.auth?.application_token === undefined) return false;
  if (!sameSecret(bot.auth.application_token, applicationToken)) return false;
  return proof.confirmBot(access, proof.botId).catch(() => false);
}

/**
 * Webhook mode for the one portal (PUBLIC_URL set): the portal POSTs with its own member_id, which a
 * webhook cannot learn beforehand, so events are filed under our derived portal key and checked
 * against the bot's synthetic application token. That token is learnt from the first event that
 * proves itself (eventProvesItself) and pinned, as a hash, for that bot; until then, and for any
 * event that proves nothing, the answer is 401 and nothing is pinned.
 */
export function registerOnePortalReceiver(
  app: FastifyInstance,
  deps: {
    bot: Bot;
    store: PortalStore;
    intake: Intake;
    memberId: string;
    botToken: () => string | null;
    confirmBot?: EventProof['confirmBot'];
    log?: Logger;
  },
): void {
  /** The pinned token's hash, if it is for the bot we have now. */
  const pinOf = (inst: Installation) => (inst.pinnedToken && inst.pinnedToken.botId === inst.botId ? inst.pinnedToken.sha256 : null);

  /** Pins the token of a first event that proves itself; anything else leaves the store alone. */
  async function learn(type: 'form' | 'json', raw: string): Promise<void> {
    const data = await deps.store.get(deps.memberId);
    if (!data || pinOf(data.installation)) return;
    const f = rawEnvelope(type, raw);
    if (!f || !f.applicationToken) return;
    const botId = data.installation.botId;
    const proof: EventProof = { botId, botToken: deps.botToken(), ...(deps.confirmBot ? { confirmBot: deps.confirmBot } : {}) };
    if (!(await eventProvesItself(type, raw, f.applicationToken, proof))) {
      deps.log?.warn({ event: f.event.slice(0, 64) }, 'an event did not prove itself; its application token is not pinned');
      return;
    }
    const hash = sha256(f.applicationToken).toString('hex');
    await deps.store.update(deps.memberId, (d) => {
      if (d.installation.botId === botId && !pinOf(d.installation)) d.installation.pinnedToken = { sha256: hash, botId: botId! };
    });
    deps.log?.info({ botId, derived: sameSecret(f.applicationToken, webhookApplicationToken(deps.botToken() ?? '')) }, 'pinned the portal\'s application token for the bot');
  }

  void app.register(async (child) => {
    await rawBodies(child);
    const verified: VerifiedIntakeDeps = {
      intake: deps.intake,
      now: () => deps.bot.now(),
      keyOf: () => deps.memberId,
      trust: async () => {
        const data = await deps.store.get(deps.memberId);
        const pin = data ? pinOf(data.installation) : null;
        return data && pin
          ? { applicationToken: '', applicationTokenSha256: pin, uninstalled: data.installation.status === 'uninstalled' }
          : undefined;
      },
    };
    child.post(ONE_PORTAL_EVENTS_PATH, { bodyLimit: BODY_LIMIT }, async (req, reply) => {
      await learn(isJson(req.headers['content-type']) ? 'json' : 'form', typeof req.body === 'string' ? req.body : '');
      return receiveEvent(verified, req, reply);
    });
  });
}
