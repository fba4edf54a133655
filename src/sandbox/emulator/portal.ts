// One emulated portal (tenant): its state, logs, limits and the in-process driver API tests and the sandbox use.
import { UserActor } from './actor.js';
import type { Clock } from './clock.js';
import { seedDemo, type DemoIds } from './demo.js';
import { EventDelivery, type DeliveryFaults, type DeliveryOutcome, type EventLogEntry } from './delivery.js';
import { installApp, uninstallApp, type InstallAppInput, type InstallResult, type UninstallResult } from './lifecycle.js';
import { RestError } from './errors.js';
import { DriverError, Messenger } from './messenger.js';
import { eventAuthBlock, randomHex, type Endpoints, type TokenStore } from './oauth.js';
import { LeakyBucket, type RateLimitSettings } from './rate-limit.js';
import { PortalState, type PortalIdentity } from './state.js';
import type { Installation, MessageRecord, UserRecord, WorkgroupRecord } from './types.js';
import { dialogView, messageView, snapshot, type DialogMessageView, type PortalSnapshot } from './views.js';
import { createWorkgroup, removeMember, type NewWorkgroup } from './workgroups.js';

export interface RequestLogEntry {
  at: number;
  method: string;
  /** Request parameters with tokens and secrets masked as '***'. */
  params: unknown;
  httpStatus: number;
  error?: string;
  durationMs: number;
  via: 'oauth' | 'webhook' | 'batch-inner';
  userId?: number;
}

export type ActivityEntry =
  | { portal: string; kind: 'request'; entry: RequestLogEntry }
  | { portal: string; kind: 'event'; entry: EventLogEntry }
  | { portal: string; kind: 'message'; message: MessageRecord }
  | { portal: string; kind: 'oauth'; clientId: string; userId: number };

/** What a portal needs from the emulator that hosts it. */
export interface PortalHost {
  readonly origin: string;
  readonly clock: Clock;
  readonly tokens: TokenStore;
  readonly tokenTtlSec: number;
  readonly webhookTimeoutMs: number;
  emitActivity(entry: ActivityEntry): void;
  /**
   * Stops (or resumes) accepting connections for this portal. Every portal and the OAuth server share
   * the host's one address, so while any portal refuses, connections to all of them are refused.
   */
  refuseConnections(slug: string, refuse: boolean): Promise<void>;
}

/**
 * How an offline portal fails: `unavailable` answers every REST call with HTTP 503 (a load balancer's
 * plain page); `refuse` takes the address down, so connections are refused (ECONNREFUSED) and the
 * caller knows for sure that nothing was sent.
 */
export type OutageMode = 'unavailable' | 'refuse';

export interface PortalOptions {
  slug: string;
  language?: string;
  memberId?: string;
  /** Portal host name shown in `domain`; default `{slug}.bitrix24.local`. */
  domain?: string;
  /** Offset of the portal's dates from UTC in minutes; default +180 (dates are never "Z"). */
  utcOffsetMinutes?: number;
  /** [source, unconfirmed] keyboard clicks in private dialogs arrive without `chat`; default true. */
  omitChatOnPrivateKeyboardClick?: boolean;
}

export interface NewUser {
  name: string;
  lastName?: string;
  admin?: boolean;
  extranet?: boolean;
  workPosition?: string;
  departments?: number[];
  email?: string;
  gender?: 'M' | 'F';
  active?: boolean;
}

export interface NewChat {
  title: string;
  ownerId: number;
  memberIds?: number[];
  description?: string;
  /** A bot added by the owner after creation: it receives ONIMBOTV2JOINCHAT. */
  withBot?: number;
}

const LOG_LIMIT = 5000;

