// Table tests for training plans: program cut-off by level, weekly packing, and learner schedules from facts.
import { describe, expect, it } from 'vitest';
import { todayAtOffset } from '../../src/domain/dates.js';
import type { GroupRun, LearnerFacts, Lesson, Level, PlanSettings, Program } from '../../src/domain/training/model.js';
import { learnerSchedule, planWeeks, programLessons } from '../../src/domain/training/plan.js';

const lesson = (id: string, level: Level, minutes: number, test = false): Lesson => ({
  id,
  title: { en: id },
  url: `https://learn.example/${id}`,
  minutes,
  level,
  ...(test ? { test: true } : {}),
});

const program: Program = {
  title: { en: 'Sample' },
  topics: [
    { id: 'a', title: { en: 'A' }, lessons: [lesson('a1', 'beginner', 30), lesson('a2', 'beginner', 30), lesson('aT', 'beginner', 10, true), lesson('a3', 'elementary', 40), lesson('a4', 'intermediate', 50)] },
    { id: 'b', title: { en: 'B' }, lessons: [lesson('b1', 'beginner', 60), lesson('b2', 'elementary', 20), lesson('bT', 'elementary', 10, true), lesson('b3', 'advanced', 120)] },
  ],
};
const ids = (lessons: readonly Lesson[]): string[] => lessons.map((l) => l.id);

describe('programLessons', () => {
  it.each<[Level, string[]]>([
    ['beginner', ['a1', 'a2', 'aT', 'b1']],
    ['elementary', ['a1', 'a2', 'aT', 'a3', 'b1', 'b2', 'bT']],
    ['intermediate', ['a1', 'a2', 'aT', 'a3', 'a4', 'b1', 'b2', 'bT']],
    ['advanced', ['a1', 'a2', 'aT', 'a3', 'a4', 'b1', 'b2', 'bT', 'b3']],
  ])('up to %s, topic by topic', (level, expected) => {
    expect(ids(programLessons(program, level))).toEqual(expected);
  });

  it('an empty program has no lessons', () => {
    expect(programLessons({ title: { en: 'Empty' }, topics: [] }, 'advanced')).toEqual([]);
  });
});

describe('planWeeks', () => {
  const all = programLessons(program, 'advanced');
  it.each<[string, Lesson[], number, string[][]]>([
    ['exactly full weeks', all.slice(0, 2), 60, [['a1', 'a2']]],
    ['a lesson that does not fit starts the next week', programLessons(program, 'beginner'), 60, [['a1', 'a2'], ['aT'], ['b1']]],
    ['a generous intensity: one week', programLessons(program, 'beginner'), 500, [['a1', 'a2', 'aT', 'b1']]],
    ['order kept, never reordered to fill gaps', [lesson('x', 'beginner', 50), lesson('y', 'beginner', 20), lesson('z', 'beginner', 10)], 60, [['x'], ['y', 'z']]],
    ['a lesson longer than a week gets a week of its own', [lesson('s', 'beginner', 10), lesson('long', 'advanced', 120), lesson('t', 'beginner', 10)], 45, [['s'], ['long'], ['t']]],
    ['only long lessons: one a week', [lesson('l1', 'beginner', 90), lesson('l2', 'beginner', 90)], 60, [['l1'], ['l2']]],
    ['empty program: no weeks', [], 60, []],
  ])('%s', (_name, lessons, perWeek, expected) => {
    const weeks = planWeeks(lessons, perWeek);
    expect(weeks.map(ids)).toEqual(expected);
    for (const week of weeks) {
      if (week.length > 1) expect(week.reduce((s, l) => s + l.minutes, 0)).toBeLessThanOrEqual(perWeek);
    }
  });

  it.each([0, -5, 1.5, Number.NaN])('intensity %s is a bug and throws', (perWeek) => {
    expect(() => planWeeks(all, perWeek)).toThrow(RangeError);
  });
});

