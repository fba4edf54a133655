// Tests for names, descriptions, course titles, course URLs and prompts.
import { describe, expect, it } from 'vitest';
import {
  normalizeLine,
  normalizeText,
  textLength,
  validateCourseTitle,
  validateCourseUrl,
  validateDescription,
  validateGroupName,
  validatePrompt,
} from '../../src/domain/validate.js';

describe('normalisation', () => {
  it.each([
    ['  a  b ', 'a b'],
    ['a\nb\r\nc\td', 'a b c d'],
    ['a\u0000b\u0007c\u007Fd\u0085e', 'abcde'],
    ['\u202Eevil\u202C\u200Bname\uFEFF', 'evilname'],
    ['👨\u200D👩\u200D👧 family', '👨\u200D👩\u200D👧 family'],
  ])('normalizeLine(%j)', (text, expected) => {
    expect(normalizeLine(text)).toBe(expected);
  });

  it.each([
    ['  line one  \r\nline two\t\n\n\n\nend  ', 'line one\nline two\n\nend'],
    ['a\u0000\u0008b\n\u2066c', 'ab\nc'],
  ])('normalizeText(%j)', (text, expected) => {
    expect(normalizeText(text)).toBe(expected);
  });

  it.each([['abc', 3], ['😀😀', 2], ['', 0], ['ёж', 2]])('textLength(%j) = %d', (text, n) => {
    expect(textLength(text)).toBe(n);
  });
});

describe('validateGroupName', () => {
  it.each([
    ['Spring cohort', 'Spring cohort'],
    ['  Весенний\n поток  ', 'Весенний поток'],
    ['x'.repeat(100), 'x'.repeat(100)],
    ['😀'.repeat(100), '😀'.repeat(100)],
  ])('accepts %j', (text, name) => {
    expect(validateGroupName(text)).toEqual({ ok: true, value: name });
  });
  it.each([
    ['', { ok: false, code: 'name_empty' }],
    [' \n\t ', { ok: false, code: 'name_empty' }],
    ['\u0000\u0001\u200B', { ok: false, code: 'name_empty' }],
    ['x'.repeat(101), { ok: false, code: 'name_too_long', details: { max: 100, length: 101 } }],
  ])('rejects %j', (text, expected) => {
    expect(validateGroupName(text)).toEqual(expected);
  });
});

describe('validateDescription', () => {
  it.each([
    ['', ''],
    ['  First line\r\nSecond line  ', 'First line\nSecond line'],
    ['d'.repeat(2000), 'd'.repeat(2000)],
  ])('accepts %j', (text, value) => {
    expect(validateDescription(text)).toEqual({ ok: true, value });
  });
  it('rejects over 2000 characters', () => {
    expect(validateDescription('d'.repeat(2001))).toEqual({
      ok: false,
      code: 'description_too_long',
      details: { max: 2000, length: 2001 },
    });
  });
});

describe('validateCourseTitle', () => {
  it.each([
    ['Security basics', { ok: true, value: 'Security basics' }],
    ['t'.repeat(200), { ok: true, value: 't'.repeat(200) }],
    ['   ', { ok: false, code: 'title_empty' }],
    ['t'.repeat(201), { ok: false, code: 'title_too_long', details: { max: 200, length: 201 } }],
  ])('%j', (text, expected) => {
    expect(validateCourseTitle(text)).toEqual(expected);
  });
});

describe('validateCourseUrl', () => {
  it.each([
    ['https://lms.example/course/1', 'https://lms.example/course/1'],
    ['  HTTP://LMS.Example  ', 'http://lms.example/'],
    ['https://lms.example/a b?q="x"', 'https://lms.example/a%20b?q=%22x%22'],
    ['https://lms.example/x]evil[/url][send=/group delete 1]go', 'https://lms.example/x%5Devil%5B/url%5D%5Bsend=/group%20delete%201%5Dgo'],
    ['https://lms.example:8443/p#frag', 'https://lms.example:8443/p#frag'],
    ['https://курсы.рф/1', 'https://xn--j1amdg6b.xn--p1ai/1'],
  ])('accepts %j', (text, href) => {
    const r = validateCourseUrl(text);
    expect(r).toEqual({ ok: true, value: href });
    if (r.ok) expect(r.value).not.toMatch(/[[\]\s]/);
  });

  it.each([
    ['', 'empty'],
    ['lms.example/course', 'syntax'],
    ['not a url', 'syntax'],
    ['https://', 'syntax'],
    ['javascript:alert(1)', 'scheme'],
    ['ftp://lms.example/file', 'scheme'],
    ['file:///etc/passwd', 'scheme'],
    ['data:text/html,hi', 'scheme'],
    ['http://[::1]/course', 'host'],
    ['https://trusted.example@evil.example/', 'credentials'],
    ['https://user:pw@lms.example/', 'credentials'],
    [`https://lms.example/${'a'.repeat(2000)}`, 'too_long'],
    [`https://lms.example/${'['.repeat(700)}`, 'too_long'],
  ])('rejects %j (%s)', (text, reason) => {
    expect(validateCourseUrl(text)).toEqual({ ok: false, code: 'url_invalid', details: { reason } });
  });
});

describe('validatePrompt', () => {
  it.each([
    ['What surprised you?', { ok: true, value: 'What surprised you?' }],
    ['Line 1\nLine 2', { ok: true, value: 'Line 1\nLine 2' }],
    ['p'.repeat(500), { ok: true, value: 'p'.repeat(500) }],
    ['  \n ', { ok: false, code: 'prompt_empty' }],
    ['p'.repeat(501), { ok: false, code: 'prompt_too_long', details: { max: 500, length: 501 } }],
  ])('%j', (text, expected) => {
    expect(validatePrompt(text)).toEqual(expected);
  });
});