export class Portal {
  readonly state: PortalState;
  readonly bucket: LeakyBucket;
  readonly delivery: EventDelivery;
  readonly messenger: Messenger;
  readonly requests: RequestLogEntry[] = [];
  readonly events: EventLogEntry[] = [];
  readonly options: { omitChatOnPrivateKeyboardClick: boolean };
  /** Workgroup invitations sent (the portal would notify the invitees). */
  readonly invitations: Array<{ at: number; groupId: number; byId: number; userId: number; message: string }> = [];
  /** Token refreshes served for this portal (all apps). */
  refreshCount = 0;
  online = true;
  /**
   * The portal's imbot.v2 REST revision (setRestRevision). Below 33 there is no Revision.get (it came
   * with revision 33) and Event.get answers `lastEventId` instead of `nextOffset` (BOT-BC-0325-1).
   */
  restRevision = 36;
  /**
   * The synthetic application token of webhook-owned bots: 'derived' ('custom' + botToken, what
   * portals are seen to send [source]) or 'opaque' (a random one per bot, with an OAuth token set for
   * the bot under `data[bot][auth]` that Bot.get honours as the owner's): the docs say only that each
   * such bot has its own synthetic token [unconfirmed either way].
   */
  webhookBotTokens: 'derived' | 'opaque' = 'derived';
  /** imbot.v2.File.upload's limit on `fields.content` (Base64 characters); lowered in tests of FILE_TOO_LARGE. */
  uploadLimitBase64 = 100 * 1024 * 1024;
  /** How the portal fails while offline (see setOnline). */
  outageMode: OutageMode = 'unavailable';
  /** Methods (lower-case) that answer OPERATION_TIME_LIMIT until the given time (emulator ms). */
  private readonly operatingBlocks = new Map<string, number>();
  private readonly methodFaults = new Map<string, { code: string; description: string; status?: number }>();

  constructor(
    readonly host: PortalHost,
    opts: PortalOptions,
  ) {
    const identity: PortalIdentity = {
      slug: opts.slug,
      domain: opts.domain ?? `${opts.slug}.bitrix24.local`,
      language: opts.language ?? 'en',
      memberId: opts.memberId ?? randomHex(16),
      utcOffsetMinutes: opts.utcOffsetMinutes ?? 180,
    };
    this.state = new PortalState(identity);
    this.bucket = new LeakyBucket(() => host.clock.now());
    this.delivery = new EventDelivery(this);
    this.messenger = new Messenger(this);
    this.options = { omitChatOnPrivateKeyboardClick: opts.omitChatOnPrivateKeyboardClick ?? true };
  }

  get slug(): string {
    return this.state.identity.slug;
  }

  get memberId(): string {
    return this.state.identity.memberId;
  }

  get clock(): Clock {
    return this.host.clock;
  }

  now(): number {
    return this.host.clock.now();
  }

  /** client_endpoint (reachable, with trailing slash) and the OAuth server's server_endpoint. */
  endpoints(): Endpoints {
    return {
      clientEndpoint: `${this.host.origin}/portal/${this.slug}/rest/`,
      serverEndpoint: `${this.host.origin}/rest/`,
      oauthDomain: new URL(this.host.origin).host,
    };
  }

  /** A freshly issued token set for an event `auth` block. */
  issueAuthBlock(installation: Installation, userId: number, withRefresh: boolean): Record<string, string> {
    const token = this.host.tokens.issue(this.slug, installation.clientId, userId, this.host.tokenTtlSec, this.now());
    return eventAuthBlock(token, installation, this.state.identity, this.endpoints(), { withRefresh, withExpires: true, withUserId: true });
  }

  emitActivity(entry: { kind: 'message'; message: MessageRecord } | { kind: 'oauth'; clientId: string; userId: number }): void {
    this.host.emitActivity({ portal: this.slug, ...entry });
  }

  recordRequest(entry: RequestLogEntry): void {
    this.requests.push(entry);
    if (this.requests.length > LOG_LIMIT) this.requests.splice(0, this.requests.length - LOG_LIMIT);
    this.host.emitActivity({ portal: this.slug, kind: 'request', entry });
  }

  recordEvent(entry: EventLogEntry): void {
    this.events.push(entry);
    if (this.events.length > LOG_LIMIT) this.events.splice(0, this.events.length - LOG_LIMIT);
    this.host.emitActivity({ portal: this.slug, kind: 'event', entry });
  }

