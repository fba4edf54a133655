// imbot.v2 objects as the portal serializes them: User, Bot (short and owner formats), Chat, Message (bot doc §3).
import { isoDate } from './php.js';
import type { PortalState } from './state.js';
import type { BotRecord, ChatRecord, MessageRecord, UserRecord } from './types.js';

export function fullName(user: UserRecord): string {
  return [user.name, user.lastName].filter((p) => p !== '').join(' ');
}

/** User object; online fields are always false (events must carry false, methods may). */
export function formatUser(user: UserRecord): Record<string, unknown> {
  return {
    id: user.id,
    active: user.active,
    name: fullName(user),
    firstName: user.name,
    lastName: user.lastName,
    workPosition: user.workPosition,
    color: user.color,
    avatar: '',
    gender: user.gender,
    birthday: '',
    extranet: user.extranet,
    bot: user.bot,
    connector: false,
    externalAuthId: user.bot ? 'bot' : 'default',
    status: 'online',
    idle: false,
    lastActivityDate: false,
    mobileLastDate: false,
    desktopLastDate: false,
    absent: false,
    departments: [...user.departments],
    phones: false,
    type: user.bot ? 'bot' : user.extranet ? 'extranet' : 'employee',
    website: '',
    email: user.email,
  };
}

export function formatBotShort(bot: BotRecord, language: string): Record<string, unknown> {
  return {
    id: bot.id,
    code: bot.code,
    type: bot.type,
    isHidden: bot.isHidden,
    isSupportOpenline: bot.isSupportOpenline,
    isReactionsEnabled: bot.isReactionsEnabled,
    backgroundId: bot.backgroundId,
    language,
  };
}

/** Owner format: adds moduleId, eventMode and the four counters; never appId (removed in rev. 35). */
export function formatBotOwner(bot: BotRecord, state: PortalState): Record<string, unknown> {
  let countMessage = 0;
  for (const m of state.messages.values()) if (m.authorId === bot.id) countMessage += 1;
  let countCommand = 0;
  for (const c of state.commands.values()) if (c.botId === bot.id) countCommand += 1;
  let countChat = 0;
  let countUser = 0;
  for (const chat of state.chats.values()) {
    if (!chat.members.has(bot.id)) continue;
    if (chat.type === 'private') countUser += 1;
    else countChat += 1;
  }
  return {
    ...formatBotShort(bot, state.identity.language),
    moduleId: 'rest',
    eventMode: bot.eventMode,
    countMessage,
    countCommand,
    countChat,
    countUser,
  };
}

const MESSAGE_TYPES: Record<ChatRecord['type'], string> = { private: 'P', chat: 'C', open: 'O', sonetGroup: 'C' };

function chatPermissions(chat: ChatRecord): Record<string, string> {
  if (chat.type === 'sonetGroup') {
    return { manageUsersAdd: 'none', manageUsersDelete: 'none', manageUi: 'none', manageSettings: 'none', manageMessages: 'member', canPost: 'member' };
  }
  return { manageUsersAdd: 'member', manageUsersDelete: 'manager', manageUi: 'member', manageSettings: 'owner', manageMessages: 'member', canPost: 'member' };
}

export function chatRole(chat: ChatRecord, userId: number): string {
  if (!chat.members.has(userId)) return 'none';
  if (chat.ownerId === userId) return 'owner';
  if (chat.managerIds.has(userId)) return 'manager';
  return 'member';
}

/**
 * Chat object as `viewerId` sees it (dialogId names the other party in private chats).
 * `full` adds the method-only fields; events never carry role or muteList.
 */
export function formatChat(chat: ChatRecord, state: PortalState, viewerId: number, full: boolean): Record<string, unknown> {
  const extranet = [...chat.members.keys()].some((id) => state.users.get(id)?.extranet === true);
  const out: Record<string, unknown> = {
    id: chat.id,
    dialogId: state.dialogIdFor(chat, viewerId),
    name: chat.type === 'private' ? '' : chat.title,
    type: chat.type,
    messageType: MESSAGE_TYPES[chat.type],
    owner: chat.ownerId,
    color: chat.color,
    avatar: '',
    description: chat.description,
    extranet,
    containsCollaber: false,
    entityType: chat.entityType,
    entityId: chat.entityId,
    entityData1: chat.entityData1,
    entityData2: chat.entityData2,
    entityData3: chat.entityData3,
    entityLink:
      chat.type === 'sonetGroup'
        ? { type: 'SONET_GROUP', url: `/workgroups/group/${chat.entityId}/`, id: chat.entityId }
        : { type: '', url: '', id: '' },
    diskFolderId: 0,
    permissions: chatPermissions(chat),
    parentChatId: 0,
    parentMessageId: 0,
    isNew: false,
    textFieldEnabled: chat.textFieldEnabled ? 'Y' : 'N',
    backgroundId: null,
  };
  if (!full) return out;
  const messages = state.chatMessages(chat.id);
  const lastId = messages.at(-1)?.id ?? 0;
  return {
    ...out,
    role: chatRole(chat, viewerId),
    muteList: [],
    dateCreate: isoDate(chat.createdAt, state.identity.utcOffsetMinutes),
    lastMessageId: lastId,
    lastId,
    managerList: [...chat.managerIds],
    messageCount: messages.length,
    userCounter: chat.members.size,
    unreadId: 0,
    lastMessageViews: JSON.stringify({ messageId: lastId, firstViewers: [], countOfViewers: 0 }),
    markedId: 0,
    public: '',
  };
}

export function formatMessageParams(message: MessageRecord): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  const p = message.params;
  if (p.REPLY_ID !== undefined) params.REPLY_ID = p.REPLY_ID;
  if (p.ATTACH !== undefined) params.ATTACH = p.ATTACH;
  if (p.KEYBOARD !== undefined) params.KEYBOARD = p.KEYBOARD.BUTTONS.map((b) => ({ ...b, BOT_ID: p.KEYBOARD?.BOT_ID ?? 0 }));
  if (p.IS_EDITED) params.IS_EDITED = 'Y';
  if (p.IS_DELETED) params.IS_DELETED = 'Y';
  if (p.FILE_ID !== undefined) params.FILE_ID = [...p.FILE_ID];
  return params;
}

/** Message object; `full` adds the method-only unread/viewed flags. */
export function formatMessage(message: MessageRecord, state: PortalState, full: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: message.id,
    chatId: message.chatId,
    chat_id: message.chatId,
    authorId: message.authorId,
    author_id: message.authorId,
    date: isoDate(message.date, state.identity.utcOffsetMinutes),
    text: message.text,
    isSystem: message.system,
    uuid: message.uuid,
    forward: null,
    params: formatMessageParams(message),
    viewedByOthers: false,
  };
  if (full) {
    out.unread = false;
    out.viewed = true;
  }
  return out;
}
