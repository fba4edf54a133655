// The sandbox page's server: static files, a small JSON API, live updates over server-sent events, the controls.
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { DriverError, type ActivityEntry, type DemoIds, type Emulator, type Portal, type RateLimitSettings } from '../emulator/index.js';
import { setMember } from '../emulator/workgroups.js';
import { extensionOf, fileType } from '../emulator/methods/imbot-file.js';
import { hostAllowed, originAllowed } from './guard.js';
import { Inspector, type InspectorRow } from './inspector.js';
import { commandsFor, conversationOf, dialogsOf, fullName, peopleOf, workgroupsOf } from './views.js';

/** What the page needs from the running sandbox; `portal` changes when the demo company is reset. */
export interface SandboxHandle {
  readonly emulator: Emulator;
  readonly portal: Portal;
  readonly demo: DemoIds;
  readonly botId: number;
  /** Moderators as the bot knows them (named by an admin). */
  moderators(): Promise<number[]>;
  /** A fresh demo company with the bot installed again. */
  reset(): Promise<void>;
  /** Moves the portal's clock (which the bot follows too) forward. */
  advanceClock(ms: number): Promise<void>;
  /** Has the bot re-read the workgroups now (its periodic membership sync, out of turn), so a control's effect shows at once. */
  syncMembers(): Promise<void>;
}

export const RATE_LIMITS = {
  normal: { burst: 50, drainPerSec: 2 },
  tight: { burst: 5, drainPerSec: 0.5 },
  off: null,
} satisfies Record<string, RateLimitSettings | null>;
export type RateLimitMode = keyof typeof RATE_LIMITS;

const STATIC_FILES: Record<string, string> = {
  'app.js': 'text/javascript; charset=utf-8',
  'bbcode.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
  'favicon.svg': 'image/svg+xml',
};
const PUBLIC_DIR = fileURLToPath(new URL('./public/', import.meta.url));

const userQuery = z.object({ as: z.coerce.number().int().positive() });
const dialogQuery = userQuery.extend({ dialog: z.string().regex(/^(\d+|chat\d+|feed\d+)$/) });
const sendBody = z.object({ as: z.number().int().positive(), dialog: z.string().regex(/^(\d+|chat\d+)$/), text: z.string().min(1).max(20_000) });
const openBody = z.object({ as: z.number().int().positive(), dialog: z.string().regex(/^(\d+|chat\d+|feed\d+)$/) });
/** A deep link's start-up context: a small flat object, as the bot reads it. */
const contextBody = z.object({
  as: z.number().int().positive(),
  dialog: z.string().regex(/^\d+$/),
  context: z.record(z.string().max(40), z.union([z.string().max(100), z.number()])).refine((c) => Object.keys(c).length <= 10, 'too many keys'),
});
const pressBody = z.object({ as: z.number().int().positive(), messageId: z.number().int().positive(), button: z.number().int().min(0) });
const chatBody = z.object({ as: z.number().int().positive(), title: z.string().trim().min(1).max(100), members: z.array(z.number().int().positive()).max(50) });
const memberBody = z.object({ userId: z.number().int().positive(), workgroupId: z.number().int().positive() });
const clockBody = z.object({ hours: z.number().int().min(1).max(24 * 366) });
const rateBody = z.object({ mode: z.enum(['normal', 'tight', 'off']) });
const languageBody = z.object({ language: z.enum(['en', 'ru']) });

class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

export class SandboxWeb {
  readonly inspector: Inspector;
  /** Tells a page that stayed open across a restart to start over. */
  readonly instance = randomUUID();
  private handle: SandboxHandle | undefined;
  private emulator: Emulator | undefined;
  private readonly clients = new Set<ServerResponse>();
  private changeTimer: NodeJS.Timeout | undefined;
  private rateMode: RateLimitMode = 'normal';

  constructor() {
    this.inspector = new Inspector(
      (id) => {
        const user = this.currentPortal()?.state.users.get(id);
        return user ? fullName(user) : undefined;
      },
      () => this.emulator?.oauthRequests ?? [],
    );
    this.inspector.subscribe((row) => this.broadcast('row', row));
  }

