// Both PortalStore implementations keep the same contract: atomic updates, serialized, per portal.
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FilePortalStore, fileNameFor } from '../src/store/file.js';
import { MemoryPortalStore } from '../src/store/memory.js';
import { freshSchema, PG_SKIP, testDatabaseUrl, type TestSchema } from './helpers/pg.js';
import { PgPortalStore } from '../src/store/pg/store.js';
import { emptyPortal, PortalNotFoundError, type Installation, type PortalStore } from '../src/store/types.js';

function installation(memberId: string): Installation {
  return {
    memberId, domain: 'd', clientEndpoint: 'http://x/rest', serverEndpoint: 'http://o/rest/', applicationToken: 't',
    accessToken: 'a', refreshToken: 'r', expires: 0, scope: '', installerId: 1, language: 'en', auth: 'oauth',
    botId: 5, botCode: 'b', commandIds: {}, eventMode: 'webhook', webhookUrl: null, status: 'active', installedAt: '', updatedAt: '',
  };
}

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

const makers: Array<[string, () => Promise<PortalStore>]> = [
  ['memory', async () => new MemoryPortalStore()],
  ['file', async () => {
    const d = await mkdtemp(join(tmpdir(), 'sgb-store-'));
    dirs.push(d);
    return new FilePortalStore(d);
  }],
];

// PostgreSQL: one schema for this file, a portal table each store shares (member ids differ per test).
const pgUrl = testDatabaseUrl();
let schema: TestSchema | undefined;
if (pgUrl) {
  beforeAll(async () => {
    schema = await freshSchema(pgUrl);
  });
  afterAll(async () => {
    await schema?.drop();
  });
  makers.push(['pg', async () => {
    const s = schema!.store();
    // Each test starts with no portals, as the other makers do.
    await s.pool.query('TRUNCATE portals CASCADE');
    return s;
  }]);
} else {
  describe.skip(PG_SKIP, () => {
    it('runs against PostgreSQL', () => undefined);
  });
}

describe.each(makers)('%s store', (_name, make) => {
  it('keeps portals apart', async () => {
    const s = await make();
    await s.put(emptyPortal(installation('p1')));
    await s.put(emptyPortal(installation('p2')));
    await s.update('p1', (d) => void d.moderators.push(7));
    expect((await s.get('p1'))!.moderators).toEqual([7]);
    expect((await s.get('p2'))!.moderators).toEqual([]);
    expect((await s.list()).sort()).toEqual(['p1', 'p2']);
  });

  it('saves nothing when the mutator throws', async () => {
    const s = await make();
    await s.put(emptyPortal(installation('p1')));
    await expect(
      s.update('p1', (d) => {
        d.moderators.push(1);
        throw new Error('half-way');
      }),
    ).rejects.toThrow('half-way');
    expect((await s.get('p1'))!.moderators).toEqual([]);
  });

  it('serializes concurrent updates: none is lost', async () => {
    const s = await make();
    await s.put(emptyPortal(installation('p1')));
    await Promise.all(Array.from({ length: 100 }, (_, i) => s.update('p1', async (d) => {
      await new Promise((r) => setTimeout(r, i % 3));
      d.counters.group += 1;
    })));
    expect((await s.get('p1'))!.counters.group).toBe(100);
  });

  it('leaves data read before an update as it was, and returns the new data for a returned draft', async () => {
    const s = await make();
    await s.put(emptyPortal(installation('p1')));
    const before = (await s.get('p1'))!;
    const out = await s.update('p1', (d) => {
      d.moderators.push(3);
      d.users['3'] = { name: 'C', extranet: false };
      return d;
    });
    expect(before.moderators).toEqual([]);
    expect(before.users).toEqual({});
    expect(out).toEqual(await s.get('p1'));
    // Plain data, not a draft: it can be copied and kept.
    expect(structuredClone(out).moderators).toEqual([3]);
  });

  it('refuses updates of an unknown portal', async () => {
    const s = await make();
    await expect(s.update('nope', () => 1)).rejects.toBeInstanceOf(PortalNotFoundError);
  });
});

