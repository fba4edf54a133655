// The rest of imbot.v2's chat surface: reactions, typing, text field, read marks, managers, owner, reading others' messages.
import { imbotError, missingArgument } from '../errors.js';
import { formatMessage, formatUser } from '../format.js';
import { v2Bool } from '../php.js';
import { pick, toIdList, toInt, toStr } from '../params.js';
import { methods, type CallContext, type MethodDef } from '../registry.js';
import type { BotRecord, ChatRecord, MessageRecord, UserRecord } from '../types.js';
import { accessDenied, dialogIdParam, memberChat, ownedBot } from './imbot-common.js';

/** Reaction codes of bot doc §8.6 (the list may change without notice). */
export const REACTION_CODES = new Set([
  'like', 'dislike', 'faceWithTearsOfJoy', 'redHeart', 'neutralFace', 'fire', 'cry', 'slightlySmilingFace', 'winkingFace',
  'laugh', 'kiss', 'wonder', 'slightlyFrowningFace', 'loudlyCryingFace', 'faceWithStuckOutTongue',
  'faceWithStuckOutTongueAndWinkingEye', 'smilingFaceWithSunglasses', 'confusedFace', 'flushedFace', 'thinkingFace', 'angry',
  'smilingFaceWithHorns', 'faceWithThermometer', 'facepalm', 'poo', 'flexedBiceps', 'clappingHands', 'raisedHand',
  'smilingFaceWithHeartEyes', 'smilingFaceWithHearts', 'pleadingFace', 'relievedFace', 'foldedHands', 'okHand', 'signHorns',
  'loveYouGesture', 'clownFace', 'partyingFace', 'questionMark', 'exclamationMark', 'lightBulb', 'bomb', 'sleepingSymbol',
  'crossMark', 'whiteHeavyCheckMark', 'eyes', 'handshake', 'hundredPoints',
]);

function messageInBotChat(ctx: CallContext, bot: BotRecord, denied: () => Error): { message: MessageRecord; chat: ChatRecord } {
  const id = toInt(pick(ctx.params, 'messageId', 'MESSAGE_ID'));
  if (id <= 0) throw missingArgument('messageId');
  const message = ctx.portal.state.messages.get(id);
  const chat = message ? ctx.portal.state.chats.get(message.chatId) : undefined;
  if (!message || message.deleted || !chat || !chat.members.has(bot.id)) throw denied();
  return { message, chat };
}

function reaction(ctx: CallContext, add: boolean) {
  const bot = ownedBot(ctx);
  const { message } = messageInBotChat(ctx, bot, () => accessDenied());
  const code = toStr(pick(ctx.params, 'reaction', 'REACTION')) ?? '';
  if (!REACTION_CODES.has(code)) throw imbotError('REACTION_NOT_FOUND', 'Reaction not found');
  const reactions = (message.reactions ??= {});
  const who = reactions[code] ?? [];
  if (add) {
    if (who.includes(bot.id)) throw imbotError('REACTION_ALREADY_SET', 'Reaction already set');
    reactions[code] = [...who, bot.id];
  } else {
    reactions[code] = who.filter((id) => id !== bot.id);
  }
  return { result: { result: true } };
}

function inputAction(ctx: CallContext) {
  const bot = ownedBot(ctx);
  memberChat(ctx, bot, dialogIdParam(ctx));
  return { result: { result: true } };
}

function textField(ctx: CallContext) {
  const bot = ownedBot(ctx);
  const chat = memberChat(ctx, bot, dialogIdParam(ctx));
  chat.textFieldEnabled = v2Bool(pick(ctx.params, 'enabled', 'ENABLED'), true);
  return { result: { result: true } };
}

function read(ctx: CallContext) {
  const bot = ownedBot(ctx);
  const chat = memberChat(ctx, bot, dialogIdParam(ctx));
  const messages = ctx.portal.state.chatMessages(chat.id).filter((m) => !m.deleted);
  const upTo = toInt(pick(ctx.params, 'messageId', 'MESSAGE_ID'));
  if (upTo > 0 && !messages.some((m) => m.id === upTo)) throw imbotError('MESSAGE_NOT_FOUND', 'Message not found');
  const viewed = messages.filter((m) => m.authorId !== bot.id && (upTo <= 0 || m.id <= upTo)).map((m) => m.id);
  return { result: { chatId: chat.id, lastId: messages.at(-1)?.id ?? 0, counter: 0, viewedMessages: viewed } };
}

