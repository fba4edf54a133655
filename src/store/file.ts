// lowdb PortalStore: one JSON file per portal under DATA_DIR/portals, atomic writes serialized per file.
import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Low, type Adapter } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import { draftOf } from './draft.js';
import { PRIVATE_DIR, removeLeftovers, tightenDir, writePrivateAtomic } from './files.js';
import { KeyedMutex } from './mutex.js';
import { PortalNotFoundError, type PortalData, type PortalStore } from './types.js';

/** A member_id is usually 32 hex characters; anything else is hashed so it can never escape the folder. */
export function fileNameFor(memberId: string): string {
  return /^[A-Za-z0-9_-]{1,64}$/.test(memberId)
    ? `${memberId}.json`
    : `h_${createHash('sha256').update(memberId).digest('hex').slice(0, 40)}.json`;
}

/**
 * Portal data → compact JSON in UTF-8, one top-level part at a time, keeping the bytes of each part
 * object it has encoded. An update replaces only the parts it changed (store/draft.ts), so a write
 * encodes those and reuses the rest: on a portal of 10,000 people and 1,000 groups, encoding the
 * whole file again for every handled event cost more than handling it. Stored parts are never
 * changed in place (updates change copies), which is what makes the object a valid key for its bytes.
 */
class PartsEncoder {
  private readonly encoded = new WeakMap<object, Buffer>();

  /** A part's JSON (undefined for an absent value, which JSON leaves out). */
  part(value: unknown): Buffer | undefined {
    if (value === null || typeof value !== 'object') {
      const text = JSON.stringify(value) as string | undefined;
      return text === undefined ? undefined : Buffer.from(text);
    }
    let bytes = this.encoded.get(value);
    if (bytes === undefined) {
      bytes = Buffer.from(JSON.stringify(value));
      this.encoded.set(value, bytes);
    }
    return bytes;
  }

  same(a: unknown, b: unknown): boolean {
    if (a === b) return true;
    const x = this.part(a);
    const y = this.part(b);
    return x === undefined || y === undefined ? x === y : x.equals(y);
  }

  /** The bytes of JSON.stringify(data). */
  whole(data: PortalData | null): Buffer {
    if (data === null) return Buffer.from('null');
    const chunks: Buffer[] = [];
    for (const [key, value] of Object.entries(data)) {
      const bytes = this.part(value);
      if (bytes === undefined) continue;
      chunks.push(Buffer.from(`${chunks.length === 0 ? '{' : ','}${JSON.stringify(key)}:`), bytes);
    }
    chunks.push(Buffer.from(chunks.length === 0 ? '{}' : '}'));
    return Buffer.concat(chunks);
  }
}

/**
 * The lowdb adapter of one portal's file. A write goes to a private temp file, fsync'd, renamed over
 * the old one, and the folder fsync'd (store/files.ts), so a reader or a crash finds the old file or
 * the new, never a mix, and a write that returned survives a power cut.
 * Writes of one file never overlap: the store makes them under its per-portal mutex.
 */
class PortalFile implements Adapter<PortalData | null> {
  constructor(
    private readonly path: string,
    private readonly encoder: PartsEncoder,
  ) {}

  async read(): Promise<PortalData | null> {
    try {
      return JSON.parse(await readFile(this.path, 'utf8')) as PortalData | null;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  }

  async write(data: PortalData | null): Promise<void> {
    await writePrivateAtomic(this.path, this.encoder.whole(data));
  }
}

export class FilePortalStore implements PortalStore {
  private readonly dir: string;
  private readonly mutex = new KeyedMutex();
  private readonly encoder = new PartsEncoder();
  // lowdb's `Low` is used directly: `JSONFilePreset` silently becomes memory-only under NODE_ENV=test.
  private readonly dbs = new Map<string, Low<PortalData | null>>();
  private ready: Promise<void> | null = null;

  /**
   * Under vitest, stored data is deep-frozen once it is the store's: code that changed what get()
   * returned in place (which would go unsaved, since parts are shared and their bytes cached) throws
   * in the tests instead of losing data quietly in production.
   */
  private readonly freeze = process.env.VITEST !== undefined;

  constructor(dataDir: string) {
    this.dir = join(dataDir, 'portals');
  }

  /** The folder, private, with its files tightened and a crash's temp files gone (once, at first use). */
  private ensureDir(): Promise<void> {
    this.ready ??= (async () => {
      await mkdir(this.dir, { recursive: true, mode: PRIVATE_DIR });
      await removeLeftovers(this.dir);
      await tightenDir(this.dir);
    })();
    return this.ready;
  }

  private async db(memberId: string): Promise<Low<PortalData | null>> {
    let db = this.dbs.get(memberId);
    if (!db) {
      await this.ensureDir();
      db = new Low<PortalData | null>(new PortalFile(join(this.dir, fileNameFor(memberId)), this.encoder), null);
      await db.read();
      if (this.freeze) deepFreeze(db.data);
      // Only portals that exist are kept in memory: requests naming made-up member_ids (which the
      // receiver looks up before it can refuse them) must not grow the cache.
      if (db.data !== null) this.dbs.set(memberId, db);
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
      const before = db.data;
      if (!before || before.installation.memberId !== memberId) throw new PortalNotFoundError(memberId);
      // The mutator works on a copy (of the parts it uses): if it throws half-way, neither memory nor disk sees its changes.
      const d = draftOf(before);
      let result: T;
      try {
        result = await mutate(d.draft);
      } finally {
        d.seal();
      }
      const next = d.next as unknown as Record<string, unknown>;
      const old = before as unknown as Record<string, unknown>;
      // A part the mutator only read, or changed back, keeps its old object (and encoded bytes); if no part changed, nothing is written.
      let changed = false;
      for (const key of d.touched) {
        if (!this.encoder.same(next[key], old[key])) changed = true;
        else if (Object.hasOwn(old, key)) next[key] = old[key];
        else delete next[key];
      }
      const out = (result === d.draft ? d.next : result) as T;
      if (!changed) return out;
      db.data = d.next;
      try {
        await db.write();
      } catch (e) {
        db.data = before;
        throw e;
      }
      if (this.freeze) {
        for (const key of d.touched) deepFreeze(next[key]);
        Object.freeze(next);
      }
      return out;
    });
  }

  put(data: PortalData): Promise<void> {
    const memberId = data.installation.memberId;
    return this.mutex.run(memberId, async () => {
      const db = await this.db(memberId);
      db.data = structuredClone(data);
      await db.write();
      this.dbs.set(memberId, db);
      if (this.freeze) deepFreeze(db.data);
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

function deepFreeze(value: unknown): void {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const v of Object.values(value)) deepFreeze(v);
}
