// "My groups" / "my courses": the learner's open groups with their courses, then the open courses — answered from the store alone.
import type { BotContext, ButtonHandler, Handler } from '../bot/context.js';
import { buttonPayload, type Button, type Reply } from '../bot/render.js';
import { isGroupOpenOn, isMember, visibleCourses } from '../domain/access.js';
import { escapeBb } from '../domain/bbcode.js';
import type { Course, StudyGroup } from '../domain/model.js';
import { courseLink, isDone, kindSuffix, windowText } from './announce.js';
import { takeButton } from './quiz/take.js';
import { userLabel } from './shared.js';

/** Caps that keep the answer far below the 20,000-character message limit on a large portal. */
const LIMITS = { groups: 15, coursesPerGroup: 20, open: 30, groupButtons: 8, courseButtons: 10, testButtons: 5 } as const;

/** A stand-alone test with questions is taken in the chat (issue 12). */
const inChat = (c: Course): boolean => c.kind === 'test' && (c.questions?.length ?? 0) > 0;

function testButton(ctx: BotContext, c: Course): Button | null {
  const b = takeButton(ctx, { courseId: c.id });
  return b ? { ...b, text: `${b.text}: ${c.title}` } : null;
}

/**
 * Lower-cased, punctuation removed (router.ts). "my courses", "мои курсы", "мои обучения",
 * "show my courses", "какие у меня курсы", and close variants. "My groups", "мои группы" and their
 * variants get the same answer: it is titled "My groups" and lists the groups with their courses.
 */
export const myCoursesIntents: Array<{ pattern: RegExp; command: string }> = [
  {
    pattern:
      /^(?:(?:please )?(?:show|list|open|see|view|get|give)(?: me)? )?(?:all )?my (?:courses?|trainings?|learning|tests?|courses and tests)(?: please)?$/,
    command: 'mycourses',
  },
  { pattern: /^(?:what|which) (?:courses|trainings) (?:do i have|am i in|are mine|are open to me)$/, command: 'mycourses' },
  { pattern: /^what are my (?:courses|trainings)$/, command: 'mycourses' },
  {
    pattern:
      /^(?:(?:покажи|покажите|показать|открой|открыть|список)(?: мне)? )?(?:все )?мои (?:курсы|обучения|обучение|тесты|курсы и тесты)(?: пожалуйста)?$/,
    command: 'mycourses',
  },
  { pattern: /^какие (?:у меня )?(?:курсы|обучения)(?: у меня)?(?: есть)?$/, command: 'mycourses' },
  { pattern: /^мой курс$|^my course$/, command: 'mycourses' },
  {
    pattern: /^(?:(?:please )?(?:show|list|open|see|view|get|give)(?: me)? )?(?:all )?my (?:study )?groups?(?: please)?$/,
    command: 'mycourses',
  },
  { pattern: /^(?:what|which) (?:study )?groups (?:do i have|am i in|are mine)$/, command: 'mycourses' },
  { pattern: /^what are my (?:study )?groups$/, command: 'mycourses' },
  {
    pattern: /^(?:(?:покажи|покажите|показать|открой|открыть|список)(?: мне)? )?(?:все )?(?:мои (?:учебные )?группы|моя (?:учебная )?группа)(?: пожалуйста)?$/,
    command: 'mycourses',
  },
  { pattern: /^какие (?:у меня )?(?:учебные )?группы(?: у меня)?(?: есть)?$/, command: 'mycourses' },
  { pattern: /^в каких (?:учебных )?группах я(?: состою)?$/, command: 'mycourses' },
];

function courseLine(ctx: BotContext, groupId: number | null, course: Course): string {
  const done = groupId !== null && isDone(ctx.data.completions, groupId, course.id, ctx.user.id) ? ` ${ctx.t('mycourses:done_mark')}` : '';
  return `• ${courseLink(course)}${kindSuffix(ctx.t, course)}${done}`;
}

function groupHeader(ctx: BotContext, group: StudyGroup): string {
  return `[b]${escapeBb(group.name)}[/b] · ${windowText(ctx.t, ctx.lang, group)}`;
}

