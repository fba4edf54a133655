// The learner's side: "my training" / "моё обучение" and /training in the private chat, the lesson card and its "done" button.
import type { BotContext } from '../../bot/context.js';
import { buttonPayload, type Button, type Reply } from '../../bot/render.js';
import { escapeBb } from '../../domain/bbcode.js';
import { compareDays, formatDay } from '../../domain/dates.js';
import type { Lesson, Localized } from '../../domain/training/model.js';
import type { Lang, T } from '../../i18n/index.js';
import { groupTitle } from '../group/common.js';
import { takeButton } from '../quiz/take.js';
import { learnerView, storedFacts, trainingGroupOf } from './common.js';

export function localized(text: Localized, lang: Lang): string {
  return lang === 'ru' && text.ru ? text.ru : text.en;
}

function lessonLine(t: T, lang: Lang, lesson: Lesson): string {
  const kind = lesson.test ? t('training:my.test') : '';
  return `[b]${escapeBb(localized(lesson.title, lang))}[/b]${kind} — ${t('training:my.minutes', { count: lesson.minutes })}`;
}

/**
 * A lesson's buttons: open it, mark it done (whoever presses is the learner the answer is for). A
 * test with questions is taken in the chat instead of being marked done (issue 12).
 */
export function lessonButtons(t: T, lesson: Lesson, courseId?: number): Button[][] {
  const row: Button[] = [{ text: t('training:button.open'), link: lesson.url }];
  if (lesson.test && (lesson.questions?.length ?? 0) > 0) {
    const take = courseId === undefined ? null : takeButton({ t }, { courseId, lessonId: lesson.id });
    if (take) row.push(take);
  } else if (/^[^:\s]{1,64}$/.test(lesson.id)) row.push({ text: t('training:button.done'), command: 'training', payload: buttonPayload('t.done', lesson.id), style: 'primary' });
  return [row];
}

/** The message a learner gets when a lesson falls due (the reminders job sends it once). */
export function dueLessonMessage(t: T, lang: Lang, groupName: string, lesson: Lesson, courseId?: number): Reply {
  return {
    text: `${t('training:remind.head', { group: escapeBb(groupName) })}\n${lessonLine(t, lang, lesson)}`,
    buttons: lessonButtons(t, lesson, courseId),
  };
}

export function myTrainingReply(ctx: BotContext): Reply {
  const today = ctx.today();
  const view = learnerView(ctx.data, ctx.user.id, today);
  if (!view) {
    const group = trainingGroupOf(ctx.data, ctx.user.id);
    return { text: group ? ctx.t('training:my.no_program', { group: groupTitle(group) }) : ctx.t('training:my.none') };
  }
  const { schedule, group } = view;
  const done = schedule.items.filter((i) => i.done).length;
  const lines = [
    ctx.t('training:my.head', { group: groupTitle(group), status: ctx.t(`training:status.${schedule.status}`) }),
    ctx.t('training:my.progress', { done, count: schedule.items.length }),
  ];
  const next = schedule.next;
  if (schedule.status === 'done') lines.push(ctx.t('training:my.all_done'));
  else if (schedule.start === null) lines.push(ctx.t('training:my.not_started'));
  const due = schedule.items.filter((i) => !i.done && i.due !== null && compareDays(i.due, today) <= 0);
  if (due.length > 0) {
    lines.push('', ctx.t('training:my.due_head', { count: due.length }));
    for (const i of due.slice(0, 10)) lines.push(`• ${lessonLine(ctx.t, ctx.lang, i.lesson)} · ${ctx.t(i.overdue ? 'training:my.overdue' : 'training:my.due_on', { day: formatDay(i.due!, ctx.lang) })}`);
  }
  if (next) {
    const item = schedule.items.find((i) => i.lesson.id === next.id);
    const when = item?.due ? ctx.t('training:my.due_on', { day: formatDay(item.due, ctx.lang) }) : '';
    lines.push('', ctx.t('training:my.current'), `${lessonLine(ctx.t, ctx.lang, next)}${when ? ` · ${when}` : ''}`);
  }
  return { text: lines.join('\n'), ...(next ? { buttons: lessonButtons(ctx.t, next, view.training.courseId ?? undefined) } : {}) };
}

export async function myTraining(ctx: BotContext): Promise<void> {
  await ctx.reply(myTrainingReply(ctx));
}

/** "Done" on a lesson: recorded once, as the presser's fact, for a lesson of their own plan. */
export async function doneButton(ctx: BotContext, args: string[]): Promise<void> {
  const lessonId = args[0] ?? '';
  const today = ctx.today();
  const view = learnerView(ctx.data, ctx.user.id, today);
  const item = view?.schedule.items.find((i) => i.lesson.id === lessonId);
  if (!view || !item) {
    await ctx.reply(ctx.t('training:my.not_your_lesson'));
    return;
  }
  if (item.lesson.test && (item.lesson.questions?.length ?? 0) > 0 && !item.done) {
    const take = takeButton(ctx, { courseId: view.training.courseId ?? 0, lessonId: lessonId });
    await ctx.reply({ text: ctx.t('quiz:take.use_test'), ...(take ? { buttons: [[take]] } : {}) });
    return;
  }
  if (item.done) {
    await ctx.reply(ctx.t('training:my.already_done', { lesson: escapeBb(localized(item.lesson.title, ctx.lang)) }));
    return;
  }
  const data = await ctx.update((d) => {
    const g = d.groups.find((x) => x.id === view.group.id);
    if (g) storedFacts(d, g, ctx.user.id).completed[lessonId] ??= today;
    return structuredClone(d.training);
  });
  const after = { ...ctx, data: { ...ctx.data, ...(data ? { training: data } : {}) } };
  const reply = myTrainingReply(after);
  await ctx.reply({ ...reply, text: `${ctx.t('training:my.marked', { lesson: escapeBb(localized(item.lesson.title, ctx.lang)) })}\n\n${reply.text}` });
}

export const trainingIntents: Array<{ pattern: RegExp; command: string }> = [
  { pattern: /^(?:(?:show|open)(?: me)? )?my training(?: please)?$/, command: 'training' },
  { pattern: /^(?:(?:покажи|открой)(?: мне)? )?(?:моё|мое) обучение(?: пожалуйста)?$/, command: 'training' },
];
