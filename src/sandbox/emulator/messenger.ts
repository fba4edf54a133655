// What people do in the messenger (write, edit, delete, press buttons, add members) and the bot events it causes.
import type { DeliveryOutcome } from './delivery.js';
import { botsForMessage, commandData, joinChatData, matchCommands, messageData, messageDeleteData, reactionData } from './dispatch.js';
import { truncateMessage } from './keyboard.js';
import type { Portal } from './portal.js';
import type { ChatRecord, MessageParams, MessageRecord, UserRecord } from './types.js';

/** A driver call that makes no sense for the portal (unknown message, button absent or disabled…). */
export class DriverError extends Error {
  override name = 'DriverError';
}

const GRANT_TTL_MS = 10 * 60 * 1000;

export interface NewMessage {
  system?: boolean;
  params?: MessageParams;
  uuid?: string;
  onBehalfOfBotId?: number;
}

export interface PressResult {
  /** What the click did: a bot command, a message sent for the user, or only something client-side. */
  action: 'command' | 'send' | 'client';
  outcomes: DeliveryOutcome[];
  messageId?: number;
}

export class Messenger {
  constructor(private readonly portal: Portal) {}

  private get state() {
    return this.portal.state;
  }

  addMessage(chat: ChatRecord, authorId: number, text: string, extra: NewMessage = {}): MessageRecord {
    const message: MessageRecord = {
      id: this.state.nextId('message'),
      chatId: chat.id,
      authorId: extra.system ? 0 : authorId,
      text: truncateMessage(text),
      system: extra.system ?? false,
      date: this.portal.now(),
      uuid: extra.uuid ?? '',
      params: extra.params ?? {},
      deleted: false,
    };
    if (extra.onBehalfOfBotId !== undefined) message.onBehalfOfBotId = extra.onBehalfOfBotId;
    this.state.messages.set(message.id, message);
    this.portal.emitActivity({ kind: 'message', message: { ...message } });
    return message;
  }

  private human(userId: number): UserRecord {
    const user = this.state.users.get(userId);
    if (!user || user.bot) throw new DriverError(`User ${userId} is not a person on this portal`);
    if (!user.active) throw new DriverError(`User ${userId} is not active`);
    return user;
  }

  /** A person writes into a dialog (their side: the other party's id or chat<id>). */
  async userSend(authorId: number, dialogId: string, text: string): Promise<{ message: MessageRecord; outcomes: DeliveryOutcome[] }> {
    const author = this.human(authorId);
    const chat = this.state.resolveDialog(authorId, dialogId, true, this.portal.now());
    if (!chat || !chat.members.has(authorId)) throw new DriverError(`User ${authorId} cannot write to dialog ${dialogId}`);
    // Chat.TextField.enabled(false) leaves only buttons to the person.
    if (!chat.textFieldEnabled) throw new DriverError(`The text field of ${dialogId} is disabled`);
    if (text.trim() === '') throw new DriverError('Empty messages cannot be sent');
    const message = this.addMessage(chat, authorId, text);
    const outcomes = await this.dispatchNewMessage(message, chat, author);
    return { message, outcomes };
  }

  /**
   * A person sends a file into a dialog, with an optional caption: the file goes to the chat's
   * Drive folder and the message carries its id in `params.FILE_ID` (bot doc §3.4, §10). A caption
   * that is a slash command is one, as typed text is.
   */
  async userSendFile(
    authorId: number,
    dialogId: string,
    file: { name: string; content: Uint8Array },
    caption = '',
  ): Promise<{ message: MessageRecord; fileId: number; outcomes: DeliveryOutcome[] }> {
    const author = this.human(authorId);
    const chat = this.state.resolveDialog(authorId, dialogId, true, this.portal.now());
    if (!chat || !chat.members.has(authorId)) throw new DriverError(`User ${authorId} cannot write to dialog ${dialogId}`);
    if (file.name.trim() === '') throw new DriverError('A file needs a name');
    const fileId = this.state.nextId('file');
    this.state.files.set(fileId, { id: fileId, chatId: chat.id, authorId, name: file.name, content: new Uint8Array(file.content), date: this.portal.now() });
    const message = this.addMessage(chat, authorId, caption, { params: { FILE_ID: [fileId] } });
    const outcomes = await this.dispatchNewMessage(message, chat, author);
    return { message, fileId, outcomes };
  }

