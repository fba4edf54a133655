// The rest of a study group's life: info, list, dates, describe, rename, privacy, archive, unarchive, delete (confirmed by a button), bind, unbind.
import { describe as describeError } from '../../bot/bot.js';
import type { BotContext } from '../../bot/context.js';
import { PortalError } from '../../bot/portal.js';
import { buttonPayload, type Button } from '../../bot/render.js';
import { canSeeGroup, coursesClosedOnlyBy, isGroupOpenOn } from '../../domain/access.js';
import { parseGroupRef, tokenize } from '../../domain/args.js';
import { escapeBb } from '../../domain/bbcode.js';
import { parseAccessWindow } from '../../domain/dates.js';
import type { Course, Day, Privacy, StudyGroup } from '../../domain/model.js';
import { isLockedField } from '../../domain/permissions.js';
import { windowOpenKey } from '../../domain/schedule.js';
import { validateDescription, validateGroupName } from '../../domain/validate.js';
import type { PortalData } from '../../store/types.js';
import { courseAnnouncedKey, portalLanguage } from '../announce.js';
import { boundGroup, boundGroups, replyError } from '../shared.js';
import { PRIVACIES, accessText, groupCard, groupLine } from './card.js';
import {
  PENDING,
  askFor,
  canManage,
  findGroupFor,
  groupById,
  groupFromArgs,
  groupThenText,
  groupTitle,
  intArg,
  refusalText,
  replyGone,
  requireManage,
  restAfter,
  rightsOf,
} from './common.js';
import { refusedAsPortalWould } from './caller.js';
import { followName } from './companion.js';
import { nameFrom, sameName } from './create.js';
import { refreshMembers } from './members.js';
import { deleteWorkgroup, updateWorkgroup } from './workgroup.js';

/** Changes one stored group and returns a copy of it, or null when it is gone. */
async function changeGroup(ctx: BotContext, id: number, mutate: (g: StudyGroup) => void): Promise<StudyGroup | null> {
  return ctx.update((d) => {
    const g = d.groups.find((x) => x.id === id);
    if (!g) return null;
    mutate(g);
    return structuredClone(g);
  });
}

async function replyRefused(ctx: BotContext, e: unknown): Promise<void> {
  if (!(e instanceof PortalError)) throw e;
  await ctx.reply(ctx.t('group:update_refused', { reason: refusalText(e) }));
}

/** Changing the workgroup itself: Bitrix24 allows its owner and admins; answers and returns false otherwise. */
async function mayUpdateWorkgroup(ctx: BotContext, group: StudyGroup): Promise<boolean> {
  const reason = await refusedAsPortalWould(ctx, group, 'update');
  if (reason) await ctx.reply(ctx.t('group:update_refused', { reason: escapeBb(reason) }));
  return reason === null;
}

// ── info and list

export async function info(ctx: BotContext): Promise<void> {
  const group = await groupFromArgs(ctx, 1, 'see');
  if (group) await showCard(ctx, group);
}

export async function showCard(ctx: BotContext, stored: StudyGroup): Promise<void> {
  const rights = await rightsOf(ctx);
  if (!canSeeGroup({ userId: ctx.user.id, extranet: ctx.user.extranet }, stored, { isModerator: rights.isModerator })) {
    await replyError(ctx, 'group_not_found', { ref: `#${stored.id}` });
    return;
  }
  const { group, wg } = await refreshMembers(ctx, stored);
  const manage = await canManage(ctx, group, wg?.callerRole ?? null, rights);
  await ctx.reply(groupCard(ctx, group, { manage }));
}

const PAGE_SIZE = 20;

export async function list(ctx: BotContext): Promise<void> {
  await showList(ctx, intArg(ctx.args[1]) ?? 1);
}

export async function listButton(ctx: BotContext, args: string[]): Promise<void> {
  await showList(ctx, intArg(args[0]) ?? 1);
}

/**
 * Admins see every group; named moderators the groups they manage (every group the bot created)
 * and their own; everyone else, external users included, only their own, not archived. Needs no
 * REST beyond the cached admin check: membership is what we store.
 */
