// The chart's behind-per-week series is computed from one packing per learner; it must say what evaluating
// every learner's schedule on every past week (the facts as they stood then) says, for any facts.
import { describe, expect, it } from 'vitest';
import { addDays, compareDays } from '../../src/domain/dates.js';
import type { Day } from '../../src/domain/model.js';
import type { GroupRun, LearnerFacts, Lesson, Level, Program } from '../../src/domain/training/model.js';
import { learnerSchedule, programLessons } from '../../src/domain/training/plan.js';
import { CHART_WEEKS, factsAsOf, progressChart, runAsOf, type GroupPlan } from '../../src/domain/training/progress.js';

const LEVELS: Level[] = ['beginner', 'elementary', 'intermediate'];
const lessons = (topic: string): Lesson[] =>
  Array.from({ length: 6 }, (_, i) => ({ id: `${topic}${i}`, title: { en: `${topic}${i}` }, url: 'https://learn.example/x', minutes: 15 + ((i * 7) % 40), level: LEVELS[i % 3]! }));
const program: Program = { title: { en: 'P' }, topics: ['a', 'b', 'c'].map((id) => ({ id, title: { en: id }, lessons: lessons(id) })) };

/** A small seeded generator, so a failure names a case that can be replayed. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x / 0x1_0000_0000; };
}

const START: Day = '2026-01-05';
const TODAY: Day = '2026-05-04';

function randomCase(seed: number): { plan: GroupPlan; learners: LearnerFacts[] } {
  const r = rng(seed);
  const int = (n: number): number => Math.floor(r() * n);
  const day = (from: Day, span: number): Day => addDays(from, int(span));
  const pause = (from: Day): { from: Day; to: Day | null } => {
    const f = day(from, 100);
    return { from: f, to: r() < 0.3 ? null : addDays(f, 1 + int(20)) };
  };
  const run: GroupRun = { started: START, pauses: r() < 0.3 ? [pause(START)] : [], stopped: r() < 0.15 ? day(START, 120) : null };
  const plan: GroupPlan = { program, settings: { minutesPerWeek: 30 + int(90), level: LEVELS[int(3)]! }, run };
  const ids = programLessons(program, plan.settings.level).map((l) => l.id);
  const learners = Array.from({ length: 25 }, (_, k): LearnerFacts => {
    const since = day('2025-12-20', 110);
    const completed: Record<string, Day> = {};
    for (const id of ids) if (r() < 0.6) completed[id] = day('2025-12-25', 130);
    return {
      userId: k + 1, groupId: 1, since, completed,
      pauses: r() < 0.3 ? [pause(since)] : [],
      stopped: r() < 0.1 ? day(since, 120) : null,
    };
  });
  return { plan, learners };
}

/** The definition: each week's schedules from the facts as they stood that day. */
function slowSeries(plan: GroupPlan, learners: readonly LearnerFacts[], today: Day): Array<{ week: Day; behind: number; inTraining: number }> {
  const out: Array<{ week: Day; behind: number; inTraining: number }> = [];
  const weeks: Day[] = [];
  for (let d = plan.run.started!; compareDays(d, today) <= 0; d = addDays(d, 7)) weeks.push(d);
  for (const week of weeks.slice(-CHART_WEEKS)) {
    let behind = 0;
    let inTraining = 0;
    for (const f of learners) {
      const s = learnerSchedule(plan.program, plan.settings, runAsOf(plan.run, week), factsAsOf(f, week), week);
      if (s.status === 'not_started' || s.status === 'stopped') continue;
      inTraining++;
      if (s.status === 'behind') behind++;
    }
    out.push({ week, behind, inTraining });
  }
  return out;
}

const text = { title: 't', lang: 'en' as const, labels: { done: 'd', expected: 'e', behind: 'b', inTraining: 'i', topics: 't', weeks: 'w' } };

describe('progressChart: behind per week', () => {
  it.each(Array.from({ length: 60 }, (_, i) => i + 1))('matches the schedules evaluated week by week (case %i)', (seed) => {
    const { plan, learners } = randomCase(seed);
    const series = progressChart(plan, learners, TODAY, text).behindByWeek;
    expect(series).toEqual(slowSeries(plan, learners, TODAY));
  });

  it('the random cases do reach every status (the comparison is not vacuous)', () => {
    const seen = new Set<string>();
    for (let seed = 1; seed <= 60; seed++) {
      const { plan, learners } = randomCase(seed);
      for (const f of learners) for (let d = START; compareDays(d, TODAY) <= 0; d = addDays(d, 7)) {
        seen.add(learnerSchedule(plan.program, plan.settings, runAsOf(plan.run, d), factsAsOf(f, d), d).status);
      }
    }
    expect([...seen].sort()).toEqual(['behind', 'done', 'not_started', 'on_track', 'paused', 'stopped']);
  });
});