/** The whole answer, built from `ctx.data` only: no REST reads. */
export function myCoursesReply(ctx: BotContext): Reply {
  const viewer = { userId: ctx.user.id, extranet: ctx.user.extranet };
  const { byGroup, open } = visibleCourses(viewer, ctx.data.courses, ctx.data.groups, ctx.today());
  const lines: string[] = [`[b]${ctx.t('mycourses:title')}[/b]`];
  if (byGroup.length === 0) lines.push(ctx.t('mycourses:no_groups'));
  for (const { group, courses } of byGroup.slice(0, LIMITS.groups)) {
    lines.push('', groupHeader(ctx, group));
    if (courses.length === 0) lines.push(ctx.t('mycourses:group_empty'));
    lines.push(...courses.slice(0, LIMITS.coursesPerGroup).map((c) => courseLine(ctx, group.id, c)));
    if (courses.length > LIMITS.coursesPerGroup) lines.push(ctx.t('mycourses:more', { count: courses.length - LIMITS.coursesPerGroup }));
  }
  if (byGroup.length > LIMITS.groups) lines.push('', ctx.t('mycourses:more_groups', { count: byGroup.length - LIMITS.groups }));
  lines.push('', `[b]${ctx.t('mycourses:open_title')}[/b]`);
  if (open.length === 0) lines.push(ctx.t('mycourses:no_open'));
  lines.push(...open.slice(0, LIMITS.open).map((c) => courseLine(ctx, null, c)));
  if (open.length > LIMITS.open) lines.push(ctx.t('mycourses:more_open', { count: open.length - LIMITS.open }));
  const buttons: Button[][] = byGroup
    .slice(0, LIMITS.groupButtons)
    .map(({ group }) => [{ text: ctx.t('mycourses:button.group', { name: group.name }), command: 'mycourses', payload: buttonPayload('m.group', group.id) }]);
  const tests = [...new Map([...byGroup.flatMap((g) => g.courses), ...open].filter(inChat).map((c) => [c.id, c] as const)).values()];
  for (const c of tests.slice(0, LIMITS.testButtons)) {
    const b = testButton(ctx, c);
    if (b) buttons.push([b]);
  }
  return buttons.length > 0 ? { text: lines.join('\n'), buttons } : { text: lines.join('\n') };
}

/**
 * `/mycourses` and the words. In a group chat the list goes to the person's private dialog: it
 * names their closed courses, which the rest of the chat should not see.
 */
export const mycourses: Handler = async (ctx) => {
  const reply = myCoursesReply(ctx);
  if (ctx.chat.isPrivate) {
    await ctx.reply(reply);
    return;
  }
  await ctx.send(String(ctx.user.id), reply);
  await ctx.reply(ctx.t('mycourses:sent_privately', { who: userLabel(ctx, ctx.user.id) }));
};

/** The button under "my courses": one group's courses with a link and a "done" button for each. */
export const openGroupCourses: ButtonHandler = async (ctx, args) => {
  const group = ctx.data.groups.find((g) => g.id === Number(args[0]));
  if (!group || !isMember(group, ctx.user.id) || !isGroupOpenOn(group, ctx.today())) {
    await ctx.reply(ctx.t('mycourses:group_unavailable'));
    return;
  }
  const courses = group.courseIds
    .map((id) => ctx.data.courses.find((c) => c.id === id))
    .filter((c): c is Course => c !== undefined);
  const lines = [groupHeader(ctx, group)];
  if (group.description) lines.push(escapeBb(group.description));
  lines.push('');
  if (courses.length === 0) lines.push(ctx.t('mycourses:group_empty'));
  lines.push(...courses.slice(0, LIMITS.coursesPerGroup).map((c) => courseLine(ctx, group.id, c)));
  const buttons: Button[][] = courses.slice(0, LIMITS.courseButtons).map((c) => [
    { text: ctx.t('mycourses:button.open', { title: c.title }), link: c.url, style: 'primary' },
    ...(isDone(ctx.data.completions, group.id, c.id, ctx.user.id)
      ? []
      : inChat(c)
        ? [takeButton(ctx, { courseId: c.id })].filter((b): b is Button => b !== null)
        : [{ text: ctx.t('mycourses:button.done'), command: 'course', payload: buttonPayload('c.done', group.id, c.id) }]),
  ]);
  await ctx.reply(buttons.length > 0 ? { text: lines.join('\n'), buttons } : { text: lines.join('\n') });
};
