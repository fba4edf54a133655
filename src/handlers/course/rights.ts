// Who may attach, detach and run polls for one study group: the same rule as for changing the group itself.
import type { BotContext } from '../../bot/context.js';
import type { StudyGroup } from '../../domain/model.js';
import { canManage } from '../group/common.js';

/**
 * Admins, named moderators (not for linked groups), and the workgroup's owner and moderators.
 * The workgroup role is read for the caller's id, so it stays right where the bot has no token of
 * the caller's own (fetch and one-portal modes) — see group/common.ts `canManage`.
 */
export function mayManageGroup(ctx: BotContext, group: StudyGroup): Promise<boolean> {
  return canManage(ctx, group);
}