export async function showList(ctx: BotContext, requestedPage: number): Promise<void> {
  const rights = await rightsOf(ctx);
  const me = ctx.user.id;
  const viewer = { userId: me, extranet: ctx.user.extranet };
  const own = (g: StudyGroup) => g.members.some((m) => m.userId === me);
  const groups = ctx.data.groups.filter((g) => {
    if (rights.isAdmin) return true;
    if (rights.isModerator) return !g.linked || own(g);
    return canSeeGroup(viewer, g, { isModerator: false });
  });
  if (groups.length === 0) {
    await ctx.reply(ctx.t(rights.isModerator ? 'group:list_empty_moderator' : 'group:list_empty'));
    return;
  }
  groups.sort((a, b) => Number(a.archived) - Number(b.archived) || b.id - a.id);
  const pages = Math.ceil(groups.length / PAGE_SIZE);
  const page = Math.min(Math.max(1, requestedPage), pages);
  const shown = groups.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE);
  const headKey = rights.isAdmin ? 'group:list_head_admin' : rights.isModerator ? 'group:list_head_moderator' : 'group:list_head';
  const head = ctx.t(headKey, { count: groups.length });
  const paging = pages > 1 ? ` ${ctx.t('group:list_page', { page, pages })}` : '';
  const lines = [`${head}${paging}`, ...shown.map((g) => groupLine(ctx, g, me)), '', ctx.t('group:list_hint')];
  const nav: Button[] = [];
  if (page > 1) nav.push({ text: ctx.t('group:button.prev'), command: 'group', payload: buttonPayload('g.list', page - 1) });
  if (page < pages) nav.push({ text: ctx.t('group:button.next'), command: 'group', payload: buttonPayload('g.list', page + 1) });
  await ctx.reply(nav.length > 0 ? { text: lines.join('\n'), buttons: [nav] } : lines.join('\n'));
}

// ── dates

export async function dates(ctx: BotContext): Promise<void> {
  const bound = boundGroup(ctx);
  let group: StudyGroup | null;
  let fromText: string;
  let toText: string;
  if (ctx.args.length === 3 && bound) {
    group = bound;
    fromText = ctx.args[1]!;
    toText = ctx.args[2]!;
  } else if (ctx.args.length === 4) {
    group = await findGroupFor(ctx, parseGroupRef(ctx.args[1]!, { bareNumberIsId: true }));
    fromText = ctx.args[2]!;
    toText = ctx.args[3]!;
  } else {
    await ctx.reply(ctx.t('group:dates_usage'));
    return;
  }
  if (!group || !(await requireManage(ctx, group))) return;
  await applyDates(ctx, group, fromText, toText);
}

/** Validates and saves the access window; false (after answering) when the dates are wrong. */
async function applyDates(ctx: BotContext, group: StudyGroup, fromText: string, toText: string): Promise<boolean> {
  const window = parseAccessWindow(fromText, toText);
  if (!window.ok) {
    await replyError(ctx, window.code, window.details ?? {});
    return false;
  }
  const today = ctx.today();
  const updated = await ctx.update((d) => {
    const g = d.groups.find((x) => x.id === group.id);
    if (!g) return null;
    const wasOpen = isGroupOpenOn(g, today);
    const oldFrom = g.accessFrom;
    g.accessFrom = window.value.from;
    g.accessTo = window.value.to;
    if (wasOpen && isGroupOpenOn(g, today) && g.accessFrom !== oldFrom) carryAnnouncements(d, g, oldFrom);
    return structuredClone(g);
  });
  if (!updated) await replyGone(ctx);
  else await ctx.reply(ctx.t('group:dates_set', { group: groupTitle(updated), window: accessText(ctx, updated) }));
  return true;
}

/**
 * The scheduler's keys hold the window's start (domain/schedule.ts), so a new start of a group that
 * was open and stays open would look like a new opening and announce its courses again. Inside the
 * same write: each course announced under the old start counts as announced under the new one, and
 * the opening itself once nothing is left to announce. A course not announced yet (the tick has not
 * come) keeps its announcement.
 */
