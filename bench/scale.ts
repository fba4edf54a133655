// Benchmark (issue 13): past one machine. The stored world: 1,000 portals of 100 users plus one portal of
// 10,000 learners in training (bench/training.ts builds it). Events/s from many portals through one and
// through two bot processes on one PostgreSQL behind a round-robin balancer; a write's cost with 1 and
// with 1,000 other portals stored; "my courses" p50/p95 on the training portal from PostgreSQL beside
// the file store. Needs TEST_DATABASE_URL.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startEmulator } from '../src/sandbox/emulator/index.js';
import type { Program } from '../src/domain/training/model.js';
import { emptyPortal } from '../src/store/types.js';
import { testInstallation } from '../test/helpers/installation.js';
import { freshSchema } from '../test/helpers/pg.js';
import { startWorld, type World } from '../test/helpers/world.js';
import { botProcess, roundRobin, type Side } from '../test/process/bot-process.js';
import { percentile, round } from './_util.js';
import { addTrainingPortal } from './training.js';

const OTHER_PORTALS = 1_000;
const USERS_PER_PORTAL = 100;
const WRITES = 300;
// Installing a portal in the emulator goes through the bot's whole install (bot registration, chats):
// 100 of the 1,000 portals send commands, which keeps the run within minutes on a small machine.
const EVENT_PORTALS = Number(process.env.SCALE_EVENT_PORTALS ?? 100);
const EVENTS_PER_PORTAL = 5;
const ASKERS = 100;

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

/** The 1,000 portals of 100 users, stored as the bot would keep them (not installed in the emulator). */
async function storeOthers(store: { put: (d: ReturnType<typeof emptyPortal>) => Promise<unknown> }): Promise<void> {
  const t0 = performance.now();
  for (let p = 0; p < OTHER_PORTALS; p++) {
    const d = emptyPortal(testInstallation({ memberId: `other${p}` }));
    for (let u = 0; u < USERS_PER_PORTAL; u++) d.users[String(u + 1)] = { name: `User ${u}`, extranet: false };
    await store.put(d);
  }
  console.log(`stored ${OTHER_PORTALS} portals of ${USERS_PER_PORTAL} users in ${round((performance.now() - t0) / 1000)} s`);
}

/** CPU time (user + system, ms) a process has used so far, from /proc (Linux; null elsewhere). */
async function cpuMs(pid: number | undefined): Promise<number | null> {
  if (pid === undefined) return null;
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the whole line (11 and 12 after the name), in clock ticks of 1/100 s.
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

interface EventsRun {
  perSecond: number;
  /** The bot processes' CPU per handled event (all instances together), ms. */
  cpuPerEvent: number | null;
  /** Each instance's share of the requests the balancer sent it and of the bots' CPU, %. */
  requestShare: number[];
  cpuShare: number[];
}

/** Commands from many portals at once through `instances` processes: handled events per second, and where the work went. */
async function eventsPerSecond(url: string, instances: number): Promise<EventsRun> {
  const emu = await startEmulator({ port: 0 });
  const schema = await freshSchema(url);
  // The same database as the stored world: the 1,000 portals of 100 users are there beside the installed ones.
  const seed = schema.store();
  await storeOthers(seed);
  await seed.close();
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
    const countsBefore = [...lb.counts];
    const cpuBefore = await Promise.all(bots.map((b) => cpuMs(b.child?.pid)));
    const started = performance.now();
    await Promise.all(sides.map(async (s) => {
      for (let i = 0; i < EVENTS_PER_PORTAL; i++) await s.portal.as(s.demo.admin).send(String(s.botId), '/help');
    }));
    while (answers() - before < total) {
      if (performance.now() - started > 300_000) throw new Error('events not answered in 5 minutes');
      await new Promise((r) => setTimeout(r, 20));
    }
    const perSecond = total / ((performance.now() - started) / 1000);
    const cpuAfter = await Promise.all(bots.map((b) => cpuMs(b.child?.pid)));
    const used = cpuAfter.map((a, i) => (a === null || cpuBefore[i] === null ? null : a - cpuBefore[i]!));
    const cpuTotal = used.every((u) => u !== null) ? used.reduce<number>((n, u) => n + u!, 0) : null;
    const sent = bots.map((_, i) => lb.counts[i]! - countsBefore[i]!);
    const sentTotal = sent.reduce((n, x) => n + x, 0) || 1;
    return {
      perSecond,
      cpuPerEvent: cpuTotal === null ? null : cpuTotal / total,
      requestShare: sent.map((x) => Math.round((x / sentTotal) * 100)),
      cpuShare: cpuTotal ? used.map((u) => Math.round(((u ?? 0) / cpuTotal) * 100)) : [],
    };
  } finally {
    for (const b of bots) await b.kill();
    lb.server.close();
    await emu.close();
    await schema.drop();
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  }
}

