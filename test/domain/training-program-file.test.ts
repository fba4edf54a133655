// Tests for reading program files: the JSON and CSV forms, derived ids, and bad input refused whole with row-by-row errors.
import { describe, expect, it } from 'vitest';
import { MAX_FILE_BYTES, parseProgramFile, programFormat, slugOf, type ProgramFileResult } from '../../src/domain/training/program-file.js';
import type { Program } from '../../src/domain/training/model.js';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const title = { en: 'Course title' };
const HEADER = 'topic,topic_ru,level,lesson,lesson_ru,url,minutes,test';
const csv = (...rows: string[]): Uint8Array => utf8([HEADER, ...rows].join('\n'));
const good = (r: ProgramFileResult): Program => {
  if (!r.ok) throw new Error(`expected a program, got ${JSON.stringify(r.errors)}`);
  return r.program;
};
const errors = (r: ProgramFileResult): string[] => {
  if (r.ok) throw new Error('expected errors');
  return r.errors.map((e) => `${e.topic !== undefined ? `topic${e.topic}` : e.row}:${e.field}:${e.code}${e.first !== undefined ? `<${e.first}` : ''}`);
};

describe('CSV', () => {
  it('reads one lesson a row, groups by topic, orders each topic level by level with the test last', () => {
    const p = good(parseProgramFile(csv(
      'Passwords,Пароли,elementary,Password managers,Менеджеры паролей,https://learn.example/pm,15,',
      'Passwords,,beginner,Beginner test,Тест,https://learn.example/pt,10,yes',
      'Passwords,,beginner,Strong passwords,Надёжные пароли,https://learn.example/sp,10,no',
      'Phishing,Фишинг,Beginner,What phishing is,,http://learn.example/ph,20,0',
    ), 'infosec.csv', title));
    expect(p.title).toEqual(title);
    expect(p.topics.map((t) => [t.id, t.title])).toEqual([
      ['passwords', { en: 'Passwords', ru: 'Пароли' }],
      ['phishing', { en: 'Phishing', ru: 'Фишинг' }],
    ]);
    expect(p.topics[0]?.lessons.map((l) => [l.id, l.level, l.test ?? false])).toEqual([
      ['passwords.beginner.strong-passwords', 'beginner', false],
      ['passwords.beginner.beginner-test', 'beginner', true],
      ['passwords.elementary.password-managers', 'elementary', false],
    ]);
    expect(p.topics[1]?.lessons[0]).toEqual({
      id: 'phishing.beginner.what-phishing-is', title: { en: 'What phishing is' }, url: 'http://learn.example/ph', minutes: 20, level: 'beginner',
    });
  });

  it('ids are stable: the same file twice gives the same ids, whatever the row order', () => {
    const a = good(parseProgramFile(csv('T,,beginner,One,,https://x.example/1,5,', 'T,,beginner,Two,,https://x.example/2,5,'), 'a.csv', title));
    const b = good(parseProgramFile(csv('T,,beginner,Two,,https://x.example/2,5,', 'T,,beginner,One,,https://x.example/1,5,'), 'a.csv', title));
    expect(new Set(b.topics[0]?.lessons.map((l) => l.id))).toEqual(new Set(a.topics[0]?.lessons.map((l) => l.id)));
  });

  it('accepts semicolons (spreadsheets in Russian locale), a BOM, CRLF, quoted commas and newlines, column order and case', () => {
    const text = '\uFEFFLevel;Topic;Lesson;URL;Minutes\r\nначальный;"Data, and more";"Line one\nline two";https://x.example/a;7\r\n';
    const p = good(parseProgramFile(utf8(text), 'p.csv', title));
    expect(p.topics[0]?.title).toEqual({ en: 'Data, and more' });
    expect(p.topics[0]?.lessons[0]).toMatchObject({ title: { en: 'Line one line two' }, level: 'beginner', minutes: 7 });
  });

  it('skips empty rows but keeps spreadsheet row numbers', () => {
    expect(errors(parseProgramFile(csv('T,,beginner,One,,https://x.example/1,5,', '', ',,,,,,,', 'T,,beginner,Two,,ftp://x.example/2,5,'), 'p.csv', title)))
      .toEqual(['5:url:bad_url']);
  });

  it.each<[string, string[], string[]]>([
    ['unknown level', ['T,,expert,One,,https://x.example/1,5,'], ['2:level:unknown_level']],
    ['minutes zero', ['T,,beginner,One,,https://x.example/1,0,'], ['2:minutes:bad_minutes']],
    ['minutes negative', ['T,,beginner,One,,https://x.example/1,-5,'], ['2:minutes:bad_minutes']],
    ['minutes a fraction', ['T,,beginner,One,,https://x.example/1,2.5,'], ['2:minutes:bad_minutes']],
    ['minutes words', ['T,,beginner,One,,https://x.example/1,ten,'], ['2:minutes:bad_minutes']],
    ['minutes absurd', ['T,,beginner,One,,https://x.example/1,601,'], ['2:minutes:minutes_absurd']],
    ['minutes missing', ['T,,beginner,One,,https://x.example/1,,'], ['2:minutes:required']],
    ['javascript: URL', ['T,,beginner,One,,javascript:alert(1),5,'], ['2:url:bad_url']],
    ['URL without scheme', ['T,,beginner,One,,learn.example/1,5,'], ['2:url:bad_url']],
    ['URL with a space', ['T,,beginner,One,,https://x.example/a b,5,'], ['2:url:bad_url']],
    ['no lesson title', ['T,,beginner,,,https://x.example/1,5,'], ['2:lesson:required']],
    ['no topic', [',,beginner,One,,https://x.example/1,5,'], ['2:topic:required']],
    ['test flag unclear', ['T,,beginner,One,,https://x.example/1,5,maybe'], ['2:test:bad_test']],
    ['a control character', ['T,,beginner,"On\u0007e",,https://x.example/1,5,'], ['2:lesson:bad_text']],
    ['title too long', [`T,,beginner,${'x'.repeat(256)},,https://x.example/1,5,`], ['2:lesson:too_long']],
    ['duplicate lesson (same topic, level, title; case aside)', ['T,,beginner,One,,https://x.example/1,5,', 'T,,beginner,ONE,,https://x.example/2,5,'], ['3:lesson:duplicate<2']],
    ['several rows wrong: all reported, row by row', ['T,,expert,One,,https://x.example/1,5,', 'T,,beginner,Two,,https://x.example/2,5,', 'T,,beginner,Three,,nope,999,'],
      ['2:level:unknown_level', '4:url:bad_url', '4:minutes:minutes_absurd']],
  ])('%s is refused, nothing accepted', (_name, rows, expected) => {
    const r = parseProgramFile(csv(...rows), 'p.csv', title);
    expect(r.ok).toBe(false);
    expect(errors(r)).toEqual(expected);
  });

  it('the same title at another level or in another topic is not a duplicate', () => {
    const p = good(parseProgramFile(csv('T,,beginner,Test,,https://x.example/1,5,yes', 'T,,elementary,Test,,https://x.example/2,5,yes', 'U,,beginner,Test,,https://x.example/3,5,yes'), 'p.csv', title));
    expect(p.topics.flatMap((t) => t.lessons.map((l) => l.id))).toEqual(['t.beginner.test', 't.elementary.test', 'u.beginner.test']);
  });

  it('a missing column is named', () => {
    expect(errors(parseProgramFile(utf8('topic,level,lesson,url\nT,beginner,One,https://x.example/1'), 'p.csv', title))).toEqual(['1:minutes:missing_column']);
  });

  it('a header only: no lessons', () => {
    expect(errors(parseProgramFile(csv(), 'p.csv', title))).toEqual(['0:file:no_lessons']);
  });

  it('broken quoting is a CSV error', () => {
    expect(errors(parseProgramFile(csv('T,,beginner,"One,,https://x.example/1,5,'), 'p.csv', title))).toEqual(['0:file:bad_csv']);
  });
});

