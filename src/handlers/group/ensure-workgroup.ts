// The Bitrix24 workgroup of a group that has none yet (a default training group before anyone is added),
// made once even across a crash: an intent is noted before sonet_group.create, and a replay adopts what it made.
import type { Logger } from '../../bot/logger.js';
import type { RestClient } from '../../bot/portal.js';
import type { StudyGroup } from '../../domain/model.js';
import type { Intent, PortalData } from '../../store/types.js';
import { createWorkgroup, findOwnedWorkgroup } from './workgroup.js';

export interface EnsureIo {
  rest: RestClient;
  memberId: string;
  log: Logger;
  now: () => Date;
  /** The portal as last read (its intents). */
  data: PortalData;
  /** A write that is not yet the change itself (the intent). */
  note: (mutate: (d: PortalData) => void) => Promise<void>;
  update: <T>(mutate: (d: PortalData) => T) => Promise<T>;
}

const keyOf = (group: StudyGroup) => `workgroup:group${group.id}`;

/**
 * The group with a workgroup, owned by `ownerId` (who becomes a member), or null when the portal
 * refused (a PortalError is thrown to the caller). A first try that made the workgroup and died
 * before storing it left its intent: the workgroup of that name and owner is adopted, not made twice.
 */
export async function ensureGroupWorkgroup(io: EnsureIo, group: StudyGroup, ownerId: number): Promise<StudyGroup | null> {
  const key = keyOf(group);
  const intent = io.data.intents?.find((i) => i.key === key && i.kind === 'workgroup');
  let workgroupId: number | null = null;
  if (intent && intent.kind === 'workgroup') {
    const found = await findOwnedWorkgroup(io.rest, intent.name, intent.ownerId);
    if (found && !io.data.groups.some((g) => g.workgroupId === found)) {
      io.log.warn({ memberId: io.memberId, groupId: group.id, workgroupId: found }, 'group workgroup: adopting the workgroup a crashed first try made');
      workgroupId = found;
      ownerId = intent.ownerId;
    }
  }
  if (workgroupId === null) {
    const noted: Intent = { key, kind: 'workgroup', name: group.name, ownerId, at: io.now().toISOString() };
    await io.note((d) => void (d.intents = [...(d.intents ?? []).filter((i) => i.key !== key), noted]));
    workgroupId = await createWorkgroup(io.rest, { name: group.name, description: group.description, privacy: group.privacy, ownerId });
  }
  const made = workgroupId;
  const nowIso = io.now().toISOString();
  return io.update((d) => {
    if (d.intents?.some((i) => i.key === key)) d.intents = d.intents.filter((i) => i.key !== key);
    const g = d.groups.find((x) => x.id === group.id);
    if (!g) return null;
    g.workgroupId = made;
    g.ownerId = ownerId;
    if (!g.members.some((m) => m.userId === ownerId)) g.members.push({ userId: ownerId, status: 'member', since: nowIso, addedBy: ownerId });
    return structuredClone(g);
  });
}
