/**
 * Training programs and the facts a schedule is computed from.
 * Pure types: no I/O, no Bitrix24 field names.
 */
import type { Day } from '../model.js';
import type { Question } from '../quiz/score.js';

export const LEVELS = ['beginner', 'elementary', 'intermediate', 'advanced'] as const;
export type Level = (typeof LEVELS)[number];
export interface Localized { en: string; ru?: string }
export interface Lesson {
  id: string; title: Localized; url: string; minutes: number; level: Level;
  /** A level's final test; with `questions` it is taken in chat (issue 12), otherwise it is a link. */
  test?: boolean;
  questions?: Question[];
}
export interface Topic { id: string; title: Localized; lessons: Lesson[] }   // lessons in order; a level's test last
export interface Program { title: Localized; topics: Topic[] }
/** What a group's training needs to plan (set by /training settings). */
export interface PlanSettings { minutesPerWeek: number; level: Level }   // level: the program goes up to it, inclusive
/** Facts about one learner; a schedule is computed from them, never stored. */
export interface LearnerFacts {
  userId: number;
  groupId: number;            // current group
  since: Day;                 // joined the current group (or moved into it)
  completed: Record<string, Day>;   // lesson id -> day done (kept across moves)
  pauses: Array<{ from: Day; to: Day | null }>;   // learner's own pauses
  stopped: Day | null;
}
/** Facts about one group's run. */
export interface GroupRun { started: Day | null; pauses: Array<{ from: Day; to: Day | null }>; stopped: Day | null }
