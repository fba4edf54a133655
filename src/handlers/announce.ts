// Course announcements: the workgroup feed post (log.blogpost.add to SG<id>), the bound-chat message with buttons, reminders.
import type { RestClient } from '../bot/portal.js';
import { buttonPayload, type Button, type Reply } from '../bot/render.js';
import { escapeBb } from '../domain/bbcode.js';
import { formatDay } from '../domain/dates.js';
import type { Course, Day, StudyGroup } from '../domain/model.js';
import { pickLanguage, tFor, type Lang, type T } from '../i18n/index.js';

/** `${groupId}:${courseId}:${userId}`: who pressed "done" (PortalData.completions). */
export function completionKey(groupId: number, courseId: number, userId: number): string {
  return `${groupId}:${courseId}:${userId}`;
}

export function isDone(completions: readonly string[], groupId: number, courseId: number, userId: number): boolean {
  return completions.includes(completionKey(groupId, courseId, userId));
}

/** How many people pressed "done" for this course in this group. */
export function doneCount(completions: readonly string[], groupId: number, courseId: number): number {
  const prefix = `${groupId}:${courseId}:`;
  return completions.filter((k) => k.startsWith(prefix)).length;
}

/**
 * Recorded (in PortalData.sent) whenever a course is announced to a group, by `/course attach` or
 * by the window-open job. The window's start is part of the key, so the opening announcement skips
 * what attaching already announced, and a window moved later announces the courses once more.
 */
export function courseAnnouncedKey(groupId: number, courseId: number, accessFrom: Day | null): string {
  return `ann:${groupId}:${courseId}:${accessFrom ?? '-'}`;
}

/** Full members (an invitation not yet accepted is not one). */
export function memberIds(group: StudyGroup): number[] {
  return group.members.filter((m) => m.status === 'member').map((m) => m.userId);
}

/** `[url=…]Title[/url]`: the URL was made BB-code-safe by validateCourseUrl; the title is escaped here. */
export function courseLink(course: Course): string {
  return `[url=${course.url}]${escapeBb(course.title)}[/url]`;
}

/** "Link: https://…" — the address itself, so it can be read and copied from the feed. */
export function linkLine(t: T, course: Course): string {
  return `${t('announce:link')}: [url=${course.url}]${course.url}[/url]`;
}

export function kindSuffix(t: T, course: Course): string {
  return course.kind === 'test' ? ` ${t('announce:kind_test')}` : '';
}

/** The one prompt an announcement carries: the course's first, else the default. Escaped. */
export function promptOf(t: T, course: Course): string {
  const first = course.prompts[0];
  return first !== undefined ? escapeBb(first) : t('announce:default_prompt');
}

/** The access window in words ("24 Nov 2026 – 30 Nov 2026", "from …", "until …", "always"). */
export function windowText(t: T, lang: Lang, group: Pick<StudyGroup, 'accessFrom' | 'accessTo'>): string {
  const from = group.accessFrom ? formatDay(group.accessFrom, lang) : null;
  const to = group.accessTo ? formatDay(group.accessTo, lang) : null;
  if (from && to) return t('announce:window.both', { from, to });
  if (from) return t('announce:window.from', { from });
  if (to) return t('announce:window.to', { to });
  return t('announce:window.always');
}

export interface FeedPost {
  title: string;
  message: string;
}

/** The feed post for one attached course: title, link, one discussion prompt. */
export function courseFeedPost(t: T, group: StudyGroup, course: Course, botLink?: string): FeedPost {
  return {
    // The post title is plain text: no BB-code, but escaped all the same so nothing can form a tag.
    title: t('announce:feed.title', { title: escapeBb(course.title) }),
    message: [
      t('announce:feed.intro', { group: escapeBb(group.name) }),
      '',
      `[b]${escapeBb(course.title)}[/b]${kindSuffix(t, course)}`,
      linkLine(t, course),
      '',
      `${t('announce:discussion')}: ${promptOf(t, course)}`,
      ...botLinkLines(t, botLink),
    ].join('\n'),
  };
}

/** "Your courses in the chat with the bot": a BOT_CONTEXT link that opens this group's courses there. */
function botLinkLines(t: T, botLink: string | undefined): string[] {
  return botLink ? ['', `[URL=${botLink}]${t('announce:open_in_bot')}[/URL]`] : [];
}

/** The feed post when a group's access window opens: each course with its link and one prompt. */
export function openingFeedPost(t: T, lang: Lang, group: StudyGroup, courses: readonly Course[], botLink?: string): FeedPost {
  const lines = [t('announce:opening.intro', { group: escapeBb(group.name), window: windowText(t, lang, group) }), ''];
  for (const course of courses) {
    lines.push(`[b]${escapeBb(course.title)}[/b]${kindSuffix(t, course)}`, linkLine(t, course), `${t('announce:discussion')}: ${promptOf(t, course)}`, '');
  }
  return { title: t('announce:opening.title', { group: escapeBb(group.name) }), message: [lines.join('\n').trim(), ...botLinkLines(t, botLink)].join('\n') };
}

