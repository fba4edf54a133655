// Our Reply (text, button rows, card blocks) → the fields of imbot.v2 message methods: BB-code, KEYBOARD, ATTACH.
import { cutText } from '../domain/text.js';

export type ButtonStyle = 'primary' | 'secondary' | 'alert' | 'base';

export type Button =
  | {
      text: string;
      /** A registered command of ours (`group`, `course`, …) and the payload handed back as `command.params`. */
      command: string;
      payload: string;
      style?: ButtonStyle;
      /** Disable after the first press (for confirmations). */
      once?: boolean;
    }
  | { text: string; link: string; style?: ButtonStyle };

export type CardBlock =
  | { kind: 'text'; text: string }
  | { kind: 'rows'; rows: Array<{ name: string; value: string }> }
  | { kind: 'link'; name: string; url: string; description?: string }
  | { kind: 'delimiter' };

export interface Reply {
  /** BB-code. Anything a user typed must already be escaped (domain/bbcode.ts). */
  text: string;
  buttons?: Button[][];
  card?: { color?: ButtonStyle; blocks: CardBlock[] };
}

export interface KeyboardButton {
  TEXT: string;
  COMMAND?: string;
  COMMAND_PARAMS?: string;
  LINK?: string;
  BG_COLOR_TOKEN?: ButtonStyle;
  DISPLAY: 'LINE' | 'BLOCK';
  BLOCK?: 'Y';
}
export type KeyboardItem = KeyboardButton | { TYPE: 'NEWLINE' };

/** Keyboard keys stay UPPER_CASE in v2 (bot doc 8.9); rows are separated by NEWLINE items. */
export function renderKeyboard(rows: Button[][], botId: number): { BOT_ID: number; BUTTONS: KeyboardItem[] } | null {
  const items: KeyboardItem[] = [];
  for (const row of rows.filter((r) => r.length > 0)) {
    if (items.length > 0) items.push({ TYPE: 'NEWLINE' });
    for (const b of row) {
      const base: KeyboardButton = { TEXT: cutText(b.text, 100), DISPLAY: 'LINE' };
      if (b.style) base.BG_COLOR_TOKEN = b.style;
      if ('link' in b) base.LINK = b.link;
      else {
        base.COMMAND = b.command;
        base.COMMAND_PARAMS = b.payload;
        if (b.once) base.BLOCK = 'Y';
      }
      items.push(base);
    }
  }
  return items.length > 0 ? { BOT_ID: botId, BUTTONS: items } : null;
}

type AttachBlock =
  | { MESSAGE: string }
  | { GRID: Array<{ DISPLAY: 'LINE'; NAME: string; VALUE: string; WIDTH?: number }> }
  | { LINK: { NAME: string; LINK: string; DESC?: string } }
  | { DELIMITER: { SIZE: number; COLOR: string } };

export function renderCard(card: NonNullable<Reply['card']>): { COLOR_TOKEN: ButtonStyle; BLOCKS: AttachBlock[] } {
  const blocks: AttachBlock[] = card.blocks.map((b): AttachBlock => {
    switch (b.kind) {
      case 'text':
        return { MESSAGE: b.text };
      case 'rows':
        return { GRID: b.rows.map((r) => ({ DISPLAY: 'LINE' as const, NAME: r.name, VALUE: r.value, WIDTH: 140 })) };
      case 'link':
        return { LINK: { NAME: b.name, LINK: b.url, ...(b.description ? { DESC: b.description } : {}) } };
      case 'delimiter':
        return { DELIMITER: { SIZE: 200, COLOR: '#c6c6c6' } };
    }
  });
  return { COLOR_TOKEN: card.color ?? 'primary', BLOCKS: blocks };
}

/** The `fields` object of `imbot.v2.Chat.Message.send` / `.update`. */
export function renderFields(reply: Reply, botId: number, forUpdate = false): Record<string, unknown> {
  const fields: Record<string, unknown> = { message: reply.text };
  const keyboard = reply.buttons ? renderKeyboard(reply.buttons, botId) : null;
  if (keyboard) fields.keyboard = keyboard;
  else if (forUpdate) fields.keyboard = 'N';
  if (reply.card && reply.card.blocks.length > 0) fields.attach = renderCard(reply.card);
  // Link previews of course URLs would bury the buttons. 'N', not false: Chat.Message.update documents
  // only "Y"/"N" for it (send takes both since BOT-FIX-0402-2).
  fields.urlPreview = 'N';
  return fields;
}

/** Button payloads are short and versioned: `v1:<action>:<arg>:<arg>`. */
export function buttonPayload(action: string, ...args: Array<string | number>): string {
  return ['v1', action, ...args.map(String)].join(':');
}

export function parseButtonPayload(params: string): { action: string; args: string[] } | null {
  const m = /^v1:([a-z][a-z0-9_.-]{0,40})((?::[^:\s]{1,64}){0,6})$/.exec(params.trim());
  if (!m || !m[1]) return null;
  return { action: m[1], args: (m[2] ?? '').split(':').filter(Boolean) };
}
