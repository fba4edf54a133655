// imbot.v2.Chat.* and Chat.User.*: chats the bot creates, reads, changes, leaves, and their members (bot doc §9).
import { imbotError, missingArgument } from '../errors.js';
import { formatChat, formatUser } from '../format.js';
import { isRecord } from '../php.js';
import { fieldsOf, pick, toIdList, toInt, toStr } from '../params.js';
import { methods, type CallContext, type MethodDef } from '../registry.js';
import { CHAT_COLORS } from '../state.js';
import type { BotRecord, ChatRecord, UserRecord } from '../types.js';
import { accessDenied, dialogIdParam, memberChat, ownedBot } from './imbot-common.js';

function isChatAdmin(chat: ChatRecord, userId: number): boolean {
  return chat.ownerId === userId || chat.managerIds.has(userId);
}

/** Group chats the bot is in and may manage members of (owner or manager). */
function managedGroupChat(ctx: CallContext, bot: BotRecord): ChatRecord {
  const chat = memberChat(ctx, bot, dialogIdParam(ctx));
  if (chat.type === 'private' || chat.type === 'sonetGroup' || !isChatAdmin(chat, bot.id)) throw accessDenied();
  return chat;
}

function usersOf(ctx: CallContext, chat: ChatRecord): UserRecord[] {
  const state = ctx.portal.state;
  return [...chat.members.keys()].map((id) => state.users.get(id)).filter((u): u is UserRecord => u !== undefined && u.active);
}

function add(ctx: CallContext) {
  const bot = ownedBot(ctx);
  const state = ctx.portal.state;
  const f = fieldsOf(ctx.params);
  const entityType = toStr(f.entityType) ?? '';
  // A real portal would make a second "system" chat for the workgroup and break its task chats (bot
  // doc 9.3). The emulator refuses it outright so a bot that tries fails its tests, not a portal.
  if (entityType.toUpperCase() === 'SONET_GROUP') {
    throw imbotError('SONET_GROUP_CHAT_FORBIDDEN', 'Emulator: never create a SONET_GROUP chat; a workgroup has one system chat already');
  }
  const requested = toIdList(f.userIds ?? f.USER_IDS);
  const valid = requested.filter((id) => id !== bot.id && state.users.get(id)?.active === true);
  const ownerId = toInt(f.ownerId);
  const owner = ownerId > 0 && state.users.get(ownerId)?.active ? ownerId : bot.id;
  const color = toStr(f.color);
  const type = toStr(f.type)?.toLowerCase() === 'open' ? 'open' : 'chat';
  const chat = state.createChat(type, owner, [bot.id], {
    title: toStr(f.title) ?? '',
    description: toStr(f.description) ?? '',
    ...(color && CHAT_COLORS[color] ? { color: CHAT_COLORS[color] } : {}),
    entityType,
    entityId: toStr(f.entityId) ?? '',
    createdAt: ctx.portal.now(),
  });
  // Other bots among the members are "added by" the creating bot and get JOINCHAT; the creator does not [unconfirmed].
  // Event delivery is not awaited: the portal queues events and answers the call at once.
  void ctx.portal.messenger.addMembers(chat, valid, bot.id);
  const first = toStr(f.message);
  if (first && first.trim() !== '') ctx.portal.messenger.addMessage(chat, bot.id, first);
  return { result: { chat: { ...formatChat(chat, state, bot.id, true), isNew: true }, users: usersOf(ctx, chat).map(formatUser) } };
}

function get(ctx: CallContext) {
  const bot = ownedBot(ctx);
  const chat = memberChat(ctx, bot, dialogIdParam(ctx));
  return { result: { chat: formatChat(chat, ctx.portal.state, bot.id, true) } };
}

function update(ctx: CallContext) {
  const bot = ownedBot(ctx);
  const chat = memberChat(ctx, bot, dialogIdParam(ctx));
  if (chat.type === 'private' || chat.type === 'sonetGroup') throw accessDenied();
  const f = fieldsOf(ctx.params);
  const title = toStr(f.title);
  if (title !== undefined && title.trim() !== '') chat.title = title;
  const description = toStr(f.description);
  if (description !== undefined) chat.description = description;
  const color = toStr(f.color);
  if (color && CHAT_COLORS[color]) chat.color = CHAT_COLORS[color];
  return { result: { result: true } };
}

function leave(ctx: CallContext) {
  const bot = ownedBot(ctx);
  const chat = memberChat(ctx, bot, dialogIdParam(ctx));
  if (chat.type === 'private' || chat.type === 'sonetGroup') throw accessDenied();
  chat.members.delete(bot.id);
  chat.managerIds.delete(bot.id);
  if (chat.ownerId === bot.id) {
    // The earliest remaining member becomes the owner.
    const next = [...chat.members.entries()].sort((a, b) => a[1] - b[1])[0];
    chat.ownerId = next ? next[0] : 0;
  }
  return { result: { result: true } };
}

function userAdd(ctx: CallContext) {
  const bot = ownedBot(ctx);
  const chat = managedGroupChat(ctx, bot);
  const raw = pick(ctx.params, 'userIds', 'USER_IDS');
  const ids = toIdList(raw);
  // Required: an empty list (or one with no id in it) is as good as none (the stricter reading).
  if (ids.length === 0) throw missingArgument('userIds');
  // Unknown or inactive ids are ignored without an error.
  void ctx.portal.messenger.addMembers(chat, ids, bot.id);
  return { result: { result: true } };
}

function userDelete(ctx: CallContext) {
  const bot = ownedBot(ctx);
  const chat = managedGroupChat(ctx, bot);
  const userId = toInt(pick(ctx.params, 'userId', 'USER_ID'));
  if (userId <= 0) throw missingArgument('userId');
  if (!chat.members.has(userId)) return { result: { result: true } };
  if (userId === chat.ownerId) throw accessDenied('The chat owner cannot be removed');
  chat.members.delete(userId);
  chat.managerIds.delete(userId);
  return { result: { result: true } };
}

function userList(ctx: CallContext) {
  const bot = ownedBot(ctx);
  const chat = memberChat(ctx, bot, dialogIdParam(ctx));
  const rawLimit = pick(ctx.params, 'limit', 'LIMIT');
  const limit = Math.min(200, Math.max(1, rawLimit === undefined ? 50 : toInt(rawLimit)));
  const order = pick(ctx.params, 'order', 'ORDER');
  const [key, dir] = isRecord(order) ? (Object.entries(order)[0] ?? []) : [];
  const descending = typeof key === 'string' && String(dir).toUpperCase() === 'DESC';
  const users = usersOf(ctx, chat).sort((a, b) => (descending ? b.id - a.id : a.id - b.id));
  return { result: users.slice(0, limit).map(formatUser) };
}

export const imbotChatMethods: MethodDef[] = methods(['imbot'], {
  'imbot.v2.Chat.add': add,
  'imbot.v2.Chat.get': get,
  'imbot.v2.Chat.update': update,
  'imbot.v2.Chat.leave': leave,
  'imbot.v2.Chat.User.add': userAdd,
  'imbot.v2.Chat.User.delete': userDelete,
  'imbot.v2.Chat.User.list': userList,
});
