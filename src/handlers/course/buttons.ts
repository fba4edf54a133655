// The buttons under a course announcement: "done" records a completion, "discuss" posts the course's discussion prompts.
import type { ButtonHandler, BotContext } from '../../bot/context.js';
import { isGroupOpenOn, isMember } from '../../domain/access.js';
import { escapeBb } from '../../domain/bbcode.js';
import type { Course, StudyGroup } from '../../domain/model.js';
import { chatAnnouncement, completionKey, discussionText, portalLanguage } from '../announce.js';
import { takeButton } from '../quiz/take.js';
import { userLabel } from '../shared.js';

/** The group and course a payload names, if both still exist and the course is still in the group. */
async function target(ctx: BotContext, args: string[]): Promise<{ group: StudyGroup; course: Course } | null> {
  const groupId = Number(args[0]);
  const courseId = Number(args[1]);
  const group = ctx.data.groups.find((g) => g.id === groupId);
  const course = ctx.data.courses.find((c) => c.id === courseId);
  if (!group || !course || !group.courseIds.includes(courseId)) {
    await ctx.reply(ctx.t('common:button_stale'));
    return null;
  }
  return { group, course };
}

/**
 * "Done": only a member of the group, while it is open, may mark a course done, for themselves.
 * In a group chat the announcement's "done" count is updated in place instead of a new message per
 * press (thirty learners would otherwise bury the chat); in a private dialog the learner gets an answer.
 */
export const markDone: ButtonHandler = async (ctx, args) => {
  const found = await target(ctx, args);
  if (!found) return;
  const { group, course } = found;
  const vars = { title: escapeBb(course.title), group: escapeBb(group.name) };
  if (!isMember(group, ctx.user.id)) {
    await ctx.reply(ctx.t('course:done.not_member', { ...vars, who: userLabel(ctx, ctx.user.id) }));
    return;
  }
  if (!isGroupOpenOn(group, ctx.today())) {
    await ctx.reply(ctx.t('course:done.group_closed', vars));
    return;
  }
  if (course.kind === 'test' && (course.questions?.length ?? 0) > 0) {
    // Done by passing it (issue 12): the button would let anyone skip the questions.
    const take = takeButton(ctx, { courseId: course.id });
    await ctx.send(String(ctx.user.id), { text: ctx.t('quiz:take.use_test'), ...(take ? { buttons: [[take]] } : {}) });
    return;
  }
  const key = completionKey(group.id, course.id, ctx.user.id);
  const result = await ctx.update((d) => {
    const added = !d.completions.includes(key);
    if (added) d.completions.push(key);
    return { added, completions: d.completions.filter((k) => k.startsWith(`${group.id}:${course.id}:`)) };
  });
  const ev = ctx.event;
  if (!ctx.chat.isPrivate && ev.kind === 'command' && ev.context === 'keyboard') {
    if (result.added) {
      const { t } = portalLanguage(ctx.data.installation.language);
      await ctx.edit(ev.messageId, chatAnnouncement(t, group, course, result.completions));
    }
    return;
  }
  await ctx.reply(ctx.t(result.added ? 'course:done.recorded' : 'course:done.already', vars));
};

/**
 * "Discuss": the course's prompts (or the default one) in this chat, introduced with who asked.
 * Only where the course may be seen: a chat bound to the group, or a member while the group is
 * open — a forged payload must not reveal a closed course's title and prompts elsewhere.
 */
export const discuss: ButtonHandler = async (ctx, args) => {
  const found = await target(ctx, args);
  if (!found) return;
  const { group } = found;
  const boundHere = group.chatDialogIds.includes(ctx.chat.dialogId);
  if (!boundHere && !(isMember(group, ctx.user.id) && isGroupOpenOn(group, ctx.today()))) {
    await ctx.reply(ctx.t('common:button_stale'));
    return;
  }
  const t = ctx.chat.isPrivate ? ctx.t : portalLanguage(ctx.data.installation.language).t;
  await ctx.reply(discussionText(t, found.course, userLabel(ctx, ctx.user.id)));
};
