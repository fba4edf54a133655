// The durable inbox: a verified webhook event is appended to its portal's file and fsync'd before the
// portal gets its 200, since Bitrix24 never sends an acknowledged event again.
import { mkdir, open, readFile, readdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileNameFor } from './file.js';
import { fsyncDir, PRIVATE_DIR, PRIVATE_FILE, tightenDir } from './files.js';
import { parseInbox, type InboxEntry } from './inbox-format.js';
import { FILE_MODE, Lane, writeZeros, type LaneLimits, type Waiter } from './inbox-lane.js';

export type { InboxEntry } from './inbox-format.js';
export { parseInbox } from './inbox-format.js';

export interface InboxOptions {
  /** Once everything is handled, a file past this size is emptied (default 256 KiB). */
  compactBytes?: number;
  /** With events still waiting, a file past this size is rewritten with only those (default 8 MiB). */
  rewriteBytes?: number;
}

/**
 * One portal's inbox: appends are grouped, so one synchronous write covers every event that arrived
 * while the one before was on its way to the disk. It has up to two files ("lanes"), the second
 * opened the first time a group is ready while the first file is still writing: an event then waits
 * for its own write only, not for the one before it too, which is what an occasional slow flush (a
 * shared disk takes 5 to 20 ms now and then) would otherwise add to every event behind it. Each
 * event is in one file; numbers grow within a file, and a restart merges the two by number.
 */
class PortalInbox {
  nextSeq: number;
  handledSeq: number;
  private queue: Waiter[] = [];
  private second: Promise<void> | null = null;

  constructor(
    private readonly lanes: Lane[],
    private readonly secondPath: string,
    lastSeq: number,
    handledSeq: number,
    private readonly limits: LaneLimits,
  ) {
    this.nextSeq = lastSeq + 1;
    this.handledSeq = handledSeq;
  }

  append(type: InboxEntry['type'], body: string): { seq: number; written: Promise<void> } {
    const seq = this.nextSeq++;
    const written = new Promise<void>((resolve, reject) => this.queue.push({ seq, type, body, resolve, reject }));
    this.pump();
    return { seq, written };
  }

  /** What waits goes, as one write, to a file with nothing to do; with none free, it waits for the first that is. */
  private readonly pump = (): void => {
    if (this.queue.length === 0) return;
    const lane = this.lanes.find((l) => l.pending === 0);
    if (!lane) {
      this.openSecond();
      return;
    }
    const batch = this.queue.splice(0);
    void lane.run(() => lane.write(batch), this.pump);
  };

  private openSecond(): void {
    if (this.lanes.length > 1 || this.second) return;
    this.second = openLane(this.secondPath, true)
      .then((opened) => {
        this.lanes.push(opened!.lane);
        this.pump();
      })
      // Out of file descriptors, say: one file does the job, only slower.
      .catch(() => undefined);
  }

  /** Everything up to `seq` is handled: files whose handled part is worth dropping are compacted (see Lane). */
  async handled(seq: number): Promise<void> {
    if (seq > this.handledSeq) this.handledSeq = seq;
    await Promise.all(this.lanes.map((l) => l.compactIfDue(() => this.handledSeq, this.limits, this.pump)));
  }

  async close(): Promise<void> {
    await this.second;
    for (const lane of this.lanes) await lane.close().catch(() => undefined);
  }
}

