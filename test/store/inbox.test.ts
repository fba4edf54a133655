// The durable inbox (issue 11): kept before acknowledged, replayed in order, torn tails cut, bounded, private.
import { appendFile, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
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
    expect((await stat(await fileOf())).size).toBe(0);
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

  it('a portal removed with its data loses its inbox too', async () => {
    const a = new FileInbox(dir);
    await a.open('m1', 0);
    await (await a.append('m1', 'form', 'x')).written;
    await a.drop('m1');
    expect(await a.files()).toEqual([]);
    await a.close();
  });
});
