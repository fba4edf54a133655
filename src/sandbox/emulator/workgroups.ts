// Workgroups and their membership rules, shared by the sonet_group methods and the driver.
import type { PortalState } from './state.js';
import type { WorkgroupMember, WorkgroupRecord, WorkgroupRole } from './types.js';

export interface NewWorkgroup {
  name: string;
  description?: string;
  ownerId: number;
  moderatorIds?: number[];
  memberIds?: number[];
  visible?: boolean;
  opened?: boolean;
  closed?: boolean;
  project?: boolean;
  keywords?: string;
  initiatePerms?: 'A' | 'E' | 'K';
}

/** Creates the group and its system chat (ENTITY_TYPE SONET_GROUP, type sonetGroup). */
export function createWorkgroup(state: PortalState, input: NewWorkgroup, now: number): WorkgroupRecord {
  const id = state.nextId('group');
  const group: WorkgroupRecord = {
    id,
    name: input.name,
    description: input.description ?? '',
    ownerId: input.ownerId,
    visible: input.visible ?? true,
    opened: input.opened ?? false,
    closed: input.closed ?? false,
    project: input.project ?? false,
    keywords: input.keywords ?? '',
    initiatePerms: input.initiatePerms ?? 'K',
    members: new Map(),
    chatId: 0,
    createdAt: now,
    updatedAt: now,
    activityAt: now,
  };
  const member = (role: WorkgroupRole): WorkgroupMember => ({ role, initiatedByType: 'GROUP', initiatedById: input.ownerId, date: now });
  group.members.set(input.ownerId, member('A'));
  for (const uid of input.moderatorIds ?? []) if (!group.members.has(uid)) group.members.set(uid, member('E'));
  for (const uid of input.memberIds ?? []) if (!group.members.has(uid)) group.members.set(uid, member('K'));
  const chat = state.createChat('sonetGroup', input.ownerId, [], {
    title: input.name,
    entityType: 'SONET_GROUP',
    entityId: String(id),
    createdAt: now,
  });
  group.chatId = chat.id;
  state.workgroups.set(id, group);
  state.syncWorkgroupChat(group, now);
  return group;
}

/** Who may invite: A owner only, E owner and moderators, K every member; portal admins always. */
export function canInvite(state: PortalState, group: WorkgroupRecord, userId: number): boolean {
  if (state.users.get(userId)?.admin) return true;
  const role = state.groupRole(group, userId);
  if (group.initiatePerms === 'A') return role === 'A';
  if (group.initiatePerms === 'E') return role === 'A' || role === 'E';
  return role === 'A' || role === 'E' || role === 'K';
}

/**
 * Visible to `userId`: visible groups for employees, otherwise only where they are a member or invited;
 * extranet people only see their own groups. `asAdmin` (admin with IS_ADMIN=Y) sees everything.
 */
export function canSeeGroup(state: PortalState, group: WorkgroupRecord, userId: number, asAdmin: boolean): boolean {
  const user = state.users.get(userId);
  if (!user) return false;
  if (asAdmin && user.admin) return true;
  if (group.members.has(userId)) return true;
  return group.visible && !user.extranet;
}

/** People that sonet_group.user.add/invite accept: active employees and extranet users, never bots. */
export function isAddableUser(state: PortalState, userId: number): boolean {
  const user = state.users.get(userId);
  return Boolean(user && user.active && !user.bot);
}

export function touch(group: WorkgroupRecord, now: number): void {
  group.updatedAt = now;
  group.activityAt = now;
}

/** Sets roles directly (admin add, role change), keeping the chat in step. */
export function setMember(state: PortalState, group: WorkgroupRecord, userId: number, role: WorkgroupRole, byId: number, now: number): void {
  const current = group.members.get(userId);
  group.members.set(userId, {
    role,
    initiatedByType: current?.initiatedByType ?? 'GROUP',
    initiatedById: current?.initiatedById ?? byId,
    date: current && current.role === role ? current.date : now,
  });
  touch(group, now);
  state.syncWorkgroupChat(group, now);
}

export function removeMember(state: PortalState, group: WorkgroupRecord, userId: number, now: number): void {
  group.members.delete(userId);
  touch(group, now);
  state.syncWorkgroupChat(group, now);
}
