// The rows of a group's progress export (issue 12 item 6): one per learner, one per test attempt. Pure: the files are made in src/report.
import { compareDays } from '../dates.js';
import type { Day } from '../model.js';
import type { Attempt, TestRef } from '../quiz/model.js';
import type { LearnerFacts } from './model.js';
import type { LearnerSchedule, LearnerStatus } from './plan.js';

export interface LearnerRow {
  userId: number;
  name: string;
  status: LearnerStatus;
  done: number;
  total: number;
  behind: number;
  /** The portal day of the learner's latest lesson done or test attempt; null: none yet. */
  lastActivity: Day | null;
  /** The best finished attempt's percent among the rows' attempts; null: none finished. */
  bestScore: number | null;
}

export interface AttemptRow {
  userId: number;
  learner: string;
  test: string;
  /** Portal local time, `YYYY-MM-DD HH:MM`. */
  started: string;
  finished: string | null;
  score: number | null;
  passed: boolean | null;
}

export interface ExportInput {
  learners: ReadonlyArray<{ facts: LearnerFacts; schedule: LearnerSchedule; name: string }>;
  /** Every stored attempt; the ones of these learners at this group's tests are taken. */
  attempts: readonly Attempt[];
  /** Whether an attempt belongs to this group's export (taken in the group, or of its course). */
  belongs: (attempt: Attempt) => boolean;
  testTitle: (test: TestRef) => string;
  /** The portal's offset from UTC in minutes. */
  utcOffset: number;
}

/** An ISO timestamp as the portal's local `YYYY-MM-DD HH:MM`. */
export function localTime(iso: string, utcOffset: number): string {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return '';
  return new Date(ms + utcOffset * 60_000).toISOString().slice(0, 16).replace('T', ' ');
}

const laterDay = (a: Day | null, b: Day | null): Day | null => (a === null ? b : b === null ? a : compareDays(a, b) >= 0 ? a : b);

export function exportRows(input: ExportInput): { learners: LearnerRow[]; attempts: AttemptRow[] } {
  const ids = new Set(input.learners.map((l) => l.facts.userId));
  const names = new Map(input.learners.map((l) => [l.facts.userId, l.name]));
  const attempts = input.attempts.filter((a) => ids.has(a.userId) && input.belongs(a)).sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.id.localeCompare(b.id));
  const byUser = new Map<number, Attempt[]>();
  for (const a of attempts) byUser.set(a.userId, [...(byUser.get(a.userId) ?? []), a]);
  const learners = input.learners.map(({ facts, schedule, name }): LearnerRow => {
    const mine = byUser.get(facts.userId) ?? [];
    const scores = mine.filter((a) => a.finishedAt !== null && a.percent !== null).map((a) => a.percent!);
    let last: Day | null = null;
    for (const day of Object.values(facts.completed)) last = laterDay(last, day);
    for (const a of mine) last = laterDay(last, localTime(a.finishedAt ?? a.startedAt, input.utcOffset).slice(0, 10) as Day);
    return {
      userId: facts.userId,
      name,
      status: schedule.status,
      done: schedule.items.filter((i) => i.done).length,
      total: schedule.items.length,
      behind: schedule.behind,
      lastActivity: last,
      bestScore: scores.length === 0 ? null : Math.max(...scores),
    };
  });
  return {
    learners,
    attempts: attempts.map((a) => ({
      userId: a.userId,
      learner: names.get(a.userId) ?? `#${a.userId}`,
      test: input.testTitle(a.test),
      started: localTime(a.startedAt, input.utcOffset),
      finished: a.finishedAt === null ? null : localTime(a.finishedAt, input.utcOffset),
      score: a.percent,
      passed: a.passed,
    })),
  };
}

/**
 * A text cell that a spreadsheet will not run as a formula (CSV/formula injection): text starting
 * with = + - @ (or a tab or carriage return, which some programs skip before one) gets a leading '.
 */
export function safeCell(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}
