// socialnetwork.api.workgroup.get/list: the newer workgroup views with member lists and the group chat (api doc §13.8–13.9).
import { RestError } from '../errors.js';
import { paginate } from '../envelope.js';
import { applyFilter, applyOrder, parseFilter } from '../filter.js';
import { activeMemberCount, formatGroupRecord } from '../format-classic.js';
import { siteDateTime, toList } from '../php.js';
import { isYes, pick, toInt, toRecord } from '../params.js';
import { methods, type CallContext, type MethodDef } from '../registry.js';
import type { WorkgroupRecord, WorkgroupRole } from '../types.js';
import { canSeeGroup } from '../workgroups.js';

/** [unconfirmed] the controller's not-found code; strings as the other sonet errors give. */
const notFound = () => new RestError('SONET_CONTROLLER_WORKGROUP_NOT_FOUND', 'Workgroup not found', 400);

function idsWithRole(group: WorkgroupRecord, roles: WorkgroupRole[]): number[] {
  return [...group.members].filter(([, m]) => roles.includes(m.role)).map(([id]) => id);
}

function groupDetails(ctx: CallContext, group: WorkgroupRecord, select: string[]): Record<string, unknown> {
  const state = ctx.portal.state;
  const offset = state.identity.utcOffsetMinutes;
  const yn = (flag: boolean) => (flag ? 'Y' : 'N');
  const out: Record<string, unknown> = {
    ID: String(group.id),
    ACTIVE: 'Y',
    SITE_ID: 's1',
    SUBJECT_ID: '1',
    NAME: group.name,
    DESCRIPTION: group.description,
    KEYWORDS: group.keywords,
    CLOSED: yn(group.closed),
    VISIBLE: yn(group.visible),
    OPENED: yn(group.opened),
    DATE_CREATE: siteDateTime(group.createdAt, offset),
    DATE_UPDATE: siteDateTime(group.updatedAt, offset),
    DATE_ACTIVITY: siteDateTime(group.activityAt, offset),
    IMAGE_ID: null,
    AVATAR_TYPE: '',
    OWNER_ID: String(group.ownerId),
    INITIATE_PERMS: group.initiatePerms,
    NUMBER_OF_MEMBERS: String(activeMemberCount(group, state)),
    NUMBER_OF_MODERATORS: String(idsWithRole(group, ['A', 'E']).length),
    PROJECT: yn(group.project),
    PROJECT_DATE_START: null,
    PROJECT_DATE_FINISH: null,
    TYPE: group.project ? 'project' : 'group',
    MEMBERS: idsWithRole(group, ['A', 'E', 'K']),
    CHAT_ID: group.chatId,
    DIALOG_ID: `chat${group.chatId}`,
    ORDINARY_MEMBERS: idsWithRole(group, ['K']),
    INVITED_MEMBERS: idsWithRole(group, ['Z']),
    MODERATOR_MEMBERS: idsWithRole(group, ['A', 'E']),
    SITE_IDS: ['s1'],
    TAGS: [],
    DEPARTMENTS: [],
  };
  if (select.includes('USER_DATA')) {
    const member = group.members.get(ctx.caller.user.id);
    // No relation to the group: both are the boolean false ("`false` — значение отсутствует", the method page's USER_DATA).
    out.USER_DATA = {
      ROLE: member?.role ?? false,
      INITIATED_BY_TYPE: member ? (member.initiatedByType === 'GROUP' ? 'G' : 'U') : false,
    };
  }
  if (select.includes('OWNER_DATA')) {
    const owner = state.users.get(group.ownerId);
    out.OWNER_DATA = owner ? { ID: String(owner.id), NAME: owner.name, LAST_NAME: owner.lastName } : null;
  }
  return out;
}

function selectList(value: unknown): string[] {
  return toList(value).map((v) => String(v).toUpperCase());
}

/** Admins see any group; others what sonet visibility allows. */
function get(ctx: CallContext) {
  const params = toRecord(ctx.params.params ?? ctx.params.PARAMS);
  const id = toInt(pick(params, 'groupId', 'GROUP_ID'));
  const group = id > 0 ? ctx.portal.state.workgroups.get(id) : undefined;
  if (!group || !canSeeGroup(ctx.portal.state, group, ctx.caller.user.id, true)) throw notFound();
  return { result: groupDetails(ctx, group, selectList(pick(params, 'select', 'SELECT'))) };
}

const LIST_FIELDS: Record<string, string> = {
  ID: 'id',
  NAME: 'name',
  DESCRIPTION: 'description',
  KEYWORDS: 'keywords',
  ACTIVE: 'active',
  CLOSED: 'closed',
  VISIBLE: 'visible',
  OPENED: 'opened',
  PROJECT: 'project',
  OWNER_ID: 'ownerId',
  NUMBER_OF_MEMBERS: 'numberOfMembers',
  INITIATE_PERMS: 'initiatePerms',
  DATE_CREATE: 'dateCreate',
  DATE_UPDATE: 'dateUpdate',
  DATE_ACTIVITY: 'dateActivity',
  SUBJECT_ID: 'subjectId',
  SITE_ID: 'siteId',
};

function list(ctx: CallContext) {
  const state = ctx.portal.state;
  const params = toRecord(ctx.params.params ?? ctx.params.PARAMS);
  const asAdmin = isYes(pick(params, 'IS_ADMIN', 'isAdmin'));
  const fields = (g: WorkgroupRecord) => formatGroupRecord(g, state) as Record<string, unknown>;
  let groups = [...state.workgroups.values()].filter((g) => canSeeGroup(state, g, ctx.caller.user.id, asAdmin));
  groups = applyFilter(groups, parseFilter(ctx.params.filter ?? ctx.params.FILTER), fields);
  groups = applyOrder(groups, ctx.params.order ?? ctx.params.ORDER, fields, ['ID', 'ASC']);
  const select = selectList(ctx.params.select ?? ctx.params.SELECT);
  const withDialog = isYes(pick(params, 'shouldSelectDialogId'));
  const { page, ...paging } = paginate(groups, ctx.params.start);
  const workgroups = page.map((g) => {
    const record = formatGroupRecord(g, state);
    const row: Record<string, unknown> = { id: record.ID };
    for (const key of select) {
      const outKey = LIST_FIELDS[key];
      if (outKey && key !== 'ID') row[outKey] = record[key];
    }
    const member = g.members.get(ctx.caller.user.id);
    row.additionalData = member
      ? { role: member.role, initiatedByType: member.initiatedByType === 'GROUP' ? 'G' : 'U' }
      : { role: '', initiatedByType: '' };
    if (withDialog) row.dialogId = `chat${g.chatId}`;
    return row;
  });
  return { result: { workgroups }, ...paging };
}

export const socialnetworkApiMethods: MethodDef[] = methods(['socialnetwork'], {
  'socialnetwork.api.workgroup.get': get,
  'socialnetwork.api.workgroup.list': list,
});