function carryAnnouncements(d: PortalData, group: StudyGroup, oldFrom: Day | null): void {
  const newFrom = group.accessFrom;
  const courseIds = group.courseIds.filter((id) => d.courses.some((c) => c.id === id));
  let unannounced = 0;
  for (const id of courseIds) {
    const key = courseAnnouncedKey(group.id, id, newFrom);
    if (d.sent.includes(key)) continue;
    if (d.sent.includes(courseAnnouncedKey(group.id, id, oldFrom))) d.sent.push(key);
    else unannounced++;
  }
  if (newFrom !== null && unannounced === 0) {
    const key = windowOpenKey(group.id, newFrom);
    if (!d.sent.includes(key)) d.sent.push(key);
  }
}

export async function datesButton(ctx: BotContext, args: string[]): Promise<void> {
  const group = groupById(ctx, intArg(args[0]));
  if (!group) return replyGone(ctx);
  if (!(await requireManage(ctx, group))) return;
  await askFor(ctx, PENDING.dates, group.id, ctx.t('group:ask.dates', { name: escapeBb(group.name) }));
}

export async function datesAnswer(ctx: BotContext, groupId: number | null): Promise<void> {
  const group = groupById(ctx, groupId);
  if (!group) return replyGone(ctx);
  if (!(await requireManage(ctx, group))) return;
  const tokens = tokenize(ctx.text);
  const ok = tokens.length === 2 ? await applyDates(ctx, group, tokens[0]!, tokens[1]!) : false;
  if (tokens.length !== 2) await ctx.reply(ctx.t('group:dates_answer_usage'));
  if (!ok) await askFor(ctx, PENDING.dates, group.id, ctx.t('group:ask.again'));
}

// ── description and name (Bitrix24's for linked groups)

async function refuseLocked(ctx: BotContext, group: StudyGroup, field: 'name' | 'description'): Promise<boolean> {
  if (!isLockedField(group, field)) return false;
  await ctx.reply(ctx.t(`group:locked.${field}`, { group: groupTitle(group), id: group.workgroupId }));
  return true;
}

export async function describe(ctx: BotContext): Promise<void> {
  const { ref, textFrom } = await groupThenText(ctx);
  const group = await findGroupFor(ctx, ref);
  if (!group || !(await requireManage(ctx, group))) return;
  if (await refuseLocked(ctx, group, 'description')) return;
  const text = restAfter(ctx.text, textFrom);
  if (text === '') {
    await ctx.reply(ctx.t('group:describe_usage'));
    return;
  }
  await applyDescription(ctx, group, text);
}

/** `-` clears. The workgroup's description changes with it, as the caller (Bitrix24 checks their right). */
async function applyDescription(ctx: BotContext, group: StudyGroup, text: string): Promise<boolean> {
  const checked = validateDescription(text.trim() === '-' ? '' : text);
  if (!checked.ok) {
    await replyError(ctx, checked.code, checked.details ?? {});
    return false;
  }
  if (!(await mayUpdateWorkgroup(ctx, group))) return true;
  try {
    await updateWorkgroup(ctx.asUser(), group.workgroupId, { description: checked.value });
  } catch (e) {
    await replyRefused(ctx, e);
    return true;
  }
  const updated = await changeGroup(ctx, group.id, (g) => void (g.description = checked.value));
  if (!updated) await replyGone(ctx);
  else await ctx.reply(ctx.t(checked.value ? 'group:described' : 'group:description_cleared', { group: groupTitle(updated) }));
  return true;
}

export async function describeButton(ctx: BotContext, args: string[]): Promise<void> {
  const group = groupById(ctx, intArg(args[0]));
  if (!group) return replyGone(ctx);
  if (!(await requireManage(ctx, group))) return;
  if (await refuseLocked(ctx, group, 'description')) return;
  await askFor(ctx, PENDING.describe, group.id, ctx.t('group:ask.describe', { name: escapeBb(group.name) }));
}

export async function describeAnswer(ctx: BotContext, groupId: number | null): Promise<void> {
  const group = groupById(ctx, groupId);
  if (!group) return replyGone(ctx);
  if (!(await requireManage(ctx, group))) return;
  if (await refuseLocked(ctx, group, 'description')) return;
  if (!(await applyDescription(ctx, group, ctx.text))) {
    await askFor(ctx, PENDING.describe, group.id, ctx.t('group:ask.again'));
  }
}

