// Read-only views of a portal for tests and the sandbox page: a dialog as one person sees it, and a state snapshot.
import { fullName } from './format.js';
import type { PortalState } from './state.js';
import { extensionOf, fileType } from './methods/imbot-file.js';
import type { KeyboardButton, MessageRecord } from './types.js';

export interface ButtonView {
  index: number;
  text: string;
  kind: 'command' | 'link' | 'action' | 'app';
  command?: string;
  params?: string;
  link?: string;
  action?: string;
  actionValue?: string;
  disabled: boolean;
  block: boolean;
  display: string;
}

/** A file attached to a message (bot doc §3.5), without its bytes. */
export interface FileView {
  id: number;
  name: string;
  extension: string;
  type: 'image' | 'video' | 'audio' | 'file';
  size: number;
  /** An image's size in pixels when the portal can read it (PNG), else false (bot doc §3.5 `image`). */
  image: { width: number; height: number } | false;
}

export interface DialogMessageView {
  id: number;
  chatId: number;
  authorId: number;
  authorName: string;
  text: string;
  system: boolean;
  edited: boolean;
  deleted: boolean;
  date: number;
  /** Real buttons in order (line breaks are left out; `index` is what `press()` accepts). */
  keyboard: ButtonView[] | null;
  attach: unknown;
  /** Files the message carries (`params.FILE_ID`); empty when none. */
  files: FileView[];
  replyId?: number;
  /** The bot a system answer speaks for (Command.answer outside the bot's chats). */
  onBehalfOfBotId?: number;
}

function buttonView(button: KeyboardButton, index: number): ButtonView {
  const base = {
    index,
    text: button.TEXT ?? '',
    disabled: button.DISABLED === 'Y',
    block: button.BLOCK === 'Y',
    display: button.DISPLAY ?? 'BLOCK',
  };
  if (button.LINK !== undefined) return { ...base, kind: 'link', link: button.LINK };
  if (button.APP_ID !== undefined) return { ...base, kind: 'app' };
  if (button.ACTION !== undefined) return { ...base, kind: 'action', action: button.ACTION, actionValue: button.ACTION_VALUE ?? '' };
  return { ...base, kind: 'command', command: button.COMMAND ?? '', params: button.COMMAND_PARAMS ?? '' };
}

/** Width and height of a PNG from its IHDR chunk, or false. */
function pngSize(bytes: Uint8Array): { width: number; height: number } | false {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.byteLength < 24 || signature.some((b, i) => bytes[i] !== b)) return false;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

export function filesOf(state: PortalState, message: MessageRecord): FileView[] {
  return (message.params.FILE_ID ?? []).flatMap((id) => {
    const file = state.files.get(id);
    if (!file) return [];
    const type = fileType(file.name);
    return [{ id, name: file.name, extension: extensionOf(file.name), type, size: file.content.byteLength, image: type === 'image' ? pngSize(file.content) : false }];
  });
}

export function messageView(state: PortalState, message: MessageRecord): DialogMessageView {
  const author = state.users.get(message.authorId);
  const buttons = message.params.KEYBOARD?.BUTTONS.filter((b) => b.TYPE !== 'NEWLINE') ?? null;
  const view: DialogMessageView = {
    id: message.id,
    chatId: message.chatId,
    authorId: message.authorId,
    authorName: author ? fullName(author) : '',
    text: message.text,
    system: message.system,
    edited: message.params.IS_EDITED === 'Y',
    deleted: message.deleted,
    date: message.date,
    keyboard: buttons ? buttons.map(buttonView) : null,
    attach: message.params.ATTACH ?? null,
    files: filesOf(state, message),
  };
  if (message.params.REPLY_ID !== undefined) view.replyId = message.params.REPLY_ID;
  if (message.onBehalfOfBotId !== undefined) view.onBehalfOfBotId = message.onBehalfOfBotId;
  return view;
}

/** Messages of a dialog as `userId` sees it; empty when the dialog does not exist or they are not in it. */
export function dialogView(state: PortalState, userId: number, dialogId: string): DialogMessageView[] {
  const chat = state.resolveDialog(userId, dialogId, false, 0);
  if (!chat || !chat.members.has(userId)) return [];
  return state.chatMessages(chat.id).map((m) => messageView(state, m));
}

export interface PortalSnapshot {
  users: Array<{ id: number; name: string; admin: boolean; extranet: boolean; bot: boolean; active: boolean }>;
  bots: Array<{ id: number; code: string; type: string; eventMode: string; webhookUrl: string | null; ownerKey: string }>;
  commands: Array<{ id: number; botId: number; command: string; common: boolean; hidden: boolean; extranetSupport: boolean }>;
  chats: Array<{ id: number; type: string; title: string; ownerId: number; members: number[]; managers: number[]; entityType: string; entityId: string }>;
  workgroups: Array<{ id: number; name: string; ownerId: number; chatId: number; visible: boolean; opened: boolean; closed: boolean; initiatePerms: string; members: Array<{ userId: number; role: string; initiatedById: number }> }>;
  posts: Array<{ id: number; authorId: number; title: string; message: string; dest: string[] }>;
  installations: Array<{ clientId: string; installed: boolean; scopes: string[]; installerId: number }>;
  queue: Array<{ eventId: number; botId: number; type: string }>;
}

/** Plain copies of everything, safe to serialize (no secrets). */
export function snapshot(state: PortalState): PortalSnapshot {
  return {
    users: [...state.users.values()].map((u) => ({ id: u.id, name: fullName(u), admin: u.admin, extranet: u.extranet, bot: u.bot, active: u.active })),
    bots: [...state.bots.values()].map((b) => ({ id: b.id, code: b.code, type: b.type, eventMode: b.eventMode, webhookUrl: b.webhookUrl, ownerKey: b.ownerKey.startsWith('custom') ? 'custom***' : b.ownerKey })),
    commands: [...state.commands.values()].map((c) => ({ id: c.id, botId: c.botId, command: c.command, common: c.common, hidden: c.hidden, extranetSupport: c.extranetSupport })),
    chats: [...state.chats.values()].map((c) => ({
      id: c.id,
      type: c.type,
      title: c.title,
      ownerId: c.ownerId,
      members: [...c.members.keys()],
      managers: [...c.managerIds],
      entityType: c.entityType,
      entityId: c.entityId,
    })),
    workgroups: [...state.workgroups.values()].map((g) => ({
      id: g.id,
      name: g.name,
      ownerId: g.ownerId,
      chatId: g.chatId,
      visible: g.visible,
      opened: g.opened,
      closed: g.closed,
      initiatePerms: g.initiatePerms,
      members: [...g.members].map(([userId, m]) => ({ userId, role: m.role, initiatedById: m.initiatedById })),
    })),
    posts: [...state.posts.values()].map((p) => ({ id: p.id, authorId: p.authorId, title: p.title, message: p.message, dest: [...p.dest] })),
    installations: [...state.installations.values()].map((i) => ({ clientId: i.clientId, installed: i.installed, scopes: [...i.scopes], installerId: i.installerId })),
    queue: state.queue.map((q) => ({ eventId: q.eventId, botId: q.botId, type: q.type })),
  };
}
