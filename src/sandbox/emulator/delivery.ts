// Sends events out of the portal: webhook POSTs (PHP form bodies, in order) or rows in a fetch-mode bot's queue.
import { bareAuthBlock, eventAuthBlock, randomHex } from './oauth.js';
import { formatBotOwner } from './format.js';
import { httpBuildQuery } from './php.js';
import type { Portal } from './portal.js';
import type { BotRecord } from './types.js';

/** What the portal has to say to one bot. */
export interface BotEventSpec {
  type: string;
  /** Event data without `bot`, in native JSON types. */
  data: Record<string, unknown>;
  /** The human whose fresh tokens go into the top-level `auth`, or null when nobody can be named. */
  actorId: number | null;
  /** `refresh_token` in the top-level auth (not for JOINCHAT and DELETE). */
  withRefresh: boolean;
}

export type DeliveryStatus = number | 'queued' | 'paused' | 'lost';

export interface DeliveryOutcome {
  event: string;
  botId?: number;
  mode: 'fetch' | 'webhook' | 'app';
  url?: string;
  /** HTTP status of the receiver (0: network error or timeout), or what happened instead. */
  httpStatus: DeliveryStatus;
  eventId?: number;
}

export interface EventLogEntry extends DeliveryOutcome {
  /** When the receiver answered (or the event was queued). */
  at: number;
  /** When the webhook POST started: the receiver may have called REST before it answered. */
  sentAt?: number;
  /** The envelope with tokens masked as '***'. */
  body: Record<string, unknown>;
  duplicate?: boolean;
}

const SECRET_KEYS = new Set(['access_token', 'refresh_token', 'application_token']);

export function maskSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskSecrets);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, SECRET_KEYS.has(k) && typeof v === 'string' ? '***' : maskSecrets(v)]),
    );
  }
  return value;
}

/** Test switches for unreliable delivery: drop or repeat the next N webhook POSTs. */
export interface DeliveryFaults {
  lose?: number;
  duplicate?: number;
}

export class EventDelivery {
  private chain: Promise<unknown> = Promise.resolve();
  private paused: Array<() => void> = [];
  private lose = 0;
  private duplicate = 0;

  constructor(private readonly portal: Portal) {}

  setFaults(faults: DeliveryFaults): void {
    this.lose = Math.max(0, Math.trunc(faults.lose ?? 0));
    this.duplicate = Math.max(0, Math.trunc(faults.duplicate ?? 0));
  }

  /** Resolves when every POST started so far has been answered. */
  async settle(): Promise<void> {
    let seen: Promise<unknown> | undefined;
    while (seen !== this.chain) {
      seen = this.chain;
      await seen;
    }
  }

  /** Back online: POSTs held during the outage go out, in order. */
  resume(): Promise<void> {
    const held = this.paused;
    this.paused = [];
    for (const release of held) release();
    return this.settle();
  }

  /** Hands one event to one bot according to its current event mode. */
  emitToBot(bot: BotRecord, spec: BotEventSpec): Promise<DeliveryOutcome> {
    return bot.eventMode === 'fetch' ? Promise.resolve(this.enqueue(bot, spec)) : this.sendWebhook(bot, spec);
  }

  /** A form POST outside the bot platform (ONAPPINSTALL, ONAPPUNINSTALL). */
  postAppEvent(url: string, envelope: Record<string, unknown>): Promise<DeliveryOutcome> {
    return this.schedule(url, envelope, { event: String(envelope.event), mode: 'app', url, httpStatus: 0 });
  }

  private enqueue(bot: BotRecord, spec: BotEventSpec): DeliveryOutcome {
    const state = this.portal.state;
    const eventId = state.nextId('event');
    const data = { bot: formatBotOwner(bot, state), ...spec.data };
    state.queue.push({ eventId, botId: bot.id, type: spec.type, date: this.portal.now(), data });
    const outcome: DeliveryOutcome = { event: spec.type, botId: bot.id, mode: 'fetch', httpStatus: 'queued', eventId };
    this.log(outcome, { eventId, type: spec.type, data });
    return outcome;
  }

  private sendWebhook(bot: BotRecord, spec: BotEventSpec): Promise<DeliveryOutcome> {
    const state = this.portal.state;
    const subscription = [...state.botSubscriptions.values()].find((s) => s.botId === bot.id && s.event === spec.type);
    if (!subscription) return Promise.resolve({ event: spec.type, botId: bot.id, mode: 'webhook', httpStatus: 'lost' });
    const envelope: Record<string, unknown> = {
      event: spec.type,
      event_handler_id: subscription.id,
      data: { bot: this.botBlock(bot), ...spec.data },
      ts: this.portal.clock.nowSec(),
      auth: this.topAuth(bot, spec),
    };
    const base: DeliveryOutcome = { event: spec.type, botId: bot.id, mode: 'webhook', url: subscription.handler, httpStatus: 0 };
    return this.schedule(subscription.handler, envelope, base);
  }

