// Tests for an attempt taken step by step: the current question, presses and their refusals, the result, retake waits.
import { describe, expect, it } from 'vitest';
import { currentStep, missedQuestions, press, retakeAllowed, startAttempt } from '../../src/domain/quiz/attempt.js';
import type { Attempt } from '../../src/domain/quiz/model.js';
import type { Question } from '../../src/domain/quiz/score.js';

const q = (right: number[], n = 3, type: Question['type'] = 'single'): Question => ({
  type, text: { en: 'Q' }, options: Array.from({ length: n }, (_, i) => ({ en: `o${i}` })), right,
});
const qs = [q([0]), q([1, 2], 4, 'multiple'), q([2])];
const NOW = new Date('2026-12-07T10:00:00Z');
const test = { courseId: 1, lessonId: 'pw.beginner.test' };
const start = (id = 'a1', userId = 7) => startAttempt({ id, userId, test, groupId: 3, seed: 42, questions: qs, now: NOW });

/** Presses the current question's right answer (or `wrong` ones), returns the new attempt. */
function answerCurrent(all: Attempt[], a: Attempt, right: boolean): Attempt {
  const step = currentStep(a, qs)!;
  const question = qs[step.question]!;
  const chosen = right ? question.right : [question.options.findIndex((_, i) => !question.right.includes(i))];
  let cur = a;
  const list = () => all.map((x) => (x.id === cur.id ? cur : x));
  if (question.type === 'single') {
    const r = press(list(), qs, { userId: a.userId, attemptId: a.id, question: step.question, option: chosen[0]! }, 80, NOW);
    if (!r.ok) throw new Error(r.code);
    return r.value.attempt;
  }
  for (const o of chosen) {
    const r = press(list(), qs, { userId: a.userId, attemptId: a.id, question: step.question, option: o }, 80, NOW);
    if (!r.ok) throw new Error(r.code);
    cur = r.value.attempt;
  }
  const r = press(list(), qs, { userId: a.userId, attemptId: a.id, question: step.question, option: null }, 80, NOW);
  if (!r.ok) throw new Error(r.code);
  return r.value.attempt;
}

describe('an attempt step by step', () => {
  it('starts unanswered and shows the first question of its seeded order', () => {
    const a = start();
    expect(a.answers).toEqual([null, null, null]);
    const s = currentStep(a, qs)!;
    expect(s.step).toBe(0);
    expect(s.total).toBe(3);
    expect([...s.options].sort()).toEqual(qs[s.question]!.options.map((_, i) => i));
  });

  it('resumes a half-done attempt at the first unanswered question', () => {
    let a = start();
    const first = currentStep(a, qs)!.question;
    a = answerCurrent([a], a, true);
    const s = currentStep(a, qs)!;
    expect(s.step).toBe(1);
    expect(s.question).not.toBe(first);
  });

  it('finishes after the last answer with percent, threshold and outcome', () => {
    let a = start();
    a = answerCurrent([a], a, true);
    a = answerCurrent([a], a, true);
    a = answerCurrent([a], a, false);
    expect(a.finishedAt).toBe(NOW.toISOString());
    expect(a.percent).toBe(66);
    expect(a.threshold).toBe(80);
    expect(a.passed).toBe(false);
    expect(missedQuestions(a, qs)).toHaveLength(1);
    expect(currentStep(a, qs)).toBeNull();
  });

  it('multiple choice: options toggle on and off, "Answer" sends them', () => {
    const a = start();
    const multi = { ...a, answers: a.answers.map((_, i) => (i === 1 ? null : [qs[i]!.right[0]!])) } as Attempt;
    const at = { userId: 7, attemptId: 'a1', question: 1 };
    const t1 = press([multi], qs, { ...at, option: 1 }, 80, NOW);
    expect(t1).toMatchObject({ ok: true, value: { kind: 'toggled', attempt: { toggled: [1] } } });
    const t1a = t1.ok ? t1.value.attempt : multi;
    const t2 = press([t1a], qs, { ...at, option: 1 }, 80, NOW);
    expect(t2.ok && t2.value.attempt.toggled).toEqual([]);
    const t3 = press([t1a], qs, { ...at, option: 2 }, 80, NOW);
    const t3a = t3.ok ? t3.value.attempt : multi;
    const done = press([t3a], qs, { ...at, option: null }, 80, NOW);
    expect(done).toMatchObject({ ok: true, value: { kind: 'finished', attempt: { percent: 100, passed: true, answers: [[0], [1, 2], [2]] } } });
    expect(done.ok && done.value.attempt.toggled).toBeUndefined();
  });
});

