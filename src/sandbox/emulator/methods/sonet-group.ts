// sonet_group.create/update/delete/get, user.groups, feature.access: workgroups with their rights (api doc §13).
import { sonetError } from '../errors.js';
import { paginate } from '../envelope.js';
import { applyFilter, applyOrder, parseFilter } from '../filter.js';
import { formatGroupRecord, isExtranetGroup } from '../format-classic.js';
import { isYes, pick, toInt, toStr } from '../params.js';
import { methods, type CallContext, type MethodDef } from '../registry.js';
import type { WorkgroupRecord } from '../types.js';
import { canSeeGroup, createWorkgroup, setMember, touch } from '../workgroups.js';

const PERMS = new Set(['A', 'E', 'K']);

export function groupParam(ctx: CallContext, ...keys: string[]): WorkgroupRecord {
  const id = toInt(pick(ctx.params, ...keys));
  if (id <= 0) throw sonetError('Wrong group ID');
  const group = ctx.portal.state.workgroups.get(id);
  if (!group) throw sonetError('Socialnetwork group not found');
  return group;
}

function create(ctx: CallContext) {
  const p = ctx.params;
  const caller = ctx.caller.user;
  const name = toStr(pick(p, 'NAME'))?.trim() ?? '';
  if (name === '') throw sonetError('Incorrect input data');
  // OWNER_ID only counts for admins; everybody else becomes the owner themselves.
  const requestedOwner = toInt(pick(p, 'OWNER_ID'));
  const ownerUser = ctx.portal.state.users.get(requestedOwner);
  const ownerId = caller.admin && ownerUser && ownerUser.active && !ownerUser.bot ? requestedOwner : caller.id;
  const perms = toStr(pick(p, 'INITIATE_PERMS'));
  const group = createWorkgroup(
    ctx.portal.state,
    {
      name,
      description: toStr(pick(p, 'DESCRIPTION')) ?? '',
      ownerId,
      // Extranet callers cannot create listed or open groups.
      visible: caller.extranet ? false : p.VISIBLE === undefined ? true : isYes(p.VISIBLE),
      opened: caller.extranet ? false : isYes(p.OPENED),
      closed: isYes(p.CLOSED),
      project: isYes(p.PROJECT),
      keywords: toStr(pick(p, 'KEYWORDS')) ?? '',
      initiatePerms: perms && PERMS.has(perms) ? (perms as 'A' | 'E' | 'K') : caller.extranet ? 'E' : 'K',
    },
    ctx.portal.now(),
  );
  return { result: group.id };
}

function update(ctx: CallContext) {
  const p = ctx.params;
  const id = toInt(pick(p, 'GROUP_ID'));
  const group = id > 0 ? ctx.portal.state.workgroups.get(id) : undefined;
  if (!group) throw sonetError('Wrong group ID');
  const caller = ctx.caller.user;
  if (!caller.admin && group.ownerId !== caller.id) throw sonetError('User has no permissions to update group');
  const now = ctx.portal.now();
  const name = toStr(p.NAME);
  if (name !== undefined && name.trim() !== '') group.name = name;
  const description = toStr(p.DESCRIPTION);
  if (description !== undefined) group.description = description;
  if (p.VISIBLE !== undefined) group.visible = caller.extranet ? false : isYes(p.VISIBLE);
  if (p.OPENED !== undefined) group.opened = caller.extranet ? false : isYes(p.OPENED);
  if (p.CLOSED !== undefined) group.closed = isYes(p.CLOSED);
  if (p.KEYWORDS !== undefined) group.keywords = toStr(p.KEYWORDS) ?? '';
  const perms = toStr(p.INITIATE_PERMS);
  if (perms && PERMS.has(perms)) group.initiatePerms = perms as 'A' | 'E' | 'K';
  const newOwner = toInt(p.OWNER_ID);
  if (newOwner > 0 && newOwner !== group.ownerId) {
    const user = ctx.portal.state.users.get(newOwner);
    if (!user || user.bot || !user.active) throw sonetError('Cannot update group');
    const oldOwner = group.ownerId;
    group.ownerId = newOwner;
    setMember(ctx.portal.state, group, newOwner, 'A', caller.id, now);
    setMember(ctx.portal.state, group, oldOwner, 'E', caller.id, now);
  }
  touch(group, now);
  ctx.portal.state.syncWorkgroupChat(group, now);
  return { result: group.id };
}

