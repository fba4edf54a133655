// Whether Bitrix24 sees the caller behind ctx.asUser() or the installation, and the workgroup rules the bot must keep itself in the second case.
import { callerHasOwnToken } from '../../bot/bot.js';
import type { BotContext } from '../../bot/context.js';
import type { StudyGroup } from '../../domain/model.js';
import type { WorkgroupRole } from '../../domain/permissions.js';
import { rightsOf } from './common.js';
import { readWorkgroup, type InvitePerms } from './workgroup.js';

/**
 * True when the event brought the caller's own token: then `ctx.asUser()` is them and Bitrix24
 * enforces their rights. Without one (fetch mode, one-portal mode) it is the installation, usually
 * an admin, and the portal would allow what the caller may not do.
 */
export function actsAsCaller(ctx: BotContext): boolean {
  return callerHasOwnToken(ctx.event);
}

export type WorkgroupAction = 'update' | 'delete' | 'invite' | 'remove';

/**
 * Bitrix24's own rules for these calls (bitrix24-api.md §13): `sonet_group.update` and `.delete`
 * need an admin or the owner, `sonet_group.user.delete` an admin, `sonet_group.user.invite` the
 * right given by INITIATE_PERMS (admins always).
 */
export function portalAllows(action: WorkgroupAction, isAdmin: boolean, role: WorkgroupRole | null, perms: InvitePerms): boolean {
  if (isAdmin) return true;
  switch (action) {
    case 'update':
    case 'delete':
      return role === 'A';
    case 'remove':
      return false;
    case 'invite':
      if (perms === 'A') return role === 'A';
      if (perms === 'E') return role === 'A' || role === 'E';
      return role === 'A' || role === 'E' || role === 'K';
  }
}

/**
 * Where the portal cannot check the caller (no token of theirs), checks as it would before the bot
 * calls with the installation's rights. Returns the reason for a refusal, or null to go ahead.
 */
export async function refusedAsPortalWould(ctx: BotContext, group: StudyGroup, action: WorkgroupAction): Promise<string | null> {
  if (actsAsCaller(ctx)) return null;
  const rights = await rightsOf(ctx);
  if (rights.isAdmin) return null;
  const wg = await readWorkgroup(await ctx.asApp(), group.workgroupId, ctx.user.id);
  if (wg && portalAllows(action, false, wg.callerRole, wg.invitePerms)) return null;
  return ctx.t(`group:rule.${action}`);
}
