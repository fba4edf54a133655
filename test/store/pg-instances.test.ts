// What several instances share in PostgreSQL (store/pg): leases, the inbox table's order, the rate bucket.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LeakyBucket } from '../../src/bot/portal.js';
import { PgBucket } from '../../src/store/pg/bucket.js';
import { PgInbox } from '../../src/store/pg/inbox.js';
import { Leases } from '../../src/store/pg/leases.js';
import type { PgPortalStore } from '../../src/store/pg/store.js';
import { emptyPortal } from '../../src/store/types.js';
import { testInstallation } from '../helpers/installation.js';
import { freshSchema, PG_SKIP, testDatabaseUrl, type TestSchema } from '../helpers/pg.js';

const url = testDatabaseUrl();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

(url ? describe : describe.skip)(url ? 'PostgreSQL shared by instances' : PG_SKIP, () => {
  let schema: TestSchema;
  let one: PgPortalStore;
  let two: PgPortalStore;
  beforeAll(async () => {
    schema = await freshSchema(url!);
    one = schema.store();
    two = schema.store();
    await one.put(emptyPortal(testInstallation({ memberId: 'p1' })));
  });
  afterAll(async () => schema.drop());

  it('a lease has one holder; released or expired, another instance takes it; the old holder learns it lost it', async () => {
    const a = new Leases(one.pool, { holder: 'a', ttlMs: 1_000 });
    const b = new Leases(two.pool, { holder: 'b', ttlMs: 1_000 });
    expect(await a.take('x')).toBe(true);
    expect(await b.take('x')).toBe(false);
    expect(await a.take('x')).toBe(true);
    await a.release('x');
    expect(await b.take('x')).toBe(true);
    expect(await a.take('x')).toBe(false);
    // b stops renewing (it died): after the TTL a takes over, and b's renewal finds it gone.
    await sleep(1_100);
    expect(b.holds('x')).toBe(false);
    expect(await a.take('x')).toBe(true);
    await b.renew();
    expect(b.holds('x')).toBe(false);
    expect(a.holds('x')).toBe(true);
  });

  it('inbox appends from two instances at once get the portal’s next numbers, read back in commit order', async () => {
    const ia = new PgInbox(one.pool);
    const ib = new PgInbox(two.pool);
    const seqs = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? ia : ib).append('p1', 'json', `{"n":${i}}`)));
    expect([...seqs].sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    const read = await ia.after('p1', 0, 100);
    expect(read.map((e) => e.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    // Each number names the body that got it.
    for (const e of read) expect(e.body).toBe(`{"n":${seqs.indexOf(e.seq)}}`);
    await ia.prune('p1', 30);
    expect((await ib.after('p1', 0, 100)).map((e) => e.seq)).toEqual(Array.from({ length: 10 }, (_, i) => i + 31));
    // Unhandled (after inbox_done, absent = 0) and leased by nobody: the sweep finds the portal.
    expect(await ia.waiting('a')).toEqual(['p1']);
  });

  it('the rate bucket is one for both instances: together they wait as one client would', async () => {
    // Burst 6 (5 usable), 50 per second: 25 requests need (25 - 5) / 50 = 0.4 s however they are split.
    const shared = [new PgBucket(one.pool, 'p1', 6, 50), new PgBucket(two.pool, 'p1', 6, 50)];
    let t = Date.now();
    await Promise.all(Array.from({ length: 25 }, (_, i) => shared[i % 2]!.take()));
    const together = Date.now() - t;
    expect(together).toBeGreaterThanOrEqual(370);
    // Two private buckets would each let 5 through at once and need only (12.5 - 5) / 50 s.
    const apart = [new LeakyBucket(6, 50), new LeakyBucket(6, 50)];
    t = Date.now();
    await Promise.all(Array.from({ length: 25 }, (_, i) => apart[i % 2]!.take()));
    expect(Date.now() - t).toBeLessThan(together - 100);
  });
});
