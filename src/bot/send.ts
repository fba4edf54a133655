// Sending one bot message, for handlers (BotContext.send) and the scheduler alike.
import { createHash } from 'node:crypto';
import { KEYBOARD_DIALOGS_LIMIT, type PortalStore } from '../store/types.js';
import type { RestClient } from './portal.js';
import { renderFields, type Reply } from './render.js';

/** A private dialog is addressed by the other party's user id; a group chat by `chat<id>` (bot doc 1.6). */
export function isPrivateDialog(dialogId: string): boolean {
  return /^\d+$/.test(dialogId);
}

/**
 * Sends `reply` as the bot into `dialogId` and returns the new message's id. Keyboard clicks may
 * arrive without `chat` (bot doc 7.4), so for a keyboard sent to a group chat we remember where it
 * went. In a private dialog only its one person can click, and the bot answers them at their own
 * id, so nothing is recorded there: that saves a store write per keyboard on most answers.
 */
export async function sendBotMessage(
  store: PortalStore,
  rest: RestClient,
  memberId: string,
  botId: number,
  dialogId: string,
  reply: Reply | string,
  opts: { templateId?: string } = {},
): Promise<number | null> {
  const r: Reply = typeof reply === 'string' ? { text: reply } : reply;
  const fields = renderFields(r, botId);
  if (opts.templateId) fields.templateId = opts.templateId;
  const res = await rest.call<{ id?: number | string }>('imbot.v2.Chat.Message.send', { botId, dialogId, fields });
  const id = Number(res?.id) || null;
  if (id && r.buttons && r.buttons.length > 0 && !isPrivateDialog(dialogId)) {
    await store.update(memberId, (d) => {
      d.keyboardDialogs[String(id)] = dialogId;
      const keys = Object.keys(d.keyboardDialogs);
      for (const k of keys.slice(0, Math.max(0, keys.length - KEYBOARD_DIALOGS_LIMIT))) delete d.keyboardDialogs[k];
    });
  }
  return id;
}

/**
 * A message's `templateId` (the client-side message UUID, bot doc 8.1) made from a stable key, so a
 * resend after a crash carries the same one. Bitrix24's send path refuses a second message with a
 * UUID it has seen and answers the first one's id ([source]; unconfirmed for the current v2 path, so
 * at worst the one message in flight at a crash arrives twice). Shaped as an RFC 9562 UUID version 8.
 */
export function messageUuid(...parts: string[]): string {
  const h = createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32).split('');
  h[12] = '8';
  h[16] = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  const x = h.join('');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}
