// A test's questions from a file a moderator sends (JSON, or CSV with one question a row): checked whole, every problem reported by row.
import { parse as parseCsv } from 'csv-parse/sync';
import { z } from 'zod';
import { nameKey } from '../text.js';
import { optionalText, text } from '../training/program-file.js';
import type { Localized } from '../training/model.js';
import type { Question } from './score.js';

/** A test is taken one question a message; a few hundred is already a mistake. */
export const MAX_FILE_BYTES = 256 * 1024;
export const MAX_QUESTIONS = 100;
export const MIN_OPTIONS = 2;
/**
 * Options of one question at most. Each option is a button of its own (one a row, so a phone shows
 * the whole label), plus "Answer" on a multiple-choice question. Bitrix24 documents no button count,
 * only that a keyboard serialized stays under 60,000 characters (bitrix24-bot-v2.md §8.9), which 11
 * buttons of ≤ 100-character labels are far from; more than 10 rows of buttons no longer fit a phone
 * screen under the question, and a test question with more than 10 answers is badly written anyway.
 */
export const MAX_OPTIONS = 10;
/** A button label is cut at 100 characters (bot/render.ts), so an option must fit one whole. */
export const MAX_OPTION = 100;
export const MAX_QUESTION = 1000;
export const MAX_EXPLANATION = 1000;
export const MAX_ERRORS = 50;

export const CSV_COLUMNS = ['question', 'question_ru', 'type', 'options', 'options_ru', 'right', 'explanation', 'explanation_ru'] as const;
const REQUIRED_COLUMNS = ['question', 'options', 'right'] as const;
export type QuestionField = (typeof CSV_COLUMNS)[number] | 'file';

export type QuestionsFileCode =
  | 'too_big' | 'not_utf8' | 'bad_json' | 'bad_csv' | 'bad_shape' | 'no_questions' | 'too_many' | 'missing_column'
  | 'required' | 'too_long' | 'bad_text' | 'bad_type' | 'too_few_options' | 'too_many_options' | 'duplicate_option'
  | 'options_ru_count' | 'no_right' | 'bad_right' | 'single_two_right';

/** One problem. `row`: the CSV row as a spreadsheet numbers it (header = 1), or the question's number in a JSON file; 0: the whole file. */
export interface QuestionsFileError { row: number; field: QuestionField; code: QuestionsFileCode }

export type QuestionsFileResult = { ok: true; questions: Question[] } | { ok: false; errors: QuestionsFileError[]; more: number };

/** A question as read from either format, before the rules that span its fields. */
export interface QuestionDraft {
  type: 'single' | 'multiple';
  text: Localized;
  options: Localized[];
  /** Option numbers as written (1 = the first option). */
  right: number[];
  explanation?: Localized;
}

const localizedOf = (en: string, ru: string | undefined): Localized => (ru === undefined ? { en } : { en, ru });

const TYPE_WORDS: Record<string, 'single' | 'multiple'> = {
  '': 'single', single: 'single', one: 'single', 'один': 'single', 'одиночный': 'single',
  multiple: 'multiple', multi: 'multiple', many: 'multiple', 'несколько': 'multiple', 'множественный': 'multiple',
};

// Built on first use: program-file.ts imports this module too, and its helpers are not ready while it loads.
let built: ReturnType<typeof build> | undefined;
const schemas = () => (built ??= build());
function build() {
  const type = z.preprocess((v) => (v === undefined || v === null ? '' : v), z.string({ error: 'bad_type' })).transform((s, ctx) => {
    const found = TYPE_WORDS[nameKey(s)];
    if (found === undefined) {
      ctx.addIssue({ code: 'custom', message: 'bad_type' });
      return z.NEVER;
    }
    return found;
  });
  const localized = (max: number) => z.preprocess(
    (v) => (typeof v === 'string' ? { en: v } : v),
    z.object({ en: text(max), ru: optionalText(max) }, { error: 'required' }),
  );
  const rightNumbers = z.preprocess(
    (v) => (typeof v === 'number' ? [v] : v),
    z.array(z.number({ error: 'bad_right' }).int('bad_right'), { error: 'no_right' }),
  );
  const json = z.object({
    type,
    text: localized(MAX_QUESTION),
    options: z.array(localized(MAX_OPTION), { error: 'required' }),
    right: rightNumbers,
    explanation: localized(MAX_EXPLANATION).optional(),
  }, { error: 'bad_shape' });
  const file = z.union([z.array(z.unknown()), z.object({ questions: z.array(z.unknown()) })], { error: 'bad_shape' });
  const csv = z.object({
    question: text(MAX_QUESTION),
    question_ru: optionalText(MAX_QUESTION),
    type,
    options: z.string({ error: 'required' }),
    options_ru: z.string().optional(),
    right: z.string({ error: 'no_right' }),
    explanation: optionalText(MAX_EXPLANATION),
    explanation_ru: optionalText(MAX_EXPLANATION),
  });
  return { json, file, csv, option: text(MAX_OPTION) };
}

