// A person acting in the portal's messenger and workgroups: what tests and the sandbox page make users do.
import type { DeliveryOutcome } from './delivery.js';
import { DriverError, type PressResult } from './messenger.js';
import type { Portal } from './portal.js';
import { dialogView, type DialogMessageView } from './views.js';
import { setMember } from './workgroups.js';

export interface SendResult {
  messageId: number;
  chatId: number;
  /** One entry per bot event the message caused; resolved after each receiver answered. */
  outcomes: DeliveryOutcome[];
}

export class UserActor {
  constructor(
    private readonly portal: Portal,
    readonly userId: number,
  ) {}

  /** Opens the private dialog with a bot: ONIMBOTV2JOINCHAT (every time, as a client opening it would). */
  openBotDialog(botId: number): Promise<DeliveryOutcome[]> {
    return this.portal.messenger.openBotDialog(this.userId, botId);
  }

  /** Writes into a dialog, addressed from this user's side: the bot's id, another user's id, or `chat<id>`. */
  async send(dialogId: string, text: string): Promise<SendResult> {
    const { message, outcomes } = await this.portal.messenger.userSend(this.userId, dialogId, text);
    return { messageId: message.id, chatId: message.chatId, outcomes };
  }

  /** Sends a file (with an optional caption, which may be a slash command) into a dialog. */
  async sendFile(dialogId: string, name: string, content: Uint8Array | string, caption = ''): Promise<SendResult & { fileId: number }> {
    const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
    const { message, fileId, outcomes } = await this.portal.messenger.userSendFile(this.userId, dialogId, { name, content: bytes }, caption);
    return { messageId: message.id, chatId: message.chatId, fileId, outcomes };
  }

  /** Presses a keyboard button by its TEXT or its index; throws when absent or disabled. */
  press(messageId: number, button: string | number): Promise<PressResult> {
    return this.portal.messenger.press(this.userId, messageId, button);
  }

  edit(messageId: number, text: string): Promise<DeliveryOutcome[]> {
    return this.portal.messenger.editMessage(this.userId, messageId, text);
  }

  deleteMessage(messageId: number): Promise<DeliveryOutcome[]> {
    return this.portal.messenger.deleteMessage(this.userId, messageId);
  }

  /** Sets a reaction (e.g. `like`) on a message; the bot that wrote it hears of it if it wants to. */
  react(messageId: number, reaction: string): Promise<DeliveryOutcome[]> {
    return this.portal.messenger.react(this.userId, messageId, reaction, true);
  }

  unreact(messageId: number, reaction: string): Promise<DeliveryOutcome[]> {
    return this.portal.messenger.react(this.userId, messageId, reaction, false);
  }

  /** Opens a dialog with start-up context (a deep link with BOT_CONTEXT): CONTEXTGET to its bots. */
  openWithContext(dialogId: string, context: Record<string, unknown>): Promise<DeliveryOutcome[]> {
    return this.portal.messenger.sendContext(this.userId, dialogId, context);
  }

  /** Accepts a workgroup invitation (role Z → K) and joins the group's chat. */
  acceptInvitation(groupId: number): Promise<void> {
    const group = this.portal.state.workgroups.get(groupId);
    const member = group?.members.get(this.userId);
    if (!group || member?.role !== 'Z') throw new DriverError(`User ${this.userId} has no invitation to group ${groupId}`);
    setMember(this.portal.state, group, this.userId, 'K', member.initiatedById, this.portal.now());
    return Promise.resolve();
  }

  declineInvitation(groupId: number): Promise<void> {
    const group = this.portal.state.workgroups.get(groupId);
    if (!group || group.members.get(this.userId)?.role !== 'Z') {
      throw new DriverError(`User ${this.userId} has no invitation to group ${groupId}`);
    }
    group.members.delete(this.userId);
    return Promise.resolve();
  }

  /** Adds people (or a bot) to a group chat this user is in; bots added get JOINCHAT. */
  addToChat(dialogId: string, userIds: number[]): Promise<DeliveryOutcome[]> {
    const chat = this.portal.state.resolveDialog(this.userId, dialogId, false, this.portal.now());
    if (!chat || chat.type === 'private' || !chat.members.has(this.userId)) {
      throw new DriverError(`User ${this.userId} cannot add members to ${dialogId}`);
    }
    if (chat.type === 'sonetGroup') throw new DriverError('Workgroup chats follow the group membership');
    return this.portal.messenger.addMembers(chat, userIds, this.userId);
  }

  /** Messages of a dialog as this user sees them. */
  dialog(dialogId: string): DialogMessageView[] {
    return dialogView(this.portal.state, this.userId, dialogId);
  }

  lastBotMessage(dialogId: string): DialogMessageView | undefined {
    return this.portal.lastBotMessage(this.userId, dialogId);
  }

  /** An OAuth access token of this user for the installed app, as an event would carry it. */
  token(clientId?: string): string {
    return this.portal.tokenFor(this.userId, clientId).accessToken;
  }
}
