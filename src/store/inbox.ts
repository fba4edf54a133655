// The durable inbox: a verified webhook event is appended to its portal's file and fsync'd before the
// portal gets its 200, since Bitrix24 never sends an acknowledged event again.
import { mkdir, open, readFile, readdir, rename, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { fileNameFor } from './file.js';
import { FSYNC, fsyncDir, PRIVATE_DIR, PRIVATE_FILE, tightenDir } from './files.js';

/** Appends (and reads); synchronous (O_SYNC) unless DATA_FSYNC=off: each append is on the disk when it returns. */
const APPEND_MODE = FSYNC ? 'as+' : 'a+';

/**
 * Write buffers, shared by every portal's inbox: a write takes one and gives it back when it is done,
 * so a burst allocates no buffer per event (which the garbage collector would have to follow) and a
 * thousand portals do not each hold one. Up to four are kept, of up to 256 KiB.
 */
const SPARE: Buffer[] = [];
const BUFFER_KEEP = 256 * 1024;

function takeBuffer(length: number): Buffer {
  const i = SPARE.findIndex((b) => b.length >= length);
  return i >= 0 ? SPARE.splice(i, 1)[0]! : Buffer.allocUnsafe(Math.max(length, 64 * 1024));
}

function giveBuffer(b: Buffer): void {
  if (b.length <= BUFFER_KEEP && SPARE.length < 4) SPARE.push(b);
}

/** One kept event: its number in the portal's inbox, how its body is encoded, the body as it arrived. */
export interface InboxEntry {
  seq: number;
  type: 'form' | 'json';
  body: string;
}

export interface InboxOptions {
  /** Once everything is handled, a file past this size is emptied (default 256 KiB). */
  compactBytes?: number;
  /** With events still waiting, a file past this size is rewritten with only those (default 8 MiB). */
  rewriteBytes?: number;
}

interface Waiter {
  line: string;
  resolve: () => void;
  reject: (e: unknown) => void;
}

/** One portal's file: appends are grouped, so one fsync covers every event that arrived meanwhile. */
class PortalInbox {
  nextSeq: number;
  handledSeq: number;
  size: number;
  /** The entries still in the file, in order: their numbers and where each ends. */
  private seqs: number[];
  private ends: number[];
  private queue: Array<Waiter & { seq: number }> = [];
  /** Every operation on the file (a group of appends, a compaction) runs after the one before. */
  private chain: Promise<unknown> = Promise.resolve();
  private flushing = false;

  constructor(
    readonly path: string,
    private fh: FileHandle,
    kept: Array<{ seq: number; end: number }>,
    size: number,
    lastSeq: number,
    handledSeq: number,
    private readonly opts: Required<InboxOptions>,
  ) {
    this.nextSeq = lastSeq + 1;
    this.handledSeq = handledSeq;
    this.size = size;
    this.seqs = kept.map((k) => k.seq);
    this.ends = kept.map((k) => k.end);
  }

  append(type: InboxEntry['type'], body: string): { seq: number; written: Promise<void> } {
    const seq = this.nextSeq++;
    const line = `${JSON.stringify({ s: seq, t: type, b: body })}\n`;
    const written = new Promise<void>((resolve, reject) => this.queue.push({ seq, line, resolve, reject }));
    if (!this.flushing) {
      this.flushing = true;
      this.chain = this.chain.then(() => this.flush());
    }
    return { seq, written };
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0);
      let length = 0;
      const sizes = batch.map((w) => Buffer.byteLength(w.line));
      for (const n of sizes) length += n;
      const bytes = takeBuffer(length);
      let at = 0;
      for (const w of batch) at += bytes.write(w.line, at, 'utf8');
      try {
        // Opened in synchronous mode (O_SYNC, APPEND_MODE): the write returns once the bytes are on
        // the disk, in one trip to the thread pool instead of a write and then a datasync.
        await this.fh.write(bytes, 0, length, null);
        let end = this.size;
        batch.forEach((w, i) => {
          this.seqs.push(w.seq);
          this.ends.push((end += sizes[i]!));
        });
        this.size = end;
        for (const w of batch) w.resolve();
      } catch (e) {
        // ENOSPC and the like: none of these is kept, so none may be acknowledged. What was written of
        // them is cut off again, so a later append does not follow a torn line.
        await this.fh.truncate(this.size).catch(() => undefined);
        for (const w of batch) w.reject(e);
      } finally {
        giveBuffer(bytes);
      }
    }
    this.flushing = false;
  }

  /** How many entries at the head of the file are handled. */
  private handledCount(): number {
    let lo = 0;
    let hi = this.seqs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.seqs[mid]! <= this.handledSeq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Bytes at the head of the file that hold only handled entries (a line we could not read counts as waiting). */
  private handledBytes(): number {
    const n = this.handledCount();
    return n > 0 ? this.ends[n - 1]! : 0;
  }

  /**
   * Everything up to `seq` is handled. An inbox with nothing left waiting and grown past
   * `compactBytes` is emptied; one whose handled head is past `rewriteBytes` and over half the file
   * is rewritten with only its tail. Either way a file holds at most about twice what waits.
   */
  handled(seq: number): Promise<void> {
    if (seq > this.handledSeq) this.handledSeq = seq;
    if (!this.compactionDue()) return Promise.resolve();
    const run = this.chain.then(() => (this.compactionDue() ? this.compact() : undefined));
    this.chain = run.catch(() => undefined);
    return run;
  }

  private compactionDue(): boolean {
    const head = this.handledBytes();
    if (head >= this.size) return this.size > this.opts.compactBytes;
    return head > this.opts.rewriteBytes && head * 2 > this.size;
  }

  private async compact(): Promise<void> {
    const head = this.handledBytes();
    if (head >= this.size) {
      await this.fh.truncate(0);
      if (FSYNC) await this.fh.datasync();
      this.size = 0;
      this.seqs = [];
      this.ends = [];
      return;
    }
    // Entries still waiting: a new file with only those bytes, swapped in atomically.
    const tail = Buffer.alloc(this.size - head);
    await this.fh.read(tail, 0, tail.length, head);
    const temp = `${this.path}.tmp`;
    const out = await open(temp, 'w', PRIVATE_FILE);
    try {
      await out.write(tail, 0, tail.length, 0);
      if (FSYNC) await out.datasync();
    } finally {
      await out.close();
    }
    await this.fh.close();
    await rename(temp, this.path);
    await fsyncDir(join(this.path, '..'));
    this.fh = await open(this.path, APPEND_MODE, PRIVATE_FILE);
    const dropped = this.handledCount();
    this.seqs = this.seqs.slice(dropped);
    this.ends = this.ends.slice(dropped).map((e) => e - head);
    this.size = tail.length;
  }

  async close(): Promise<void> {
    await this.chain.catch(() => undefined);
    await this.fh.close();
  }
}

