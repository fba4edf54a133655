// New employees placed as they appear: ONUSERADD (bound at install) → user.get → the training rules → the group's workgroup.
import type { Logger } from '../../bot/logger.js';
import { PortalError, type RestClient } from '../../bot/portal.js';
import { todayAtOffset } from '../../domain/dates.js';
import { place } from '../../domain/training/rules.js';
import type { PortalData, PortalStore } from '../../store/types.js';
import { ensureGroupWorkgroup } from '../group/ensure-workgroup.js';
import { addToWorkgroup } from '../group/workgroup.js';
import { parseStaffRow } from './staff.js';

export interface NewcomerDeps {
  store: PortalStore;
  log: Logger;
  now: () => Date;
  /** The installation's client: the event carries no token fit for it (on-user-add.md). */
  rest: () => Promise<RestClient>;
}

export type NewcomerOutcome = 'placed' | 'no_rule' | 'not_staff' | 'already' | 'refused';

/**
 * The person is read again with user.get (the event's own fields may be missing where the app lacks
 * access), placed by the first matching rule into that group, added to its Bitrix24 workgroup (made
 * now when the group has none yet) and given a personal schedule from today. Nothing is sent to them.
 */
export async function placeNewcomer(deps: NewcomerDeps, memberId: string, userId: number): Promise<NewcomerOutcome> {
  const data = await deps.store.get(memberId);
  if (!data || data.installation.status !== 'active') return 'refused';
  const rules = (data.training?.rules ?? []).filter((r) => data.groups.some((g) => g.id === r.groupId && !g.archived && g.training));
  if (rules.length === 0) return 'no_rule';
  const rest = await deps.rest();
  const raw = await rest.call<unknown>('user.get', { ID: userId }, { idempotent: true });
  const person = parseStaffRow(Array.isArray(raw) ? raw[0] : undefined);
  if (!person || person.id !== userId) return 'not_staff';
  const groupId = place(rules, [person]).placed.get(userId);
  if (groupId === undefined) return 'no_rule';
  let group = data.groups.find((g) => g.id === groupId)!;
  if (group.members.some((m) => m.userId === userId && m.status === 'member')) return 'already';
  try {
    if (!(group.workgroupId > 0)) {
      // Made as the installation, owned by the group's owner (the installer for a default group).
      const owner = group.ownerId > 0 ? group.ownerId : data.installation.installerId;
      const io = {
        rest,
        memberId,
        log: deps.log,
        now: deps.now,
        data,
        note: async (m: (d: PortalData) => void) => void (await deps.store.update(memberId, m)),
        update: <T>(m: (d: PortalData) => T) => deps.store.update(memberId, m),
      };
      const made = await ensureGroupWorkgroup(io, group, owner);
      if (!made) return 'refused';
      group = made;
    }
    const r = await addToWorkgroup(rest, group.workgroupId, [userId]);
    const o = r.outcomes.get(userId);
    if (o?.kind === 'refused') {
      deps.log.warn({ memberId, userId, groupId, reason: o.reason }, 'new employee: not added to the workgroup');
      return 'refused';
    }
  } catch (e) {
    if (!(e instanceof PortalError)) throw e;
    deps.log.warn({ memberId, userId, groupId, err: e.code || e.description }, 'new employee: not placed');
    return 'refused';
  }
  const nowIso = deps.now().toISOString();
  await deps.store.update(memberId, (d) => {
    const g = d.groups.find((x) => x.id === groupId);
    if (!g) return;
    const m = g.members.find((x) => x.userId === userId);
    if (m) m.status = 'member';
    else g.members.push({ userId, status: 'member', since: nowIso, addedBy: g.ownerId });
    d.users[String(userId)] = { name: person.name, extranet: false };
    d.training ??= { learners: {}, rules: [] };
    const before = d.training.learners[String(userId)];
    // A personal schedule from the day they appeared, keeping anything completed before.
    d.training.learners[String(userId)] = {
      userId,
      groupId,
      since: todayAtOffset(deps.now(), d.installation.utcOffset ?? 0),
      completed: before?.completed ?? {},
      pauses: [],
      stopped: null,
    };
  });
  deps.log.info({ memberId, userId, groupId }, 'new employee placed by the training rules');
  return 'placed';
}
