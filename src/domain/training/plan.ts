// Training plans: a program cut at a level, packed into weeks, and each learner's schedule computed from facts (never stored).
import type { Day } from '../model.js';
import { addDays, compareDays } from '../dates.js';
import { LEVELS, type GroupRun, type LearnerFacts, type Lesson, type Level, type PlanSettings, type Program } from './model.js';

/**
 * The lessons a group at `level` takes: every topic's lessons of that level and the ones below, in
 * the program's order (topic by topic, and within a topic level by level, each level's test last).
 */
export function programLessons(program: Program, level: Level): Lesson[] {
  const top = LEVELS.indexOf(level);
  return program.topics.flatMap((topic) => topic.lessons.filter((lesson) => LEVELS.indexOf(lesson.level) <= top));
}

/**
 * The lessons packed in order into weeks of at most `minutesPerWeek`. A lesson longer than a week's
 * minutes cannot be split (it is one link to open), so it gets a week of its own rather than being
 * dropped or stalling the plan. No lessons: no weeks. A non-positive intensity is a bug (validated upstream).
 */
export function planWeeks(lessons: readonly Lesson[], minutesPerWeek: number): Lesson[][] {
  if (!Number.isInteger(minutesPerWeek) || minutesPerWeek <= 0) {
    throw new RangeError(`minutes per week must be a positive whole number: ${minutesPerWeek}`);
  }
  const weeks: Lesson[][] = [];
  let week: Lesson[] = [];
  let used = 0;
  for (const lesson of lessons) {
    if (week.length > 0 && used + lesson.minutes > minutesPerWeek) {
      weeks.push(week);
      week = [];
      used = 0;
    }
    week.push(lesson);
    used += lesson.minutes;
  }
  if (week.length > 0) weeks.push(week);
  return weeks;
}

export type LearnerStatus = 'not_started' | 'on_track' | 'behind' | 'done' | 'stopped' | 'paused';

export interface ScheduleItem {
  lesson: Lesson;
  /** The plan week (0 = the first) of a lesson still to do; null once done. */
  week: number | null;
  /**
   * The day the lesson falls due: it is sent to the learner then and belongs to that week. Null
   * once done, and while the learner's training has not started (no start day to count from).
   */
  due: Day | null;
  done: boolean;
  /** The day it was marked done (the learner's fact), or null. */
  doneOn: Day | null;
  /** Not done although the week after its own has begun. */
  overdue: boolean;
}

export interface LearnerSchedule {
  items: ScheduleItem[];
  status: LearnerStatus;
  /** Lessons overdue (see `ScheduleItem.overdue`). */
  behind: number;
  /** The first lesson still to do, in program order. */
  next?: Lesson;
  /** Lessons falling due today: the ones to send now (none while paused, stopped or not started). */
  dueToday: Lesson[];
  /** The learner's first day: the later of the group's start and the learner joining; null before the group starts. */
  start: Day | null;
}

type Span = { from: Day; to: Day };

/** Days from `a` to `b` (negative when `b` is earlier). */
function daysFrom(a: Day, b: Day): number {
  const ms = (d: Day): number => Date.UTC(Number(d.slice(0, 4)), Number(d.slice(5, 7)) - 1, Number(d.slice(8, 10)));
  return Math.round((ms(b) - ms(a)) / 86_400_000);
}

const later = (a: Day, b: Day): Day => (compareDays(a, b) >= 0 ? a : b);

/**
 * Group and learner pauses as sorted, disjoint spans of paused days `[from, to)` (`to` is the day
 * training resumes). A pause still going on lasts through `today`, so the plan moves on a day for
 * each day it lasts. Spans before `start` do not shift anything.
 */
function pausedSpans(pauses: Array<{ from: Day; to: Day | null }>, start: Day, today: Day): Span[] {
  const spans = pauses
    .map((p) => ({ from: later(p.from, start), to: p.to ?? addDays(today, 1) }))
    .filter((s) => compareDays(s.from, s.to) < 0)
    .sort((a, b) => compareDays(a.from, b.from));
  const merged: Span[] = [];
  for (const s of spans) {
    const last = merged[merged.length - 1];
    if (last !== undefined && compareDays(s.from, last.to) <= 0) last.to = later(last.to, s.to);
    else merged.push({ ...s });
  }
  return merged;
}

/** The day on which `active` days of training (days not paused) have passed since `start`. */
function activeDay(start: Day, active: number, paused: readonly Span[]): Day {
  let day = start;
  let left = active;
  for (const span of paused) {
    if (compareDays(span.to, day) <= 0) continue;
    const gap = Math.max(0, daysFrom(day, span.from));
    if (left < gap) return addDays(day, left);
    left -= gap;
    day = span.to;
  }
  return addDays(day, left);
}

