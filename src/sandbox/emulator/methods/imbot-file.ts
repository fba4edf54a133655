// imbot.v2.File.download: a one-time link to a file in one of the bot's chats (bot doc §10), and the bytes behind it.
import { randomBytes } from 'node:crypto';
import { imbotError, missingArgument } from '../errors.js';
import { pick, toInt } from '../params.js';
import type { Portal } from '../portal.js';
import { methods, type CallContext, type MethodDef } from '../registry.js';
import type { FileRecord } from '../types.js';
import { ownedBot } from './imbot-common.js';

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

export const imbotFileMethods: MethodDef[] = methods(['imbot'], {
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
