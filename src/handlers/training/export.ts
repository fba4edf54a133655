// `/training export <group>` (moderators): the group's progress as files in the chat, an XLSX (learners, attempts) and a CSV (learners).
import type { BotContext } from '../../bot/context.js';
import { formatDay } from '../../domain/dates.js';
import type { StudyGroup } from '../../domain/model.js';
import type { TestRef } from '../../domain/quiz/model.js';
import { exportRows, type AttemptRow, type LearnerRow } from '../../domain/training/export-rows.js';
import { learnerSchedule } from '../../domain/training/plan.js';
import type { T } from '../../i18n/index.js';
import { csvOf, xlsxOf, type Sheet } from '../../report/export.js';
import { groupTitle } from '../group/common.js';
import { requireModerator } from '../shared.js';
import { uploadFailureText } from './chart.js';
import { factsIn, groupFromTokens, learnersOf, programOf, settingsOf } from './common.js';
import { localized } from './learner.js';

/** The two sheets with headers in the caller's language. */
export function exportSheets(t: T, rows: { learners: LearnerRow[]; attempts: AttemptRow[] }): { learners: Sheet; attempts: Sheet } {
  const col = (k: string) => t(`charts:export.col.${k}`);
  const yesNo = (v: boolean | null) => (v === null ? null : t(v ? 'charts:export.yes' : 'charts:export.no'));
  return {
    learners: {
      name: t('charts:export.sheet.learners'),
      header: ['name', 'status', 'done', 'total', 'behind', 'last_activity', 'best_score'].map(col),
      rows: rows.learners.map((r) => [r.name, t(`training:status.${r.status}`), r.done, r.total, r.behind, r.lastActivity, r.bestScore]),
    },
    attempts: {
      name: t('charts:export.sheet.attempts'),
      header: ['learner', 'test', 'started', 'finished', 'score', 'passed'].map(col),
      rows: rows.attempts.map((r) => [r.learner, r.test, r.started, r.finished, r.score, yesNo(r.passed)]),
    },
  };
}

/** The group's learner and attempt rows today (the group must have a program). */
export function groupExportRows(ctx: Pick<BotContext, 'data' | 'lang' | 'today'>, group: StudyGroup): { learners: LearnerRow[]; attempts: AttemptRow[] } | null {
  const training = settingsOf(group);
  const program = programOf(ctx.data, training);
  const today = ctx.today();
  const learners = learnersOf(ctx.data, group).map((userId) => {
    const facts = factsIn(ctx.data, group, userId);
    const schedule = program
      ? learnerSchedule(program, { minutesPerWeek: training.minutesPerWeek, level: training.level }, training.run, facts, today)
      : { items: [], status: 'not_started' as const, behind: 0, dueToday: [], start: null };
    return { facts, schedule, name: ctx.data.users[String(userId)]?.name ?? `#${userId}` };
  });
  if (learners.length === 0) return null;
  const testTitle = (test: TestRef): string => {
    const course = ctx.data.courses.find((c) => c.id === test.courseId);
    if (!course) return `#${test.courseId}`;
    const lesson = test.lessonId ? course.program?.topics.flatMap((tp) => tp.lessons).find((l) => l.id === test.lessonId) : undefined;
    return lesson ? localized(lesson.title, ctx.lang) : course.title;
  };
  return exportRows({
    learners,
    attempts: ctx.data.training?.attempts ?? [],
    belongs: (a) => a.groupId === group.id || (training.courseId !== null && a.test.courseId === training.courseId),
    testTitle,
    utcOffset: ctx.data.installation.utcOffset ?? 0,
  });
}

export async function exportCommand(ctx: BotContext): Promise<void> {
  if (!(await requireModerator(ctx))) return;
  const group = await groupFromTokens(ctx, ctx.args.slice(1));
  if (!group) return;
  const rows = groupExportRows(ctx, group);
  if (!rows) {
    await ctx.reply(ctx.t('charts:export.no_learners', { group: groupTitle(group) }));
    return;
  }
  const sheets = exportSheets(ctx.t, rows);
  const today = ctx.today();
  const base = `progress-${group.id}-${today}`;
  const caption = ctx.t('charts:export.caption', { group: groupTitle(group), day: formatDay(today, ctx.lang), learners: rows.learners.length, attempts: rows.attempts.length });
  const xlsx = await ctx.upload({ name: `${base}.xlsx`, bytes: await xlsxOf([sheets.learners, sheets.attempts]), message: caption });
  if (!xlsx.ok) {
    await ctx.reply(uploadFailureText(ctx.t, xlsx.reason));
    return;
  }
  const csv = await ctx.upload({ name: `${base}.csv`, bytes: csvOf(sheets.learners) });
  if (!csv.ok) await ctx.reply(uploadFailureText(ctx.t, csv.reason));
}
