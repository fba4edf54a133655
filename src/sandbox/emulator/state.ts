// One portal's data and the small lookups every part of the emulator needs (membership, dialogs, roles).
import type {
  BotRecord,
  BotSubscription,
  ChatRecord,
  ChatType,
  CommandGrant,
  CommandRecord,
  EventBinding,
  InboundWebhook,
  Installation,
  DownloadGrant,
  FileRecord,
  MessageRecord,
  PostRecord,
  QueuedBotEvent,
  UserRecord,
  WorkgroupRecord,
  WorkgroupRole,
} from './types.js';

/** Chat colour codes and their hex values (bot doc §9.1). */
export const CHAT_COLORS: Record<string, string> = {
  red: '#df532d',
  green: '#64a513',
  mint: '#4ba984',
  lightBlue: '#4ba5c3',
  darkBlue: '#3e99ce',
  purple: '#8474c8',
  aqua: '#1eb4aa',
  pink: '#f76187',
  lime: '#58cc47',
  brown: '#ab7761',
  azure: '#29619b',
  khaki: '#728f7a',
  sand: '#ba9c7b',
  marengo: '#556574',
  gray: '#909090',
  graphite: '#5e5f5e',
};
const COLOR_CYCLE = Object.values(CHAT_COLORS);

type SequenceName = 'user' | 'chat' | 'message' | 'group' | 'post' | 'command' | 'event' | 'handler' | 'app' | 'webhook' | 'file';

const SEQUENCE_START: Record<SequenceName, number> = {
  user: 1,
  chat: 101,
  message: 1001,
  group: 1,
  post: 1,
  command: 1,
  event: 5001,
  handler: 301,
  app: 1,
  webhook: 1,
  file: 7001,
};

export interface PortalIdentity {
  slug: string;
  domain: string;
  language: string;
  memberId: string;
  /** Minutes east of UTC used in every date the portal prints. */
  utcOffsetMinutes: number;
}

export class PortalState {
  readonly users = new Map<number, UserRecord>();
  readonly bots = new Map<number, BotRecord>();
  readonly commands = new Map<number, CommandRecord>();
  readonly chats = new Map<number, ChatRecord>();
  readonly messages = new Map<number, MessageRecord>();
  /** A bot message's templateId (lower-cased UUID) → its id: a second send with it makes nothing new. */
  readonly messageByUuid = new Map<string, number>();
  readonly workgroups = new Map<number, WorkgroupRecord>();
  readonly posts = new Map<number, PostRecord>();
  readonly installations = new Map<string, Installation>();
  readonly webhooks = new Map<number, InboundWebhook>();
  readonly bindings = new Map<number, EventBinding>();
  readonly botSubscriptions = new Map<number, BotSubscription>();
  readonly files = new Map<number, FileRecord>();
  /** One-time download tokens → the file they fetch. */
  readonly downloads = new Map<string, DownloadGrant>();
  queue: QueuedBotEvent[] = [];
  grants: CommandGrant[] = [];
  private readonly sequences = new Map<SequenceName, number>();

  constructor(readonly identity: PortalIdentity) {}

  nextId(name: SequenceName): number {
    const next = this.sequences.get(name) ?? SEQUENCE_START[name];
    this.sequences.set(name, next + 1);
    return next;
  }

  colorFor(id: number): string {
    return COLOR_CYCLE[id % COLOR_CYCLE.length] ?? '#df532d';
  }

  user(id: number): UserRecord | undefined {
    return this.users.get(id);
  }

  requireUser(id: number): UserRecord {
    const user = this.users.get(id);
    if (!user) throw new Error(`No user ${id} on portal ${this.identity.slug}`);
    return user;
  }

  /** Humans only: active, not a bot. */
  isHuman(id: number): boolean {
    const user = this.users.get(id);
    return Boolean(user && !user.bot);
  }

  botByCode(code: string): BotRecord | undefined {
    for (const bot of this.bots.values()) if (bot.code === code) return bot;
    return undefined;
  }

  isMember(chat: ChatRecord, userId: number): boolean {
    return chat.members.has(userId);
  }

