// /course program <course>: shows a course's training program; a JSON or CSV file sent with it (or alone) loads one.
import type { BotContext } from '../../bot/context.js';
import { downloadBotFile } from '../../bot/files.js';
import { buttonPayload } from '../../bot/render.js';
import { escapeBb } from '../../domain/bbcode.js';
import type { Course } from '../../domain/model.js';
import { LEVELS, type Localized, type Program } from '../../domain/training/model.js';
import { MAX_FILE_BYTES, parseProgramFile, type ProgramFileError } from '../../domain/training/program-file.js';
import { questionErrorLine } from '../quiz/questions.js';
import { replyError, requireModerator } from '../shared.js';
import { lookupCourse, restAfter } from './refs.js';

/** Errors listed in one answer; the rest are counted. */
const SHOWN_ERRORS = 20;
/** Courses offered as buttons when a file comes without a course. */
const COURSE_BUTTONS = 20;

const local = (ctx: BotContext, text: Localized): string => escapeBb(ctx.lang === 'ru' && text.ru ? text.ru : text.en);

function programText(ctx: BotContext, course: Course, program: Program): string {
  const lines = [`[b]${ctx.t('program:show.title', { course: escapeBb(course.title), program: local(ctx, program.title) })}[/b]`];
  let lessons = 0;
  let minutes = 0;
  for (const topic of program.topics) {
    const parts: string[] = [];
    for (const level of LEVELS) {
      const own = topic.lessons.filter((l) => l.level === level);
      if (own.length === 0) continue;
      const sum = own.reduce((s, l) => s + l.minutes, 0);
      const tests = own.filter((l) => l.test === true).length;
      lessons += own.length;
      minutes += sum;
      parts.push(ctx.t('program:show.level', { level: ctx.t(`program:level.${level}`), count: own.length, minutes: sum, tests }));
    }
    lines.push(`• [b]${local(ctx, topic.title)}[/b]: ${parts.join('; ')}`);
  }
  lines.push(ctx.t('program:show.total', { topics: program.topics.length, count: lessons, minutes }));
  return lines.join('\n');
}

function errorLine(ctx: BotContext, e: ProgramFileError, json: boolean): string {
  const where = e.topic !== undefined
    ? ctx.t('program:where.topic', { n: e.topic })
    : e.row === 0 ? ctx.t('program:where.file') : ctx.t(json ? 'program:where.lesson' : 'program:where.row', { n: e.row });
  const field = e.field === 'file' ? '' : ` (${ctx.t(`program:field.${e.field}`)})`;
  const first = e.first !== undefined ? ` ${ctx.t('program:error.first', { n: e.first })}` : '';
  const question = e.question ? ` ${questionErrorLine(ctx, e.question, true)}` : '';
  return `• ${where}${field}: ${ctx.t(`program:error.${e.code}`, { max: MAX_FILE_BYTES / 1024 })}${first}${question}`;
}

/** Downloads file `fileId` and, when every row is right, stores it as `courseId`'s program; otherwise changes nothing. */
async function loadProgram(ctx: BotContext, courseId: number, fileId: number): Promise<void> {
  const course = ctx.data.courses.find((c) => c.id === courseId);
  if (!course) return replyError(ctx, 'course_not_found', { ref: `#${courseId}` });
  const client = await ctx.asApp();
  const file = await downloadBotFile(client, ctx.botId, fileId, ctx.data.installation.clientEndpoint, MAX_FILE_BYTES);
  if (!file.ok) {
    const text = file.reason === 'too_big' ? ctx.t('program:error.too_big', { max: MAX_FILE_BYTES / 1024 }) : ctx.t(`program:download.${file.reason}`);
    await ctx.reply(`${ctx.t('program:load.refused')}\n• ${text}`);
    return;
  }
  const result = parseProgramFile(file.bytes, file.name, { en: course.title });
  if (!result.ok) {
    const json = /^\s*[[{]/.test(new TextDecoder().decode(file.bytes.slice(0, 64))) || file.name.toLowerCase().endsWith('.json');
    const total = result.errors.length + result.more;
    const shown = result.errors.slice(0, SHOWN_ERRORS).map((e) => errorLine(ctx, e, json));
    if (total > shown.length) shown.push(ctx.t('program:load.more', { count: total - shown.length }));
    await ctx.reply([ctx.t('program:load.refused_rows', { count: total }), ...shown].join('\n'));
    return;
  }
  const program = result.program;
  await ctx.update((d) => {
    const c = d.courses.find((x) => x.id === courseId);
    if (c) c.program = program;
  });
  await ctx.reply(`${ctx.t('program:load.done', { course: escapeBb(course.title) })}\n${programText(ctx, course, program)}`);
}

/** `/course program <course>`: the program; with a file attached, loads that file first. */
export async function showOrLoadProgram(ctx: BotContext): Promise<void> {
  if (!(await requireModerator(ctx))) return;
  const found = lookupCourse(ctx.data.courses, restAfter(ctx.text, 1));
  if (!found.ok) {
    if (found.code === 'course_missing') {
      await ctx.reply(ctx.t('program:usage'));
      return;
    }
    return replyError(ctx, found.code, found.details);
  }
  const fileId = fileIdOf(ctx);
  if (fileId !== null) return loadProgram(ctx, found.value.id, fileId);
  const program = found.value.program;
  await ctx.reply(program ? programText(ctx, found.value, program) : ctx.t('program:show.none', { course: escapeBb(found.value.title), id: found.value.id }));
}

function fileIdOf(ctx: BotContext): number | null {
  const ev = ctx.event;
  const ids = ev.kind === 'message' || ev.kind === 'command' ? ev.fileIds ?? [] : [];
  return ids[0] ?? null;
}

/** A file sent to the bot without a command: the caption may name the course; else the bot asks which. */
export async function programFiles(ctx: BotContext): Promise<void> {
  if (!ctx.chat.isPrivate) return;
  if (!(await requireModerator(ctx))) return;
  const fileId = fileIdOf(ctx);
  if (fileId === null) return;
  const caption = ctx.text.trim();
  if (caption !== '') {
    const found = lookupCourse(ctx.data.courses, caption);
    if (found.ok) return loadProgram(ctx, found.value.id, fileId);
  }
  const courses = ctx.data.courses.slice(-COURSE_BUTTONS);
  if (courses.length === 0) {
    await ctx.reply(ctx.t('program:ask.no_courses'));
    return;
  }
  await ctx.reply({
    text: ctx.t('program:ask.which'),
    buttons: courses.map((c) => [{ text: `#${c.id} ${c.title}`, command: 'course', payload: buttonPayload('c.prog', c.id, fileId) }]),
  });
}

/** The "which course" button: `c.prog:<courseId>:<fileId>`. */
export async function loadProgramButton(ctx: BotContext, args: string[]): Promise<void> {
  if (!(await requireModerator(ctx))) return;
  const courseId = Number(args[0]);
  const fileId = Number(args[1]);
  if (!Number.isInteger(courseId) || !Number.isInteger(fileId) || fileId <= 0) {
    await ctx.reply(ctx.t('common:button_stale'));
    return;
  }
  await loadProgram(ctx, courseId, fileId);
}