  private dispatchNewMessage(message: MessageRecord, chat: ChatRecord, author: UserRecord): Promise<DeliveryOutcome[]> {
    const matches = matchCommands(this.state, chat, author, message.text);
    if (matches.length > 0) {
      // A matched command suppresses MESSAGEADD for every bot.
      return Promise.all(
        matches.map((match) => {
          this.grant(match.bot.id, chat.id, match.command.id, message.id);
          const data = commandData(this.state, match, 'textarea', message, chat, author);
          return this.portal.delivery.emitToBot(match.bot, { type: 'ONIMBOTV2COMMANDADD', data, actorId: author.id, withRefresh: true });
        }),
      );
    }
    return Promise.all(
      botsForMessage(this.state, chat, author, message.text).map((bot) =>
        this.portal.delivery.emitToBot(bot, {
          type: 'ONIMBOTV2MESSAGEADD',
          data: messageData(this.state, message, chat, author, bot),
          actorId: author.id,
          withRefresh: true,
        }),
      ),
    );
  }

  private grant(botId: number, chatId: number, commandId: number, messageId: number): void {
    const now = this.portal.now();
    this.state.grants = this.state.grants.filter((g) => now - g.at < GRANT_TTL_MS);
    this.state.grants.push({ botId, chatId, commandId, messageId, at: now });
  }

  /** Whether a bot called a command in that chat within the last 10 minutes (Command.answer window). */
  hasGrant(botId: number, chatId: number): boolean {
    const now = this.portal.now();
    return this.state.grants.some((g) => g.botId === botId && g.chatId === chatId && now - g.at < GRANT_TTL_MS);
  }

  /** A person presses a keyboard button of a message, by its TEXT or its index among real buttons. */
  async press(userId: number, messageId: number, selector: string | number): Promise<PressResult> {
    const user = this.human(userId);
    const message = this.state.messages.get(messageId);
    const chat = message ? this.state.chats.get(message.chatId) : undefined;
    if (!message || message.deleted || !chat || !chat.members.has(userId)) {
      throw new DriverError(`User ${userId} cannot see message ${messageId}`);
    }
    const keyboard = message.params.KEYBOARD;
    const buttons = (keyboard?.BUTTONS ?? []).filter((b) => b.TYPE !== 'NEWLINE');
    const button = typeof selector === 'number' ? buttons[selector] : buttons.find((b) => b.TEXT === selector);
    if (!keyboard || !button) throw new DriverError(`Message ${messageId} has no button ${JSON.stringify(selector)}`);
    if (button.DISABLED === 'Y') throw new DriverError(`Button ${JSON.stringify(button.TEXT)} is disabled`);
    if (button.ACTION === 'SEND') {
      const sent = await this.userSend(userId, this.state.dialogIdFor(chat, userId), button.ACTION_VALUE ?? '');
      return { action: 'send', outcomes: sent.outcomes, messageId: sent.message.id };
    }
    if (button.COMMAND === undefined) return { action: 'client', outcomes: [] };
    const bot = this.state.bots.get(keyboard.BOT_ID);
    const command = [...this.state.commands.values()].find((c) => c.botId === keyboard.BOT_ID && c.command === button.COMMAND);
    // An unregistered command, or one an extranet person may not call, does nothing.
    if (!bot || !command || (user.extranet && !command.extranetSupport)) return { action: 'command', outcomes: [] };
    if (button.BLOCK === 'Y') button.DISABLED = 'Y';
    this.grant(bot.id, chat.id, command.id, message.id);
    // [source, unconfirmed] clicks inside a private dialog may come without `chat`; we leave it out by default.
    const omitChat = chat.type === 'private' && this.portal.options.omitChatOnPrivateKeyboardClick;
    const match = { bot, command, params: button.COMMAND_PARAMS ?? '' };
    const data = commandData(this.state, match, 'keyboard', message, omitChat ? null : chat, user);
    const outcome = await this.portal.delivery.emitToBot(bot, { type: 'ONIMBOTV2COMMANDADD', data, actorId: userId, withRefresh: true });
    return { action: 'command', outcomes: [outcome] };
  }

  /**
   * A person sets or removes a reaction. Bots hear of it only for their own messages and only
   * when their isReactionsEnabled is on.
   */
  react(userId: number, messageId: number, reaction: string, add: boolean): Promise<DeliveryOutcome[]> {
    const user = this.human(userId);
    const message = this.state.messages.get(messageId);
    const chat = message ? this.state.chats.get(message.chatId) : undefined;
    if (!message || message.deleted || !chat || !chat.members.has(userId)) throw new DriverError(`User ${userId} cannot see message ${messageId}`);
    const reactions = (message.reactions ??= {});
    const who = reactions[reaction] ?? [];
    if (add === who.includes(userId)) return Promise.resolve([]);
    reactions[reaction] = add ? [...who, userId] : who.filter((id) => id !== userId);
    const bot = this.state.bots.get(message.authorId);
    if (!bot || !bot.isReactionsEnabled) return Promise.resolve([]);
    const data = reactionData(this.state, reaction, add ? 'add' : 'delete', message, chat, user, bot);
    return Promise.all([this.portal.delivery.emitToBot(bot, { type: 'ONIMBOTV2REACTIONCHANGE', data, actorId: userId, withRefresh: true })]);
  }

