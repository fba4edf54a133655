// PHP behaviours the portal has and a bot meets: http_build_query, bracket-key parsing, truthiness, json_encode of arrays, dates.
import qs from 'qs';

/** PHP urlencode(): RFC 1738, spaces as `+`, only alphanumerics and `-_.` left as they are. */
export function phpUrlencode(value: string): string {
  return encodeURIComponent(value)
    .replace(/%20/g, '+')
    .replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function scalarToPhpString(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined; // http_build_query drops null
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '0';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'string') return value;
  return undefined;
}

function appendPairs(out: string[], prefix: string, value: unknown): void {
  if (value !== null && typeof value === 'object') {
    // Arrays become [0], [1]…; an empty array or object yields no key at all, as in PHP.
    const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
    for (const [key, inner] of entries) appendPairs(out, `${prefix}[${key}]`, inner);
    return;
  }
  const text = scalarToPhpString(value);
  if (text === undefined) return;
  out.push(`${phpUrlencode(prefix)}=${phpUrlencode(text)}`);
}

/** PHP http_build_query($data) with the default RFC 1738 encoding. */
export function httpBuildQuery(data: Record<string, unknown>): string {
  const out: string[] = [];
  for (const [key, value] of Object.entries(data)) appendPairs(out, key, value);
  return out.join('&');
}

/** Options shared by every bracket-key parser of the emulator: generous, but bounded. */
export const QS_PARSE_OPTIONS = {
  depth: 20,
  parameterLimit: 10_000,
  arrayLimit: 1_000,
  allowPrototypes: false,
  allowDots: false,
  parseArrays: true,
} as const;

/** PHP parse_str(): bracket keys into nested values; never throws. */
export function parseBracketQuery(text: string): Record<string, unknown> {
  try {
    return qs.parse(text, QS_PARSE_OPTIONS) as Record<string, unknown>;
  } catch {
    return {};
  }
}

/** PHP truthiness of a request value: "", "0", 0, false, null and empty arrays are false. */
export function phpTruthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false) return false;
  if (value === 0 || value === '' || value === '0') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

/**
 * imbot.v2 boolean parameters: JSON booleans or the strings "Y" / "N", the only forms the docs define
 * ("Boolean-параметры принимают true и false … можно передавать строки "Y" и "N"", chat-bots-v2 index).
 * [unconfirmed] what a portal makes of anything else ("true", "1", what a form or batch turns a
 * boolean into): read here as not given, so the default applies, as a strict Y/N reader would.
 */
export function v2Bool(value: unknown, fallback: boolean): boolean {
  if (typeof value === 'boolean') return value;
  if (value === 'Y') return true;
  if (value === 'N') return false;
  return fallback;
}

/**
 * A parameter documented as the string "Y" or "N" only (Chat.Message.update's urlPreview): anything
 * else, JSON booleans included, is ignored. [unconfirmed] BOT-FIX-0402-2 normalised booleans for
 * Chat.Message.send alone; the update page still lists only Y and N.
 */
export function ynOnly(value: unknown, fallback: boolean): boolean {
  if (value === 'Y') return true;
  if (value === 'N') return false;
  return fallback;
}

/** A request value that may be a list: JSON arrays, PHP-style `{0: …, 1: …}` maps, or one scalar. */
export function toList(value: unknown): unknown[] {
  if (value === undefined || value === null || value === '') return [];
  if (Array.isArray(value)) return value;
  if (typeof value === 'object') return Object.values(value);
  return [value];
}

/** A plain object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * PHP json_encode of an associative array: keys 0..n-1 in order become a JSON list,
 * anything else an object, and an empty array is always `[]`.
 */
export function phpAssoc(entries: Array<[string, unknown]>): unknown {
  if (entries.length === 0) return [];
  const sequential = entries.every(([key], i) => key === String(i));
  if (sequential) return entries.map(([, v]) => v);
  return Object.fromEntries(entries);
}

function pad(n: number, width = 2): string {
  return String(Math.trunc(Math.abs(n))).padStart(width, '0');
}

function shifted(ms: number, offsetMinutes: number): Date {
  return new Date(ms + offsetMinutes * 60_000);
}

/** ISO 8601 with the portal's offset, as PHP date('c') prints it: 2026-11-20T10:15:00+03:00. */
export function isoDate(ms: number, offsetMinutes: number): string {
  const d = shifted(ms, offsetMinutes);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const off = `${sign}${pad(Math.abs(offsetMinutes) / 60)}:${pad(Math.abs(offsetMinutes) % 60)}`;
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}` +
    `T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}${off}`
  );
}

/** The site date-time format some socialnetwork methods return: DD.MM.YYYY hh:mm:ss. */
export function siteDateTime(ms: number, offsetMinutes: number): string {
  const d = shifted(ms, offsetMinutes);
  return (
    `${pad(d.getUTCDate())}.${pad(d.getUTCMonth() + 1)}.${d.getUTCFullYear()} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`
  );
}