/** The 10,000-learner training portal in a world of its own (file store, or PostgreSQL with SCENARIO_STORE=pg). */
async function trainingWorld(program: Program, pg: boolean): Promise<{ w: World; learners: number[] }> {
  if (pg) process.env.SCENARIO_STORE = 'pg';
  let w: World;
  try {
    w = await startWorld({ mode: 'webhook' });
  } finally {
    if (pg) delete process.env.SCENARIO_STORE;
  }
  // The learners were in the portal before the bot came (as at an install on a grown company): no
  // ONUSERADD for them, else the answers measured would queue behind 10,000 placements in the inbox.
  const bindings = w.portal.state.bindings;
  const userAdd = [...bindings].filter(([, b]) => b.event === 'ONUSERADD');
  for (const [k] of userAdd) bindings.delete(k);
  const learners = await addTrainingPortal(w, program);
  for (const [k, b] of userAdd) bindings.set(k, b);
  // What the bot already knows of them, as after earlier conversations (no first-contact writes measured).
  await w.rt.store.update(w.memberId, (d) => {
    for (const id of learners) d.users[String(id)] = { name: `Learner${id} Bench`, extranet: false };
  });
  return { w, learners };
}

/** "my courses" typed by `ASKERS` learners (one from each group) until the answer is in the dialog: p50, p95 in ms. */
async function myCourses(w: World, learners: number[]): Promise<{ p50: number; p95: number }> {
  const step = Math.floor(learners.length / ASKERS);
  const latencies: number[] = [];
  for (let i = 0; i < ASKERS; i++) {
    const started = performance.now();
    const out = await w.say(learners[i * step]!, 'my courses');
    latencies.push(performance.now() - started);
    if (out.length !== 1) throw new Error(`expected one answer, got ${out.length}`);
  }
  latencies.sort((a, b) => a - b);
  return { p50: percentile(latencies, 50), p95: percentile(latencies, 95) };
}

export async function run(): Promise<Record<string, number | string>> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    console.log('scale: skipped (set TEST_DATABASE_URL=postgres://user:pass@127.0.0.1/db)');
    return { skipped: 'TEST_DATABASE_URL not set' };
  }
  const program = JSON.parse(await readFile(join(import.meta.dirname, '..', 'data', 'programs', 'infosec-awareness.json'), 'utf8')) as Program;

  // PostgreSQL: the training portal, a small portal written to with the training portal as the only
  // other one stored, then 1,000 portals of 100 users added and the same write; then "my courses" on
  // the training portal among all of them.
  const onPg = await trainingWorld(program, true);
  let alone: number;
  let among: number;
  let pgCourses: { p50: number; p95: number };
  try {
    const store = onPg.w.rt.store;
    await store.put(emptyPortal(testInstallation({ memberId: 'target' })));
    alone = await writeCost(store, 'target', 'a');
    await storeOthers(store);
    among = await writeCost(store, 'target', 'b');
    pgCourses = await myCourses(onPg.w, onPg.learners);
  } finally {
    await onPg.w.close();
  }

  // The file store: the same training portal, "my courses" the same way.
  const onFile = await trainingWorld(program, false);
  let fileCourses: { p50: number; p95: number };
  try {
    fileCourses = await myCourses(onFile.w, onFile.learners);
  } finally {
    await onFile.w.close();
  }

  const one = await eventsPerSecond(url, 1);
  console.log(`events/s, 1 instance: ${round(one.perSecond)}`);
  const two = await eventsPerSecond(url, 2);

  const figures: Record<string, number | string> = {
    'write p50, 1 other portal stored (ms)': round(alone),
    [`write p50, ${OTHER_PORTALS + 1} other portals stored (ms)`]: round(among),
    [`events/s, 1 instance (${EVENT_PORTALS} portals)`]: round(one.perSecond),
    [`events/s, 2 instances (${EVENT_PORTALS} portals)`]: round(two.perSecond),
    'events/s ratio 2:1': round(two.perSecond / one.perSecond),
    'bot CPU per event, 1 instance (ms)': one.cpuPerEvent === null ? 'n/a' : round(one.cpuPerEvent),
    'bot CPU per event, 2 instances together (ms)': two.cpuPerEvent === null ? 'n/a' : round(two.cpuPerEvent),
    '2 instances: share of requests (%)': two.requestShare.join(' / '),
    '2 instances: share of the bots\' CPU (%)': two.cpuShare.join(' / '),
    'cores on this machine': availableParallelism(),
    '"my courses" p50, 10,000 learners, file store (ms)': round(fileCourses.p50),
    '"my courses" p95, 10,000 learners, file store (ms)': round(fileCourses.p95),
    '"my courses" p50, 10,000 learners, PostgreSQL (ms)': round(pgCourses.p50),
    '"my courses" p95, 10,000 learners, PostgreSQL (ms)': round(pgCourses.p95),
  };
  console.log('\nscale: several instances on PostgreSQL');
  for (const [k, v] of Object.entries(figures)) console.log(`  ${k.padEnd(52)} ${v}`);
  return figures;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  run().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
