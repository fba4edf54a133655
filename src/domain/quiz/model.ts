// Tests taken in chat (issue 12): the facts stored about an attempt. Pure types: no I/O, no Bitrix24 field names.
import type { Day } from '../model.js';

/**
 * Which test an attempt is of: a stand-alone test course (`/course add … test`, its questions on the
 * course) or a level's final test inside a course's program (its questions on the program lesson).
 */
export type TestRef = { courseId: number; lessonId?: string };

/**
 * One learner's try at one test. Facts only: the question and option order are derived from `seed`
 * (score.ts `layout`), the score from the answers; percent and passed are kept once finished because
 * the questions may be edited later and a result must not change after the fact.
 */
export interface Attempt {
  /** Short id, unique in the portal; button payloads name it (never an answer). */
  id: string;
  userId: number;
  test: TestRef;
  /** The learner's training group when the attempt started (its threshold applies); null: none. */
  groupId: number | null;
  seed: number;
  /** By question index in the stored (unshuffled) numbering; null: not answered yet. */
  answers: Array<number[] | null>;
  /** Multiple choice: the options toggled on the current question and not yet sent with "Answer". */
  toggled?: number[];
  /** The bot message the attempt is shown in (updated in place); null before it was sent. */
  messageId: number | null;
  startedAt: string;      // ISO
  finishedAt: string | null;
  /** Set when finished: the score and the threshold it was checked against. */
  percent: number | null;
  threshold: number | null;
  passed: boolean | null;
}

/** Portal-wide facts for moderators' progress views (issue 12 items 4 and 7). */
export interface ProgressFacts {
  /** userId → the last portal day a Nudge reached the learner (one a day at most). */
  nudgedOn?: Record<string, Day>;
  /** Moderators who turned the weekly digest off (`/training digest off`). */
  digestOff?: number[];
  /** The portal Monday (a Day) whose digest was sent: once a week. */
  digestWeek?: Day;
}