describe('the file itself', () => {
  it('too big is refused before reading', () => {
    const big = new Uint8Array(MAX_FILE_BYTES + 1).fill(0x41);
    expect(errors(parseProgramFile(big, 'p.csv', title))).toEqual(['0:file:too_big']);
  });

  it.each<[string, number[]]>([
    ['Windows-1251 Cyrillic', [0xcf, 0xe0, 0xf0, 0xee, 0xeb, 0xe8]],
    ['a lone continuation byte', [0x41, 0x80, 0x41]],
    ['an encoded surrogate', [0xed, 0xa0, 0x80]],
  ])('not UTF-8 (%s) is refused', (_name, bytes) => {
    const head = utf8(`${HEADER}\nT,,beginner,`);
    const file = new Uint8Array([...head, ...bytes, ...utf8(',,https://x.example/1,5,')]);
    expect(errors(parseProgramFile(file, 'p.csv', title))).toEqual(['0:file:not_utf8']);
  });

  it.each<[string, string, string]>([
    ['program.json', 'anything', 'json'],
    ['PROGRAM.CSV', '{', 'csv'],
    ['program', '  {"topics": []}', 'json'],
    ['program', 'topic,level', 'csv'],
  ])('format of %s', (name, source, expected) => {
    expect(programFormat(name, source)).toBe(expected);
  });
});

