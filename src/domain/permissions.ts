// Who may do what: moderators, managing a study group (linked or not), and whether members are added or invited.
import type { StudyGroup } from './model.js';

/** The caller: `isAdmin` is the portal-admin right as checked with the caller's own token. */
export interface Actor {
  userId: number;
  isAdmin: boolean;
}

/**
 * The caller's role in the Bitrix24 workgroup behind a study group: `A` owner, `E` moderator,
 * `K` member, `Z` invited (not yet joined), null none or unknown. The letters are kept as the
 * brief specifies them; they are values, not protocol field names.
 */
export type WorkgroupRole = 'A' | 'E' | 'K' | 'Z';

/** Every portal admin, and every user an admin named with `/moderator add`. */
export function isModerator(actor: Actor, moderators: readonly number[]): boolean {
  return actor.isAdmin || moderators.includes(actor.userId);
}

function isWorkgroupManager(role: WorkgroupRole | null): boolean {
  return role === 'A' || role === 'E';
}

/** The caller with `isModerator` already decided by `isModerator()` above. */
export interface ModeratorActor extends Actor {
  isModerator: boolean;
}

/**
 * May `actor` change `group` (dates, members, courses, archive, delete)? An admin or the
 * workgroup's owner/moderator always; a named moderator only for groups the bot created.
 * For linked groups named moderators are refused (DESIGN "Linked groups"). The workgroup role is
 * the truth, not `group.ownerId` (an owner can change in Bitrix24).
 */
export function canManageGroup(
  actor: ModeratorActor,
  group: Pick<StudyGroup, 'linked'>,
  workgroupRole: WorkgroupRole | null,
): boolean {
  if (actor.isAdmin || isWorkgroupManager(workgroupRole)) return true;
  return !group.linked && actor.isModerator;
}

/** `/group link`: an admin, or the owner/moderator of that workgroup. */
export function canLinkWorkgroup(actor: Actor, workgroupRole: WorkgroupRole | null): boolean {
  return actor.isAdmin || isWorkgroupManager(workgroupRole);
}

export type GroupField = 'name' | 'description' | 'dates' | 'members' | 'courses';

/**
 * A linked group's name and description are Bitrix24's and cannot be changed here. Its members
 * are not locked: adding or removing goes through the workgroup itself, so they stay mirrored.
 */
export function isLockedField(group: Pick<StudyGroup, 'linked'>, field: GroupField): boolean {
  return group.linked && (field === 'name' || field === 'description');
}

/** A portal admin adds members directly; anyone else invites them. */
export function addMode(actorIsAdmin: boolean): 'add' | 'invite' {
  return actorIsAdmin ? 'add' : 'invite';
}
