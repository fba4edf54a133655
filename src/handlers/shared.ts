// Small helpers every command uses: rights checks that answer, group lookup, user labels, domain errors → text.
import type { BotContext } from '../bot/context.js';
import type { GroupRef } from '../domain/args.js';
import { escapeBb, mention } from '../domain/bbcode.js';
import type { StudyGroup } from '../domain/model.js';
import { nameKey } from '../domain/text.js';

/** Answers "only moderators" and returns false when the caller is not one. */
export async function requireModerator(ctx: BotContext): Promise<boolean> {
  if (await ctx.isModerator()) return true;
  await ctx.reply(ctx.t('common:not_allowed'));
  return false;
}

export async function requireAdmin(ctx: BotContext): Promise<boolean> {
  if (!ctx.user.extranet && (await ctx.isAdmin())) return true;
  await ctx.reply(ctx.t('common:admin_only'));
  return false;
}

/** A domain Result's error code, in the portal's language (ctx.t; keys live in errors.json). */
export function errorText(ctx: BotContext, code: string, details: Record<string, string | number> = {}): string {
  const safe = Object.fromEntries(Object.entries(details).map(([k, v]) => [k, typeof v === 'string' ? escapeBb(v) : v]));
  return ctx.t(`errors:${code}`, safe);
}

export async function replyError(ctx: BotContext, code: string, details: Record<string, string | number> = {}): Promise<void> {
  await ctx.reply(errorText(ctx, code, details));
}

/** The group chat's bound study group, if this chat is bound to exactly one. */
export function boundGroup(ctx: BotContext): StudyGroup | null {
  const bound = boundGroups(ctx);
  return bound.length === 1 ? bound[0]! : null;
}

/** Every group whose announcements go to this chat (none in a private dialog). */
export function boundGroups(ctx: BotContext): StudyGroup[] {
  return ctx.chat.isPrivate ? [] : ctx.data.groups.filter((g) => g.chatDialogIds.includes(ctx.chat.dialogId));
}

/**
 * Finds a group of THIS portal by `#id` or name (case-insensitive); answers and returns null when
 * it cannot. With no reference, a bound chat's group is used. `knows`, when given, leaves out the
 * groups the caller may not know of: they are answered exactly as groups that do not exist.
 */
export async function findGroup(
  ctx: BotContext,
  ref: GroupRef | null,
  knows?: (group: StudyGroup) => Promise<boolean>,
): Promise<StudyGroup | null> {
  if (!ref) {
    const g = boundGroup(ctx);
    if (!g) await replyError(ctx, 'group_missing');
    return g;
  }
  const wanted = ref.kind === 'name' ? nameKey(ref.name) : '';
  const named = ctx.data.groups.filter((x) => (ref.kind === 'id' ? x.id === ref.id : nameKey(x.name) === wanted));
  const matches: StudyGroup[] = [];
  for (const g of named) if (!knows || (await knows(g))) matches.push(g);
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1 && ref.kind === 'name') {
    await replyError(ctx, 'group_ambiguous', { ref: ref.name, id: matches[0]!.id });
    return null;
  }
  await replyError(ctx, 'group_not_found', { ref: ref.kind === 'id' ? `#${ref.id}` : ref.name });
  return null;
}

/** A person as a mention with the name we know (escaped), or their id. */
export function userLabel(ctx: BotContext, userId: number): string {
  const known = ctx.data.users[String(userId)];
  return mention(userId, known?.name ?? `#${userId}`);
}
