// PostgreSQL PortalStore: a portal is a row of `portals` and rows of its collection tables (migrations/).
import pg from 'pg';
import { draftOf } from '../draft.js';
import { KeyedMutex } from '../mutex.js';
import { PortalNotFoundError, type PortalData, type PortalStore } from '../types.js';
import { diffList, EMPTY_META, upsertItems, type ListMeta } from './diff.js';
import { randomUUID } from 'node:crypto';
import { loadPortal, staleParts, type Cached, type PartRevs } from './load.js';
import {
  COLLECTION_OF, COLLECTIONS, entriesOf, groupRow, insertColumns, JSON_COLUMNS, keyed, NESTED, nestedValue, rowParams,
  type CollectionSpec,
} from './schema.js';

export interface PgStoreOptions {
  /** postgres://user:password@host:port/database */
  url: string;
  /** The schema the tables are in (default: the server's search_path, usually public). */
  schema?: string;
  /** Connections in the pool. */
  poolSize?: number;
}

const memberKey = (m: unknown) => String((m as { userId: number }).userId);

/**
 * Every statement names the portal (member_id = $1). `update` holds the portal's row lock
 * (SELECT ... FOR UPDATE) from its read to its commit, so a handler's change and the event's
 * processed key commit together, and instances sharing the database take turns. A write sends only
 * the rows the mutator changed (store/draft.ts tells which parts it touched).
 */
export class PgPortalStore implements PortalStore {
  readonly pool: pg.Pool;
  private readonly mutex = new KeyedMutex();
  private readonly cache = new Map<string, Cached>();
  /** Under vitest, stored data is frozen, as in the file store: a reader that changed it would corrupt the cache. */
  private readonly freeze = process.env.VITEST !== undefined;

  constructor(o: PgStoreOptions) {
    this.pool = new pg.Pool({
      connectionString: o.url,
      max: o.poolSize ?? 10,
      ...(o.schema ? { options: `-c search_path=${quoteIdent(o.schema)}` } : {}),
    });
    // An idle connection the server dropped must not crash the process; the next query reconnects.
    this.pool.on('error', () => undefined);
  }

  private closing: Promise<void> | null = null;

  /** Ends the pool once; a second close (the runtime's, then a test's) waits for the first. */
  close(): Promise<void> {
    this.closing ??= this.pool.end();
    return this.closing;
  }

  async get(memberId: string): Promise<PortalData | undefined> {
    // PostgreSQL text holds no NUL and no broken UTF-16: such a key names no portal (and must not be a 500).
    if (!storableKey(memberId)) return undefined;
    const r = await this.pool.query<RevRow>('SELECT rev, part_revs FROM portals WHERE member_id = $1', [memberId]);
    const head = r.rows[0];
    if (head === undefined) {
      this.cache.delete(memberId);
      return undefined;
    }
    const cached = this.cache.get(memberId);
    if (cached?.rev === head.rev) return cached.data;
    return (await this.load(this.pool, memberId, cached, head))?.data;
  }

  update<T>(memberId: string, mutate: (data: PortalData) => T | Promise<T>): Promise<T> {
    return this.mutex.run(memberId, async () => {
      const { out, written } = await this.transaction(async (client) => {
        const r = await client.query<RevRow>('SELECT rev, part_revs FROM portals WHERE member_id = $1 FOR UPDATE', [memberId]);
        const head = r.rows[0];
        if (head === undefined) throw new PortalNotFoundError(memberId);
        let base = this.cache.get(memberId);
        if (base?.rev !== head.rev) base = await this.load(client, memberId, base, head);
        if (!base) throw new PortalNotFoundError(memberId);
        // The mutator works on a copy (of the parts it uses): if it throws, the transaction rolls back and the cache is as it was.
        const d = draftOf(base.data);
        let result: T;
        try {
          result = await mutate(d.draft);
        } finally {
          d.seal();
        }
        const next = d.next as unknown as Record<string, unknown>;
        const old = base.data as unknown as Record<string, unknown>;
        // A part only read, or changed back, keeps its old object; nothing changed → nothing written.
        const changed = new Set<string>();
        for (const key of d.touched) {
          if (JSON.stringify(next[key]) !== JSON.stringify(old[key])) changed.add(key);
          else if (Object.hasOwn(old, key)) next[key] = old[key];
          else delete next[key];
        }
        const value = (result === d.draft ? d.next : result) as T;
        if (changed.size === 0) return { out: value, written: undefined };
        const stored = await this.write(client, memberId, base, d.next, changed);
        if (this.freeze) {
          for (const key of changed) deepFreeze(next[key]);
          Object.freeze(next);
        }
        return { out: value, written: stored };
      });
      // Cached only once the commit went through.
      if (written) this.cache.set(memberId, written);
      return out;
    });
  }