/** Opens an inbox file, cutting off a torn tail; null if it is not there and `create` is not set. */
async function openLane(path: string, create: boolean): Promise<{ lane: Lane; entries: Array<InboxEntry & { end: number }>; lastSeq: number } | null> {
  let bytes: Buffer | null = null;
  try {
    bytes = await readFile(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    if (!create) return null;
  }
  const parsed = parseInbox(bytes ?? Buffer.alloc(0));
  const fh = await open(path, FILE_MODE, PRIVATE_FILE);
  const size = parsed.size;
  // A torn tail (whatever is not zero after the last whole record) is zeroed, so the next record
  // starts clean and nothing of the torn one is read after it.
  let last = bytes ? bytes.length - 1 : -1;
  while (last >= size && bytes![last] === 0) last--;
  if (last >= size) await writeZeros(fh, size, last + 1);
  // A new file's name is on the disk before anything written into it is acknowledged.
  if (!bytes || bytes.length === 0) await fsyncDir(dirname(path));
  const entries = parsed.entries.filter((e) => e.end <= size);
  const lane = new Lane(path, fh, entries.map((e) => e.seq), entries.map((e) => e.end), size, bytes?.length ?? 0);
  return { lane, entries, lastSeq: parsed.lastSeq };
}

export class FileInbox {
  readonly dir: string;
  private readonly portals = new Map<string, Promise<PortalInbox>>();
  private readonly opts: LaneLimits;
  private ready: Promise<void> | null = null;

  constructor(dataDir: string, opts: InboxOptions = {}) {
    this.dir = join(dataDir, 'inbox');
    this.opts = { compactBytes: opts.compactBytes ?? 256 * 1024, rewriteBytes: opts.rewriteBytes ?? 8 * 1024 * 1024 };
  }

  private ensureDir(): Promise<void> {
    this.ready ??= (async () => {
      await mkdir(this.dir, { recursive: true, mode: PRIVATE_DIR });
      await tightenDir(this.dir);
    })();
    return this.ready;
  }

  /** A portal's two inbox files (names made by fileNameFor have no dot, so no portal's name can be another's second). */
  private pathsOf(memberId: string): [string, string] {
    const base = join(this.dir, fileNameFor(memberId).replace(/\.json$/, ''));
    return [`${base}.inbox`, `${base}.1.inbox`];
  }

  /**
   * Opens a portal's inbox (once) and returns what in it is not handled yet (`seq` above
   * `handledSeq`, the marker kept in the portal's own file), in order. Later calls return [].
   */
  async open(memberId: string, handledSeq: number): Promise<InboxEntry[]> {
    if (this.portals.has(memberId)) {
      await this.portals.get(memberId);
      return [];
    }
    let found: InboxEntry[] = [];
    const opening = (async () => {
      await this.ensureDir();
      const [firstPath, secondPath] = this.pathsOf(memberId);
      const first = (await openLane(firstPath, true))!;
      const second = await openLane(secondPath, false);
      const lanes = second ? [first, second] : [first];
      const kept = lanes.flatMap((l) => l.entries).sort((x, y) => x.seq - y.seq);
      found = kept.filter((e) => e.seq > handledSeq).map(({ seq, type, body }) => ({ seq, type, body }));
      const lastSeq = Math.max(handledSeq, ...lanes.map((l) => l.lastSeq));
      return new PortalInbox(lanes.map((l) => l.lane), secondPath, lastSeq, handledSeq, this.opts);
    })();
    this.portals.set(memberId, opening);
    opening.catch(() => this.portals.delete(memberId));
    await opening;
    return found;
  }

  /** Appends one event; `written` resolves once it is on disk (and rejects if it could not be kept). */
  async append(memberId: string, type: InboxEntry['type'], body: string): Promise<{ seq: number; written: Promise<void> }> {
    const inbox = await this.portals.get(memberId);
    if (!inbox) throw new Error(`inbox of ${memberId} is not open`);
    return inbox.append(type, body);
  }

  async handled(memberId: string, seq: number): Promise<void> {
    const inbox = await this.portals.get(memberId);
    await inbox?.handled(seq);
  }

  /** A portal removed with its data: its inbox goes too. */
  async drop(memberId: string): Promise<void> {
    const inbox = await this.portals.get(memberId)?.catch(() => undefined);
    this.portals.delete(memberId);
    await inbox?.close();
    for (const path of this.pathsOf(memberId)) await rm(path, { force: true });
  }

  /** The portals with an inbox file on disk (hashed names cannot be turned back: the store lists portals). */
  async files(): Promise<string[]> {
    await this.ensureDir();
    return (await readdir(this.dir)).filter((n) => n.endsWith('.inbox'));
  }

  async close(): Promise<void> {
    const all = [...this.portals.values()];
    this.portals.clear();
    for (const p of all) await (await p.catch(() => null))?.close();
  }
}
