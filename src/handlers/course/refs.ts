// Finding courses and groups by what people type (`#12`, `12`, a title or name), without answering: callers decide what to say.
import { parseGroupRef } from '../../domain/args.js';
import type { Course, StudyGroup } from '../../domain/model.js';
import { err, ok, type Result } from '../../domain/result.js';
import { normalizeLine } from '../../domain/validate.js';
import { nameKey } from '../../domain/text.js';

export type CourseRefCode = 'course_missing' | 'course_not_found' | 'course_ambiguous';
export type GroupRefCode = 'group_missing' | 'group_not_found' | 'group_ambiguous';

/** `#12` or `12` is the course with id 12; anything else is a title, compared case-insensitively. */
export function lookupCourse(courses: readonly Course[], ref: string | undefined): Result<Course, CourseRefCode> {
  const text = normalizeLine(ref ?? '');
  if (text === '') return err('course_missing');
  const id = /^#?(\d{1,9})$/.exec(text);
  if (id) {
    const found = courses.find((c) => c.id === Number(id[1]));
    if (found) return ok(found);
    // A course may be titled "2026": fall through to the title when no id matches.
  }
  const wanted = nameKey(text);
  const matches = courses.filter((c) => nameKey(c.title) === wanted);
  if (matches.length === 1) return ok(matches[0]!);
  if (matches.length > 1) return err('course_ambiguous', { ref: text, id: matches[0]!.id });
  return err('course_not_found', { ref: text });
}

/** A group reference as `group_not_found` repeats it: `#12` for a `#` number, else the text as typed (one line). */
export function groupRefText(ref: string): string {
  const parsed = parseGroupRef(ref, { bareNumberIsId: true });
  return parsed.kind === 'id' && ref.trim().startsWith('#') ? `#${parsed.id}` : normalizeLine(ref);
}

/** Like shared `findGroup`, but silent; `bound` is the chat's own group, used when no reference is given. */
export function lookupGroup(groups: readonly StudyGroup[], ref: string | undefined, bound: StudyGroup | null): Result<StudyGroup, GroupRefCode> {
  if (ref === undefined || ref.trim() === '') return bound ? ok(bound) : err('group_missing');
  const parsed = parseGroupRef(ref, { bareNumberIsId: true });
  if (parsed.kind === 'id') {
    const found = groups.find((g) => g.id === parsed.id);
    if (found) return ok(found);
    if (ref.trim().startsWith('#')) return err('group_not_found', { ref: groupRefText(ref) });
  }
  const wanted = nameKey(normalizeLine(ref));
  const matches = groups.filter((g) => nameKey(g.name) === wanted);
  if (matches.length === 1) return ok(matches[0]!);
  if (matches.length > 1) return err('group_ambiguous', { ref: normalizeLine(ref), id: matches[0]!.id });
  return err('group_not_found', { ref: groupRefText(ref) });
}

/** A course and a group found from what was typed; `groupRef` is the group as typed (`groupRefText`), null for the bound chat's group. */
export interface CourseAndGroup {
  course: Course;
  group: StudyGroup;
  groupRef: string | null;
}

/**
 * `<course> <group>` where either may be unquoted words: first the last token is the group and
 * the rest the course title; if that finds nothing and the chat is bound to a group, all tokens
 * are the course. The first attempt's error is the one reported.
 */
export function lookupCourseAndGroup(
  courses: readonly Course[],
  groups: readonly StudyGroup[],
  tokens: readonly string[],
  bound: StudyGroup | null,
): Result<CourseAndGroup, CourseRefCode | GroupRefCode> {
  const attempts: Array<[string, string | undefined]> = [];
  if (tokens.length >= 2) attempts.push([tokens.slice(0, -1).join(' '), tokens.at(-1)]);
  if (tokens.length === 1 || bound) attempts.push([tokens.join(' '), undefined]);
  let first: Result<CourseAndGroup, CourseRefCode | GroupRefCode> | null = null;
  for (const [courseRef, groupRef] of attempts) {
    const course = lookupCourse(courses, courseRef);
    const group = lookupGroup(groups, groupRef, bound);
    const typed = groupRef === undefined || groupRef.trim() === '' ? null : groupRefText(groupRef);
    const r: Result<CourseAndGroup, CourseRefCode | GroupRefCode> = !course.ok
      ? course
      : !group.ok
        ? group
        : ok({ course: course.value, group: group.value, groupRef: typed });
    if (r.ok) return r;
    first ??= r;
  }
  return first ?? err('course_missing');
}

const LEADING_TOKEN = /^\s*(?:"[^"]*"?|«[^»]*»?|“[^”]*”?|„[^“”]*[“”]?|\S+)/;

/**
 * Splits off the first `n` tokens of raw text and returns the rest untouched (a prompt keeps its
 * quotes and line breaks). Quoted tokens count as one, as in `tokenize`.
 */
export function restAfter(text: string, n: number): string {
  let rest = text;
  for (let i = 0; i < n; i++) {
    const m = LEADING_TOKEN.exec(rest);
    if (!m) return '';
    rest = rest.slice(m[0].length);
  }
  return rest.trim();
}