  recordInvitation(groupId: number, byId: number, userIds: number[], message: string): void {
    for (const userId of userIds) this.invitations.push({ at: this.now(), groupId, byId, userId, message });
  }

  // ---- driver: people, groups, chats ----

  seedDemo(): DemoIds {
    return seedDemo(this);
  }

  addUser(input: NewUser): Readonly<UserRecord> {
    const id = this.state.nextId('user');
    const user: UserRecord = {
      id,
      name: input.name,
      lastName: input.lastName ?? '',
      email: input.email ?? `${input.name}.${input.lastName ?? id}`.toLowerCase().replace(/[^a-z0-9.]/g, '') + `@${this.slug}.example`,
      gender: input.gender ?? '',
      admin: input.admin ?? false,
      extranet: input.extranet ?? false,
      bot: false,
      active: input.active ?? true,
      workPosition: input.workPosition ?? '',
      departments: input.extranet ? [] : [...(input.departments ?? [1])],
      color: this.state.colorFor(id),
      registeredAt: this.now(),
    };
    this.state.users.set(id, user);
    this.announceUser(user);
    return user;
  }

  /**
   * ONUSERADD to every handler bound for it (on-user-add.md): a form POST with the new user's
   * documented fields and an `auth` block of the binding's user (auth_type, else the installer).
   */
  private announceUser(user: UserRecord): void {
    for (const binding of this.state.bindings.values()) {
      if (binding.event !== 'ONUSERADD') continue;
      const installation = this.state.installations.get(binding.clientId);
      if (!installation?.installed) continue;
      const data: Record<string, unknown> = {
        ID: String(user.id),
        ACTIVE: user.active ? 'Y' : 'N',
        EMAIL: user.email,
        NAME: user.name,
        LAST_NAME: user.lastName,
        PERSONAL_GENDER: user.gender,
        DATE_REGISTER: new Date(user.registeredAt).toISOString().replace(/\.\d{3}Z$/, '+00:00'),
        WORK_POSITION: user.workPosition,
      };
      if (!user.extranet) data.UF_DEPARTMENT = user.departments.map(String);
      void this.delivery.postAppEvent(binding.handler, {
        event: 'ONUSERADD',
        event_handler_id: String(binding.id),
        data,
        ts: String(this.clock.nowSec()),
        auth: this.issueAuthBlock(installation, binding.authType || installation.installerId, false),
      });
    }
  }

  addWorkgroup(input: NewWorkgroup): Readonly<WorkgroupRecord> {
    for (const id of [input.ownerId, ...(input.moderatorIds ?? []), ...(input.memberIds ?? [])]) {
      const user = this.state.users.get(id);
      if (!user || user.bot) throw new DriverError(`Workgroup members must be people; ${id} is not`);
    }
    return createWorkgroup(this.state, input, this.now());
  }

  /**
   * Takes someone out of a workgroup (or withdraws their invitation) as if it were done in Bitrix24 itself:
   * no REST call and no event, so no app hears of it. The owner cannot be removed.
   */
  removeFromWorkgroup(groupId: number, userId: number): void {
    const group = this.state.workgroups.get(groupId);
    if (!group) throw new DriverError(`No workgroup ${groupId}`);
    if (!group.members.has(userId)) throw new DriverError(`User ${userId} is not in ${group.name}`);
    if (group.ownerId === userId) throw new DriverError(`User ${userId} owns ${group.name} and cannot be removed`);
    removeMember(this.state, group, userId, this.now());
  }

  /** A group chat owned by a person; `withBot` is then added by the owner (JOINCHAT is awaited). */
  async createChat(input: NewChat): Promise<{ id: number; dialogId: string; outcomes: DeliveryOutcome[] }> {
    const owner = this.state.users.get(input.ownerId);
    if (!owner || owner.bot) throw new DriverError(`Chat owner ${input.ownerId} must be a person`);
    const members = (input.memberIds ?? []).filter((id) => this.state.isHuman(id));
    const chat = this.state.createChat('chat', owner.id, members, {
      title: input.title,
      description: input.description ?? '',
      createdAt: this.now(),
    });
    const outcomes = input.withBot !== undefined ? await this.messenger.addMembers(chat, [input.withBot], owner.id) : [];
    return { id: chat.id, dialogId: `chat${chat.id}`, outcomes };
  }