const CODES: readonly QuestionsFileCode[] = ['required', 'too_long', 'bad_text', 'bad_type', 'bad_right', 'no_right', 'bad_shape'];
const codeOf = (message: string): QuestionsFileCode => CODES.find((c) => c === message) ?? 'bad_shape';

/** The rules across a question's fields; the question as stored (right answers 0-based) or its problems. */
export function checkQuestion(d: QuestionDraft): { ok: true; question: Question } | { ok: false; problems: Array<{ field: 'options' | 'options_ru' | 'right'; code: QuestionsFileCode }> } {
  const problems: Array<{ field: 'options' | 'options_ru' | 'right'; code: QuestionsFileCode }> = [];
  if (d.options.length < MIN_OPTIONS) problems.push({ field: 'options', code: 'too_few_options' });
  if (d.options.length > MAX_OPTIONS) problems.push({ field: 'options', code: 'too_many_options' });
  const keys = d.options.map((o) => nameKey(o.en));
  if (new Set(keys).size !== keys.length) problems.push({ field: 'options', code: 'duplicate_option' });
  const ruKeys = d.options.filter((o) => o.ru !== undefined).map((o) => nameKey(o.ru!));
  if (new Set(ruKeys).size !== ruKeys.length) problems.push({ field: 'options_ru', code: 'duplicate_option' });
  const right = [...new Set(d.right)].sort((a, b) => a - b);
  if (right.length === 0) problems.push({ field: 'right', code: 'no_right' });
  else if (right.some((n) => n < 1 || n > d.options.length)) problems.push({ field: 'right', code: 'bad_right' });
  else if (d.type === 'single' && right.length > 1) problems.push({ field: 'right', code: 'single_two_right' });
  if (problems.length > 0) return { ok: false, problems };
  const question: Question = { type: d.type, text: d.text, options: d.options, right: right.map((n) => n - 1) };
  if (d.explanation !== undefined) question.explanation = d.explanation;
  return { ok: true, question };
}

function fail(errors: QuestionsFileError[]): QuestionsFileResult {
  return { ok: false, errors: errors.slice(0, MAX_ERRORS), more: Math.max(0, errors.length - MAX_ERRORS) };
}

/** Questions given as JSON values (a questions file's, or a program lesson's `questions`); `row` numbers them from 1. */
export function questionsFromJson(items: readonly unknown[]): QuestionsFileResult {
  if (items.length === 0) return fail([{ row: 0, field: 'file', code: 'no_questions' }]);
  if (items.length > MAX_QUESTIONS) return fail([{ row: 0, field: 'file', code: 'too_many' }]);
  const errors: QuestionsFileError[] = [];
  const questions: Question[] = [];
  items.forEach((item, i) => {
    const row = i + 1;
    const parsed = schemas().json.safeParse(item);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const [f, , sub] = issue.path;
        const field: QuestionField = f === 'text' ? (sub === 'ru' || issue.path[1] === 'ru' ? 'question_ru' : 'question')
          : f === 'options' ? (issue.path.at(-1) === 'ru' ? 'options_ru' : 'options')
            : f === 'explanation' ? (issue.path[1] === 'ru' ? 'explanation_ru' : 'explanation')
              : f === 'type' || f === 'right' ? f : 'file';
        if (!errors.some((e) => e.row === row && e.field === field)) errors.push({ row, field, code: codeOf(issue.message) });
      }
      return;
    }
    const p = parsed.data;
    const draft: QuestionDraft = {
      type: p.type, text: localizedOf(p.text.en, p.text.ru), options: p.options.map((o) => localizedOf(o.en, o.ru)), right: p.right,
    };
    if (p.explanation) draft.explanation = localizedOf(p.explanation.en, p.explanation.ru);
    const checked = checkQuestion(draft);
    if (!checked.ok) errors.push(...checked.problems.map((x) => ({ row, ...x })));
    else questions.push(checked.question);
  });
  return errors.length > 0 ? fail(errors) : { ok: true, questions };
}

