// /course questions <test> [load]: a test's questions for moderators (count, preview) and loading a questions file for one test.
import type { BotContext } from '../../bot/context.js';
import { downloadBotFile } from '../../bot/files.js';
import { escapeBb } from '../../domain/bbcode.js';
import { PENDING_TTL_MS } from '../group/common.js';
import { MAX_FILE_BYTES, MAX_OPTIONS, parseQuestionsFile, type QuestionsFileError } from '../../domain/quiz/questions-file.js';
import type { TestRef } from '../../domain/quiz/model.js';
import type { Question } from '../../domain/quiz/score.js';
import { replyError, requireModerator } from '../shared.js';
import { findTest, pick, testName, testOrAnswer, type TestTarget } from './tests.js';

export const PENDING_FILE = 'quiz.file';
/** Questions shown in the preview; the count says how many there are. */
const PREVIEW = 3;
const SHOWN_ERRORS = 20;
const LOAD_WORDS = new Set(['load', 'загрузить']);

function preview(ctx: BotContext, target: TestTarget): string {
  const qs = target.questions;
  const lines = [`[b]${testName(ctx.lang, target)}[/b]`, ctx.t('quiz:questions.count', { count: qs.length })];
  qs.slice(0, PREVIEW).forEach((q: Question, i) => {
    lines.push('', `${i + 1}. ${escapeBb(pick(q.text, ctx.lang))} ${ctx.t(`quiz:questions.type_${q.type}`)}`);
    q.options.forEach((o, k) => lines.push(`   ${q.right.includes(k) ? '✓' : '·'} ${escapeBb(pick(o, ctx.lang))}`));
  });
  if (qs.length > PREVIEW) lines.push('', ctx.t('quiz:questions.more', { count: qs.length - PREVIEW }));
  return lines.join('\n');
}

/** One problem of a questions file as a line: where, which column, what is wrong. */
export function questionErrorLine(ctx: BotContext, e: QuestionsFileError, json: boolean): string {
  const where = e.row === 0 ? ctx.t('quiz:where.file') : ctx.t(json ? 'quiz:where.question' : 'quiz:where.row', { n: e.row });
  const field = e.field === 'file' ? '' : ` (${e.field})`;
  return `${where}${field}: ${ctx.t(`quiz:error.${e.code}`, { max: MAX_FILE_BYTES / 1024, options: MAX_OPTIONS })}`;
}

const refText = (ref: TestRef): string => (ref.lessonId === undefined ? String(ref.courseId) : `${ref.courseId}:${ref.lessonId}`);
function refOf(text: string | undefined): TestRef | null {
  const m = /^(\d{1,9})(?::(.+))?$/.exec(text ?? '');
  if (!m) return null;
  return m[2] === undefined ? { courseId: Number(m[1]) } : { courseId: Number(m[1]), lessonId: m[2] };
}

