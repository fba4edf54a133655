// KEYBOARD and ATTACH validation as the messenger does it: UPPER_CASE keys only, invalid items dropped, size caps (bot doc §8.9–8.10).
import { imbotError } from './errors.js';
import { isRecord, toList } from './php.js';
import type { KeyboardButton } from './types.js';

const MAX_SERIALIZED = 60_000;
const ACTIONS = new Set(['PUT', 'SEND', 'COPY', 'CALL', 'DIALOG']);
const COLOR_TOKENS = new Set(['primary', 'secondary', 'alert', 'base']);
const COLOR_KEYS = ['BG_COLOR', 'TEXT_COLOR', 'OFF_BG_COLOR', 'OFF_TEXT_COLOR'];
const PASS_THROUGH = ['CONTEXT', 'DISPLAY', 'WIDTH', 'APP_PARAMS'];

export type KeyboardChange = { kind: 'none' } | { kind: 'remove' } | { kind: 'set'; buttons: KeyboardButton[] };
export type AttachChange = { kind: 'none' } | { kind: 'remove' } | { kind: 'set'; attach: Record<string, unknown> };

/** Absolute http(s) URLs or portal-relative paths, the only links the messenger accepts. */
export function isValidLink(value: unknown): value is string {
  if (typeof value !== 'string' || value === '') return false;
  if (value.startsWith('/') && !value.startsWith('//')) return true;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

function scalar(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return value ? 'Y' : 'N';
  return undefined;
}

function yesNo(value: unknown): 'Y' | 'N' {
  const s = scalar(value);
  return s !== undefined && ['Y', '1', 'TRUE'].includes(s.toUpperCase()) ? 'Y' : 'N';
}

function normalizeButton(item: unknown): KeyboardButton | undefined {
  if (!isRecord(item)) return undefined;
  if (item.TYPE === 'NEWLINE') return { TYPE: 'NEWLINE' };
  const text = scalar(item.TEXT);
  if (text === undefined || text.trim() === '') return undefined;
  const button: KeyboardButton = { TEXT: text };
  // Precedence of actions when several are given: LINK, APP_ID, ACTION, COMMAND.
  const action = scalar(item.ACTION)?.toUpperCase();
  const command = scalar(item.COMMAND)?.replace(/^\//, '');
  if (isValidLink(item.LINK)) button.LINK = item.LINK;
  else if (scalar(item.APP_ID)) button.APP_ID = scalar(item.APP_ID) ?? '';
  else if (action && ACTIONS.has(action) && scalar(item.ACTION_VALUE) !== undefined) {
    button.ACTION = action;
    button.ACTION_VALUE = scalar(item.ACTION_VALUE) ?? '';
  } else if (command) {
    button.COMMAND = command;
    button.COMMAND_PARAMS = scalar(item.COMMAND_PARAMS) ?? '';
  } else return undefined;
  button.BLOCK = yesNo(item.BLOCK);
  button.DISABLED = yesNo(item.DISABLED);
  for (const key of PASS_THROUGH) {
    const value = scalar(item[key]);
    if (value !== undefined) button[key] = value;
  }
  const token = scalar(item.BG_COLOR_TOKEN);
  if (token && COLOR_TOKENS.has(token)) button.BG_COLOR_TOKEN = token;
  for (const key of COLOR_KEYS) {
    const value = scalar(item[key]);
    if (value && /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.test(value)) button[key] = value;
  }
  return button;
}

function decodeJsonString(raw: unknown, fail: () => Error): unknown {
  if (typeof raw !== 'string') return raw;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw fail();
  }
}

/** PHP `empty()` of a JSON value the server received: "", false, an empty array or object. */
function phpEmpty(raw: unknown): boolean {
  if (raw === '' || raw === false) return true;
  if (Array.isArray(raw)) return raw.length === 0;
  return isRecord(raw) && Object.keys(raw).length === 0;
}

/**
 * `fields.keyboard` of send/update/answer. On update, "N" or an empty value ("", [], {}) removes the
 * keyboard (bot doc 8.9); on send "N" and "" mean "no keyboard", an empty list is refused. Buttons without a valid action are
 * dropped; none left → KEYBOARD_ERROR.
 */
export function parseKeyboard(raw: unknown, mode: 'send' | 'update'): KeyboardChange {
  if (raw === undefined || raw === null) return { kind: 'none' };
  if (raw === 'N' || raw === '' || raw === false) return mode === 'update' ? { kind: 'remove' } : { kind: 'none' };
  // The doc allows "an empty value" for removal on update only; on send an empty list has no button
  // left, which is KEYBOARD_ERROR (the stricter reading: a bot passing here passes on a portal).
  if (mode === 'update' && phpEmpty(raw)) return { kind: 'remove' };
  const fail = () => imbotError('KEYBOARD_ERROR', 'Incorrect keyboard params');
  const decoded = decodeJsonString(raw, fail);
  let items: unknown[];
  if (Array.isArray(decoded)) items = decoded;
  else if (isRecord(decoded) && 'BUTTONS' in decoded) items = toList(decoded.BUTTONS);
  else if (isRecord(decoded) && Object.keys(decoded).every((k) => /^\d+$/.test(k))) items = toList(decoded);
  else throw fail();
  const buttons = items.map(normalizeButton).filter((b): b is KeyboardButton => b !== undefined);
  if (!buttons.some((b) => b.TYPE !== 'NEWLINE')) throw fail();
  if (JSON.stringify(buttons).length >= MAX_SERIALIZED) throw imbotError('KEYBOARD_ERROR', 'Keyboard exceeds the maximum size');
  return { kind: 'set', buttons };
}

function validBlock(block: unknown): Record<string, unknown> | undefined {
  if (!isRecord(block)) return undefined;
  if (typeof block.MESSAGE === 'string' && block.MESSAGE !== '') return { MESSAGE: block.MESSAGE };
  if (isRecord(block.LINK) && isValidLink(block.LINK.LINK)) return { LINK: block.LINK };
  if (isRecord(block.USER) && typeof block.USER.NAME === 'string' && block.USER.NAME !== '') return { USER: block.USER };
  if (block.GRID !== undefined) {
    const items = toList(block.GRID).filter(
      (i) => isRecord(i) && typeof i.DISPLAY === 'string' && ['BLOCK', 'LINE', 'ROW', 'TABLE'].includes(i.DISPLAY),
    );
    return items.length > 0 ? { GRID: items } : undefined;
  }
  for (const key of ['IMAGE', 'FILE'] as const) {
    if (block[key] === undefined) continue;
    const raw = block[key];
    const list = isRecord(raw) && 'LINK' in raw ? [raw] : toList(raw);
    const items = list.filter((i) => isRecord(i) && isValidLink(i.LINK));
    return items.length > 0 ? { [key]: items } : undefined;
  }
  if (block.DELIMITER !== undefined) return { DELIMITER: isRecord(block.DELIMITER) ? block.DELIMITER : {} };
  return undefined;
}

/** `fields.attach`: full form `{BLOCKS: […]}` or the bare block array; > 60 000 chars → ATTACH_OVERSIZE. */
export function parseAttach(raw: unknown, mode: 'send' | 'update'): AttachChange {
  if (raw === undefined || raw === null) return { kind: 'none' };
  if (raw === 'N' || raw === '' || raw === false) return mode === 'update' ? { kind: 'remove' } : { kind: 'none' };
  const fail = () => imbotError('ATTACH_ERROR', 'Incorrect attach params');
  const serialized = typeof raw === 'string' ? raw : JSON.stringify(raw);
  if (serialized.length > MAX_SERIALIZED) throw imbotError('ATTACH_OVERSIZE', 'You have exceeded the maximum allowable size of attach');
  const decoded = decodeJsonString(raw, fail);
  const full = isRecord(decoded) && 'BLOCKS' in decoded ? decoded : undefined;
  const rawBlocks = full ? toList(full.BLOCKS) : Array.isArray(decoded) || isRecord(decoded) ? toList(decoded) : [];
  const blocks = rawBlocks.map(validBlock).filter((b): b is Record<string, unknown> => b !== undefined);
  if (blocks.length === 0) throw fail();
  const attach: Record<string, unknown> = { ID: Number(full?.ID ?? 1) || 1, BLOCKS: blocks };
  const token = full?.COLOR_TOKEN;
  if (typeof token === 'string' && COLOR_TOKENS.has(token)) attach.COLOR_TOKEN = token;
  if (typeof full?.COLOR === 'string' && /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.test(full.COLOR)) attach.COLOR = full.COLOR;
  return { kind: 'set', attach };
}

export const MAX_MESSAGE_LENGTH = 20_000;

/** Text over 20 000 characters is cut and " (...)" appended, without an error. */
export function truncateMessage(text: string): string {
  return text.length > MAX_MESSAGE_LENGTH ? `${text.slice(0, MAX_MESSAGE_LENGTH)} (...)` : text;
}
