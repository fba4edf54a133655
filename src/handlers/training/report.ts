// /training report <group>|<user>: a group's progress card for moderators (with Nudge), one learner's report; shared with the weekly digest.
import type { BotContext } from '../../bot/context.js';
import type { BatchCall } from '../../bot/portal.js';
import { buttonPayload, renderFields, type Reply } from '../../bot/render.js';
import { escapeBb, mention } from '../../domain/bbcode.js';
import { formatDay } from '../../domain/dates.js';
import type { Day, StudyGroup } from '../../domain/model.js';
import { mentionId } from '../../domain/args.js';
import { namesMatch } from '../../domain/text.js';
import { groupProgress, learnerReport, STATUSES, type GroupPlan } from '../../domain/training/progress.js';
import type { Lang, T } from '../../i18n/index.js';
import type { PortalData } from '../../store/types.js';
import { groupById, groupTitle, intArg, replyGone, requireManage } from '../group/common.js';
import { factsIn, groupFromTokens, learnersOf, programOf, trainingGroupOf } from './common.js';
import { lessonButtons, localized } from './learner.js';
import { groupProgressChart, planOf, sendProgressChart, uploadFailureText } from './chart.js';

/** At most this many names in "needs attention"; the rest are counted. */
export const ATTENTION_LIMIT = 10;

function label(data: PortalData, userId: number): string {
  return mention(userId, data.users[String(userId)]?.name ?? `#${userId}`);
}

function testName(data: PortalData, lang: Lang, courseId: number, lessonId: string | undefined): string {
  const course = data.courses.find((c) => c.id === courseId);
  const lesson = lessonId === undefined ? undefined : course?.program?.topics.flatMap((tp) => tp.lessons).find((l) => l.id === lessonId);
  return escapeBb(lesson ? localized(lesson.title, lang) : (course?.title ?? `#${courseId}`));
}

/** The group's report as text (the card's and the digest's). */
export function groupReportText(t: T, lang: Lang, data: PortalData, group: StudyGroup, today: Day): string {
  const plan = planOf(data, group);
  const learners = learnersOf(data, group);
  const lines = [t('report:head', { group: groupTitle(group), count: learners.length })];
  if (!plan) {
    lines.push(t('training:start.no_program', { group: groupTitle(group), id: group.id }));
    return lines.join('\n');
  }
  const p = groupProgress(plan, learners.map((id) => factsIn(data, group, id)), data.training?.attempts ?? [], today);
  lines.push(STATUSES.map((s) => `${t(`training:status.${s}`)}: ${p.counts[s]}`).join(' · '));
  lines.push(t('report:completion', { percent: p.completion ?? 0 }));
  lines.push(p.averageScore === null ? t('report:no_score') : t('report:score', { percent: p.averageScore }));
  if (p.attention.length === 0) {
    lines.push('', t('report:attention_none'));
    return lines.join('\n');
  }
  lines.push('', t('report:attention_head', { count: p.attention.length }));
  for (const a of p.attention.slice(0, ATTENTION_LIMIT)) {
    const why: string[] = [];
    if (a.behindLessons > 0) why.push(t('report:behind', { lessons: a.behindLessons, days: a.behindDays }));
    for (const f of a.failed) why.push(t('report:failed', { test: testName(data, lang, f.test.courseId, f.test.lessonId), count: f.failures }));
    lines.push(`• ${label(data, a.userId)} — ${why.join('; ')}`);
  }
  if (p.attention.length > ATTENTION_LIMIT) lines.push(t('report:more', { count: p.attention.length - ATTENTION_LIMIT }));
  return lines.join('\n');
}

function reportCard(ctx: BotContext, group: StudyGroup): Reply {
  return {
    text: groupReportText(ctx.t, ctx.lang, ctx.data, group, ctx.today()),
    buttons: [[{ text: ctx.t('report:button.nudge'), command: 'training', payload: buttonPayload('t.nudge', group.id), style: 'primary' }]],
  };
}

function learnerText(ctx: BotContext, userId: number, group: StudyGroup): string {
  const plan = planOf(ctx.data, group);
  const head = ctx.t('report:learner_head', { person: label(ctx.data, userId), group: groupTitle(group) });
  if (!plan) return `${head}\n${ctx.t('training:start.no_program', { group: groupTitle(group), id: group.id })}`;
  const r = learnerReport(plan, factsIn(ctx.data, group, userId), ctx.data.training?.attempts ?? [], ctx.today());
  const lines = [head, `${ctx.t(`training:status.${r.schedule.status}`)} · ${ctx.t('training:my.progress', { done: r.done, count: r.total })}`];
  if (r.schedule.behind > 0) lines.push(ctx.t('report:learner_behind', { lessons: r.schedule.behind }));
  lines.push('', ctx.t('report:schedule_head'));
  for (const i of r.schedule.items) {
    const title = escapeBb(localized(i.lesson.title, ctx.lang));
    const when = i.done
      ? ctx.t('report:item_done', { day: i.doneOn ? formatDay(i.doneOn, ctx.lang) : '—' })
      : i.due === null ? ctx.t('report:item_unplanned') : ctx.t(i.overdue ? 'report:item_overdue' : 'report:item_due', { day: formatDay(i.due, ctx.lang) });
    lines.push(`${i.done ? '✓' : '•'} ${title} — ${when}`);
  }
  lines.push('', r.attempts.length === 0 ? ctx.t('report:attempts_none') : ctx.t('report:attempts_head', { count: r.attempts.length }));
  for (const a of r.attempts) {
    const name = testName(ctx.data, ctx.lang, a.test.courseId, a.test.lessonId);
    const day = formatDay(a.startedAt.slice(0, 10), ctx.lang);
    const outcome = a.finishedAt === null || a.percent === null ? ctx.t('report:attempt_open') : ctx.t(a.passed ? 'report:attempt_passed' : 'report:attempt_failed', { percent: a.percent });
    lines.push(`• ${name} · ${day} · ${outcome}`);
  }
  return lines.join('\n');
}

