// What the sandbox page shows, built from the emulated portal: people, a person's dialogs, messages, feeds, commands.
import type { Portal } from '../emulator/index.js';
import type { ChatRecord, KeyboardButton, MessageRecord, UserRecord, WorkgroupRecord } from '../emulator/types.js';
import { cutText } from '../../domain/text.js';
import { filesOf } from '../emulator/views.js';

export type PersonRole = 'admin' | 'moderator' | 'learner' | 'external';

export interface PagePerson {
  id: number;
  name: string;
  role: PersonRole;
  position: string;
  color: string;
}

export interface PageDialog {
  /** The messenger's dialogId from this person's side (`<botId>`, `chat<id>`), or `feed<groupId>` for a feed. */
  dialogId: string;
  kind: 'bot' | 'chat' | 'workgroupChat' | 'feed';
  title: string;
  color: string;
  /** Plain-text preview of the newest message or post. */
  preview: string;
  lastAt: number;
  withBot: boolean;
}

export interface PageButton {
  /** What `press()` accepts: the position among real buttons (line breaks left out). */
  index: number;
  text: string;
  kind: 'command' | 'link' | 'action' | 'app';
  link?: string;
  action?: string;
  actionValue?: string;
  disabled: boolean;
  display: string;
  colorToken?: string;
  bgColor?: string;
  textColor?: string;
  width?: number;
}

export interface PageMessage {
  id: number;
  authorId: number;
  authorName: string;
  authorColor: string;
  mine: boolean;
  bot: boolean;
  system: boolean;
  text: string;
  edited: boolean;
  deleted: boolean;
  date: number;
  keyboard: PageButton[][] | null;
  attach: unknown;
  /** Files the message carries: an image is shown inline, another file as a link with its size. */
  files: Array<{ id: number; name: string; size: number; image: boolean; url: string }>;
  replyId?: number;
}

export interface PagePost {
  id: number;
  authorName: string;
  authorColor: string;
  title: string;
  message: string;
  date: number;
}

export interface PageConversation {
  dialogId: string;
  kind: PageDialog['kind'];
  title: string;
  /** The bot's job title, for the bot's dialog. */
  subtitle: string;
  memberCount: number;
  withBot: boolean;
  color: string;
  canWrite: boolean;
  messages: PageMessage[];
  posts: PagePost[];
}

export interface PageCommand {
  command: string;
  title: string;
  params: string;
}

export interface PageWorkgroup {
  id: number;
  name: string;
  members: Array<{ userId: number; name: string; role: 'owner' | 'moderator' | 'member' | 'invited' }>;
}

const ROLE_NAMES = { A: 'owner', E: 'moderator', K: 'member', Z: 'invited' } as const;

export function fullName(user: UserRecord): string {
  return [user.name, user.lastName].filter((p) => p !== '').join(' ');
}

function nameOf(portal: Portal, id: number): string {
  const user = portal.state.users.get(id);
  return user ? fullName(user) : id === 0 ? 'System' : `#${id}`;
}

/** BB-code to a one-line preview for the dialog list. */
export function plainPreview(text: string): string {
  const flat = text
    .replace(/\[br\]/gi, ' ')
    .replace(/\[(\/?)(b|i|u|s|code|quote|size|color|url|user|chat|context|send|put|call|img|icon|timestamp|disk)(=[^\]]*)?\]/gi, '')
    .replace(/\s+/g, ' ')
    .trim();
  return cutText(flat, 120);
}

/** Everyone who can be acted as; the role is the bot's view (portal admin, named moderator) or the portal's (extranet). */
export function peopleOf(portal: Portal, moderators: number[]): PagePerson[] {
  const named = new Set(moderators);
  return [...portal.state.users.values()]
    .filter((u) => !u.bot && u.active)
    .map((u) => ({
      id: u.id,
      name: fullName(u),
      role: u.admin ? 'admin' : u.extranet ? 'external' : named.has(u.id) ? 'moderator' : 'learner',
      position: u.workPosition,
      color: u.color,
    }));
}

function isMemberOf(group: WorkgroupRecord, userId: number): boolean {
  const role = group.members.get(userId)?.role;
  return role === 'A' || role === 'E' || role === 'K';
}

