// The bot's one entry point: handleEvent(event) for the server, the fetch poller, the tests and the sandbox alike.
import { todayAtOffset } from '../domain/dates.js';
import { tokenize } from '../domain/args.js';
import { textProblem } from '../domain/text.js';
import type { Day, PendingInput } from '../domain/model.js';
import { pickLanguage, supportedLanguage, tFor, type Lang } from '../i18n/index.js';
import { KeyedMutex } from '../store/mutex.js';
import { PROCESSED_LIMIT, emptyPortal, type Installation, type PortalData, type PortalStore } from '../store/types.js';
import type { BotContext } from './context.js';
import type { BotEvent, InstallBody } from './events.js';
import { uploadBotFile } from './files.js';
import type { Logger } from './logger.js';
import { NetworkError, PortalError, isRateRefusal, type CallOptions, type ConfirmedInstall, type PortalGateway, type RestClient } from './portal.js';
import { registerBot } from './registration.js';
import { renderFields } from './render.js';
import { route, runRoute, type HandlerRegistry } from './router.js';
import { isPrivateDialog, messageUuid, sendBotMessage } from './send.js';

export interface BotDeps {
  store: PortalStore;
  gateway: PortalGateway;
  registry: HandlerRegistry;
  log: Logger;
  /** Where the portal should POST events; null → fetch mode. */
  eventsUrl: string | null;
  defaultLang: Lang;
  now?: () => Date;
  /** How long an "is admin" answer is trusted. */
  adminCacheMs?: number;
  /**
   * One-portal mode only (ADMIN_IDS): people the operator names as admins. Where no event brings the
   * caller's own token, the bot cannot ask Bitrix24 about them (bitrix24-api.md 15.3).
   */
  adminIds?: readonly number[];
  /** Told after every (re)registration, so the runtime can start or stop the portal's fetch poller. */
  onRegistered?: (inst: Installation) => void;
  /** A new employee on the portal (ONUSERADD): the training rules place them (src/handlers/training/newcomers.ts). */
  onUserAdded?: (memberId: string, userId: number) => Promise<void>;
}

/** What happened to one event: handled (or deliberately skipped), or worth fetching again later. */
export type EventOutcome = 'done' | 'retry';

export interface HandleOptions {
  /**
   * The event can be delivered again (fetch mode): a handler that failed because the portal could not
   * be reached, before it changed anything, is undone and reported as 'retry' instead of answered.
   */
  retryable?: boolean;
  /** The event's number in the portal's durable inbox: recorded with its `processed` key, in one write. */
  inboxSeq?: number;
}

/** Thrown inside dispatch when a retryable event should be fetched again. */
class RetryLater extends Error {}

/** Failures that say "the portal could not be reached or was busy", not "the portal said no". */
function isTransient(e: unknown): boolean {
  if (e instanceof NetworkError) return true;
  return isRateRefusal(e) || (e instanceof PortalError && e.status === 503);
}

export class InstallError extends Error {
  constructor(
    /**
     * UNVERIFIED: the OAuth server did not confirm the install (a forgery, or tokens of another app or
     * portal); OAUTH_UNAVAILABLE: it could not be asked just now; REGISTRATION_FAILED: the portal refused the bot.
     */
    readonly code: 'UNVERIFIED' | 'OAUTH_UNAVAILABLE' | 'REGISTRATION_FAILED',
    message: string,
  ) {
    super(message);
  }
}

export class Bot {
  private readonly queue = new KeyedMutex();
  private readonly adminCache = new Map<string, { value: boolean; at: number }>();
  readonly now: () => Date;

