// imbot.v2.Chat.Message.send/update/delete: the bot's own messages, keyboards and attachments (bot doc §8.1–8.3).
import { imbotError, missingArgument } from '../errors.js';
import { parseAttach, parseKeyboard, truncateMessage } from '../keyboard.js';
import { toList, v2Bool, ynOnly } from '../php.js';
import { fieldsOf, pick, toInt, toStr } from '../params.js';
import { methods, type CallContext, type MethodDef } from '../registry.js';
import type { MessageParams, MessageRecord } from '../types.js';
import { accessDenied, botChat, dialogIdParam, ownedBot } from './imbot-common.js';

const MAX_FORWARDS = 100;

function messageParam(ctx: CallContext): MessageRecord {
  const id = toInt(pick(ctx.params, 'messageId', 'MESSAGE_ID'));
  if (id <= 0) throw missingArgument('messageId');
  const message = ctx.portal.state.messages.get(id);
  if (!message || message.deleted) throw accessDenied();
  return message;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function send(ctx: CallContext) {
  const bot = ownedBot(ctx);
  const dialogId = dialogIdParam(ctx);
  const chat = botChat(ctx, bot, dialogId, true);
  if (!chat || !chat.members.has(bot.id)) throw accessDenied();
  const f = fieldsOf(ctx.params);
  const forwards = toList(f.forwardIds);
  if (forwards.length > MAX_FORWARDS) throw imbotError('TOO_MANY_MESSAGES', 'Too many messages to forward');
  if (forwards.length > 0) throw imbotError('SENDING_FAILED', 'Forwarding messages is not emulated');
  // [source] a valid UUID as templateId is the message's client-side id: a second send with one the
  // portal has seen creates nothing and answers the first message's id (bot doc 8.1; unconfirmed for
  // the current v2 path, emulated as the source shows it).
  const uuid = toStr(f.templateId) ?? '';
  const uuidKey = UUID.test(uuid) ? uuid.toLowerCase() : null;
  const seen = uuidKey === null ? undefined : ctx.portal.state.messageByUuid.get(uuidKey);
  if (seen !== undefined) return { result: { id: seen, uuidMap: {} } };
  const text = toStr(f.message) ?? '';
  const keyboard = parseKeyboard(f.keyboard, 'send');
  const attach = parseAttach(f.attach, 'send');
  if (text.trim() === '' && attach.kind !== 'set') throw imbotError('EMPTY_MESSAGE', "Message can't be empty");
  const params: MessageParams = {};
  const replyId = toInt(f.replyId);
  if (replyId > 0) {
    const original = ctx.portal.state.messages.get(replyId);
    if (!original || original.chatId !== chat.id) throw imbotError('REPLY_ERROR', 'Incorrect reply message');
    params.REPLY_ID = replyId;
  }
  // The keyboard's BOT_ID is always the sending bot.
  if (keyboard.kind === 'set') params.KEYBOARD = { BOT_ID: bot.id, BUTTONS: keyboard.buttons };
  if (attach.kind === 'set') params.ATTACH = attach.attach;
  const message = ctx.portal.messenger.addMessage(chat, bot.id, text, {
    system: v2Bool(f.system, false),
    params,
    uuid,
  });
  // Booleans and Y/N alike since BOT-FIX-0402-2.
  message.urlPreview = v2Bool(f.urlPreview, true);
  if (uuidKey !== null) ctx.portal.state.messageByUuid.set(uuidKey, message.id);
  return { result: { id: message.id, uuidMap: {} } };
}

function update(ctx: CallContext) {
  const bot = ownedBot(ctx);
  const message = messageParam(ctx);
  // Only the bot's own, non-system messages (system ones have author 0).
  if (message.authorId !== bot.id || message.system) throw accessDenied();
  const f = fieldsOf(ctx.params);
  const keyboard = parseKeyboard(f.keyboard, 'update');
  const attach = parseAttach(f.attach, 'update');
  if (f.message !== undefined) {
    const text = toStr(f.message) ?? '';
    const hasAttach = attach.kind === 'set' || (attach.kind === 'none' && message.params.ATTACH !== undefined);
    if (text.trim() === '' && !hasAttach) {
      // As documented for imbot.message.update: an empty text deletes the message.
      message.deleted = true;
      message.params.IS_DELETED = 'Y';
      return { result: { result: true } };
    }
    message.text = truncateMessage(text);
    message.params.IS_EDITED = 'Y';
  }
  if (keyboard.kind === 'remove') delete message.params.KEYBOARD;
  if (keyboard.kind === 'set') message.params.KEYBOARD = { BOT_ID: bot.id, BUTTONS: keyboard.buttons };
  if (attach.kind === 'remove') delete message.params.ATTACH;
  if (attach.kind === 'set') message.params.ATTACH = attach.attach;
  if (f.urlPreview !== undefined) message.urlPreview = ynOnly(f.urlPreview, message.urlPreview ?? true);
  return { result: { result: true } };
}

function remove(ctx: CallContext) {
  const bot = ownedBot(ctx);
  const message = messageParam(ctx);
  const chat = ctx.portal.state.chats.get(message.chatId);
  const own = message.authorId === bot.id;
  const chatAdmin = chat !== undefined && chat.members.has(bot.id) && (chat.ownerId === bot.id || chat.managerIds.has(bot.id));
  if (!own && !chatAdmin) throw accessDenied();
  if (v2Bool(pick(ctx.params, 'complete', 'COMPLETE'), false)) {
    ctx.portal.state.messages.delete(message.id);
  } else {
    message.deleted = true;
    message.text = '';
    message.params = { IS_DELETED: 'Y' };
  }
  return { result: { result: true } };
}

export const imbotMessageMethods: MethodDef[] = methods(['imbot'], {
  'imbot.v2.Chat.Message.send': send,
  'imbot.v2.Chat.Message.update': update,
  'imbot.v2.Chat.Message.delete': remove,
});
