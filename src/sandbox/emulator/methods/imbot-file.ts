// imbot.v2.File.upload and File.download (bot doc §10): a bot posts a file into one of its chats; a one-time link to a file there, and the bytes behind it.
import { randomBytes } from 'node:crypto';
import { imbotError, missingArgument } from '../errors.js';
import { fieldsOf, pick, toInt, toStr } from '../params.js';
import type { Portal } from '../portal.js';
import { methods, type CallContext, type MethodDef } from '../registry.js';
import type { FileRecord } from '../types.js';
import { accessDenied, botChat, dialogIdParam, ownedBot } from './imbot-common.js';

/**
 * How long a download link works. [unconfirmed] The docs say only "one-time, re-use not
 * guaranteed": the strictest reading is used, one fetch and a short life.
 */
export const DOWNLOAD_TTL_MS = 10 * 60 * 1000;

/** The path after `/rest/` that serves the bytes (the doc's `…/rest/download.json?token=…`). */
export const DOWNLOAD_PATH = 'download.json';

function download(ctx: CallContext) {
  const bot = ownedBot(ctx);
  const fileId = toInt(pick(ctx.params, 'fileId', 'FILE_ID'));
  if (fileId <= 0) throw missingArgument('fileId');
  const file = ctx.portal.state.files.get(fileId);
  if (!file) throw imbotError('FILE_NOT_FOUND', 'File not found');
  // The bot may read files of the chats it is in, nothing else.
  const chat = ctx.portal.state.chats.get(file.chatId);
  if (!chat || !chat.members.has(bot.id)) throw imbotError('FILE_ACCESS_ERROR', 'File access error');
  const token = `imbot|${randomBytes(24).toString('base64url')}`;
  ctx.portal.state.downloads.set(token, { fileId, expiresAt: ctx.portal.now() + DOWNLOAD_TTL_MS });
  const downloadUrl = `${ctx.portal.host.origin}/portal/${ctx.portal.slug}/rest/${DOWNLOAD_PATH}?token=${encodeURIComponent(token)}`;
  return { result: { downloadUrl } };
}

/** Strict Base64 (standard alphabet, padded to a multiple of 4): a `data:…;base64,` prefix or stray characters are invalid. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** What the Disk calls a file by its extension (bot doc §3.5 `type`). */
export function fileType(name: string): 'image' | 'video' | 'audio' | 'file' {
  const ext = extensionOf(name);
  if (['png', 'jpg', 'jpeg', 'gif', 'webp', 'bmp'].includes(ext)) return 'image';
  if (['mp4', 'webm', 'mov', 'avi'].includes(ext)) return 'video';
  if (['mp3', 'ogg', 'wav', 'm4a'].includes(ext)) return 'audio';
  return 'file';
}

export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? '' : name.slice(dot + 1).toLowerCase();
}

/**
 * One call: the file goes to the chat's Drive folder and a message from the bot carries it, with the
 * caption as its text (bot doc §10). The bot must be in the chat (ACCESS_DENIED); a private dialog
 * with a person is opened as Chat.Message.send opens it.
 */
function upload(ctx: CallContext) {
  const bot = ownedBot(ctx);
  const dialogId = dialogIdParam(ctx);
  const f = fieldsOf(ctx.params);
  const name = toStr(f.name) ?? '';
  const content = toStr(f.content) ?? '';
  if (name.trim() === '' || content === '') throw imbotError('FILE_EMPTY', 'File name or content is empty');
  // At most 100 MB of Base64 (bot doc §1.7, §10): Portal.uploadLimitBase64.
  if (content.length > ctx.portal.uploadLimitBase64) throw imbotError('FILE_TOO_LARGE', 'File is too large');
  if (!BASE64.test(content)) throw imbotError('FILE_INVALID_CONTENT', 'Invalid base64 content');
  const bytes = new Uint8Array(Buffer.from(content, 'base64'));
  if (bytes.byteLength === 0) throw imbotError('FILE_EMPTY', 'File name or content is empty');
  const chat = botChat(ctx, bot, dialogId, true);
  if (!chat || !chat.members.has(bot.id)) throw accessDenied();
  const state = ctx.portal.state;
  const fileId = state.nextId('file');
  state.files.set(fileId, { id: fileId, chatId: chat.id, authorId: bot.id, name, content: bytes, date: ctx.portal.now() });
  const message = ctx.portal.messenger.addMessage(chat, bot.id, toStr(f.message) ?? '', { params: { FILE_ID: [fileId] } });
  return {
    result: {
      file: { id: fileId, chatId: chat.id, name, extension: extensionOf(name), size: bytes.byteLength },
      messageId: message.id,
      chatId: chat.id,
      dialogId,
    },
  };
}

export const imbotFileMethods: MethodDef[] = methods(['imbot'], {
  'imbot.v2.File.upload': upload,
  'imbot.v2.File.download': download,
});

/** The file a download token opens, spending the token; undefined when unknown, used or expired. */
export function redeemDownload(portal: Portal, token: string): FileRecord | undefined {
  const grant = portal.state.downloads.get(token);
  if (!grant) return undefined;
  portal.state.downloads.delete(token);
  if (grant.expiresAt < portal.now()) return undefined;
  return portal.state.files.get(grant.fileId);
}
