// Unit tests for finding courses and groups by what people type, and for the "my courses" intents.
import { describe, expect, it } from 'vitest';
import { lookupCourse, lookupCourseAndGroup, lookupGroup, restAfter } from '../../src/handlers/course/refs.js';
import { myCoursesIntents } from '../../src/handlers/mycourses.js';
import { course, group } from '../domain/fixtures.js';

const courses = [course({ id: 1, title: 'Sales basics' }), course({ id: 2, title: '2026' }), course({ id: 3, title: 'Twin' }), course({ id: 4, title: 'twin' })];
const groups = [group({ id: 1, name: 'Spring cohort' }), group({ id: 7, name: 'Autumn' }), group({ id: 8, name: 'autumn' })];

describe('lookupCourse', () => {
  it.each<[string | undefined, string]>([
    ['#1', 'ok 1'],
    ['1', 'ok 1'],
    ['sales BASICS', 'ok 1'],
    ['  Sales   basics ', 'ok 1'],
    ['2026', 'ok 2'], // no course 2026 by id: the title matches
    ['#99', 'course_not_found'],
    ['twin', 'course_ambiguous'],
    ['', 'course_missing'],
    [undefined, 'course_missing'],
  ])('%j → %s', (ref, expected) => {
    const r = lookupCourse(courses, ref);
    expect(r.ok ? `ok ${r.value.id}` : r.code).toBe(expected);
  });
});

describe('lookupGroup', () => {
  it.each<[string | undefined, boolean, string]>([
    ['#7', false, 'ok 7'],
    ['7', false, 'ok 7'],
    ['spring cohort', false, 'ok 1'],
    ['#9', false, 'group_not_found'],
    ['autumn', false, 'group_ambiguous'],
    [undefined, false, 'group_missing'],
    [undefined, true, 'ok 1'],
  ])('%j (bound chat: %s) → %s', (ref, bound, expected) => {
    const r = lookupGroup(groups, ref, bound ? groups[0]! : null);
    expect(r.ok ? `ok ${r.value.id}` : r.code).toBe(expected);
  });
});

describe('lookupCourseAndGroup', () => {
  const run = (tokens: string[], bound = false) => {
    const r = lookupCourseAndGroup(courses, groups, tokens, bound ? groups[1]! : null);
    return r.ok ? `${r.value.course.id}@${r.value.group.id}` : r.code;
  };
  it('reads the last token as the group and the rest as an unquoted title', () => {
    expect(run(['#1', '#7'])).toBe('1@7');
    expect(run(['Sales', 'basics', '#7'])).toBe('1@7');
    expect(run(['Sales basics', 'Spring cohort'])).toBe('1@1');
  });
  it('in a bound chat the group may be left out, even for a title of several words', () => {
    expect(run(['#1'], true)).toBe('1@7');
    expect(run(['Sales', 'basics'], true)).toBe('1@7');
  });
  it('reports the first attempt\'s problem', () => {
    expect(run(['#1'])).toBe('group_missing');
    expect(run(['Sales', 'basics'])).toBe('course_not_found');
    expect(run(['#1', '#99'])).toBe('group_not_found');
    expect(run([])).toBe('course_missing');
  });
});

describe('restAfter', () => {
  it.each<[string, number, string]>([
    ['prompt #3 What do you "think"?', 2, 'What do you "think"?'],
    ['prompt "Sales basics" Line one\nLine two', 2, 'Line one\nLine two'],
    ['prompt «Основы продаж» Что думаете?', 2, 'Что думаете?'],
    ['prompt #3', 2, ''],
    ['prompt', 2, ''],
  ])('%j after %i tokens', (text, n, expected) => {
    expect(restAfter(text, n)).toBe(expected);
  });
});

describe('"my courses" intents', () => {
  // The router lower-cases and removes punctuation before matching.
  const normalize = (text: string) => text.toLowerCase().replace(/[!?.,;:«»"']+/g, ' ').replace(/\s+/g, ' ').trim();
  const matches = (text: string) => myCoursesIntents.some((i) => i.pattern.test(normalize(text)));
  it.each(['my courses', 'My courses!', 'show my courses', 'Show me my courses please', 'my trainings', 'What are my courses?', 'which courses do i have',
    'мои курсы', 'Мои курсы.', 'мои обучения', 'покажи мои курсы', 'Какие у меня курсы?', 'какие курсы у меня есть',
    // "My groups" gets the same answer, which is titled "My groups".
    'my groups', 'My groups!', 'show my groups', 'my study groups', 'which groups am I in?', 'what are my groups',
    'мои группы', 'Мои группы.', 'покажи мои группы', 'мои учебные группы', 'моя группа', 'Какие у меня группы?', 'в каких группах я состою'])('understands %j', (text) => {
    expect(matches(text)).toBe(true);
  });
  it.each(['courses', 'delete my courses', 'my courses are boring', 'help', 'groups', 'delete my groups', 'my groups are boring', 'мои группы удалить'])('leaves %j to others', (text) => {
    expect(matches(text)).toBe(false);
  });
});