function feedPosts(portal: Portal, groupId: number): PagePost[] {
  return [...portal.state.posts.values()]
    .filter((p) => p.dest.includes(`SG${groupId}`))
    .sort((a, b) => a.id - b.id)
    .map((p) => ({
      id: p.id,
      authorName: nameOf(portal, p.authorId),
      authorColor: portal.state.users.get(p.authorId)?.color ?? '#909090',
      title: p.title,
      message: p.message,
      date: p.date,
    }));
}

function visibleMessages(portal: Portal, chat: ChatRecord): MessageRecord[] {
  return portal.state.chatMessages(chat.id);
}

/** The recent list of `userId`: the private chat with the bot first, then group chats, then workgroup feeds. */
export function dialogsOf(portal: Portal, botId: number, userId: number): PageDialog[] {
  const state = portal.state;
  const bot = state.users.get(botId);
  const lastOf = (chat: ChatRecord | undefined) => (chat ? visibleMessages(portal, chat).filter((m) => !m.deleted).at(-1) : undefined);
  const privateChat = state.privateChatBetween(userId, botId);
  const botLast = lastOf(privateChat);
  const out: PageDialog[] = [
    {
      dialogId: String(botId),
      kind: 'bot',
      title: bot ? fullName(bot) : 'Bot',
      color: bot?.color ?? '#4ba984',
      preview: botLast ? plainPreview(botLast.text) : '',
      lastAt: botLast?.date ?? 0,
      withBot: true,
    },
  ];
  const chats: PageDialog[] = [];
  for (const chat of state.chats.values()) {
    if (chat.type === 'private' || !chat.members.has(userId)) continue;
    const last = lastOf(chat);
    const withBot = chat.members.has(botId);
    // A workgroup's own chat the bot cannot join is listed only once someone wrote in it.
    if (!withBot && !last) continue;
    chats.push({
      dialogId: `chat${chat.id}`,
      kind: chat.type === 'sonetGroup' ? 'workgroupChat' : 'chat',
      title: chat.title,
      color: chat.color,
      preview: last ? plainPreview(last.text) : '',
      lastAt: last?.date ?? chat.createdAt,
      withBot,
    });
  }
  chats.sort((a, b) => b.lastAt - a.lastAt);
  const feeds: PageDialog[] = [];
  for (const group of state.workgroups.values()) {
    if (!isMemberOf(group, userId)) continue;
    const last = feedPosts(portal, group.id).at(-1);
    feeds.push({
      dialogId: `feed${group.id}`,
      kind: 'feed',
      title: group.name,
      color: state.chats.get(group.chatId)?.color ?? '#909090',
      preview: last ? plainPreview(last.title || last.message) : '',
      lastAt: last?.date ?? group.createdAt,
      withBot: false,
    });
  }
  return [...out, ...chats, ...feeds];
}

function buttonOf(button: KeyboardButton, index: number): PageButton {
  const view: PageButton = {
    index,
    text: button.TEXT ?? '',
    kind: button.LINK !== undefined ? 'link' : button.APP_ID !== undefined ? 'app' : button.ACTION !== undefined ? 'action' : 'command',
    disabled: button.DISABLED === 'Y',
    display: button.DISPLAY ?? 'BLOCK',
  };
  if (button.LINK !== undefined) view.link = button.LINK;
  if (button.ACTION !== undefined) {
    view.action = button.ACTION;
    view.actionValue = button.ACTION_VALUE ?? '';
  }
  if (button.BG_COLOR_TOKEN) view.colorToken = button.BG_COLOR_TOKEN;
  if (button.BG_COLOR) view.bgColor = button.BG_COLOR;
  if (button.TEXT_COLOR) view.textColor = button.TEXT_COLOR;
  if (button.WIDTH && Number(button.WIDTH) > 0) view.width = Number(button.WIDTH);
  return view;
}

/** Keyboard rows as the messenger lays them out: NEWLINE items end a row. */
export function keyboardRows(buttons: KeyboardButton[] | undefined): PageButton[][] | null {
  if (!buttons || buttons.length === 0) return null;
  const rows: PageButton[][] = [[]];
  let index = 0;
  for (const button of buttons) {
    if (button.TYPE === 'NEWLINE') {
      rows.push([]);
      continue;
    }
    rows.at(-1)!.push(buttonOf(button, index));
    index += 1;
  }
  const filled = rows.filter((r) => r.length > 0);
  return filled.length > 0 ? filled : null;
}

