// Sending one bot message, for handlers (BotContext.send) and the scheduler alike.
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
): Promise<number | null> {
  const r: Reply = typeof reply === 'string' ? { text: reply } : reply;
  const res = await rest.call<{ id?: number | string }>('imbot.v2.Chat.Message.send', {
    botId,
    dialogId,
    fields: renderFields(r, botId),
  });
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