function inSpans(day: Day, spans: readonly Span[]): boolean {
  return spans.some((s) => compareDays(s.from, day) <= 0 && compareDays(day, s.to) < 0);
}

/**
 * A learner's schedule on `today` (the portal's calendar day), from the facts alone.
 *
 * The learner starts on the later of the group's start and the day they joined (or moved into)
 * the group, so a late joiner starts the whole plan fresh and is never behind on day one. What they
 * completed before that start (in an earlier group or run) is taken out, and the rest is packed
 * into weeks (lessons done since keep their place); week n falls
 * due 7n training days after the start, where days paused by the group or the learner do not count.
 * A stop keeps every fact and freezes the schedule on the stop day; a restart (stop cleared, a new
 * start or join day) plans what is left from there.
 */
export function learnerSchedule(
  program: Program,
  settings: PlanSettings,
  run: GroupRun,
  facts: LearnerFacts,
  today: Day,
): LearnerSchedule {
  const lessons = programLessons(program, settings.level);
  const left = lessons.filter((l) => facts.completed[l.id] === undefined);
  const start = run.started === null ? null : later(run.started, facts.since);
  // Lessons done before this start (in an earlier group or run) are out of the plan; the ones done
  // since keep their week, so finishing a week early never pulls later lessons into the past.
  const planned = lessons.filter((l) => {
    const doneOn = facts.completed[l.id];
    return doneOn === undefined || (start !== null && compareDays(doneOn, start) >= 0);
  });
  const weekOf = new Map<string, number>();
  planWeeks(planned, settings.minutesPerWeek).forEach((week, n) => week.forEach((l) => weekOf.set(l.id, n)));
  const stoppedOn = [run.stopped, facts.stopped]
    .filter((d): d is Day => d !== null)
    .sort(compareDays)[0];
  // A stopped schedule is looked at as it stood on the stop day.
  const asOf = stoppedOn !== undefined && compareDays(stoppedOn, today) < 0 ? stoppedOn : today;
  const started = start !== null && compareDays(start, asOf) <= 0;
  const paused = start === null ? [] : pausedSpans([...run.pauses, ...facts.pauses], start, asOf);

  const items: ScheduleItem[] = lessons.map((lesson) => {
    const doneOn = facts.completed[lesson.id] ?? null;
    const week = weekOf.get(lesson.id);
    if (doneOn !== null || week === undefined) {
      return { lesson, week: null, due: null, done: true, doneOn, overdue: false };
    }
    const due = start === null ? null : activeDay(start, 7 * week, paused);
    const overdue = started && start !== null && compareDays(activeDay(start, 7 * (week + 1), paused), asOf) <= 0;
    return { lesson, week, due, done: false, doneOn: null, overdue };
  });

  const behind = items.filter((i) => i.overdue).length;
  const next = items.find((i) => !i.done)?.lesson;
  const isPaused = started && inSpans(asOf, paused);
  let status: LearnerStatus;
  if (lessons.length > 0 && left.length === 0) status = 'done';
  else if (stoppedOn !== undefined) status = 'stopped';
  else if (!started) status = 'not_started';
  else if (isPaused) status = 'paused';
  else status = behind > 0 ? 'behind' : 'on_track';

  const sending = status === 'on_track' || status === 'behind';
  const dueToday = sending ? items.filter((i) => !i.done && i.due === today).map((i) => i.lesson) : [];
  const schedule: LearnerSchedule = { items, status, behind, dueToday, start };
  if (next !== undefined) schedule.next = next;
  return schedule;
}

/**
 * Each planned lesson's id → the first day it counts as overdue on (its week's end: the first
 * training day of the next week), by the same packing and pauses as `learnerSchedule`. For looking at
 * past days cheaply: on a day when the learner was in training and not paused, they were behind
 * exactly when a lesson's day here had come and the lesson was not yet done. Empty before a start.
 */
export function overdueFrom(program: Program, settings: PlanSettings, run: GroupRun, facts: LearnerFacts, today: Day): Map<string, Day> {
  const out = new Map<string, Day>();
  const start = run.started === null ? null : later(run.started, facts.since);
  if (start === null) return out;
  const planned = programLessons(program, settings.level).filter((l) => {
    const doneOn = facts.completed[l.id];
    return doneOn === undefined || compareDays(doneOn, start) >= 0;
  });
  const paused = pausedSpans([...run.pauses, ...facts.pauses], start, today);
  planWeeks(planned, settings.minutesPerWeek).forEach((week, n) => {
    const day = activeDay(start, 7 * (n + 1), paused);
    for (const lesson of week) out.set(lesson.id, day);
  });
  return out;
}
