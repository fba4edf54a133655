// How PortalData maps onto the tables of migrations/: the portal row's columns and the collection tables.
import type { Installation, PortalData } from '../types.js';

/** How a column's value is kept: as it is, a bigint read back as a number, or JSON. */
type ColumnKind = 'text' | 'int' | 'json';

/** Installation field → column. `null` in the column: `nullable` fields are null, the others are absent. */
const INSTALLATION: ReadonlyArray<{ field: keyof Installation; column: string; kind: ColumnKind; nullable?: boolean; optional?: boolean }> = [
  { field: 'domain', column: 'domain', kind: 'text' },
  { field: 'clientEndpoint', column: 'client_endpoint', kind: 'text' },
  { field: 'serverEndpoint', column: 'server_endpoint', kind: 'text' },
  { field: 'applicationToken', column: 'application_token', kind: 'text' },
  { field: 'accessToken', column: 'access_token', kind: 'text' },
  { field: 'refreshToken', column: 'refresh_token', kind: 'text' },
  { field: 'expires', column: 'expires', kind: 'int' },
  { field: 'scope', column: 'scope', kind: 'text' },
  { field: 'installerId', column: 'installer_id', kind: 'int' },
  { field: 'language', column: 'language', kind: 'text' },
  { field: 'auth', column: 'auth', kind: 'text' },
  { field: 'botId', column: 'bot_id', kind: 'int', nullable: true },
  { field: 'botCode', column: 'bot_code', kind: 'text' },
  { field: 'commandIds', column: 'command_ids', kind: 'json' },
  { field: 'eventMode', column: 'event_mode', kind: 'text' },
  { field: 'webhookUrl', column: 'webhook_url', kind: 'text', nullable: true },
  { field: 'utcOffset', column: 'utc_offset', kind: 'int', optional: true },
  { field: 'manifestRevision', column: 'manifest_revision', kind: 'text', optional: true },
  { field: 'status', column: 'status', kind: 'text' },
  { field: 'installedAt', column: 'installed_at', kind: 'text' },
  { field: 'updatedAt', column: 'updated_at', kind: 'text' },
];
const INSTALLATION_FIELDS = new Set<string>(['memberId', ...INSTALLATION.map((c) => c.field)]);

/** Top-level parts kept in a column of the portal row (absent ↔ null for the optional ones). */
const SCALARS: ReadonlyArray<{ part: keyof PortalData; column: string; kind: ColumnKind; optional?: boolean }> = [
  { part: 'version', column: 'version', kind: 'int' },
  { part: 'moderators', column: 'moderators', kind: 'json' },
  { part: 'counters', column: 'counters', kind: 'json' },
  { part: 'fetchOffset', column: 'fetch_offset', kind: 'int' },
  { part: 'inboxDone', column: 'inbox_done', kind: 'int', optional: true },
  { part: 'intents', column: 'intents', kind: 'json', optional: true },
  { part: 'outbox', column: 'outbox', kind: 'json', optional: true },
];

/** A collection part: a list of items (with a key that finds an item again) or a record (its own keys). */
export interface CollectionSpec {
  part: keyof PortalData;
  table: string;
  /** Lists only: the item's natural key (duplicates get a `#n` suffix). Records use their keys. */
  key?: (item: never) => string;
}

export const COLLECTIONS: readonly CollectionSpec[] = [
  { part: 'groups', table: 'groups', key: (g: { id: number }) => String(g.id) },
  { part: 'courses', table: 'courses', key: (c: { id: number }) => String(c.id) },
  { part: 'polls', table: 'polls', key: (p: { id: number }) => String(p.id) },
  { part: 'pending', table: 'pending_inputs', key: (p: { userId: number; dialogId: string; kind: string }) => `${p.userId}:${p.dialogId}:${p.kind}` },
  { part: 'completions', table: 'completions', key: (k: string) => k },
  { part: 'sent', table: 'sent_keys', key: (k: string) => k },
  { part: 'processed', table: 'processed_keys', key: (k: string) => k },
  { part: 'users', table: 'known_users' },
  { part: 'keyboardDialogs', table: 'keyboard_dialogs' },
];
export const COLLECTION_OF = new Map<string, CollectionSpec>(COLLECTIONS.map((c) => [c.part, c]));

/**
 * Collections inside a part kept in `extra` (`training`): their items are rows of their own table; in
 * `extra` the key stays, as null ("in the table"), so an absent one stays absent.
 */
export interface NestedSpec extends CollectionSpec {
  parent: string;
  sub: string;
}

export const NESTED: readonly NestedSpec[] = [
  { parent: 'training', sub: 'learners', part: 'training.learners' as keyof PortalData, table: 'training_learners' },
  { parent: 'training', sub: 'attempts', part: 'training.attempts' as keyof PortalData, table: 'test_attempts', key: (a: { id: string }) => a.id },
];

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A nested collection's value in the data (undefined: absent). */
export function nestedValue(data: unknown, spec: NestedSpec): unknown {
  const parent = (data as Record<string, unknown>)[spec.parent];
  return isObject(parent) ? parent[spec.sub] : undefined;
}