  put(data: PortalData): Promise<void> {
    const memberId = data.installation.memberId;
    const copy = structuredClone(data);
    return this.mutex.run(memberId, async () => {
      const written = await this.transaction(async (client) => {
        await client.query('DELETE FROM portals WHERE member_id = $1', [memberId]);
        const { columns, values, casts } = insertColumns(copy);
        // A new generation: an instance that cached the portal before reads it whole again.
        const partRevs: PartRevs = { '*': randomUUID() };
        await client.query(
          `INSERT INTO portals (${[...columns, 'part_revs'].join(', ')}) VALUES (${[...columns.map((_, i) => `$${i + 1}${casts[i]}`), `$${columns.length + 1}::jsonb`].join(', ')})`,
          [...values, JSON.stringify(partRevs)],
        );
        const empty: Cached = { rev: '0', partRevs, data: copy, lists: new Map(), members: new Map() };
        const parts = new Set<string>([...COLLECTIONS.map((c) => c.part), ...NESTED.map((n) => n.parent)]);
        return this.write(client, memberId, empty, copy, parts, true);
      });
      if (this.freeze) deepFreeze(copy);
      this.cache.set(memberId, written);
    });
  }

  delete(memberId: string): Promise<void> {
    return this.mutex.run(memberId, async () => {
      this.cache.delete(memberId);
      await this.pool.query('DELETE FROM portals WHERE member_id = $1', [memberId]);
    });
  }

  async list(): Promise<string[]> {
    const r = await this.pool.query<{ member_id: string }>('SELECT member_id FROM portals ORDER BY member_id');
    return r.rows.map((x) => x.member_id);
  }

