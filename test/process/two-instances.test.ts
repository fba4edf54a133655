// Issue 13: two bot processes (as `npm start` runs them) on one PostgreSQL database behind a
// round-robin balancer. Every event handled once and in order per portal, one instance SIGKILLed
// mid-burst: nothing acknowledged lost, the other takes over the inbox queues, the scheduled work
// and (fetch mode) the polling within the lease time, nothing sent twice, the portal's limit kept.
import type { Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../src/sandbox/emulator/index.js';
import { quoteIdent } from '../../src/store/pg/store.js';
import { freshSchema, PG_SKIP, testDatabaseUrl, type TestSchema } from '../helpers/pg.js';
import { botProcess, quiet, roundRobin, type Side } from './bot-process.js';

const url = testDatabaseUrl();
/** The portal's limit in the emulator and as the bots pace themselves: two private buckets would send twice it. */
const LIMIT = { burst: 20, drainPerSec: 10 };
const LEASE_MS = 3_000;

type Bot = Awaited<ReturnType<typeof botProcess>>;

async function leaseHolder(schema: TestSchema, name: string): Promise<string | null> {
  const c = new pg.Client({ connectionString: schema.url });
  await c.connect();
  try {
    const r = await c.query<{ holder: string }>(`SELECT holder FROM ${quoteIdent(schema.schema)}.leases WHERE name = $1 AND expires_at > now()`, [name]);
    return r.rows[0]?.holder ?? null;
  } finally {
    await c.end();
  }
}

(url ? describe : describe.skip)(url ? 'two instances on one database' : PG_SKIP, () => {
  let emu: Emulator | undefined;
  let schema: TestSchema | undefined;
  let bots: Bot[] = [];
  let proxy: Server | undefined;
  const dirs: string[] = [];
  afterEach(async () => {
    for (const b of bots) await b.kill();
    bots = [];
    proxy?.close();
    await emu?.close();
    await schema?.drop();
    for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
  });

  /** Two instances of one application on one schema; `publicUrl` null: fetch mode. */
  async function twoInstances(publicUrl: string | null) {
    emu = await startEmulator({ port: 0 });
    schema = await freshSchema(url!);
    const app = { clientId: `local.two${Math.random().toString(16).slice(2, 10)}`, clientSecret: `secret${Math.random().toString(16).slice(2)}` };
    for (const name of ['a', 'b']) {
      const dir = await mkdtemp(join(tmpdir(), 'sgb-two-'));
      dirs.push(dir);
      bots.push(
        await botProcess(emu, dir, {
          app,
          publicUrl,
          env: {
            DATABASE_URL: url!,
            DATABASE_SCHEMA: schema.schema,
            INSTANCE_NAME: name,
            LEASE_TTL_MS: String(LEASE_MS),
            INBOX_SWEEP_MS: '300',
            SCHEDULE_INTERVAL_MS: '1000',
            B24_RATE_BURST: String(LIMIT.burst),
            B24_RATE_PER_SEC: String(LIMIT.drainPerSec),
          },
        }),
      );
    }
    await Promise.all(bots.map((b) => b.start()));
    return { emu, schema, bots };
  }

  /** A group whose access closes tomorrow, with one course: the scheduler reminds each member once. */
  async function seedReminder(side: Side, title: string): Promise<number[]> {
    const learners = side.demo.learners;
    const workgroup = side.portal.addWorkgroup({ name: `${title} group`, description: '', ownerId: side.demo.admin, memberIds: [...learners] });
    const store = schema!.store();
    const now = new Date(emu!.clock.now());
    const tomorrow = new Date(now.getTime() + 24 * 3600 * 1000).toISOString().slice(0, 10);
    await store.update(side.portal.state.identity.memberId, (d) => {
      const courseId = ++d.counters.course;
      d.courses.push({ id: courseId, title, url: 'https://example.com/c', kind: 'course', prompts: [], hiddenFromExtranet: false, createdBy: side.demo.admin, createdAt: now.toISOString() } as never);
      const groupId = ++d.counters.group;
      d.groups.push({
        id: groupId, name: `${title} group`, description: '', workgroupId: workgroup.id, linked: false, ownerId: side.demo.admin,
        privacy: 'closed', accessFrom: null, accessTo: tomorrow, archived: false,
        members: learners.map((userId) => ({ userId, status: 'member', since: now.toISOString(), addedBy: side.demo.admin })),
        courseIds: [courseId], chatDialogIds: [], createdBy: side.demo.admin, createdAt: now.toISOString(),
      } as never);
    });
    return learners;
  }

  const reminded = (side: Side, learners: number[], title: string) =>
    learners.map((id) => side.portal.dialog(id, String(side.botId)).filter((m) => m.authorId === side.botId && m.text.includes(title)).length);
  const limitRefusals = (sides: Side[]) => sides.reduce((n, s) => n + s.portal.requests.filter((r) => r.error === 'QUERY_LIMIT_EXCEEDED').length, 0);

  it('webhook mode: events alternate between the instances, each is handled once and in order; a SIGKILL mid-burst loses nothing acknowledged and the scheduled work moves', async () => {
    let targets: string[] = [];
    const lb = await roundRobin(() => targets);
    proxy = lb.server;
    await twoInstances(lb.url);
    targets = bots.map((b) => b.botUrl);
    const sides = [await bots[0]!.install('north', LIMIT), await bots[0]!.install('south', LIMIT)];

    // The scheduler lease: one leader; it is the one killed.
    await expect.poll(() => leaseHolder(schema!, 'scheduler'), { timeout: 10_000 }).not.toBeNull();
    const leader = (await leaseHolder(schema!, 'scheduler')) === 'a' ? 0 : 1;
    const survivor = 1 - leader;

    const PER_PORTAL = 30;
    const acked = new Map<Side, string[]>(sides.map((s) => [s, []]));
    let killedAt = 0;
    // Each portal's commands one after the other (so their order is known), both portals at once.
    await Promise.all(
      sides.map(async (side, p) => {
        for (let i = 0; i < PER_PORTAL; i++) {
          const name = `Two ${p}-${String(i).padStart(2, '0')}`;
          if (p === 0 && i === 12) {
            bots[leader]!.child?.kill('SIGKILL');
            killedAt = Date.now();
          }
          const r = await side.portal.as(side.demo.admin).send(String(side.botId), `/group create ${name}`);
          if (r.outcomes.some((o) => o.httpStatus === 200)) acked.get(side)!.push(name);
        }
      }),
    );
    expect(lb.counts[0]).toBeGreaterThan(0);
    expect(lb.counts[1]).toBeGreaterThan(0);

    // Scheduled work after the kill: the survivor must take the scheduler lease and send it, once each.
    const learners = await seedReminder(sides[1]!, 'Evacuation');
    await expect.poll(() => reminded(sides[1]!, learners, 'Evacuation').every((n) => n > 0), { timeout: 60_000, interval: 200 }).toBe(true);
    const tookOverMs = Date.now() - killedAt;
    await quiet(sides);
    expect(await leaseHolder(schema!, 'scheduler')).toBe(survivor === 0 ? 'a' : 'b');
    expect(reminded(sides[1]!, learners, 'Evacuation').every((n) => n === 1)).toBe(true);

    const store = schema!.store();
    let handled = 0;
    const unanswered: string[] = [];
    for (const side of sides) {
      const data = (await store.get(side.portal.state.identity.memberId))!;
      const names = acked.get(side)!;
      expect(names.length).toBe(PER_PORTAL);
      const answers = side.portal.dialog(side.demo.admin, String(side.botId)).filter((m) => m.authorId === side.botId);
      for (const name of names) {
        // Once: one group; never two answer cards. An answer being sent at the kill, after the
        // handler's change committed, can be missing (README, known limits): counted below.
        expect(data.groups.filter((g) => g.name === name), name).toHaveLength(1);
        const cards = answers.filter((m) => m.text.includes(`[b]${name}[/b]`)).length;
        expect(cards, name).toBeLessThanOrEqual(1);
        if (cards === 0) unanswered.push(name);
        handled++;
      }
      // In order: the groups' ids (given out in handling order) follow the order the commands were sent.
      const made = data.groups.filter((g) => g.name.startsWith('Two ')).sort((x, y) => x.id - y.id).map((g) => g.name);
      expect(made).toEqual(names);
    }
    // Nothing left in the inbox table; the portal never turned a request away for the rate.
    const c = new pg.Client({ connectionString: url! });
    await c.connect();
    const left = await c.query(`SELECT count(*)::int AS n FROM ${quoteIdent(schema!.schema)}.inbox_events e JOIN ${quoteIdent(schema!.schema)}.portals p USING (member_id) WHERE e.seq > coalesce(p.inbox_done, 0)`);
    await c.end();
    expect(left.rows[0].n).toBe(0);
    expect(limitRefusals(sides)).toBe(0);
    // Only what the killed instance had in hand at the kill (one event per portal at a time) can miss its answer.
    expect(unanswered.length, unanswered.join(', ')).toBeLessThanOrEqual(sides.length);
    console.log(`two instances: ${handled} commands handled once and in order, ${unanswered.length} answers cut off by the kill (${lb.counts.join(' + ')} requests through the balancer), scheduled work moved ${tookOverMs} ms after the SIGKILL, 0 QUERY_LIMIT_EXCEEDED`);
    expect(tookOverMs).toBeLessThan(60_000);
  }, 120_000);

  it('fetch mode: one instance polls a portal; SIGKILLed, the other polls within the lease time and answers each message once', async () => {
    await twoInstances(null);
    const side = await bots[0]!.install('east', LIMIT);
    const memberId = side.portal.state.identity.memberId;
    const dialog = String(side.botId);
    const admin = side.portal.as(side.demo.admin);
    await admin.send(dialog, '/group create Before');
    await quiet([side]);
    const poller = await leaseHolder(schema!, `poll:${memberId}`);
    expect(poller).not.toBeNull();
    // Only the lease holder asked the portal for events.
    const polls = () => side.portal.requests.filter((r) => r.method === 'imbot.v2.Event.get').length;
    bots[poller === 'a' ? 0 : 1]!.child?.kill('SIGKILL');
    const killedAt = Date.now();
    for (let i = 0; i < 5; i++) await admin.send(dialog, `/group create After ${i}`);
    const answered = (name: string) => side.portal.dialog(side.demo.admin, dialog).filter((m) => m.authorId === side.botId && m.text.includes(`[b]${name}[/b]`)).length;
    await expect.poll(() => answered('After 4'), { timeout: 60_000, interval: 200 }).toBe(1);
    const tookOverMs = Date.now() - killedAt;
    await quiet([side]);
    for (let i = 0; i < 5; i++) expect(answered(`After ${i}`)).toBe(1);
    expect(answered('Before')).toBe(1);
    expect(await leaseHolder(schema!, `poll:${memberId}`)).toBe(poller === 'a' ? 'b' : 'a');
    expect(polls()).toBeGreaterThan(0);
    expect(limitRefusals([side])).toBe(0);
    console.log(`two instances, fetch mode: polling moved ${tookOverMs} ms after the SIGKILL`);
    expect(tookOverMs).toBeLessThan(60_000);
  }, 120_000);
});

