// What the /group sub-commands share: the caller's rights, "may manage this group", group and user arguments, questions that wait for an answer.
import type { BotContext } from '../../bot/context.js';
import { PortalError } from '../../bot/portal.js';
import { canSeeGroup } from '../../domain/access.js';
import { parseGroupRef, parseUsers, tokenize, type GroupRef } from '../../domain/args.js';
import { escapeBb, mention } from '../../domain/bbcode.js';
import type { StudyGroup } from '../../domain/model.js';
import { canManageGroup, type WorkgroupRole } from '../../domain/permissions.js';
import { boundGroup, findGroup, replyError } from '../shared.js';
import { readUsers, readWorkgroup, type PortalUser } from './workgroup.js';
import { namesMatch } from '../../domain/text.js';

/** How long a button that asks for a value waits for the answer. */
export const PENDING_TTL_MS = 15 * 60_000;
/** More people than this in one command is almost certainly a paste mistake. */
export const MAX_PEOPLE = 500;

export const PENDING = {
  describe: 'group.describe',
  dates: 'group.dates',
  add: 'group.add',
} as const;

export interface Rights {
  userId: number;
  isAdmin: boolean;
  isModerator: boolean;
  extranet: boolean;
}

/** External users are learners whatever else is true (DESIGN "People"). */
export async function rightsOf(ctx: BotContext): Promise<Rights> {
  if (ctx.user.extranet) return { userId: ctx.user.id, isAdmin: false, isModerator: false, extranet: true };
  const isAdmin = await ctx.isAdmin();
  const isModerator = isAdmin || (await ctx.isModerator());
  return { userId: ctx.user.id, isAdmin, isModerator, extranet: false };
}

/**
 * May the caller change this group? Admins and named moderators (for groups the bot created) need
 * no REST; otherwise the caller's own role in the workgroup decides, asked with their token so a
 * group they cannot see gives no role. `knownRole` skips the request when the caller already read it.
 */
export async function canManage(
  ctx: BotContext,
  group: StudyGroup,
  knownRole?: WorkgroupRole | null,
  rights?: Rights,
): Promise<boolean> {
  const r = rights ?? (await rightsOf(ctx));
  if (r.extranet) return false;
  const actor = { userId: r.userId, isAdmin: r.isAdmin, isModerator: r.isModerator };
  if (canManageGroup(actor, group, null)) return true;
  const role = knownRole !== undefined ? knownRole : await workgroupRole(ctx, group.workgroupId);
  return canManageGroup(actor, group, role);
}

export async function workgroupRole(ctx: BotContext, workgroupId: number): Promise<WorkgroupRole | null> {
  const wg = await readWorkgroup(ctx.asUser(), workgroupId, ctx.user.id);
  return wg?.callerRole ?? null;
}

/**
 * Answers and returns false when the caller may not manage the group. Someone who may not even see
 * it is told it cannot be found, so names of other people's groups do not leak (to external users
 * above all).
 */
export async function requireManage(ctx: BotContext, group: StudyGroup, knownRole?: WorkgroupRole | null): Promise<boolean> {
  const rights = await rightsOf(ctx);
  if (await canManage(ctx, group, knownRole, rights)) return true;
  if (!canSeeGroup({ userId: ctx.user.id, extranet: ctx.user.extranet }, group, { isModerator: rights.isModerator })) {
    await replyError(ctx, 'group_not_found', { ref: `#${group.id}` });
    return false;
  }
  await ctx.reply(ctx.t('group:not_manager', { name: escapeBb(group.name), id: group.id }));
  return false;
}

/** `[b]Name[/b] (#12)`, the name escaped. */
export function groupTitle(group: StudyGroup): string {
  return `[b]${escapeBb(group.name)}[/b] (#${group.id})`;
}

/**
 * Why a group is looked up: `see` its card or members (canSeeGroup), or `use` it — change it, or
 * leave it — which its members (an archived group's too) and whoever may manage it also may.
 */
export type GroupPurpose = 'see' | 'use';

/**
 * May the caller know that this group exists? Someone who may not is answered as if it did not, so
 * the names and numbers of other people's groups cannot be probed (by external users above all).
 * Members need no REST; the workgroup role is asked only for a group the caller cannot see.
 */
export async function mayKnowGroup(ctx: BotContext, group: StudyGroup, purpose: GroupPurpose): Promise<boolean> {
  const viewer = { userId: ctx.user.id, extranet: ctx.user.extranet };
  if (purpose === 'use' && group.members.some((m) => m.userId === ctx.user.id)) return true;
  if (canSeeGroup(viewer, group, { isModerator: false })) return true;
  const rights = await rightsOf(ctx);
  if (canSeeGroup(viewer, group, { isModerator: rights.isModerator })) return true;
  return purpose === 'use' && (await canManage(ctx, group, undefined, rights));
}

/** `findGroup` among the groups the caller may know of: any other is answered as unknown, echoing the reference as typed. */
export async function findGroupFor(ctx: BotContext, ref: GroupRef | null, purpose: GroupPurpose = 'use'): Promise<StudyGroup | null> {
  return findGroup(ctx, ref, (g) => mayKnowGroup(ctx, g, purpose));
}

/** The group named by `ctx.args[index]`, or the bound chat's group when there is no such argument. */
export async function groupFromArgs(ctx: BotContext, index = 1, purpose: GroupPurpose = 'use'): Promise<StudyGroup | null> {
  const token = ctx.args[index];
  const ref: GroupRef | null = token === undefined ? null : parseGroupRef(token, { bareNumberIsId: true });
  return findGroupFor(ctx, ref, purpose);
}

/**
 * For `<group> <text…>` commands: whether `ctx.args[1]` names the group, or (in a bound chat, when
 * it names no group) the text starts there and the chat's group is meant.
 */
