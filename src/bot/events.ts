// zod schemas for what the portal sends (webhook form strings or fetch-mode JSON) and the typed BotEvent we hand on.
import { z } from 'zod';
import { wellFormed } from '../domain/text.js';

// ── scalars: webhook events carry every scalar as a string ("812", "1"/"0"); fetch mode carries native types.
// Ids are whole numbers of at most 12 digits either way: 1e308, -7, 1.5 or 2^53+1 are not ids.
const id = z.union([z.number().int().min(0).max(999_999_999_999), z.string().regex(/^\d{1,12}$/)]).transform((v) => Number(v));
const optId = z.union([id, z.literal(''), z.null()]).optional().transform((v) => (typeof v === 'number' ? v : 0));
const str = z.union([z.string(), z.number()]).transform(String);
const optStr = z.union([z.string(), z.number(), z.null(), z.boolean()]).optional()
  .transform((v) => (v === undefined || v === null || v === false ? '' : String(v)));
const bool = z
  .union([z.boolean(), z.string(), z.number(), z.null()])
  .optional()
  .transform((v) => v === true || v === 1 || (typeof v === 'string' && ['1', 'y', 'true'].includes(v.toLowerCase())));
const short = (max: number) => optStr.refine((s) => s.length <= max, `longer than ${max}`);

/** The top-level `auth` block: the acting user's tokens (when the action has a user) and the installation's identity. */
export const authSchema = z.object({
  access_token: optStr,
  refresh_token: optStr,
  expires: optStr,
  expires_in: optStr,
  scope: optStr,
  domain: short(255),
  server_endpoint: short(500),
  client_endpoint: short(500),
  member_id: z.string().min(1).max(64),
  user_id: optStr,
  status: optStr,
  application_token: z.string().min(1).max(128),
});
export type RawAuth = z.infer<typeof authSchema>;

/** Just enough to verify a request before we look at anything else. */
export const envelopeSchema = z.object({
  event: z.string().min(1).max(64),
  auth: z.object({ member_id: z.string().min(1).max(64), application_token: z.string().min(1).max(128) }).passthrough(),
});

const userSchema = z.object({
  id,
  name: short(300),
  firstName: short(200),
  lastName: short(200),
  extranet: bool,
  bot: bool,
  type: optStr,
  workPosition: short(300),
});

const chatSchema = z.object({
  id: optId,
  dialogId: short(40),
  name: short(500),
  type: optStr,
  messageType: optStr,
  entityType: optStr,
  entityId: optStr,
});

const messageSchema = z.object({
  id,
  chatId: optId,
  authorId: optId,
  text: short(20_100),
  date: short(40),
  // Only the ids of attached files are read (bot doc §3.4, §10); other params keys are not ours to check.
  params: z.unknown().optional(),
});

/** Drive ids in `params.FILE_ID` (a list in JSON, a PHP map in a form): anything unreadable is no file. */
function fileIdsOf(params: unknown): number[] {
  if (params === null || typeof params !== 'object' || Array.isArray(params)) return [];
  const raw = (params as Record<string, unknown>).FILE_ID;
  const items = Array.isArray(raw) ? raw : raw !== null && typeof raw === 'object' ? Object.values(raw) : raw === undefined ? [] : [raw];
  const ids: number[] = [];
  for (const item of items.slice(0, 50)) {
    const parsed = id.safeParse(item);
    if (parsed.success && parsed.data > 0 && !ids.includes(parsed.data)) ids.push(parsed.data);
  }
  return ids;
}

const botSchema = z.object({ id, code: optStr });

const commandData = z.object({
  bot: botSchema,
  command: z.object({
    id,
    command: z.string().min(1).max(100),
    params: short(20_100),
    context: optStr,
  }),
  message: messageSchema,
  chat: chatSchema.optional(),
  user: userSchema,
  language: optStr,
});

const messageData = z.object({
  bot: botSchema,
  message: messageSchema,
  chat: chatSchema,
  user: userSchema,
  language: optStr,
});

const joinData = z.object({
  bot: botSchema,
  dialogId: z.union([z.string(), z.number()]).transform(String).optional(),
  chat: chatSchema.optional(),
  user: userSchema,
  language: optStr,
});

/**
 * ONIMBOTV2CONTEXTGET: a chat with the bot opened by a link carrying BOT_CONTEXT (bot doc 11). The
 * context is any JSON the link's author chose: untrusted, read only as a small flat object (webhook
 * mode brings its values as strings, data[context][id]=5).
 */
const contextData = joinData.extend({
  context: z.record(z.string().max(40), z.unknown()).optional(),
});

const deleteData = z.object({ bot: botSchema });

// ── the typed event every handler sees: product words, camelCase, numbers as numbers.
export interface EventUser {
  id: number;
  name: string;
  extranet: boolean;
}

