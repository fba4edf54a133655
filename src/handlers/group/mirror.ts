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
