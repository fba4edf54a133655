// /group link and /group sync: a study group made of an existing Bitrix24 workgroup, whose name, description and members stay Bitrix24's.
import type { BotContext } from '../../bot/context.js';
import { buttonPayload, type Button } from '../../bot/render.js';
import { escapeBb } from '../../domain/bbcode.js';
import type { StudyGroup } from '../../domain/model.js';
import { canLinkWorkgroup } from '../../domain/permissions.js';
import { groupCard } from './card.js';
import { followMembers, followName } from './companion.js';
import { parseGroupRef } from '../../domain/args.js';
import { findGroupFor, groupFromArgs, groupTitle, intArg, labelList, personLabel, requireManage, rightsOf } from './common.js';
import { isEmptyDiff, membersFrom, mirrorWorkgroup, type MirrorDiff } from './mirror.js';
import { learnNames } from './members.js';
import { actsAsCaller } from './caller.js';
import { allWorkgroups, callerWorkgroups, readWorkgroup, rolesOf } from './workgroup.js';

/** Buttons in the "which workgroup?" keyboard; more would bury the chat. */
const OFFER_LIMIT = 20;

export async function link(ctx: BotContext): Promise<void> {
  if (ctx.user.extranet) {
    await ctx.reply(ctx.t('common:not_allowed'));
    return;
  }
  const arg = ctx.args[1];
  if (arg === undefined) return offerWorkgroups(ctx);
  const id = intArg(arg.replace(/^#/, ''));
  if (id === null) {
    await ctx.reply(ctx.t('group:link_bad_id', { text: escapeBb(arg) }));
    return;
  }
  // `/group link <workgroup> <group>`: onto a study group that has no workgroup yet (a default training group).
  const ontoRef = ctx.args.slice(2).join(' ').trim();
  if (ontoRef !== '') {
    const onto = await findGroupFor(ctx, parseGroupRef(ontoRef, { bareNumberIsId: true }), 'use');
    if (!onto) return;
    if (!(await requireManage(ctx, onto))) return;
    if (onto.workgroupId > 0) {
      await ctx.reply(ctx.t('group:link_onto_has', { group: groupTitle(onto), id: onto.workgroupId }));
      return;
    }
    return linkWorkgroup(ctx, id, onto);
  }
  await linkWorkgroup(ctx, id);
}

export async function linkButton(ctx: BotContext, args: string[]): Promise<void> {
  const id = intArg(args[0]);
  if (id === null || ctx.user.extranet) {
    await ctx.reply(ctx.t('common:button_stale'));
    return;
  }
  await linkWorkgroup(ctx, id);
}

/** Admins: every workgroup of the portal; anyone else: the ones they own or moderate. Linked ones are left out. */
async function offerWorkgroups(ctx: BotContext): Promise<void> {
  const used = new Set(ctx.data.groups.map((g) => g.workgroupId));
  const rights = await rightsOf(ctx);
  const options = rights.isAdmin ? await allWorkgroups(ctx.asUser(), [...used]) : await managedWorkgroups(ctx, used);
  const free = options.filter((g) => !used.has(g.id));
  if (free.length === 0) {
    await ctx.reply(ctx.t(rights.isAdmin ? 'group:link_none_admin' : 'group:link_none'));
    return;
  }
  const shown = free.slice(0, OFFER_LIMIT);
  const buttons: Button[][] = shown.map((g) => [
    { text: `#${g.id} ${escapeBb(g.name)}`, command: 'group', payload: buttonPayload('g.link', g.id) },
  ]);
  const more = free.length > shown.length ? `\n${ctx.t('group:link_more')}` : '';
  await ctx.reply({ text: `${ctx.t('group:link_choose')}${more}`, buttons });
}

/**
 * The workgroups the caller owns or moderates. With their own token `sonet_group.user.groups`
 * answers in one request; without one it would answer for the installation, so the roles are read
 * per workgroup instead (the newest page of workgroups, in one batch).
 */
async function managedWorkgroups(ctx: BotContext, used: ReadonlySet<number>): Promise<Array<{ id: number; name: string }>> {
  const manages = (role: string | null) => role === 'A' || role === 'E';
  if (actsAsCaller(ctx)) {
    return (await callerWorkgroups(ctx.asUser())).filter((g) => manages(g.role) && !used.has(g.id));
  }
  const app = await ctx.asApp();
  const candidates = await allWorkgroups(app, [...used]);
  const roles = await rolesOf(app, candidates.map((g) => g.id), ctx.user.id);
  return candidates.filter((g) => manages(roles.get(g.id) ?? null));
}

/**
 * Links a workgroup read with the caller's token: the portal answers only for groups they may see,
 * and tells their role in it. Only an admin or the workgroup's owner/moderator may link (seed 000).
 */
export async function linkWorkgroup(ctx: BotContext, workgroupId: number, onto?: StudyGroup): Promise<void> {
  const existing = ctx.data.groups.find((g) => g.workgroupId === workgroupId);
  if (existing) {
    await ctx.reply(ctx.t('group:link_already', { id: workgroupId, group: groupTitle(existing) }));
    return;
  }
  const wg = await readWorkgroup(ctx.asUser(), workgroupId, ctx.user.id);
  const rights = await rightsOf(ctx);
  // A hidden workgroup is none of a stranger's business, even where the installation could read it.
  if (!wg || (wg.privacy === 'hidden' && wg.callerRole === null && !rights.isAdmin)) {
    await ctx.reply(ctx.t('group:link_not_found', { id: workgroupId }));
    return;
  }
  if (rights.extranet || !canLinkWorkgroup({ userId: ctx.user.id, isAdmin: rights.isAdmin }, wg.callerRole)) {
    await ctx.reply(ctx.t('group:link_refused', { id: workgroupId, name: escapeBb(wg.name) }));
    return;
  }
  const nowIso = ctx.now().toISOString();
  const group = await ctx.update((d) => {
    // Checked again inside the update: two presses of the same button must not link twice.
    const again = d.groups.find((g) => g.workgroupId === workgroupId);
    if (again) return { group: again, fresh: false };
    if (onto) {
      const target = d.groups.find((x) => x.id === onto.id);
      if (!target || target.workgroupId > 0) return null;
      // Its settings, courses and training stay; name, description and members become Bitrix24's.
      Object.assign(target, { name: wg.name || target.name, description: wg.description, workgroupId, linked: true, ownerId: wg.ownerId, privacy: wg.privacy, members: membersFrom(wg, nowIso) });
      return { group: structuredClone(target), fresh: true };
    }
    d.counters.group += 1;
    const g: StudyGroup = {
      id: d.counters.group,
      name: wg.name || `#${workgroupId}`,
      description: wg.description,
      workgroupId,
      linked: true,
      ownerId: wg.ownerId,
      privacy: wg.privacy,
      accessFrom: null,
      accessTo: null,
      archived: false,
      members: membersFrom(wg, nowIso),
      courseIds: [],
      chatDialogIds: [],
      createdBy: ctx.user.id,
      createdAt: nowIso,
    };
    d.groups.push(g);
    return { group: g, fresh: true };
  });
  if (!group) {
    await ctx.reply(ctx.t('common:button_stale'));
    return;
  }
  if (!group.fresh) {
    await ctx.reply(ctx.t('group:link_already', { id: workgroupId, group: groupTitle(group.group) }));
    return;
  }
  await learnNames(ctx, group.group.members.map((m) => m.userId));
  await ctx.reply(groupCard(ctx, group.group, { manage: true, headline: ctx.t('group:linked') }));
}

export async function sync(ctx: BotContext): Promise<void> {
  const group = await groupFromArgs(ctx);
  if (!group) return;
  const wg = await readWorkgroup(ctx.asUser(), group.workgroupId, ctx.user.id);
  if (!(await requireManage(ctx, group, wg?.callerRole ?? null))) return;
  if (!wg) {
    await ctx.reply(ctx.t('group:sync_unreadable', { id: group.workgroupId }));
    return;
  }
  const nowIso = ctx.now().toISOString();
  const result = await ctx.update((d) => {
    const g = d.groups.find((x) => x.id === group.id);
    if (!g) return null;
    const before = structuredClone(g);
    const diff = mirrorWorkgroup(g, wg, nowIso);
    return { diff, before, group: structuredClone(g) };
  });
  if (!result) return;
  await followMembers(ctx, result.before, result.group);
  if (result.diff.renamed) await followName(ctx, result.group);
  const d = result.diff;
  const names = await learnNames(ctx, [...d.joined, ...d.left, ...d.accepted, ...d.declined, ...d.invitedThere]);
  await ctx.reply(syncReport(ctx, result.group, d, names));
}

function syncReport(ctx: BotContext, group: StudyGroup, diff: MirrorDiff, names: ReadonlyMap<number, string>): string {
  const lines = [ctx.t('group:sync_head', { group: groupTitle(group) })];
  if (isEmptyDiff(diff)) {
    lines.push(ctx.t('group:sync_none'));
    return lines.join('\n');
  }
  const label = (ids: number[]) => labelList(ctx, ids.map((id) => personLabel(ctx, id, names)));
  if (diff.renamed) lines.push(ctx.t('group:sync_renamed', { name: escapeBb(group.name) }));
  if (diff.redescribed) lines.push(ctx.t('group:sync_redescribed'));
  if (diff.joined.length) lines.push(ctx.t('group:sync_joined', { count: diff.joined.length, list: label(diff.joined) }));
  if (diff.accepted.length) lines.push(ctx.t('group:sync_accepted', { count: diff.accepted.length, list: label(diff.accepted) }));
  if (diff.left.length) lines.push(ctx.t('group:sync_left', { count: diff.left.length, list: label(diff.left) }));
  if (diff.declined.length) lines.push(ctx.t('group:sync_declined', { count: diff.declined.length, list: label(diff.declined) }));
  if (diff.invitedThere.length) {
    lines.push(ctx.t('group:sync_invited_there', { count: diff.invitedThere.length, list: label(diff.invitedThere) }));
  }
  return lines.join('\n');
}