  /** A chat opened with start-up context (deep link): CONTEXTGET to every bot in that chat. */
  sendContext(userId: number, dialogId: string, context: Record<string, unknown>): Promise<DeliveryOutcome[]> {
    const user = this.human(userId);
    const chat = this.state.resolveDialog(userId, dialogId, true, this.portal.now());
    if (!chat || !chat.members.has(userId)) throw new DriverError(`User ${userId} cannot open dialog ${dialogId}`);
    const bots = [...chat.members.keys()].map((id) => this.state.bots.get(id)).filter((b) => b !== undefined);
    return Promise.all(
      bots.map((bot) =>
        this.portal.delivery.emitToBot(bot, {
          type: 'ONIMBOTV2CONTEXTGET',
          data: { ...joinChatData(this.state, chat, user, bot), context },
          actorId: userId,
          withRefresh: true,
        }),
      ),
    );
  }

  /** A person opens the private dialog with a bot: JOINCHAT with the dialog (tutorial behaviour). */
  async openBotDialog(userId: number, botId: number): Promise<DeliveryOutcome[]> {
    const user = this.human(userId);
    const bot = this.state.bots.get(botId);
    if (!bot) throw new DriverError(`No bot ${botId}`);
    const chat = this.state.ensurePrivateChat(userId, botId, this.portal.now());
    const data = joinChatData(this.state, chat, user, bot);
    return [await this.portal.delivery.emitToBot(bot, { type: 'ONIMBOTV2JOINCHAT', data, actorId: userId, withRefresh: false })];
  }

  /** Members join a group chat; every bot among them (except the actor) gets JOINCHAT. */
  addMembers(chat: ChatRecord, userIds: number[], actorId: number): Promise<DeliveryOutcome[]> {
    const now = this.portal.now();
    const joinedBots = [];
    for (const id of userIds) {
      const user = this.state.users.get(id);
      if (!user || !user.active || chat.members.has(id)) continue;
      chat.members.set(id, now);
      const bot = this.state.bots.get(id);
      if (bot && id !== actorId) joinedBots.push(bot);
    }
    const actor = this.state.users.get(actorId);
    if (!actor) return Promise.resolve([]);
    return Promise.all(
      joinedBots.map((bot) =>
        this.portal.delivery.emitToBot(bot, {
          type: 'ONIMBOTV2JOINCHAT',
          data: joinChatData(this.state, chat, actor, bot),
          actorId: actor.bot ? null : actor.id,
          withRefresh: false,
        }),
      ),
    );
  }

  private ownMessage(userId: number, messageId: number): { message: MessageRecord; chat: ChatRecord } {
    const message = this.state.messages.get(messageId);
    const chat = message ? this.state.chats.get(message.chatId) : undefined;
    if (!message || !chat || message.deleted || message.authorId !== userId) {
      throw new DriverError(`Message ${messageId} is not an own message of user ${userId}`);
    }
    return { message, chat };
  }

  /** A person edits their message: MESSAGEUPDATE for the bots that the new text addresses. */
  editMessage(userId: number, messageId: number, text: string): Promise<DeliveryOutcome[]> {
    const author = this.human(userId);
    const { message, chat } = this.ownMessage(userId, messageId);
    message.text = truncateMessage(text);
    message.params.IS_EDITED = 'Y';
    return Promise.all(
      botsForMessage(this.state, chat, author, message.text).map((bot) =>
        this.portal.delivery.emitToBot(bot, {
          type: 'ONIMBOTV2MESSAGEUPDATE',
          data: messageData(this.state, message, chat, author, bot),
          actorId: userId,
          withRefresh: true,
        }),
      ),
    );
  }

  /** A person deletes their message: MESSAGEDELETE for the bots the text addressed. */
  deleteMessage(userId: number, messageId: number): Promise<DeliveryOutcome[]> {
    const author = this.human(userId);
    const { message, chat } = this.ownMessage(userId, messageId);
    const bots = botsForMessage(this.state, chat, author, message.text);
    message.deleted = true;
    message.params.IS_DELETED = 'Y';
    return Promise.all(
      bots.map((bot) =>
        this.portal.delivery.emitToBot(bot, {
          type: 'ONIMBOTV2MESSAGEDELETE',
          data: messageDeleteData(this.state, message.id, chat, author, bot),
          actorId: userId,
          withRefresh: true,
        }),
      ),
    );
  }
}
