// Tests for the closed-course rule: open windows, membership, archive, extranet, catalog and group visibility.
import { describe, expect, it } from 'vitest';
import {
  canSeeGroup,
  catalogFor,
  coursesClosedOnlyBy,
  isClosedCourse,
  isGroupOpenOn,
  visibleCourses,
  type Viewer,
} from '../../src/domain/access.js';
import type { Course, StudyGroup } from '../../src/domain/model.js';
import { course, group, member } from './fixtures.js';

const ANNA = 17; // member of group 1 (and 2)
const IVAN = 18; // invited to group 1 only
const OLGA = 19; // external user, member of group 3
const anna: Viewer = { userId: ANNA, extranet: false };
const ivan: Viewer = { userId: IVAN, extranet: false };
const olga: Viewer = { userId: OLGA, extranet: true };
const stranger: Viewer = { userId: 99, extranet: false };
const outsider: Viewer = { userId: 98, extranet: true };

describe('isGroupOpenOn', () => {
  const w = (o: Partial<StudyGroup>): StudyGroup => group({ id: 1, accessFrom: '2026-11-24', accessTo: '2026-11-30', ...o });
  it.each<[string, StudyGroup, string, boolean]>([
    ['before the window', w({}), '2026-11-23', false],
    ['first day (inclusive)', w({}), '2026-11-24', true],
    ['inside', w({}), '2026-11-27', true],
    ['last day (inclusive)', w({}), '2026-11-30', true],
    ['after the window', w({}), '2026-12-01', false],
    ['no bounds', w({ accessFrom: null, accessTo: null }), '2030-01-01', true],
    ['open start', w({ accessFrom: null }), '2020-01-01', true],
    ['open end', w({ accessTo: null }), '2099-12-31', true],
    ['open end, before start', w({ accessTo: null }), '2026-11-23', false],
    ['one-day window, that day', w({ accessTo: '2026-11-24' }), '2026-11-24', true],
    ['archived inside the window', w({ archived: true }), '2026-11-27', false],
    ['archived without bounds', w({ archived: true, accessFrom: null, accessTo: null }), '2026-11-27', false],
  ])('%s', (_name, g, today, expected) => {
    expect(isGroupOpenOn(g, today)).toBe(expected);
  });
});

// The world for the remaining tests.
// c1: closed, only in g1. c2: closed, in g1 and g2. c3: open. c4: open, hidden from extranet.
// c5: closed, only in the archived g4. c6: closed, in g3 (external group) and hidden from extranet.
const c1 = course({ id: 1 });
const c2 = course({ id: 2 });
const c3 = course({ id: 3 });
const c4 = course({ id: 4, hiddenFromExtranet: true });
const c5 = course({ id: 5 });
const c6 = course({ id: 6, hiddenFromExtranet: true });
const courses: Course[] = [c1, c2, c3, c4, c5, c6];

const g1 = group({ id: 1, name: 'Spring', accessFrom: '2026-11-24', accessTo: '2026-11-30', members: [member(ANNA), member(IVAN, 'invited')], courseIds: [1, 2] });
const g2 = group({ id: 2, name: 'Autumn', members: [member(ANNA)], courseIds: [2, 404] });
const g3 = group({ id: 3, name: 'Partners', members: [member(OLGA)], courseIds: [6] });
const g4 = group({ id: 4, name: 'Old', archived: true, members: [member(ANNA)], courseIds: [5, 2] });
const groups: StudyGroup[] = [g1, g2, g3, g4];
const INSIDE = '2026-11-27';
const BEFORE = '2026-11-23';
const AFTER = '2026-12-01';

describe('isClosedCourse', () => {
  it.each<[string, number, StudyGroup[], boolean]>([
    ['in one group', 1, groups, true],
    ['in two groups', 2, groups, true],
    ['in no group', 3, groups, false],
    ['only in an archived group stays closed', 5, groups, true],
    ['deleted group (gone from the list) no longer closes it', 5, [g1, g2, g3], false],
    ['no groups at all', 1, [], false],
  ])('%s', (_name, id, gs, expected) => {
    expect(isClosedCourse(id, gs)).toBe(expected);
  });
});

const ids = (cs: readonly Course[]): number[] => cs.map((c) => c.id);

