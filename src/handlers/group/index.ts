// /group: routes the sub-command from ctx.args[0]; lists the group buttons (`g.*`) and the answers the group asks for.
import type { BotContext, ButtonHandler, Handler, PendingHandler } from '../../bot/context.js';
import { replyError } from '../shared.js';
import { PENDING } from './common.js';
import { coursesButton } from './card.js';
import { companionButton } from './companion.js';
import { create } from './create.js';
import { link, linkButton, sync } from './link.js';
import {
  archive,
  bind,
  dates,
  datesAnswer,
  datesButton,
  deleteButton,
  describe,
  describeAnswer,
  describeButton,
  info,
  keepButton,
  list,
  listButton,
  privacy,
  privacyButton,
  remove as deleteGroup,
  rename,
  unarchive,
  unbind,
} from './lifecycle.js';
import { add, addAnswer, addButton, invite, leave, members, membersButton, remove } from './members.js';

const SUBCOMMANDS: Record<string, Handler> = {
  create,
  link,
  sync,
  add,
  invite,
  remove,
  leave,
  members,
  info,
  list,
  dates,
  describe,
  rename,
  privacy,
  archive,
  unarchive,
  delete: deleteGroup,
  bind,
  unbind,
};

export async function group(ctx: BotContext): Promise<void> {
  const sub = (ctx.args[0] ?? 'list').toLowerCase();
  const handler = Object.hasOwn(SUBCOMMANDS, sub) ? SUBCOMMANDS[sub] : undefined;
  if (!handler) return replyError(ctx, 'unknown_subcommand', { sub });
  await handler(ctx);
}

export const groupButtons: Record<string, ButtonHandler> = {
  'g.desc': describeButton,
  'g.dates': datesButton,
  'g.priv': privacyButton,
  'g.add': addButton,
  'g.mem': membersButton,
  'g.crs': coursesButton,
  'g.chat': companionButton,
  'g.list': listButton,
  'g.link': linkButton,
  'g.del': deleteButton,
  'g.keep': keepButton,
};

export const groupPending: Record<string, PendingHandler> = {
  [PENDING.describe]: describeAnswer,
  [PENDING.dates]: datesAnswer,
  [PENDING.add]: addAnswer,
};
