// Tests for questions files: JSON and CSV, checked whole, each problem named by row and field.
import { describe, expect, it } from 'vitest';
import { MAX_FILE_BYTES, MAX_OPTIONS, parseQuestionsFile } from '../../src/domain/quiz/questions-file.js';

const enc = (s: string) => new TextEncoder().encode(s);
const HEADER = 'question,question_ru,type,options,options_ru,right,explanation,explanation_ru';
const csv = (...rows: string[]) => enc([HEADER, ...rows].join('\n'));

describe('questions file: CSV', () => {
  it('reads single and multiple choice, both languages, right answers 1-based → 0-based', () => {
    const r = parseQuestionsFile(csv(
      'Best password?,Лучший пароль?,single,123456|three random words,123456|три случайных слова,2,Long and random,Длинный и случайный',
      'Signs of phishing?,,multiple,Urgency|Odd sender|Your name,,1|2,,',
    ), 'q.csv');
    expect(r).toEqual({ ok: true, questions: [
      { type: 'single', text: { en: 'Best password?', ru: 'Лучший пароль?' }, options: [{ en: '123456', ru: '123456' }, { en: 'three random words', ru: 'три случайных слова' }], right: [1], explanation: { en: 'Long and random', ru: 'Длинный и случайный' } },
      { type: 'multiple', text: { en: 'Signs of phishing?' }, options: [{ en: 'Urgency' }, { en: 'Odd sender' }, { en: 'Your name' }], right: [0, 1] },
    ] });
  });

  it('semicolon CSV (as Russian spreadsheets save it) and the type column left empty: single', () => {
    const r = parseQuestionsFile(enc('question;options;right\nQ;a|b;1'), 'q.csv');
    expect(r).toMatchObject({ ok: true, questions: [{ type: 'single', right: [0] }] });
  });

  const many = Array.from({ length: MAX_OPTIONS + 1 }, (_, i) => `o${i}`).join('|');
  it.each([
    ['no right answer', 'Q,,single,a|b,,,,', [{ row: 2, field: 'right', code: 'no_right' }]],
    ['a right answer that is not an option', 'Q,,single,a|b,,3,,', [{ row: 2, field: 'right', code: 'bad_right' }]],
    ['a right answer that is not a number', 'Q,,single,a|b,,b,,', [{ row: 2, field: 'right', code: 'bad_right' }]],
    ['single choice with two right', 'Q,,single,a|b|c,,1|2,,', [{ row: 2, field: 'right', code: 'single_two_right' }]],
    ['a duplicate option', 'Q,,single,Yes|yes |No,,1,,', [{ row: 2, field: 'options', code: 'duplicate_option' }]],
    ['one option', 'Q,,single,a,,1,,', [{ row: 2, field: 'options', code: 'too_few_options' }]],
    ['more options than buttons allow', `Q,,single,${many},,1,,`, [{ row: 2, field: 'options', code: 'too_many_options' }]],
    ['a Russian option list of another length', 'Q,,single,a|b,а,1,,', [{ row: 2, field: 'options_ru', code: 'options_ru_count' }]],
    ['an unknown type', 'Q,,some,a|b,,1,,', [{ row: 2, field: 'type', code: 'bad_type' }]],
    ['no question text', ',,single,a|b,,1,,', [{ row: 2, field: 'question', code: 'required' }]],
    ['an option too long for a button', `Q,,single,${'x'.repeat(101)}|b,,1,,`, [{ row: 2, field: 'options', code: 'too_long' }]],
  ])('%s is refused with its row and field', (_n, row, errors) => {
    expect(parseQuestionsFile(csv(row), 'q.csv')).toEqual({ ok: false, errors, more: 0 });
  });

  it('is refused whole: one bad row among good ones, every bad row named', () => {
    const r = parseQuestionsFile(csv('Q1,,single,a|b,,1,,', 'Q2,,single,a|a,,1,,', 'Q3,,single,a|b,,1,,', 'Q4,,multiple,a|b,,,,'), 'q.csv');
    expect(r).toEqual({ ok: false, more: 0, errors: [{ row: 3, field: 'options', code: 'duplicate_option' }, { row: 5, field: 'right', code: 'no_right' }] });
  });

  it.each([
    ['an empty test', csv(), 'no_questions'],
    ['only empty rows', csv(',,,,,,,', ''), 'no_questions'],
    ['too big', new Uint8Array(MAX_FILE_BYTES + 1), 'too_big'],
    ['not UTF-8', new Uint8Array([...enc('question,options,right\n'), 0xcf, 0xe0, ...enc(',a|b,1')]), 'not_utf8'],
  ])('%s is refused', (_n, bytes, code) => {
    expect(parseQuestionsFile(bytes, 'q.csv')).toMatchObject({ ok: false, errors: [{ row: 0, field: 'file', code }] });
  });

  it('a missing column is named', () => {
    expect(parseQuestionsFile(enc('question,options\nQ,a|b'), 'q.csv')).toEqual({ ok: false, more: 0, errors: [{ row: 1, field: 'right', code: 'missing_column' }] });
  });
});

describe('questions file: JSON', () => {
  const json = (v: unknown) => enc(JSON.stringify(v));
  it('reads `{ questions: [...] }` and a bare array, titles as strings or { en, ru }', () => {
    const questions = [
      { type: 'single', text: { en: 'Q', ru: 'В' }, options: ['a', { en: 'b', ru: 'б' }], right: [2], explanation: 'because' },
      { type: 'multiple', text: 'M', options: ['x', 'y', 'z'], right: [1, 3] },
    ];
    const expected = { ok: true, questions: [
      { type: 'single', text: { en: 'Q', ru: 'В' }, options: [{ en: 'a' }, { en: 'b', ru: 'б' }], right: [1], explanation: { en: 'because' } },
      { type: 'multiple', text: { en: 'M' }, options: [{ en: 'x' }, { en: 'y' }, { en: 'z' }], right: [0, 2] },
    ] };
    expect(parseQuestionsFile(json({ questions }), 'q.json')).toEqual(expected);
    expect(parseQuestionsFile(json(questions), 'questions')).toEqual(expected);
  });
  it.each([
    ['no right answer', { text: 'Q', options: ['a', 'b'], right: [] }, [{ row: 1, field: 'right', code: 'no_right' }]],
    ['a duplicate option', { text: 'Q', options: ['a', 'A'], right: 1 }, [{ row: 1, field: 'options', code: 'duplicate_option' }]],
    ['no options', { text: 'Q', right: 1 }, [{ row: 1, field: 'options', code: 'required' }]],
    ['a bad Russian text', { text: { en: 'Q', ru: 'a\u0007' }, options: ['a', 'b'], right: 1 }, [{ row: 1, field: 'question_ru', code: 'bad_text' }]],
  ])('%s is refused', (_n, q, errors) => {
    expect(parseQuestionsFile(json({ questions: [{ text: 'fine', options: ['a', 'b'], right: 1 }, q] }), 'q.json'))
      .toEqual({ ok: false, more: 0, errors: errors.map((e) => ({ ...e, row: e.row + 1 })) });
  });
  it.each([
    ['broken JSON', enc('{"questions": ['), 'bad_json'],
    ['not a list', json({ questions: 3 }), 'bad_shape'],
    ['an empty test', json({ questions: [] }), 'no_questions'],
  ])('%s is refused', (_n, bytes, code) => {
    expect(parseQuestionsFile(bytes, 'q.json')).toMatchObject({ ok: false, errors: [{ row: 0, field: 'file', code }] });
  });
});