describe('visibleCourses', () => {
  it.each<[string, Viewer, StudyGroup[], string, Array<[number, number[]]>, number[]]>([
    ['member inside the window: both groups, course 2 under each', anna, groups, INSIDE, [[1, [1, 2]], [2, [2]]], [3, 4]],
    ['member before the window: only the unbounded group', anna, groups, BEFORE, [[2, [2]]], [3, 4]],
    ['member on the first day', anna, groups, '2026-11-24', [[1, [1, 2]], [2, [2]]], [3, 4]],
    ['member on the last day', anna, groups, '2026-11-30', [[1, [1, 2]], [2, [2]]], [3, 4]],
    ['member after the window', anna, groups, AFTER, [[2, [2]]], [3, 4]],
    ['invited, not yet a member: nothing closed', ivan, groups, INSIDE, [], [3, 4]],
    ['non-member: open courses only', stranger, groups, INSIDE, [], [3, 4]],
    ['external member: their group (hidden flag does not apply), open minus hidden', olga, groups, INSIDE, [[3, [6]]], [3]],
    ['external non-member: open minus hidden', outsider, groups, INSIDE, [], [3]],
    ['no groups at all: everything is open', anna, [], INSIDE, [], [1, 2, 3, 4, 5, 6]],
    ['no groups at all, external', outsider, [], INSIDE, [], [1, 2, 3, 5]],
  ])('%s', (_name, viewer, gs, today, byGroup, open) => {
    const v = visibleCourses(viewer, courses, gs, today);
    expect(v.byGroup.map((e) => [e.group.id, ids(e.courses)])).toEqual(byGroup);
    expect(ids(v.open)).toEqual(open);
  });

  it('archived group: its courses vanish for members, course 5 never becomes open', () => {
    const v = visibleCourses(anna, courses, groups, INSIDE);
    expect(v.byGroup.map((e) => e.group.id)).not.toContain(4);
    expect(ids(v.open)).not.toContain(5);
  });

  it('course in two groups, one archived: visible only through the open one', () => {
    const v = visibleCourses(anna, courses, [g2, g4], INSIDE);
    expect(v.byGroup.map((e) => [e.group.id, ids(e.courses)])).toEqual([[2, [2]]]);
  });

  it('a closed course never shows in open, for anyone, on any day', () => {
    for (const viewer of [anna, ivan, olga, stranger, outsider]) {
      for (const today of [BEFORE, INSIDE, AFTER]) {
        const open = ids(visibleCourses(viewer, courses, groups, today).open);
        expect(open.filter((id) => isClosedCourse(id, groups))).toEqual([]);
      }
    }
  });

  it('an open group with no courses is still listed', () => {
    const empty = group({ id: 7, members: [member(ANNA)] });
    expect(visibleCourses(anna, courses, [empty], INSIDE).byGroup).toEqual([{ group: empty, courses: [] }]);
  });
});

describe('catalogFor', () => {
  const flat = (entries: ReturnType<typeof catalogFor>): Array<[number, boolean, string[]]> =>
    entries.map((e) => [e.course.id, e.closed, e.via.map((v) => v.name)]);

  it.each<[string, Viewer, string, boolean, Array<[number, boolean, string[]]>]>([
    ['member inside: course 2 once, through both groups', anna, INSIDE, false, [[1, true, ['Spring']], [2, true, ['Spring', 'Autumn']], [3, false, []], [4, false, []]]],
    ['member after the window', anna, AFTER, false, [[2, true, ['Autumn']], [3, false, []], [4, false, []]]],
    ['invited', ivan, INSIDE, false, [[3, false, []], [4, false, []]]],
    ['non-member', stranger, INSIDE, false, [[3, false, []], [4, false, []]]],
    ['external member', olga, INSIDE, false, [[3, false, []], [6, true, ['Partners']]]],
    ['external non-member', outsider, INSIDE, false, [[3, false, []]]],
    ['moderator sees everything, archived groups named', stranger, AFTER, true, [[1, true, ['Spring']], [2, true, ['Spring', 'Autumn', 'Old']], [3, false, []], [4, false, []], [5, true, ['Old']], [6, true, ['Partners']]]],
    ['external "moderator" gets the learner view', outsider, INSIDE, true, [[3, false, []]]],
  ])('%s', (_name, viewer, today, isModerator, expected) => {
    expect(flat(catalogFor(viewer, courses, groups, today, { isModerator }))).toEqual(expected);
  });

  it('default options are the learner view', () => {
    expect(flat(catalogFor(stranger, courses, groups, INSIDE))).toEqual([[3, false, []], [4, false, []]]);
  });

  it('carries group ids with names', () => {
    const entry = catalogFor(anna, courses, groups, INSIDE).find((e) => e.course.id === 2);
    expect(entry?.via).toEqual([{ id: 1, name: 'Spring' }, { id: 2, name: 'Autumn' }]);
  });
});

