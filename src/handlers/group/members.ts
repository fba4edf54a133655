// Members of a study group: /group add, invite, remove, leave, members; the "Add members" button and its answer.
import type { BotContext } from '../../bot/context.js';
import { PortalError } from '../../bot/portal.js';
import { takeGroupRef, parseUsers, tokenize } from '../../domain/args.js';
import { canSeeGroup } from '../../domain/access.js';
import { escapeBb } from '../../domain/bbcode.js';
import { formatDay } from '../../domain/dates.js';
import type { GroupMember, StudyGroup } from '../../domain/model.js';
import { addMode } from '../../domain/permissions.js';
import { boundGroup, replyError } from '../shared.js';
import {
  PENDING,
  askFor,
  findGroupFor,
  groupById,
  groupFromArgs,
  groupTitle,
  intArg,
  labelList,
  personLabel,
  rememberPeople,
  replyGone,
  requireManage,
  resolvePeople,
  rightsOf,
} from './common.js';
import { refusedAsPortalWould } from './caller.js';
import { followMembers } from './companion.js';
import { ensureGroupWorkgroup } from './ensure-workgroup.js';
import { mirrorWorkgroup, mirrorWouldChange } from './mirror.js';
import {
  addToWorkgroup,
  createWorkgroup,
  inviteToWorkgroup,
  readUsers,
  readWorkgroup,
  removeFromWorkgroup,
  type PortalUser,
  type WorkgroupView,
} from './workgroup.js';

/** `<group> <users…>`: in a bound chat the group may be left out. */
async function groupAndPeopleTokens(ctx: BotContext): Promise<{ group: StudyGroup; tokens: string[] } | null> {
  const { group: ref, rest } = takeGroupRef(ctx.args.slice(1), { groupOptional: boundGroup(ctx) !== null });
  const group = await findGroupFor(ctx, ref);
  return group ? { group, tokens: rest } : null;
}

export async function add(ctx: BotContext): Promise<void> {
  return addOrInvite(ctx, 'add');
}

export async function invite(ctx: BotContext): Promise<void> {
  return addOrInvite(ctx, 'invite');
}

async function addOrInvite(ctx: BotContext, command: 'add' | 'invite'): Promise<void> {
  const target = await groupAndPeopleTokens(ctx);
  if (!target) return;
  const rights = await rightsOf(ctx);
  if (!(await requireManage(ctx, target.group))) return;
  const people = await resolvePeople(ctx, target.tokens);
  if (!people) return;
  await bringIn(ctx, target.group, people, command === 'invite' ? 'invite' : addMode(rights.isAdmin));
}

interface Outcome {
  added: number[];
  invited: number[];
  /** A direct add the portal refused, invited instead. */
  fellBack: number[];
  alreadyMember: number[];
  alreadyInvited: number[];
  /** Bitrix24 neither added nor invited them. */
  failed: number[];
  failReason: string;
  requests: number;
}

/**
 * Adds (portal admin) or invites (anyone else, or `/group invite`) with the caller's token, so
 * Bitrix24 enforces their rights. A refused add falls back to an invitation. The answer says what
 * happened to each person; the store records members and pending invitations.
 */
/** From this many people at once the bot shows "typing" while it adds them. */
const TYPING_FROM = 5;
/**
 * A group that lives in the bot only (a default training group, workgroupId 0) gets its workgroup
 * when people are first added: made as the caller, who owns it (and is its first member, as in
 * /group create). Returns the group as stored then, or null when the portal refused.
 */
async function ensureWorkgroup(ctx: BotContext, group: StudyGroup): Promise<StudyGroup | null> {
  try {
    const io = { rest: ctx.asUser(), memberId: ctx.memberId, log: ctx.log, now: ctx.now, data: ctx.data, note: ctx.note.bind(ctx), update: ctx.update.bind(ctx) };
    return await ensureGroupWorkgroup(io, group, ctx.user.id);
  } catch (e) {
    if (!(e instanceof PortalError)) throw e;
    ctx.log.warn({ memberId: ctx.memberId, groupId: group.id, err: e.code || e.description }, 'default group: workgroup not created');
    return null;
  }
}

