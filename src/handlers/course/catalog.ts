// The course catalog: /course add, /course list, /course prompt, /course extranet, /course catalog.
import type { BotContext } from '../../bot/context.js';
import { catalogFor, type CatalogEntry } from '../../domain/access.js';
import { escapeBb } from '../../domain/bbcode.js';
import type { Course, CourseKind } from '../../domain/model.js';
import { normalizeLine, validateCourseTitle, validateCourseUrl, validatePrompt } from '../../domain/validate.js';
import { courseLink, kindSuffix } from '../announce.js';
import { replyError, requireModerator } from '../shared.js';
import { lookupCourse, restAfter } from './refs.js';
import { namesMatch } from '../../domain/text.js';

const KIND_WORDS: Record<string, CourseKind> = { test: 'test', тест: 'test', course: 'course', курс: 'course' };
export const MAX_PROMPTS = 10;
/** A catalog listing stays well under the 20,000-character message limit. */
const LIST_LIMIT = 60;

/**
 * `/course add <title> <url> [test]`. The title may be quoted or plain words: the link is the last
 * token (or the one before a kind word), everything before it is the title.
 */
export async function addCourse(ctx: BotContext): Promise<void> {
  if (!(await requireModerator(ctx))) return;
  const tokens = ctx.args.slice(1);
  let kind: CourseKind = 'course';
  const last = tokens.at(-1)?.toLowerCase();
  if (tokens.length >= 3 && last !== undefined && KIND_WORDS[last]) {
    kind = KIND_WORDS[last]!;
    tokens.pop();
  }
  if (tokens.length < 2) {
    await ctx.reply(ctx.t('course:add.usage'));
    return;
  }
  const title = validateCourseTitle(tokens.slice(0, -1).join(' '));
  if (!title.ok) return replyError(ctx, title.code, title.details);
  const url = validateCourseUrl(tokens.at(-1)!);
  if (!url.ok) return replyError(ctx, url.code, url.details);
  const now = ctx.now().toISOString();
  const result = await ctx.update((d) => {
    // Typing the same command twice must not make two courses.
    const same = d.courses.find((c) => c.url === url.value && namesMatch(c.title, title.value));
    if (same) return { course: same, created: false };
    d.counters.course += 1;
    const course: Course = {
      id: d.counters.course,
      title: title.value,
      url: url.value,
      kind,
      prompts: [],
      hiddenFromExtranet: false,
      createdBy: ctx.user.id,
      createdAt: now,
    };
    d.courses.push(course);
    return { course, created: true };
  });
  const { course } = result;
  const vars = { id: course.id, link: courseLink(course), kind: kindSuffix(ctx.t, course) };
  await ctx.reply(result.created ? ctx.t('course:add.done', vars) : ctx.t('course:add.exists', vars));
}

function entryLine(ctx: BotContext, entry: CatalogEntry, moderatorView: boolean): string {
  const c = entry.course;
  const parts = [`#${c.id} ${courseLink(c)}${kindSuffix(ctx.t, c)}`];
  const groups = entry.via.map((g) => `${escapeBb(g.name)} (#${g.id})`).join(', ');
  if (moderatorView) {
    if (entry.closed) parts.push(ctx.t('course:list.closed_in', { groups }));
    if (entry.hidden) parts.push(ctx.t('course:list.hidden_catalog', { id: c.id }));
    if (!entry.closed && c.hiddenFromExtranet) parts.push(ctx.t('course:list.hidden_extranet'));
    if (c.prompts.length > 0) parts.push(ctx.t('course:list.prompts', { count: c.prompts.length }));
  } else if (entry.closed) {
    parts.push(ctx.t('course:list.your_group', { groups }));
  }
  return `• ${parts.join(' — ')}`;
}

/** `/course list`: moderators see the whole catalog with closed marks; everyone else what the closed-course rule lets them see. */
export async function listCourses(ctx: BotContext): Promise<void> {
  const viewer = { userId: ctx.user.id, extranet: ctx.user.extranet };
  // External users never get the moderator view, so no need to ask Bitrix24 about them.
  const moderatorView = !ctx.user.extranet && (await ctx.isModerator());
  const entries = catalogFor(viewer, ctx.data.courses, ctx.data.groups, ctx.today(), { isModerator: moderatorView });
  if (entries.length === 0) {
    await ctx.reply(ctx.t(moderatorView ? 'course:list.empty_moderator' : 'course:list.empty'));
    return;
  }
  const lines = entries.slice(0, LIST_LIMIT).map((e) => entryLine(ctx, e, moderatorView));
  if (entries.length > LIST_LIMIT) lines.push(ctx.t('course:list.more', { count: entries.length - LIST_LIMIT }));
  const title = ctx.t(moderatorView ? 'course:list.title_moderator' : 'course:list.title', { count: entries.length });
  await ctx.reply({
    text: [`[b]${title}[/b]`, ...lines].join('\n'),
    buttons: [[{ text: ctx.t('course:button.mycourses'), command: 'mycourses', payload: '' }]],
  });
}

