// /training digest off|on: the caller opts out of (and back into) the weekly digest of their training groups.
import type { BotContext } from '../../bot/context.js';
import { requireModerator } from '../shared.js';

export async function digest(ctx: BotContext): Promise<void> {
  const choice = (ctx.args[1] ?? '').toLowerCase();
  if (ctx.args.length !== 2 || (choice !== 'off' && choice !== 'on')) {
    await ctx.reply(ctx.t('report:digest.usage'));
    return;
  }
  if (!(await requireModerator(ctx))) return;
  const me = ctx.user.id;
  await ctx.update((d) => {
    d.training ??= { learners: {}, rules: [] };
    const progress = (d.training.progress ??= {});
    const off = (progress.digestOff ?? []).filter((id) => id !== me);
    progress.digestOff = choice === 'off' ? [...off, me] : off;
  });
  await ctx.reply(ctx.t(`report:digest.${choice}`));
}
