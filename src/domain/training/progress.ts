// A group's progress for moderators (issue 12 items 4 and 7), computed from the learners' facts, the program and the attempts; pure.
import type { Day } from '../model.js';
import { addDays, compareDays } from '../dates.js';
import type { Attempt, TestRef } from '../quiz/model.js';
import type { GroupRun, LearnerFacts, Localized, PlanSettings, Program } from './model.js';
import { learnerSchedule, overdueFrom, programLessons, type LearnerSchedule, type LearnerStatus } from './plan.js';
import type { ProgressChart } from './progress-chart.js';

export interface GroupPlan {
  program: Program;
  settings: PlanSettings;
  run: GroupRun;
}

/** A failed test that needs a moderator's eye: failed `failures` times and not passed since. */
export interface FailedTest {
  test: TestRef;
  failures: number;
}

export interface Attention {
  userId: number;
  status: LearnerStatus;
  /** Lessons overdue against the learner's personal schedule. */
  behindLessons: number;
  /** Days since the oldest overdue lesson fell due (0 when not behind). */
  behindDays: number;
  failed: FailedTest[];
}

export interface GroupProgress {
  learners: number;
  counts: Record<LearnerStatus, number>;
  /** Lessons done over lessons in the plans, summed over every learner of the group, 0..100 (null: no lessons). */
  completion: number | null;
  /** Mean of each learner's BEST finished attempt per test, 0..100 rounded (null: no finished attempt). */
  averageScore: number | null;
  /** Behind (most lessons first) or failed a test twice or more and not passed it since; stopped learners are left out. */
  attention: Attention[];
}

export const STATUSES: readonly LearnerStatus[] = ['on_track', 'behind', 'done', 'not_started', 'paused', 'stopped'];

const testKey = (t: TestRef): string => `${t.courseId}:${t.lessonId ?? ''}`;

function daysBetween(a: Day, b: Day): number {
  const ms = (d: Day): number => Date.UTC(Number(d.slice(0, 4)), Number(d.slice(5, 7)) - 1, Number(d.slice(8, 10)));
  return Math.round((ms(b) - ms(a)) / 86_400_000);
}

function finishedOf(attempts: readonly Attempt[], userId: number): Attempt[] {
  return attempts.filter((a) => a.userId === userId && a.finishedAt !== null && a.percent !== null);
}

/** Tests failed twice or more with no pass after the last failure (attempts are stored oldest first). */
export function failedTests(attempts: readonly Attempt[], userId: number): FailedTest[] {
  const by = new Map<string, { test: TestRef; failures: number; passedSince: boolean }>();
  for (const a of finishedOf(attempts, userId)) {
    const key = testKey(a.test);
    const e = by.get(key) ?? { test: a.test, failures: 0, passedSince: false };
    if (a.passed === true) e.passedSince = true;
    else {
      e.failures++;
      e.passedSince = false;
    }
    by.set(key, e);
  }
  return [...by.values()].filter((e) => e.failures >= 2 && !e.passedSince).map(({ test, failures }) => ({ test, failures }));
}

/** Best finished score per learner and test. */
function bestScores(attempts: readonly Attempt[], userIds: ReadonlySet<number>): number[] {
  const best = new Map<string, number>();
  for (const a of attempts) {
    if (!userIds.has(a.userId) || a.finishedAt === null || a.percent === null) continue;
    const key = `${a.userId}/${testKey(a.test)}`;
    best.set(key, Math.max(best.get(key) ?? 0, a.percent));
  }
  return [...best.values()];
}

function scheduleOf(plan: GroupPlan, facts: LearnerFacts, today: Day): LearnerSchedule {
  return learnerSchedule(plan.program, plan.settings, plan.run, facts, today);
}

function behindDays(s: LearnerSchedule, today: Day): number {
  const oldest = s.items.filter((i) => i.overdue && i.due !== null).map((i) => i.due!).sort(compareDays)[0];
  return oldest === undefined ? 0 : Math.max(0, daysBetween(oldest, today));
}

