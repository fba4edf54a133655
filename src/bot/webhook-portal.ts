// One-portal mode: the bot runs for one portal through an inbound webhook and its own botToken, with no application.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { PRIVATE_DIR, writePrivateAtomic } from '../store/files.js';
import { emptyPortal, type Installation, type PortalStore } from '../store/types.js';
import type { Bot } from './bot.js';
import type { Intake } from './intake.js';
import type { Logger } from './logger.js';
import { BODY_LIMIT, rawBodies, receiveEvent, type VerifiedIntakeDeps } from './receiver.js';

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
    // Not stored: it is 'custom' + botToken, a secret; the one-portal receiver derives it in memory.
    applicationToken: '',
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

/**
 * Webhook mode for the one portal (PUBLIC_URL set): the portal POSTs with its own member_id, which a
 * webhook cannot learn beforehand, so events are checked against the bot's synthetic application
 * token alone and filed under our derived portal key. Otherwise the same as the main receiver.
 */
export function registerOnePortalReceiver(
  app: FastifyInstance,
  deps: { bot: Bot; store: PortalStore; intake: Intake; memberId: string; botToken: () => string | null },
): void {
  void app.register(async (child) => {
    await rawBodies(child);
    const verified: VerifiedIntakeDeps = {
      intake: deps.intake,
      now: () => deps.bot.now(),
      keyOf: () => deps.memberId,
      trust: async () => {
        const data = await deps.store.get(deps.memberId);
        const token = deps.botToken();
        return data && token ? { applicationToken: webhookApplicationToken(token), uninstalled: data.installation.status === 'uninstalled' } : undefined;
      },
    };
    child.post(ONE_PORTAL_EVENTS_PATH, { bodyLimit: BODY_LIMIT }, (req, reply) => receiveEvent(verified, req, reply));
  });
}
