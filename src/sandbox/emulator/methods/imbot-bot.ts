// imbot.v2.Bot.*, Revision.get and Event.get: bot lifecycle and the fetch-mode queue (bot doc §2, §6).
import { bindBotSubscriptions, removeBot } from '../bots.js';
import { imbotError, SystemErrors } from '../errors.js';
import { formatBotOwner, formatBotShort, formatUser } from '../format.js';
import { isValidLink } from '../keyboard.js';
import { isoDate, v2Bool } from '../php.js';
import { fieldsOf, pick, toInt, toRecord, toStr } from '../params.js';
import { methods, type CallContext, type MethodDef } from '../registry.js';
import { CHAT_COLORS } from '../state.js';
import type { BotRecord, BotType, EventMode, UserRecord } from '../types.js';
import { botTokenNotSpecified, ownedBot, resolveOwner, requireOwnedBot, WEBHOOK_OWNER_PREFIX } from './imbot-common.js';

const BOT_TYPES: readonly BotType[] = ['bot', 'supervisor', 'personal', 'openline', 'network'];
const BACKGROUNDS = new Set(['azure', 'mint', 'steel', 'slate', 'teal', 'cornflower', 'sky', 'peach', 'frost']);
const MAX_BOT_TOKEN = 40;
const MAX_BOTS_PER_OWNER = 100;
const RETENTION_MS = 24 * 3600 * 1000;

const err = {
  codeRequired: () => imbotError('BOT_CODE_REQUIRED', 'Bot code is required'),
  propertiesRequired: () => imbotError('BOT_PROPERTIES_REQUIRED', 'Bot properties are required'),
  eventMode: () => imbotError('BOT_INVALID_EVENT_MODE', 'Invalid event mode'),
  webhookUrl: () => imbotError('BOT_WEBHOOK_URL_REQUIRED', 'Webhook URL is required for webhook event mode'),
  taken: () => imbotError('BOT_CODE_ALREADY_TAKEN', 'Bot with this code already exists'),
  type: () => imbotError('BOT_INVALID_TYPE', 'Invalid bot type'),
  callback: () => imbotError('BOT_INVALID_CALLBACK', 'Invalid callback URL'),
  limit: () => imbotError('BOT_LIMIT_EXCEEDED', 'Bot limit exceeded'),
  tokenLength: () => imbotError('BOT_TOKEN_INVALID_LENGTH', 'Bot token must not exceed 40 characters'),
  rotation: () => imbotError('BOT_TOKEN_ROTATION_FAILED', 'Bot token rotation failed'),
  notFound: () => imbotError('BOT_NOT_FOUND', 'Bot not found'),
};

function parseEventMode(value: unknown): EventMode {
  const mode = String(value ?? 'fetch').toLowerCase();
  if (mode !== 'fetch' && mode !== 'webhook') throw err.eventMode();
  return mode;
}

/** Any absolute http(s) URL; private addresses are allowed so local bots can be tested. */
function checkCallback(url: unknown): string {
  if (typeof url !== 'string' || !isValidLink(url) || url.startsWith('/')) throw err.callback();
  return url;
}

function colorHex(value: unknown): string | undefined {
  return typeof value === 'string' ? CHAT_COLORS[value] : undefined;
}

function applyProperties(user: UserRecord, properties: Record<string, unknown>): void {
  const name = toStr(pick(properties, 'name', 'NAME'));
  if (name) user.name = name;
  const lastName = toStr(pick(properties, 'lastName', 'LAST_NAME'));
  if (lastName !== undefined) user.lastName = lastName;
  const position = toStr(pick(properties, 'workPosition', 'WORK_POSITION'));
  if (position !== undefined) user.workPosition = position;
  const color = colorHex(pick(properties, 'color', 'COLOR'));
  if (color) user.color = color;
  const gender = pick(properties, 'gender', 'GENDER');
  if (gender === 'M' || gender === 'F') user.gender = gender;
}

function botResult(ctx: CallContext, bot: BotRecord, owner: boolean): Record<string, unknown> {
  const state = ctx.portal.state;
  const user = state.users.get(bot.id);
  return {
    bot: owner ? formatBotOwner(bot, state) : formatBotShort(bot, state.identity.language),
    users: user ? [formatUser(user)] : [],
  };
}

