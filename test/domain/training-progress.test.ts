// Table tests for a group's progress: counts, completion, average score, "needs attention" against personal schedules, the chart's data.
import { describe, expect, it } from 'vitest';
import type { Attempt } from '../../src/domain/quiz/model.js';
import type { GroupRun, LearnerFacts, Lesson, Level, Program } from '../../src/domain/training/model.js';
import { factsAsOf, failedTests, groupProgress, learnerReport, progressChart, type GroupPlan } from '../../src/domain/training/progress.js';

const lesson = (id: string, level: Level, minutes: number, test = false): Lesson => ({
  id, title: { en: id, ru: `ру-${id}` }, url: `https://learn.example/${id}`, minutes, level, ...(test ? { test: true } : {}),
});
const program: Program = {
  title: { en: 'Sample' },
  topics: [
    { id: 'a', title: { en: 'Topic A', ru: 'Тема А' }, lessons: [lesson('a1', 'beginner', 30), lesson('a2', 'beginner', 30), lesson('aT', 'beginner', 10, true), lesson('a3', 'elementary', 40)] },
    { id: 'b', title: { en: 'Topic B' }, lessons: [lesson('b1', 'beginner', 60), lesson('b2', 'elementary', 20), lesson('bT', 'elementary', 10, true), lesson('b3', 'advanced', 120)] },
    { id: 'c', title: { en: 'Only advanced' }, lessons: [lesson('c1', 'advanced', 10)] },
  ],
};
// Elementary at 60 min a week: [a1 a2] [aT a3] [b1] [b2 bT]; seven lessons.
const run: GroupRun = { started: '2026-01-05', pauses: [], stopped: null };
const plan: GroupPlan = { program, settings: { minutesPerWeek: 60, level: 'elementary' }, run };
const TODAY = '2026-01-20';

const facts = (userId: number, over: Partial<LearnerFacts> = {}): LearnerFacts => ({
  userId, groupId: 1, since: '2026-01-01', completed: {}, pauses: [], stopped: null, ...over,
});
let n = 0;
const attempt = (userId: number, percent: number, passed: boolean, lessonId = 'aT', finished = true): Attempt => ({
  id: `a${++n}`, userId, test: { courseId: 7, lessonId }, groupId: 1, seed: 1, answers: [], messageId: null,
  startedAt: '2026-01-10T10:00:00Z', finishedAt: finished ? '2026-01-10T10:05:00Z' : null,
  percent: finished ? percent : null, threshold: 80, passed: finished ? passed : null,
});
const all = { a1: '2026-01-06', a2: '2026-01-06', aT: '2026-01-07', a3: '2026-01-08', b1: '2026-01-09', b2: '2026-01-10', bT: '2026-01-10' };

const behindOne = facts(1);                                                    // nothing done since the start
const lateJoiner = facts(2, { since: '2026-01-20' });                          // joined today
const paused = facts(3, { pauses: [{ from: '2026-01-08', to: null }] });
const finished = facts(4, { completed: all });
const failedTwice = facts(5, { since: '2026-01-19' });
const failedThenPassed = facts(6, { since: '2026-01-19' });
const stopped = facts(7, { stopped: '2026-01-15' });
const notYet = facts(8, { since: '2026-01-25' });
const learners = [behindOne, lateJoiner, paused, finished, failedTwice, failedThenPassed, stopped, notYet];
const attempts = [
  attempt(5, 40, false), attempt(5, 60, false),
  attempt(6, 50, false), attempt(6, 55, false), attempt(6, 90, true),
  attempt(4, 100, true), attempt(4, 70, false, 'bT'), attempt(4, 85, true, 'bT'),
  attempt(1, 0, false, 'aT', false),                                           // unfinished: not scored
  attempt(99, 10, false), attempt(99, 10, false),                               // not in this group
];