export async function rename(ctx: BotContext): Promise<void> {
  const { ref, textFrom } = await groupThenText(ctx);
  const group = await findGroupFor(ctx, ref);
  if (!group || !(await requireManage(ctx, group))) return;
  if (await refuseLocked(ctx, group, 'name')) return;
  const checked = validateGroupName(nameFrom(restAfter(ctx.text, textFrom)));
  if (!checked.ok) return replyError(ctx, checked.code, checked.details ?? {});
  const taken = sameName(ctx, checked.value, group.id);
  if (taken) {
    await ctx.reply(ctx.t('group:name_taken', { name: escapeBb(checked.value), id: taken.id }));
    return;
  }
  if (!(await mayUpdateWorkgroup(ctx, group))) return;
  try {
    await updateWorkgroup(ctx.asUser(), group.workgroupId, { name: checked.value });
  } catch (e) {
    return replyRefused(ctx, e);
  }
  const updated = await changeGroup(ctx, group.id, (g) => void (g.name = checked.value));
  if (!updated) return;
  await ctx.reply(ctx.t('group:renamed', { group: groupTitle(updated) }));
  await followName(ctx, updated);
}

// ── privacy

export async function privacyButton(ctx: BotContext, args: string[]): Promise<void> {
  const group = groupById(ctx, intArg(args[0]));
  if (!group) return replyGone(ctx);
  const privacy = PRIVACIES.find((p) => p === args[1]);
  if (!privacy) {
    await ctx.reply(ctx.t('common:button_stale'));
    return;
  }
  await setPrivacy(ctx, group, privacy);
}

/** `/group privacy <group> open|closed|hidden`, the typed twin of the card's buttons. */
export async function privacy(ctx: BotContext): Promise<void> {
  const group = await groupFromArgs(ctx);
  if (!group) return;
  const wanted = PRIVACIES.find((p) => p === (ctx.args[2] ?? '').toLowerCase());
  if (!wanted) {
    await ctx.reply(ctx.t('group:privacy_usage'));
    return;
  }
  await setPrivacy(ctx, group, wanted);
}

async function setPrivacy(ctx: BotContext, group: StudyGroup, privacy: Privacy): Promise<void> {
  if (!(await requireManage(ctx, group))) return;
  const label = ctx.t(`group:privacy.${privacy}`);
  if (group.privacy === privacy) {
    await ctx.reply(ctx.t('group:privacy_already', { group: groupTitle(group), privacy: label }));
    return;
  }
  if (!(await mayUpdateWorkgroup(ctx, group))) return;
  try {
    await updateWorkgroup(ctx.asUser(), group.workgroupId, { privacy });
  } catch (e) {
    return replyRefused(ctx, e);
  }
  const updated = await changeGroup(ctx, group.id, (g) => void (g.privacy = privacy));
  if (!updated) return replyGone(ctx);
  // The card the button sits on shows the new state; a card that can no longer be edited is no loss.
  if (ctx.event.kind === 'command' && ctx.event.context === 'keyboard') {
    await ctx.edit(ctx.event.messageId, groupCard(ctx, updated, { manage: true })).catch(() => undefined);
  }
  await ctx.reply(ctx.t('group:privacy_set', { group: groupTitle(updated), privacy: label }));
}

// ── archive

export async function archive(ctx: BotContext): Promise<void> {
  await setArchived(ctx, true);
}

export async function unarchive(ctx: BotContext): Promise<void> {
  await setArchived(ctx, false);
}

/**
 * Archiving is the study group's own state (it hides the group and its closed courses); the
 * workgroup is left as it is, since its feed and files may still be in use.
 */
async function setArchived(ctx: BotContext, archived: boolean): Promise<void> {
  const group = await groupFromArgs(ctx);
  if (!group || !(await requireManage(ctx, group))) return;
  if (group.archived === archived) {
    await ctx.reply(ctx.t(archived ? 'group:archive_already' : 'group:unarchive_already', { group: groupTitle(group) }));
    return;
  }
  const updated = await changeGroup(ctx, group.id, (g) => void (g.archived = archived));
  if (updated) await ctx.reply(ctx.t(archived ? 'group:archived' : 'group:unarchived', { group: groupTitle(updated) }));
}

// ── delete, confirmed by a button