/** The part as `extra` holds it: each nested collection present replaced by null. */
function withoutNested(part: string, value: unknown): unknown {
  const specs = NESTED.filter((n) => n.parent === part);
  if (!specs.length || !isObject(value)) return value;
  const out = { ...value };
  for (const n of specs) if (out[n.sub] !== undefined && out[n.sub] !== null) out[n.sub] = null;
  return out;
}

/** Puts the nested collections' rows back where `extra` holds null for them. */
export function withNested(data: Record<string, unknown>, rows: (spec: NestedSpec) => unknown): void {
  for (const n of NESTED) {
    const parent = data[n.parent];
    if (isObject(parent) && parent[n.sub] === null) parent[n.sub] = rows(n);
  }
}

/** The parts this schema models; any other top-level key goes to the portal's `extra` column as it is. */
const KNOWN = new Set<string>(['installation', ...SCALARS.map((s) => s.part), ...COLLECTIONS.map((c) => c.part)]);

export type Row = Record<string, unknown>;

/** A column's value as a query parameter (JSON as text, so arrays are not taken for PostgreSQL arrays). */
function param(kind: ColumnKind, value: unknown): string | number | null {
  if (value === undefined || value === null) return null;
  return kind === 'json' ? JSON.stringify(value) : (value as string | number);
}

function fromColumn(kind: ColumnKind, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  return kind === 'int' ? Number(value) : value;
}

/** Portal-row column → parameter for the parts named (all when `parts` is undefined). */
export function rowParams(data: PortalData, parts?: ReadonlySet<string>): Map<string, string | number | null> {
  const out = new Map<string, string | number | null>();
  const has = (p: string) => !parts || parts.has(p);
  const d = data as unknown as Record<string, unknown>;
  if (has('installation')) {
    const inst = data.installation as unknown as Record<string, unknown>;
    for (const c of INSTALLATION) out.set(c.column, param(c.kind, inst[c.field]));
    const extra = Object.fromEntries(Object.entries(inst).filter(([k]) => !INSTALLATION_FIELDS.has(k)));
    out.set('installation_extra', JSON.stringify(extra));
  }
  for (const s of SCALARS) if (has(s.part)) out.set(s.column, param(s.kind, d[s.part]));
  if (!parts || [...parts].some((p) => !KNOWN.has(p))) {
    const extra = Object.fromEntries(
      Object.entries(d).filter(([k, v]) => !KNOWN.has(k) && v !== undefined).map(([k, v]) => [k, withoutNested(k, v)]),
    );
    out.set('extra', JSON.stringify(extra));
  }
  return out;
}

/** The portal row back into the data's scalar parts (collections are added by the caller). */
export function fromRow(row: Row): Record<string, unknown> {
  const inst: Record<string, unknown> = { memberId: row.member_id };
  for (const c of INSTALLATION) {
    const v = fromColumn(c.kind, row[c.column]);
    if (v === null && c.optional) continue;
    inst[c.field] = v;
  }
  Object.assign(inst, row.installation_extra as Record<string, unknown>);
  const data: Record<string, unknown> = { installation: inst };
  for (const s of SCALARS) {
    const v = fromColumn(s.kind, row[s.column]);
    if (v === null && s.optional) continue;
    data[s.part] = v;
  }
  Object.assign(data, row.extra as Record<string, unknown>);
  return data;
}

/** Every column of a new portal row, in one order, for INSERT. */
export function insertColumns(data: PortalData): { columns: string[]; values: Array<string | number | null>; casts: string[] } {
  const params = rowParams(data);
  const columns = ['member_id', ...params.keys()];
  const values = [data.installation.memberId, ...params.values()];
  const casts = columns.map((c) => (JSON_COLUMNS.has(c) ? '::jsonb' : ''));
  return { columns, values, casts };
}

export const JSON_COLUMNS = new Set<string>([
  'installation_extra',
  'extra',
  ...INSTALLATION.filter((c) => c.kind === 'json').map((c) => c.column),
  ...SCALARS.filter((s) => s.kind === 'json').map((s) => s.column),
]);

/** Entries of a collection part: a key and the item as stored (a group without its members). */
export function entriesOf(spec: CollectionSpec, value: unknown): Array<{ k: string; item: unknown }> {
  if (!spec.key) return Object.entries((value ?? {}) as Record<string, unknown>).map(([k, item]) => ({ k, item }));
  return keyed((value ?? []) as unknown[], spec.key as (item: unknown) => string);
}

/** Items with their keys, a repeated key made unique by its count so far (`k`, `k#2`, ...). */
export function keyed(items: readonly unknown[], key: (item: unknown) => string): Array<{ k: string; item: unknown }> {
  const seen = new Map<string, number>();
  return items.map((item) => {
    const base = key(item);
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return { k: n === 1 ? base : `${base}#${n}`, item };
  });
}

/** A group as its row holds it: everything but the members. */
export function groupRow(group: unknown): unknown {
  const { members: _members, ...rest } = group as { members?: unknown };
  return rest;
}
