// /moderator add|remove|list: portal admins name the training moderators (every admin is one already).
import type { BotContext } from '../bot/context.js';
import { parseUsers } from '../domain/args.js';
import { labelList, personLabel, resolvePeople } from './group/common.js';
import { replyError, requireAdmin } from './shared.js';

export async function moderator(ctx: BotContext): Promise<void> {
  if (!(await requireAdmin(ctx))) return;
  const sub = (ctx.args[0] ?? '').toLowerCase();
  if (sub === 'add') return addModerators(ctx);
  if (sub === 'remove') return removeModerators(ctx);
  if (sub === 'list') return listModerators(ctx);
  await ctx.reply(ctx.t('moderator:usage'));
}

async function addModerators(ctx: BotContext): Promise<void> {
  const people = await resolvePeople(ctx, ctx.args.slice(1));
  if (!people) return;
  const names = new Map(people.map((p) => [p.id, p.name] as const));
  const label = (ids: number[]) => labelList(ctx, ids.map((id) => personLabel(ctx, id, names)));
  // External users see only their own groups; making one a moderator would open every group to them.
  const external = people.filter((p) => p.extranet).map((p) => p.id);
  const already = people.filter((p) => !p.extranet && ctx.data.moderators.includes(p.id)).map((p) => p.id);
  const added = people.filter((p) => !p.extranet && !ctx.data.moderators.includes(p.id)).map((p) => p.id);
  if (added.length > 0) {
    await ctx.update((d) => {
      for (const id of added) if (!d.moderators.includes(id)) d.moderators.push(id);
    });
  }
  const lines: string[] = [];
  if (added.length) lines.push(ctx.t('moderator:added', { count: added.length, list: label(added) }));
  if (already.length) lines.push(ctx.t('moderator:already', { count: already.length, list: label(already) }));
  if (external.length) lines.push(ctx.t('moderator:external', { count: external.length, list: label(external) }));
  await ctx.reply(lines.join('\n'));
}

async function removeModerators(ctx: BotContext): Promise<void> {
  const { ids, bad } = parseUsers(ctx.args.slice(1));
  if (bad.length > 0) return replyError(ctx, 'users_bad', { list: bad.join(', ') });
  if (ids.length === 0) return replyError(ctx, 'users_missing');
  const label = (list: number[]) => labelList(ctx, list.map((id) => personLabel(ctx, id)));
  const removed = ids.filter((id) => ctx.data.moderators.includes(id));
  const notOne = ids.filter((id) => !ctx.data.moderators.includes(id));
  if (removed.length > 0) {
    await ctx.update((d) => {
      d.moderators = d.moderators.filter((id) => !removed.includes(id));
    });
  }
  const lines: string[] = [];
  if (removed.length) lines.push(ctx.t('moderator:removed', { count: removed.length, list: label(removed) }));
  if (notOne.length) lines.push(ctx.t('moderator:not_moderator', { count: notOne.length, list: label(notOne) }));
  await ctx.reply(lines.join('\n'));
}

async function listModerators(ctx: BotContext): Promise<void> {
  const ids = ctx.data.moderators;
  const head = ids.length > 0 ? ctx.t('moderator:list_head', { count: ids.length }) : ctx.t('moderator:list_empty');
  const lines = [head, ...ids.map((id) => `• ${personLabel(ctx, id)}`), ctx.t('moderator:admins_note')];
  await ctx.reply(lines.join('\n'));
}
