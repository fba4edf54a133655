// Everyone on the portal the rules look at: active employees with their position and departments, read from user.get by ID pages.
import type { RestClient } from '../../bot/portal.js';
import { z } from 'zod';
import type { PersonFacts } from '../../domain/training/rules.js';

const num = z.union([z.number(), z.string()]).transform(Number).pipe(z.number().int().positive());
const row = z.object({
  ID: num,
  NAME: z.string().nullish(),
  LAST_NAME: z.string().nullish(),
  USER_TYPE: z.string().nullish(),
  WORK_POSITION: z.string().nullish(),
  UF_DEPARTMENT: z.array(z.union([z.number(), z.string()])).nullish(),
});

export interface StaffMember extends PersonFacts {
  name: string;
}

/** More than this many people is more than one command should read (200 pages). */
export const MAX_STAFF = 10_000;

/**
 * Active employees (external users are never placed by rules), 50 a page: `start=-1` and an `ID >`
 * filter, as bitrix24-api.md §1.4 advises for long lists.
 */
export async function readStaff(rest: RestClient): Promise<StaffMember[]> {
  const out: StaffMember[] = [];
  let lastId = 0;
  for (;;) {
    const page = await rest.call<unknown>('user.get', { FILTER: { ACTIVE: true, '>ID': lastId }, SORT: 'ID', ORDER: 'ASC', start: -1 }, { idempotent: true });
    const rows = Array.isArray(page) ? page : [];
    for (const raw of rows) {
      const id = Number((raw as { ID?: unknown } | null)?.ID);
      if (Number.isSafeInteger(id) && id > lastId) lastId = id;
      const p = parseStaffRow(raw);
      if (p) out.push(p);
    }
    if (rows.length < 50 || out.length >= MAX_STAFF) return out;
  }
}

/** One user.get row as the rules see it; null for a malformed row or an external user. */
export function parseStaffRow(raw: unknown): StaffMember | null {
  const parsed = row.safeParse(raw);
  if (!parsed.success) return null;
  const u = parsed.data;
  if (u.USER_TYPE === 'extranet') return null;
  const name = [u.NAME, u.LAST_NAME].filter((s): s is string => Boolean(s && s.trim())).join(' ') || `#${u.ID}`;
  return { id: u.ID, name, position: u.WORK_POSITION ?? '', departments: (u.UF_DEPARTMENT ?? []).map(Number).filter((n) => n > 0) };
}