  as(userId: number): UserActor {
    if (!this.state.isHuman(userId)) throw new DriverError(`User ${userId} is not a person on ${this.slug}`);
    return new UserActor(this, userId);
  }

  // ---- driver: the app ----

  installApp(input: InstallAppInput): Promise<InstallResult> {
    return installApp(this, input);
  }

  uninstallApp(clientId?: string, clean = true): Promise<UninstallResult> {
    return uninstallApp(this, clientId, clean);
  }

  /** A new token pair of `userId` for an installed app (default: the only installed one). */
  tokenFor(userId: number, clientId?: string): { accessToken: string; refreshToken: string } {
    const installation = clientId
      ? this.state.installations.get(clientId)
      : [...this.state.installations.values()].find((i) => i.installed);
    if (!installation?.installed) throw new DriverError('No installed app to issue a token for');
    const token = this.host.tokens.issue(this.slug, installation.clientId, userId, this.host.tokenTtlSec, this.now());
    return { accessToken: token.accessToken, refreshToken: token.refreshToken };
  }

  /** An inbound webhook of `userId` with the given scopes; returns its base URL (ending with `/`). */
  createInboundWebhook(userId: number, scopes: string[]): string {
    if (!this.state.isHuman(userId)) throw new DriverError(`Webhook owner ${userId} must be a person`);
    const id = this.state.nextId('webhook');
    const secret = randomHex(8);
    this.state.webhooks.set(id, { id, userId, secret, scopes: [...scopes] });
    return `${this.host.origin}/portal/${this.slug}/rest/${userId}/${secret}/`;
  }

  // ---- driver: conditions ----

  /** Every access token issued so far expires now (refresh tokens stay valid). */
  expireTokens(): void {
    const now = this.now();
    for (const token of this.host.tokens.forPortal(this.slug)) token.expiresAt = Math.min(token.expiresAt, now - 1);
  }

  /** Plays an older portal (a box version that lags behind the cloud): see `restRevision`. */
  setRestRevision(revision: number): void {
    if (!Number.isInteger(revision) || revision < 1) throw new DriverError('setRestRevision needs a positive integer');
    this.restRevision = revision;
  }

  setRateLimit(settings: RateLimitSettings | null): void {
    this.bucket.configure(settings);
  }

  /**
   * A method's operating-time budget is spent for `seconds` (api doc §17): every call of it, alone or
   * inside a batch, answers HTTP 429 `OPERATION_TIME_LIMIT` with `operating_reset_at` until then.
   * 0 lifts the block.
   */
  limitOperatingTime(method: string, seconds: number): void {
    if (!(seconds >= 0)) throw new DriverError('limitOperatingTime needs seconds >= 0');
    const key = method.toLowerCase();
    if (seconds === 0) this.operatingBlocks.delete(key);
    else this.operatingBlocks.set(key, this.now() + seconds * 1000);
  }

  /**
   * Until cleared (null), every call of `method` answers this documented error: for errors whose
   * trigger the emulator does not model, e.g. Event.get's AUTH_ERROR ("the current user could not
   * be determined", event-get page).
   */
  setMethodFault(method: string, fault: { code: string; description: string; status?: number } | null): void {
    const key = method.toLowerCase();
    if (fault) this.methodFaults.set(key, fault);
    else this.methodFaults.delete(key);
  }

  methodFault(method: string): RestError | undefined {
    const f = this.methodFaults.get(method.toLowerCase());
    return f ? new RestError(f.code, f.description, f.status ?? 400) : undefined;
  }