describe('canSeeGroup', () => {
  it.each<[string, Viewer, StudyGroup, boolean, boolean]>([
    ['member, own group', anna, g1, false, true],
    ['member, own group outside its window (card, not courses)', anna, g2, false, true],
    ['invited, that group', ivan, g1, false, true],
    ['non-member', stranger, g1, false, false],
    ['member of an archived group', anna, g4, false, false],
    ['external member, own group', olga, g3, false, true],
    ['external, another group', olga, g1, false, false],
    ['moderator, any group', stranger, g1, true, true],
    ['moderator, archived group', stranger, g4, true, true],
    ['external "moderator", another group', olga, g1, true, false],
    ['external "moderator", own group', olga, g3, true, true],
  ])('%s', (_name, viewer, g, isModerator, expected) => {
    expect(canSeeGroup(viewer, g, { isModerator })).toBe(expected);
  });
});

describe('hidden from the catalog', () => {
  // h1: hidden, in no group. h2: hidden and hidden from the extranet, in no group. h3: hidden, but in
  // the open group gH (the flag is ignored while a group closes it). o: an ordinary open course.
  const h1 = course({ id: 11, hiddenFromCatalog: true });
  const h2 = course({ id: 12, hiddenFromCatalog: true, hiddenFromExtranet: true });
  const h3 = course({ id: 13, hiddenFromCatalog: true });
  const o = course({ id: 14 });
  const hc: Course[] = [h1, h2, h3, o];
  const gH = group({ id: 10, name: 'Hidden holder', members: [member(ANNA), member(OLGA), member(IVAN, 'invited')], courseIds: [13] });
  const flat = (entries: ReturnType<typeof catalogFor>): Array<[number, boolean, boolean]> => entries.map((e) => [e.course.id, e.closed, e.hidden]);

  it.each<[string, Viewer, boolean, number[], Array<[number, number[]]>, Array<[number, boolean, boolean]>]>([
    // name, viewer, moderator, "my courses" open, "my courses" by group, /course list: [id, closed, hidden]
    ['member of the holder: its course through the group, hidden ones nowhere', anna, false, [14], [[10, [13]]], [[13, true, false], [14, false, false]]],
    ['external member of the holder: the same', olga, false, [14], [[10, [13]]], [[13, true, false], [14, false, false]]],
    ['invited to the holder: only the ordinary open course', ivan, false, [14], [], [[14, false, false]]],
    ['employee in no group', stranger, false, [14], [], [[14, false, false]]],
    ['external user in no group', outsider, false, [14], [], [[14, false, false]]],
    ['moderator: every course, the hidden ones in no group marked', stranger, true, [14], [], [[11, false, true], [12, false, true], [13, true, false], [14, false, false]]],
    ['external "moderator": the learner view', outsider, true, [14], [], [[14, false, false]]],
  ])('%s', (_name, viewer, isModerator, open, byGroup, catalog) => {
    const v = visibleCourses(viewer, hc, [gH], INSIDE);
    expect(ids(v.open)).toEqual(open);
    expect(v.byGroup.map((e) => [e.group.id, ids(e.courses)])).toEqual(byGroup);
    expect(flat(catalogFor(viewer, hc, [gH], INSIDE, { isModerator }))).toEqual(catalog);
  });

  it('a course without the flag (stored before it existed) is an ordinary open course', () => {
    const legacy = { ...course({ id: 15 }) };
    delete legacy.hiddenFromCatalog;
    expect(ids(visibleCourses(outsider, [legacy], [], INSIDE).open)).toEqual([15]);
  });
});

describe('coursesClosedOnlyBy', () => {
  // With the groups of the main world: c1 only in g1; c2 in g1, g2 and g4; c5 in g4 and (again) c2; c6 only in g3.
  const hidden5 = course({ id: 5, hiddenFromCatalog: true });
  it.each<[string, number, Course[], StudyGroup[], number[]]>([
    ['a course in this group only, not one also in another', 1, courses, groups, [1]],
    ['every course shared with another group', 2, courses, groups, []],
    ['an archived group still closes its own courses', 4, courses, groups, [5]],
    ['a course already hidden from the catalog would open to nobody', 4, [...courses.filter((c) => c.id !== 5), hidden5], groups, []],
    ['with the other groups gone, all of its courses', 1, courses, [g1], [1, 2]],
    ['an id with no course is skipped', 2, courses, [g2], [2]],
    ['an unknown group closes nothing', 99, courses, groups, []],
  ])('%s', (_name, groupId, cs, gs, expected) => {
    expect(ids(coursesClosedOnlyBy(groupId, cs, gs))).toEqual(expected);
  });
});
