// What a write must change in one collection table: rows gone, rows new or changed, each list kept in its order.

/** What the store knows of a collection's stored rows: each key's position and JSON. */
export interface ListMeta {
  rows: ReadonlyMap<string, { pos: number; json: string }>;
  max: number;
}

export const EMPTY_META: ListMeta = { rows: new Map(), max: 0 };

export interface ListDiff {
  deletes: string[];
  /** [key, pos, JSON of the stored item] */
  upserts: Array<[string, number, string]>;
  meta: ListMeta;
}

/**
 * The rows that differ between what is stored (`meta`) and `entries`. Positions of kept rows stay as
 * they were when the order allows it (kept rows in their old order, new ones after them, as an
 * appended list or a list trimmed from the front is), so appending to 5,000 processed keys writes one
 * row; any other order numbers the list again.
 */
export function diffList(meta: ListMeta, entries: ReadonlyArray<{ k: string; json: string }>): ListDiff {
  const present = new Set<string>();
  let last = -Infinity;
  let inOrder = true;
  let seenNew = false;
  for (const e of entries) {
    present.add(e.k);
    const old = meta.rows.get(e.k);
    if (!old) {
      seenNew = true;
      continue;
    }
    if (seenNew || old.pos <= last) inOrder = false;
    last = old.pos;
  }
  const deletes = [...meta.rows.keys()].filter((k) => !present.has(k));
  const upserts: Array<[string, number, string]> = [];
  const rows = new Map<string, { pos: number; json: string }>();
  let next = meta.max;
  entries.forEach((e, i) => {
    const old = meta.rows.get(e.k);
    const pos = inOrder ? (old ? old.pos : ++next) : i + 1;
    if (!old || old.pos !== pos || old.json !== e.json) upserts.push([e.k, pos, e.json]);
    rows.set(e.k, { pos, json: e.json });
  });
  const max = inOrder ? next : entries.length;
  return { deletes, upserts, meta: { rows, max } };
}

/** `[k, pos, data]` (or `[groupK, k, pos, data]`) as JSON text, from the JSON of each item (encoded once). */
export function upsertItems(upserts: ReadonlyArray<[string, number, string]>, groupK?: string): string[] {
  const lead = groupK === undefined ? '' : `${JSON.stringify(groupK)},`;
  return upserts.map(([k, pos, json]) => `[${lead}${JSON.stringify(k)},${pos},${json}]`);
}
