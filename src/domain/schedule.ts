// Planning scheduled announcements (access window opened, access closing tomorrow) with stable keys so nothing is sent twice.
import { addDays } from './dates.js';
import type { Day, StudyGroup } from './model.js';

export type JobKind = 'window_open' | 'closing_reminder';

export interface DueJob {
  kind: JobKind;
  groupId: number;
  /** Stable and unique per group and date: store it once sent, pass it back in `sent`. */
  key: string;
}

/** The date is part of the key, so moving the window later announces the new window once more. */
export function windowOpenKey(groupId: number, accessFrom: Day): string {
  return `open:${groupId}:${accessFrom}`;
}

export function closingReminderKey(groupId: number, accessTo: Day): string {
  return `closing:${groupId}:${accessTo}`;
}

/**
 * Jobs due `today` that are not in `sent`, in `groups` order, a group's opening before its reminder.
 * Only groups that are not archived and have courses; deleted groups are not in `groups`.
 * - `window_open`: the window has a start and `accessFrom <= today <= accessTo` (a null end is
 *   open-ended). Days missed while the bot was down are caught up while the window is still open;
 *   after it has closed nothing is sent. A group with no start date has no opening moment: nothing.
 * - `closing_reminder`: `today == accessTo - 1 day`, and the window has already opened (a one-day
 *   window gets no reminder before it opens). A missed day is not caught up: a "closes tomorrow"
 *   message on the last day would be wrong.
 */
export function planAnnouncements(groups: readonly StudyGroup[], today: Day, sent: ReadonlySet<string>): DueJob[] {
  const jobs: DueJob[] = [];
  for (const group of groups) {
    if (group.archived || group.courseIds.length === 0) continue;
    const started = group.accessFrom === null || group.accessFrom <= today;
    const notEnded = group.accessTo === null || today <= group.accessTo;
    if (group.accessFrom !== null && started && notEnded) {
      const key = windowOpenKey(group.id, group.accessFrom);
      if (!sent.has(key)) jobs.push({ kind: 'window_open', groupId: group.id, key });
    }
    if (group.accessTo !== null && started && addDays(group.accessTo, -1) === today) {
      const key = closingReminderKey(group.id, group.accessTo);
      if (!sent.has(key)) jobs.push({ kind: 'closing_reminder', groupId: group.id, key });
    }
  }
  return jobs;
}
