// Benchmark (issue 10): schedules of 10,000 learners in 100 groups, computed from facts alone — time,
// memory, and what the facts cost to store; then one day's reminders for 10,000 learners sent through
// the scheduler against the emulator at the standard rate limit. Run: npm run bench -- training
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { addDays } from '../src/domain/dates.js';
import { LEVELS, type GroupRun, type LearnerFacts, type PlanSettings, type Program } from '../src/domain/training/model.js';
import { learnerSchedule, programLessons } from '../src/domain/training/plan.js';
import type { StudyGroup } from '../src/domain/model.js';
import { DEFAULT_RATE_LIMIT } from '../src/sandbox/emulator/rate-limit.js';
import type { RequestLogEntry } from '../src/sandbox/emulator/portal.js';
import { startWorld, type World } from '../test/helpers/world.js';
import { mulberry32, round } from './_util.js';

const GROUPS = 100;
const LEARNERS = 10_000;
const TODAY = '2026-12-07';

export async function run(): Promise<Record<string, number | string>> {
  const plan = await planning();
  const reminders = await remindersOfOneDay();
  return { ...plan, ...reminders };
}

async function planning(): Promise<Record<string, number>> {
  const program = JSON.parse(await readFile(join(import.meta.dirname, '..', 'data', 'programs', 'infosec-awareness.json'), 'utf8')) as Program;
  const rnd = mulberry32(10);
  const groups = Array.from({ length: GROUPS }, (_, i) => {
    const settings: PlanSettings = { minutesPerWeek: [30, 45, 60, 90][i % 4]!, level: LEVELS[i % 3]! };
    const started = addDays(TODAY, -Math.floor(rnd() * 120));
    const run: GroupRun = { started, pauses: i % 10 === 0 ? [{ from: addDays(started, 14), to: addDays(started, 21) }] : [], stopped: null };
    return { settings, run, lessons: programLessons(program, settings.level) };
  });
  // Facts as a portal of 10,000 learners would hold them: late joiners, completions, some pauses and stops.
  const learners: LearnerFacts[] = Array.from({ length: LEARNERS }, (_, i) => {
    const groupId = i % GROUPS;
    const g = groups[groupId]!;
    const since = rnd() < 0.3 ? addDays(g.run.started!, Math.floor(rnd() * 60)) : g.run.started!;
    const done = Math.floor(rnd() * g.lessons.length);
    const completed: Record<string, string> = {};
    for (const l of g.lessons.slice(0, done)) completed[l.id] = addDays(since, Math.floor(rnd() * 30));
    return {
      userId: 1000 + i,
      groupId,
      since,
      completed,
      pauses: i % 25 === 0 ? [{ from: addDays(since, 3), to: addDays(since, 10) }] : [],
      stopped: i % 100 === 0 ? addDays(since, 20) : null,
    };
  });
  const factsBytes = Buffer.byteLength(JSON.stringify(learners));

  const heapBefore = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  const statuses: Record<string, number> = {};
  let dueToday = 0;
  // All kept, as a report over the whole portal would hold them: the memory is the schedules'.
  const schedules = learners.map((f) => {
    const g = groups[f.groupId]!;
    const s = learnerSchedule(program, g.settings, g.run, f, TODAY);
    statuses[s.status] = (statuses[s.status] ?? 0) + 1;
    dueToday += s.dueToday.length;
    return s;
  });
  const ms = performance.now() - t0;
  const heapAfter = process.memoryUsage().heapUsed;
  void schedules.length;
  console.log(`planned ${LEARNERS} learners in ${GROUPS} groups (${program.topics.length} topics) in ${round(ms)} ms; statuses`, statuses);
  return {
    learners: LEARNERS,
    groups: GROUPS,
    plan_all_ms: round(ms),
    plan_per_learner_us: round((ms * 1000) / LEARNERS),
    schedules_heap_mb: round((heapAfter - heapBefore) / 1024 / 1024),
    lessons_due_today: dueToday,
    facts_json_kb: round(factsBytes / 1024),
    facts_bytes_per_learner: Math.round(factsBytes / LEARNERS),
  };
}

/**
 * Makes `w`'s portal one of 10,000 learners in training: the people in the emulated portal, one course
 * with `program`, 100 groups of 100 learners started whole weeks ago (0 to 9), each learner's facts in
 * PortalTraining.learners. Every learner has exactly one lesson due today (1 minute a week puts one
 * lesson in a week). Returns the learners' user ids. bench/scale.ts builds its training portal with it.
 */