/** The group's progress on `today` (the portal's calendar day). */
export function groupProgress(plan: GroupPlan, learners: readonly LearnerFacts[], attempts: readonly Attempt[], today: Day): GroupProgress {
  const counts = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<LearnerStatus, number>;
  let done = 0;
  let total = 0;
  const attention: Attention[] = [];
  for (const facts of learners) {
    const s = scheduleOf(plan, facts, today);
    counts[s.status]++;
    done += s.items.filter((i) => i.done).length;
    total += s.items.length;
    if (s.status === 'stopped') continue;
    const failed = failedTests(attempts, facts.userId);
    const behind = s.status === 'behind' ? s.behind : 0;
    if (behind > 0 || failed.length > 0) {
      attention.push({ userId: facts.userId, status: s.status, behindLessons: behind, behindDays: behind > 0 ? behindDays(s, today) : 0, failed });
    }
  }
  attention.sort((a, b) => b.behindLessons - a.behindLessons || b.behindDays - a.behindDays || b.failed.length - a.failed.length || a.userId - b.userId);
  const scores = bestScores(attempts, new Set(learners.map((l) => l.userId)));
  return {
    learners: learners.length,
    counts,
    completion: total === 0 ? null : Math.round((100 * done) / total),
    averageScore: scores.length === 0 ? null : Math.round(scores.reduce((x, y) => x + y, 0) / scores.length),
    attention,
  };
}

export interface LearnerReport {
  schedule: LearnerSchedule;
  done: number;
  total: number;
  /** The learner's attempts (any group: they are kept across moves), oldest first. */
  attempts: Attempt[];
  failed: FailedTest[];
}

export function learnerReport(plan: GroupPlan, facts: LearnerFacts, attempts: readonly Attempt[], today: Day): LearnerReport {
  const schedule = scheduleOf(plan, facts, today);
  return {
    schedule,
    done: schedule.items.filter((i) => i.done).length,
    total: schedule.items.length,
    attempts: attempts.filter((a) => a.userId === facts.userId),
    failed: failedTests(attempts, facts.userId),
  };
}

/** The facts as they stood at the end of `day`: later completions, pauses and stops had not happened. */
export function factsAsOf(facts: LearnerFacts, day: Day): LearnerFacts {
  return {
    ...facts,
    completed: Object.fromEntries(Object.entries(facts.completed).filter(([, d]) => compareDays(d, day) <= 0)),
    pauses: trimPauses(facts.pauses, day),
    stopped: facts.stopped !== null && compareDays(facts.stopped, day) <= 0 ? facts.stopped : null,
  };
}

function trimPauses(pauses: GroupRun['pauses'], day: Day): GroupRun['pauses'] {
  return pauses
    .filter((p) => compareDays(p.from, day) <= 0)
    .map((p) => ({ from: p.from, to: p.to !== null && compareDays(p.to, day) <= 0 ? p.to : null }));
}

export function runAsOf(run: GroupRun, day: Day): GroupRun {
  return {
    started: run.started !== null && compareDays(run.started, day) <= 0 ? run.started : null,
    pauses: trimPauses(run.pauses, day),
    stopped: run.stopped !== null && compareDays(run.stopped, day) <= 0 ? run.stopped : null,
  };
}

/** At most this many weekly points: a year. */
export const CHART_WEEKS = 52;

const pick = (text: Localized, lang: 'en' | 'ru'): string => (lang === 'ru' && text.ru ? text.ru : text.en);

/**
 * The chart's data. Learners "in training" are the ones started and not stopped (on track, behind,
 * paused, done). Per topic: done% is their lessons of the topic done; expected% is the lessons their
 * personal schedules have made due by today (a lesson done before the learner's start counts as
 * both). Behind per week: the schedules evaluated at each week's first day since the group's start,
 * with the facts as they stood then (the last CHART_WEEKS weeks).
 */