  /**
   * The application's trial or paid period is over (or back, with false): the OAuth server gives no
   * tokens ("PAYMENT_REQUIRED … До этого сервер авторизации токены не выдаст", oauth error codes) and
   * REST calls with its tokens answer the same (oauth index). [unconfirmed] the HTTP status (402 here).
   */
  setPaymentRequired(required: boolean, clientId?: string): void {
    const installation = clientId ? this.state.installations.get(clientId) : [...this.state.installations.values()].find((i) => i.installed);
    if (!installation) throw new DriverError('no such installation');
    installation.paymentRequired = required;
  }

  /** When the method's block ends (emulator ms), or undefined when it is not blocked now. */
  operatingBlockedUntil(method: string): number | undefined {
    const until = this.operatingBlocks.get(method.toLowerCase());
    if (until === undefined) return undefined;
    if (until <= this.now()) {
      this.operatingBlocks.delete(method.toLowerCase());
      return undefined;
    }
    return until;
  }

  /**
   * Outage switch. Offline, mode `unavailable` (default): every REST call gets HTTP 503 with the plain
   * body "Service Unavailable". Mode `refuse`: connections are refused; the host's one address goes down,
   * so every portal on this emulator and its OAuth server are unreachable meanwhile. Either way webhook
   * POSTs are held. Back online: the address is up again, held POSTs go out in order; the promise waits for them.
   */
  async setOnline(online: boolean, opts: { mode?: OutageMode } = {}): Promise<void> {
    const wasRefusing = !this.online && this.outageMode === 'refuse';
    this.online = online;
    if (!online) {
      this.outageMode = opts.mode ?? 'unavailable';
      if (this.outageMode === 'refuse') await this.host.refuseConnections(this.slug, true);
      else if (wasRefusing) await this.host.refuseConnections(this.slug, false);
      return;
    }
    if (wasRefusing) await this.host.refuseConnections(this.slug, false);
    this.outageMode = 'unavailable';
    await this.delivery.resume();
  }

  setDeliveryFaults(faults: DeliveryFaults): void {
    this.delivery.setFaults(faults);
  }

  /** Waits until every event POST started so far has been answered. */
  flush(): Promise<void> {
    return this.delivery.settle();
  }

  // ---- driver: reading ----

  dialog(userId: number, dialogId: string): DialogMessageView[] {
    return dialogView(this.state, userId, dialogId);
  }

  /** The newest message of a bot in the dialog (including system answers made in a bot's name). */
  lastBotMessage(userId: number, dialogId: string): DialogMessageView | undefined {
    const chat = this.state.resolveDialog(userId, dialogId, false, 0);
    if (!chat || !chat.members.has(userId)) return undefined;
    const messages = this.state.chatMessages(chat.id).filter(
      (m) => !m.deleted && (this.state.bots.has(m.authorId) || m.onBehalfOfBotId !== undefined),
    );
    const last = messages.at(-1);
    return last ? messageView(this.state, last) : undefined;
  }

  /** Polls until `probe` returns a value (not undefined/false/null) or the timeout passes. */
  async waitFor<T>(probe: () => T | undefined | null | false, opts: { timeoutMs?: number; intervalMs?: number } = {}): Promise<T> {
    const deadline = Date.now() + (opts.timeoutMs ?? 5000);
    for (;;) {
      const value = probe();
      if (value !== undefined && value !== null && value !== false) return value;
      if (Date.now() > deadline) throw new DriverError('waitFor: timed out');
      await new Promise((resolve) => setTimeout(resolve, opts.intervalMs ?? 10));
    }
  }

  /** Waits for a bot message newer than `afterId` in the dialog as `userId` sees it. */
  waitForBotMessage(userId: number, dialogId: string, opts: { afterId?: number; timeoutMs?: number } = {}): Promise<DialogMessageView> {
    return this.waitFor(() => {
      const last = this.lastBotMessage(userId, dialogId);
      return last && last.id > (opts.afterId ?? 0) ? last : undefined;
    }, opts);
  }

  snapshot(): PortalSnapshot {
    return snapshot(this.state);
  }
}
