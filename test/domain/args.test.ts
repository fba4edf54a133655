// Tests for the argument tokenizer, user lists, group references and poll specs.
import { describe, expect, it } from 'vitest';
import {
  mentionId,
  parseGroupRef,
  parsePollSpec,
  parseUsers,
  takeGroupRef,
  tokenize,
} from '../../src/domain/args.js';

describe('tokenize', () => {
  it.each<[string, string[]]>([
    ['', []],
    ['   ', []],
    ['a b  c', ['a', 'b', 'c']],
    ['a\tb\nc\u00A0d', ['a', 'b', 'c', 'd']],
    ['"Spring cohort" 2026', ['Spring cohort', '2026']],
    ['«Весенний поток» [USER=17]Anna[/USER]', ['Весенний поток', '[USER=17]Anna[/USER]']],
    ['“Spring cohort”', ['Spring cohort']],
    ['„Весенний поток“ x', ['Весенний поток', 'x']],
    ['#12 [USER=17]Anna Petrova[/USER] 18', ['#12', '[USER=17]Anna Petrova[/USER]', '18']],
    ['[user=17]anna petrova[/user][USER=18]Ivan Ivanov[/USER]', ['[user=17]anna petrova[/user][USER=18]Ivan Ivanov[/USER]']],
    ['[USER=17]Anna Petrova[/USER] [USER=18]Ivan  Ivanov[/USER]', ['[USER=17]Anna Petrova[/USER]', '[USER=18]Ivan  Ivanov[/USER]']],
    ['[USER=all]Everyone here[/USER]', ['[USER=all]Everyone here[/USER]']],
    // an unclosed mention is not a mention: it does not swallow the next line or the next mention
    ['[USER=17]Anna Petrova x', ['[USER=17]Anna', 'Petrova', 'x']],
    ['[USER=17]Anna [USER=18]Ivan Ivanov[/USER]', ['[USER=17]Anna', '[USER=18]Ivan Ivanov[/USER]']],
    ['[USER=17]Anna\nPetrova[/USER]', ['[USER=17]Anna', 'Petrova[/USER]']],
    ['"unclosed quote runs to the end  ', ['unclosed quote runs to the end']],
    ['a"b c"d e', ['ab cd', 'e']],
    ['"" x', ['', 'x']],
    ["O'Brien's group", ["O'Brien's", 'group']],
    ['stray» quote', ['stray»', 'quote']],
    ['"[USER=5]A B[/USER]"', ['[USER=5]A B[/USER]']],
  ])('%j', (text, tokens) => {
    expect(tokenize(text)).toEqual(tokens);
  });
});

describe('mentionId', () => {
  it.each<[string, number | null]>([
    ['[USER=17]Anna Petrova[/USER]', 17],
    ['[user=17][/user]', 17],
    ['[User=0017]x[/uSeR]', 17],
    ['[USER=0]x[/USER]', null],
    ['[USER=all]x[/USER]', null],
    ['[USER=17]x[/USER] tail', null],
    ['17', null],
  ])('%j → %s', (token, id) => {
    expect(mentionId(token)).toBe(id);
  });
});

describe('parseUsers', () => {
  it.each<[string, string[], { ids: number[]; bad: string[] }]>([
    ['nothing', [], { ids: [], bad: [] }],
    ['mentions and ids, order kept', ['[USER=17]Anna Petrova[/USER]', '5', '[user=9]x[/user]'], { ids: [17, 5, 9], bad: [] }],
    ['duplicates dropped, first position kept', ['5', '[USER=17]A[/USER]', '[USER=5]B[/USER]', '17', '5'], { ids: [5, 17], bad: [] }],
    ['bad tokens reported', ['Anna', '0', '-3', '1.5', '[USER=all]All[/USER]', '#12', '7'], { ids: [7], bad: ['Anna', '0', '-3', '1.5', '[USER=all]All[/USER]', '#12'] }],
    ['huge number is bad', ['99999999999999999999'], { ids: [], bad: ['99999999999999999999'] }],
  ])('%s', (_name, tokens, expected) => {
    expect(parseUsers(tokens)).toEqual(expected);
  });
});

