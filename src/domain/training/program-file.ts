// Program files a moderator sends (JSON, or CSV with one lesson a row): checked whole, every problem reported by row, stable lesson ids.
import { parse as parseCsv } from 'csv-parse/sync';
import { z } from 'zod';
import { questionsFromJson, type QuestionsFileError } from '../quiz/questions-file.js';
import type { Question } from '../quiz/score.js';
import { nameKey, textProblem } from '../text.js';
import { LEVELS, type Lesson, type Level, type Localized, type Program, type Topic } from './model.js';

/** A program is a few hundred lessons; a bigger file is a mistake (or an attack on memory). */
export const MAX_FILE_BYTES = 512 * 1024;
/** A lesson is one sitting; longer than ten hours is a typo (600 minutes is already generous). */
export const MAX_MINUTES = 600;
export const MAX_LESSONS = 2000;
export const MAX_TITLE = 255;
export const MAX_URL = 2048;
/** Listed at most, so the answer stays readable; the count of the rest is given. */
export const MAX_ERRORS = 50;

export type ProgramFormat = 'json' | 'csv';
export const CSV_COLUMNS = ['topic', 'topic_ru', 'level', 'lesson', 'lesson_ru', 'url', 'minutes', 'test'] as const;
const REQUIRED_COLUMNS = ['topic', 'level', 'lesson', 'url', 'minutes'] as const;
export type ProgramField = (typeof CSV_COLUMNS)[number] | 'file' | 'id' | 'title' | 'questions';

export type ProgramFileCode =
  | 'too_big' | 'not_utf8' | 'bad_json' | 'bad_csv' | 'bad_shape' | 'no_lessons' | 'too_many' | 'missing_column'
  | 'required' | 'too_long' | 'bad_text' | 'unknown_level' | 'bad_minutes' | 'minutes_absurd' | 'bad_url'
  | 'bad_test' | 'bad_id' | 'duplicate' | 'bad_questions' | 'questions_not_test';

/**
 * One problem. `row`: the CSV row as a spreadsheet numbers it (the header is row 1), or the
 * lesson's number in a JSON file (1 = the first lesson of the first topic); 0 for the whole file.
 * `topic`: the topic's number in a JSON file, for a problem with the topic itself.
 */
export interface ProgramFileError {
  row: number;
  field: ProgramField;
  code: ProgramFileCode;
  topic?: number;
  /** `duplicate`: the row (or lesson) it repeats. */
  first?: number;
  /** `bad_questions`: the problem in the lesson's test questions (its `row` numbers the question). */
  question?: QuestionsFileError;
}

export type ProgramFileResult = { ok: true; program: Program } | { ok: false; errors: ProgramFileError[]; more: number };

// ---- leaf rules shared by both formats (the zod message is our code) ----

export const text = (max: number) =>
  z.string({ error: 'required' })
    .transform((s) => s.normalize('NFC').replace(/\s+/g, ' ').trim())
    .pipe(z.string().min(1, 'required').max(max, 'too_long').refine((s) => textProblem(s) === null, 'bad_text'));
export const optionalText = (max: number) =>
  z.preprocess((v) => (v === null || (typeof v === 'string' && v.trim() === '') ? undefined : v), text(max).optional());

const LEVEL_WORDS: Record<string, Level> = {
  beginner: 'beginner', elementary: 'elementary', intermediate: 'intermediate', advanced: 'advanced',
  'начальный': 'beginner', 'базовый': 'elementary', 'элементарный': 'elementary', 'средний': 'intermediate', 'продвинутый': 'advanced',
};
const level = z.string({ error: 'unknown_level' }).transform((s, ctx) => {
  const found = LEVEL_WORDS[nameKey(s)];
  if (found === undefined) {
    ctx.addIssue({ code: 'custom', message: 'unknown_level' });
    return z.NEVER;
  }
  return found;
});

