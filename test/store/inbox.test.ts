// The durable inbox (issue 11): kept before acknowledged, replayed in order, torn tails cut, bounded, private.
import { appendFile, mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileInbox, parseInbox } from '../../src/store/inbox.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sgb-inbox-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Bytes that are not zero (a file's space is made ahead with zeros: an emptied file holds none). */
const nonZero = async (path: string) => (await readFile(path)).reduce((n, b) => n + (b === 0 ? 0 : 1), 0);

const fileOf = async () => join(dir, 'inbox', (await readdir(join(dir, 'inbox')))[0]!);

describe('FileInbox', () => {
  it('numbers events in arrival order, keeps them across a restart, and returns only what is not handled', async () => {
    const a = new FileInbox(dir);
    expect(await a.open('m1', 0)).toEqual([]);
    const appends = await Promise.all(['x=1', 'x=2', 'x=3'].map((b) => a.append('m1', 'form', b)));
    await Promise.all(appends.map((p) => p.written));
    expect(appends.map((p) => p.seq)).toEqual([1, 2, 3]);
    await a.close();
    const b = new FileInbox(dir);
    expect(await b.open('m1', 1)).toEqual([
      { seq: 2, type: 'form', body: 'x=2' },
      { seq: 3, type: 'form', body: 'x=3' },
    ]);
    // Numbering goes on after the last kept one.
    const next = await b.append('m1', 'json', '{"a":1}');
    await next.written;
    expect(next.seq).toBe(4);
    await b.close();
  });

  it('a torn last line (a crash mid-append, never acknowledged) is cut off, and the next append starts clean', async () => {
    const a = new FileInbox(dir);
    await a.open('m1', 0);
    await (await a.append('m1', 'form', 'first')).written;
    await a.close();
    await appendFile(await fileOf(), '{"s":2,"t":"form","b":"tor');
    const b = new FileInbox(dir);
    expect(await b.open('m1', 0)).toEqual([{ seq: 1, type: 'form', body: 'first' }]);
    await (await b.append('m1', 'form', 'second')).written;
    await b.close();
    const parsed = parseInbox(await readFile(await fileOf(), 'utf8'));
    expect(parsed.bad).toBe(0);
    expect(parsed.entries.map((e) => e.body)).toEqual(['first', 'second']);
  });

  it('stays bounded: emptied once everything is handled, rewritten with what waits when it grows', async () => {
    const a = new FileInbox(dir, { compactBytes: 200, rewriteBytes: 600 });
    await a.open('m1', 0);
    const body = 'b'.repeat(100);
    let last = 0;
    for (let i = 0; i < 10; i++) {
      const r = await a.append('m1', 'form', body);
      await r.written;
      last = r.seq;
    }
    // Half handled: not yet worth a rewrite. Past half (and past rewriteBytes): the file keeps only the four waiting.
    await a.handled('m1', 5);
    expect(parseInbox(await readFile(await fileOf(), 'utf8')).entries).toHaveLength(10);
    await a.handled('m1', 6);
    expect(parseInbox(await readFile(await fileOf(), 'utf8')).entries.map((e) => e.seq)).toEqual([7, 8, 9, 10]);
    // And appends after the rewrite land after those.
    const more = await a.append('m1', 'form', body);
    await more.written;
    last = more.seq;
    expect(parseInbox(await readFile(await fileOf(), 'utf8')).entries.map((e) => e.seq)).toEqual([7, 8, 9, 10, 11]);
    await a.handled('m1', last);
    expect(await nonZero(await fileOf())).toBe(0);
    // Numbers go on from the portal's marker after the file was emptied and the process restarted.
    await a.close();
    const b = new FileInbox(dir);
    expect(await b.open('m1', last)).toEqual([]);
    const r = await b.append('m1', 'form', 'after');
    await r.written;
    expect(r.seq).toBe(last + 1);
    await b.close();
  });

  it('is private: the folder 0700 and each file 0600, older 0644 files tightened at open', async () => {
    const a = new FileInbox(dir);
    await a.open('m1', 0);
    await (await a.append('m1', 'form', 'x')).written;
    await a.close();
    expect((await stat(join(dir, 'inbox'))).mode & 0o777).toBe(0o700);
    expect((await stat(await fileOf())).mode & 0o777).toBe(0o600);
    await writeFile(join(dir, 'inbox', 'old.inbox'), '', { mode: 0o644 });
    const b = new FileInbox(dir);
    await b.open('m2', 0);
    expect((await stat(join(dir, 'inbox', 'old.inbox'))).mode & 0o777).toBe(0o600);
    await b.close();
  });

  it('reads an inbox an older version left (one JSON line per event), and appends after it in the new layout', async () => {
    await mkdir(join(dir, 'inbox'), { recursive: true });
    const old = ['{"s":1,"t":"form","b":"x=1"}', '{"s":2,"t":"json","b":"{\\"a\\":\\"\\\\n\\"}"}', ''].join('\n');
    await writeFile(join(dir, 'inbox', 'm1.inbox'), old);
    const a = new FileInbox(dir);
    expect(await a.open('m1', 0)).toEqual([
      { seq: 1, type: 'form', body: 'x=1' },
      { seq: 2, type: 'json', body: '{"a":"\\n"}' },
    ]);
    // A body with what JSON would escape (quotes, a newline, Cyrillic, an emoji) is kept byte for byte.
    const body = '{"text":"строка\nвторая 🙂","q":"\\"}';
    await (await a.append('m1', 'json', body)).written;
    await a.close();
    const raw = await readFile(join(dir, 'inbox', 'm1.inbox'));
    expect(raw.subarray(old.length, raw.indexOf(0)).toString('utf8')).toBe(`#3 json ${Buffer.byteLength(body)}\n${body}\n`);
    const b = new FileInbox(dir);
    expect((await b.open('m1', 1)).map((e) => e.body)).toEqual(['{"a":"\\n"}', body]);
    await b.close();
  });

  it('a record cut anywhere (in its header, its body, before its last newline) is a torn tail; a bad line before it is skipped', async () => {
    const good = '#1 form 3\nx=1\n';
    const next = '#2 form 5\nx=2&y\n';
    for (let cut = 1; cut < next.length; cut++) {
      const parsed = parseInbox(good + 'not a record\n' + next.slice(0, cut));
      expect(parsed.entries.map((e) => e.body)).toEqual(['x=1']);
      expect(parsed.bad).toBe(1);
      expect(parsed.size).toBe(good.length + 'not a record\n'.length);
    }
    expect(parseInbox(good + next).entries.map((e) => [e.seq, e.body, e.end])).toEqual([
      [1, 'x=1', good.length],
      [2, 'x=2&y', good.length + next.length],
    ]);
    // A header whose length does not end on a newline is a bad line, and reading goes on after it.
    const wrong = parseInbox('#1 form 2\nx=1\n' + next);
    expect(wrong.entries.map((e) => e.seq)).toEqual([2]);
    expect(wrong.bad).toBe(2);
  });

  it('writes to a second file while the first is busy; a restart merges both in order; both are compacted and dropped', async () => {
    const a = new FileInbox(dir, { compactBytes: 50, rewriteBytes: 1 << 20 });
    await a.open('m1', 0);
    // Appends at once: the first goes out alone, the next find the first file writing (the second
    // file is opened the first time that happens, and taken from then on while the first is busy).
    const second = join(dir, 'inbox', 'm1.1.inbox');
    const seqs: number[] = [];
    for (let round = 0; round < 10; round++) {
      const burst = await Promise.all(['a', 'b', 'c'].map((x) => a.append('m1', 'form', `${x}=${'z'.repeat(60)}`)));
      await Promise.all(burst.map((r) => r.written));
      seqs.push(...burst.map((r) => r.seq));
      const there = await readFile(second).catch(() => null);
      if (there && parseInbox(there).entries.length > 0) break;
    }
    expect((await readdir(join(dir, 'inbox'))).sort()).toEqual(['m1.1.inbox', 'm1.inbox']);
    const inFirst = parseInbox(await readFile(join(dir, 'inbox', 'm1.inbox'))).entries.map((e) => e.seq);
    const inSecond = parseInbox(await readFile(second)).entries.map((e) => e.seq);
    expect(inSecond.length).toBeGreaterThan(0);
    // Each event in one file, numbers growing within each.
    expect([...inFirst, ...inSecond].sort((x, y) => x - y)).toEqual(seqs);
    for (const f of [inFirst, inSecond]) expect([...f].sort((x, y) => x - y)).toEqual(f);
    const last = seqs.at(-1)!;
    await a.close();
    const b = new FileInbox(dir, { compactBytes: 50, rewriteBytes: 1 << 20 });
    expect((await b.open('m1', 1)).map((e) => e.seq)).toEqual(seqs.slice(1));
    const next = await b.append('m1', 'form', 'e=1');
    await next.written;
    expect(next.seq).toBe(last + 1);
    // All handled: both files past compactBytes are emptied.
    await b.handled('m1', last + 1);
    expect(await nonZero(join(dir, 'inbox', 'm1.inbox'))).toBe(0);
    expect(await nonZero(second)).toBe(0);
    await b.drop('m1');
    expect(await readdir(join(dir, 'inbox'))).toEqual([]);
    await b.close();
  });

  it('writes into space made ahead: a torn write found there (pieces among the zeros) is zeroed at open, and the next record is read clean', async () => {
    const a = new FileInbox(dir);
    await a.open('m1', 0);
    await (await a.append('m1', 'form', 'first')).written;
    await a.close();
    const path = await fileOf();
    const made = await readFile(path);
    const end = made.indexOf(0);
    expect(end).toBe('#1 form 5\nfirst\n'.length);
    expect(made.length).toBeGreaterThanOrEqual(64 * 1024);
    // A write cut by a crash, its sectors landed out of order: a header and half a body, zeros, a piece further on.
    const torn = Buffer.from(made);
    torn.write('#2 form 900\nsecond-half', end, 'latin1');
    torn.write('tail-of-the-torn-record\n', end + 4096, 'latin1');
    await writeFile(path, torn);
    const b = new FileInbox(dir);
    expect(await b.open('m1', 0)).toEqual([{ seq: 1, type: 'form', body: 'first' }]);
    await (await b.append('m1', 'form', 'next')).written;
    await b.close();
    const after = await readFile(path);
    const parsed = parseInbox(after);
    expect(parsed.entries.map((e) => [e.seq, e.body])).toEqual([
      [1, 'first'],
      [2, 'next'],
    ]);
    expect(parsed.bad).toBe(0);
    expect(after.subarray(parsed.size).every((x) => x === 0)).toBe(true);
  });

  it('space made in a burst is given back: an emptied file past 1 MiB is cut to nothing, a small one only zeroed', async () => {
    const a = new FileInbox(dir, { compactBytes: 1 });
    await a.open('m1', 0);
    const body = 'q'.repeat(4000);
    let last = 0;
    // 1.6 MB waiting, none handled; one after another, so all in the first file.
    for (let i = 0; i < 400; i++) {
      const r = await a.append('m1', 'form', body);
      await r.written;
      last = r.seq;
    }
    expect(await readdir(join(dir, 'inbox'))).toEqual(['m1.inbox']);
    expect((await stat(await fileOf())).size).toBeGreaterThan(1024 * 1024);
    await a.handled('m1', last);
    expect((await stat(await fileOf())).size).toBe(0);
    await (await a.append('m1', 'form', 'x')).written;
    const small = (await stat(await fileOf())).size;
    expect(small).toBeGreaterThan(0);
    expect(small).toBeLessThanOrEqual(128 * 1024);
    await a.handled('m1', last + 1);
    expect((await stat(await fileOf())).size).toBe(small);
    expect(await nonZero(await fileOf())).toBe(0);
    await a.close();
  });

  it('a portal removed with its data loses its inbox too', async () => {
    const a = new FileInbox(dir);
    await a.open('m1', 0);
    await (await a.append('m1', 'form', 'x')).written;
    await a.drop('m1');
    expect(await a.files()).toEqual([]);
    await a.close();
  });
});