  private async transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const out = await work(client);
      await client.query('COMMIT');
      return out;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      client.release();
    }
  }

  /** Reads what changed since `base` (all of it without one) and caches it. */
  private async load(q: pg.Pool | pg.PoolClient, memberId: string, base: Cached | undefined, head: RevRow): Promise<Cached | undefined> {
    const cached = await loadPortal(q, memberId, base, staleParts(base, head.part_revs));
    if (!cached) return undefined;
    if (this.freeze) deepFreeze(cached.data);
    this.cache.set(memberId, cached);
    return cached;
  }

  /** Writes the parts in `changed` that differ from `base`, bumps the rev, and returns what is then stored. */
  private async write(
    client: pg.PoolClient,
    memberId: string,
    base: Cached,
    next: PortalData,
    changed: ReadonlySet<string>,
    inserted = false,
  ): Promise<Cached> {
    const lists = new Map(base.lists);
    const members = new Map(base.members);
    const n = next as unknown as Record<string, unknown>;
    /** The collections whose rows this write changed: their revs move, so other instances read them again. */
    const bumped: string[] = [];
    for (const part of changed) {
      for (const spec of NESTED) {
        if (spec.parent !== part) continue;
        const entries = entriesOf(spec, nestedValue(n, spec)).map(({ k, item }) => ({ k, item, json: JSON.stringify(item) }));
        if ((await this.writeList(client, memberId, spec, lists, entries)).wrote) bumped.push(spec.part);
      }
      const spec = COLLECTION_OF.get(part);
      if (!spec) continue;
      const isGroups = part === 'groups';
      const entries = entriesOf(spec, n[part]).map(({ k, item }) => ({ k, item, json: JSON.stringify(isGroups ? groupRow(item) : item) }));
      const list = await this.writeList(client, memberId, spec, lists, entries);
      const wroteMembers = isGroups && (await this.writeMembers(client, memberId, members, entries, list.deletes));
      if (list.wrote || wroteMembers) bumped.push(spec.part);
    }
    if (inserted) return { rev: '1', partRevs: base.partRevs, data: next, lists, members };
    const before = rowParams(base.data, changed);
    const after = rowParams(next, changed);
    const sets: string[] = ['rev = rev + 1'];
    const values: unknown[] = [memberId];
    if (bumped.length) {
      values.push(bumped);
      sets.push(`part_revs = coalesce(part_revs, '{}'::jsonb) || (SELECT jsonb_object_agg(k, rev + 1) FROM unnest($${values.length}::text[]) k)`);
    }
    for (const [column, value] of after) {
      if (before.get(column) === value) continue;
      values.push(value);
      sets.push(`${column} = $${values.length}${JSON_COLUMNS.has(column) ? '::jsonb' : ''}`);
    }
    const r = await client.query<RevRow>(`UPDATE portals SET ${sets.join(', ')} WHERE member_id = $1 RETURNING rev, part_revs`, values);
    const row = r.rows[0]!;
    return { rev: String(row.rev), partRevs: row.part_revs ?? {}, data: next, lists, members };
  }

  /** Writes the rows of one collection table that differ from `lists` (updated); returns the keys deleted and whether any row was written. */
  private async writeList(
    client: pg.PoolClient,
    memberId: string,
    spec: CollectionSpec,
    lists: Map<string, ListMeta>,
    entries: ReadonlyArray<{ k: string; json: string }>,
  ): Promise<{ deletes: string[]; wrote: boolean }> {
    const diff = diffList(lists.get(spec.part) ?? EMPTY_META, entries);
    lists.set(spec.part, diff.meta);
    if (diff.deletes.length) {
      await client.query(`DELETE FROM ${spec.table} WHERE member_id = $1 AND k = ANY($2::text[])`, [memberId, diff.deletes]);
    }
    if (diff.upserts.length) {
      await client.query(
        `INSERT INTO ${spec.table} (member_id, k, pos, data) SELECT $1, e->>0, (e->>1)::bigint, e->2 FROM jsonb_array_elements($2::jsonb) e
         ON CONFLICT (member_id, k) DO UPDATE SET pos = EXCLUDED.pos, data = EXCLUDED.data`,
        [memberId, `[${upsertItems(diff.upserts).join(',')}]`],
      );
    }
    return { deletes: diff.deletes, wrote: diff.deletes.length > 0 || diff.upserts.length > 0 };
  }

  private async writeMembers(
    client: pg.PoolClient,
    memberId: string,
    members: Map<string, ListMeta>,
    groups: ReadonlyArray<{ k: string; item: unknown }>,
    goneGroups: readonly string[],
  ): Promise<boolean> {
    if (goneGroups.length) {
      await client.query('DELETE FROM group_members WHERE member_id = $1 AND group_k = ANY($2::text[])', [memberId, goneGroups]);
      for (const g of goneGroups) members.delete(g);
    }
    const deletes: string[] = [];
    const upserts: string[] = [];
    for (const g of groups) {
      const list = ((g.item as { members?: unknown[] }).members ?? []) as unknown[];
      const entries = keyed(list, memberKey).map(({ k, item }) => ({ k, json: JSON.stringify(item) }));
      const diff = diffList(members.get(g.k) ?? EMPTY_META, entries);
      members.set(g.k, diff.meta);
      for (const k of diff.deletes) deletes.push(JSON.stringify([g.k, k]));
      upserts.push(...upsertItems(diff.upserts, g.k));
    }
    if (deletes.length) {
      await client.query(
        `DELETE FROM group_members t USING jsonb_array_elements($2::jsonb) e WHERE t.member_id = $1 AND t.group_k = e->>0 AND t.k = e->>1`,
        [memberId, `[${deletes.join(',')}]`],
      );
    }
    if (upserts.length) {
      await client.query(
        `INSERT INTO group_members (member_id, group_k, k, pos, data) SELECT $1, e->>0, e->>1, (e->>2)::bigint, e->3 FROM jsonb_array_elements($2::jsonb) e
         ON CONFLICT (member_id, group_k, k) DO UPDATE SET pos = EXCLUDED.pos, data = EXCLUDED.data`,
        [memberId, `[${upserts.join(',')}]`],
      );
    }
    return goneGroups.length > 0 || deletes.length > 0 || upserts.length > 0;
  }
}

/** The head of a portal row: enough to tell what changed since it was cached. */
interface RevRow {
  rev: string;
  part_revs: PartRevs | null;
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function deepFreeze(value: unknown): void {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const v of Object.values(value)) deepFreeze(v);
}

/** A member_id PostgreSQL can hold as text: no NUL, well-formed Unicode. */
function storableKey(memberId: string): boolean {
  return !memberId.includes('\u0000') && !/[\uD800-\uDFFF]/.test(memberId.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, ''));
}
