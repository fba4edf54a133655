// A group's ProgressChart computed from learner facts: per topic, lessons done against what the personal schedules expect by today; learners behind per week.
import { addDays, compareDays } from '../dates.js';
import type { Day } from '../model.js';
import type { GroupRun, LearnerFacts, Lesson, PlanSettings, Program } from './model.js';
import { learnerSchedule, programLessons, type LearnerSchedule } from './plan.js';
import type { ProgressChart } from './progress-chart.js';

/** At most this many weekly points (the newest): half a year reads well at chat size. */
export const MAX_WEEKS = 26;

export interface ChartInput {
  program: Program;
  settings: PlanSettings;
  run: GroupRun;
  /** The facts of the group's learners (factsIn), one per learner. */
  learners: readonly LearnerFacts[];
  today: Day;
  lang: 'en' | 'ru';
  /** Already localized by the caller. */
  title: string;
  labels: ProgressChart['labels'];
}

/** Facts as they stood on `day`: lessons completed later are not done yet. */
function factsOn(facts: LearnerFacts, day: Day): LearnerFacts {
  const completed: Record<string, Day> = {};
  for (const [id, on] of Object.entries(facts.completed)) if (compareDays(on, day) <= 0) completed[id] = on;
  return { ...facts, completed };
}

/** Counted in the chart: learners whose schedule has begun and is not stopped (on track, behind, paused, done). */
const counted = (s: LearnerSchedule): boolean => s.status !== 'not_started' && s.status !== 'stopped';
const inTraining = (s: LearnerSchedule): boolean => s.status === 'on_track' || s.status === 'behind' || s.status === 'paused';

/**
 * Lessons a learner's plan expects done by `today`: the ones done before their plan began (out of the
 * plan) and every planned lesson whose due day has come. Computed on the plan with only those early
 * completions, so a lesson done ahead of time still counts where the plan put it.
 */
function expectedIds(input: ChartInput, facts: LearnerFacts, start: Day | null): Set<string> {
  const early: Record<string, Day> = {};
  for (const [id, on] of Object.entries(facts.completed)) if (start === null || compareDays(on, start) < 0) early[id] = on;
  const plan = learnerSchedule(input.program, input.settings, input.run, { ...facts, completed: early }, input.today);
  return new Set(plan.items.filter((i) => i.done || (i.due !== null && compareDays(i.due, input.today) <= 0)).map((i) => i.lesson.id));
}

const percent = (part: number, whole: number): number => (whole === 0 ? 0 : Math.round((part / whole) * 100));

export function groupChartData(input: ChartInput): ProgressChart {
  const { program, settings, run, today } = input;
  const inPlan = new Set(programLessons(program, settings.level).map((l) => l.id));
  const topics = program.topics
    .map((topic) => ({ topic, lessons: topic.lessons.filter((l) => inPlan.has(l.id)) }))
    .filter((t) => t.lessons.length > 0);
  const now = input.learners.map((facts) => ({ facts, schedule: learnerSchedule(program, settings, run, facts, today) })).filter((l) => counted(l.schedule));
  const expected = now.map((l) => expectedIds(input, l.facts, l.schedule.start));
  const doneCount = (lessons: Lesson[]) => now.reduce((n, l) => n + lessons.filter((x) => l.facts.completed[x.id] !== undefined).length, 0);
  const expectedCount = (lessons: Lesson[]) => expected.reduce((n, e) => n + lessons.filter((x) => e.has(x.id)).length, 0);

  const behindByWeek: ProgressChart['behindByWeek'] = [];
  if (run.started !== null && compareDays(run.started, today) <= 0) {
    const starts: Day[] = [];
    for (let week = run.started; compareDays(week, today) <= 0; week = addDays(week, 7)) starts.push(week);
    for (const week of starts.slice(-MAX_WEEKS)) {
      // Each week as it stood at its end (or today, for the week under way).
      const end = compareDays(addDays(week, 6), today) < 0 ? addDays(week, 6) : today;
      let behind = 0;
      let training = 0;
      for (const facts of input.learners) {
        const s = learnerSchedule(program, settings, run, factsOn(facts, end), end);
        if (!inTraining(s)) continue;
        training += 1;
        if (s.status === 'behind') behind += 1;
      }
      behindByWeek.push({ week, behind, inTraining: training });
    }
  }

  return {
    title: input.title,
    topics: topics.map(({ topic, lessons }) => {
      const whole = lessons.length * now.length;
      return {
        label: input.lang === 'ru' && topic.title.ru ? topic.title.ru : topic.title.en,
        done: percent(doneCount(lessons), whole),
        expected: percent(expectedCount(lessons), whole),
      };
    }),
    behindByWeek,
    labels: input.labels,
  };
}