/** The buttons under a course in a chat: open it, discuss it, mark it done. */
export function courseButtons(t: T, groupId: number, course: Course): Button[] {
  return [
    { text: t('announce:button.open'), link: course.url, style: 'primary' },
    { text: t('announce:button.discuss'), command: 'course', payload: buttonPayload('c.disc', groupId, course.id) },
    { text: t('announce:button.done'), command: 'course', payload: buttonPayload('c.done', groupId, course.id), style: 'secondary' },
  ];
}

/** The bound-chat message for one course; re-rendered in place when someone presses "done". */
export function chatAnnouncement(t: T, group: StudyGroup, course: Course, completions: readonly string[]): Reply {
  const done = doneCount(completions, group.id, course.id);
  const total = memberIds(group).length;
  return {
    text: [
      t('announce:chat.intro', { group: escapeBb(group.name) }),
      `[b]${escapeBb(course.title)}[/b]${kindSuffix(t, course)}`,
      linkLine(t, course),
      '',
      `${t('announce:discussion')}: ${promptOf(t, course)}`,
      ...(done > 0 ? ['', t('announce:chat.done', { done, total })] : []),
    ].join('\n'),
    buttons: [courseButtons(t, group.id, course)],
  };
}

/** "discuss": every prompt of the course (or the default one), numbered when several. */
export function discussionText(t: T, course: Course, starter: string): string {
  const prompts = course.prompts.length > 0 ? course.prompts.map(escapeBb) : [t('announce:default_prompt')];
  const body = prompts.length === 1 ? prompts[0]! : prompts.map((p, i) => `${i + 1}. ${p}`).join('\n');
  return [t('announce:discuss.intro', { who: starter, title: escapeBb(course.title) }), body].join('\n');
}

/** The private reminder a day before the window closes: the courses the learner has not marked done. */
export function reminderMessage(t: T, lang: Lang, group: StudyGroup, courses: readonly Course[]): Reply {
  const to = group.accessTo ? formatDay(group.accessTo, lang) : '';
  return {
    text: [
      t('announce:reminder.intro', { group: escapeBb(group.name), to }),
      '',
      ...courses.map((c) => `• ${courseLink(c)}${kindSuffix(t, c)}`),
      '',
      t('announce:reminder.hint'),
    ].join('\n'),
    buttons: [
      ...courses.slice(0, 5).map((c) => [
        { text: t('announce:reminder.open', { title: c.title }), link: c.url },
        { text: t('announce:button.done'), command: 'course', payload: buttonPayload('c.done', group.id, c.id), style: 'secondary' as const },
      ]),
      [{ text: t('announce:button.mycourses'), command: 'mycourses', payload: '' }],
    ],
  };
}

/**
 * Posts into the workgroup's feed (api doc §14.1) as whoever `rest` acts for: the moderator who
 * attached the course (so the portal checks their right to write there), or the installation for
 * scheduled work. Returns the post id.
 */
/**
 * One post to a workgroup's feed. `onBehalfOf`: when the client is the installation (fetch and
 * one-portal modes carry no token of the person who asked), the post is made in that person's name
 * with `USER_ID`, which Bitrix24 honours for admins only (bitrix24-api.md §14.1); the portal then
 * checks that person's right to write in the feed, as it would with their own token. A refusal is
 * not retried without USER_ID: that would post where the person may not. What a portal does with
 * USER_ID from a non-admin is not documented [unconfirmed]; the emulator ignores it.
 */
export async function postToFeed(rest: RestClient, workgroupId: number, post: FeedPost, onBehalfOf?: number): Promise<number> {
  // No workgroup yet (workgroupId 0): there is no feed, and nobody to read it.
  if (!(workgroupId > 0)) return 0;
  const id = await rest.call<unknown>('log.blogpost.add', {
    POST_TITLE: post.title,
    POST_MESSAGE: post.message,
    DEST: [`SG${workgroupId}`],
    ...(onBehalfOf !== undefined ? { USER_ID: onBehalfOf } : {}),
  });
  return Number(id) || 0;
}

/**
 * The portal's language as last learnt from its events, for what is posted without an event (schedules)
 * or to many people at once. Events name the portal's language too, so it is ctx.lang where there is one.
 */
export function portalLanguage(installationLanguage: string): { lang: Lang; t: T } {
  const lang = pickLanguage(installationLanguage);
  return { lang, t: tFor(lang) };
}