function isWebUrl(s: string): boolean {
  if (!/^https?:\/\//i.test(s) || /\s/.test(s)) return false;
  try {
    const u = new URL(s);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname.length > 0;
  } catch {
    return false;
  }
}
const url = z.string({ error: 'required' }).transform((s) => s.trim())
  .pipe(z.string().min(1, 'required').max(MAX_URL, 'bad_url').refine(isWebUrl, 'bad_url'));

const minutesNumber = z.number({ error: 'bad_minutes' }).int('bad_minutes').positive('bad_minutes').max(MAX_MINUTES, 'minutes_absurd');
const minutesText = z.string({ error: 'required' }).transform((s) => s.trim()).pipe(
  z.string().min(1, 'required').regex(/^\d+$/, 'bad_minutes').transform(Number).pipe(minutesNumber),
);

const TEST_WORDS: Record<string, boolean> = {
  '': false, '0': false, no: false, false: false, 'нет': false,
  '1': true, yes: true, true: true, test: true, 'да': true, 'тест': true,
};
const testText = z.preprocess((v) => v ?? '', z.string({ error: 'bad_test' })).transform((s, ctx) => {
  const found = TEST_WORDS[nameKey(s)];
  if (found === undefined) {
    ctx.addIssue({ code: 'custom', message: 'bad_test' });
    return z.NEVER;
  }
  return found;
});

const id = z.string({ error: 'bad_id' }).regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/, 'bad_id');

// ---- JSON ----

const localized = z.preprocess(
  (v) => (typeof v === 'string' ? { en: v } : v),
  z.object({ en: text(MAX_TITLE), ru: optionalText(MAX_TITLE) }, { error: 'required' }),
);
const jsonLesson = z.object({
  id: id.optional(),
  title: localized,
  url,
  minutes: minutesNumber,
  level,
  test: z.boolean({ error: 'bad_test' }).optional(),
  /** A test lesson's questions (issue 12), as in a questions file (quiz/questions-file.ts). */
  questions: z.array(z.unknown(), { error: 'bad_questions' }).optional(),
}, { error: 'bad_shape' });
const jsonTopic = z.object({ id: id.optional(), title: localized, lessons: z.array(jsonLesson, { error: 'bad_shape' }) }, { error: 'bad_shape' });
/** The JSON form: `{ title?, topics: [{ id?, title, lessons: [{ id?, title, url, minutes, level, test? }] }] }`; a title is `{ en, ru? }` or a string. */
export const programJsonSchema = z.object({ title: localized.optional(), topics: z.array(jsonTopic, { error: 'bad_shape' }) }, { error: 'bad_shape' });

// ---- CSV ----

const csvRow = z.object({
  topic: text(MAX_TITLE),
  topic_ru: optionalText(MAX_TITLE),
  level,
  lesson: text(MAX_TITLE),
  lesson_ru: optionalText(MAX_TITLE),
  url,
  minutes: minutesText,
  test: testText,
});

// ---- assembling ----

/** A lesson as read, before ids and order: `row` is where it came from. */
interface Draft {
  row: number;
  topicRow: number;
  topicNo?: number;
  topicId?: string;
  topicTitle: Localized;
  id?: string;
  title: Localized;
  url: string;
  minutes: number;
  level: Level;
  test: boolean;
  questions?: Question[];
}

const localizedOf = (en: string, ru: string | undefined): Localized => (ru === undefined ? { en } : { en, ru });

/** An id from a title that stays the same when the file is sent again (completions are kept by lesson id). */
export function slugOf(title: string): string {
  const slug = nameKey(title).replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-+|-+$/g, '').slice(0, 60).replace(/-+$/, '');
  if (slug.length > 0 && /^[a-z0-9-]+$/.test(slug)) return slug;
  // Not ASCII (or nothing left): a short stable hash of the title, so the id stays a plain token.
  let h = 0x811c9dc5;
  for (const ch of nameKey(title)) h = Math.imul(h ^ (ch.codePointAt(0) ?? 0), 0x01000193) >>> 0;
  return `t${h.toString(36)}`;
}