export async function addTrainingPortal(w: World, program: Program): Promise<number[]> {
  const today = new Date(w.emu.clock.now()).toISOString().slice(0, 10);
  const ids: number[] = [];
  for (let i = 0; i < LEARNERS; i++) ids.push(w.portal.addUser({ name: `Learner${i}`, lastName: 'Bench', workPosition: 'Driver' }).id);
  const since = new Date(w.emu.clock.now() - 60_000).toISOString();
  await w.rt.store.update(w.memberId, (d) => {
    const courseId = Math.max(0, ...d.courses.map((c) => c.id)) + 1;
    d.courses.push({ id: courseId, title: 'Bench program', url: 'https://example.com/bench', kind: 'course', prompts: [], hiddenFromExtranet: false, program, createdBy: w.demo.admin, createdAt: since });
    const firstId = Math.max(0, ...d.groups.map((g) => g.id)) + 1;
    for (let g = 0; g < GROUPS; g++) {
      const started = addDays(today, -7 * (g % 10));
      const members = ids.slice(g * (LEARNERS / GROUPS), (g + 1) * (LEARNERS / GROUPS));
      const group: StudyGroup = {
        id: firstId + g, name: `Bench ${g}`, description: '', workgroupId: 0, linked: false, ownerId: w.demo.admin,
        privacy: 'open', accessFrom: null, accessTo: null, archived: false,
        members: members.map((userId) => ({ userId, status: 'member', since, addedBy: w.demo.admin })),
        courseIds: [courseId], chatDialogIds: [], createdBy: w.demo.admin, createdAt: since,
        training: { courseId, minutesPerWeek: 1, passPercent: 80, level: LEVELS[g % 3]!, run: { started, pauses: [], stopped: null } },
      };
      d.groups.push(group);
      d.training ??= { learners: {}, rules: [] };
      for (const userId of members) d.training.learners[String(userId)] = { userId, groupId: group.id, since: started, completed: {}, pauses: [], stopped: null };
    }
  });
  return ids;
}

/**
 * One day's reminders: 100 training groups of 100 learners each, every learner with exactly one lesson
 * due today (an intensity below every lesson's minutes puts one lesson in a week; the groups started
 * whole weeks ago), sent by the scheduler's tick with the installation's tokens. The portal and the
 * bot both keep the standard limit (50 burst, 2 a second), so the figure is what a real portal sees.
 */
async function remindersOfOneDay(): Promise<Record<string, number>> {
  const program = JSON.parse(await readFile(join(import.meta.dirname, '..', 'data', 'programs', 'infosec-awareness.json'), 'utf8')) as Program;
  const w = await startWorld({ mode: 'webhook', rateLimit: DEFAULT_RATE_LIMIT, botRateLimit: DEFAULT_RATE_LIMIT });
  try {
    await addTrainingPortal(w, program);
    w.portal.bucket.reset();
    const made: RequestLogEntry[] = [];
    const record = w.portal.recordRequest.bind(w.portal);
    w.portal.recordRequest = (e) => {
      made.push(e);
      record(e);
    };
    const t0 = performance.now();
    const report = await w.rt.scheduler.tick(w.memberId);
    const ms = performance.now() - t0;
    const outer = made.filter((r) => r.via !== 'batch-inner');
    const sends = made.filter((r) => r.via === 'batch-inner' && r.method === 'imbot.v2.Chat.Message.send' && !r.error).length;
    const refused = made.filter((r) => r.error === 'QUERY_LIMIT_EXCEEDED').length;
    const byMethod: Record<string, number> = {};
    for (const r of outer) byMethod[r.method] = (byMethod[r.method] ?? 0) + 1;
    const again = await w.rt.scheduler.tick(w.memberId);
    const dir = join(w.dataDir, 'portals');
    let storeBytes = 0;
    for (const f of await readdir(dir)) storeBytes += (await stat(join(dir, f))).size;
    console.log(`reminded ${report.messages} lessons in ${round(ms / 1000)} s; outer requests by method`, byMethod, `; a second tick sent ${again.messages}`);
    return {
      reminders_sent: sends,
      reminder_rest_requests: outer.length,
      reminder_batch_minimum: Math.ceil(sends / 50),
      reminder_query_limit_exceeded_at_portal: refused,
      reminder_failures_reported: report.failures,
      reminder_elapsed_s: round(ms / 1000),
      reminder_second_tick_sent: again.messages,
      store_file_kb: round(storeBytes / 1024),
    };
  } finally {
    await w.close();
  }
}
