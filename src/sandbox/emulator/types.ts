// Records the emulated portal keeps: people, bots, chats, messages, workgroups, posts, apps, tokens, events.

export type Gender = 'M' | 'F' | '';

export interface UserRecord {
  id: number;
  name: string;
  lastName: string;
  email: string;
  gender: Gender;
  admin: boolean;
  extranet: boolean;
  bot: boolean;
  active: boolean;
  workPosition: string;
  departments: number[];
  color: string;
  registeredAt: number;
}

export type BotType = 'bot' | 'supervisor' | 'personal' | 'openline' | 'network';
export type EventMode = 'fetch' | 'webhook';

export interface BotRecord {
  id: number;
  code: string;
  type: BotType;
  /** Owner key: the app's client_id (OAuth) or `custom` + botToken (inbound webhook). */
  ownerKey: string;
  eventMode: EventMode;
  webhookUrl: string | null;
  isHidden: boolean;
  isReactionsEnabled: boolean;
  isSupportOpenline: boolean;
  backgroundId: string | null;
  createdAt: number;
}

export interface CommandRecord {
  id: number;
  botId: number;
  /** Stored without the leading slash. */
  command: string;
  title: Record<string, string>;
  params: Record<string, string>;
  common: boolean;
  hidden: boolean;
  extranetSupport: boolean;
  ownerKey: string;
}

export type ChatType = 'private' | 'chat' | 'open' | 'sonetGroup';

export interface ChatRecord {
  id: number;
  type: ChatType;
  title: string;
  description: string;
  ownerId: number;
  managerIds: Set<number>;
  /** Member user id → time of joining. */
  members: Map<number, number>;
  color: string;
  entityType: string;
  entityId: string;
  entityData1: string;
  entityData2: string;
  entityData3: string;
  textFieldEnabled: boolean;
  createdAt: number;
}

/** A keyboard button as stored: UPPER_CASE keys, string values. */
export type KeyboardButton = Record<string, string>;

export interface MessageParams {
  KEYBOARD?: { BOT_ID: number; BUTTONS: KeyboardButton[] };
  ATTACH?: unknown;
  REPLY_ID?: number;
  IS_EDITED?: 'Y';
  IS_DELETED?: 'Y';
  /** Drive ids of the files sent with the message (bot doc §3.4, §10). */
  FILE_ID?: number[];
}

/** A file someone sent in a chat: kept in the chat's Drive folder (bot doc §3.5, §10). */
export interface FileRecord {
  id: number;
  chatId: number;
  authorId: number;
  name: string;
  content: Uint8Array;
  date: number;
}

/** A one-time download link handed out by `File.download` (bot doc §10). */
export interface DownloadGrant {
  fileId: number;
  expiresAt: number;
}

export interface MessageRecord {
  id: number;
  chatId: number;
  /** 0 for system messages. */
  authorId: number;
  text: string;
  system: boolean;
  date: number;
  uuid: string;
  params: MessageParams;
  deleted: boolean;
  /** The bot whose name a system answer carries (Command.answer outside the bot's chats). */
  onBehalfOfBotId?: number;
  /** Reaction code → ids of the users (or bots) who set it. */
  reactions?: Record<string, number[]>;
}

export type WorkgroupRole = 'A' | 'E' | 'K' | 'Z';

export interface WorkgroupMember {
  role: WorkgroupRole;
  /** Who started the relation: the group side (invitation) or the user (request). */
  initiatedByType: 'GROUP' | 'USER';
  initiatedById: number;
  date: number;
}

export interface WorkgroupRecord {
  id: number;
  name: string;
  description: string;
  ownerId: number;
  visible: boolean;
  opened: boolean;
  closed: boolean;
  project: boolean;
  keywords: string;
  initiatePerms: 'A' | 'E' | 'K';
  members: Map<number, WorkgroupMember>;
  chatId: number;
  createdAt: number;
  updatedAt: number;
  activityAt: number;
}

export interface PostRecord {
  id: number;
  authorId: number;
  title: string;
  message: string;
  dest: string[];
  important: boolean;
  date: number;
}

export interface Installation {
  appId: number;
  clientId: string;
  clientSecret: string;
  applicationToken: string;
  scopes: string[];
  status: 'L' | 'F' | 'S';
  installerId: number;
  installUrl: string;
  handlerUrl: string;
  installed: boolean;
  version: number;
  code: string;
}

export interface TokenRecord {
  portalSlug: string;
  clientId: string;
  userId: number;
  issuedAt: number;
  accessToken: string;
  refreshToken: string;
  expiresAt: number;
  refreshExpiresAt: number;
  /** The refresh token was spent on a refresh (rotation) or the app was removed. */
  refreshSpent: boolean;
  revoked: boolean;
}

export interface InboundWebhook {
  id: number;
  userId: number;
  secret: string;
  scopes: string[];
}

/** A handler bound with event.bind. */
export interface EventBinding {
  id: number;
  clientId: string;
  event: string;
  handler: string;
  authType: number;
}

/** One of the eight ONIMBOTV2* subscriptions a webhook-mode bot has. */
export interface BotSubscription {
  id: number;
  botId: number;
  event: string;
  handler: string;
}

export interface QueuedBotEvent {
  eventId: number;
  botId: number;
  type: string;
  date: number;
  data: Record<string, unknown>;
}

/** Proof that a bot may answer a command in a chat for a while (Command.answer grant). */
export interface CommandGrant {
  botId: number;
  chatId: number;
  commandId: number;
  messageId: number;
  at: number;
}
