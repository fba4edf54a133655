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
