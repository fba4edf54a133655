// Benchmark (issue 10): schedules of 10,000 learners in 100 groups, computed from facts alone — time,
// memory, and what the facts cost to store. Run: npm run bench -- training
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { addDays } from '../src/domain/dates.js';
import { LEVELS, type GroupRun, type LearnerFacts, type PlanSettings, type Program } from '../src/domain/training/model.js';
import { learnerSchedule, programLessons } from '../src/domain/training/plan.js';
import { mulberry32, round } from './_util.js';

const GROUPS = 100;
const LEARNERS = 10_000;
const TODAY = '2026-12-07';

export async function run(): Promise<Record<string, number | string>> {
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