export function progressChart(
  plan: GroupPlan,
  learners: readonly LearnerFacts[],
  today: Day,
  text: { title: string; lang: 'en' | 'ru'; labels: ProgressChart['labels'] },
): ProgressChart {
  const lessons = programLessons(plan.program, plan.settings.level);
  const topics = plan.program.topics
    .map((t) => ({ topic: t, ids: new Set(lessons.filter((l) => t.lessons.includes(l)).map((l) => l.id)) }))
    .filter((t) => t.ids.size > 0);
  const sums = topics.map(() => ({ done: 0, expected: 0, of: 0 }));
  for (const facts of learners) {
    const s = scheduleOf(plan, facts, today);
    if (s.status === 'not_started' || s.status === 'stopped') continue;
    const due = dueBy(plan, facts, s, today);
    topics.forEach((t, n) => {
      const sum = sums[n]!;
      for (const item of s.items) {
        if (!t.ids.has(item.lesson.id)) continue;
        sum.of++;
        if (item.done) sum.done++;
        if (due.has(item.lesson.id)) sum.expected++;
      }
    });
  }
  const pct = (x: number, of: number): number => (of === 0 ? 0 : Math.round((100 * x) / of));
  const behindByWeek: ProgressChart['behindByWeek'] = [];
  if (plan.run.started !== null) {
    const weeks: Day[] = [];
    for (let d = plan.run.started; compareDays(d, today) <= 0; d = addDays(d, 7)) weeks.push(d);
    const past = learners.map((facts) => pastOf(plan, facts, lessons.map((l) => l.id), today));
    for (const week of weeks.slice(-CHART_WEEKS)) {
      let behind = 0;
      let inTraining = 0;
      for (const p of past) {
        const status = p.statusOn(week);
        if (status === 'not_started' || status === 'stopped') continue;
        inTraining++;
        if (status === 'behind') behind++;
      }
      behindByWeek.push({ week, behind, inTraining });
    }
  }
  return {
    title: text.title,
    topics: topics.map((t, n) => ({ label: pick(t.topic.title, text.lang), done: pct(sums[n]!.done, sums[n]!.of), expected: pct(sums[n]!.expected, sums[n]!.of) })),
    behindByWeek,
    labels: text.labels,
  };
}

/**
 * The lessons the learner's plan has made due by `today`. Done items keep no due day, so the plan is
 * asked again without the completions since the start: it keeps its weeks (plan.ts), and each
 * lesson has its due day. A lesson done before the learner's start is out of the plan: counted due.
 */
function dueBy(plan: GroupPlan, facts: LearnerFacts, s: LearnerSchedule, today: Day): Set<string> {
  const out = new Set<string>();
  const start = s.start;
  const isDue = (due: Day | null): boolean => due !== null && compareDays(due, today) <= 0;
  const sinceStart = (d: Day): boolean => start !== null && compareDays(d, start) >= 0;
  const doneSince = s.items.some((i) => i.done && i.doneOn !== null && sinceStart(i.doneOn));
  const items = doneSince
    ? scheduleOf(plan, { ...facts, completed: Object.fromEntries(Object.entries(facts.completed).filter(([, d]) => !sinceStart(d))) }, today).items
    : s.items;
  for (const i of items) if (i.done || isDue(i.due)) out.add(i.lesson.id);
  return out;
}

const on = (d: Day | null | undefined, day: Day): boolean => d !== null && d !== undefined && compareDays(d, day) <= 0;

/**
 * A learner's status on a past day, as `learnerSchedule(plan as of day, factsAsOf(facts, day), day)`
 * would say, computed from one packing of the plan instead of one a day (a year of weekly points for
 * 10,000 learners would otherwise plan 520,000 schedules). Same order of rules as plan.ts: done,
 * stopped, not started, paused, behind. A pause that began after the day moves no deadline before it,
 * and one under way that day makes the learner paused, so today's pauses give the past deadlines.
 */
function pastOf(plan: GroupPlan, facts: LearnerFacts, lessonIds: readonly string[], today: Day): { statusOn(day: Day): LearnerStatus } {
  const deadlines = [...overdueFrom(plan.program, plan.settings, plan.run, facts, today)];
  const start = plan.run.started === null ? null : compareDays(plan.run.started, facts.since) >= 0 ? plan.run.started : facts.since;
  const pauses = [...plan.run.pauses, ...facts.pauses];
  return {
    statusOn(day: Day): LearnerStatus {
      if (lessonIds.length > 0 && lessonIds.every((id) => on(facts.completed[id], day))) return 'done';
      if (on(plan.run.stopped, day) || on(facts.stopped, day)) return 'stopped';
      if (plan.run.started === null || !on(plan.run.started, day) || start === null || !on(start, day)) return 'not_started';
      if (pauses.some((p) => on(p.from, day) && (p.to === null || compareDays(day, p.to) < 0) && compareDays(day, start) >= 0)) return 'paused';
      return deadlines.some(([id, due]) => on(due, day) && !on(facts.completed[id], day)) ? 'behind' : 'on_track';
    },
  };
}