function assemble(drafts: Draft[], title: Localized, rowName: 'row' | 'lesson'): ProgramFileResult {
  const errors: ProgramFileError[] = [];
  if (drafts.length === 0) return fail([{ row: 0, field: 'file', code: 'no_lessons' }]);
  if (drafts.length > MAX_LESSONS) return fail([{ row: 0, field: 'file', code: 'too_many' }]);
  const topics = new Map<string, { topic: Topic; firstRow: number; drafts: Draft[] }>();
  const topicIds = new Map<string, number>();
  for (const d of drafts) {
    const key = d.topicId !== undefined ? `id:${d.topicId}` : `title:${nameKey(d.topicTitle.en)}`;
    let entry = topics.get(key);
    if (entry === undefined) {
      const topicId = d.topicId ?? slugOf(d.topicTitle.en);
      const seen = topicIds.get(topicId);
      if (seen !== undefined) {
        errors.push(dup(d, 'topic', seen, rowName));
        continue;
      }
      topicIds.set(topicId, d.topicRow);
      entry = { topic: { id: topicId, title: d.topicTitle, lessons: [] }, firstRow: d.topicRow, drafts: [] };
      topics.set(key, entry);
    } else if (entry.topic.title.ru === undefined && d.topicTitle.ru !== undefined) {
      entry.topic.title = { ...entry.topic.title, ru: d.topicTitle.ru };
    }
    entry.drafts.push(d);
  }
  const lessonIds = new Map<string, number>();
  const lessonKeys = new Map<string, number>();
  for (const { topic, drafts: ds } of topics.values()) {
    for (const d of ds) {
      const lessonId = d.id ?? `${topic.id}.${d.level}.${slugOf(d.title.en)}`;
      const key = `${topic.id}\u0000${d.level}\u0000${nameKey(d.title.en)}`;
      const seen = lessonIds.get(lessonId) ?? lessonKeys.get(key);
      if (seen !== undefined) {
        errors.push(dup(d, d.id !== undefined && lessonIds.has(lessonId) ? 'id' : 'lesson', seen, rowName));
        continue;
      }
      lessonIds.set(lessonId, d.row);
      lessonKeys.set(key, d.row);
      const lesson: Lesson = { id: lessonId, title: d.title, url: d.url, minutes: d.minutes, level: d.level };
      if (d.test) lesson.test = true;
      if (d.questions) lesson.questions = d.questions;
      topic.lessons.push(lesson);
    }
    // Level by level, each level's test after its lessons; the file's order otherwise (a stable sort).
    topic.lessons.sort((a, b) => LEVELS.indexOf(a.level) - LEVELS.indexOf(b.level) || Number(a.test === true) - Number(b.test === true));
  }
  if (errors.length > 0) return fail(errors);
  return { ok: true, program: { title, topics: [...topics.values()].map((t) => t.topic) } };
}

function dup(d: Draft, field: ProgramField, first: number, rowName: 'row' | 'lesson'): ProgramFileError {
  if (field === 'topic' && rowName === 'lesson' && d.topicNo !== undefined) {
    return { row: 0, field, code: 'duplicate', topic: d.topicNo, first };
  }
  return { row: d.row, field, code: 'duplicate', first };
}

function fail(errors: ProgramFileError[]): ProgramFileResult {
  return { ok: false, errors: errors.slice(0, MAX_ERRORS), more: Math.max(0, errors.length - MAX_ERRORS) };
}

const codeOf = (message: string): ProgramFileCode =>
  (['required', 'too_long', 'bad_text', 'unknown_level', 'bad_minutes', 'minutes_absurd', 'bad_url', 'bad_test', 'bad_id', 'bad_shape', 'bad_questions'] as const)
    .find((c) => c === message) ?? 'bad_shape';

function parseJson(source: string, fallbackTitle: Localized): ProgramFileResult {
  let raw: unknown;
  try {
    raw = JSON.parse(source);
  } catch {
    return fail([{ row: 0, field: 'file', code: 'bad_json' }]);
  }
  const parsed = programJsonSchema.safeParse(raw);
  if (!parsed.success) {
    // Lesson numbers counted through the topics as they are in the file, even if it is malformed.
    const topicsRaw = (raw as { topics?: unknown } | null)?.topics;
    const counts = Array.isArray(topicsRaw)
      ? topicsRaw.map((t) => ((t as { lessons?: unknown } | null)?.lessons instanceof Array ? ((t as { lessons: unknown[] }).lessons.length) : 0))
      : [];
    const errors: ProgramFileError[] = parsed.error.issues.map((issue) => {
      const [p0, ti, p2, li, f, sub] = issue.path;
      const code = codeOf(issue.message);
      if (p0 === 'topics' && typeof ti === 'number' && p2 === 'lessons' && typeof li === 'number') {
        const row = counts.slice(0, ti).reduce((s, n) => s + n, 0) + li + 1;
        const field: ProgramField = f === 'title' ? (sub === 'ru' ? 'lesson_ru' : 'lesson') : f === 'url' || f === 'minutes' || f === 'level' || f === 'test' || f === 'id' || f === 'questions' ? f : 'file';
        return { row, field, code };
      }
      if (p0 === 'topics' && typeof ti === 'number') {
        const field: ProgramField = p2 === 'title' ? (f === 'ru' ? 'topic_ru' : 'topic') : p2 === 'id' ? 'id' : 'file';
        return { row: 0, field, code, topic: ti + 1 };
      }
      return { row: 0, field: p0 === 'title' ? 'title' : 'file', code };
    });
    return fail(errors);
  }
  const drafts: Draft[] = [];
  const questionErrors: ProgramFileError[] = [];
  let row = 0;
  parsed.data.topics.forEach((t, ti) => {
    const topicTitle = localizedOf(t.title.en, t.title.ru);
    const topicRow = row + 1;
    for (const l of t.lessons) {
      row += 1;
      const d: Draft = { row, topicRow, topicNo: ti + 1, topicTitle, title: localizedOf(l.title.en, l.title.ru), url: l.url, minutes: l.minutes, level: l.level, test: l.test === true };
      if (t.id !== undefined) d.topicId = t.id;
      if (l.id !== undefined) d.id = l.id;
      if (l.questions !== undefined) {
        const checked = questionsFromJson(l.questions);
        if (l.test !== true) questionErrors.push({ row, field: 'questions', code: 'questions_not_test' });
        else if (!checked.ok) questionErrors.push(...checked.errors.map((question) => ({ row, field: 'questions' as const, code: 'bad_questions' as const, question })));
        else d.questions = checked.questions;
      }
      drafts.push(d);
    }
  });
  if (questionErrors.length > 0) return fail(questionErrors);
  const title = parsed.data.title === undefined ? fallbackTitle : localizedOf(parsed.data.title.en, parsed.data.title.ru);
  return assemble(drafts, title, 'lesson');
}

