// Files sent to the bot: a one-time link from imbot.v2.File.download (bot doc §10), then the bytes, bounded.
import { z } from 'zod';
import { PortalError, type RestClient } from './portal.js';

export type DownloadFailure = 'not_found' | 'denied' | 'too_big' | 'unavailable';
export type Downloaded = { ok: true; bytes: Uint8Array; name: string } | { ok: false; reason: DownloadFailure };

const answerSchema = z.object({ downloadUrl: z.string().min(1).max(4000) });

/** The file name of a `content-disposition` header (RFC 6266 `filename*` first), or ''. */
function fileNameOf(header: string | null): string {
  if (!header) return '';
  const star = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(header);
  if (star?.[1]) {
    try {
      return decodeURIComponent(star[1].trim());
    } catch {
      return '';
    }
  }
  return /filename\s*=\s*"?([^";]+)"?/i.exec(header)?.[1]?.trim() ?? '';
}

/**
 * Downloads a file the bot received, at most `maxBytes`. The link must point at the portal itself
 * (`portalOrigin`): it carries a token, and a link elsewhere would make the bot fetch arbitrary URLs.
 */
export async function downloadBotFile(client: RestClient, botId: number, fileId: number, portalOrigin: string, maxBytes: number): Promise<Downloaded> {
  let url: URL;
  try {
    const answer = answerSchema.parse(await client.call('imbot.v2.File.download', { botId, fileId }));
    url = new URL(answer.downloadUrl);
  } catch (e) {
    if (e instanceof PortalError && e.code === 'FILE_NOT_FOUND') return { ok: false, reason: 'not_found' };
    if (e instanceof PortalError && e.code === 'FILE_ACCESS_ERROR') return { ok: false, reason: 'denied' };
    if (e instanceof PortalError || e instanceof z.ZodError || e instanceof TypeError) return { ok: false, reason: 'unavailable' };
    throw e;
  }
  if (url.origin !== new URL(portalOrigin).origin) return { ok: false, reason: 'unavailable' };
  let res: Response;
  try {
    res = await fetch(url, { method: 'GET', redirect: 'error', signal: AbortSignal.timeout(30_000) });
  } catch {
    return { ok: false, reason: 'unavailable' };
  }
  if (!res.ok || !res.body) return { ok: false, reason: res.status === 404 ? 'not_found' : 'unavailable' };
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    await res.body.cancel();
    return { ok: false, reason: 'too_big' };
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      return { ok: false, reason: 'too_big' };
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  return { ok: true, bytes, name: fileNameOf(res.headers.get('content-disposition')) };
}

/** `File.upload` takes at most 100 MB of Base64 (bot doc §1.7, §10): checked before the call. */
export const UPLOAD_MAX_BASE64 = 100 * 1024 * 1024;

export type UploadFailure = 'too_large' | 'invalid' | 'denied' | 'failed';
/** fileId and messageId are null when the portal's answer could not be read (the file is in the chat all the same). */
export type Uploaded = { ok: true; fileId: number | null; messageId: number | null } | { ok: false; reason: UploadFailure };

export interface UploadFile {
  /** The file name with its extension (Bitrix24 shows an image inline by it). */
  name: string;
  bytes: Uint8Array;
  /** The caption posted with the file (BB-code, escaped by the caller). */
  message?: string;
}

const uploadAnswer = z.object({
  file: z.object({ id: z.union([z.number(), z.string()]).transform(Number) }),
  messageId: z.union([z.number(), z.string()]).transform(Number),
});

/** The upload errors of bot doc §10 as values; anything else (bot errors, no answer) is thrown. */
const UPLOAD_ERRORS: Record<string, UploadFailure> = {
  FILE_TOO_LARGE: 'too_large',
  FILE_EMPTY: 'invalid',
  FILE_INVALID_CONTENT: 'invalid',
  ACCESS_DENIED: 'denied',
  FILE_FOLDER_ERROR: 'failed',
  FILE_UPLOAD_FAILED: 'failed',
  FILE_SEND_FAILED: 'failed',
};

/**
 * Uploads a file into a dialog as the bot: one `imbot.v2.File.upload` call stores it in the chat's
 * Drive folder and posts the message with it (bot doc §10), so there is no Chat.Message.send. Not
 * idempotent: a repeat after a lost answer posts the file twice, so the caller does not retry it.
 * Under an inbound webhook the REST client adds `botToken` to every imbot.v2 call (portal.ts).
 */
export async function uploadBotFile(
  client: RestClient,
  args: { botId: number; dialogId: string; file: UploadFile },
): Promise<Uploaded> {
  const { file } = args;
  if (file.name.trim() === '' || file.bytes.byteLength === 0) return { ok: false, reason: 'invalid' };
  const content = Buffer.from(file.bytes.buffer, file.bytes.byteOffset, file.bytes.byteLength).toString('base64');
  if (content.length > UPLOAD_MAX_BASE64) return { ok: false, reason: 'too_large' };
  const fields: Record<string, string> = { name: file.name, content };
  if (file.message) fields.message = file.message;
  const params: Record<string, unknown> = { botId: args.botId, dialogId: args.dialogId, fields };
  let answer: unknown;
  try {
    answer = await client.call('imbot.v2.File.upload', params);
  } catch (e) {
    const mapped = e instanceof PortalError ? UPLOAD_ERRORS[e.code] : undefined;
    if (mapped) return { ok: false, reason: mapped };
    throw e;
  }
  const parsed = uploadAnswer.safeParse(answer);
  // The file went up; an answer we cannot read still means it is in the chat.
  if (!parsed.success) return { ok: true, fileId: null, messageId: null };
  return { ok: true, fileId: parsed.data.file.id, messageId: parsed.data.messageId };
}
