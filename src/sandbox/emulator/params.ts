// Reading request parameters the way PHP handlers do: first present spelling wins, ints parsed leniently.
import { isRecord } from './php.js';

/** The first of `keys` present with a value other than undefined, null or "". */
export function pick(params: Record<string, unknown>, ...keys: string[]): unknown {
  for (const key of keys) {
    const value = params[key];
    if (value !== undefined && value !== null && value !== '') return value;
  }
  return undefined;
}

/** PHP (int) cast of a scalar; arrays and objects give 0. */
export function toInt(value: unknown): number {
  if (typeof value === 'number') return Number.isFinite(value) ? Math.trunc(value) : 0;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value !== 'string') return 0;
  const parsed = Number.parseInt(value.trim(), 10);
  return Number.isFinite(parsed) ? parsed : 0;
}

/** A scalar as a string; anything else is undefined. */
export function toStr(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return value ? '1' : '';
  return undefined;
}

export function toRecord(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}

/** `fields` / `FIELDS` of an imbot.v2 call (empty when absent). */
export function fieldsOf(params: Record<string, unknown>): Record<string, unknown> {
  return toRecord(params.fields ?? params.FIELDS);
}

/** Sonet-style Y/N flags: 'Y' (or JSON true) is yes, anything else no. */
export function isYes(value: unknown): boolean {
  return value === 'Y' || value === true;
}

/** Positive ints from a list-ish value (int, numeric string, array or PHP map). */
export function toIdList(value: unknown): number[] {
  const items = Array.isArray(value) ? value : isRecord(value) ? Object.values(value) : value === undefined ? [] : [value];
  const ids: number[] = [];
  for (const item of items) {
    const id = toInt(item);
    if (id > 0 && !ids.includes(id)) ids.push(id);
  }
  return ids;
}
