// /course attach and /course detach: closing a course to a study group (and announcing it), or reopening it.
import type { BotContext } from '../../bot/context.js';
import { PortalError } from '../../bot/portal.js';
import { isGroupOpenOn } from '../../domain/access.js';
import { escapeBb } from '../../domain/bbcode.js';
import { formatDay } from '../../domain/dates.js';
import type { Course, StudyGroup } from '../../domain/model.js';
import { chatAnnouncement, courseAnnouncedKey, courseFeedPost, portalLanguage, postToFeed } from '../announce.js';
import { boundGroup, replyError } from '../shared.js';
import { actsAsCaller } from '../group/caller.js';
import { groupLink } from '../deeplink.js';
import { mayKnowGroup } from '../group/common.js';
import { lookupCourseAndGroup } from './refs.js';
import { mayManageGroup } from './rights.js';
import { namesMatch } from '../../domain/text.js';

/** Why an attached course was not announced now. */
type Silence = 'archived' | 'not_yet' | 'ended';

function silenceOf(group: StudyGroup, today: string): Silence {
  if (group.archived) return 'archived';
  if (group.accessFrom !== null && today < group.accessFrom) return 'not_yet';
  return 'ended';
}

/**
 * The course and group a command names, when the caller may manage that group. A group the caller
 * may not even see is answered exactly as an unknown one, echoing the reference as typed; several
 * groups of one name count only those the caller may know of.
 */
async function resolve(ctx: BotContext): Promise<{ course: Course; group: StudyGroup } | null> {
  const tokens = ctx.args.slice(1);
  const bound = boundGroup(ctx);
  let found = lookupCourseAndGroup(ctx.data.courses, ctx.data.groups, tokens, bound);
  if (!found.ok && found.code === 'group_ambiguous') {
    const name = String(found.details?.ref ?? '');
    const unknown = new Set<number>();
    for (const g of ctx.data.groups) {
      if (namesMatch(g.name, name) && !(await mayKnowGroup(ctx, g, 'use'))) unknown.add(g.id);
    }
    if (unknown.size > 0) found = lookupCourseAndGroup(ctx.data.courses, ctx.data.groups.filter((g) => !unknown.has(g.id)), tokens, bound);
  }
  if (!found.ok) {
    await replyError(ctx, found.code, found.details);
    return null;
  }
  const { group, groupRef } = found.value;
  if (!(await mayManageGroup(ctx, group))) {
    // The bound chat's own group is no secret to the chat; a group named by hand may be.
    if (groupRef !== null && !(await mayKnowGroup(ctx, group, 'see'))) await replyError(ctx, 'group_not_found', { ref: groupRef });
    else await ctx.reply(ctx.t('course:not_manager', { group: escapeBb(group.name) }));
    return null;
  }
  return found.value;
}

/**
 * `/course attach <course> <group>`. The store changes first (the course is closed whatever happens
 * next), then the announcement: the feed post with the moderator's own token, so Bitrix24 checks
 * their right to write in that feed and shows them as the author; the bound chats get a bot
 * message. A group that is not open today is not announced now: the window-open job does it when
 * the window opens, and announcing an archived or ended group would only show a dead link.
 */
