// BotContext: what a handler gets — portal, user, chat, args, language — and reply(), t(), the portal clients.
import type { Day } from '../domain/model.js';
import type { Lang, T } from '../i18n/index.js';
import type { PortalData } from '../store/types.js';
import type { BotEvent } from './events.js';
import type { Uploaded, UploadFile } from './files.js';
import type { Logger } from './logger.js';
import type { RestClient } from './portal.js';
import type { Reply } from './render.js';

export interface ContextUser {
  id: number;
  name: string;
  extranet: boolean;
}

export interface ContextChat {
  dialogId: string;
  isPrivate: boolean;
  title: string;
}

export interface BotContext {
  memberId: string;
  botId: number;
  /** The portal's data when the event started; use `update` to change it. */
  data: PortalData;
  user: ContextUser;
  chat: ContextChat;
  /** The portal's language: Bitrix24 tells a bot the portal's, not each person's (README, known limits). */
  lang: Lang;
  t: T;
  /** Arguments after the sub-command, tokenized (quotes and mentions kept whole). */
  args: string[];
  /** The raw text after the command (or the whole message for text input). */
  text: string;
  event: BotEvent;
  /** For side work whose failure must not break the answer (it is logged instead). Never log tokens. */
  log: Logger;
  /** Is the caller a portal admin? Asked of Bitrix24 with the caller's own token, cached briefly. */
  isAdmin(): Promise<boolean>;
  /** Portal admins and the people an admin named with /moderator add. */
  isModerator(): Promise<boolean>;
  /** REST as the caller, so Bitrix24 enforces their rights (falls back to the installation where no user token came). */
  asUser(): RestClient;
  /** REST with the installation's tokens: only for work the caller could not do themselves (bot messages, scheduled work). */
  asApp(): Promise<RestClient>;
  /** A new message in this dialog; returns its id. */
  reply(reply: Reply | string): Promise<number | null>;
  /** Sends to another dialog (a bound chat, a learner's private chat). */
  send(dialogId: string, reply: Reply | string): Promise<number | null>;
  /**
   * "The bot is typing…" in this dialog (imbot.v2.Chat.InputAction.notify) while slow work runs, e.g.
   * many people added at once. Best effort: a refusal is ignored. Costs one REST call.
   */
  typing(): Promise<void>;
  /**
   * Uploads a file into this dialog (or `dialogId`) as the bot, posted as a message with an optional
   * caption (imbot.v2.File.upload, bot doc §10); upload refusals come back as values.
   */
  upload(file: UploadFile, dialogId?: string): Promise<Uploaded>;
  /** Replaces one of the bot's messages (a card, a poll tally) in place. */
  edit(messageId: number, reply: Reply): Promise<void>;
  /** Changes the portal's stored data atomically (serialized per portal). */
  update<R>(mutate: (data: PortalData) => R): Promise<R>;
  /**
   * A write that is not yet the event's change (an intent noted before a call that creates something
   * in Bitrix24): unlike `update`, it does not mark the event handled, so a crash after it replays the event.
   */
  note(mutate: (data: PortalData) => void): Promise<void>;
  now(): Date;
  today(): Day;
}

export type Handler = (ctx: BotContext) => Promise<void>;
/** A keyboard button's handler; `args` are the payload's arguments (`v1:action:a:b` → ['a', 'b']). */
export type ButtonHandler = (ctx: BotContext, args: string[]) => Promise<void>;
/** The answer to a question the bot asked (`PendingInput.kind`). */
export type PendingHandler = (ctx: BotContext, groupId: number | null) => Promise<void>;
