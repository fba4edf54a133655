// Due lessons, sent to each learner's private chat on the day they fall due: claimed once per learner and day, sent 50 to a batch.
import { describe } from '../bot/bot.js';
import type { Logger } from '../bot/logger.js';
import type { BatchCall, RestClient } from '../bot/portal.js';
import { renderFields } from '../bot/render.js';
import type { Day } from '../domain/model.js';
import type { Lesson } from '../domain/training/model.js';
import { learnerSchedule } from '../domain/training/plan.js';
import { portalLanguage } from '../handlers/announce.js';
import { factsIn, learnersOf, programOf } from '../handlers/training/common.js';
import { dueLessonMessage } from '../handlers/training/learner.js';
import type { PortalData, PortalStore } from '../store/types.js';

export interface ReminderReport {
  learners: number;
  messages: number;
  requests: number;
  failures: number;
}

interface Due {
  userId: number;
  groupName: string;
  /** The program's course (a test lesson's "Take the test" button names it). */
  courseId: number;
  lessons: Lesson[];
}

/** Everyone with lessons due today (the schedules computed from the facts), not yet reminded today. */
export function dueToday(data: PortalData, today: Day): Due[] {
  const out: Due[] = [];
  const reminded = data.training?.remindedOn ?? {};
  for (const group of data.groups) {
    const t = group.training;
    if (!t || t.run.started === null || group.archived) continue;
    const program = programOf(data, t);
    if (!program) continue;
    for (const userId of learnersOf(data, group)) {
      if (reminded[String(userId)] === today) continue;
      const s = learnerSchedule(program, { minutesPerWeek: t.minutesPerWeek, level: t.level }, t.run, factsIn(data, group, userId), today);
      if (s.dueToday.length > 0) out.push({ userId, groupName: group.name, courseId: t.courseId ?? 0, lessons: s.dueToday });
    }
  }
  return out;
}

/**
 * One pass over one portal: claims today's reminders in one store write (so a second tick, a
 * restart or a second process sends none of them again), then sends them with the installation's
 * tokens, one message per lesson, 50 messages to a `batch` request; the client keeps to the
 * portal's rate limit. A failed send is logged, not retried: the lesson is in "my training" anyway.
 */
export async function sendTrainingReminders(
  deps: { store: PortalStore; log: Logger; rest: () => Promise<RestClient> },
  memberId: string,
  data: PortalData,
  today: Day,
): Promise<ReminderReport> {
  const report: ReminderReport = { learners: 0, messages: 0, requests: 0, failures: 0 };
  const botId = data.installation.botId;
  const candidates = dueToday(data, today);
  if (!botId || candidates.length === 0) return report;
  const claimed = await deps.store.update(memberId, (d) => {
    d.training ??= { learners: {}, rules: [] };
    const reminded = (d.training.remindedOn ??= {});
    const mine = candidates.filter((c) => reminded[String(c.userId)] !== today);
    for (const c of mine) reminded[String(c.userId)] = today;
    return mine;
  });
  if (claimed.length === 0) return report;
  report.learners = claimed.length;
  const { lang, t } = portalLanguage(data.installation.language);
  const calls: BatchCall[] = [];
  for (const c of claimed) {
    c.lessons.forEach((lesson, i) => {
      calls.push({
        key: `u${c.userId}_${i}`,
        method: 'imbot.v2.Chat.Message.send',
        params: { botId, dialogId: String(c.userId), fields: renderFields(dueLessonMessage(t, lang, c.groupName, lesson, c.courseId), botId) },
      });
    });
  }
  try {
    const rest = await deps.rest();
    const out = await rest.batch(calls);
    report.requests = out.requests;
    report.failures = Object.keys(out.errors).length;
    report.messages = calls.length - report.failures;
    if (report.failures > 0) deps.log.warn({ memberId, failures: report.failures }, 'training reminders: some not delivered (not retried)');
  } catch (e) {
    report.failures = calls.length;
    deps.log.warn({ memberId, err: describe(e) }, 'training reminders: not delivered (not retried)');
  }
  return report;
}
