// sonet_group.user.*: members by role, admin-only add/update/delete, invitations by INITIATE_PERMS (api doc §13.5–13.6).
import { sonetError } from '../errors.js';
import { pick, toIdList, toStr } from '../params.js';
import { methods, type CallContext, type MethodDef } from '../registry.js';
import type { WorkgroupRecord } from '../types.js';
import { canInvite, canSeeGroup, isAddableUser, removeMember, setMember } from '../workgroups.js';
import { groupParam } from './sonet-group.js';

function userIdsParam(ctx: CallContext): number[] {
  const ids = toIdList(pick(ctx.params, 'USER_ID'));
  if (ids.length === 0) throw sonetError('Wrong user IDs');
  return ids;
}

/** A group the caller can see; hidden groups of others look as if they did not exist. */
function visibleGroup(ctx: CallContext, ...keys: string[]): WorkgroupRecord {
  const group = groupParam(ctx, ...keys);
  if (!canSeeGroup(ctx.portal.state, group, ctx.caller.user.id, true)) throw sonetError('Socialnetwork group not found');
  return group;
}

function usersOfGroup(ctx: CallContext) {
  const id = pick(ctx.params, 'ID', 'GROUP_ID');
  if (id === undefined) throw sonetError('Wrong socialnetwork group ID');
  const group = visibleGroup(ctx, 'ID', 'GROUP_ID');
  const state = ctx.portal.state;
  const rows = [...group.members]
    .filter(([userId, m]) => m.role !== 'Z' && state.users.get(userId)?.active === true)
    .map(([userId, m]) => ({ USER_ID: String(userId), ROLE: m.role }));
  return { result: rows };
}

/** Admin only: adds directly, without invitation or confirmation; returns the ids actually added. */
function add(ctx: CallContext) {
  const group = groupParam(ctx, 'GROUP_ID');
  if (!ctx.caller.user.admin) throw sonetError('No permissions to add users');
  const ids = userIdsParam(ctx);
  const state = ctx.portal.state;
  const now = ctx.portal.now();
  const added: number[] = [];
  for (const userId of ids) {
    if (!isAddableUser(state, userId) || state.isGroupMember(group, userId)) continue;
    setMember(state, group, userId, 'K', ctx.caller.user.id, now);
    added.push(userId);
  }
  return { result: added };
}

/**
 * Invitations need the group's invite right (INITIATE_PERMS; admins always). Without it, or for
 * people already in the group or already invited, nobody is invited and the list is empty.
 */
function invite(ctx: CallContext) {
  const group = visibleGroup(ctx, 'GROUP_ID');
  const ids = userIdsParam(ctx);
  const state = ctx.portal.state;
  const caller = ctx.caller.user;
  if (!canInvite(state, group, caller.id)) return { result: [] };
  const now = ctx.portal.now();
  const invited: number[] = [];
  for (const userId of ids) {
    if (!isAddableUser(state, userId) || group.members.has(userId)) continue;
    group.members.set(userId, { role: 'Z', initiatedByType: 'GROUP', initiatedById: caller.id, date: now });
    invited.push(userId);
  }
  const message = toStr(pick(ctx.params, 'MESSAGE'));
  if (invited.length > 0) ctx.portal.recordInvitation(group.id, caller.id, invited, message ?? '');
  return { result: invited };
}

/** Admin only; the owner is never removed. Returns the ids removed. */
function remove(ctx: CallContext) {
  const group = groupParam(ctx, 'GROUP_ID');
  if (!ctx.caller.user.admin) throw sonetError('No permissions to delete users');
  const ids = userIdsParam(ctx);
  const state = ctx.portal.state;
  const removed: number[] = [];
  for (const userId of ids) {
    if (userId === group.ownerId || !group.members.has(userId)) continue;
    removeMember(state, group, userId, ctx.portal.now());
    removed.push(userId);
  }
  return { result: removed };
}

/** Admin only; ROLE E or K; the owner's role never changes. Returns the ids updated. */
function update(ctx: CallContext) {
  const group = groupParam(ctx, 'GROUP_ID');
  if (!ctx.caller.user.admin) throw sonetError('No permissions to update users role');
  const ids = userIdsParam(ctx);
  const role = toStr(pick(ctx.params, 'ROLE'));
  if (role !== 'E' && role !== 'K') throw sonetError('Incorrect role code');
  const state = ctx.portal.state;
  const updated: number[] = [];
  for (const userId of ids) {
    const member = group.members.get(userId);
    if (!member || member.role === 'A' || member.role === 'Z') continue;
    setMember(state, group, userId, role, ctx.caller.user.id, ctx.portal.now());
    updated.push(userId);
  }
  return { result: updated };
}

export const sonetMemberMethods: MethodDef[] = methods(['sonet_group'], {
  'sonet_group.user.get': usersOfGroup,
  'sonet_group.user.add': add,
  'sonet_group.user.invite': invite,
  'sonet_group.user.delete': remove,
  'sonet_group.user.update': update,
});