export async function bringIn(ctx: BotContext, group: StudyGroup, people: PortalUser[], mode: 'add' | 'invite'): Promise<Outcome> {
  const out: Outcome = { added: [], invited: [], fellBack: [], alreadyMember: [], alreadyInvited: [], failed: [], failReason: '', requests: 0 };
  // Many people take a while at the portal's pace: say so the way the messenger does.
  if (people.length >= TYPING_FROM) await ctx.typing();
  const status = new Map(group.members.map((m) => [m.userId, m.status] as const));
  const todo: number[] = [];
  for (const p of people) {
    const s = status.get(p.id);
    if (s === 'member') out.alreadyMember.push(p.id);
    else if (s === 'invited' && mode === 'invite') out.alreadyInvited.push(p.id);
    else todo.push(p.id);
  }
  const rest = ctx.asUser();
  if (todo.length > 0 && !(group.workgroupId > 0)) {
    const made = await ensureWorkgroup(ctx, group);
    if (!made) {
      out.failed.push(...todo);
      await ctx.reply(ctx.t('training:workgroup_refused', { group: groupTitle(group) }));
      return out;
    }
    group = made;
  }
  const inviteText = ctx.t('group:invitation_text', { name: escapeBb(group.name) });
  let toInvite = mode === 'invite' ? todo : [];
  if (mode === 'add' && todo.length > 0) {
    const r = await addToWorkgroup(rest, group.workgroupId, todo);
    out.requests += r.requests;
    const refused: number[] = [];
    for (const id of todo) {
      const o = r.outcomes.get(id);
      if (o?.kind === 'done') out.added.push(id);
      // Bitrix24 left them out: they are in the workgroup already (our copy was behind).
      else if (o?.kind === 'skipped') out.alreadyMember.push(id);
      else {
        refused.push(id);
        if (o?.kind === 'refused' && !out.failReason) out.failReason = o.reason;
      }
    }
    toInvite = refused;
  }
  const notAllowed = toInvite.length > 0 ? await refusedAsPortalWould(ctx, group, 'invite') : null;
  if (notAllowed) {
    out.failed.push(...toInvite);
    out.failReason = notAllowed;
  } else if (toInvite.length > 0) {
    const r = await inviteToWorkgroup(rest, group.workgroupId, toInvite, inviteText);
    out.requests += r.requests;
    for (const id of toInvite) {
      const o = r.outcomes.get(id);
      if (o?.kind === 'done') (mode === 'add' ? out.fellBack : out.invited).push(id);
      else {
        out.failed.push(id);
        if (o?.kind === 'refused') out.failReason = o.reason;
      }
    }
  }
  const nowIso = ctx.now().toISOString();
  const becameMembers = new Set([...out.added, ...out.alreadyMember]);
  const becameInvited = new Set([...out.invited, ...out.fellBack]);
  if (becameMembers.size + becameInvited.size > 0) {
    const change = await ctx.update((d) => {
      const g = d.groups.find((x) => x.id === group.id);
      if (!g) return null;
      const before = structuredClone(g);
      const byId = new Map(g.members.map((m) => [m.userId, m] as const));
      for (const id of becameMembers) {
        const m = byId.get(id);
        if (m) Object.assign(m, { status: 'member', since: m.status === 'member' ? m.since : nowIso });
        else g.members.push({ userId: id, status: 'member', since: nowIso, addedBy: ctx.user.id });
      }
      for (const id of becameInvited) {
        if (!byId.has(id)) g.members.push({ userId: id, status: 'invited', since: nowIso, addedBy: ctx.user.id });
      }
      return { before, after: structuredClone(g) };
    });
    if (change) await followMembers(ctx, change.before, change.after);
  }
  const names = new Map(people.map((p) => [p.id, p.name] as const));
  const label = (ids: number[]) => labelList(ctx, ids.map((id) => personLabel(ctx, id, names)));
  const lines = [groupTitle(group)];
  if (out.added.length) lines.push(ctx.t('group:result.added', { count: out.added.length, list: label(out.added) }));
  if (out.invited.length) lines.push(ctx.t('group:result.invited', { count: out.invited.length, list: label(out.invited) }));
  if (out.fellBack.length) {
    lines.push(ctx.t('group:result.fell_back', { count: out.fellBack.length, list: label(out.fellBack), reason: escapeBb(out.failReason) }));
  }
  if (out.alreadyMember.length) lines.push(ctx.t('group:result.already_member', { count: out.alreadyMember.length, list: label(out.alreadyMember) }));
  if (out.alreadyInvited.length) {
    lines.push(ctx.t('group:result.already_invited', { count: out.alreadyInvited.length, list: label(out.alreadyInvited) }));
  }
  if (out.failed.length) {
    lines.push(
      out.failReason
        ? ctx.t('group:result.failed_reason', { count: out.failed.length, list: label(out.failed), reason: escapeBb(out.failReason) })
        : ctx.t('group:result.failed', { count: out.failed.length, list: label(out.failed) }),
    );
  }
  if (out.invited.length + out.fellBack.length > 0) lines.push(ctx.t('group:result.invited_note'));
  await ctx.reply(lines.join('\n'));
  return out;
}

