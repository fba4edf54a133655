// Unit tests for the quiz's buttons on lessons and reminders, and for naming a test by what people type.
import { describe, expect, it } from 'vitest';
import type { Button } from '../../src/bot/render.js';
import { dueLessonMessage, lessonButtons } from '../../src/handlers/training/learner.js';
import { testFromTokens } from '../../src/handlers/quiz/tests.js';
import type { Lesson } from '../../src/domain/training/model.js';
import { tFor } from '../../src/i18n/index.js';
import { course } from '../domain/fixtures.js';

const t = tFor('en');
const question = { type: 'single' as const, text: { en: 'Q' }, options: [{ en: 'a' }, { en: 'b' }], right: [1] };
const lesson = (extra: Partial<Lesson> = {}): Lesson => ({ id: 'pw.beginner.test', title: { en: 'Test' }, url: 'https://learn.example/t', minutes: 5, level: 'beginner', test: true, ...extra });
const shown = (rows: Button[][]) => rows.flat().map((b) => ('payload' in b ? `${b.text} ${b.payload}` : b.text));

describe('lesson buttons', () => {
  it('a test with questions is taken, not marked done; its payload names the course and lesson only', () => {
    expect(shown(lessonButtons(t, lesson({ questions: [question] }), 3))).toEqual(['Open lesson', 'Take the test v1:q.take:3:pw.beginner.test']);
    expect(shown(dueLessonMessage(t, 'en', 'Low risk', lesson({ questions: [question] }), 3).buttons!)).toEqual(['Open lesson', 'Take the test v1:q.take:3:pw.beginner.test']);
  });
  it('a test without questions (a link) is marked done as before', () => {
    expect(shown(lessonButtons(t, lesson(), 3))).toEqual(['Open lesson', 'Mark done v1:t.done:pw.beginner.test']);
  });
});

describe('naming a test', () => {
  const program = { title: { en: 'P' }, topics: [{ id: 'pw', title: { en: 'Passwords' }, lessons: [lesson({ questions: [question] }), lesson({ id: 'pw.beginner.1', test: false })] }] };
  const courses = [course({ id: 1, title: 'Security', program }), course({ id: 2, title: 'Final check', kind: 'test' })];
  it.each<[string[], string]>([
    [['#2'], 'ok 2'],
    [['Final', 'check'], 'ok 2'],
    [['#1', 'pw.beginner.test'], 'ok 1:pw.beginner.test'],
    [['Security', 'pw.beginner.test'], 'ok 1:pw.beginner.test'],
    [['#1'], 'not_a_test'],
    [['#1', 'pw.beginner.1'], 'no_lesson'],
    [['#1', 'nope'], 'no_lesson'],
    [['Nothing'], 'course_not_found'],
    [[], 'course_missing'],
  ])('%j → %s', (tokens, expected) => {
    const r = testFromTokens(courses, tokens);
    expect(r.ok ? `ok ${r.value.ref.courseId}${r.value.ref.lessonId ? `:${r.value.ref.lessonId}` : ''}` : r.code).toBe(expected);
  });
});
