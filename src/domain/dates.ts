// Calendar days (`YYYY-MM-DD`): parsing what users type, access windows, today in a time zone, arithmetic and display.
import type { Day } from './model.js';
import { err, ok, type Result } from './result.js';

export type DateCode = 'date_invalid';
export type WindowCode = 'date_invalid' | 'date_order';
export type Lang = 'en' | 'ru';

/** Years a user may type; anything else is almost certainly a typo (2206, 1926). */
export const MIN_YEAR = 2000;
export const MAX_YEAR = 2100;

const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;
/** Day and month may have one digit (`1.2.2026`): people type it that way, and it is unambiguous. */
const DOTTED = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/;
const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function toDay(year: number, month: number, day: number): Day {
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

function isRealDate(year: number, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** True for a real calendar day written as `YYYY-MM-DD` (no year range: stored days are trusted). */
export function isDay(text: string): text is Day {
  const m = ISO.exec(text);
  return m !== null && isRealDate(Number(m[1]), Number(m[2]), Number(m[3]));
}

/** Splits a stored day; a malformed one is a bug (stored data is validated), so it throws. */
function splitDay(day: Day): [number, number, number] {
  const m = ISO.exec(day);
  if (m === null || !isRealDate(Number(m[1]), Number(m[2]), Number(m[3]))) {
    throw new RangeError(`not a day: ${JSON.stringify(day)}`);
  }
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/** A date the user typed: `YYYY-MM-DD` or `DD.MM.YYYY`, a real calendar day, year 2000..2100. */
export function parseDay(text: string): Result<Day, DateCode> {
  const t = text.trim();
  let parts: [number, number, number] | null = null;
  const iso = ISO.exec(t);
  if (iso) parts = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  const dotted = DOTTED.exec(t);
  if (dotted) parts = [Number(dotted[3]), Number(dotted[2]), Number(dotted[1])];
  if (parts === null) return err('date_invalid', { text: t });
  const [y, m, d] = parts;
  if (y < MIN_YEAR || y > MAX_YEAR || !isRealDate(y, m, d)) return err('date_invalid', { text: t });
  return ok(toDay(y, m, d));
}

/** Like `parseDay`, but `-` means "clear this date" and gives `null`. */
export function parseDayOrClear(text: string): Result<Day | null, DateCode> {
  return text.trim() === '-' ? ok(null) : parseDay(text);
}

export interface AccessWindow {
  from: Day | null;
  to: Day | null;
}

/**
 * The two dates of `/group dates`. Both bounds are inclusive, so `from == to` is a one-day window.
 * `date_invalid` details: `{ field: 'from' | 'to', text }`; `date_order` details: `{ from, to }`.
 */
export function parseAccessWindow(fromText: string, toText: string): Result<AccessWindow, WindowCode> {
  const from = parseDayOrClear(fromText);
  if (!from.ok) return err('date_invalid', { field: 'from', text: fromText.trim() });
  const to = parseDayOrClear(toText);
  if (!to.ok) return err('date_invalid', { field: 'to', text: toText.trim() });
  if (from.value !== null && to.value !== null && compareDays(to.value, from.value) < 0) {
    return err('date_order', { from: from.value, to: to.value });
  }
  return ok({ from: from.value, to: to.value });
}

/**
 * The calendar day at `now` in `timeZone` (an IANA name). Without one it is UTC, never the
 * machine's zone, so the result does not depend on where the process runs. An unknown zone or an
 * invalid Date is a bug (configuration is validated at start) and throws RangeError.
 */
/** The calendar day at `now` for a fixed offset from UTC in minutes (the portal's; 0 when not known). */
export function todayAtOffset(now: Date, offsetMinutes: number): Day {
  const shifted = new Date(now.getTime() + offsetMinutes * 60_000);
  return toDay(shifted.getUTCFullYear(), shifted.getUTCMonth() + 1, shifted.getUTCDate());
}

export function todayIn(now: Date, timeZone = 'UTC'): Day {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(now);
  const get = (type: 'year' | 'month' | 'day'): number => Number(parts.find((p) => p.type === type)?.value);
  return toDay(get('year'), get('month'), get('day'));
}

/** `day` plus `n` calendar days (n may be negative). */
export function addDays(day: Day, n: number): Day {
  if (!Number.isInteger(n)) throw new RangeError(`not a whole number of days: ${n}`);
  const [y, m, d] = splitDay(day);
  const date = new Date(Date.UTC(y, m - 1, d + n));
  return toDay(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate());
}

/** Negative, zero or positive, like a sort comparator. */
export function compareDays(a: Day, b: Day): -1 | 0 | 1 {
  splitDay(a);
  splitDay(b);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** en: `24 Nov 2026` (day without a leading zero: `1 Dec 2026`); ru: `24.11.2026`. */
export function formatDay(day: Day, lang: Lang): string {
  const [y, m, d] = splitDay(day);
  if (lang === 'ru') return `${pad(d, 2)}.${pad(m, 2)}.${pad(y, 4)}`;
  return `${d} ${MONTHS_EN[m - 1]} ${y}`;
}