function parseJsonQuestions(source: string): QuestionsFileResult {
  let raw: unknown;
  try {
    raw = JSON.parse(source);
  } catch {
    return fail([{ row: 0, field: 'file', code: 'bad_json' }]);
  }
  const file = schemas().file.safeParse(raw);
  if (!file.success) return fail([{ row: 0, field: 'file', code: 'bad_shape' }]);
  return questionsFromJson(Array.isArray(file.data) ? file.data : file.data.questions);
}

function parseCsvQuestions(source: string): QuestionsFileResult {
  const firstLine = source.split(/\r\n|\n|\r/, 1)[0] ?? '';
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
  const rows = records.slice(1).map((cells, i) => ({ cells, row: i + 2 })).filter(({ cells }) => !cells.every((c) => c.trim() === ''));
  if (rows.length === 0) return fail([{ row: 0, field: 'file', code: 'no_questions' }]);
  if (rows.length > MAX_QUESTIONS) return fail([{ row: 0, field: 'file', code: 'too_many' }]);
  const errors: QuestionsFileError[] = [];
  const questions: Question[] = [];
  const s = schemas();
  for (const { cells, row } of rows) {
    const cell = (name: string): string | undefined => {
      const at = header.indexOf(name);
      return at < 0 ? undefined : cells[at] ?? '';
    };
    const parsed = s.csv.safeParse(Object.fromEntries(CSV_COLUMNS.map((c) => [c, cell(c)])));
    const own: QuestionsFileError[] = [];
    const add = (field: QuestionField, code: QuestionsFileCode) => {
      if (!own.some((e) => e.field === field)) own.push({ row, field, code });
    };
    if (!parsed.success) {
      for (const issue of parsed.error.issues) add(CSV_COLUMNS.find((c) => c === issue.path[0]) ?? 'file', codeOf(issue.message));
      errors.push(...own);
      continue;
    }
    const r = parsed.data;
    const split = (v: string) => v.split('|').map((x) => x.trim()).filter((x) => x !== '');
    const en = split(r.options);
    const ru = r.options_ru === undefined ? [] : split(r.options_ru);
    const options: Localized[] = [];
    en.forEach((o, i) => {
      const checked = s.option.safeParse(o);
      const ruChecked = ru[i] === undefined ? undefined : s.option.safeParse(ru[i]);
      if (!checked.success) add('options', codeOf(checked.error.issues[0]?.message ?? ''));
      else if (ruChecked && !ruChecked.success) add('options_ru', codeOf(ruChecked.error.issues[0]?.message ?? ''));
      else options.push(localizedOf(checked.data, ruChecked?.data));
    });
    if (ru.length > 0 && ru.length !== en.length) add('options_ru', 'options_ru_count');
    const rightText = split(r.right);
    if (rightText.some((x) => !/^\d{1,3}$/.test(x))) add('right', 'bad_right');
    if (own.length > 0) {
      errors.push(...own);
      continue;
    }
    const draft: QuestionDraft = { type: r.type, text: localizedOf(r.question, r.question_ru), options, right: rightText.map(Number) };
    if (r.explanation !== undefined) draft.explanation = localizedOf(r.explanation, r.explanation_ru);
    const checked = checkQuestion(draft);
    if (!checked.ok) errors.push(...checked.problems.map((x) => ({ row, ...x })));
    else questions.push(checked.question);
  }
  return errors.length > 0 ? fail(errors) : { ok: true, questions };
}

/** A test's questions from a file's bytes, or every problem found; nothing is accepted when anything is wrong. */
export function parseQuestionsFile(bytes: Uint8Array, fileName: string): QuestionsFileResult {
  if (bytes.byteLength > MAX_FILE_BYTES) return fail([{ row: 0, field: 'file', code: 'too_big' }]);
  let source: string;
  try {
    source = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return fail([{ row: 0, field: 'file', code: 'not_utf8' }]);
  }
  const name = fileName.toLowerCase();
  const json = name.endsWith('.json') || (!name.endsWith('.csv') && !name.endsWith('.txt') && /^\s*[[{]/.test(source));
  return json ? parseJsonQuestions(source) : parseCsvQuestions(source);
}