export async function attachCourse(ctx: BotContext): Promise<void> {
  const target = await resolve(ctx);
  if (!target) return;
  const today = ctx.today();
  const intentKey = `announce:${ctx.event.dedupeKey ?? ctx.now().toISOString()}:${target.group.id}:${target.course.id}`;
  const outcome = await ctx.update((d) => {
    const group = d.groups.find((g) => g.id === target.group.id);
    const course = d.courses.find((c) => c.id === target.course.id);
    if (!group || !course) return { kind: 'gone' as const };
    if (group.courseIds.includes(course.id)) return { kind: 'already' as const };
    const wasOpen = !d.groups.some((g) => g.courseIds.includes(course.id));
    group.courseIds.push(course.id);
    const announce = isGroupOpenOn(group, today);
    // Recorded in the same write that attaches: the window-open job will not announce it again.
    const key = courseAnnouncedKey(group.id, course.id, group.accessFrom);
    if (announce && !d.sent.includes(key)) d.sent.push(key);
    // What comes next is made in Bitrix24 after this write: noted, so a crash before it is done is
    // reported to the moderator at the next start (jobs/interrupted.ts) instead of passing in silence.
    if (announce) d.intents = [...(d.intents ?? []), { key: intentKey, kind: 'announce', groupId: group.id, courseId: course.id, userId: ctx.user.id, at: ctx.now().toISOString() }];
    return { kind: 'attached' as const, group: structuredClone(group), course: structuredClone(course), wasOpen, announce };
  });
  const vars = { title: escapeBb(target.course.title), group: escapeBb(target.group.name), id: target.group.id };
  if (outcome.kind === 'gone') return replyError(ctx, 'course_not_found', { ref: `#${target.course.id}` });
  if (outcome.kind === 'already') {
    await ctx.reply(ctx.t('course:attach.already', vars));
    return;
  }
  const { group, course } = outcome;
  const lines = [ctx.t('course:attach.done', vars), ctx.t(outcome.wasOpen ? 'course:attach.now_closed' : 'course:attach.also_closed', vars)];
  if (outcome.announce) {
    lines.push(...(await announceAttached(ctx, group, course)));
    await ctx.note((d) => void (d.intents = (d.intents ?? []).filter((i) => i.key !== intentKey)));
  } else {
    const silence = silenceOf(group, today);
    const from = group.accessFrom ? formatDay(group.accessFrom, ctx.lang) : '';
    const to = group.accessTo ? formatDay(group.accessTo, ctx.lang) : '';
    lines.push(ctx.t(`course:attach.silent.${silence}`, { from, to }));
  }
  await ctx.reply(lines.join('\n'));
}

/** Posts the feed announcement and the bound-chat messages; returns lines for the moderator's answer. */
async function announceAttached(ctx: BotContext, group: StudyGroup, course: Course): Promise<string[]> {
  const { t } = portalLanguage(ctx.data.installation.language);
  const lines: string[] = [];
  if (!(group.workgroupId > 0)) return lines;
  try {
    // Without the caller's own token the post is made in their name (USER_ID) by the installation.
    await postToFeed(ctx.asUser(), group.workgroupId, courseFeedPost(t, group, course, groupLink(ctx.data.installation.domain, ctx.botId, group.id)), actsAsCaller(ctx) ? undefined : ctx.user.id);
    lines.push(ctx.t('course:attach.feed_posted'));
  } catch (e) {
    // The portal's own words say why (e.g. no right to write in that feed); a network failure has none.
    const reason = e instanceof PortalError ? e.description || e.code : ctx.t('course:attach.no_answer');
    lines.push(ctx.t('course:attach.feed_failed', { reason: escapeBb(reason) }));
  }
  let posted = 0;
  const failed: string[] = [];
  const completions = ctx.data.completions;
  for (const dialogId of group.chatDialogIds) {
    try {
      await ctx.send(dialogId, chatAnnouncement(t, group, course, completions));
      posted++;
    } catch {
      failed.push(dialogId);
    }
  }
  if (posted > 0) lines.push(ctx.t('course:attach.chats_posted', { count: posted }));
  if (failed.length > 0) lines.push(ctx.t('course:attach.chats_failed', { chats: failed.join(', ') }));
  return lines;
}

/** `/course detach <course> <group>`: a course in no group any more is open to everyone again. */
export async function detachCourse(ctx: BotContext): Promise<void> {
  const target = await resolve(ctx);
  if (!target) return;
  const outcome = await ctx.update((d) => {
    const group = d.groups.find((g) => g.id === target.group.id);
    if (!group || !group.courseIds.includes(target.course.id)) return null;
    group.courseIds = group.courseIds.filter((id) => id !== target.course.id);
    return d.groups.filter((g) => g.courseIds.includes(target.course.id)).map((g) => `${escapeBb(g.name)} (#${g.id})`);
  });
  const vars = { title: escapeBb(target.course.title), group: escapeBb(target.group.name), id: target.group.id };
  if (outcome === null) {
    await ctx.reply(ctx.t('course:detach.not_attached', vars));
    return;
  }
  const after =
    outcome.length > 0
      ? ctx.t('course:detach.still_closed', { groups: outcome.join(', ') })
      : target.course.hiddenFromCatalog === true
        ? ctx.t('course:detach.hidden_catalog', { id: target.course.id })
        : ctx.t(target.course.hiddenFromExtranet ? 'course:detach.open_internal' : 'course:detach.open_all');
  await ctx.reply([ctx.t('course:detach.done', vars), after].join('\n'));
}