/** What deleting does to the courses only this group closes (see `coursesClosedOnlyBy`). */
type CourseChoice = 'hide' | 'open';

function courseChoice(value: string | undefined): CourseChoice | null {
  return value === 'hide' || value === 'open' ? value : null;
}

/** A course list in a message stays far below the 20,000-character limit. */
const COURSE_LINES = 40;

/** `• Title (#id)` lines, titles escaped; a course hidden from external users says so (it opens to employees only). */
function courseLines(ctx: BotContext, courses: readonly Course[]): string {
  const line = (c: Course) => `• ${escapeBb(c.title)} (#${c.id})${c.hiddenFromExtranet ? ` — ${ctx.t('course:list.hidden_extranet')}` : ''}`;
  const lines = courses.slice(0, COURSE_LINES).map(line);
  if (courses.length > COURSE_LINES) lines.push(`… ${ctx.t('group:and_more', { count: courses.length - COURSE_LINES })}`);
  return lines.join('\n');
}

export async function remove(ctx: BotContext): Promise<void> {
  const group = await groupFromArgs(ctx);
  if (!group || !(await requireManage(ctx, group))) return;
  await askToDelete(ctx, group);
}

/**
 * The confirmation. A deleted group no longer closes its courses, so those in no other group would
 * become open to everyone, external users included: the question names them, and the moderator
 * chooses between hiding them from the catalog and opening them — never one silently.
 */
async function askToDelete(ctx: BotContext, group: StudyGroup): Promise<void> {
  const consequence = group.linked
    ? ctx.t('group:delete_linked_note', { id: group.workgroupId })
    : group.workgroupId > 0
      ? ctx.t('group:delete_created_note', { id: group.workgroupId })
      : ctx.t('training:delete_no_workgroup_note');
  const lines = [ctx.t('group:delete_confirm', { group: groupTitle(group) }), consequence];
  const keep: Button = { text: ctx.t('group:button.keep'), command: 'group', payload: buttonPayload('g.keep', group.id), once: true };
  const freed = coursesClosedOnlyBy(group.id, ctx.data.courses, ctx.data.groups);
  if (freed.length === 0) {
    const del: Button = { text: ctx.t('group:button.delete'), command: 'group', payload: buttonPayload('g.del', group.id), style: 'alert', once: true };
    await ctx.reply({ text: lines.join('\n'), buttons: [[del, keep]] });
    return;
  }
  lines.push('', ctx.t('group:delete_courses', { count: freed.length, list: courseLines(ctx, freed) }), '', ctx.t('group:delete_courses_choice'));
  const choice = (value: CourseChoice): Button => ({
    text: ctx.t(`group:button.delete_${value}`),
    command: 'group',
    payload: buttonPayload('g.del', group.id, value),
    style: 'alert',
    once: true,
  });
  await ctx.reply({ text: lines.join('\n'), buttons: [[choice('hide')], [choice('open')], [keep]] });
}

