// Brings a stored study group in step with its Bitrix24 workgroup: members and invitations always, name and description for linked groups.
import type { GroupMember, StudyGroup } from '../../domain/model.js';
import type { WorkgroupView } from './workgroup.js';

export interface MirrorDiff {
  /** Now members who were not in the group before (joined in Bitrix24 or added there). */
  joined: number[];
  /** Were members, are no longer in the workgroup. */
  left: number[];
  /** Were invited, are members now. */
  accepted: number[];
  /** Were invited, are neither invited nor members now. */
  declined: number[];
  /** Invited in Bitrix24 itself. */
  invitedThere: number[];
  renamed: boolean;
  redescribed: boolean;
}

export function isEmptyDiff(d: MirrorDiff): boolean {
  return (
    d.joined.length + d.left.length + d.accepted.length + d.declined.length + d.invitedThere.length === 0 &&
    !d.renamed &&
    !d.redescribed
  );
}

/**
 * Mutates `group` (inside a store update) so that its members are the workgroup's: active members
 * are `member`, people awaiting joining are `invited`, anybody else is dropped. A linked group also
 * takes the workgroup's name, description, privacy and owner (DESIGN "Linked groups").
 */
export function mirrorWorkgroup(group: StudyGroup, wg: WorkgroupView, nowIso: string): MirrorDiff {
  const diff: MirrorDiff = { joined: [], left: [], accepted: [], declined: [], invitedThere: [], renamed: false, redescribed: false };
  const active = new Set(wg.members);
  const invited = new Set(wg.invited.filter((id) => !active.has(id)));
  const kept: GroupMember[] = [];
  const seen = new Set<number>();
  for (const m of group.members) {
    if (seen.has(m.userId)) continue;
    seen.add(m.userId);
    if (active.has(m.userId)) {
      if (m.status === 'invited') diff.accepted.push(m.userId);
      kept.push(m.status === 'member' ? m : { ...m, status: 'member', since: nowIso });
    } else if (invited.has(m.userId)) {
      kept.push(m.status === 'invited' ? m : { ...m, status: 'invited' });
    } else if (m.status === 'member') {
      diff.left.push(m.userId);
    } else {
      diff.declined.push(m.userId);
    }
  }
  for (const id of active) {
    if (seen.has(id)) continue;
    kept.push({ userId: id, status: 'member', since: nowIso, addedBy: 0 });
    diff.joined.push(id);
  }
  for (const id of invited) {
    if (seen.has(id)) continue;
    kept.push({ userId: id, status: 'invited', since: nowIso, addedBy: 0 });
    diff.invitedThere.push(id);
  }
  group.members = kept;
  if (group.linked) {
    diff.renamed = wg.name !== '' && wg.name !== group.name;
    diff.redescribed = wg.description !== group.description;
    if (wg.name !== '') group.name = wg.name;
    group.description = wg.description;
    group.privacy = wg.privacy;
    if (wg.ownerId > 0) group.ownerId = wg.ownerId;
  }
  return diff;
}

/** Members and invitations of a workgroup as a new study group's member list. */
export function membersFrom(wg: WorkgroupView, nowIso: string): GroupMember[] {
  const active = new Set(wg.members);
  return [
    ...wg.members.map((userId) => ({ userId, status: 'member' as const, since: nowIso, addedBy: 0 })),
    ...wg.invited.filter((id) => !active.has(id)).map((userId) => ({ userId, status: 'invited' as const, since: nowIso, addedBy: 0 })),
  ];
}

/** What mirrorWorkgroup may write on a group, as one string: its members, and a linked group's Bitrix24 fields. */
export function mirroredParts(g: StudyGroup): string {
  return JSON.stringify([g.members, g.linked ? [g.name, g.description, g.privacy, g.ownerId] : null]);
}

/** A stored group that a sync pass will bring in step with its workgroup. */
export interface PlannedMirror {
  groupId: number;
  workgroupId: number;
  /** mirroredParts of the group the plan was made on. */
  before: string;
  diff: MirrorDiff;
}

/**
 * For the periodic sync: the study groups (not archived) that the workgroups read in `views` would
 * change, tried on copies, so a pass that finds nothing new writes nothing.
 */
export function planMirrors(groups: readonly StudyGroup[], views: ReadonlyMap<number, WorkgroupView>, nowIso: string): PlannedMirror[] {
  const out: PlannedMirror[] = [];
  for (const g of groups) {
    const wg = views.get(g.workgroupId);
    if (!wg || g.archived) continue;
    const diff = mirrorWouldChange(g, wg, nowIso);
    if (diff) out.push({ groupId: g.id, workgroupId: g.workgroupId, before: mirroredParts(g), diff });
  }
  return out;
}

/** What mirroring `wg` onto `g` would change, tried on a copy (`g` stays as it is); null when nothing. */
export function mirrorWouldChange(g: StudyGroup, wg: WorkgroupView, nowIso: string): MirrorDiff | null {
  const trial = structuredClone(g);
  const diff = mirrorWorkgroup(trial, wg, nowIso);
  return mirroredParts(trial) === mirroredParts(g) ? null : diff;
}

/**
 * Inside the store's update, on the groups as they are now: applies each plan to its group, unless
 * the group is gone, archived, moved to another workgroup, or a handler changed what the mirror
 * writes since the plan was made. That handler acted on the portal itself (its own add, remove or
 * read), possibly after our read, so its word stands and the next pass looks again. Every other
 * field (dates, courses, chats) is the group's current one: only membership (and a linked group's
 * Bitrix24 fields) is merged.
 */
export function applyMirrors(
  groups: StudyGroup[],
  plans: readonly PlannedMirror[],
  views: ReadonlyMap<number, WorkgroupView>,
  nowIso: string,
): { applied: PlannedMirror[]; raced: number[] } {
  const applied: PlannedMirror[] = [];
  const raced: number[] = [];
  for (const plan of plans) {
    const g = groups.find((x) => x.id === plan.groupId);
    const wg = views.get(plan.workgroupId);
    if (!g || !wg || g.archived || g.workgroupId !== plan.workgroupId || mirroredParts(g) !== plan.before) {
      raced.push(plan.groupId);
      continue;
    }
    mirrorWorkgroup(g, wg, nowIso);
    applied.push(plan);
  }
  return { applied, raced };
}
