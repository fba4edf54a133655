// Who may attach, detach and run polls for one study group: admins, named moderators (not for linked groups), the workgroup's owner and moderators.
import type { BotContext } from '../../bot/context.js';
import type { StudyGroup } from '../../domain/model.js';
import { canManageGroup } from '../../domain/permissions.js';
import { readWorkgroup } from '../group/workgroup.js';

/**
 * Asks Bitrix24 only when the store cannot decide: the caller's workgroup role is read with the
 * caller's own token (`socialnetwork.api.workgroup.get`, one request), because the role in the
 * workgroup, not `group.ownerId`, is the truth (an owner can change in Bitrix24).
 */
export async function mayManageGroup(ctx: BotContext, group: StudyGroup): Promise<boolean> {
  const isModerator = await ctx.isModerator();
  if (isModerator && !group.linked) return true;
  const isAdmin = isModerator && (await ctx.isAdmin());
  if (isAdmin) return true;
  // Without the caller's own token (fetch mode) the portal would answer for the installer, so the
  // stored owner is the best we know.
  const ownToken = ctx.event.auth !== null && ctx.event.auth.userId === ctx.user.id;
  const role = ownToken
    ? ((await readWorkgroup(ctx.asUser(), group.workgroupId))?.callerRole ?? null)
    : group.ownerId === ctx.user.id
      ? 'A'
      : null;
  return canManageGroup({ userId: ctx.user.id, isAdmin, isModerator }, group, role);
}