export async function remove(ctx: BotContext): Promise<void> {
  const target = await groupAndPeopleTokens(ctx);
  if (!target) return;
  const { group, tokens } = target;
  if (!(await requireManage(ctx, group))) return;
  const { ids, bad } = parseUsers(tokens);
  if (bad.length > 0) return replyError(ctx, 'users_bad', { list: bad.join(', ') });
  if (ids.length === 0) return replyError(ctx, 'users_missing');
  const inGroup = new Set(group.members.map((m) => m.userId));
  const notIn = ids.filter((id) => !inGroup.has(id));
  const owner = ids.filter((id) => id === group.ownerId);
  const targets = ids.filter((id) => inGroup.has(id) && id !== group.ownerId);
  const lines = [groupTitle(group)];
  const removed: number[] = [];
  const kept: number[] = [];
  if (targets.length > 0) {
    const notAllowed = await refusedAsPortalWould(ctx, group, 'remove');
    if (notAllowed) {
      await ctx.reply(ctx.t('group:remove_refused', { reason: escapeBb(notAllowed) }));
      return;
    }
    const r = await removeFromWorkgroup(ctx.asUser(), group.workgroupId, targets);
    const refusals = targets.filter((id) => r.outcomes.get(id)?.kind === 'refused');
    if (refusals.length === targets.length) {
      const first = r.outcomes.get(targets[0]!);
      const reason = first?.kind === 'refused' ? escapeBb(first.reason) : '';
      await ctx.reply(ctx.t('group:remove_refused', { reason }));
      return;
    }
    for (const id of targets) (r.outcomes.get(id)?.kind === 'done' ? removed : kept).push(id);
    if (removed.length > 0) {
      const gone = new Set(removed);
      const change = await ctx.update((d) => {
        const g = d.groups.find((x) => x.id === group.id);
        if (!g) return null;
        const before = structuredClone(g);
        g.members = g.members.filter((m) => !gone.has(m.userId));
        return { before, after: structuredClone(g) };
      });
      if (change) await followMembers(ctx, change.before, change.after);
    }
  }
  const label = (list: number[]) => labelList(ctx, list.map((id) => personLabel(ctx, id)));
  if (removed.length) lines.push(ctx.t('group:result.removed', { count: removed.length, list: label(removed) }));
  if (kept.length) lines.push(ctx.t('group:result.not_removed', { count: kept.length, list: label(kept) }));
  if (owner.length) lines.push(ctx.t('group:result.owner_stays', { list: label(owner) }));
  if (notIn.length) lines.push(ctx.t('group:result.not_in_group', { count: notIn.length, list: label(notIn) }));
  await ctx.reply(lines.join('\n'));
}

export async function leave(ctx: BotContext): Promise<void> {
  const group = await groupFromArgs(ctx);
  if (!group) return;
  const me = group.members.find((m) => m.userId === ctx.user.id);
  if (!me) {
    await ctx.reply(ctx.t('group:leave_not_member', { name: escapeBb(group.name) }));
    return;
  }
  if (group.ownerId === ctx.user.id) {
    await ctx.reply(ctx.t('group:leave_owner', { name: escapeBb(group.name) }));
    return;
  }
  // Every member may leave a workgroup in Bitrix24, but REST has no "leave" for the member's own
  // token (sonet_group.user.delete is for admins). So the installation removes exactly the caller,
  // after the checks above.
  const r = await removeFromWorkgroup(await ctx.asApp(), group.workgroupId, [ctx.user.id]);
  const o = r.outcomes.get(ctx.user.id);
  if (o?.kind === 'refused') {
    await ctx.reply(ctx.t('group:leave_refused', { reason: escapeBb(o.reason) }));
    return;
  }
  const change = await ctx.update((d) => {
    d.pending = d.pending.filter((p) => !(p.userId === ctx.user.id && p.groupId === group.id));
    const g = d.groups.find((x) => x.id === group.id);
    if (!g) return null;
    const before = structuredClone(g);
    g.members = g.members.filter((m) => m.userId !== ctx.user.id);
    return { before, after: structuredClone(g) };
  });
  if (change) await followMembers(ctx, change.before, change.after);
  await ctx.reply(ctx.t(me.status === 'invited' ? 'group:left_invitation' : 'group:left', { name: escapeBb(group.name) }));
}

/**
 * Reads the workgroup as the caller and brings the stored members in step (an invitation accepted
 * in Bitrix24 becomes a membership). When the caller cannot read it, the stored state stands.
 */