/** Managers and ownership: only the chat's owner may change them. */
function ownedGroupChat(ctx: CallContext, bot: BotRecord): ChatRecord {
  const chat = memberChat(ctx, bot, dialogIdParam(ctx));
  if (chat.type === 'private' || chat.type === 'sonetGroup' || chat.ownerId !== bot.id) throw accessDenied();
  return chat;
}

function managers(ctx: CallContext, add: boolean) {
  const bot = ownedBot(ctx);
  const chat = ownedGroupChat(ctx, bot);
  const ids = toIdList(pick(ctx.params, 'userIds', 'USER_IDS'));
  if (ids.length === 0) throw imbotError('EMPTY_USER_IDS', 'User IDs are required');
  for (const id of ids) {
    if (!chat.members.has(id)) continue;
    if (add) chat.managerIds.add(id);
    else chat.managerIds.delete(id);
  }
  return { result: { result: true } };
}

function setOwner(ctx: CallContext) {
  const bot = ownedBot(ctx);
  const chat = ownedGroupChat(ctx, bot);
  const userId = toInt(pick(ctx.params, 'userId', 'USER_ID'));
  if (userId <= 0) throw missingArgument('userId');
  if (!chat.members.has(userId)) throw accessDenied();
  chat.ownerId = userId;
  return { result: { result: true } };
}

function observer(ctx: CallContext): BotRecord {
  const bot = ownedBot(ctx);
  if (bot.type !== 'supervisor' && bot.type !== 'personal') {
    throw imbotError('BOT_TYPE_NOT_ALLOWED', 'Method is available only for supervisor and personal bots');
  }
  return bot;
}

function messageGet(ctx: CallContext) {
  const bot = observer(ctx);
  const { message } = messageInBotChat(ctx, bot, () => imbotError('MESSAGE_ACCESS_DENIED', 'Access to the message denied'));
  const author = ctx.portal.state.users.get(message.authorId);
  return { result: { message: formatMessage(message, ctx.portal.state, true), user: author ? formatUser(author) : null } };
}

function messageContext(ctx: CallContext) {
  const bot = observer(ctx);
  const { message, chat } = messageInBotChat(ctx, bot, () => imbotError('MESSAGE_ACCESS_DENIED', 'Access to the message denied'));
  const rawRange = pick(ctx.params, 'range', 'RANGE');
  const range = Math.min(50, Math.max(1, rawRange === undefined ? 50 : toInt(rawRange)));
  const all = ctx.portal.state.chatMessages(chat.id).filter((m) => !m.deleted);
  const index = all.findIndex((m) => m.id === message.id);
  const from = Math.max(0, index - range);
  const page = all.slice(from, index + range + 1);
  const state = ctx.portal.state;
  const authors = [...new Set(page.map((m) => m.authorId).filter((id) => id > 0))]
    .map((id) => state.users.get(id))
    .filter((u): u is UserRecord => u !== undefined);
  return {
    result: {
      messages: page.map((m) => formatMessage(m, state, true)),
      users: authors.map(formatUser),
      hasPrevPage: from > 0,
      hasNextPage: index + range + 1 < all.length,
    },
  };
}

export const imbotExtraMethods: MethodDef[] = methods(['imbot'], {
  'imbot.v2.Chat.Message.Reaction.add': (ctx) => reaction(ctx, true),
  'imbot.v2.Chat.Message.Reaction.delete': (ctx) => reaction(ctx, false),
  'imbot.v2.Chat.Message.read': read,
  'imbot.v2.Chat.Message.get': messageGet,
  'imbot.v2.Chat.Message.getContext': messageContext,
  'imbot.v2.Chat.InputAction.notify': inputAction,
  'imbot.v2.Chat.TextField.enabled': textField,
  'imbot.v2.Chat.Manager.add': (ctx) => managers(ctx, true),
  'imbot.v2.Chat.Manager.delete': (ctx) => managers(ctx, false),
  'imbot.v2.Chat.setOwner': setOwner,
});