function register(ctx: CallContext) {
  const f = fieldsOf(ctx.params);
  const fieldsToken = toStr(pick(f, 'botToken', 'BOT_TOKEN'));
  const owner = resolveOwner(ctx, fieldsToken);
  if (owner.startsWith(WEBHOOK_OWNER_PREFIX) && owner.length - WEBHOOK_OWNER_PREFIX.length > MAX_BOT_TOKEN) throw err.tokenLength();
  const code = toStr(pick(f, 'code', 'CODE')) ?? '';
  if (code === '') throw err.codeRequired();
  const properties = toRecord(f.properties ?? f.PROPERTIES);
  if (!toStr(pick(properties, 'name', 'NAME'))) throw err.propertiesRequired();
  const eventMode = parseEventMode(pick(f, 'eventMode', 'EVENT_MODE'));
  const webhookUrl = pick(f, 'webhookUrl', 'WEBHOOK_URL');
  if (eventMode === 'webhook' && webhookUrl === undefined) throw err.webhookUrl();

  const state = ctx.portal.state;
  const existing = state.botByCode(code);
  if (existing) {
    // Same owner: the existing bot, unchanged. Another owner: the code is taken portal-wide.
    if (existing.ownerKey === owner) return { result: botResult(ctx, existing, true) };
    throw err.taken();
  }
  const type = String(pick(f, 'type', 'TYPE') ?? 'bot') as BotType;
  if (!BOT_TYPES.includes(type)) throw err.type();
  const url = eventMode === 'webhook' ? checkCallback(webhookUrl) : webhookUrl === undefined ? null : checkCallback(webhookUrl);
  const owned = [...state.bots.values()].filter((b) => b.ownerKey === owner).length;
  if (owned >= MAX_BOTS_PER_OWNER) throw err.limit();

  const now = ctx.portal.now();
  const id = state.nextId('user');
  const user: UserRecord = {
    id,
    name: '',
    lastName: '',
    email: '',
    gender: '',
    admin: false,
    extranet: false,
    bot: true,
    active: true,
    workPosition: '',
    departments: [],
    color: state.colorFor(id),
    registeredAt: now,
  };
  applyProperties(user, properties);
  state.users.set(id, user);
  const background = toStr(pick(f, 'backgroundId', 'BACKGROUND_ID'));
  const bot: BotRecord = {
    id,
    code,
    type,
    ownerKey: owner,
    eventMode,
    webhookUrl: url,
    isHidden: v2Bool(pick(f, 'isHidden', 'IS_HIDDEN'), false),
    isReactionsEnabled: v2Bool(pick(f, 'isReactionsEnabled', 'IS_REACTIONS_ENABLED'), true),
    isSupportOpenline: v2Bool(pick(f, 'isSupportOpenline', 'IS_SUPPORT_OPENLINE'), false),
    backgroundId: background && BACKGROUNDS.has(background) ? background : null,
    createdAt: now,
  };
  state.bots.set(id, bot);
  bindBotSubscriptions(state, bot);
  return { result: botResult(ctx, bot, true) };
}

function update(ctx: CallContext) {
  const owner = resolveOwner(ctx);
  const bot = requireOwnedBot(ctx, owner);
  const state = ctx.portal.state;
  const f = fieldsOf(ctx.params);
  const properties = toRecord(f.properties ?? f.PROPERTIES);
  const nextMode = f.eventMode !== undefined ? parseEventMode(f.eventMode) : bot.eventMode;
  const newUrl = f.webhookUrl !== undefined && f.webhookUrl !== '' ? checkCallback(f.webhookUrl) : undefined;
  if (nextMode === 'webhook' && !newUrl && !bot.webhookUrl) throw err.webhookUrl();

  const rawToken = toStr(pick(f, 'botToken', 'BOT_TOKEN'))?.trim();
  if (rawToken) {
    if (rawToken.length > MAX_BOT_TOKEN) throw err.tokenLength();
    const nextOwner = WEBHOOK_OWNER_PREFIX + rawToken;
    if (nextOwner !== owner) {
      // Only webhook-owned bots rotate; a key held by another bot is refused without saying why.
      if (!owner.startsWith(WEBHOOK_OWNER_PREFIX)) throw err.rotation();
      if ([...state.bots.values()].some((b) => b.id !== bot.id && b.ownerKey === nextOwner)) throw err.rotation();
      bot.ownerKey = nextOwner;
      for (const command of state.commands.values()) if (command.botId === bot.id) command.ownerKey = nextOwner;
    }
  }
  const user = state.users.get(bot.id);
  if (user) applyProperties(user, properties);
  if (f.isHidden !== undefined) bot.isHidden = v2Bool(f.isHidden, bot.isHidden);
  if (f.isReactionsEnabled !== undefined) bot.isReactionsEnabled = v2Bool(f.isReactionsEnabled, bot.isReactionsEnabled);
  if (f.isSupportOpenline !== undefined) bot.isSupportOpenline = v2Bool(f.isSupportOpenline, bot.isSupportOpenline);
  if ('backgroundId' in f) {
    const bg = toStr(f.backgroundId);
    bot.backgroundId = bg && BACKGROUNDS.has(bg) ? bg : null;
  }
  const modeChanged = nextMode !== bot.eventMode;
  const urlChanged = newUrl !== undefined && newUrl !== bot.webhookUrl;
  bot.eventMode = nextMode;
  if (newUrl !== undefined) bot.webhookUrl = newUrl;
  if (modeChanged || urlChanged) bindBotSubscriptions(state, bot);
  return { result: botResult(ctx, bot, true) };
}

