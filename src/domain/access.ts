// The closed-course rule: which groups and courses a person may see on a given day (DESIGN "Rules → Closed courses").
import type { Course, Day, StudyGroup } from './model.js';

/** The person looking: `extranet` is true for external users. */
export interface Viewer {
  userId: number;
  extranet: boolean;
}

/** Not archived, and `accessFrom <= today <= accessTo`; both bounds inclusive, a null bound is open-ended. */
export function isGroupOpenOn(group: StudyGroup, today: Day): boolean {
  if (group.archived) return false;
  if (group.accessFrom !== null && today < group.accessFrom) return false;
  if (group.accessTo !== null && today > group.accessTo) return false;
  return true;
}

/** A full member; an invitation not yet accepted gives no access. */
export function isMember(group: StudyGroup, userId: number): boolean {
  return group.members.some((m) => m.userId === userId && m.status === 'member');
}

/**
 * A course attached to at least one group is closed. Deleted groups are gone from `groups`, so they
 * no longer close anything. Decision: an archived group still closes its courses — archiving hides
 * the group together with its closed courses; it must not turn them into open catalog courses.
 */
export function isClosedCourse(courseId: number, groups: readonly StudyGroup[]): boolean {
  return groups.some((g) => g.courseIds.includes(courseId));
}

function closedCourseIds(groups: readonly StudyGroup[]): Set<number> {
  return new Set(groups.flatMap((g) => g.courseIds));
}

/**
 * `hiddenFromExtranet` and `hiddenFromCatalog` apply to open courses only. Decision: an external
 * user who is a member of an open group sees that group's courses even if hidden from the extranet —
 * membership is the explicit grant, and that is how groups "organise training for external users"
 * (seed 000). A course hidden from the catalog is open to nobody: a moderator chose to keep it out
 * (typically when deleting the group that closed it) rather than publish it; attaching it to a group
 * closes it as usual, and moderators still see it in their catalog.
 */
function openCoursesFor(viewer: Viewer, courses: readonly Course[], closed: ReadonlySet<number>): Course[] {
  return courses.filter((c) => !closed.has(c.id) && c.hiddenFromCatalog !== true && !(viewer.extranet && c.hiddenFromExtranet));
}

/** A group's courses in the group's order; ids with no course (deleted from the catalog) are skipped. */
function coursesOf(group: StudyGroup, byId: ReadonlyMap<number, Course>): Course[] {
  const seen = new Set<number>();
  const out: Course[] = [];
  for (const id of group.courseIds) {
    const course = byId.get(id);
    if (course && !seen.has(id)) {
      seen.add(id);
      out.push(course);
    }
  }
  return out;
}

/**
 * The courses only this group closes, in the group's order: without the group they would be open
 * courses, seen by every employee and external user (less the flags above). Courses already hidden
 * from the catalog are left out: removing the group makes them visible to nobody new.
 */
export function coursesClosedOnlyBy(groupId: number, courses: readonly Course[], groups: readonly StudyGroup[]): Course[] {
  const group = groups.find((g) => g.id === groupId);
  if (!group) return [];
  const others = closedCourseIds(groups.filter((g) => g.id !== groupId));
  const byId = new Map(courses.map((c) => [c.id, c] as const));
  return coursesOf(group, byId).filter((c) => !others.has(c.id) && c.hiddenFromCatalog !== true);
}

export interface VisibleCourses {
  /** The viewer's groups (as a member) that are open today, in `groups` order, each with its courses (possibly none). */
  byGroup: Array<{ group: StudyGroup; courses: Course[] }>;
  /** Courses in no group and not hidden from the catalog, minus those hidden from the extranet for an external viewer. */
  open: Course[];
}

/**
 * "My groups" then open courses (`/mycourses`). A course in two of the viewer's open groups appears
 * under each. A closed course never appears in `open`.
 */
export function visibleCourses(
  viewer: Viewer,
  courses: readonly Course[],
  groups: readonly StudyGroup[],
  today: Day,
): VisibleCourses {
  const byId = new Map(courses.map((c) => [c.id, c] as const));
  const byGroup = groups
    .filter((g) => isMember(g, viewer.userId) && isGroupOpenOn(g, today))
    .map((group) => ({ group, courses: coursesOf(group, byId) }));
  return { byGroup, open: openCoursesFor(viewer, courses, closedCourseIds(groups)) };
}

export interface CatalogEntry {
  course: Course;
  closed: boolean;
  /** In no group and hidden from the catalog: only the moderator view lists it. */
  hidden: boolean;
  /**
   * For a learner: the open groups of theirs through which a closed course is visible (empty for an
   * open course). For a moderator: every group the course is attached to, archived ones included.
   */
  via: Array<{ id: number; name: string }>;
}

/**
 * `/course list`: every course the viewer may see, once each, in catalog order. Decision: with
 * `isModerator` the viewer sees the whole catalog (closed courses marked, with all their groups),
 * because moderators need course ids to attach and detach; without it the learner's rule holds and
 * a closed course shows only through one of their open groups. An external viewer always gets the
 * learner's view, even if named a moderator by mistake: internal courses must not leak outside.
 */
export function catalogFor(
  viewer: Viewer,
  courses: readonly Course[],
  groups: readonly StudyGroup[],
  today: Day,
  options: { isModerator?: boolean } = {},
): CatalogEntry[] {
  const closed = closedCourseIds(groups);
  const moderatorView = options.isModerator === true && !viewer.extranet;
  const granting = moderatorView
    ? groups
    : groups.filter((g) => isMember(g, viewer.userId) && isGroupOpenOn(g, today));
  const open = new Set(openCoursesFor(viewer, courses, closed).map((c) => c.id));
  const entries: CatalogEntry[] = [];
  for (const course of courses) {
    const via = granting.filter((g) => g.courseIds.includes(course.id)).map((g) => ({ id: g.id, name: g.name }));
    const isClosed = closed.has(course.id);
    if (moderatorView || (isClosed ? via.length > 0 : open.has(course.id))) {
      entries.push({ course, closed: isClosed, hidden: !isClosed && course.hiddenFromCatalog === true, via });
    }
  }
  return entries;
}

/**
 * May the viewer see this group's card and members (`/group info`, `/group members`, `/group list`)?
 * Moderators see all — except an external user, who sees only their own groups whatever else is
 * true. Anyone else sees only their own groups, and not archived ones (archiving hides the group). Decision: "own" includes a pending invitation, so an invited person can see what they
 * were invited to — without its closed courses, which need full membership. Workgroup privacy is
 * not used here: the bot lists only one's own groups; joining others happens in Bitrix24.
 */
export function canSeeGroup(viewer: Viewer, group: StudyGroup, options: { isModerator: boolean }): boolean {
  if (options.isModerator && !viewer.extranet) return true;
  if (group.archived) return false;
  return group.members.some((m) => m.userId === viewer.userId);
}