export async function groupThenText(ctx: BotContext): Promise<{ ref: GroupRef | null; textFrom: number }> {
  const first = ctx.args[1];
  const bound = boundGroup(ctx);
  if (first === undefined) return { ref: null, textFrom: 1 };
  const ref = parseGroupRef(first, { bareNumberIsId: bound === null });
  if (!bound || first.startsWith('#')) return { ref, textFrom: 2 };
  // Only groups the caller may know of count as named: otherwise how the text was read would tell
  // whether a group of that name exists.
  let named = false;
  if (ref.kind === 'name') {
    for (const g of ctx.data.groups) {
      if (namesMatch(g.name, ref.name) && (await mayKnowGroup(ctx, g, 'use'))) {
        named = true;
        break;
      }
    }
  }
  return named ? { ref, textFrom: 2 } : { ref: null, textFrom: 1 };
}

/**
 * The raw text after the first `count` arguments, with its spaces and line breaks kept (a
 * description may span lines). Found by growing a prefix until it tokenizes to exactly those
 * arguments, so quotes and mentions are skipped the same way `tokenize` reads them.
 */
export function restAfter(text: string, count: number): string {
  if (count <= 0) return text.trim();
  const all = tokenize(text);
  if (all.length <= count) return '';
  const wanted = all.slice(0, count);
  for (let k = 0; k <= text.length; k++) {
    if (k < text.length && !/\s/.test(text.charAt(k))) continue;
    const head = tokenize(text.slice(0, k));
    if (head.length === count && head.every((t, i) => t === wanted[i])) return text.slice(k).trim();
    if (head.length > count) break;
  }
  return all.slice(count).join(' ');
}

/** Waits for the caller's next message in this dialog (it survives a restart: it is stored). */
export async function askFor(ctx: BotContext, kind: string, groupId: number, prompt: string): Promise<void> {
  const expiresAt = new Date(ctx.now().getTime() + PENDING_TTL_MS).toISOString();
  await ctx.update((d) => {
    const nowIso = ctx.now().toISOString();
    // One question per person and dialog; expired ones are dropped on the way.
    d.pending = d.pending.filter((p) => p.expiresAt > nowIso && !(p.userId === ctx.user.id && p.dialogId === ctx.chat.dialogId));
    d.pending.push({ userId: ctx.user.id, dialogId: ctx.chat.dialogId, kind, groupId, expiresAt });
  });
  await ctx.reply(prompt);
}

/** A button or an answer whose group has been deleted since. */
export async function replyGone(ctx: BotContext): Promise<void> {
  await ctx.reply(ctx.t('group:gone'));
}

/** The group with this id on this portal, or null. */
export function groupById(ctx: BotContext, id: number | null): StudyGroup | null {
  if (id === null || !Number.isSafeInteger(id)) return null;
  return ctx.data.groups.find((g) => g.id === id) ?? null;
}

/** A positive integer button argument, or null for anything else (forged or old payloads). */
export function intArg(value: string | undefined): number | null {
  if (value === undefined || !/^\d{1,12}$/.test(value)) return null;
  const n = Number(value);
  return n > 0 ? n : null;
}

/**
 * People from mentions or ids, checked against the portal with one `user.get` (as the caller: whom
 * they cannot see, they cannot name). Bad tokens or unknown people: answers and returns null, so
 * nothing changes. Names are remembered for later answers.
 */
export async function resolvePeople(ctx: BotContext, tokens: readonly string[]): Promise<PortalUser[] | null> {
  const { ids, bad } = parseUsers(tokens);
  if (bad.length > 0) {
    await replyError(ctx, 'users_bad', { list: bad.join(', ') });
    return null;
  }
  if (ids.length === 0) {
    await replyError(ctx, 'users_missing');
    return null;
  }
  if (ids.length > MAX_PEOPLE) {
    await ctx.reply(ctx.t('group:too_many_people', { max: MAX_PEOPLE, count: ids.length }));
    return null;
  }
  const found = await readUsers(ctx.asUser(), ids);
  const unknown = ids.filter((id) => !found.has(id));
  if (unknown.length > 0) {
    await ctx.reply(ctx.t('group:users_unknown', { list: unknown.map((id) => `#${id}`).join(', '), count: unknown.length }));
    return null;
  }
  const people = ids.map((id) => found.get(id)!);
  await rememberPeople(ctx, people);
  return people;
}

export async function rememberPeople(ctx: BotContext, people: readonly PortalUser[]): Promise<void> {
  const changed = people.filter((p) => {
    const known = ctx.data.users[String(p.id)];
    return !known || known.name !== p.name || known.extranet !== p.extranet;
  });
  if (changed.length === 0) return;
  await ctx.update((d) => {
    for (const p of changed) d.users[String(p.id)] = { name: p.name, extranet: p.extranet };
  });
}

/** A mention with the best name we have: one just read from the portal, else remembered, else the id. */
export function personLabel(ctx: BotContext, userId: number, names?: ReadonlyMap<number, string>): string {
  const name = names?.get(userId) ?? ctx.data.users[String(userId)]?.name ?? `#${userId}`;
  return mention(userId, name);
}

/** At most `limit` labels, then "and N more", so a 500-person answer stays readable. */
export function labelList(ctx: BotContext, labels: string[], limit = 40): string {
  if (labels.length <= limit) return labels.join(', ');
  return `${labels.slice(0, limit).join(', ')} ${ctx.t('group:and_more', { count: labels.length - limit })}`;
}

/** The portal's refusal as text for the user (sonet_group errors have an empty code and only a text). */
export function refusalText(e: PortalError): string {
  return escapeBb(e.description || e.code || 'refused');
}