  /** Passed to startEmulator({ extend }): the inspector's hooks and the page's routes on the emulator's server. */
  register = async (app: FastifyInstance): Promise<void> => {
    this.inspector.install(app);
    app.addHook('preClose', (done) => {
      // Open event streams would keep the server from closing.
      for (const client of this.clients) client.end();
      this.clients.clear();
      done();
    });
    await app.register(async (child) => this.routes(child));
  };

  /** Starts listening to the emulator's activity: call right after it starts, so the install is logged too. */
  observe(emulator: Emulator): void {
    this.emulator = emulator;
    emulator.on('activity', (entry) => this.onActivity(entry));
  }

  /** The sandbox is ready: the API answers from now on. */
  attach(handle: SandboxHandle): void {
    this.handle = handle;
  }

  /** The demo company is about to be rebuilt: its log goes (the new install's rows follow). */
  resetStarting(): void {
    this.inspector.clear();
    this.rateMode = 'normal';
  }

  /** The new demo company is ready: every open page starts over. */
  resetDone(): void {
    this.broadcast('reset', {});
  }

  private currentPortal(): Portal | undefined {
    return this.handle?.portal ?? this.emulator?.portals.values().next().value;
  }

  private onActivity(entry: ActivityEntry): void {
    this.inspector.onActivity(entry);
    if (entry.kind === 'message' || entry.kind === 'request') this.changed();
  }

  /** Coalesces bursts of changes (a reply is several REST calls) into one nudge for the pages. */
  private changed(): void {
    if (this.changeTimer) return;
    this.changeTimer = setTimeout(() => {
      this.changeTimer = undefined;
      this.broadcast('change', {});
    }, 25);
    this.changeTimer.unref();
  }

