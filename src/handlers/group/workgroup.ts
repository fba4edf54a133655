// Bitrix24 workgroup and user calls behind study groups: the UPPER_CASE fields stay here, zod-parsed; callers see product words.
import { z } from 'zod';
import { PortalError, type BatchCall, type RestClient } from '../../bot/portal.js';
import type { Privacy } from '../../domain/model.js';
import type { WorkgroupRole } from '../../domain/permissions.js';
import { wellFormed } from '../../domain/text.js';

const num = z.coerce.number().int();
const flag = z
  .union([z.string(), z.boolean()])
  .optional()
  .transform((v) => v === 'Y' || v === true);
const ids = z
  .array(z.union([z.number(), z.string()]))
  .optional()
  .transform((list) => (list ?? []).map(Number).filter((n) => Number.isSafeInteger(n) && n > 0));
// `false` where the portal has no role to give (workgroup.get's USER_DATA for someone with no relation to the group).
const role = z
  .union([z.string(), z.literal(false)])
  .optional()
  .transform((r): WorkgroupRole | null => (r === 'A' || r === 'E' || r === 'K' || r === 'Z' ? r : null));

const workgroupSchema = z.object({
  ID: num,
  NAME: z.string().default(''),
  DESCRIPTION: z.string().nullish().transform((d) => d ?? ''),
  OWNER_ID: num.optional(),
  VISIBLE: flag,
  OPENED: flag,
  CLOSED: flag,
  INITIATE_PERMS: z.string().optional(),
  MEMBERS: ids,
  MODERATOR_MEMBERS: ids,
  INVITED_MEMBERS: ids,
  USER_DATA: z.object({ ROLE: role }).nullish(),
});

/** Who may invite: `A` the owner, `E` owner and moderators, `K` every member (api doc §13.1). */
export type InvitePerms = 'A' | 'E' | 'K';

/** A workgroup as the caller sees it. `members` are active members (owner, moderators, members); `invited` await joining. */
export interface WorkgroupView {
  id: number;
  name: string;
  description: string;
  ownerId: number;
  privacy: Privacy;
  archived: boolean;
  members: number[];
  managers: number[];
  invited: number[];
  invitePerms: InvitePerms;
  /** The role of the person asked about (`callerId`); null for none. */
  callerRole: WorkgroupRole | null;
}

/** open = listed and anyone may join; closed = listed, by invitation; hidden = not listed (seeds, api doc §13.1). */
export function privacyFlags(privacy: Privacy): { VISIBLE: 'Y' | 'N'; OPENED: 'Y' | 'N' } {
  if (privacy === 'open') return { VISIBLE: 'Y', OPENED: 'Y' };
  if (privacy === 'closed') return { VISIBLE: 'Y', OPENED: 'N' };
  return { VISIBLE: 'N', OPENED: 'N' };
}

export function privacyOf(visible: boolean, opened: boolean): Privacy {
  if (!visible) return 'hidden';
  return opened ? 'open' : 'closed';
}

/**
 * `socialnetwork.api.workgroup.get` as whoever `rest` acts for: one request gives the names and the
 * member, moderator and invited lists. Null when the group does not exist or `rest`'s user may not
 * see it (the portal answers both the same way). With `callerId`, `callerRole` is read from the
 * lists, which is right whoever `rest` acts for (the installation too, when the caller brought no
 * token); without it, it is USER_DATA's: the role of `rest`'s own user.
 */
export async function readWorkgroup(rest: RestClient, workgroupId: number, callerId?: number): Promise<WorkgroupView | null> {
  // A group with no workgroup yet (a default training group, StudyGroup.workgroupId 0): nothing to read.
  if (!(workgroupId > 0)) return null;
  let raw: unknown;
  try {
    raw = await rest.call(
      'socialnetwork.api.workgroup.get',
      { params: { groupId: workgroupId, select: ['USER_DATA'] } },
      { idempotent: true },
    );
  } catch (e) {
    if (e instanceof PortalError && e.status >= 400 && e.status < 500 && e.status !== 401) return null;
    throw e;
  }
  return viewOf(raw, callerId);
}