export async function refreshMembers(ctx: BotContext, group: StudyGroup): Promise<{ group: StudyGroup; wg: WorkgroupView | null }> {
  const wg = await readWorkgroup(ctx.asUser(), group.workgroupId, ctx.user.id);
  if (!wg) return { group, wg };
  const nowIso = ctx.now().toISOString();
  // Most reads find nothing new: try on a copy first, so they cost no store write.
  if (!mirrorWouldChange(group, wg, nowIso)) return { group, wg };
  const change = await ctx.update((d) => {
    const g = d.groups.find((x) => x.id === group.id);
    if (!g) return null;
    const before = structuredClone(g);
    mirrorWorkgroup(g, wg, nowIso);
    return { before, after: structuredClone(g) };
  });
  if (change) await followMembers(ctx, change.before, change.after);
  return { group: change?.after ?? group, wg };
}

/** Names of people we have not met, read once so lists show names rather than ids. */
export async function learnNames(ctx: BotContext, ids: number[]): Promise<Map<number, string>> {
  const unknown = ids.filter((id) => !ctx.data.users[String(id)]);
  const names = new Map<number, string>();
  if (unknown.length === 0) return names;
  try {
    const found = await readUsers(ctx.asUser(), unknown.slice(0, 200));
    await rememberPeople(ctx, [...found.values()]);
    for (const u of found.values()) names.set(u.id, u.name);
  } catch (e) {
    if (!(e instanceof PortalError)) throw e;
  }
  return names;
}

export async function members(ctx: BotContext): Promise<void> {
  const group = await groupFromArgs(ctx, 1, 'see');
  if (group) await showMembers(ctx, group);
}

const MEMBER_LINES = 200;

export async function showMembers(ctx: BotContext, stored: StudyGroup): Promise<void> {
  const rights = await rightsOf(ctx);
  const viewer = { userId: ctx.user.id, extranet: ctx.user.extranet };
  if (!canSeeGroup(viewer, stored, { isModerator: rights.isModerator })) {
    await replyError(ctx, 'group_not_found', { ref: `#${stored.id}` });
    return;
  }
  const { group } = await refreshMembers(ctx, stored);
  const names = await learnNames(ctx, group.members.map((m) => m.userId));
  const line = (m: GroupMember) => {
    const who = personLabel(ctx, m.userId, names);
    const since = formatDay(m.since.slice(0, 10), ctx.lang);
    if (m.status === 'invited') return `• ${who} — ${ctx.t('group:status.invited', { since })}`;
    return `• ${who}${m.userId === group.ownerId ? ` — ${ctx.t('group:status.owner')}` : ''}`;
  };
  const active = group.members.filter((m) => m.status === 'member');
  const invited = group.members.filter((m) => m.status === 'invited');
  const lines = [groupTitle(group), ctx.t('group:members_head', { count: active.length })];
  lines.push(...active.slice(0, MEMBER_LINES).map(line));
  if (active.length > MEMBER_LINES) lines.push(ctx.t('group:and_more', { count: active.length - MEMBER_LINES }));
  if (invited.length > 0) {
    lines.push('', ctx.t('group:invited_head', { count: invited.length }));
    lines.push(...invited.slice(0, MEMBER_LINES).map(line));
    if (invited.length > MEMBER_LINES) lines.push(ctx.t('group:and_more', { count: invited.length - MEMBER_LINES }));
  }
  await ctx.reply(lines.join('\n'));
}

// ── buttons and answers

export async function membersButton(ctx: BotContext, args: string[]): Promise<void> {
  const group = groupById(ctx, intArg(args[0]));
  if (!group) return replyGone(ctx);
  await showMembers(ctx, group);
}

export async function addButton(ctx: BotContext, args: string[]): Promise<void> {
  const group = groupById(ctx, intArg(args[0]));
  if (!group) return replyGone(ctx);
  if (!(await requireManage(ctx, group))) return;
  await askFor(ctx, PENDING.add, group.id, ctx.t('group:ask.add', { name: escapeBb(group.name) }));
}

/** The answer to "whom to add": mentions or ids, as in /group add. */
export async function addAnswer(ctx: BotContext, groupId: number | null): Promise<void> {
  const group = groupById(ctx, groupId);
  if (!group) return replyGone(ctx);
  const rights = await rightsOf(ctx);
  if (!(await requireManage(ctx, group))) return;
  const people = await resolvePeople(ctx, tokenize(ctx.text));
  if (!people) {
    await askFor(ctx, PENDING.add, group.id, ctx.t('group:ask.again'));
    return;
  }
  await bringIn(ctx, group, people, addMode(rights.isAdmin));
}
