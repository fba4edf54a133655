// Owner resolution and bot lookup every imbot.v2 method starts with (bot doc §1.2, checklist 2).
import { imbotError, missingArgument } from '../errors.js';
import { pick, toInt, toStr } from '../params.js';
import type { CallContext } from '../registry.js';
import type { BotRecord, ChatRecord } from '../types.js';

export const WEBHOOK_OWNER_PREFIX = 'custom';

export const botTokenNotSpecified = () =>
  imbotError('BOT_TOKEN_NOT_SPECIFIED', 'Bot token not specified (botToken is required for webhook auth)');

/**
 * The owner key of the call: the app's client_id under OAuth; `custom` + botToken (or the legacy
 * CLIENT_ID) under an inbound webhook. `fallbackToken` is Bot.register's `fields.botToken`.
 */
export function resolveOwner(ctx: CallContext, fallbackToken?: string): string {
  if (ctx.caller.kind === 'oauth' && ctx.caller.installation) return ctx.caller.installation.clientId;
  const botToken = toStr(pick(ctx.params, 'botToken', 'BOT_TOKEN'));
  if (botToken) return WEBHOOK_OWNER_PREFIX + botToken;
  const legacy = toStr(pick(ctx.params, 'clientId', 'CLIENT_ID'));
  if (legacy) return WEBHOOK_OWNER_PREFIX + legacy;
  if (fallbackToken) return WEBHOOK_OWNER_PREFIX + fallbackToken;
  throw botTokenNotSpecified();
}

/** BOT_ID_REQUIRED → BOT_NOT_FOUND → BOT_OWNERSHIP_ERROR, in that order. */
export function requireOwnedBot(ctx: CallContext, owner: string): BotRecord {
  const botId = toInt(pick(ctx.params, 'botId', 'BOT_ID'));
  if (botId <= 0) throw imbotError('BOT_ID_REQUIRED', 'botId is required');
  const bot = ctx.portal.state.bots.get(botId);
  if (!bot) throw imbotError('BOT_NOT_FOUND', 'Bot not found');
  if (bot.ownerKey !== owner) throw imbotError('BOT_OWNERSHIP_ERROR', 'Bot was installed by another rest application');
  return bot;
}

/** Owner + owned bot, the prologue of every bot-bound method. */
export function ownedBot(ctx: CallContext): BotRecord {
  return requireOwnedBot(ctx, resolveOwner(ctx));
}

export const accessDenied = (text = 'Access denied') => imbotError('ACCESS_DENIED', text);

/** The `dialogId` argument as a string (a number is accepted, as PHP would cast it). */
export function dialogIdParam(ctx: CallContext): string {
  const dialogId = toStr(pick(ctx.params, 'dialogId', 'DIALOG_ID'));
  if (dialogId === undefined) throw missingArgument('dialogId');
  return dialogId;
}

/** The chat a dialogId names from the bot's side; `create` opens a private dialog on demand. */
export function botChat(ctx: CallContext, bot: BotRecord, dialogId: string, create: boolean): ChatRecord | undefined {
  return ctx.portal.state.resolveDialog(bot.id, dialogId, create, ctx.portal.now());
}

/** The chat the bot is a member of, else ACCESS_DENIED. */
export function memberChat(ctx: CallContext, bot: BotRecord, dialogId: string): ChatRecord {
  const chat = botChat(ctx, bot, dialogId, false);
  if (!chat || !chat.members.has(bot.id)) throw accessDenied();
  return chat;
}
