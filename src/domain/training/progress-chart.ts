// What a group's progress chart shows (issue 12 item 5): computed by the progress report, drawn by the chart renderer.
import type { Day } from '../model.js';

/**
 * Plain data, already localized: the renderer draws it and knows nothing of training rules; the
 * report computes it and knows nothing of drawing. Labels are plain text (no BB-code).
 */
export interface ProgressChart {
  title: string;
  /** Per topic of the program up to the group's level, in program order. */
  topics: Array<{
    label: string;
    /** Percent of the topic's lessons done, over the group's learners in training (0..100). */
    done: number;
    /** Percent that the learners' personal schedules expect done by today: the group's goal line (0..100). */
    expected: number;
  }>;
  /** One point a week since the group's start (the week's first day), oldest first. */
  behindByWeek: Array<{ week: Day; behind: number; inTraining: number }>;
  labels: { done: string; expected: string; behind: string; inTraining: string; topics: string; weeks: string };
}