/** A workgroup answer as our view; null when it is not one (see readWorkgroup for `callerId`). */
function viewOf(raw: unknown, callerId?: number): WorkgroupView | null {
  const parsed = workgroupSchema.safeParse(raw);
  if (!parsed.success) return null;
  const g = parsed.data;
  const ownerId = g.OWNER_ID ?? 0;
  const perms = g.INITIATE_PERMS;
  return {
    id: g.ID,
    name: wellFormed(g.NAME),
    description: g.DESCRIPTION,
    ownerId,
    privacy: privacyOf(g.VISIBLE, g.OPENED),
    archived: g.CLOSED,
    members: g.MEMBERS,
    managers: g.MODERATOR_MEMBERS,
    invited: g.INVITED_MEMBERS,
    invitePerms: perms === 'A' || perms === 'E' || perms === 'K' ? perms : 'K',
    callerRole:
      callerId === undefined
        ? (g.USER_DATA?.ROLE ?? null)
        : roleIn(callerId, ownerId, g.MODERATOR_MEMBERS, g.MEMBERS, g.INVITED_MEMBERS),
  };
}

/**
 * `socialnetwork.api.workgroup.get` for each of `workgroupIds`, in `batch` (one request per 50), as
 * whoever `rest` acts for. A workgroup maps to null when the portal refused that command (deleted,
 * or not visible to `rest`'s user: answered alike) or answered something that is not a workgroup.
 */
export async function readWorkgroups(rest: RestClient, workgroupIds: number[]): Promise<{ views: Map<number, WorkgroupView | null>; requests: number }> {
  const ids = [...new Set(workgroupIds)];
  const views = new Map<number, WorkgroupView | null>();
  if (ids.length === 0) return { views, requests: 0 };
  const out = await rest.batch(
    ids.map((id) => ({ key: `wg${id}`, method: 'socialnetwork.api.workgroup.get', params: { params: { groupId: id } } })),
  );
  for (const id of ids) {
    const key = `wg${id}`;
    const view = out.errors[key] ? null : viewOf(out.results[key]);
    views.set(id, view && view.id === id ? view : null);
  }
  return { views, requests: out.requests };
}

function roleIn(userId: number, ownerId: number, managers: number[], members: number[], invited: number[]): WorkgroupRole | null {
  if (userId <= 0) return null;
  if (userId === ownerId) return 'A';
  if (managers.includes(userId)) return 'E';
  if (members.includes(userId)) return 'K';
  if (invited.includes(userId)) return 'Z';
  return null;
}

export async function createWorkgroup(
  rest: RestClient,
  input: { name: string; description: string; privacy: Privacy; ownerId: number },
): Promise<number> {
  const id = await rest.call<unknown>('sonet_group.create', {
    NAME: input.name,
    // Honoured for admins only; anyone else becomes the owner anyway. It matters where `rest` is the
    // installation (no token of the caller's): the caller, not the installer, must own the workgroup.
    OWNER_ID: input.ownerId,
    DESCRIPTION: input.description,
    ...privacyFlags(input.privacy),
    // Owner and moderators may invite: the study group's moderators are the workgroup's.
    INITIATE_PERMS: 'E',
  });
  const n = Number(id);
  if (!Number.isSafeInteger(n) || n <= 0) throw new PortalError('sonet_group.create', 'BAD_ANSWER', 200, 'no group id');
  return n;
}

export async function updateWorkgroup(
  rest: RestClient,
  workgroupId: number,
  change: { name?: string; description?: string; privacy?: Privacy },
): Promise<void> {
  if (!(workgroupId > 0)) return;
  const params: Record<string, unknown> = { GROUP_ID: workgroupId };
  if (change.name !== undefined) params.NAME = change.name;
  if (change.description !== undefined) params.DESCRIPTION = change.description;
  if (change.privacy !== undefined) Object.assign(params, privacyFlags(change.privacy));
  await rest.call('sonet_group.update', params);
}

