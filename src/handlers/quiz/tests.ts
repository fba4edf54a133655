// What the quiz handlers share: finding a test (a stand-alone test course or a program's test lesson), who may take it and against which threshold.
import type { BotContext } from '../../bot/context.js';
import { isGroupOpenOn, visibleCourses } from '../../domain/access.js';
import { escapeBb } from '../../domain/bbcode.js';
import type { Course, StudyGroup } from '../../domain/model.js';
import { STANDALONE_PASS_PERCENT } from '../../domain/quiz/attempt.js';
import type { TestRef } from '../../domain/quiz/model.js';
import type { Question } from '../../domain/quiz/score.js';
import type { Lesson, Localized } from '../../domain/training/model.js';
import { err, ok, type Result } from '../../domain/result.js';
import type { Lang } from '../../i18n/index.js';
import { lookupCourse } from '../course/refs.js';
import { replyError } from '../shared.js';
import { learnerView } from '../training/common.js';

export interface TestTarget {
  ref: TestRef;
  course: Course;
  lesson?: Lesson;
  questions: Question[];
}

export const pick = (text: Localized, lang: Lang): string => (lang === 'ru' && text.ru ? text.ru : text.en);

/** The test's name as shown (escaped): the course title, and for a program test the lesson's title. */
export function testName(lang: Lang, target: Pick<TestTarget, 'course' | 'lesson'>): string {
  return target.lesson ? `${escapeBb(pick(target.lesson.title, lang))} (${escapeBb(target.course.title)})` : escapeBb(target.course.title);
}

export function lessonOf(course: Course | undefined, lessonId: string): Lesson | undefined {
  return course?.program?.topics.flatMap((t) => t.lessons).find((l) => l.id === lessonId);
}

/** The test a ref names, with its questions (empty: none loaded yet); null when the course or lesson is gone or is no test. */
export function findTest(courses: readonly Course[], ref: TestRef): TestTarget | null {
  const course = courses.find((c) => c.id === ref.courseId);
  if (!course) return null;
  if (ref.lessonId === undefined) return course.kind === 'test' ? { ref: { courseId: course.id }, course, questions: course.questions ?? [] } : null;
  const lesson = lessonOf(course, ref.lessonId);
  if (!lesson?.test) return null;
  return { ref: { courseId: course.id, lessonId: lesson.id }, course, lesson, questions: lesson.questions ?? [] };
}

export type TestRefCode = 'course_missing' | 'course_not_found' | 'course_ambiguous' | 'not_a_test' | 'no_lesson';

/** `<test>` or `<course> <lesson id>` as typed (a lesson id is one token, the course is the rest). */
export function testFromTokens(courses: readonly Course[], tokens: readonly string[]): Result<TestTarget, TestRefCode> {
  if (tokens.length === 0) return err('course_missing');
  const whole = lookupCourse(courses, tokens.join(' '));
  if (whole.ok) {
    const t = findTest(courses, { courseId: whole.value.id });
    return t ? ok(t) : err('not_a_test', { course: whole.value.title, id: whole.value.id });
  }
  if (tokens.length > 1) {
    const course = lookupCourse(courses, tokens.slice(0, -1).join(' '));
    if (course.ok) {
      const t = findTest(courses, { courseId: course.value.id, lessonId: tokens.at(-1)! });
      return t ? ok(t) : err('no_lesson', { course: course.value.title, lesson: tokens.at(-1)! });
    }
  }
  return err(whole.code, whole.details);
}

/** Whose threshold and retake wait a learner's attempt follows. */
export interface Taker { groupId: number | null; threshold: number; retakeHours: number }

export type TakerCode = 'not_in_group' | 'no_questions' | 'already_done';

/**
 * May this person take the test, and against which group's settings? A program's test: only as a
 * learner of a training group following that course, for a lesson of their plan. A stand-alone test:
 * where the course is visible to them; a training group's threshold applies, else 80%.
 */
export function takerOf(ctx: BotContext, target: TestTarget): Result<Taker, TakerCode> {
  if (target.questions.length === 0) return err('no_questions');
  const userId = ctx.user.id;
  if (target.lesson) {
    const view = learnerView(ctx.data, userId, ctx.today());
    if (!view || view.training.courseId !== target.course.id) return err('not_in_group');
    const item = view.schedule.items.find((i) => i.lesson.id === target.lesson!.id);
    if (!item) return err('not_in_group');
    if (item.done) return err('already_done');
    return ok({ groupId: view.group.id, threshold: view.training.passPercent, retakeHours: view.training.retakeHours ?? 0 });
  }
  const viewer = { userId, extranet: ctx.user.extranet };
  const { byGroup, open } = visibleCourses(viewer, ctx.data.courses, ctx.data.groups, ctx.today());
  const groups: StudyGroup[] = byGroup.filter((g) => g.courses.some((c) => c.id === target.course.id)).map((g) => g.group);
  const group = groups.find((g) => g.training !== undefined) ?? groups[0];
  if (group) {
    return ok({ groupId: group.id, threshold: group.training?.passPercent ?? STANDALONE_PASS_PERCENT, retakeHours: group.training?.retakeHours ?? 0 });
  }
  if (open.some((c) => c.id === target.course.id)) return ok({ groupId: null, threshold: STANDALONE_PASS_PERCENT, retakeHours: 0 });
  return err('not_in_group');
}

/** Button payload arguments naming a test: `<courseId>` or `<courseId>:<lessonId>` (null when a lesson id cannot be carried). */
export function testArgs(ref: TestRef): Array<string | number> | null {
  if (ref.lessonId === undefined) return [ref.courseId];
  return /^[^:\s]{1,64}$/.test(ref.lessonId) ? [ref.courseId, ref.lessonId] : null;
}

export function refFromArgs(args: readonly string[]): TestRef | null {
  const courseId = Number(args[0]);
  if (!Number.isInteger(courseId) || courseId <= 0) return null;
  return args[1] === undefined ? { courseId } : { courseId, lessonId: args[1] };
}

/** Is the group still open for a completion to be recorded in it? */
export function openGroup(ctx: BotContext, groupId: number | null): StudyGroup | null {
  const g = groupId === null ? undefined : ctx.data.groups.find((x) => x.id === groupId);
  return g && isGroupOpenOn(g, ctx.today()) ? g : null;
}

/**
 * The test the tokens name, or null once the caller has been told why not: `usage` when nothing
 * was named, the quiz's own answer for a course that is no test or a lesson not in it, the shared
 * course-lookup answers otherwise.
 */
export async function testOrAnswer(ctx: BotContext, tokens: readonly string[], usage: string): Promise<TestTarget | null> {
  const found = testFromTokens(ctx.data.courses, tokens);
  if (found.ok) return found.value;
  if (found.code === 'course_missing') {
    await ctx.reply(usage);
  } else if (found.code === 'not_a_test' || found.code === 'no_lesson') {
    const d = found.details ?? {};
    await ctx.reply(ctx.t(`quiz:ref.${found.code}`, { course: escapeBb(String(d.course ?? '')), lesson: escapeBb(String(d.lesson ?? '')), id: d.id ?? '' }));
  } else {
    await replyError(ctx, found.code, found.details);
  }
  return null;
}