describe('refused presses change nothing', () => {
  const a = start();
  const s = currentStep(a, qs)!;
  const other = qs.findIndex((_, i) => i !== s.question);
  const afterOne = answerCurrent([a], a, true);
  const answered = s.question;
  const finished = { ...a, finishedAt: NOW.toISOString(), percent: 0, threshold: 80, passed: false };
  const newer = startAttempt({ id: 'a2', userId: 7, test, groupId: 3, seed: 1, questions: qs, now: NOW });
  const multiStep = { ...a, answers: [[0], null, [2]] } as Attempt;
  it.each([
    ['another person', [a], { userId: 8, attemptId: 'a1', question: s.question, option: 0 }, 'not_yours'],
    ['an unknown attempt', [a], { userId: 7, attemptId: 'zz', question: s.question, option: 0 }, 'not_current'],
    ['an old attempt', [finished, newer], { userId: 7, attemptId: 'a1', question: s.question, option: 0 }, 'not_current'],
    ['a finished attempt', [finished], { userId: 7, attemptId: 'a1', question: s.question, option: 0 }, 'closed'],
    ['a double press', [afterOne], { userId: 7, attemptId: 'a1', question: answered, option: 0 }, 'already_answered'],
    ['a question not shown yet', [a], { userId: 7, attemptId: 'a1', question: other, option: 0 }, 'not_current'],
    ['a question out of range', [a], { userId: 7, attemptId: 'a1', question: 9, option: 0 }, 'not_current'],
    ['an unknown option', [a], { userId: 7, attemptId: 'a1', question: s.question, option: 9 }, 'unknown_option'],
    ['"Answer" with nothing toggled', [multiStep], { userId: 7, attemptId: 'a1', question: 1, option: null }, 'nothing_toggled'],
  ] as const)('%s', (_n, attempts, p, code) => {
    const before = structuredClone(attempts);
    expect(press(attempts as unknown as Attempt[], qs, p, 80, NOW)).toMatchObject({ ok: false, code });
    expect(attempts).toEqual(before);
  });
  it('a test whose questions changed since the attempt began', () => {
    expect(press([a], [...qs, q([0])], { userId: 7, attemptId: 'a1', question: s.question, option: 0 }, 80, NOW)).toMatchObject({ ok: false, code: 'test_changed' });
  });
});

describe('retakes', () => {
  const failedAt = (iso: string, passedIt = false): Attempt => ({ ...start(), finishedAt: iso, percent: passedIt ? 100 : 0, threshold: 80, passed: passedIt });
  const at = (iso: string) => new Date(iso);
  it.each([
    ['never tried', [], 24, '2026-12-07T10:00:00Z', { ok: true }],
    ['failed, no wait', [failedAt('2026-12-07T09:00:00Z')], 0, '2026-12-07T09:00:00Z', { ok: true }],
    ['failed, waiting', [failedAt('2026-12-07T09:00:00Z')], 24, '2026-12-08T08:59:59Z', { ok: false, code: 'wait', details: { until: '2026-12-08T09:00:00.000Z', hours: 1 } }],
    ['failed, wait exactly over', [failedAt('2026-12-07T09:00:00Z')], 24, '2026-12-08T09:00:00Z', { ok: true }],
    ['passed', [failedAt('2026-12-07T09:00:00Z', true)], 0, '2026-12-09T09:00:00Z', { ok: false, code: 'passed' }],
    ['failed after a pass still counts as passed', [failedAt('2026-12-07T08:00:00Z', true), failedAt('2026-12-07T09:00:00Z')], 0, '2026-12-09T09:00:00Z', { ok: false, code: 'passed' }],
  ] as const)('%s', (_n, attempts, hours, now, expected) => {
    expect(retakeAllowed(attempts as unknown as Attempt[], 7, test, hours, at(now))).toMatchObject(expected);
  });
  it('only the same learner and test count', () => {
    const passedOther = { ...failedAt('2026-12-07T09:00:00Z', true), userId: 8 };
    const passedOtherTest = { ...failedAt('2026-12-07T09:00:00Z', true), test: { courseId: 1 } };
    expect(retakeAllowed([passedOther, passedOtherTest], 7, test, 24, NOW)).toEqual({ ok: true, value: true });
  });
});