describe('parseGroupRef', () => {
  it.each<[string, boolean, unknown]>([
    ['#12', false, { kind: 'id', id: 12 }],
    ['#12', true, { kind: 'id', id: 12 }],
    ['12', true, { kind: 'id', id: 12 }],
    ['12', false, { kind: 'name', name: '12' }],
    ['0', true, { kind: 'name', name: '0' }],
    ['#0', true, { kind: 'name', name: '#0' }],
    ['#abc', true, { kind: 'name', name: '#abc' }],
    ['Spring cohort', true, { kind: 'name', name: 'Spring cohort' }],
    ['  Spring  ', false, { kind: 'name', name: 'Spring' }],
  ])('%j (bareNumberIsId=%s)', (token, bareNumberIsId, expected) => {
    expect(parseGroupRef(token, { bareNumberIsId })).toEqual(expected);
  });

  it('defaults to bare numbers being names', () => {
    expect(parseGroupRef('7')).toEqual({ kind: 'name', name: '7' });
  });
});

describe('takeGroupRef', () => {
  const anna = '[USER=17]Anna Petrova[/USER]';
  it.each<[string, string[], boolean, unknown]>([
    ['required: bare number is the group', ['12', '17'], false, { group: { kind: 'id', id: 12 }, rest: ['17'] }],
    ['required: name first', ['Spring', anna], false, { group: { kind: 'name', name: 'Spring' }, rest: [anna] }],
    ['optional: #id is a group', ['#12', '17'], true, { group: { kind: 'id', id: 12 }, rest: ['17'] }],
    ['optional: bare number is a user', ['12', '17'], true, { group: null, rest: ['12', '17'] }],
    ['optional: mention is a user', [anna, '5'], true, { group: null, rest: [anna, '5'] }],
    ['optional: a word is a group name', ['Spring', '5'], true, { group: { kind: 'name', name: 'Spring' }, rest: ['5'] }],
    ['empty', [], true, { group: null, rest: [] }],
    ['empty, required', [], false, { group: null, rest: [] }],
  ])('%s', (_name, tokens, groupOptional, expected) => {
    expect(takeGroupRef(tokens, { groupOptional })).toEqual(expected);
  });
});

describe('parsePollSpec', () => {
  it.each<[string, { question: string; options: string[] }]>([
    ['Lunch? | Pizza | Soup', { question: 'Lunch?', options: ['Pizza', 'Soup'] }],
    ['  Lunch?|Pizza|Soup|  ', { question: 'Lunch?', options: ['Pizza', 'Soup'] }],
    ['Lunch? | Pizza || | Soup', { question: 'Lunch?', options: ['Pizza', 'Soup'] }],
    ['Lunch\n  today? | Pizza\tslice | Soup', { question: 'Lunch today?', options: ['Pizza slice', 'Soup'] }],
    [`Q | ${Array.from({ length: 10 }, (_, i) => `o${i}`).join(' | ')}`, { question: 'Q', options: Array.from({ length: 10 }, (_, i) => `o${i}`) }],
    [`${'q'.repeat(300)} | a | ${'b'.repeat(100)}`, { question: 'q'.repeat(300), options: ['a', 'b'.repeat(100)] }],
    [`Q | ${'😀'.repeat(100)} | b`, { question: 'Q', options: ['😀'.repeat(100), 'b'] }],
  ])('accepts %j', (text, value) => {
    expect(parsePollSpec(text)).toEqual({ ok: true, value });
  });

  it.each<[string, string, string, unknown]>([
    ['empty text', '', 'poll_empty', undefined],
    ['only blanks and bars', '  |  | ', 'poll_empty', undefined],
    ['no question', ' | a | b', 'poll_empty', undefined],
    ['question only', 'Lunch?', 'poll_too_few_options', { min: 2, count: 0 }],
    ['one option', 'Lunch? | Pizza', 'poll_too_few_options', { min: 2, count: 1 }],
    ['one option and empties', 'Lunch? | Pizza | | ', 'poll_too_few_options', { min: 2, count: 1 }],
    ['eleven options', `Q | ${Array.from({ length: 11 }, (_, i) => `o${i}`).join(' | ')}`, 'poll_too_many_options', { max: 10, count: 11 }],
    ['long question', `${'q'.repeat(301)} | a | b`, 'poll_question_too_long', { max: 300, length: 301 }],
    ['long option', `Q | a | ${'b'.repeat(101)}`, 'poll_option_too_long', { max: 100, index: 2 }],
    ['duplicate option', 'Q | Yes | No | yes', 'poll_duplicate_option', { option: 'yes', index: 3 }],
  ])('%s', (_name, text, code, details) => {
    const r = parsePollSpec(text);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.code).toBe(code);
      expect(r.details).toEqual(details);
    }
  });
});
