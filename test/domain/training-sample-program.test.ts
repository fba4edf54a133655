// The shipped sample program (data/programs/infosec-awareness.json) is a valid program file of the promised shape.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LEVELS } from '../../src/domain/training/model.js';
import { parseProgramFile } from '../../src/domain/training/program-file.js';

const bytes = readFileSync(new URL('../../data/programs/infosec-awareness.json', import.meta.url));
const result = parseProgramFile(bytes, 'infosec-awareness.json', { en: 'unused' });

describe('the information-security awareness program', () => {
  it('is accepted by the program-file rules', () => {
    expect(result.ok ? [] : result.errors).toEqual([]);
  });
  const program = result.ok ? result.program : { title: { en: '' }, topics: [] };

  it('has at least 5 topics, each on all four levels, each level ending with a test', () => {
    expect(program.topics.length).toBeGreaterThanOrEqual(5);
    for (const topic of program.topics) {
      for (const level of LEVELS) {
        const lessons = topic.lessons.filter((l) => l.level === level);
        expect(lessons.length, `${topic.id} ${level}`).toBeGreaterThanOrEqual(2);
        expect(lessons.map((l) => l.test === true), `${topic.id} ${level}`).toEqual([...lessons.slice(1).map(() => false), true]);
      }
    }
  });

  it('is in English and Russian throughout', () => {
    expect(program.title.ru).toBeTruthy();
    for (const topic of program.topics) {
      expect(topic.title.ru, topic.id).toMatch(/[а-яё]/i);
      for (const lesson of topic.lessons) expect(lesson.title.ru, lesson.id).toMatch(/[а-яё]/i);
    }
  });

  it('links are https and minutes sensible', () => {
    for (const lesson of program.topics.flatMap((t) => t.lessons)) {
      expect(lesson.url, lesson.id).toMatch(/^https:\/\//);
      expect(lesson.minutes, lesson.id).toBeGreaterThanOrEqual(5);
      expect(lesson.minutes, lesson.id).toBeLessThanOrEqual(60);
    }
  });
});

describe('the sample program\'s level tests (issue 12)', () => {
  const program = result.ok ? result.program : { title: { en: '' }, topics: [] };
  it('every Beginner..Intermediate test has 3 to 5 questions, in English and Russian, each with an explanation', () => {
    const tests = program.topics.flatMap((t) => t.lessons).filter((l) => l.test && l.level !== 'advanced');
    expect(tests).toHaveLength(15);
    for (const lesson of tests) {
      const qs = lesson.questions ?? [];
      expect(qs.length, lesson.id).toBeGreaterThanOrEqual(3);
      expect(qs.length, lesson.id).toBeLessThanOrEqual(5);
      for (const q of qs) {
        expect(q.text.ru, lesson.id).toMatch(/[а-яё]/i);
        for (const o of q.options) expect(o.ru, `${lesson.id}: ${o.en}`).toBeTruthy();
        expect(q.explanation?.ru, lesson.id).toMatch(/[а-яё]/i);
      }
    }
  });
});