export async function deleteButton(ctx: BotContext, args: string[]): Promise<void> {
  const group = groupById(ctx, intArg(args[0]));
  if (!group) return replyGone(ctx);
  if (!(await requireManage(ctx, group))) return;
  const choice = courseChoice(args[1]);
  // A plain "Delete" from a question asked before courses were attached: ask again, with the choice.
  if (choice === null && coursesClosedOnlyBy(group.id, ctx.data.courses, ctx.data.groups).length > 0) {
    await askToDelete(ctx, group);
    return;
  }
  // A workgroup the bot created goes with the study group; a linked one was there before and stays.
  if (!group.linked) {
    const reason = await refusedAsPortalWould(ctx, group, 'delete');
    if (reason) {
      await ctx.reply(ctx.t('group:delete_refused', { reason: escapeBb(reason) }));
      return;
    }
    try {
      await deleteWorkgroup(ctx.asUser(), group.workgroupId);
    } catch (e) {
      if (!(e instanceof PortalError)) throw e;
      await ctx.reply(ctx.t('group:delete_refused', { reason: refusalText(e) }));
      return;
    }
  }
  // The courses are decided in the same write that drops the group: none is open for a moment.
  const outcome = await ctx.update((d) => {
    if (!d.groups.some((g) => g.id === group.id)) return null;
    const freed = coursesClosedOnlyBy(group.id, d.courses, d.groups).map((c) => c.id);
    if (choice === 'hide') {
      for (const c of d.courses) if (freed.includes(c.id)) c.hiddenFromCatalog = true;
    }
    d.groups = d.groups.filter((g) => g.id !== group.id);
    d.pending = d.pending.filter((p) => p.groupId !== group.id);
    return structuredClone(d.courses.filter((c) => freed.includes(c.id)));
  });
  if (!outcome) return replyGone(ctx);
  // The companion chat stays with its people; they are told, in the portal's language, why it goes quiet.
  const companion = group.companionChat?.dialogId;
  if (companion) {
    const { t } = portalLanguage(ctx.data.installation.language);
    await ctx.send(companion, t('group:chat.group_deleted', { name: escapeBb(group.name) })).catch((e: unknown) => {
      ctx.log.warn({ memberId: ctx.memberId, groupId: group.id, err: describeError(e) }, 'companion chat: not told of the deletion');
    });
  }
  const key = group.linked ? 'group:deleted_linked' : group.workgroupId > 0 ? 'group:deleted_created' : 'training:deleted_no_workgroup';
  const lines = [ctx.t(key, { name: escapeBb(group.name), id: group.id, workgroup: group.workgroupId })];
  if (outcome.length > 0) {
    const which = choice === 'hide' ? 'group:deleted_courses_hidden' : 'group:deleted_courses_opened';
    lines.push(ctx.t(which, { count: outcome.length, list: courseLines(ctx, outcome) }));
  }
  await ctx.reply(lines.join('\n'));
}

export async function keepButton(ctx: BotContext, args: string[]): Promise<void> {
  const group = groupById(ctx, intArg(args[0]));
  if (!group) return replyGone(ctx);
  await ctx.reply(ctx.t('group:delete_cancelled', { group: groupTitle(group) }));
}

// ── bind a group chat

export async function bind(ctx: BotContext): Promise<void> {
  if (ctx.chat.isPrivate) {
    await ctx.reply(ctx.t('group:bind_private'));
    return;
  }
  const group = await groupFromArgs(ctx);
  if (!group || !(await requireManage(ctx, group))) return;
  if (group.chatDialogIds.includes(ctx.chat.dialogId)) {
    await ctx.reply(ctx.t('group:bind_already', { group: groupTitle(group) }));
    return;
  }
  const dialogId = ctx.chat.dialogId;
  const updated = await changeGroup(ctx, group.id, (g) => {
    if (!g.chatDialogIds.includes(dialogId)) g.chatDialogIds.push(dialogId);
  });
  if (updated) await ctx.reply(ctx.t('group:bound', { group: groupTitle(updated) }));
}

/**
 * `/group unbind [<group>]` in a group chat: that group's announcements stop coming here. Without a
 * group, the one group this chat is bound to; bound to several, the caller is asked to name one.
 * The same rights as bind.
 */
export async function unbind(ctx: BotContext): Promise<void> {
  if (ctx.chat.isPrivate) {
    await ctx.reply(ctx.t('group:unbind_private'));
    return;
  }
  const dialogId = ctx.chat.dialogId;
  let group: StudyGroup | null;
  if (ctx.args[1] === undefined) {
    const bound = boundGroups(ctx);
    if (bound.length === 0) {
      await ctx.reply(ctx.t('group:unbind_none'));
      return;
    }
    if (bound.length > 1) {
      await ctx.reply(ctx.t('group:unbind_which', { list: bound.map(groupTitle).join(', '), id: bound[0]!.id }));
      return;
    }
    group = bound[0]!;
  } else {
    group = await groupFromArgs(ctx);
  }
  if (!group || !(await requireManage(ctx, group))) return;
  if (!group.chatDialogIds.includes(dialogId)) {
    await ctx.reply(ctx.t('group:unbind_not_bound', { group: groupTitle(group) }));
    return;
  }
  const updated = await changeGroup(ctx, group.id, (g) => {
    g.chatDialogIds = g.chatDialogIds.filter((id) => id !== dialogId);
  });
  if (updated) await ctx.reply(ctx.t('group:unbound', { group: groupTitle(updated) }));
  else await replyGone(ctx);
}