  createChat(type: ChatType, ownerId: number, memberIds: number[], fields: Partial<ChatRecord> = {}): ChatRecord {
    const id = this.nextId('chat');
    const now = fields.createdAt ?? Date.now();
    const chat: ChatRecord = {
      id,
      type,
      title: fields.title ?? '',
      description: fields.description ?? '',
      ownerId,
      managerIds: new Set(),
      members: new Map(),
      color: fields.color ?? this.colorFor(id),
      entityType: fields.entityType ?? '',
      entityId: fields.entityId ?? '',
      entityData1: fields.entityData1 ?? '',
      entityData2: fields.entityData2 ?? '',
      entityData3: fields.entityData3 ?? '',
      textFieldEnabled: true,
      createdAt: now,
    };
    for (const memberId of [ownerId, ...memberIds]) if (memberId > 0) chat.members.set(memberId, now);
    this.chats.set(id, chat);
    return chat;
  }

  privateChatBetween(a: number, b: number): ChatRecord | undefined {
    for (const chat of this.chats.values()) {
      if (chat.type === 'private' && chat.members.has(a) && chat.members.has(b) && chat.members.size === 2) return chat;
    }
    return undefined;
  }

  /** The one-to-one chat of two people, created on first use (owner: whoever opened it). */
  ensurePrivateChat(openerId: number, otherId: number, now: number): ChatRecord {
    return this.privateChatBetween(openerId, otherId) ?? this.createChat('private', openerId, [otherId], { createdAt: now });
  }

  /**
   * Resolves a dialogId as `viewerId` sees it: `chat<id>` or the other party's user id.
   * With `create`, a missing private chat with an existing active user is opened.
   */
  resolveDialog(viewerId: number, dialogId: string, create: boolean, now: number): ChatRecord | undefined {
    const chatMatch = /^chat(\d+)$/.exec(dialogId);
    if (chatMatch) return this.chats.get(Number(chatMatch[1]));
    if (!/^\d+$/.test(dialogId)) return undefined;
    const otherId = Number(dialogId);
    const other = this.users.get(otherId);
    if (!other || !other.active || otherId === viewerId) return undefined;
    const existing = this.privateChatBetween(viewerId, otherId);
    if (existing || !create) return existing;
    return this.ensurePrivateChat(viewerId, otherId, now);
  }

  /** The dialogId of `chat` from `viewerId`'s side: the other participant for private chats. */
  dialogIdFor(chat: ChatRecord, viewerId: number): string {
    if (chat.type !== 'private') return `chat${chat.id}`;
    for (const memberId of chat.members.keys()) if (memberId !== viewerId) return String(memberId);
    return String(viewerId);
  }

  chatMessages(chatId: number): MessageRecord[] {
    return [...this.messages.values()].filter((m) => m.chatId === chatId).sort((x, y) => x.id - y.id);
  }

  groupRole(group: WorkgroupRecord, userId: number): WorkgroupRole | '' {
    return group.members.get(userId)?.role ?? '';
  }

  /** Owner, moderators and members; invited (Z) people are not members yet. */
  isGroupMember(group: WorkgroupRecord, userId: number): boolean {
    const role = this.groupRole(group, userId);
    return role === 'A' || role === 'E' || role === 'K';
  }

  /** The group's own messenger chat follows its active membership. */
  syncWorkgroupChat(group: WorkgroupRecord, now: number): void {
    const chat = this.chats.get(group.chatId);
    if (!chat) return;
    for (const [userId, member] of group.members) {
      const active = member.role !== 'Z' && this.users.get(userId)?.active !== false;
      if (active && !chat.members.has(userId)) chat.members.set(userId, now);
      if (!active) chat.members.delete(userId);
    }
    for (const userId of [...chat.members.keys()]) if (!group.members.has(userId)) chat.members.delete(userId);
    chat.ownerId = group.ownerId;
    chat.title = group.name;
  }

  /** Users who share at least one workgroup (as A/E/K) with `userId`. */
  groupPeersOf(userId: number): Set<number> {
    const peers = new Set<number>();
    for (const group of this.workgroups.values()) {
      if (!this.isGroupMember(group, userId)) continue;
      for (const [memberId, m] of group.members) if (m.role !== 'Z') peers.add(memberId);
    }
    return peers;
  }

  /** Whether `viewerId` may see `target` in user lists: extranet people only see their group peers. */
  canSeeUser(viewerId: number, target: UserRecord): boolean {
    if (target.bot) return false;
    if (viewerId === target.id) return true;
    const viewer = this.users.get(viewerId);
    if (!viewer) return false;
    if (viewer.admin) return true;
    if (viewer.extranet || target.extranet) return this.groupPeersOf(viewerId).has(target.id);
    return true;
  }
}