  private broadcast(event: string, data: InspectorRow | Record<string, unknown>): void {
    const frame = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const client of this.clients) client.write(frame);
  }

  private need(): SandboxHandle {
    if (!this.handle) throw new HttpError(503, 'The sandbox is still starting');
    return this.handle;
  }

  /**
   * After a membership change made in "Bitrix24 itself" (no REST call, no event: the bot is not told):
   * its membership sync would notice within minutes; the sandbox asks for a pass now.
   */
  private async membershipChanged(h: SandboxHandle): Promise<{ workgroups: ReturnType<typeof workgroupsOf> }> {
    await h.syncMembers();
    this.changed();
    return { workgroups: workgroupsOf(h.portal) };
  }

  private person(portal: Portal, id: number): void {
    const user = portal.state.users.get(id);
    if (!user || user.bot || !user.active) throw new HttpError(404, `No person ${id} on the portal`);
  }

  private async routes(app: FastifyInstance): Promise<void> {
    // The emulator reads every body as a PHP form; the page speaks JSON only (which also keeps other sites'
    // simple cross-origin form posts out: they cannot send application/json without a preflight we never allow).
    app.removeAllContentTypeParsers();
    // Every route of the page, the event stream included: our own address only, and only from our own page.
    app.addHook('onRequest', async (req, reply) => {
      const address = req.server.server.address();
      const port = address && typeof address === 'object' ? address.port : 0;
      const host = req.headers.host;
      if (!hostAllowed(host, port)) return reply.code(421).send({ error: 'This sandbox answers only at its own address' });
      const origin = typeof req.headers.origin === 'string' ? req.headers.origin : undefined;
      if (!originAllowed(origin, host!, req.method, req.headers['content-type'])) {
        return reply.code(403).send({ error: 'Requests from other sites are refused' });
      }
    });
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
      try {
        done(null, String(body) === '' ? {} : (JSON.parse(String(body)) as unknown));
      } catch {
        done(new HttpError(400, 'The body is not valid JSON'), undefined);
      }
    });
    app.setErrorHandler((error: unknown, _request, reply) => {
      if (error instanceof z.ZodError) return reply.code(400).send({ error: error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
      if (error instanceof DriverError) return reply.code(400).send({ error: error.message });
      if (error instanceof HttpError) return reply.code(error.statusCode).send({ error: error.message });
      const status = typeof (error as { statusCode?: unknown }).statusCode === 'number' ? (error as { statusCode: number }).statusCode : 500;
      return reply.code(status).send({ error: error instanceof Error ? error.message : String(error) });
    });

    app.get('/', (_req, reply) => this.file(reply, 'index.html', 'text/html; charset=utf-8'));
    app.get<{ Params: { file: string } }>('/static/:file', (req, reply) => {
      const type = STATIC_FILES[req.params.file];
      if (!type) throw new HttpError(404, 'Not Found');
      return this.file(reply, req.params.file, type);
    });

    app.get('/api/bootstrap', async () => {
      const h = this.need();
      const portal = h.portal;
      const bot = portal.state.users.get(h.botId);
      return {
        instance: this.instance,
        bot: { id: h.botId, name: bot ? fullName(bot) : 'Bot', color: bot?.color ?? '#4ba984', position: bot?.workPosition ?? '' },
        people: peopleOf(portal, await h.moderators()),
        defaultUser: h.demo.moderators[0],
        ...this.portalInfo(h),
      };
    });
    app.get('/api/portal', () => this.portalInfo(this.need()));
    app.get('/api/dialogs', (req) => {
      const h = this.need();
      const { as } = userQuery.parse(req.query);
      this.person(h.portal, as);
      return dialogsOf(h.portal, h.botId, as);
    });
    app.get('/api/conversation', (req) => {
      const h = this.need();
      const { as, dialog } = dialogQuery.parse(req.query);
      this.person(h.portal, as);
      const conversation = conversationOf(h.portal, h.botId, as, dialog);
      if (!conversation) throw new HttpError(404, `Dialog ${dialog} is not open to user ${as}`);
      return conversation;
    });
    // The bytes of a file in a chat, for a person in that chat (the page shows images inline, others as links).
    app.get('/api/file', (req, reply) => {
      const h = this.need();
      const { as, id } = userQuery.extend({ id: z.coerce.number().int().positive() }).parse(req.query);
      this.person(h.portal, as);
      const file = h.portal.state.files.get(id);
      const chat = file ? h.portal.state.chats.get(file.chatId) : undefined;
      if (!file || !chat?.members.has(as)) throw new HttpError(404, 'Not Found');
      const type = fileType(file.name) === 'image' ? `image/${extensionOf(file.name) === 'jpg' ? 'jpeg' : extensionOf(file.name)}` : 'application/octet-stream';
      return reply
        .header('content-type', type)
        .header('content-disposition', `${type === 'application/octet-stream' ? 'attachment' : 'inline'}; filename*=UTF-8''${encodeURIComponent(file.name)}`)
        .send(Buffer.from(file.content));
    });
    app.get('/api/commands', (req) => {
      const h = this.need();
      const { as, dialog } = dialogQuery.parse(req.query);
      this.person(h.portal, as);
      return commandsFor(h.portal, h.botId, as, dialog);
    });
    app.get('/api/inspector', (req) => {
      const after = z.object({ after: z.coerce.number().int().min(0).default(0) }).parse(req.query).after;
      return this.inspector.list(after);
    });
    app.get('/api/stream', (req, reply) => {
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive' });
      res.write(`retry: 1000\n\nevent: hello\ndata: ${JSON.stringify({ instance: this.instance })}\n\n`);
      this.clients.add(res);
      const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
      ping.unref();
      req.raw.on('close', () => {
        clearInterval(ping);
        this.clients.delete(res);
      });
    });

    // ---- what a person does in the messenger ----
    app.post('/api/open', async (req) => {
      const h = this.need();
      const { as, dialog } = openBody.parse(req.body);
      this.person(h.portal, as);
      // Opening the bot's dialog the first time is what makes the portal send ONIMBOTV2JOINCHAT (the welcome).
      if (dialog === String(h.botId) && !h.portal.state.privateChatBetween(as, h.botId)) {
        await h.portal.as(as).openBotDialog(h.botId);
        return { joined: true };
      }
      return { joined: false };
    });
    app.post('/api/context', async (req) => {
      const h = this.need();
      const { as, dialog, context } = contextBody.parse(req.body);
      this.person(h.portal, as);
      const outcomes = await h.portal.as(as).openWithContext(dialog, context);
      return { delivered: outcomes.length };
    });
    app.post('/api/send', async (req) => {
      const h = this.need();
      const { as, dialog, text } = sendBody.parse(req.body);
      const sent = await h.portal.as(as).send(dialog, text);
      return { messageId: sent.messageId };
    });
    app.post('/api/press', async (req) => {
      const h = this.need();
      const { as, messageId, button } = pressBody.parse(req.body);
      const pressed = await h.portal.as(as).press(messageId, button);
      return { action: pressed.action, ...(pressed.messageId ? { messageId: pressed.messageId } : {}) };
    });
    app.post('/api/chat', async (req) => {
      const h = this.need();
      const { as, title, members } = chatBody.parse(req.body);
      for (const id of members) this.person(h.portal, id);
      const chat = await h.portal.createChat({ title, ownerId: as, memberIds: members.filter((id) => id !== as), withBot: h.botId });
      return { dialogId: chat.dialogId };
    });

    // ---- what real portals do to a bot ----
    app.post('/api/control/expire-tokens', () => {
      const h = this.need();
      const now = h.portal.now();
      const live = h.emulator.tokens.forPortal(h.portal.slug).filter((t) => t.expiresAt > now && !t.revoked).length;
      h.portal.expireTokens();
      this.changed();
      return { expired: live };
    });
    app.post('/api/control/rate-limit', (req) => {
      const h = this.need();
      const { mode } = rateBody.parse(req.body);
      h.portal.setRateLimit(RATE_LIMITS[mode]);
      this.rateMode = mode;
      this.changed();
      return this.portalInfo(h);
    });
    app.post('/api/control/workgroup-add', async (req) => {
      const h = this.need();
      const { userId, workgroupId } = memberBody.parse(req.body);
      const group = h.portal.state.workgroups.get(workgroupId);
      if (!group) throw new HttpError(404, `No workgroup ${workgroupId}`);
      this.person(h.portal, userId);
      const role = group.members.get(userId)?.role;
      if (role && role !== 'Z') throw new HttpError(409, `User ${userId} is already in ${group.name}`);
      // As if the owner added them in Bitrix24 itself: no REST call, no event, the bot is not told.
      setMember(h.portal.state, group, userId, 'K', group.ownerId, h.portal.now());
      return this.membershipChanged(h);
    });
    app.post('/api/control/workgroup-remove', async (req) => {
      const h = this.need();
      const { userId, workgroupId } = memberBody.parse(req.body);
      const group = h.portal.state.workgroups.get(workgroupId);
      if (!group) throw new HttpError(404, `No workgroup ${workgroupId}`);
      if (!group.members.has(userId)) throw new HttpError(409, `User ${userId} is not in ${group.name}`);
      // As if the owner removed them in Bitrix24 itself: no REST call, no event, the bot is not told.
      h.portal.removeFromWorkgroup(workgroupId, userId);
      return this.membershipChanged(h);
    });
    app.post('/api/control/accept-invitation', async (req) => {
      const h = this.need();
      const { userId, workgroupId } = memberBody.parse(req.body);
      await h.portal.as(userId).acceptInvitation(workgroupId);
      return this.membershipChanged(h);
    });
    app.post('/api/control/clock', async (req) => {
      const h = this.need();
      const { hours } = clockBody.parse(req.body);
      await h.advanceClock(hours * 3_600_000);
      this.changed();
      return this.portalInfo(h);
    });
    app.post('/api/control/language', (req) => {
      const h = this.need();
      const { language } = languageBody.parse(req.body);
      // Events carry the portal's language, and the bot answers in it.
      h.portal.state.identity.language = language;
      this.changed();
      return this.portalInfo(h);
    });
    app.post('/api/control/reset', async () => {
      const h = this.need();
      await h.reset();
      return { ok: true };
    });
  }

  private portalInfo(h: SandboxHandle) {
    const portal = h.portal;
    return {
      domain: portal.state.identity.domain,
      language: portal.state.identity.language,
      utcOffsetMinutes: portal.state.identity.utcOffsetMinutes,
      now: portal.now(),
      clockOffsetMs: portal.now() - Date.now(),
      rateLimit: { mode: this.rateMode, settings: RATE_LIMITS[this.rateMode], level: Math.round(portal.bucket.current() * 10) / 10 },
      workgroups: workgroupsOf(portal),
    };
  }

  private async file(reply: FastifyReply, name: string, type: string): Promise<FastifyReply> {
    const body = await readFile(`${PUBLIC_DIR}${name}`);
    return reply.header('content-type', type).header('cache-control', 'no-cache').send(body);
  }
}