export interface EventChat {
  dialogId: string;
  chatId: number;
  isPrivate: boolean;
  title: string;
  entityType: string;
}

/** The acting user's OAuth token set from the top-level auth block (absent when no user is behind the event). */
export interface UserAuth {
  accessToken: string;
  refreshToken: string;
  expires: number;
  userId: number;
  clientEndpoint: string;
  serverEndpoint: string;
  domain: string;
  scope: string;
}

interface Base {
  memberId: string;
  botId: number;
  language: string;
  /** Event identity for de-duplication: the fetch queue's eventId, or a key built from message and command ids. */
  dedupeKey: string | null;
  auth: UserAuth | null;
  /** The portal's offset from UTC in minutes, read off the message's date when it has one. */
  utcOffset?: number;
}

export type BotEvent =
  | (Base & { kind: 'message'; user: EventUser; chat: EventChat; messageId: number; text: string; fileIds?: number[] })
  | (Base & {
      kind: 'command';
      user: EventUser;
      chat: EventChat | null;
      messageId: number;
      commandId: number;
      command: string;
      params: string;
      context: 'textarea' | 'keyboard' | 'menu';
      /** Files sent with the typed command (its message's). */
      fileIds?: number[];
    })
  | (Base & { kind: 'join'; user: EventUser; chat: EventChat })
  | (Base & { kind: 'context'; user: EventUser; chat: EventChat; context: Record<string, string> })
  | (Base & { kind: 'botDeleted' })
  | (Base & { kind: 'uninstall'; clean: boolean })
  /** ONUSERADD: someone finished registering on the portal (bound at install, webhook mode only). */
  | (Base & { kind: 'userAdded'; userId: number })
  | (Base & { kind: 'ignored'; type: string });

export class EventShapeError extends Error {
  readonly code = 'BAD_EVENT';
}

function toUser(u: z.infer<typeof userSchema>): EventUser {
  const name = wellFormed(u.name || [u.firstName, u.lastName].filter(Boolean).join(' ') || `#${u.id}`);
  return { id: u.id, name, extranet: u.extranet || u.type === 'extranet' };
}

function toChat(c: z.infer<typeof chatSchema> | undefined, fallbackDialogId: string): EventChat {
  const dialogId = c?.dialogId || fallbackDialogId;
  return {
    dialogId,
    chatId: c?.id ?? 0,
    isPrivate: /^\d+$/.test(dialogId) || c?.type === 'private' || c?.messageType === 'P',
    title: wellFormed(c?.name ?? ''),
    entityType: c?.entityType ?? '',
  };
}

export function toUserAuth(a: RawAuth | undefined): UserAuth | null {
  if (!a || !a.access_token) return null;
  const userId = Number(a.user_id);
  return {
    accessToken: a.access_token,
    refreshToken: a.refresh_token,
    expires: Number(a.expires) || 0,
    userId: Number.isFinite(userId) ? userId : 0,
    clientEndpoint: a.client_endpoint,
    serverEndpoint: a.server_endpoint,
    domain: a.domain,
    scope: a.scope,
  };
}

function parse<T extends z.ZodTypeAny>(schema: T, data: unknown, type: string): z.infer<T> {
  const r = schema.safeParse(data);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new EventShapeError(`${type}: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid'}`);
  }
  return r.data;
}

/**
 * Turns one portal event (its name, `data` and the top-level `auth`) into a BotEvent.
 * `eventId` is given in fetch mode; webhook events are de-duplicated by message and command ids.
 */