function remove(ctx: CallContext) {
  const id = toInt(pick(ctx.params, 'GROUP_ID'));
  if (id <= 0) throw sonetError('Wrong group ID');
  const group = ctx.portal.state.workgroups.get(id);
  if (!group) throw sonetError('Socialnetwork group not found');
  const caller = ctx.caller.user;
  if (!caller.admin && group.ownerId !== caller.id) throw sonetError('User has no permissions to delete group');
  ctx.portal.state.workgroups.delete(group.id);
  ctx.portal.state.chats.delete(group.chatId);
  return { result: true };
}

function get(ctx: CallContext) {
  const p = ctx.params;
  const state = ctx.portal.state;
  const caller = ctx.caller.user;
  // IS_ADMIN=Y skips permission checks for admins and is ignored for everybody else.
  const asAdmin = isYes(pick(p, 'IS_ADMIN'));
  let groups = [...state.workgroups.values()].filter((g) => canSeeGroup(state, g, caller.id, asAdmin));
  const groupId = toInt(pick(p, 'GROUP_ID'));
  if (groupId > 0) groups = groups.filter((g) => g.id === groupId);
  const fields = (g: WorkgroupRecord) => formatGroupRecord(g, state);
  groups = applyFilter(groups, parseFilter(p.FILTER ?? p.filter), fields);
  groups = applyOrder(groups, p.ORDER ?? p.order, fields, ['ID', 'DESC']);
  const { page, ...paging } = paginate(groups, p.start);
  return { result: page.map(fields), ...paging };
}

function userGroups(ctx: CallContext) {
  const state = ctx.portal.state;
  const userId = ctx.caller.user.id;
  const rows = [...state.workgroups.values()]
    .filter((g) => state.isGroupMember(g, userId))
    .map((g) => {
      const row: Record<string, string> = {
        GROUP_ID: String(g.id),
        GROUP_NAME: g.name,
        ROLE: state.groupRole(g, userId),
        GROUP_IMAGE_ID: '0',
        GROUP_IMAGE: '',
      };
      if (isExtranetGroup(g, state)) row.IS_EXTRANET = 'Y';
      return row;
    });
  return { result: rows };
}

const BLOG_MEMBER_OPS = new Set(['write_post', 'premoderate_post', 'write_comment', 'premoderate_comment']);
const BLOG_MODERATOR_OPS = new Set(['moderate_post', 'full_post', 'moderate_comment', 'full_comment']);

/** Whether `userId` may do `operation` of `feature` in the group (admins always may). */
export function featureAccess(ctx: CallContext, group: WorkgroupRecord, userId: number, feature: string, operation: string): boolean {
  const state = ctx.portal.state;
  const user = state.users.get(userId);
  if (!user || !user.active) return false;
  if (user.admin) return true;
  const role = state.groupRole(group, userId);
  const member = role === 'A' || role === 'E' || role === 'K';
  const canView = member || (group.visible && !user.extranet);
  if (feature === 'blog') {
    if (operation === 'view_post' || operation === 'view_comment') return canView;
    // An archived group's feed is read-only.
    if (BLOG_MEMBER_OPS.has(operation)) return member && !group.closed;
    if (BLOG_MODERATOR_OPS.has(operation)) return (role === 'A' || role === 'E') && !group.closed;
    return false;
  }
  if (operation.startsWith('view')) return canView;
  return member && !group.closed;
}

function featureAccessMethod(ctx: CallContext) {
  const group = groupParam(ctx, 'GROUP_ID');
  const feature = toStr(pick(ctx.params, 'FEATURE'));
  const operation = toStr(pick(ctx.params, 'OPERATION'));
  if (!feature || !operation) throw sonetError('Wrong feature or operation');
  if (!canSeeGroup(ctx.portal.state, group, ctx.caller.user.id, true)) return { result: false };
  return { result: featureAccess(ctx, group, ctx.caller.user.id, feature, operation) };
}

export const sonetGroupMethods: MethodDef[] = methods(['sonet_group'], {
  'sonet_group.create': create,
  'sonet_group.update': update,
  'sonet_group.delete': remove,
  'sonet_group.get': get,
  'sonet_group.user.groups': userGroups,
  'sonet_group.feature.access': featureAccessMethod,
});
