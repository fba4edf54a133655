// Reading a portal back from its tables: the whole of it, or only the collections another instance
// changed since this one read it (each collection's table has its own rev in portals.part_revs).
import type pg from 'pg';
import type { PortalData } from '../types.js';
import type { ListMeta } from './diff.js';
import { COLLECTIONS, fromRow, NESTED, nestedValue, withNested, type CollectionSpec, type Row } from './schema.js';

/**
 * Per collection, the portal rev of its last write; `*` names the portal's generation (a new one at
 * every put, so a portal replaced whole is read whole). Absent keys: not written since the column came.
 */
export type PartRevs = Readonly<Record<string, string | number>>;

/** What this process last read or wrote of a portal: the data, its rev, and each collection's rows. */
export interface Cached {
  rev: string;
  partRevs: PartRevs;
  data: PortalData;
  lists: ReadonlyMap<string, ListMeta>;
  /** group key → its members' rows */
  members: ReadonlyMap<string, ListMeta>;
}

const ALL: readonly CollectionSpec[] = [...COLLECTIONS, ...NESTED];

/** The collections whose rows changed since `cached` was read (all of them for another generation). */
export function staleParts(cached: Cached | undefined, now: PartRevs | null): Set<string> {
  const revs = now ?? {};
  if (!cached || cached.partRevs['*'] !== revs['*']) return new Set(ALL.map((c) => c.part));
  return new Set(ALL.filter((c) => revs[c.part] !== cached.partRevs[c.part]).map((c) => c.part));
}

/** One statement (one snapshot): the portal row and the named collections as `[k, pos, data]` in order. */
function query(parts: ReadonlySet<string>): string {
  const lists = ALL.filter((c) => parts.has(c.part)).map(
    (c) =>
      `(SELECT coalesce(jsonb_agg(jsonb_build_array(t.k, t.pos, t.data) ORDER BY t.pos), '[]') FROM ${c.table} t WHERE t.member_id = p.member_id) AS "c_${c.part}"`,
  );
  if (parts.has('groups')) {
    lists.push(
      `(SELECT coalesce(jsonb_agg(jsonb_build_array(t.group_k, t.k, t.pos, t.data) ORDER BY t.group_k, t.pos), '[]') FROM group_members t WHERE t.member_id = p.member_id) AS c_members`,
    );
  }
  return `SELECT p.*${lists.map((l) => `, ${l}`).join('')} FROM portals p WHERE p.member_id = $1`;
}

const queries = new Map<string, string>();

function queryFor(parts: ReadonlySet<string>): string {
  const key = [...parts].sort().join(',');
  let q = queries.get(key);
  if (!q) queries.set(key, (q = query(parts)));
  return q;
}

const metaOf = (rows: ReadonlyArray<readonly [string, number, unknown]>): ListMeta => ({
  rows: new Map(rows.map(([k, pos, item]) => [k, { pos, json: JSON.stringify(item) }])),
  max: rows.reduce((m, x) => Math.max(m, x[1]), 0),
});

/**
 * Reads the portal: its row always (small), and the collections in `stale`; the others are taken
 * from `base` as they are (stored data is never changed in place). Undefined: no such portal.
 */
export async function loadPortal(q: pg.Pool | pg.PoolClient, memberId: string, base: Cached | undefined, stale: ReadonlySet<string>): Promise<Cached | undefined> {
  const r = await q.query<Row>(queryFor(stale), [memberId]);
  const row = r.rows[0];
  if (!row) return undefined;
  const partRevs = (row.part_revs as PartRevs | null) ?? {};
  // Read outside the row lock (get), another write may have come between the look at the revs and this
  // read: a collection it changed that was to come from `base` is read too.
  const now = staleParts(base, partRevs);
  if ([...now].some((part) => !stale.has(part))) return loadPortal(q, memberId, base, new Set([...stale, ...now]));
  const data = fromRow(row);
  const lists = new Map<string, ListMeta>(base?.lists ?? []);
  const values = new Map<string, unknown>();
  const old = base?.data as unknown as Record<string, unknown> | undefined;
  for (const c of ALL) {
    if (!stale.has(c.part)) {
      values.set(c.part, 'parent' in c ? nestedValue(old, c as (typeof NESTED)[number]) : old?.[c.part]);
      continue;
    }
    const rows = row[`c_${c.part}`] as Array<[string, number, unknown]>;
    lists.set(c.part, metaOf(rows));
    values.set(c.part, c.key ? rows.map((x) => x[2]) : Object.fromEntries(rows.map((x) => [x[0], x[2]])));
  }
  for (const c of COLLECTIONS) data[c.part] = values.get(c.part);
  withNested(data, (n) => values.get(n.part));
  let members = new Map<string, ListMeta>(base?.members ?? []);
  if (stale.has('groups')) {
    members = new Map();
    const byGroup = new Map<string, Array<[string, number, unknown]>>();
    for (const [g, k, pos, m] of row.c_members as Array<[string, string, number, unknown]>) {
      let list = byGroup.get(g);
      if (!list) byGroup.set(g, (list = []));
      list.push([k, pos, m]);
    }
    const groupKeys = [...(lists.get('groups')?.rows.keys() ?? [])];
    (data.groups as Array<Record<string, unknown>>).forEach((g, i) => {
      const rows = byGroup.get(groupKeys[i]!) ?? [];
      g.members = rows.map((x) => x[2]);
      members.set(groupKeys[i]!, metaOf(rows));
    });
  }
  return { rev: String(row.rev), partRevs, data: data as unknown as PortalData, lists, members };
}