/** Deletes the workgroup; a group that is already gone counts as deleted. */
export async function deleteWorkgroup(rest: RestClient, workgroupId: number): Promise<void> {
  if (!(workgroupId > 0)) return;
  try {
    await rest.call('sonet_group.delete', { GROUP_ID: workgroupId });
  } catch (e) {
    if (e instanceof PortalError && /not found/i.test(e.description)) return;
    throw e;
  }
}

const myGroupSchema = z.array(z.object({ GROUP_ID: num, GROUP_NAME: z.string().default(''), ROLE: role }));

/** The caller's workgroups with their role in each (`sonet_group.user.groups`, one request). */
export async function callerWorkgroups(rest: RestClient): Promise<Array<{ id: number; name: string; role: WorkgroupRole | null }>> {
  const raw = await rest.call<unknown>('sonet_group.user.groups', {}, { idempotent: true });
  const parsed = myGroupSchema.safeParse(raw);
  return parsed.success ? parsed.data.map((g) => ({ id: g.GROUP_ID, name: wellFormed(g.GROUP_NAME), role: g.ROLE })) : [];
}

const memberRowsSchema = z.array(z.object({ USER_ID: num, ROLE: role }));

/**
 * `userId`'s role in each of `workgroupIds`, read with `rest` (one `sonet_group.user.get` per group,
 * in one batch request for up to 50): for callers without a token of their own, where
 * `sonet_group.user.groups` would answer for the installation instead.
 */
export async function rolesOf(rest: RestClient, workgroupIds: number[], userId: number): Promise<Map<number, WorkgroupRole>> {
  const out = await rest.batch(workgroupIds.map((id) => ({ key: `g${id}`, method: 'sonet_group.user.get', params: { ID: id } })));
  const found = new Map<number, WorkgroupRole>();
  for (const id of workgroupIds) {
    const parsed = memberRowsSchema.safeParse(out.results[`g${id}`]);
    const row = parsed.success ? parsed.data.find((r) => r.USER_ID === userId) : undefined;
    if (row?.ROLE) found.set(id, row.ROLE);
  }
  return found;
}

const groupListSchema = z.array(z.object({ ID: num, NAME: z.string().default('') }));

/** For an admin: the newest workgroups of the portal except `excludeIds` (first page only, newest first). */
export async function allWorkgroups(rest: RestClient, excludeIds: number[]): Promise<Array<{ id: number; name: string }>> {
  const params: Record<string, unknown> = { IS_ADMIN: 'Y', ORDER: { ID: 'DESC' } };
  if (excludeIds.length > 0) params.FILTER = { '!ID': excludeIds };
  const raw = await rest.call<unknown>('sonet_group.get', params, { idempotent: true });
  const parsed = groupListSchema.safeParse(raw);
  return parsed.success ? parsed.data.map((g) => ({ id: g.ID, name: wellFormed(g.NAME) })) : [];
}

const ownedSchema = z.array(z.object({ ID: num, NAME: z.string().default(''), OWNER_ID: num.optional() }));

/**
 * The newest workgroup called exactly `name` and owned by `ownerId` (null: none), for adopting what a
 * crashed first try of `/group create` made.
 */
export async function findOwnedWorkgroup(rest: RestClient, name: string, ownerId: number): Promise<number | null> {
  const raw = await rest.call<unknown>('sonet_group.get', { ORDER: { ID: 'DESC' }, FILTER: { '=NAME': name, OWNER_ID: ownerId } }, { idempotent: true });
  const parsed = ownedSchema.safeParse(raw);
  const found = parsed.success ? parsed.data.find((g) => g.NAME === name && (g.OWNER_ID === undefined || g.OWNER_ID === ownerId)) : undefined;
  return found ? found.ID : null;
}

/** What the portal did for one person of a bulk membership call. */
export type MemberOutcome =
  | { kind: 'done' }
  /** The call succeeded but left this person out (already in, or not someone the method accepts). */
  | { kind: 'skipped' }
  | { kind: 'refused'; reason: string };