function messageOf(portal: Portal, message: MessageRecord, viewerId: number): PageMessage {
  const state = portal.state;
  const speaker = message.onBehalfOfBotId ?? message.authorId;
  const author = state.users.get(speaker);
  const view: PageMessage = {
    id: message.id,
    authorId: message.authorId,
    authorName: author ? fullName(author) : '',
    authorColor: author?.color ?? '#909090',
    mine: message.authorId === viewerId,
    bot: Boolean(author?.bot),
    system: message.system,
    text: message.text,
    edited: message.params.IS_EDITED === 'Y',
    deleted: message.deleted,
    date: message.date,
    keyboard: keyboardRows(message.params.KEYBOARD?.BUTTONS),
    attach: message.params.ATTACH ?? null,
    files: filesOf(state, message).map((f) => ({ id: f.id, name: f.name, size: f.size, image: f.type === 'image', url: `/api/file?as=${viewerId}&id=${f.id}` })),
  };
  if (message.params.REPLY_ID !== undefined) view.replyId = message.params.REPLY_ID;
  return view;
}

/** One open dialog as `userId` sees it; undefined when it is not theirs to see. */
export function conversationOf(portal: Portal, botId: number, userId: number, dialogId: string): PageConversation | undefined {
  const state = portal.state;
  const feed = /^feed(\d+)$/.exec(dialogId);
  if (feed) {
    const group = state.workgroups.get(Number(feed[1]));
    if (!group || !isMemberOf(group, userId)) return undefined;
    const members = [...group.members.values()].filter((m) => m.role !== 'Z').length;
    return {
      dialogId,
      kind: 'feed',
      title: group.name,
      subtitle: '',
      memberCount: members,
      withBot: false,
      color: state.chats.get(group.chatId)?.color ?? '#909090',
      canWrite: false,
      messages: [],
      posts: feedPosts(portal, group.id),
    };
  }
  const isBot = dialogId === String(botId);
  const chat = state.resolveDialog(userId, dialogId, false, 0);
  if (isBot) {
    const bot = state.users.get(botId);
    return {
      dialogId,
      kind: 'bot',
      title: bot ? fullName(bot) : 'Bot',
      subtitle: bot?.workPosition || 'Chat-bot',
      memberCount: 2,
      withBot: true,
      color: bot?.color ?? '#4ba984',
      canWrite: true,
      messages: chat && chat.members.has(userId) ? visibleMessages(portal, chat).map((m) => messageOf(portal, m, userId)) : [],
      posts: [],
    };
  }
  if (!chat || !chat.members.has(userId) || chat.type === 'private') return undefined;
  return {
    dialogId,
    kind: chat.type === 'sonetGroup' ? 'workgroupChat' : 'chat',
    title: chat.title,
    subtitle: '',
    memberCount: chat.members.size,
    withBot: chat.members.has(botId),
    color: chat.color,
    canWrite: chat.textFieldEnabled,
    messages: visibleMessages(portal, chat).map((m) => messageOf(portal, m, userId)),
    posts: [],
  };
}

function localized(map: Record<string, string>, lang: string): string {
  return map[lang] ?? map.en ?? Object.values(map)[0] ?? '';
}

/** The bot's commands `userId` may call in that dialog, titles and hints in the portal's language. */
export function commandsFor(portal: Portal, botId: number, userId: number, dialogId: string): PageCommand[] {
  const state = portal.state;
  const user = state.users.get(userId);
  const lang = state.identity.language;
  const chat = dialogId === String(botId) ? undefined : state.resolveDialog(userId, dialogId, false, 0);
  const botHere = dialogId === String(botId) || Boolean(chat?.members.has(botId));
  return [...state.commands.values()]
    .filter((c) => c.botId === botId && !c.hidden && (c.common || botHere) && (!user?.extranet || c.extranetSupport))
    .map((c) => ({ command: `/${c.command}`, title: localized(c.title, lang), params: localized(c.params, lang) }))
    .sort((a, b) => a.command.localeCompare(b.command));
}

export function workgroupsOf(portal: Portal): PageWorkgroup[] {
  return [...portal.state.workgroups.values()].map((g) => ({
    id: g.id,
    name: g.name,
    members: [...g.members].map(([userId, m]) => ({ userId, name: nameOf(portal, userId), role: ROLE_NAMES[m.role] })),
  }));
}