  constructor(readonly deps: BotDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /** The events URL is known only once the server listens (port 0 in tests and the sandbox). */
  setEventsUrl(url: string | null): void {
    this.deps.eventsUrl = url;
  }

  /** Runs `task` in the portal's event order (the intake hands inbox entries on this way). */
  enqueueTask(memberId: string, task: () => Promise<unknown>): void {
    void this.queue.run(memberId, task);
  }

  /** Resolves when every queued event has been handled (tests, graceful shutdown). */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  /** The fetch poller's way in: like enqueue (same per-portal order), but it waits and reports the outcome. */
  process(ev: BotEvent, opts: HandleOptions = {}): Promise<EventOutcome> {
    return this.queue.run(ev.memberId, () => this.handleEvent(ev, opts));
  }

  /** Runs one event to the end. Never throws: failures are logged and, where a person waits, answered. */
  async handleEvent(ev: BotEvent, opts: HandleOptions = {}): Promise<EventOutcome> {
    const { store, log } = this.deps;
    try {
      const data = await store.get(ev.memberId);
      if (!data) return 'done';
      if (ev.kind === 'uninstall') {
        await this.uninstall(ev.memberId, ev.clean);
        return 'done';
      }
      if (data.installation.status === 'uninstalled') return 'done';
      if (ev.kind === 'botDeleted') {
        if (ev.botId === data.installation.botId) {
          await store.update(ev.memberId, (d) => {
            d.installation.botId = null;
            d.installation.commandIds = {};
          });
          log.warn({ memberId: ev.memberId, botId: ev.botId }, 'our bot was deleted on the portal; reinstall to register it again');
        }
        return 'done';
      }
      if (ev.kind === 'ignored') return 'done';
      if (ev.kind === 'userAdded') {
        if (ev.dedupeKey && data.processed.includes(ev.dedupeKey)) return 'done';
        await this.deps.onUserAdded?.(ev.memberId, ev.userId);
        if (ev.dedupeKey) await store.update(ev.memberId, (d) => applyMarker(d, { key: ev.dedupeKey, seq: opts.inboxSeq, written: false }));
        return 'done';
      }
      // An event for some other bot of the same application is not ours to answer.
      if (data.installation.botId !== null && ev.botId !== data.installation.botId) return 'done';
      if (ev.dedupeKey && data.processed.includes(ev.dedupeKey)) return 'done';
      if (opts.inboxSeq !== undefined && (data.inboxDone ?? 0) >= opts.inboxSeq) return 'done';
      // "Handled" (the processed key, the inbox number) is written in the same write as the handler's
      // first change (see context().update), so a crash leaves both or neither: an event killed before
      // it changed anything runs again after the restart, one killed after is not run twice.
      const marker: Marker = { key: ev.dedupeKey, seq: opts.inboxSeq, written: false };
      await this.dispatch(ev, opts, marker);
      if (!marker.written && (marker.key || marker.seq !== undefined)) await store.update(ev.memberId, (d) => applyMarker(d, marker));
      return 'done';
    } catch (e) {
      if (e instanceof RetryLater) {
        log.warn({ memberId: ev.memberId, kind: ev.kind, err: describe(e.cause) }, 'portal unreachable: the event will be fetched again');
        return 'retry';
      }
      log.error({ memberId: ev.memberId, kind: ev.kind, err: describe(e) }, 'event handling failed');
      return 'done';
    }
  }

  private async dispatch(ev: Exclude<BotEvent, { kind: 'botDeleted' | 'uninstall' | 'ignored' | 'userAdded' }>, opts: HandleOptions, marker: Marker): Promise<void> {
    const { store, registry } = this.deps;
    let data = (await store.get(ev.memberId))!;
    if (ev.auth?.clientEndpoint && (await this.deps.gateway.relearnEndpoint(ev.memberId, ev.auth.clientEndpoint))) {
      data = (await store.get(ev.memberId))!;
    }
    const dialogId = this.dialogOf(ev, data);
    if (!dialogId) return;
    const userKey = String(ev.user.id);
    const known = data.users[userKey];
    const offset = ev.kind === 'message' || ev.kind === 'command' ? ev.utcOffset : undefined;
    const offsetMoved = offset !== undefined && offset !== data.installation.utcOffset;
    // An event's `language` is the portal's ("Язык Битрикс24", events page), never the person's: kept as
    // the installation's, so what the bot posts without an event (schedules, group chats) follows it too.
    const portalLang = supportedLanguage(ev.language);
    const langMoved = portalLang !== null && portalLang !== data.installation.language;
    if (!known || known.name !== ev.user.name || known.extranet !== ev.user.extranet || offsetMoved || langMoved) {
      data = await store.update(ev.memberId, (d) => {
        d.users[userKey] = { name: ev.user.name, extranet: ev.user.extranet };
        // The portal's offset from UTC: access windows and schedules follow the portal's calendar day.
        if (offsetMoved) d.installation.utcOffset = offset;
        if (langMoved) d.installation.language = portalLang;
        return d;
      });
    }
    const text = ev.kind === 'message' ? stripMention(ev.text, data.installation.botId) : '';
    const nowIso = this.now().toISOString();
    const mine = (p: PendingInput) => p.userId === ev.user.id && p.dialogId === dialogId;
    const live = data.pending.filter((p) => mine(p) && p.expiresAt > nowIso);
    const pending = ev.kind === 'message' ? live[0] ?? null : null;
    const r = route(ev, registry, pending, text);
    if (r.kind === 'none') return;
    // A question is answered once; typing something else, or any command (typed, from the menu or a
    // button), abandons it.
    const abandoned = ev.kind === 'message' || ev.kind === 'command' ? live : [];
    if (abandoned.length > 0) {
      await store.update(ev.memberId, (d) => {
        d.pending = livePending(d.pending.filter((p) => !mine(p)), nowIso);
      });
    }
    const params = r.kind === 'command' ? r.params : r.kind === 'pending' ? text : '';
    const effects = { touched: false, marker };
    const ctx = this.context(ev, data, dialogId, params, r.kind === 'pending' ? text : params, effects);
    // Half an emoji or a NUL cannot be stored or shown: the person is told, and nothing is done.
    const problem = textProblem(r.kind === 'pending' ? text : params);
    if (problem) {
      await ctx.reply(ctx.t(`common:error.text_${problem}`));
      return;
    }
    try {
      await runRoute(r, ctx, registry);
    } catch (e) {
      if (opts.retryable && isTransient(e) && !effects.touched) {
        // Nothing happened yet, so the whole event can run again later: forget that we saw it.
        if (abandoned.length > 0) {
          await store.update(ev.memberId, (d) => {
            if (!d.pending.some(mine)) d.pending = livePending([...d.pending, ...abandoned], nowIso);
          });
        }
        marker.written = true; // nothing to mark: the event is to be fetched again
        throw new RetryLater('portal unreachable', { cause: e });
      }
      this.deps.log.error({ memberId: ev.memberId, route: r.kind, err: describe(e) }, 'handler failed');
      // Honest about what happened: a handler that already changed something cannot say "nothing changed".
      const what = ctx.t(errorKey(e), { code: e instanceof PortalError ? e.code : '' });
      const after = errorKey(e) === 'common:error.reinstall' ? '' : ` ${ctx.t(effects.touched ? 'common:error.partly' : 'common:error.unchanged')}`;
      await ctx.reply(`${what}${after}`).catch(() => undefined);
    }
  }

  /** Where to answer: the event's dialog, or for a keyboard press without a chat, the dialog we sent that keyboard to. */
  private dialogOf(ev: Exclude<BotEvent, { kind: 'botDeleted' | 'uninstall' | 'ignored' | 'userAdded' }>, data: PortalData): string | null {
    if (ev.kind === 'command') {
      // `chat` may be missing on keyboard clicks in a private dialog (bot doc 7.4). Keyboards sent to
      // group chats are recorded (bot/send.ts); a click with neither came from the caller's private
      // dialog with the bot, which the bot addresses by the caller's id (bot doc 1.6).
      return ev.chat?.dialogId || data.keyboardDialogs[String(ev.messageId)] || String(ev.user.id);
    }
    return ev.chat.dialogId || null;
  }

  context(
    ev: Exclude<BotEvent, { kind: 'botDeleted' | 'uninstall' | 'ignored' | 'userAdded' }>,
    data: PortalData,
    dialogId: string,
    params: string,
    text: string,
    /** Set once the handler changed something (stored data, or a REST call that is not safe to repeat). */
    effects: { touched: boolean; marker?: Marker } = { touched: false },
  ): BotContext {
    const lang = pickLanguage(ev.language, data.installation.language, this.deps.defaultLang);
    const memberId = ev.memberId;
    const inst = data.installation;
    const botId = inst.botId ?? ev.botId;
    const gateway = this.deps.gateway;
    let userClient: RestClient | null = null;
    const asApp = async () => tracked(await gateway.app(memberId), effects);
    const hasUserToken = callerHasOwnToken(ev);
    const asUser = (): RestClient => {
      if (hasUserToken && ev.auth) {
        userClient ??= tracked(gateway.user(memberId, inst, ev.auth), effects);
        return userClient;
      }
      // No token for this person (fetch mode, one-portal mode): the bot itself checks rights before calling.
      return lazyClient(asApp);
    };
    // Each message a handler sends carries a templateId made from the event and its place among the
    // event's sends: an event run again after a crash (its marker not yet written) sends the same
    // ones, and Bitrix24 makes no second message of those that went out (bot/send.ts messageUuid).
    // The installation's date is part of it: numbers that start again after a reinstall make new ones.
    const eventRef = effects.marker?.key ?? (effects.marker?.seq !== undefined ? `inbox:${effects.marker.seq}` : null);
    let sends = 0;
    const send: BotContext['send'] = async (target, reply) => {
      const templateId = eventRef ? messageUuid(memberId, inst.installedAt, 'event', eventRef, String(sends++)) : undefined;
      return sendBotMessage(this.deps.store, await asApp(), memberId, botId, target, reply, templateId ? { templateId } : {});
    };
    const self = this;
    return {
      memberId,
      botId,
      data,
      user: { id: ev.user.id, name: ev.user.name, extranet: ev.user.extranet },
      chat: {
        dialogId,
        isPrivate: isPrivateDialog(dialogId),
        title: 'chat' in ev && ev.chat ? ev.chat.title : '',
      },
      lang,
      t: tFor(lang),
      args: tokenize(params),
      text,
      event: ev,
      log: this.deps.log,
      isAdmin: () => self.isAdmin(memberId, ev.user.id, ev.user.extranet, hasUserToken, asUser, asApp),
      async isModerator() {
        if (ev.user.extranet) return false;
        const latest = await self.deps.store.get(memberId);
        if (latest?.moderators.includes(ev.user.id)) return true;
        return self.isAdmin(memberId, ev.user.id, ev.user.extranet, hasUserToken, asUser, asApp);
      },
      asUser,
      asApp,
      reply: (reply) => send(dialogId, reply),
      send,
      async typing() {
        try {
          // No statusMessageCode: the plain "typing" indicator; shown for up to 30 s or until our answer.
          await (await asApp()).call('imbot.v2.Chat.InputAction.notify', { botId, dialogId, duration: 30 });
        } catch (e) {
          self.deps.log.debug({ memberId, dialogId, err: describe(e) }, 'typing indicator refused');
        }
      },
      upload: async (file, target) => uploadBotFile(await asApp(), { botId, dialogId: target ?? dialogId, file }),
      async edit(messageId, reply) {
        await (await asApp()).call('imbot.v2.Chat.Message.update', {
          botId,
          messageId,
          fields: renderFields(reply, botId, true),
        });
      },
      async update(mutate) {
        const marker = effects.marker && !effects.marker.written ? effects.marker : null;
        const out = await self.deps.store.update(memberId, async (d) => {
          const result = await mutate(d);
          // Every handler write drops expired questions on the way (the same list when none has expired).
          d.pending = livePending(d.pending, self.now().toISOString());
          if (marker) applyMarker(d, marker);
          return result;
        });
        if (marker) marker.written = true;
        effects.touched = true;
        return out;
      },
      async note(mutate) {
        await self.deps.store.update(memberId, (d) => void mutate(d));
      },
      now: () => self.now(),
      today: (): Day => todayAtOffset(self.now(), data.installation.utcOffset ?? 0),
    };
  }

  /**
   * Is this person a portal admin? With their own token (webhook events of an application) Bitrix24
   * answers `user.admin` for them. Without one (fetch mode, one-portal mode) every call would run as
   * the installer or the webhook's owner, so `user.admin` would describe that person, not the caller
   * (bitrix24-api.md 15.3: there is no "is user X an admin"). Then the admins are: the installer or
   * webhook owner, if Bitrix24 says they are an admin; and in one-portal mode the people in ADMIN_IDS.
   */
  private async isAdmin(
    memberId: string,
    userId: number,
    extranet: boolean,
    hasUserToken: boolean,
    asUser: () => RestClient,
    asApp: () => Promise<RestClient>,
  ): Promise<boolean> {
    if (extranet) return false;
    const key = `${memberId}:${userId}:${hasUserToken ? 'own' : 'owner'}`;
    const cached = this.adminCache.get(key);
    const ttl = this.deps.adminCacheMs ?? 5 * 60_000;
    if (cached && Date.now() - cached.at < ttl) return cached.value;
    const data = await this.deps.store.get(memberId);
    const inst = data?.installation;
    let value: boolean;
    if (hasUserToken) {
      value = isYes(await asUser().call<boolean | string>('user.admin', {}, { idempotent: true }));
    } else if (inst?.auth === 'webhook' && this.deps.adminIds?.includes(userId)) {
      value = true;
    } else if (inst && inst.installerId > 0 && inst.installerId === userId) {
      // The stored token or webhook IS this person's: `user.admin` answers for them.
      value = isYes(await (await asApp()).call<boolean | string>('user.admin', {}, { idempotent: true }));
    } else {
      value = false;
    }
    this.adminCache.set(key, { value, at: Date.now() });
    return value;
  }

  /**
   * ONAPPINSTALL: confirm it with the OAuth server, store the portal, register the bot and its commands.
   * Nothing from the request is trusted before the confirmation: no call goes to the endpoints it names,
   * and nothing is stored unless the OAuth server vouches for this member_id.
   */
  async install(body: InstallBody): Promise<Installation> {
    const { store, gateway, log } = this.deps;
    const a = body.auth;
    const memberId = a.member_id;
    let confirmed: ConfirmedInstall;
    try {
      confirmed = await gateway.confirmInstall(memberId, a.refresh_token);
    } catch (e) {
      if (e instanceof NetworkError) {
        log.warn({ memberId: memberId.slice(0, 64), err: describe(e) }, 'install not confirmed: the OAuth server could not be reached');
        throw new InstallError('OAUTH_UNAVAILABLE', 'the OAuth server could not be reached');
      }
      log.warn({ memberId: memberId.slice(0, 64), err: describe(e) }, 'install request refused: the OAuth server did not confirm it');
      throw new InstallError('UNVERIFIED', 'the OAuth server did not confirm this installation');
    }
    const existing = await store.get(memberId);
    if (existing && existing.installation.status !== 'uninstalled') await this.mayReinstall(existing.installation, confirmed);
    const nowIso = this.now().toISOString();
    const installation: Installation = {
      memberId,
      domain: confirmed.domain,
      clientEndpoint: confirmed.clientEndpoint,
      serverEndpoint: confirmed.serverEndpoint || a.server_endpoint,
      // Only the install delivers it (bitrix24-api.md §3.4); the confirmation above vouches for the request.
      applicationToken: a.application_token,
      accessToken: confirmed.accessToken,
      refreshToken: confirmed.refreshToken,
      expires: confirmed.expires,
      scope: confirmed.scope || a.scope,
      installerId: confirmed.userId || Number(a.user_id) || 0,
      language: pickLanguage(body.data?.LANGUAGE_ID, this.deps.defaultLang),
      auth: 'oauth',
      botId: existing?.installation.botId ?? null,
      botCode: existing?.installation.botCode ?? '',
      commandIds: existing?.installation.commandIds ?? {},
      // Registration moves the bot to the current way in and records it (and resets the fetch offset on a switch).
      eventMode: existing?.installation.eventMode ?? (this.deps.eventsUrl ? 'webhook' : 'fetch'),
      webhookUrl: existing?.installation.webhookUrl ?? this.deps.eventsUrl,
      status: 'active',
      installedAt: existing?.installation.installedAt ?? nowIso,
      updatedAt: nowIso,
    };
    if (!installation.installerId) installation.installerId = await this.installerOf(installation, confirmed);
    if (existing) await store.update(memberId, (d) => void (d.installation = installation));
    else await store.put(emptyPortal(installation));
    return this.register(memberId);
  }

  /**
   * A portal we hold is installed again: the application token, the tokens and the installer change
   * only for a portal administrator (asked with their own new token: `user.admin` answers for the
   * token's owner) of the same portal at the same address. A valid refresh token proves only that its
   * owner is someone on the portal: any employee who ever opened the application has one. Otherwise
   * UNVERIFIED and nothing changes (logged with the user id, never a token).
   */
  private async mayReinstall(stored: Installation, confirmed: ConfirmedInstall): Promise<void> {
    const { log } = this.deps;
    const who = { memberId: stored.memberId, userId: confirmed.userId };
    // The OAuth server's answer names the portal's address; it must be the one we hold (the request's own
    // `domain` proves nothing). A portal that moved is learnt through a refresh of the stored pair instead.
    if (confirmed.domain !== stored.domain) {
      log.warn({ ...who, domain: confirmed.domain.slice(0, 255) }, 'reinstall refused: the OAuth server names another address for this portal');
      throw new InstallError('UNVERIFIED', 'the portal address does not match the installation');
    }
    let admin: boolean;
    try {
      admin = isYes(await this.probe(stored, confirmed).call<boolean | string>('user.admin', {}, { idempotent: true }));
    } catch (e) {
      log.warn({ ...who, err: describe(e) }, 'reinstall refused: could not ask the portal whether the installing person is an administrator');
      if (e instanceof NetworkError) throw new InstallError('OAUTH_UNAVAILABLE', 'the portal could not be reached');
      throw new InstallError('UNVERIFIED', 'the installing person could not be checked');
    }
    if (!admin) {
      log.warn(who, 'reinstall refused: the installing person is not a portal administrator; the installation stays as it was');
      throw new InstallError('UNVERIFIED', 'only a portal administrator may reinstall');
    }
    log.info(who, 'reinstall by a portal administrator: the installation is replaced');
  }

  /** A client with the token the OAuth server just confirmed, at the address it named. */
  private probe(inst: Installation, confirmed: ConfirmedInstall): RestClient {
    return this.deps.gateway.user(inst.memberId, { ...inst, clientEndpoint: confirmed.clientEndpoint, serverEndpoint: confirmed.serverEndpoint }, {
      accessToken: confirmed.accessToken,
      refreshToken: '',
      expires: confirmed.expires,
      userId: 0,
      clientEndpoint: confirmed.clientEndpoint,
      serverEndpoint: confirmed.serverEndpoint,
      domain: confirmed.domain,
      scope: confirmed.scope,
    });
  }

  /** Who installed: asked of the confirmed portal with the confirmed token, when neither answer said (0: unknown). */
  private async installerOf(inst: Installation, confirmed: ConfirmedInstall): Promise<number> {
    try {
      const profile = await this.probe(inst, confirmed).call<{ ID?: string | number }>('profile', {}, { idempotent: true });
      return Number(profile?.ID) || 0;
    } catch (e) {
      this.deps.log.warn({ memberId: inst.memberId, err: describe(e) }, 'could not tell who installed the application');
      return 0;
    }
  }

  /** (Re)registers the bot and commands with the stored tokens; safe to repeat. */
  async register(memberId: string, botToken?: string): Promise<Installation> {
    const { store, gateway, log } = this.deps;
    try {
      const rest = await gateway.app(memberId);
      const before = (await store.get(memberId))?.installation;
      // A bot registered before (by an older version, without a revision: null) gets its commands brought up to date.
      const previousRevision = before?.botId && Object.keys(before.commandIds).length > 0 ? (before.manifestRevision ?? null) : undefined;
      const reg = await registerBot(rest, this.deps.registry.manifest, {
        webhookUrl: this.deps.eventsUrl,
        ...(botToken ? { botToken } : {}),
        ...(previousRevision !== undefined ? { previousRevision } : {}),
      });
      // Webhook-owned bots have no application: there is no uninstall event to bind (and event.bind needs an app).
      if (this.deps.eventsUrl && before?.auth !== 'webhook') {
        // ONAPPUNINSTALL is not automatic: bind it so uninstall reaches us (bitrix24-api.md §3.5).
        await rest
          .call('event.bind', { event: 'ONAPPUNINSTALL', handler: this.deps.eventsUrl }, { idempotent: true })
          .catch((e: unknown) => log.warn({ memberId, err: describe(e) }, 'could not bind ONAPPUNINSTALL'));
        // New employees are placed by the training rules as they appear (on-user-add.md); the daily scan is the fallback.
        await rest
          .call('event.bind', { event: 'ONUSERADD', handler: this.deps.eventsUrl }, { idempotent: true })
          .catch((e: unknown) => log.warn({ memberId, err: describe(e) }, 'could not bind ONUSERADD'));
      }
      const inst = await store.update(memberId, (d) => {
        const switched = d.installation.eventMode !== reg.eventMode || d.installation.botId !== reg.botId;
        Object.assign(d.installation, {
          botId: reg.botId,
          botCode: 'study_groups_bot',
          commandIds: reg.commandIds,
          eventMode: reg.eventMode,
          webhookUrl: reg.webhookUrl,
          manifestRevision: reg.manifestRevision,
          updatedAt: this.now().toISOString(),
        });
        // A bot switched to fetch (or a new bot) starts with an empty queue (bot doc 6.2): the old offset means nothing.
        if (switched) d.fetchOffset = null;
        this.deps.registry.prepare?.(d, this.now());
        return d.installation;
      });
      log.info({ memberId, botId: reg.botId, eventMode: reg.eventMode }, 'bot registered');
      this.deps.onRegistered?.(inst);
      return inst;
    } catch (e) {
      log.error({ memberId, err: describe(e) }, 'bot registration failed');
      throw new InstallError('REGISTRATION_FAILED', describe(e));
    }
  }

  private async uninstall(memberId: string, clean: boolean): Promise<void> {
    if (clean) {
      await this.deps.store.delete(memberId);
    } else {
      await this.deps.store.update(memberId, (d) => {
        d.installation.status = 'uninstalled';
        d.installation.accessToken = '';
        d.installation.refreshToken = '';
        d.installation.botId = null;
        d.installation.commandIds = {};
        d.pending = [];
      });
    }
    this.deps.log.info({ memberId, clean }, 'application uninstalled: tokens forgotten');
  }
}

/**
 * Does `ctx.asUser()` really act as the person behind this event? Only when the event brought their
 * own token (an application's webhook events). In fetch mode and one-portal mode it acts as the
 * installer or the webhook's owner, so Bitrix24 checks THEIR rights: handlers must check the
 * person's rights themselves before acting for them (`ctx.isAdmin()` already does the right thing).
 */
export function callerHasOwnToken(ev: BotEvent): boolean {
  return 'user' in ev && ev.auth !== null && ev.auth.userId === ev.user.id;
}

/** The questions still waiting for an answer at `nowIso`. */
function livePending(pending: PendingInput[], nowIso: string): PendingInput[] {
  return pending.some((p) => p.expiresAt <= nowIso) ? pending.filter((p) => p.expiresAt > nowIso) : pending;
}

function isYes(answer: unknown): boolean {
  return answer === true || answer === 'Y' || answer === 'true';
}

/**
 * Notes in `effects` when a call may have changed something on the portal: a call not marked
 * idempotent that succeeded, or that failed without our knowing whether the portal ran it.
 */
function tracked(client: RestClient, effects: { touched: boolean }): RestClient {
  const note = (idempotent: boolean, e?: unknown) => {
    if (idempotent) return;
    if (e === undefined || (e instanceof NetworkError && !e.unsent)) effects.touched = true;
  };
  return {
    async call<T>(method: string, params?: Record<string, unknown>, opts?: CallOptions): Promise<T> {
      try {
        const out = await client.call<T>(method, params, opts);
        note(opts?.idempotent === true);
        return out;
      } catch (e) {
        note(opts?.idempotent === true, e);
        throw e;
      }
    },
    async batch(calls) {
      try {
        const out = await client.batch(calls);
        note(false);
        return out;
      } catch (e) {
        note(false, e);
        throw e;
      }
    },
  };
}

/** That an event was handled: its `processed` key and its number in the durable inbox. */
interface Marker {
  key: string | null;
  seq: number | undefined;
  /** Written already (with the handler's first change), or not to be written (the event runs again). */
  written: boolean;
}

function applyMarker(d: PortalData, m: Marker): void {
  if (m.key && !d.processed.includes(m.key)) {
    d.processed.push(m.key);
    if (d.processed.length > PROCESSED_LIMIT) d.processed.splice(0, d.processed.length - PROCESSED_LIMIT);
  }
  if (m.seq !== undefined && m.seq > (d.inboxDone ?? 0)) d.inboxDone = m.seq;
}

/** A RestClient that resolves the installation's client on first use. */
function lazyClient(get: () => Promise<RestClient>): RestClient {
  return {
    call: async (method, params, opts) => (await get()).call(method, params, opts),
    batch: async (calls) => (await get()).batch(calls),
  };
}

export function stripMention(text: string, botId: number | null): string {
  let out = text;
  if (botId) out = out.replace(new RegExp(`\\[user=${botId}\\][\\s\\S]*?\\[/user\\]`, 'gi'), ' ');
  return out.replace(/^[\s,:]+/, '').trim();
}

function errorKey(e: unknown): string {
  if (e instanceof NetworkError) return 'common:error.network';
  if (e instanceof PortalError) {
    if (['ACCESS_DENIED', 'INVALID_CREDENTIALS', 'insufficient_scope', 'user_access_error'].includes(e.code)) {
      return 'common:error.denied';
    }
    if (['expired_token', 'invalid_grant', 'NOT_INSTALLED'].includes(e.code)) return 'common:error.reinstall';
    return 'common:error.portal';
  }
  return 'common:error.internal';
}

export function describe(e: unknown): string {
  if (e instanceof PortalError || e instanceof NetworkError) return e.message;
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return String(e);
}