/** A learner named by a mention, or by the name of exactly one learner the portal remembers. */
function learnerFromTokens(data: PortalData, tokens: readonly string[]): number | null {
  if (tokens.length === 1) {
    const id = mentionId(tokens[0]!);
    if (id !== null) return id;
  }
  const name = tokens.join(' ').trim();
  if (name === '') return null;
  const ids = Object.keys(data.training?.learners ?? {}).map(Number).concat(data.groups.flatMap((g) => (g.training ? g.members.map((m) => m.userId) : [])));
  const found = [...new Set(ids)].filter((id) => {
    const known = data.users[String(id)]?.name;
    return known !== undefined && namesMatch(known, name) && trainingGroupOf(data, id) !== null;
  });
  return found.length === 1 ? found[0]! : null;
}

/** `/training report <group>` or `/training report <user>`. */
export async function report(ctx: BotContext): Promise<void> {
  const tokens = ctx.args.slice(1);
  const userId = learnerFromTokens(ctx.data, tokens);
  if (userId !== null) {
    const group = trainingGroupOf(ctx.data, userId);
    if (!group) {
      await ctx.reply(ctx.t('training:not_learner', { person: label(ctx.data, userId) }));
      return;
    }
    if (!(await requireManage(ctx, group))) return;
    await ctx.reply(learnerText(ctx, userId, group));
    return;
  }
  const group = await groupFromTokens(ctx, tokens);
  if (!group) return;
  if (!(await requireManage(ctx, group))) return;
  // The picture first (issue 12 item 5: a moderator would rather look than read), then the card,
  // so the newest message is the one with the Nudge button.
  const chart = groupProgressChart(ctx.t, ctx.lang, ctx.data, group, ctx.today());
  if (chart) {
    const sent = await sendProgressChart(ctx, ctx.chat.dialogId, chart, { fileName: `progress-${group.id}-${ctx.today()}.png` });
    if (!sent.ok) await ctx.reply(uploadFailureText(ctx.t, sent.reason));
  }
  await ctx.reply(reportCard(ctx, group));
}

/**
 * Nudge: each learner who needs attention gets their next step in the private chat, once a portal
 * day at most (claimed in one write before sending, so a second press or a racing one sends none),
 * 50 messages to a batch request.
 */
export async function nudgeButton(ctx: BotContext, args: string[]): Promise<void> {
  const group = groupById(ctx, intArg(args[0]));
  if (!group) return replyGone(ctx);
  if (!(await requireManage(ctx, group))) return;
  const plan = planOf(ctx.data, group);
  if (!plan) {
    await ctx.reply(ctx.t('training:start.no_program', { group: groupTitle(group), id: group.id }));
    return;
  }
  const today = ctx.today();
  const facts = learnersOf(ctx.data, group).map((id) => factsIn(ctx.data, group, id));
  const p = groupProgress(plan, facts, ctx.data.training?.attempts ?? [], today);
  const wanted = p.attention.map((a) => a.userId);
  const claimed = await ctx.update((d) => {
    d.training ??= { learners: {}, rules: [] };
    const progress = (d.training.progress ??= {});
    const nudged = (progress.nudgedOn ??= {});
    const mine = wanted.filter((id) => nudged[String(id)] !== today);
    for (const id of mine) nudged[String(id)] = today;
    return mine;
  });
  const skipped = wanted.length - claimed.length;
  const calls: BatchCall[] = [];
  for (const userId of claimed) {
    const next = learnerReport(plan, facts.find((f) => f.userId === userId)!, [], today).schedule.next;
    calls.push({ key: `n${userId}`, method: 'imbot.v2.Chat.Message.send', params: { botId: ctx.botId, dialogId: String(userId), fields: renderFields(nudgeMessage(ctx.t, ctx.lang, group, next), ctx.botId) } });
  }
  let failures = 0;
  if (calls.length > 0) {
    try {
      const out = await (await ctx.asApp()).batch(calls);
      failures = Object.keys(out.errors).length;
    } catch (e) {
      failures = calls.length;
      ctx.log.warn({ err: String(e) }, 'nudge: not delivered (not retried)');
    }
  }
  await ctx.reply(ctx.t('report:nudged', { group: groupTitle(group), count: claimed.length - failures, skipped, failed: failures }));
}

function nudgeMessage(t: T, lang: Lang, group: StudyGroup, next: GroupPlan['program']['topics'][number]['lessons'][number] | undefined): Reply {
  if (!next) return { text: t('report:nudge_none', { group: escapeBb(group.name) }) };
  const title = escapeBb(localized(next.title, lang));
  return {
    text: t(next.test ? 'report:nudge_test' : 'report:nudge_lesson', { group: escapeBb(group.name), lesson: title }),
    buttons: lessonButtons(t, next),
  };
}