export interface BulkResult {
  outcomes: Map<number, MemberOutcome>;
  /** HTTP requests it took. */
  requests: number;
}

/**
 * One command per person in `batch` (50 per request): each person gets their own answer, so one
 * refusal does not hide the others, and 120 people cost 3 requests.
 */
async function perPerson(
  rest: RestClient,
  method: string,
  workgroupId: number,
  userIds: number[],
  extra: Record<string, unknown> = {},
): Promise<BulkResult> {
  const calls: BatchCall[] = userIds.map((userId) => ({
    key: `u${userId}`,
    method,
    params: { GROUP_ID: workgroupId, USER_ID: userId, ...extra },
  }));
  const out = await rest.batch(calls);
  const outcomes = new Map<number, MemberOutcome>();
  for (const userId of userIds) {
    const key = `u${userId}`;
    const error = out.errors[key];
    if (error) {
      outcomes.set(userId, { kind: 'refused', reason: error.description || error.code || 'refused' });
      continue;
    }
    const result = out.results[key];
    const done = Array.isArray(result) && result.some((id) => Number(id) === userId);
    outcomes.set(userId, done ? { kind: 'done' } : { kind: 'skipped' });
  }
  return { outcomes, requests: out.requests };
}

/** `sonet_group.user.add`: portal admins only; no invitation, no confirmation. */
export function addToWorkgroup(rest: RestClient, workgroupId: number, userIds: number[]): Promise<BulkResult> {
  return perPerson(rest, 'sonet_group.user.add', workgroupId, userIds);
}

/** `sonet_group.user.invite`: needs the group's invite right; an empty answer means nobody was invited. */
export function inviteToWorkgroup(rest: RestClient, workgroupId: number, userIds: number[], message: string): Promise<BulkResult> {
  return perPerson(rest, 'sonet_group.user.invite', workgroupId, userIds, { MESSAGE: message });
}

/** `sonet_group.user.delete`: portal admins only; the owner is never removed. */
export function removeFromWorkgroup(rest: RestClient, workgroupId: number, userIds: number[]): Promise<BulkResult> {
  return perPerson(rest, 'sonet_group.user.delete', workgroupId, userIds);
}

const userSchema = z.object({
  ID: num,
  NAME: z.string().nullish(),
  LAST_NAME: z.string().nullish(),
  USER_TYPE: z.string().nullish(),
});

export interface PortalUser {
  id: number;
  name: string;
  extranet: boolean;
}

/**
 * The people among `userIds` that the portal knows and the caller may see (active, not bots).
 * `user.get` pages by 50, so the ids go 50 to a command; more than 50 go in one `batch`.
 */
export async function readUsers(rest: RestClient, userIds: number[]): Promise<Map<number, PortalUser>> {
  const chunks: number[][] = [];
  for (let i = 0; i < userIds.length; i += 50) chunks.push(userIds.slice(i, i + 50));
  const rows: unknown[] = [];
  if (chunks.length === 1) {
    const raw = await rest.call<unknown>('user.get', { FILTER: { ID: chunks[0], ACTIVE: true } }, { idempotent: true });
    if (Array.isArray(raw)) rows.push(...raw);
  } else if (chunks.length > 1) {
    const out = await rest.batch(
      chunks.map((chunk, i) => ({ key: `users${i}`, method: 'user.get', params: { FILTER: { ID: chunk, ACTIVE: 'Y' } } })),
    );
    for (const value of Object.values(out.results)) if (Array.isArray(value)) rows.push(...value);
  }
  const wanted = new Set(userIds);
  const found = new Map<number, PortalUser>();
  for (const row of rows) {
    const parsed = userSchema.safeParse(row);
    if (!parsed.success || !wanted.has(parsed.data.ID)) continue;
    const u = parsed.data;
    const name = [u.NAME, u.LAST_NAME].filter((s): s is string => Boolean(s && s.trim())).join(' ') || `#${u.ID}`;
    found.set(u.ID, { id: u.ID, name, extranet: u.USER_TYPE === 'extranet' });
  }
  return found;
}
