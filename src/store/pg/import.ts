// DATA_DIR's portal files → the PostgreSQL store, portal by portal; a portal already there as it is stays untouched.
import { isDeepStrictEqual } from 'node:util';
import { FilePortalStore } from '../file.js';
import type { PortalStore } from '../types.js';

export interface ImportCounts {
  /** Portal files read. */
  portals: number;
  /** Portals written (new in the database, or different there). */
  written: number;
  /** Portals the database already held exactly so. */
  unchanged: number;
  groups: number;
  members: number;
  courses: number;
  polls: number;
  completions: number;
  users: number;
}

/** Copies every portal of `dataDir` into `target`; a second run finds them all unchanged and writes nothing. */
export async function importDataDir(dataDir: string, target: PortalStore): Promise<ImportCounts> {
  const files = new FilePortalStore(dataDir);
  const counts: ImportCounts = { portals: 0, written: 0, unchanged: 0, groups: 0, members: 0, courses: 0, polls: 0, completions: 0, users: 0 };
  for (const memberId of await files.list()) {
    const data = await files.get(memberId);
    if (!data) continue;
    counts.portals += 1;
    counts.groups += data.groups.length;
    counts.members += data.groups.reduce((n, g) => n + g.members.length, 0);
    counts.courses += data.courses.length;
    counts.polls += data.polls.length;
    counts.completions += data.completions.length;
    counts.users += Object.keys(data.users).length;
    // Compared as JSON would have it (the file's own form), so absent and undefined are one.
    const plain = JSON.parse(JSON.stringify(data)) as unknown;
    const there = await target.get(memberId);
    if (there && isDeepStrictEqual(JSON.parse(JSON.stringify(there)), plain)) {
      counts.unchanged += 1;
      continue;
    }
    await target.put(data);
    counts.written += 1;
  }
  return counts;
}