export function normalizeEvent(
  type: string,
  data: unknown,
  memberId: string,
  auth: RawAuth | undefined,
  eventId?: number,
): BotEvent {
  const upper = type.toUpperCase();
  const userAuth = toUserAuth(auth);
  const baseKey = eventId !== undefined ? `e${eventId}` : null;
  /** A chat someone opened or added the bot to (JOINCHAT, CONTEXTGET): who, where, and the event's identity. */
  const openedChat = (d: z.infer<typeof joinData>) => ({
    memberId,
    botId: d.bot.id,
    language: d.language,
    dedupeKey: baseKey,
    auth: userAuth,
    user: toUser(d.user),
    chat: toChat(d.chat, d.dialogId ?? String(d.user.id)),
  });
  switch (upper) {
    case 'ONIMBOTV2COMMANDADD': {
      const d = parse(commandData, data, upper);
      const ctx = d.command.context === 'keyboard' || d.command.context === 'menu' ? d.command.context : 'textarea';
      // Repeated clicks legitimately carry the same message id, so only typed commands are de-duplicated by content.
      const key = baseKey ?? (ctx === 'textarea' ? `c${d.message.id}:${d.command.id}:${d.command.params}` : null);
      return {
        kind: 'command',
        memberId,
        botId: d.bot.id,
        language: d.language,
        dedupeKey: key,
        auth: userAuth,
        user: toUser(d.user),
        chat: d.chat && d.chat.dialogId ? toChat(d.chat, '') : null,
        messageId: d.message.id,
        commandId: d.command.id,
        command: d.command.command.replace(/^\//, ''),
        // What people type is kept in one Unicode form (NFC), so "Café" composed and decomposed are one name.
        params: d.command.params.normalize('NFC'),
        context: ctx,
        fileIds: ctx === 'textarea' ? fileIdsOf(d.message.params) : [],
        ...offsetOf(d.message.date),
      };
    }
    case 'ONIMBOTV2MESSAGEADD': {
      const d = parse(messageData, data, upper);
      return {
        kind: 'message',
        memberId,
        botId: d.bot.id,
        language: d.language,
        dedupeKey: baseKey ?? `m${d.message.id}`,
        auth: userAuth,
        user: toUser(d.user),
        chat: toChat(d.chat, String(d.user.id)),
        messageId: d.message.id,
        text: d.message.text.normalize('NFC'),
        fileIds: fileIdsOf(d.message.params),
        ...offsetOf(d.message.date),
      };
    }
    case 'ONIMBOTV2JOINCHAT': {
      return { kind: 'join', ...openedChat(parse(joinData, data, upper)) };
    }
    case 'ONIMBOTV2CONTEXTGET': {
      const d = parse(contextData, data, upper);
      // Only short scalar values are kept: nothing nested, nothing long, ever reaches a handler.
      const context: Record<string, string> = {};
      for (const [k, v] of Object.entries(d.context ?? {}).slice(0, 10)) {
        if ((typeof v === 'string' || typeof v === 'number') && String(v).length <= 100) context[k] = String(v);
      }
      // Opening the same link twice is two openings: only the fetch queue's id de-duplicates.
      return { kind: 'context', ...openedChat(d), context };
    }
    case 'ONIMBOTV2DELETE': {
      const d = parse(deleteData, data, upper);
      return { kind: 'botDeleted', memberId, botId: d.bot.id, language: '', dedupeKey: baseKey, auth: null };
    }
    case 'ONAPPUNINSTALL': {
      const clean = z.object({ CLEAN: optStr }).passthrough().safeParse(data ?? {});
      return {
        kind: 'uninstall',
        memberId,
        botId: 0,
        language: '',
        dedupeKey: null,
        auth: null,
        clean: clean.success && clean.data.CLEAN === '1',
      };
    }
    case 'ONUSERADD': {
      // The form body carries data[ID] (a string) and some profile fields; only the id is trusted,
      // the rest is read again with user.get (fields may be missing where the app lacks access).
      const d = z.object({ ID: z.union([z.number(), z.string()]).transform(Number).pipe(z.number().int().positive()) }).passthrough().safeParse(data ?? {});
      if (!d.success) throw new EventShapeError(`${upper}: data.ID: not a user id`);
      return { kind: 'userAdded', userId: d.data.ID, memberId, botId: 0, language: '', dedupeKey: baseKey ?? `u${d.data.ID}`, auth: null };
    }
    default:
      return { kind: 'ignored', type: upper, memberId, botId: 0, language: '', dedupeKey: baseKey, auth: null };
  }
}

/** The `ONAPPINSTALL` body posted to the install URL. */
export const installSchema = z.object({
  event: z.string().refine((e) => e.toUpperCase() === 'ONAPPINSTALL', 'not ONAPPINSTALL'),
  data: z.object({ LANGUAGE_ID: optStr, VERSION: optStr }).passthrough().optional(),
  auth: authSchema.extend({
    access_token: z.string().min(1).max(256),
    refresh_token: z.string().min(1).max(256),
    client_endpoint: z.string().min(1).max(500),
  }),
});
export type InstallBody = z.infer<typeof installSchema>;

/**
 * Message dates are ISO 8601 with the portal's offset (`2026-11-20T10:15:00+03:00`, bot doc 4.1 and
 * its examples). That this offset is the portal's time zone rather than the server's is our reading
 * of the examples [unconfirmed]; an absent or odd date gives nothing and the stored offset stands.
 */
export function offsetOf(date: string): { utcOffset?: number } {
  const m = /T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:(Z)|([+-])(\d{2}):?(\d{2}))$/.exec(date.trim());
  if (!m) return {};
  if (m[1]) return { utcOffset: 0 };
  const minutes = Number(m[3]) * 60 + Number(m[4]);
  if (minutes > 14 * 60) return {};
  return { utcOffset: m[2] === '-' ? -minutes : minutes };
}
