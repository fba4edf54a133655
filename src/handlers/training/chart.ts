// The progress chart in the chat: sendProgressChart (for the report and the digest) and `/training chart <group>`.
import type { BotContext } from '../../bot/context.js';
import type { Uploaded, UploadFailure, UploadFile } from '../../bot/files.js';
import { formatDay } from '../../domain/dates.js';
import type { Day, StudyGroup } from '../../domain/model.js';
import { progressChart, type GroupPlan } from '../../domain/training/progress.js';
import type { ProgressChart } from '../../domain/training/progress-chart.js';
import type { Lang, T } from '../../i18n/index.js';
import { renderProgressChart } from '../../report/chart.js';
import { groupTitle } from '../group/common.js';
import { requireModerator } from '../shared.js';
import type { PortalData } from '../../store/types.js';
import { factsIn, groupFromTokens, learnersOf, programOf } from './common.js';

/** What sending a chart needs: a BotContext has it; the digest job makes one from uploadBotFile. */
export interface ChartSender {
  t: T;
  upload(file: UploadFile, dialogId?: string): Promise<Uploaded>;
}

/**
 * Renders `chart` as a PNG and uploads it into `dialogId` as the bot (File.upload posts the message
 * itself, so Bitrix24 shows the picture inline). `caption` is BB-code, escaped by the caller.
 */
export async function sendProgressChart(
  sender: ChartSender,
  dialogId: string,
  chart: ProgressChart,
  opts: { caption?: string; fileName?: string } = {},
): Promise<Uploaded> {
  const png = renderProgressChart(chart, { emptyText: sender.t('charts:chart.empty') });
  const file: UploadFile = { name: opts.fileName ?? 'progress.png', bytes: png };
  if (opts.caption) file.message = opts.caption;
  return sender.upload(file, dialogId);
}

/** The answer to a refused upload, in the caller's language. */
export function uploadFailureText(t: T, reason: UploadFailure): string {
  return t(`charts:upload.${reason}`);
}

/** The labels and title of a group's chart (plain text: it is drawn, not BB-code). */
export function chartTexts(t: T, group: StudyGroup, today: Day, lang: Lang): { title: string; labels: ProgressChart['labels'] } {
  return {
    title: t('charts:chart.title', { group: group.name, day: formatDay(today, lang) }),
    labels: {
      done: t('charts:chart.label.done'),
      expected: t('charts:chart.label.expected'),
      behind: t('charts:chart.label.behind'),
      inTraining: t('charts:chart.label.in_training'),
      topics: t('charts:chart.label.topics'),
      weeks: t('charts:chart.label.weeks'),
    },
  };
}

/** What planning a group's schedules needs; null: not a training group, or no program. */
export function planOf(data: PortalData, group: StudyGroup): GroupPlan | null {
  const t = group.training;
  if (!t) return null;
  const program = programOf(data, t);
  return program ? { program, settings: { minutesPerWeek: t.minutesPerWeek, level: t.level }, run: t.run } : null;
}

/** The ProgressChart of a group today (null: no program): for `/training chart`, the report card and the digest. */
export function groupProgressChart(t: T, lang: Lang, data: PortalData, group: StudyGroup, today: Day): ProgressChart | null {
  const plan = planOf(data, group);
  if (!plan) return null;
  const facts = learnersOf(data, group).map((id) => factsIn(data, group, id));
  return progressChart(plan, facts, today, { lang, ...chartTexts(t, group, today, lang) });
}

/** `/training chart <group>` (moderators): the group's progress chart as a picture in this chat. */
export async function chart(ctx: BotContext): Promise<void> {
  if (!(await requireModerator(ctx))) return;
  const group = await groupFromTokens(ctx, ctx.args.slice(1));
  if (!group) return;
  const today = ctx.today();
  const data = groupProgressChart(ctx.t, ctx.lang, ctx.data, group, today);
  if (!data) {
    await ctx.reply(ctx.t('training:start.no_program', { group: groupTitle(group), id: group.id }));
    return;
  }
  const sent = await sendProgressChart(ctx, ctx.chat.dialogId, data, {
    caption: ctx.t('charts:chart.caption', { group: groupTitle(group) }),
    fileName: `progress-${group.id}-${today}.png`,
  });
  if (!sent.ok) await ctx.reply(uploadFailureText(ctx.t, sent.reason));
}
