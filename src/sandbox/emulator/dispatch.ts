// Who gets which bot event for a message, a command or a join, and the event data they get (bot doc §4.2, §7.3).
import { formatChat, formatMessage, formatUser } from './format.js';
import type { PortalState } from './state.js';
import type { BotRecord, ChatRecord, CommandRecord, MessageRecord, UserRecord } from './types.js';

const MAX_COMMANDS_PER_MESSAGE = 10;

export interface CommandMatch {
  bot: BotRecord;
  command: CommandRecord;
  params: string;
}

/** `[USER=812]…` (any case) mentions user 812. */
export function mentions(text: string, userId: number): boolean {
  return new RegExp(`\\[user=${userId}\\]`, 'i').test(text);
}

function isPrivateWith(chat: ChatRecord, botId: number): boolean {
  return chat.type === 'private' && chat.members.has(botId);
}

/**
 * Slash commands of a typed message: every line starting with `/`, the name up to the first space
 * (case-sensitive), the params the rest of that line; at most 10, identical pairs once.
 */
export function matchCommands(state: PortalState, chat: ChatRecord, author: UserRecord, text: string): CommandMatch[] {
  const matches: CommandMatch[] = [];
  const seen = new Set<string>();
  for (const line of text.split(/\r?\n/)) {
    if (!line.startsWith('/')) continue;
    const body = line.slice(1);
    const space = body.indexOf(' ');
    const name = space === -1 ? body : body.slice(0, space);
    const params = space === -1 ? '' : body.slice(space + 1);
    if (name === '') continue;
    for (const command of state.commands.values()) {
      if (command.command !== name) continue;
      const bot = state.bots.get(command.botId);
      if (!bot) continue;
      const reachable = command.common || isPrivateWith(chat, bot.id) || chat.members.has(bot.id);
      if (!reachable) continue;
      if (author.extranet && !command.extranetSupport) continue;
      const key = `${command.id}\u0000${params}`;
      if (seen.has(key)) continue;
      seen.add(key);
      matches.push({ bot, command, params });
      if (matches.length >= MAX_COMMANDS_PER_MESSAGE) return matches;
    }
  }
  return matches;
}

/** Bots addressed by an ordinary (non-command) message: private partner, mentioned members, supervisors. */
export function botsForMessage(state: PortalState, chat: ChatRecord, author: UserRecord, text: string): BotRecord[] {
  if (author.bot) return [];
  const bots: BotRecord[] = [];
  for (const memberId of chat.members.keys()) {
    const bot = state.bots.get(memberId);
    if (!bot || bot.id === author.id) continue;
    if (chat.type === 'private') bots.push(bot);
    else if (bot.type === 'supervisor' || bot.type === 'personal') bots.push(bot);
    else if (mentions(text, bot.id)) bots.push(bot);
  }
  return bots;
}

/** `message`, `chat`, `user`, `language` as one bot sees them. */
export function messageData(
  state: PortalState,
  message: MessageRecord,
  chat: ChatRecord,
  user: UserRecord,
  bot: BotRecord,
): Record<string, unknown> {
  return {
    message: formatMessage(message, state, false),
    chat: formatChat(chat, state, bot.id, false),
    user: formatUser(user),
    language: state.identity.language,
  };
}

export function commandData(
  state: PortalState,
  match: CommandMatch,
  context: 'textarea' | 'keyboard' | 'menu',
  message: MessageRecord,
  chat: ChatRecord | null,
  user: UserRecord,
): Record<string, unknown> {
  const data: Record<string, unknown> = {
    command: { id: match.command.id, command: `/${match.command.command}`, params: match.params, context },
    message: formatMessage(message, state, false),
  };
  if (chat) data.chat = formatChat(chat, state, match.bot.id, false);
  data.user = formatUser(user);
  data.language = state.identity.language;
  return data;
}

export function joinChatData(state: PortalState, chat: ChatRecord, actor: UserRecord, bot: BotRecord): Record<string, unknown> {
  return {
    dialogId: state.dialogIdFor(chat, bot.id),
    chat: formatChat(chat, state, bot.id, false),
    user: formatUser(actor),
    language: state.identity.language,
  };
}

export function messageDeleteData(
  state: PortalState,
  messageId: number,
  chat: ChatRecord,
  user: UserRecord,
  bot: BotRecord,
): Record<string, unknown> {
  return {
    messageId,
    chat: formatChat(chat, state, bot.id, false),
    user: formatUser(user),
    language: state.identity.language,
  };
}

export function reactionData(
  state: PortalState,
  reaction: string,
  action: 'add' | 'delete',
  message: MessageRecord,
  chat: ChatRecord,
  user: UserRecord,
  bot: BotRecord,
): Record<string, unknown> {
  return {
    reaction,
    action,
    message: formatMessage(message, state, false),
    chat: formatChat(chat, state, bot.id, false),
    user: formatUser(user),
    language: state.identity.language,
  };
}