  private botBlock(bot: BotRecord): Record<string, unknown> {
    const block: Record<string, unknown> = { id: bot.id, code: bot.code };
    const installation = this.portal.state.installations.get(bot.ownerKey);
    // Webhook-authorized bots get no OAuth tokens [unconfirmed]; app bots get a token set for the bot user.
    if (installation?.installed) block.auth = this.portal.issueAuthBlock(installation, bot.id, true);
    else if (!installation && this.portal.webhookBotTokens === 'opaque') block.auth = this.syntheticAuth(bot);
    return block;
  }

  /** Opaque mode: the bot's own synthetic application, with a token set for the bot user. */
  private syntheticAuth(bot: BotRecord): Record<string, string> {
    const state = this.portal.state;
    const token = this.portal.host.tokens.issue(state.identity.slug, bot.ownerKey, bot.id, this.portal.host.tokenTtlSec, this.portal.now());
    return {
      access_token: token.accessToken,
      expires: String(Math.floor(token.expiresAt / 1000)),
      expires_in: String(this.portal.host.tokenTtlSec),
      scope: 'imbot',
      ...bareAuthBlock(state.identity, this.portal.endpoints(), this.syntheticToken(bot)),
      user_id: String(bot.id),
      refresh_token: token.refreshToken,
    };
  }

  private syntheticToken(bot: BotRecord): string {
    if (this.portal.webhookBotTokens === 'derived') return bot.ownerKey.slice(0, 50);
    bot.syntheticToken ??= randomHex(16);
    return bot.syntheticToken;
  }

  private topAuth(bot: BotRecord, spec: BotEventSpec): Record<string, string> {
    const installation = this.portal.state.installations.get(bot.ownerKey);
    if (!installation) {
      // [source] the synthetic application token of a webhook-owned bot: 'custom' + botToken, cut to 50
      // (or, in opaque mode, a random one: see Portal.webhookBotTokens).
      return bareAuthBlock(this.portal.state.identity, this.portal.endpoints(), this.syntheticToken(bot));
    }
    if (installation.installed && spec.actorId !== null && this.portal.state.isHuman(spec.actorId)) {
      return this.portal.issueAuthBlock(installation, spec.actorId, spec.withRefresh);
    }
    return bareAuthBlock(this.portal.state.identity, this.portal.endpoints(), installation.applicationToken);
  }

  private schedule(url: string, envelope: Record<string, unknown>, base: DeliveryOutcome): Promise<DeliveryOutcome> {
    const body = httpBuildQuery(envelope);
    const masked = maskSecrets(envelope) as Record<string, unknown>;
    const send = async (): Promise<DeliveryOutcome> => {
      if (this.lose > 0) {
        this.lose -= 1;
        const lost = { ...base, httpStatus: 'lost' as const };
        this.log(lost, masked);
        return lost;
      }
      const sentAt = this.portal.now();
      const status = await this.post(url, body);
      const outcome = { ...base, httpStatus: status };
      this.log(outcome, masked, false, sentAt);
      if (this.duplicate > 0) {
        this.duplicate -= 1;
        const again = await this.post(url, body);
        this.log({ ...base, httpStatus: again }, masked, true);
      }
      return outcome;
    };
    if (!this.portal.online) {
      // Outage: the POST waits until the portal is back; the caller is not kept waiting.
      const held = new Promise<void>((release) => this.paused.push(release));
      this.chain = this.chain.then(() => held).then(send);
      const outcome = { ...base, httpStatus: 'paused' as const };
      return Promise.resolve(outcome);
    }
    const run = this.chain.then(send);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async post(url: string, body: string): Promise<number> {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
        signal: AbortSignal.timeout(this.portal.host.webhookTimeoutMs),
      });
      await response.arrayBuffer();
      return response.status;
    } catch {
      return 0;
    }
  }

  private log(outcome: DeliveryOutcome, body: Record<string, unknown>, duplicate = false, sentAt?: number): void {
    const entry: EventLogEntry = { ...outcome, at: this.portal.now(), body };
    if (sentAt !== undefined) entry.sentAt = sentAt;
    if (duplicate) entry.duplicate = true;
    this.portal.recordEvent(entry);
  }
}
