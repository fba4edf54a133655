// Table tests for the export rows: per learner from the schedule and attempts, per attempt in portal time; cells safe from formulas.
import { describe, expect, it } from 'vitest';
import type { Attempt } from '../../src/domain/quiz/model.js';
import { exportRows, localTime, safeCell } from '../../src/domain/training/export-rows.js';
import type { LearnerFacts, Program } from '../../src/domain/training/model.js';
import { learnerSchedule } from '../../src/domain/training/plan.js';

const program: Program = {
  title: { en: 'P' },
  topics: [{ id: 't', title: { en: 'T' }, lessons: ['a', 'b', 'c'].map((id) => ({ id, title: { en: id }, url: `https://x/${id}`, minutes: 30, level: 'beginner' as const })) }],
};
const run = { started: '2026-01-05', pauses: [], stopped: null };
const facts = (userId: number, completed: Record<string, string> = {}): LearnerFacts => ({ userId, groupId: 1, since: '2026-01-05', completed, pauses: [], stopped: null });
const schedule = (f: LearnerFacts) => learnerSchedule(program, { minutesPerWeek: 30, level: 'beginner' }, run, f, '2026-01-20');
const attempt = (over: Partial<Attempt> & { id: string; userId: number }): Attempt => ({
  test: { courseId: 7 }, groupId: 1, seed: 1, answers: [], messageId: null,
  startedAt: '2026-01-10T09:00:00Z', finishedAt: '2026-01-10T09:05:00Z', percent: 50, threshold: 80, passed: false, ...over,
});

describe('exportRows', () => {
  const anna = facts(1, { a: '2026-01-06', b: '2026-01-08' });
  const ben = facts(2);
  const rows = exportRows({
    learners: [{ facts: anna, schedule: schedule(anna), name: 'Anna' }, { facts: ben, schedule: schedule(ben), name: '=HYPERLINK("x")' }],
    attempts: [
      attempt({ id: 'a2', userId: 1, startedAt: '2026-01-16T21:30:00Z', finishedAt: '2026-01-16T21:40:00Z', percent: 90, passed: true }),
      attempt({ id: 'a1', userId: 1 }),
      attempt({ id: 'b1', userId: 2, finishedAt: null, percent: null, passed: null }),
      attempt({ id: 'x1', userId: 3, percent: 100, passed: true }),
      attempt({ id: 'o1', userId: 2, groupId: 9, test: { courseId: 8 }, percent: 100, passed: true }),
    ],
    belongs: (a) => a.groupId === 1,
    testTitle: (t) => `Test ${t.courseId}`,
    utcOffset: 180,
  });

  it('one row per learner: status, done/total, behind, the latest activity day (portal time) and the best finished score', () => {
    expect(rows.learners).toEqual([
      // Anna's last attempt ended 21:40 UTC = 00:40 next day at +03:00.
      { userId: 1, name: 'Anna', status: 'on_track', done: 2, total: 3, behind: 0, lastActivity: '2026-01-17', bestScore: 90 },
      // Ben's unfinished attempt is activity but no score; another group's attempt is not his here.
      { userId: 2, name: '=HYPERLINK("x")', status: 'behind', done: 0, total: 3, behind: 2, lastActivity: '2026-01-10', bestScore: null },
    ]);
  });

  it('attempts of these learners in this group only, oldest first, times in portal time', () => {
    expect(rows.attempts).toEqual([
      { userId: 1, learner: 'Anna', test: 'Test 7', started: '2026-01-10 12:00', finished: '2026-01-10 12:05', score: 50, passed: false },
      { userId: 2, learner: '=HYPERLINK("x")', test: 'Test 7', started: '2026-01-10 12:00', finished: null, score: null, passed: null },
      { userId: 1, learner: 'Anna', test: 'Test 7', started: '2026-01-17 00:30', finished: '2026-01-17 00:40', score: 90, passed: true },
    ]);
  });
});

describe('safeCell', () => {
  it.each([
    ['=1+2', "'=1+2"],
    ['+7 999', "'+7 999"],
    ['-5', "'-5"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\t=x', "'\t=x"],
    ['Anna', 'Anna'],
    ['Анна = лучшая', 'Анна = лучшая'],
    ['', ''],
  ])('%j → %j', (input, out) => {
    expect(safeCell(input)).toBe(out);
  });
});

describe('localTime', () => {
  it.each([
    ['2026-01-10T09:00:00Z', 180, '2026-01-10 12:00'],
    ['2026-01-10T23:30:00.000Z', 180, '2026-01-11 02:30'],
    ['2026-01-10T01:00:00Z', -300, '2026-01-09 20:00'],
    ['not a date', 0, ''],
  ])('%s at %i → %s', (iso, offset, out) => {
    expect(localTime(iso, offset)).toBe(out);
  });
});