/** `/course prompt <course> <text>` adds a discussion prompt; `-` as the text removes them all. */
export async function addPrompt(ctx: BotContext): Promise<void> {
  if (!(await requireModerator(ctx))) return;
  const found = lookupCourse(ctx.data.courses, ctx.args[1]);
  if (!found.ok) return replyError(ctx, found.code, found.details);
  const raw = restAfter(ctx.text, 2);
  if (raw === '') {
    await ctx.reply(ctx.t('course:prompt.usage'));
    return;
  }
  const courseId = found.value.id;
  if (raw === '-') {
    await ctx.update((d) => {
      const c = d.courses.find((x) => x.id === courseId);
      if (c) c.prompts = [];
    });
    await ctx.reply(ctx.t('course:prompt.cleared', { title: escapeBb(found.value.title) }));
    return;
  }
  const prompt = validatePrompt(raw);
  if (!prompt.ok) return replyError(ctx, prompt.code, prompt.details);
  const outcome = await ctx.update((d) => {
    const c = d.courses.find((x) => x.id === courseId);
    if (!c) return { kind: 'gone' as const };
    if (c.prompts.includes(prompt.value)) return { kind: 'same' as const, count: c.prompts.length };
    if (c.prompts.length >= MAX_PROMPTS) return { kind: 'full' as const, count: c.prompts.length };
    c.prompts.push(prompt.value);
    return { kind: 'added' as const, count: c.prompts.length };
  });
  const title = escapeBb(found.value.title);
  if (outcome.kind === 'gone') return replyError(ctx, 'course_not_found', { ref: `#${courseId}` });
  if (outcome.kind === 'full') {
    await ctx.reply(ctx.t('course:prompt.full', { title, max: MAX_PROMPTS }));
    return;
  }
  await ctx.reply(ctx.t(outcome.kind === 'same' ? 'course:prompt.same' : 'course:prompt.added', { title, count: outcome.count }));
}

const ON = new Set(['on', 'yes', 'show', 'да', 'вкл']);
const OFF = new Set(['off', 'no', 'hide', 'нет', 'выкл']);

/** `/course extranet <course> on|off`: off hides an open course from external users. */
export async function setExtranet(ctx: BotContext): Promise<void> {
  await setHiddenFlag(ctx, 'hiddenFromExtranet', 'extranet');
}

/**
 * `/course catalog <course> on|off`: off keeps a course that is in no group out of the catalog, so
 * only moderators see it (what deleting a group can leave behind); on opens it to everyone again.
 */
export async function setCatalog(ctx: BotContext): Promise<void> {
  await setHiddenFlag(ctx, 'hiddenFromCatalog', 'catalog');
}

/** `<course> on|off` for a flag that hides an open course ("off" hides it). */
async function setHiddenFlag(ctx: BotContext, flag: 'hiddenFromExtranet' | 'hiddenFromCatalog', keys: 'extranet' | 'catalog'): Promise<void> {
  if (!(await requireModerator(ctx))) return;
  const tokens = ctx.args.slice(1);
  const switchWord = normalizeLine(tokens.at(-1) ?? '').toLowerCase();
  if (tokens.length < 2 || (!ON.has(switchWord) && !OFF.has(switchWord))) {
    await ctx.reply(ctx.t(`course:${keys}.usage`));
    return;
  }
  const found = lookupCourse(ctx.data.courses, tokens.slice(0, -1).join(' '));
  if (!found.ok) return replyError(ctx, found.code, found.details);
  const hidden = OFF.has(switchWord);
  const courseId = found.value.id;
  const closed = await ctx.update((d) => {
    const c = d.courses.find((x) => x.id === courseId);
    if (c) c[flag] = hidden;
    return d.groups.some((g) => g.courseIds.includes(courseId));
  });
  const title = escapeBb(found.value.title);
  const lines = [ctx.t(hidden ? `course:${keys}.hidden` : `course:${keys}.shown`, { title })];
  // The flags matter for open courses only: a closed course is seen through its groups.
  if (closed) lines.push(ctx.t(`course:${keys}.closed_note`));
  await ctx.reply(lines.join('\n'));
}