describe('groupProgress', () => {
  const p = groupProgress(plan, learners, attempts, TODAY);

  it('counts each learner in one status', () => {
    expect(p.learners).toBe(8);
    expect(p.counts).toEqual({ on_track: 3, behind: 1, done: 1, not_started: 1, paused: 1, stopped: 1 });
  });

  it('completion: lessons done over lessons planned, over every learner', () => {
    expect(p.completion).toBe(Math.round((100 * 7) / (8 * 7)));
  });

  it('average score: the best finished attempt per learner and test, unfinished ones and other groups left out', () => {
    // learner 5: aT 60; learner 6: aT 90; learner 4: aT 100, bT 85.
    expect(p.averageScore).toBe(Math.round((60 + 90 + 100 + 85) / 4));
  });

  it.each<[string, number, { behindLessons: number; behindDays: number; failures: number[] } | null]>([
    ['behind since the first week: 4 lessons, 15 days', 1, { behindLessons: 4, behindDays: 15, failures: [] }],
    ['a late joiner is not behind on day one', 2, null],
    ['a paused learner is not chased', 3, null],
    ['done', 4, null],
    ['failed a test twice', 5, { behindLessons: 0, behindDays: 0, failures: [2] }],
    ['failed twice, then passed', 6, null],
    ['stopped', 7, null],
    ['not started', 8, null],
  ])('needs attention: %s', (_name, userId, expected) => {
    const a = p.attention.find((x) => x.userId === userId);
    if (expected === null) expect(a).toBeUndefined();
    else expect({ behindLessons: a?.behindLessons, behindDays: a?.behindDays, failures: a?.failed.map((f) => f.failures) }).toEqual(expected);
  });

  it('the most behind come first', () => {
    expect(p.attention.map((a) => a.userId)).toEqual([1, 5]);
  });

  it('no learners, no attempts: nothing to average', () => {
    expect(groupProgress(plan, [], [], TODAY)).toMatchObject({ learners: 0, completion: null, averageScore: null, attention: [] });
  });
});

describe('failedTests', () => {
  it.each<[string, Array<[number, boolean]>, number[]]>([
    ['once is not enough', [[10, false]], []],
    ['twice', [[10, false], [20, false]], [2]],
    ['three times', [[10, false], [20, false], [30, false]], [3]],
    ['passed in between, then failed twice again', [[10, false], [90, true], [10, false], [20, false]], [3]],
    ['failed twice, passed last', [[10, false], [20, false], [90, true]], []],
  ])('%s', (_name, tries, expected) => {
    const list = tries.map(([pc, ok]) => attempt(42, pc, ok));
    expect(failedTests(list, 42).map((f) => f.failures)).toEqual(expected);
  });
});

describe('learnerReport', () => {
  it('the schedule, lessons done and every attempt of the learner', () => {
    const r = learnerReport(plan, finished, attempts, TODAY);
    expect(r).toMatchObject({ done: 7, total: 7, failed: [] });
    expect(r.schedule.status).toBe('done');
    expect(r.attempts.map((a) => a.percent)).toEqual([100, 70, 85]);
  });
});

describe('progressChart', () => {
  const x = facts(10, { completed: { a1: '2026-01-06', a2: '2026-01-06' } });
  const late = facts(11, { since: '2026-01-15' });
  const labels = { done: 'Done', expected: 'Expected', behind: 'Behind', inTraining: 'In training', topics: 'Topics', weeks: 'Weeks' };
  const chart = progressChart(plan, [facts(1), x, late, stopped, notYet], TODAY, { title: 'Low risk', lang: 'en', labels });

  it('per topic up to the level: done against what the personal schedules made due', () => {
    // Topic A (4 lessons): done 2 of 12; due 4 + 4 + 2 (the late joiner's first week). Topic B (3): due 1 + 1 + 0 of 9.
    expect(chart.topics).toEqual([
      { label: 'Topic A', done: 17, expected: 83 },
      { label: 'Topic B', done: 0, expected: 22 },
    ]);
  });

  it('behind per week, the schedules evaluated at each week\'s first day with the facts of then', () => {
    expect(chart.behindByWeek).toEqual([
      // The learner stopped on 01-15 was still training (and behind) before then; the late joiner counts from 01-19.
      { week: '2026-01-05', behind: 0, inTraining: 3 },
      { week: '2026-01-12', behind: 2, inTraining: 3 },
      { week: '2026-01-19', behind: 2, inTraining: 3 },
    ]);
  });

  it('labels in the language asked; no start, no weeks', () => {
    const ru = progressChart({ ...plan, run: { started: null, pauses: [], stopped: null } }, [x], TODAY, { title: 't', lang: 'ru', labels });
    expect(ru.topics.map((t) => t.label)).toEqual(['Тема А', 'Topic B']);
    expect(ru.behindByWeek).toEqual([]);
    expect(ru.labels).toBe(labels);
  });
});

describe('factsAsOf', () => {
  it.each<[string, Partial<LearnerFacts>, Partial<LearnerFacts>]>([
    ['later completions had not happened', { completed: { a: '2026-01-05', b: '2026-01-12' } }, { completed: { a: '2026-01-05' } }],
    ['a later stop had not happened', { stopped: '2026-01-12' }, { stopped: null }],
    ['a pause ended later was still on', { pauses: [{ from: '2026-01-08', to: '2026-01-14' }] }, { pauses: [{ from: '2026-01-08', to: null }] }],
    ['a later pause had not begun', { pauses: [{ from: '2026-01-11', to: null }] }, { pauses: [] }],
  ])('%s', (_name, over, expected) => {
    expect(factsAsOf(facts(1, over), '2026-01-10')).toMatchObject(expected);
  });
});
