// lowdb PortalStore: one JSON file per portal under DATA_DIR/portals, atomic writes serialized per file.
import { createHash } from 'node:crypto';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import { KeyedMutex } from './mutex.js';
import { PortalNotFoundError, type PortalData, type PortalStore } from './types.js';

/** A member_id is usually 32 hex characters; anything else is hashed so it can never escape the folder. */
export function fileNameFor(memberId: string): string {
  return /^[A-Za-z0-9_-]{1,64}$/.test(memberId)
    ? `${memberId}.json`
    : `h_${createHash('sha256').update(memberId).digest('hex').slice(0, 40)}.json`;
}

export class FilePortalStore implements PortalStore {
  private readonly dir: string;
  private readonly mutex = new KeyedMutex();
  // lowdb's `Low` is used directly: `JSONFilePreset` silently becomes memory-only under NODE_ENV=test.
  private readonly dbs = new Map<string, Low<PortalData | null>>();
  private ready: Promise<void> | null = null;

  constructor(dataDir: string) {
    this.dir = join(dataDir, 'portals');
  }

  private ensureDir(): Promise<void> {
    this.ready ??= mkdir(this.dir, { recursive: true }).then(() => undefined);
    return this.ready;
  }

  private async db(memberId: string): Promise<Low<PortalData | null>> {
    let db = this.dbs.get(memberId);
    if (!db) {
      await this.ensureDir();
      db = new Low<PortalData | null>(new JSONFile<PortalData | null>(join(this.dir, fileNameFor(memberId))), null);
      await db.read();
      this.dbs.set(memberId, db);
    }
    return db;
  }

  async get(memberId: string): Promise<PortalData | undefined> {
    const db = await this.db(memberId);
    return db.data?.installation.memberId === memberId ? db.data : undefined;
  }

  update<T>(memberId: string, mutate: (data: PortalData) => T | Promise<T>): Promise<T> {
    return this.mutex.run(memberId, async () => {
      const db = await this.db(memberId);
      if (!db.data || db.data.installation.memberId !== memberId) throw new PortalNotFoundError(memberId);
      // The mutator works on a copy: if it throws half-way, neither memory nor disk sees its changes.
      const draft = structuredClone(db.data);
      const result = await mutate(draft);
      const before = db.data;
      db.data = draft;
      try {
        await db.write();
      } catch (e) {
        db.data = before;
        throw e;
      }
      return result;
    });
  }

  put(data: PortalData): Promise<void> {
    const memberId = data.installation.memberId;
    return this.mutex.run(memberId, async () => {
      const db = await this.db(memberId);
      db.data = structuredClone(data);
      await db.write();
    });
  }

  delete(memberId: string): Promise<void> {
    return this.mutex.run(memberId, async () => {
      this.dbs.delete(memberId);
      await rm(join(this.dir, fileNameFor(memberId)), { force: true });
    });
  }

  async list(): Promise<string[]> {
    await this.ensureDir();
    const names = (await readdir(this.dir)).filter((n) => n.endsWith('.json'));
    const ids: string[] = [];
    for (const name of names) {
      const memberId = name.slice(0, -'.json'.length);
      if (memberId.startsWith('h_')) {
        // Hashed names: read the file to learn the real member_id.
        const db = new Low<PortalData | null>(new JSONFile<PortalData | null>(join(this.dir, name)), null);
        await db.read();
        if (db.data) ids.push(db.data.installation.memberId);
      } else {
        ids.push(memberId);
      }
    }
    return ids;
  }
}