describe('JSON', () => {
  const lesson = (o: Record<string, unknown> = {}) => ({ title: { en: 'One', ru: 'Один' }, url: 'https://x.example/1', minutes: 10, level: 'beginner', ...o });
  const json = (v: unknown): Uint8Array => utf8(JSON.stringify(v));

  it('reads the program with its title; ids given are kept, missing ones derived', () => {
    const p = good(parseProgramFile(json({
      title: { en: 'Security', ru: 'Безопасность' },
      topics: [{ id: 'pw', title: 'Passwords', lessons: [lesson({ id: 'pw-1' }), lesson({ title: 'Two', level: 'elementary', test: true })] }],
    }), 'p.json', title));
    expect(p).toEqual({
      title: { en: 'Security', ru: 'Безопасность' },
      topics: [{ id: 'pw', title: { en: 'Passwords' }, lessons: [
        { id: 'pw-1', title: { en: 'One', ru: 'Один' }, url: 'https://x.example/1', minutes: 10, level: 'beginner' },
        { id: 'pw.elementary.two', title: { en: 'Two' }, url: 'https://x.example/1', minutes: 10, level: 'elementary', test: true },
      ] }],
    });
  });

  it('without a title the course’s is used', () => {
    expect(good(parseProgramFile(json({ topics: [{ title: 'T', lessons: [lesson()] }] }), 'p.json', title)).title).toEqual(title);
  });

  it.each<[string, unknown, string[]]>([
    ['not JSON', undefined, ['0:file:bad_json']],
    ['no topics', { topics: [] }, ['0:file:no_lessons']],
    ['topics not a list', { topics: 'x' }, ['0:file:bad_shape']],
    ['minutes as text', { topics: [{ title: 'T', lessons: [lesson({ minutes: '10' })] }] }, ['1:minutes:bad_minutes']],
    ['minutes absurd, in the second topic: numbered through the file', { topics: [{ title: 'T', lessons: [lesson(), lesson({ title: 'Two' })] }, { title: 'U', lessons: [lesson({ minutes: 1000 })] }] }, ['3:minutes:minutes_absurd']],
    ['unknown level', { topics: [{ title: 'T', lessons: [lesson({ level: 'guru' })] }] }, ['1:level:unknown_level']],
    ['bad URL', { topics: [{ title: 'T', lessons: [lesson({ url: 'file:///etc/passwd' })] }] }, ['1:url:bad_url']],
    ['Russian title too long', { topics: [{ title: 'T', lessons: [lesson({ title: { en: 'One', ru: 'я'.repeat(300) } })] }] }, ['1:lesson_ru:too_long']],
    ['topic without a title', { topics: [{ lessons: [lesson()] }] }, ['topic1:topic:required']],
    ['a bad id', { topics: [{ title: 'T', lessons: [lesson({ id: 'has space' })] }] }, ['1:id:bad_id']],
    ['duplicate ids', { topics: [{ title: 'T', lessons: [lesson({ id: 'a' }), lesson({ id: 'a', title: 'Two' })] }] }, ['2:id:duplicate<1']],
    ['duplicate lessons', { topics: [{ title: 'T', lessons: [lesson(), lesson()] }] }, ['2:lesson:duplicate<1']],
    ['the same topic twice', { topics: [{ title: 'T', lessons: [lesson()] }, { title: 'T!', lessons: [lesson({ title: 'Two' })] }] }, ['topic2:topic:duplicate<1']],
  ])('%s is refused', (_name, value, expected) => {
    const bytes = value === undefined ? utf8('{"topics": [') : json(value);
    expect(errors(parseProgramFile(bytes, 'p.json', title))).toEqual(expected);
  });
});