describe('file store on disk', () => {
  it('writes one file per portal, leaves no temp files, and reloads', async () => {
    const d = await mkdtemp(join(tmpdir(), 'sgb-store-'));
    dirs.push(d);
    const s = new FilePortalStore(d);
    await s.put(emptyPortal(installation('p1')));
    await s.put(emptyPortal(installation('../evil')));
    await s.update('p1', (x) => void (x.counters.course = 3));
    const files = (await readdir(join(d, 'portals'))).sort();
    expect(files).toEqual([fileNameFor('../evil'), 'p1.json'].sort());
    expect(fileNameFor('../evil')).toMatch(/^h_[0-9a-f]{40}\.json$/);
    expect(JSON.parse(await readFile(join(d, 'portals', 'p1.json'), 'utf8')).counters.course).toBe(3);
    const again = new FilePortalStore(d);
    expect((await again.get('p1'))!.counters.course).toBe(3);
    expect((await again.list()).sort()).toEqual(['../evil', 'p1']);
  });
});

describe('file store writes', () => {
  async function fresh(): Promise<{ s: FilePortalStore; file: string; dir: string }> {
    const dir = await mkdtemp(join(tmpdir(), 'sgb-store-'));
    dirs.push(dir);
    const s = new FilePortalStore(dir);
    await s.put(emptyPortal(installation('p1')));
    return { s, file: join(dir, 'portals', 'p1.json'), dir };
  }

  it('the file holds exactly the data, after updates that touch different parts', async () => {
    const { s, file, dir } = await fresh();
    await s.update('p1', (d) => void d.moderators.push(1));
    await s.update('p1', (d) => {
      d.users['1'] = { name: 'A', extranet: false };
      d.fetchOffset = 7;
    });
    await s.update('p1', (d) => {
      delete (d as unknown as Record<string, unknown>).keyboardDialogs;
      d.keyboardDialogs = { '5': 'chat1' };
      d.processed = [...d.processed, 'k1'];
    });
    const data = (await s.get('p1'))!;
    expect(await readFile(file, 'utf8')).toBe(JSON.stringify(data));
    expect(await new FilePortalStore(dir).get('p1')).toEqual(data);
  });

  it('an update that changes nothing writes nothing', async () => {
    const { s, file } = await fresh();
    await s.update('p1', (d) => void d.moderators.push(1));
    // Mark the file: a write would replace it with what the store holds.
    const marked = JSON.parse(await readFile(file, 'utf8')) as { counters: { poll: number } };
    marked.counters.poll = 99;
    await writeFile(file, JSON.stringify(marked));
    const found = await s.update('p1', (d) => d.moderators.includes(1));
    expect(found).toBe(true);
    await s.update('p1', (d) => {
      d.moderators.push(2);
      d.moderators.pop();
      d.fetchOffset = null;
    });
    expect(JSON.parse(await readFile(file, 'utf8')).counters.poll).toBe(99);
    await s.update('p1', (d) => void (d.fetchOffset = 1));
    expect(JSON.parse(await readFile(file, 'utf8')).counters.poll).toBe(0);
  });

  it('under the tests, data read with get() cannot be changed in place (it would go unsaved)', async () => {
    const { s } = await fresh();
    await s.update('p1', (d) => void d.moderators.push(1));
    const data = (await s.get('p1'))!;
    expect(() => data.moderators.push(2)).toThrow(TypeError);
    expect(() => {
      data.installation.botId = 9;
    }).toThrow(TypeError);
    expect((await s.get('p1'))!.moderators).toEqual([1]);
  });

  it('looking up portals that do not exist keeps nothing in memory, and a portal put later is found', async () => {
    const { s } = await fresh();
    const cached = () => (s as unknown as { dbs: Map<string, unknown> }).dbs.size;
    const base = cached();
    for (let i = 0; i < 200; i++) expect(await s.get(`made-up-${i}`)).toBeUndefined();
    expect(cached()).toBe(base);
    await s.put(emptyPortal(installation('made-up-7')));
    expect((await s.get('made-up-7'))?.installation.memberId).toBe('made-up-7');
    expect(cached()).toBe(base + 1);
  });

  it('a failed write leaves memory as it was', async () => {
    const { s, dir } = await fresh();
    await rm(join(dir, 'portals'), { recursive: true, force: true });
    await writeFile(join(dir, 'portals'), 'not a folder');
    await expect(s.update('p1', (d) => void d.moderators.push(1))).rejects.toThrow();
    expect((await s.get('p1'))!.moderators).toEqual([]);
  });
});