/** Downloads the file and, when every question is right, stores them on the test; otherwise changes nothing. */
async function loadQuestions(ctx: BotContext, ref: TestRef, fileId: number): Promise<void> {
  const target = findTest(ctx.data.courses, ref);
  if (!target) {
    await ctx.reply(ctx.t('common:button_stale'));
    return;
  }
  const client = await ctx.asApp();
  const file = await downloadBotFile(client, ctx.botId, fileId, ctx.data.installation.clientEndpoint, MAX_FILE_BYTES);
  if (!file.ok) {
    const text = file.reason === 'too_big' ? ctx.t('quiz:error.too_big', { max: MAX_FILE_BYTES / 1024 }) : ctx.t(`program:download.${file.reason}`);
    await ctx.reply(`${ctx.t('quiz:load.refused')}\n• ${text}`);
    return;
  }
  const result = parseQuestionsFile(file.bytes, file.name);
  if (!result.ok) {
    const json = file.name.toLowerCase().endsWith('.json') || /^\s*[[{]/.test(new TextDecoder().decode(file.bytes.slice(0, 64)));
    const total = result.errors.length + result.more;
    const shown = result.errors.slice(0, SHOWN_ERRORS).map((e) => `• ${questionErrorLine(ctx, e, json)}`);
    if (total > shown.length) shown.push(ctx.t('program:load.more', { count: total - shown.length }));
    await ctx.reply([ctx.t('quiz:load.refused_rows', { count: total }), ...shown].join('\n'));
    return;
  }
  const questions = result.questions;
  const stored = await ctx.update((d) => {
    const course = d.courses.find((c) => c.id === ref.courseId);
    if (!course) return false;
    if (ref.lessonId === undefined) {
      course.questions = questions;
      return true;
    }
    const lesson = course.program?.topics.flatMap((t) => t.lessons).find((l) => l.id === ref.lessonId);
    if (!lesson) return false;
    lesson.questions = questions;
    return true;
  });
  if (!stored) {
    await ctx.reply(ctx.t('common:button_stale'));
    return;
  }
  await ctx.reply(`${ctx.t('quiz:load.done', { test: testName(ctx.lang, target) })}\n\n${preview(ctx, { ...target, questions })}`);
}

function fileIdOf(ctx: BotContext): number | null {
  const ev = ctx.event;
  const ids = ev.kind === 'message' || ev.kind === 'command' ? ev.fileIds ?? [] : [];
  return ids[0] ?? null;
}

/**
 * `/course questions <test>` (or `<course> <lesson id>` for a program's test): the count and a
 * preview. With `load` the moderator's next file here is the questions file; a file attached to the
 * command itself is loaded at once.
 */
export async function questionsCommand(ctx: BotContext): Promise<void> {
  if (!(await requireModerator(ctx))) return;
  const tokens = ctx.args.slice(1);
  const load = tokens.length > 1 && LOAD_WORDS.has(tokens.at(-1)!.toLowerCase());
  const target = await testOrAnswer(ctx, load ? tokens.slice(0, -1) : tokens, ctx.t('quiz:questions.usage', { options: MAX_OPTIONS }));
  if (!target) return;
  const fileId = fileIdOf(ctx);
  if (fileId !== null) return loadQuestions(ctx, target.ref, fileId);
  if (load) {
    const expiresAt = new Date(ctx.now().getTime() + PENDING_TTL_MS).toISOString();
    await ctx.update((d) => {
      const nowIso = ctx.now().toISOString();
      d.pending = d.pending.filter((p) => p.expiresAt > nowIso && !(p.userId === ctx.user.id && p.dialogId === ctx.chat.dialogId));
      d.pending.push({ userId: ctx.user.id, dialogId: ctx.chat.dialogId, kind: PENDING_FILE, groupId: null, ref: refText(target.ref), expiresAt });
    });
    await ctx.reply(ctx.t('quiz:load.send_file', { test: testName(ctx.lang, target), options: MAX_OPTIONS }));
    return;
  }
  await ctx.reply(target.questions.length > 0 ? preview(ctx, target) : ctx.t('quiz:questions.none', { test: testName(ctx.lang, target) }));
}

/**
 * A file sent alone right after `/course questions <test> load` is that test's questions file
 * (the question the bot asked is in the event's data: the router hands files to us first).
 * Returns false when no such question was asked, so the file is a program file as before.
 */
export async function pendingQuestionsFile(ctx: BotContext): Promise<boolean> {
  const nowIso = ctx.now().toISOString();
  const asked = ctx.data.pending.find((p) => p.userId === ctx.user.id && p.dialogId === ctx.chat.dialogId && p.kind === PENDING_FILE && p.expiresAt > nowIso);
  const ref = refOf(asked?.ref);
  const fileId = fileIdOf(ctx);
  if (!ref || fileId === null) return false;
  if (!(await requireModerator(ctx))) return true;
  await loadQuestions(ctx, ref, fileId);
  return true;
}

