// Table tests for the progress chart's data: done and expected per topic from the personal schedules, learners behind per week.
import { describe, expect, it } from 'vitest';
import { groupChartData, MAX_WEEKS, type ChartInput } from '../../src/domain/training/chart-data.js';
import type { LearnerFacts, Lesson, Level, Program } from '../../src/domain/training/model.js';

const lesson = (id: string, level: Level, minutes: number): Lesson => ({ id, title: { en: id }, url: `https://learn.example/${id}`, minutes, level });

// 60 minutes a week: week 0 = a1+a2, week 1 = b1, week 2 = b2 (c1 is above the group's level).
const program: Program = {
  title: { en: 'Sample' },
  topics: [
    { id: 'a', title: { en: 'Passwords', ru: 'Пароли' }, lessons: [lesson('a1', 'beginner', 30), lesson('a2', 'beginner', 30)] },
    { id: 'b', title: { en: 'Phishing' }, lessons: [lesson('b1', 'beginner', 60), lesson('b2', 'beginner', 60)] },
    { id: 'c', title: { en: 'Advanced only' }, lessons: [lesson('c1', 'advanced', 60)] },
  ],
};
const facts = (userId: number, completed: Record<string, string> = {}, since = '2026-01-05'): LearnerFacts => ({ userId, groupId: 1, since, completed, pauses: [], stopped: null });
const labels = { done: 'Done', expected: 'Expected', behind: 'Behind', inTraining: 'In training', topics: 'Topics', weeks: 'Weeks' };
const input = (over: Partial<ChartInput>): ChartInput => ({
  program,
  settings: { minutesPerWeek: 60, level: 'beginner' },
  run: { started: '2026-01-05', pauses: [], stopped: null },
  learners: [],
  today: '2026-01-05',
  lang: 'en',
  title: 'Group',
  labels,
  ...over,
});

describe('groupChartData: topics', () => {
  it.each<[string, Partial<ChartInput>, Array<{ label: string; done: number; expected: number }>]>([
    ['day one, nothing done: week 0 lessons are due today', { learners: [facts(1)] }, [
      { label: 'Passwords', done: 0, expected: 100 },
      { label: 'Phishing', done: 0, expected: 0 },
    ]],
    ['a week on, one of two learners did topic A', { today: '2026-01-12', learners: [facts(1, { a1: '2026-01-06', a2: '2026-01-07' }), facts(2)] }, [
      { label: 'Passwords', done: 50, expected: 100 },
      { label: 'Phishing', done: 0, expected: 50 },
    ]],
    ['done ahead of the plan: done above expected', { learners: [facts(1, { a1: '2026-01-05', a2: '2026-01-05', b1: '2026-01-05' })] }, [
      { label: 'Passwords', done: 100, expected: 100 },
      { label: 'Phishing', done: 50, expected: 0 },
    ]],
    ['a late joiner is expected only what their own plan has made due', { today: '2026-01-19', learners: [facts(1, {}, '2026-01-19')] }, [
      { label: 'Passwords', done: 0, expected: 100 },
      { label: 'Phishing', done: 0, expected: 0 },
    ]],
    ['the group has not started: no one counted, zeros', { run: { started: null, pauses: [], stopped: null }, learners: [facts(1)] }, [
      { label: 'Passwords', done: 0, expected: 0 },
      { label: 'Phishing', done: 0, expected: 0 },
    ]],
  ])('%s', (_name, over, topics) => {
    expect(groupChartData(input(over)).topics).toEqual(topics);
  });

  it('topic titles in Russian where the program has them, and only topics up to the level', () => {
    const ru = groupChartData(input({ lang: 'ru', learners: [facts(1)] }));
    expect(ru.topics.map((t) => t.label)).toEqual(['Пароли', 'Phishing']);
    const all = groupChartData(input({ settings: { minutesPerWeek: 60, level: 'advanced' }, learners: [facts(1)] }));
    expect(all.topics.map((t) => t.label)).toEqual(['Passwords', 'Phishing', 'Advanced only']);
  });

  it('an empty program: no topics; the title and labels are passed through', () => {
    const out = groupChartData(input({ program: { title: { en: 'x' }, topics: [] }, learners: [facts(1)] }));
    expect(out).toMatchObject({ title: 'Group', topics: [], labels });
  });
});

describe('groupChartData: behind per week', () => {
  it('one point a week since the start, each week as it stood at its end (later completions not yet counted)', () => {
    // Learner 1 catches up on 2026-01-20 with everything; learner 2 never does anything.
    const out = groupChartData(input({
      today: '2026-01-21',
      learners: [facts(1, { a1: '2026-01-20', a2: '2026-01-20', b1: '2026-01-20', b2: '2026-01-20' }), facts(2)],
    }));
    expect(out.behindByWeek).toEqual([
      { week: '2026-01-05', behind: 0, inTraining: 2 },
      { week: '2026-01-12', behind: 2, inTraining: 2 },
      // Learner 1 is done by the week's end (today): out of training; learner 2 is behind.
      { week: '2026-01-19', behind: 1, inTraining: 1 },
    ]);
  });

  it('not started yet, or starting in the future: no weeks', () => {
    expect(groupChartData(input({ run: { started: null, pauses: [], stopped: null }, learners: [facts(1)] })).behindByWeek).toEqual([]);
    expect(groupChartData(input({ run: { started: '2026-02-01', pauses: [], stopped: null }, learners: [facts(1)] })).behindByWeek).toEqual([]);
  });

  it(`a long run keeps the newest ${MAX_WEEKS} weeks`, () => {
    const out = groupChartData(input({ today: '2027-01-04', learners: [facts(1)] }));
    expect(out.behindByWeek).toHaveLength(MAX_WEEKS);
    expect(out.behindByWeek.at(-1)?.week).toBe('2027-01-04');
  });
});