function parseCsvProgram(source: string, title: Localized): ProgramFileResult {
  const firstLine = source.split(/\r\n|\n|\r/, 1)[0] ?? '';
  // Spreadsheets in many locales (Russian among them) save CSV with semicolons.
  const delimiter = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
  let records: string[][];
  try {
    records = parseCsv(source, { delimiter, relax_column_count: true, skip_empty_lines: false, bom: true }) as string[][];
  } catch {
    return fail([{ row: 0, field: 'file', code: 'bad_csv' }]);
  }
  const header = (records[0] ?? []).map((h) => nameKey(h));
  const missing = REQUIRED_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length > 0) return fail(missing.map((c) => ({ row: 1, field: c, code: 'missing_column' as const })));
  const errors: ProgramFileError[] = [];
  const drafts: Draft[] = [];
  records.slice(1).forEach((cells, i) => {
    const row = i + 2;
    if (cells.every((c) => c.trim() === '')) return;
    const cell = (name: string): string | undefined => {
      const at = header.indexOf(name);
      return at < 0 ? undefined : cells[at] ?? '';
    };
    const parsed = csvRow.safeParse(Object.fromEntries(CSV_COLUMNS.map((c) => [c, cell(c)])));
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = CSV_COLUMNS.find((c) => c === issue.path[0]) ?? 'file';
        if (!errors.some((e) => e.row === row && e.field === field)) errors.push({ row, field, code: codeOf(issue.message) });
      }
      return;
    }
    const r = parsed.data;
    drafts.push({ row, topicRow: row, topicTitle: localizedOf(r.topic, r.topic_ru), title: localizedOf(r.lesson, r.lesson_ru), url: r.url, minutes: r.minutes, level: r.level, test: r.test });
  });
  if (errors.length > 0) return fail(errors);
  return assemble(drafts, title, 'row');
}

/** JSON or CSV: by the file's name, else by its first character. */
export function programFormat(fileName: string, source: string): ProgramFormat {
  const name = fileName.toLowerCase();
  if (name.endsWith('.json')) return 'json';
  if (name.endsWith('.csv') || name.endsWith('.txt')) return 'csv';
  return /^\s*[[{]/.test(source) ? 'json' : 'csv';
}

/**
 * A program from a file's bytes, or every problem found. Nothing is accepted when anything is
 * wrong, so a moderator fixes the file and sends it again. `title` is the program's title when the
 * file has none (CSV never does): the course's.
 */
export function parseProgramFile(bytes: Uint8Array, fileName: string, title: Localized): ProgramFileResult {
  if (bytes.byteLength > MAX_FILE_BYTES) return fail([{ row: 0, field: 'file', code: 'too_big' }]);
  let source: string;
  try {
    source = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return fail([{ row: 0, field: 'file', code: 'not_utf8' }]);
  }
  return programFormat(fileName, source) === 'json' ? parseJson(source, title) : parseCsvProgram(source, title);
}
