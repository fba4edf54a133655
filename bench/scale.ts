// Benchmark (issue 13): past one machine. Events/s through one and through two bot processes on one
// PostgreSQL behind a round-robin balancer; a write's cost with 1 and with 1,000 other portals of 100
// users stored; "my courses" p50/p95 from PostgreSQL beside the file store. Needs TEST_DATABASE_URL.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startEmulator } from '../src/sandbox/emulator/index.js';
import { emptyPortal } from '../src/store/types.js';
import { testInstallation } from '../test/helpers/installation.js';
import { freshSchema } from '../test/helpers/pg.js';
import { botProcess, roundRobin, type Side } from '../test/process/bot-process.js';
import { percentile, round } from './_util.js';

const OTHER_PORTALS = 1_000;
const USERS_PER_PORTAL = 100;
const WRITES = 300;
const EVENT_PORTALS = 12;
const EVENTS_PER_PORTAL = 25;

/** p50 of one small write (a processed key, as each handled event makes) to portal `memberId`. */
async function writeCost(store: { update: (m: string, f: (d: { processed: string[] }) => void) => Promise<unknown> }, memberId: string, tag: string): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < WRITES; i++) {
    const t = performance.now();
    await store.update(memberId, (d) => void d.processed.push(`${tag}${i}`));
    times.push(performance.now() - t);
  }
  return percentile(times.sort((a, b) => a - b), 50);
}

/** Commands from many portals at once through `instances` processes: handled events per second. */
async function eventsPerSecond(url: string, instances: number): Promise<number> {
  const emu = await startEmulator({ port: 0 });
  const schema = await freshSchema(url);
  let targets: string[] = [];
  const lb = await roundRobin(() => targets);
  const dirs: string[] = [];
  const bots: Array<Awaited<ReturnType<typeof botProcess>>> = [];
  try {
    const app = { clientId: `local.scale${instances}`, clientSecret: 'scale-secret' };
    for (let i = 0; i < instances; i++) {
      const dir = await mkdtemp(join(tmpdir(), 'sgb-scale-'));
      dirs.push(dir);
      bots.push(await botProcess(emu, dir, { app, publicUrl: lb.url, env: { DATABASE_URL: url, DATABASE_SCHEMA: schema.schema, INSTANCE_NAME: `i${i}`, B24_RATE_BURST: '10000', B24_RATE_PER_SEC: '10000' } }));
    }
    await Promise.all(bots.map((b) => b.start()));
    targets = bots.map((b) => b.botUrl);
    const sides: Side[] = [];
    for (let p = 0; p < EVENT_PORTALS; p++) sides.push(await bots[0]!.install(`scale${p}`));
    const answers = () => sides.reduce((n, s) => n + s.portal.dialog(s.demo.admin, String(s.botId)).filter((m) => m.authorId === s.botId).length, 0);
    const before = answers();
    const total = EVENT_PORTALS * EVENTS_PER_PORTAL;
    const started = performance.now();
    await Promise.all(sides.map(async (s) => {
      for (let i = 0; i < EVENTS_PER_PORTAL; i++) await s.portal.as(s.demo.admin).send(String(s.botId), '/help');
    }));
    while (answers() - before < total) {
      if (performance.now() - started > 300_000) throw new Error('events not answered in 5 minutes');
      await new Promise((r) => setTimeout(r, 20));
    }
    return total / ((performance.now() - started) / 1000);
  } finally {
    for (const b of bots) await b.kill();
    lb.server.close();
    await emu.close();
    await schema.drop();
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  }
}

export async function run(): Promise<Record<string, number | string>> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    console.log('scale: skipped (set TEST_DATABASE_URL=postgres://user:pass@127.0.0.1/db)');
    return { skipped: 'TEST_DATABASE_URL not set' };
  }
  // A write's cost, alone and among 1,000 other portals of 100 users.
  const schema = await freshSchema(url);
  const store = schema.store();
  let alone: number;
  let among: number;
  try {
    await store.put(emptyPortal(testInstallation({ memberId: 'target' })));
    alone = await writeCost(store, 'target', 'a');
    for (let p = 0; p < OTHER_PORTALS; p++) {
      const d = emptyPortal(testInstallation({ memberId: `other${p}` }));
      for (let u = 0; u < USERS_PER_PORTAL; u++) d.users[String(u + 1)] = { name: `User ${u}`, extranet: false };
      await store.put(d);
    }
    among = await writeCost(store, 'target', 'b');
  } finally {
    await schema.drop();
  }

  const one = await eventsPerSecond(url, 1);
  const two = await eventsPerSecond(url, 2);

  // "my courses" on the 10,000-user portal, the file store, then PostgreSQL (bench/mycourses.ts).
  const { run: myCourses } = await import('./mycourses.js');
  const onFile = await myCourses();
  process.env.SCENARIO_STORE = 'pg';
  let onPg: Record<string, number | string>;
  try {
    onPg = await myCourses();
  } finally {
    delete process.env.SCENARIO_STORE;
  }

  const figures: Record<string, number | string> = {
    'write p50, 1 portal stored (ms)': round(alone),
    [`write p50, ${OTHER_PORTALS + 1} portals stored (ms)`]: round(among),
    [`events/s, 1 instance (${EVENT_PORTALS} portals)`]: round(one),
    [`events/s, 2 instances (${EVENT_PORTALS} portals)`]: round(two),
    'events/s ratio 2:1': round(two / one),
    '"my courses" p50, file store (ms)': onFile['end to end p50 (ms)']!,
    '"my courses" p95, file store (ms)': onFile['end to end p95 (ms)']!,
    '"my courses" p50, PostgreSQL (ms)': onPg['end to end p50 (ms)']!,
    '"my courses" p95, PostgreSQL (ms)': onPg['end to end p95 (ms)']!,
  };
  console.log('\nscale: several instances on PostgreSQL');
  for (const [k, v] of Object.entries(figures)) console.log(`  ${k.padEnd(44)} ${v}`);
  return figures;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  run().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