/** The entries of an inbox file, with where each ends; a torn last line (a crash mid-append, never acknowledged) is left out. */
export function parseInbox(text: string): { entries: Array<InboxEntry & { end: number }>; lastSeq: number; bad: number } {
  const entries: Array<InboxEntry & { end: number }> = [];
  let lastSeq = 0;
  let bad = 0;
  let offset = 0;
  for (const line of text.split('\n')) {
    const end = offset + Buffer.byteLength(line) + 1;
    offset = end;
    if (line === '') continue;
    try {
      const v = JSON.parse(line) as { s?: unknown; t?: unknown; b?: unknown };
      if (typeof v.s === 'number' && (v.t === 'form' || v.t === 'json') && typeof v.b === 'string') {
        entries.push({ seq: v.s, type: v.t, body: v.b, end });
        lastSeq = Math.max(lastSeq, v.s);
        continue;
      }
    } catch {
      // counted below
    }
    bad++;
  }
  return { entries, lastSeq, bad };
}

export class FileInbox {
  readonly dir: string;
  private readonly portals = new Map<string, Promise<PortalInbox>>();
  private readonly opts: Required<InboxOptions>;
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

  private pathOf(memberId: string): string {
    return join(this.dir, fileNameFor(memberId).replace(/\.json$/, '.inbox'));
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
      const path = this.pathOf(memberId);
      let text = '';
      try {
        text = await readFile(path, 'utf8');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
      const parsed = parseInbox(text);
      // A torn tail is cut off, so the next append starts on a line of its own.
      const good = text.endsWith('\n') || text === '' ? text : text.slice(0, text.lastIndexOf('\n') + 1);
      const fh = await open(path, APPEND_MODE, PRIVATE_FILE);
      const size = Buffer.byteLength(good);
      if (good.length !== text.length) {
        await fh.truncate(size);
        if (FSYNC) await fh.datasync();
      }
      if (text === '') await fsyncDir(this.dir);
      const kept = parsed.entries.filter((e) => e.end <= size);
      found = kept.filter((e) => e.seq > handledSeq).map(({ seq, type, body }) => ({ seq, type, body }));
      const index = kept.map(({ seq, end }) => ({ seq, end }));
      return new PortalInbox(path, fh, index, size, Math.max(parsed.lastSeq, handledSeq), handledSeq, this.opts);
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
    await rm(this.pathOf(memberId), { force: true });
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
