// One learner's attempt at a test, step by step: start, the question shown now, a press, the result, whether a retake is allowed. Pure.
import { err, ok, type Result } from '../result.js';
import type { Attempt, TestRef } from './model.js';
import { layout, passed, score, type Question } from './score.js';

/** Every press that changes nothing, as a value the handler turns into a short answer. */
export type PressRefusal =
  | 'not_yours'        // another person's attempt (a forged or forwarded press)
  | 'not_current'      // an attempt that is not the learner's latest at this test, or a question not shown now
  | 'already_answered' // a double press on a question already answered
  | 'closed'           // the attempt is finished
  | 'unknown_option'   // an option the question does not have
  | 'nothing_toggled'  // "Answer" on a multiple-choice question with nothing chosen
  | 'test_changed';    // the test's questions were changed since the attempt began

export type RetakeRefusal = 'passed' | 'wait';

/** The pass threshold of a stand-alone test taken outside a training group (README, "Tests in chat"). */
export const STANDALONE_PASS_PERCENT = 80;

export function sameTest(a: TestRef, b: TestRef): boolean {
  return a.courseId === b.courseId && (a.lessonId ?? null) === (b.lessonId ?? null);
}

export function startAttempt(o: { id: string; userId: number; test: TestRef; groupId: number | null; seed: number; questions: readonly Question[]; now: Date }): Attempt {
  const test: TestRef = o.test.lessonId === undefined ? { courseId: o.test.courseId } : { courseId: o.test.courseId, lessonId: o.test.lessonId };
  return {
    id: o.id, userId: o.userId, test, groupId: o.groupId, seed: o.seed,
    answers: o.questions.map(() => null), messageId: null,
    startedAt: o.now.toISOString(), finishedAt: null, percent: null, threshold: null, passed: null,
  };
}

/** The question shown now: the first unanswered one in the attempt's order (so a half-done attempt resumes there). */
export interface Step {
  /** 0-based position in the attempt's order (shown as step + 1 of total). */
  step: number;
  total: number;
  /** The question's index in the stored numbering (what a button names). */
  question: number;
  /** Its option indexes (stored numbering) in the order shown. */
  options: number[];
}

export function currentStep(attempt: Attempt, questions: readonly Question[]): Step | null {
  if (attempt.finishedAt !== null || attempt.answers.length !== questions.length) return null;
  const { order, options } = layout(attempt.seed, questions);
  const step = order.findIndex((q) => attempt.answers[q] === null);
  if (step < 0) return null;
  return { step, total: questions.length, question: order[step]!, options: options[step]! };
}

/** The learner's latest attempt at a test, if any (attempts are stored oldest first). */
export function latestAttempt(attempts: readonly Attempt[], userId: number, test: TestRef): Attempt | undefined {
  for (let i = attempts.length - 1; i >= 0; i--) {
    const a = attempts[i]!;
    if (a.userId === userId && sameTest(a.test, test)) return a;
  }
  return undefined;
}

/** A button press: who pressed, which attempt, question and option the payload names (option null: "Answer"). */
export interface Press { userId: number; attemptId: string; question: number; option: number | null }

export type PressOutcome = { attempt: Attempt; kind: 'answered' | 'toggled' | 'finished' };

/**
 * Applies a press to a copy of the attempt it names; every refusal leaves everything as it was.
 * Single choice: the option is the answer. Multiple choice: an option toggles, "Answer" (option null)
 * sends the toggled ones. The attempt is finished (scored against `threshold`) after the last answer.
 */
export function press(attempts: readonly Attempt[], questions: readonly Question[], p: Press, threshold: number, now: Date): Result<PressOutcome, PressRefusal> {
  const found = attempts.find((a) => a.id === p.attemptId);
  if (!found) return err('not_current');
  if (found.userId !== p.userId) return err('not_yours');
  if (latestAttempt(attempts, found.userId, found.test)?.id !== found.id) return err('not_current');
  if (found.finishedAt !== null) return err('closed');
  if (found.answers.length !== questions.length) return err('test_changed');
  const q = questions[p.question];
  if (!Number.isInteger(p.question) || q === undefined) return err('not_current');
  if (found.answers[p.question] !== null) return err('already_answered');
  if (currentStep(found, questions)?.question !== p.question) return err('not_current');
  if (p.option !== null && (!Number.isInteger(p.option) || p.option < 0 || p.option >= q.options.length)) return err('unknown_option');
  const attempt: Attempt = structuredClone(found);
  if (q.type === 'single') {
    if (p.option === null) return err('unknown_option');
    attempt.answers[p.question] = [p.option];
  } else if (p.option !== null) {
    const on = new Set(attempt.toggled ?? []);
    if (on.has(p.option)) on.delete(p.option);
    else on.add(p.option);
    attempt.toggled = [...on].sort((a, b) => a - b);
    return ok({ attempt, kind: 'toggled' });
  } else {
    if ((attempt.toggled ?? []).length === 0) return err('nothing_toggled');
    attempt.answers[p.question] = [...attempt.toggled!];
    delete attempt.toggled;
  }
  if (attempt.answers.every((a) => a !== null)) return ok({ attempt: finish(attempt, questions, threshold, now), kind: 'finished' });
  return ok({ attempt, kind: 'answered' });
}

/** The attempt scored and closed (a copy). */
export function finish(attempt: Attempt, questions: readonly Question[], threshold: number, now: Date): Attempt {
  const { percent } = score(questions, attempt.answers.map((a) => a ?? undefined));
  return { ...attempt, finishedAt: now.toISOString(), percent, threshold, passed: passed(percent, threshold) };
}

/** What a finished attempt's result names: the questions missed (stored numbering, in the order they were asked). */
export function missedQuestions(attempt: Attempt, questions: readonly Question[]): number[] {
  const { missed } = score(questions, attempt.answers.map((a) => a ?? undefined));
  const { order } = layout(attempt.seed, questions);
  return order.filter((q) => missed.includes(q));
}

/**
 * May the learner start a (new) attempt at this test now? After a pass: no. After a fail: once
 * `retakeHours` have passed since it finished (0: at once). Never tried, or one in progress: yes
 * (the handler resumes the one in progress).
 */
export function retakeAllowed(attempts: readonly Attempt[], userId: number, test: TestRef, retakeHours: number, now: Date): Result<true, RetakeRefusal> {
  const mine = attempts.filter((a) => a.userId === userId && sameTest(a.test, test) && a.finishedAt !== null);
  if (mine.some((a) => a.passed === true)) return err('passed');
  const last = mine.at(-1);
  if (!last || retakeHours <= 0) return ok(true);
  const until = new Date(Date.parse(last.finishedAt!) + retakeHours * 3_600_000);
  if (now.getTime() < until.getTime()) return err('wait', { until: until.toISOString(), hours: Math.ceil((until.getTime() - now.getTime()) / 3_600_000) });
  return ok(true);
}