const settings: PlanSettings = { minutesPerWeek: 60, level: 'beginner' };
const run = (o: Partial<GroupRun> = {}): GroupRun => ({ started: '2026-12-07', pauses: [], stopped: null, ...o });
const facts = (o: Partial<LearnerFacts> = {}): LearnerFacts => ({
  userId: 5, groupId: 1, since: '2026-12-01', completed: {}, pauses: [], stopped: null, ...o,
});
/** `id@due` for lessons to do, `id:done` for done ones. */
const plan = (s: ReturnType<typeof learnerSchedule>): string[] =>
  s.items.map((i) => (i.done ? `${i.lesson.id}:done` : `${i.lesson.id}@${i.due ?? '-'}`));

describe('learnerSchedule', () => {
  type Row = [string, PlanSettings, GroupRun, LearnerFacts, string, { plan: string[]; status: string; behind: number; next?: string; dueToday: string[] }];
  it.each<Row>([
    ['group not started: nothing due, no dates', settings, run({ started: null }), facts(), '2026-12-07',
      { plan: ['a1@-', 'a2@-', 'aT@-', 'b1@-'], status: 'not_started', behind: 0, next: 'a1', dueToday: [] }],
    ['start day: week 0 falls due', settings, run(), facts(), '2026-12-07',
      { plan: ['a1@2026-12-07', 'a2@2026-12-07', 'aT@2026-12-14', 'b1@2026-12-21'], status: 'on_track', behind: 0, next: 'a1', dueToday: ['a1', 'a2'] }],
    ['start in the future: not started, dates known', settings, run({ started: '2026-12-10' }), facts(), '2026-12-07',
      { plan: ['a1@2026-12-10', 'a2@2026-12-10', 'aT@2026-12-17', 'b1@2026-12-24'], status: 'not_started', behind: 0, next: 'a1', dueToday: [] }],
    ['within the week: on track, nothing new today', settings, run(), facts(), '2026-12-10',
      { plan: ['a1@2026-12-07', 'a2@2026-12-07', 'aT@2026-12-14', 'b1@2026-12-21'], status: 'on_track', behind: 0, next: 'a1', dueToday: [] }],
    ['a week later without doing week 0: behind by 2, week 1 due', settings, run(), facts(), '2026-12-14',
      { plan: ['a1@2026-12-07', 'a2@2026-12-07', 'aT@2026-12-14', 'b1@2026-12-21'], status: 'behind', behind: 2, next: 'a1', dueToday: ['aT'] }],
    ['week 0 done: on track', settings, run(), facts({ completed: { a1: '2026-12-08', a2: '2026-12-09' } }), '2026-12-14',
      { plan: ['a1:done', 'a2:done', 'aT@2026-12-14', 'b1@2026-12-21'], status: 'on_track', behind: 0, next: 'aT', dueToday: ['aT'] }],
    ['everything done', settings, run(), facts({ completed: { a1: '2026-12-08', a2: '2026-12-08', aT: '2026-12-15', b1: '2026-12-22' } }), '2027-01-10',
      { plan: ['a1:done', 'a2:done', 'aT:done', 'b1:done'], status: 'done', behind: 0, dueToday: [] }],
    ['late joiner: own start on the day they join, not behind on day one', settings, run(), facts({ since: '2026-12-23' }), '2026-12-23',
      { plan: ['a1@2026-12-23', 'a2@2026-12-23', 'aT@2026-12-30', 'b1@2027-01-06'], status: 'on_track', behind: 0, next: 'a1', dueToday: ['a1', 'a2'] }],
    ['late joiner, six days in: still not behind', settings, run(), facts({ since: '2026-12-23' }), '2026-12-29',
      { plan: ['a1@2026-12-23', 'a2@2026-12-23', 'aT@2026-12-30', 'b1@2027-01-06'], status: 'on_track', behind: 0, next: 'a1', dueToday: [] }],
    ['level cut-off: elementary group plans more', { minutesPerWeek: 60, level: 'elementary' }, run(), facts(), '2026-12-07',
      { plan: ['a1@2026-12-07', 'a2@2026-12-07', 'aT@2026-12-14', 'a3@2026-12-14', 'b1@2026-12-21', 'b2@2026-12-28', 'bT@2026-12-28'], status: 'on_track', behind: 0, next: 'a1', dueToday: ['a1', 'a2'] }],
    ['move into an elementary group: completions kept, the rest re-planned from the move', { minutesPerWeek: 60, level: 'elementary' }, run({ started: '2026-11-02' }),
      facts({ groupId: 2, since: '2026-12-16', completed: { a1: '2026-12-08', a2: '2026-12-09', aT: '2026-12-15' } }), '2026-12-16',
      { plan: ['a1:done', 'a2:done', 'aT:done', 'a3@2026-12-16', 'b1@2026-12-23', 'b2@2026-12-30', 'bT@2026-12-30'], status: 'on_track', behind: 0, next: 'a3', dueToday: ['a3'] }],
    ['learner paused 3 days (resumed): later weeks shift by 3', settings, run(), facts({ pauses: [{ from: '2026-12-09', to: '2026-12-12' }] }), '2026-12-17',
      { plan: ['a1@2026-12-07', 'a2@2026-12-07', 'aT@2026-12-17', 'b1@2026-12-24'], status: 'behind', behind: 2, next: 'a1', dueToday: ['aT'] }],
    ['learner paused 3 days: the day before the shifted week 1 still on track', settings, run(), facts({ pauses: [{ from: '2026-12-09', to: '2026-12-12' }] }), '2026-12-16',
      { plan: ['a1@2026-12-07', 'a2@2026-12-07', 'aT@2026-12-17', 'b1@2026-12-24'], status: 'on_track', behind: 0, next: 'a1', dueToday: [] }],
    ['learner pause going on: paused even though the group is not', settings, run(), facts({ pauses: [{ from: '2026-12-08', to: null }] }), '2026-12-08',
      { plan: ['a1@2026-12-07', 'a2@2026-12-07', 'aT@2026-12-15', 'b1@2026-12-22'], status: 'paused', behind: 0, next: 'a1', dueToday: [] }],
    ['group pause still going on: paused, nothing sent, dates move with it', settings, run({ pauses: [{ from: '2026-12-12', to: null }] }), facts(), '2026-12-20',
      { plan: ['a1@2026-12-07', 'a2@2026-12-07', 'aT@2026-12-23', 'b1@2026-12-30'], status: 'paused', behind: 0, next: 'a1', dueToday: [] }],
    ['group pause resumed: the shift is the pause length', settings, run({ pauses: [{ from: '2026-12-12', to: '2026-12-19' }] }), facts(), '2026-12-21',
      { plan: ['a1@2026-12-07', 'a2@2026-12-07', 'aT@2026-12-21', 'b1@2026-12-28'], status: 'behind', behind: 2, next: 'a1', dueToday: ['aT'] }],
    ['overlapping group and learner pauses count once', settings, run({ pauses: [{ from: '2026-12-09', to: '2026-12-12' }] }), facts({ pauses: [{ from: '2026-12-10', to: '2026-12-13' }] }), '2026-12-18',
      { plan: ['a1@2026-12-07', 'a2@2026-12-07', 'aT@2026-12-18', 'b1@2026-12-25'], status: 'behind', behind: 2, next: 'a1', dueToday: ['aT'] }],
    ['a pause before the learner joined shifts nothing', settings, run({ pauses: [{ from: '2026-12-08', to: '2026-12-15' }] }), facts({ since: '2026-12-20' }), '2026-12-20',
      { plan: ['a1@2026-12-20', 'a2@2026-12-20', 'aT@2026-12-27', 'b1@2027-01-03'], status: 'on_track', behind: 0, next: 'a1', dueToday: ['a1', 'a2'] }],
    ['a week falling on a paused day comes on the resume day', settings, run(), facts({ pauses: [{ from: '2026-12-14', to: '2026-12-16' }] }), '2026-12-16',
      { plan: ['a1@2026-12-07', 'a2@2026-12-07', 'aT@2026-12-16', 'b1@2026-12-23'], status: 'behind', behind: 2, next: 'a1', dueToday: ['aT'] }],
    ['learner stopped: frozen on the stop day, nothing sent', settings, run(), facts({ stopped: '2026-12-10', completed: { a1: '2026-12-08' } }), '2027-02-01',
      { plan: ['a1:done', 'a2@2026-12-07', 'aT@2026-12-14', 'b1@2026-12-21'], status: 'stopped', behind: 0, next: 'a2', dueToday: [] }],
    ['group stopped: stopped for everyone in it', settings, run({ stopped: '2026-12-20' }), facts(), '2026-12-21',
      { plan: ['a1@2026-12-07', 'a2@2026-12-07', 'aT@2026-12-14', 'b1@2026-12-21'], status: 'stopped', behind: 2, next: 'a1', dueToday: [] }],
    ['restart (stop cleared, new since): continues with what is left', settings, run(), facts({ since: '2027-02-01', completed: { a1: '2026-12-08' } }), '2027-02-01',
      { plan: ['a1:done', 'a2@2027-02-01', 'aT@2027-02-01', 'b1@2027-02-08'], status: 'on_track', behind: 0, next: 'a2', dueToday: ['a2', 'aT'] }],
    ['group restarted with a new start day: the same', settings, run({ started: '2027-03-01' }), facts({ completed: { a1: '2026-12-08', a2: '2026-12-08' } }), '2027-03-01',
      { plan: ['a1:done', 'a2:done', 'aT@2027-03-01', 'b1@2027-03-08'], status: 'on_track', behind: 0, next: 'aT', dueToday: ['aT'] }],
    ['an empty program: nothing to do, not done', settings, run(), facts(), '2026-12-07',
      { plan: [], status: 'on_track', behind: 0, dueToday: [] }],
  ])('%s', (name, s, r, f, today, expected) => {
    const prog = name.startsWith('an empty program') ? { title: { en: 'Empty' }, topics: [] } : program;
    const got = learnerSchedule(prog, s, r, f, today);
    expect({ plan: plan(got), status: got.status, behind: got.behind, next: got.next?.id, dueToday: ids(got.dueToday) })
      .toEqual({ next: undefined, ...expected });
  });

  it('a completion of a lesson not in this program changes nothing', () => {
    const base = learnerSchedule(program, settings, run(), facts(), '2026-12-14');
    const other = learnerSchedule(program, settings, run(), facts({ completed: { elsewhere: '2026-12-01' } }), '2026-12-14');
    expect(plan(other)).toEqual(plan(base));
  });

  it('the start is the later of the group start and the join day', () => {
    expect(learnerSchedule(program, settings, run(), facts({ since: '2026-01-01' }), '2026-12-07').start).toBe('2026-12-07');
    expect(learnerSchedule(program, settings, run(), facts({ since: '2026-12-09' }), '2026-12-09').start).toBe('2026-12-09');
    expect(learnerSchedule(program, settings, run({ started: null }), facts(), '2026-12-09').start).toBeNull();
  });

  it('counts on the portal’s calendar day, not UTC: 22:30 UTC is already the next day at UTC+3', () => {
    const now = new Date('2026-12-13T22:30:00Z');
    const utc = learnerSchedule(program, settings, run(), facts(), todayAtOffset(now, 0));
    const moscow = learnerSchedule(program, settings, run(), facts(), todayAtOffset(now, 180));
    expect([utc.status, ids(utc.dueToday)]).toEqual(['on_track', []]);
    expect([moscow.status, ids(moscow.dueToday)]).toEqual(['behind', ['aT']]);
  });

  it('across a month and year end, dates are calendar days', () => {
    const got = learnerSchedule(program, settings, run({ started: '2026-12-28' }), facts(), '2026-12-28');
    expect(plan(got)).toEqual(['a1@2026-12-28', 'a2@2026-12-28', 'aT@2027-01-04', 'b1@2027-01-11']);
  });
});