function get(ctx: CallContext) {
  // Any user may read a bot; webhook auth still needs botToken to tell owners apart.
  let owner: string;
  try {
    owner = resolveOwner(ctx);
  } catch {
    throw botTokenNotSpecified();
  }
  const state = ctx.portal.state;
  const botId = toInt(pick(ctx.params, 'botId', 'BOT_ID'));
  const code = toStr(pick(ctx.params, 'code', 'CODE'));
  let bot: BotRecord | undefined;
  if (botId > 0) bot = state.bots.get(botId);
  else if (code !== undefined) bot = state.botByCode(code);
  else throw imbotError('PARAMS_REQUIRED', 'botId or code is required');
  if (!bot) throw err.notFound();
  return { result: botResult(ctx, bot, bot.ownerKey === owner) };
}

function list(ctx: CallContext) {
  const owner = resolveOwner(ctx);
  const state = ctx.portal.state;
  const type = toStr(toRecord(ctx.params.filter ?? ctx.params.FILTER).type);
  const limit = Math.max(1, toInt(pick(ctx.params, 'limit', 'LIMIT') ?? 50));
  const offset = Math.max(0, toInt(pick(ctx.params, 'offset', 'OFFSET')));
  const bots = [...state.bots.values()]
    .filter((b) => b.ownerKey === owner && (!type || b.type === type))
    .sort((a, b) => a.id - b.id)
    .slice(offset, offset + limit);
  return {
    result: {
      bots: bots.map((b) => formatBotOwner(b, state)),
      users: bots.map((b) => state.users.get(b.id)).filter((u): u is UserRecord => u !== undefined).map(formatUser),
      hasNextPage: bots.length === limit,
    },
  };
}

function unregister(ctx: CallContext) {
  const bot = ownedBot(ctx);
  void removeBot(ctx.portal, bot, ctx.caller.user.id);
  return { result: { result: true } };
}

function eventGet(ctx: CallContext) {
  const bot = ownedBot(ctx);
  const state = ctx.portal.state;
  if (v2Bool(pick(ctx.params, 'withUserEvents', 'WITH_USER_EVENTS'), false)) {
    if (!ctx.caller.scopes.has('im')) throw imbotError('SCOPE_ERROR', 'Scope "im" is required to read user events');
    // im.v2.Event.subscribe is not emulated, so no user is ever subscribed.
    throw imbotError('USER_NOT_SUBSCRIBED', 'User is not subscribed to events');
  }
  const now = ctx.portal.now();
  state.queue = state.queue.filter((row) => now - row.date < RETENTION_MS);
  const offset = Math.max(0, toInt(pick(ctx.params, 'offset', 'OFFSET')));
  if (offset > 0) state.queue = state.queue.filter((row) => row.botId !== bot.id || row.eventId >= offset);
  const rawLimit = pick(ctx.params, 'limit', 'LIMIT');
  const limit = Math.min(1000, Math.max(1, rawLimit === undefined ? 100 : toInt(rawLimit)));
  const rows = state.queue.filter((row) => row.botId === bot.id && row.eventId >= offset).sort((a, b) => a.eventId - b.eventId).slice(0, limit);
  const offsetMinutes = state.identity.utcOffsetMinutes;
  const events = rows.map((row) => ({ eventId: row.eventId, type: row.type, date: isoDate(row.date, offsetMinutes), data: row.data }));
  if (ctx.portal.restRevision < LEGACY_EVENT_GET_BEFORE) {
    // Before BOT-BC-0325-1 the client computed the next offset as lastEventId + 1. [unconfirmed] what an
    // empty page said (null here) and whether hasMore was there (it is kept).
    return { result: { events, lastEventId: rows.at(-1)?.eventId ?? null, hasMore: rows.length === limit } };
  }
  return {
    result: {
      events,
      nextOffset: rows.length > 0 ? (rows.at(-1)?.eventId ?? 0) + 1 : offset,
      hasMore: rows.length === limit,
    },
  };
}

/**
 * Revision.get came with REST revision 33 (BOT-NEW-0402-1). [unconfirmed] the revision nextOffset came
 * with: BOT-BC-0325-1 (25.03.2026) names none; it is dated before revision 33's entries, so 33 here.
 */
const REVISION_GET_SINCE = 33;
const LEGACY_EVENT_GET_BEFORE = 33;

/** No parameters, no botId or botToken; any user (revision-get page). */
function revisionGet(ctx: CallContext) {
  if (ctx.portal.restRevision < REVISION_GET_SINCE) throw SystemErrors.methodNotFound();
  return { result: { rest: ctx.portal.restRevision, web: 130, mobile: 26, desktop: 19 } };
}

export const imbotBotMethods: MethodDef[] = methods(['imbot'], {
  'imbot.v2.Bot.register': register,
  'imbot.v2.Bot.update': update,
  'imbot.v2.Bot.get': get,
  'imbot.v2.Bot.list': list,
  'imbot.v2.Bot.unregister': unregister,
  'imbot.v2.Event.get': eventGet,
  'imbot.v2.Revision.get': revisionGet,
});