describe('slugOf', () => {
  it.each<[string, string]>([
    ['Strong passwords', 'strong-passwords'],
    ['  Phishing: what to do?! ', 'phishing-what-to-do'],
    ['ＦＵＬＬ width', 'full-width'],
  ])('%s → %s', (input, expected) => {
    expect(slugOf(input)).toBe(expected);
  });

  it('a title with no Latin letters gets a stable short token', () => {
    expect(slugOf('Пароли')).toMatch(/^t[0-9a-z]+$/);
    expect(slugOf('Пароли')).toBe(slugOf(' пароли '));
    expect(slugOf('Пароли')).not.toBe(slugOf('Фишинг'));
  });
});

describe('test lessons with questions (issue 12)', () => {
  const lesson = (extra: Record<string, unknown>) => ({ title: 'T', url: 'https://learn.example/t', minutes: 5, level: 'beginner', ...extra });
  const file = (...lessons: unknown[]) => utf8(JSON.stringify({ topics: [{ title: 'Passwords', lessons }] }));
  const question = { text: 'Q', options: ['a', 'b'], right: 2 };
  it('a test lesson carries its questions, right answers stored 0-based', () => {
    const p = good(parseProgramFile(file(lesson({ title: 'L' }), lesson({ test: true, questions: [question] })), 'p.json', title));
    expect(p.topics[0]!.lessons[1]!.questions).toEqual([{ type: 'single', text: { en: 'Q' }, options: [{ en: 'a' }, { en: 'b' }], right: [1] }]);
    expect(p.topics[0]!.lessons[0]!.questions).toBeUndefined();
  });
  it('a bad question is named with its lesson and question, and nothing is accepted', () => {
    const r = parseProgramFile(file(lesson({ title: 'L' }), lesson({ test: true, questions: [question, { ...question, options: ['a', 'a'] }] })), 'p.json', title);
    expect(r).toEqual({ ok: false, more: 0, errors: [{ row: 2, field: 'questions', code: 'bad_questions', question: { row: 2, field: 'options', code: 'duplicate_option' } }] });
  });
  it.each([
    ['questions on a lesson that is not a test', lesson({ questions: [question] }), ['1:questions:questions_not_test']],
    ['an empty test', lesson({ test: true, questions: [] }), ['1:questions:bad_questions']],
    ['questions that are not a list', lesson({ test: true, questions: 'Q' }), ['1:questions:bad_questions']],
  ])('%s is refused', (_n, l, expected) => {
    expect(errors(parseProgramFile(file(l), 'p.json', title))).toEqual(expected);
  });
});
