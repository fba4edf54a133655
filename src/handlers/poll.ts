// /poll in a bound group chat (`#<group>` first where it is bound to several): one button per option, one vote per person (changeable), the tally updated in place; closing it.
import type { BotContext, ButtonHandler, Handler } from '../bot/context.js';
import { PortalError } from '../bot/portal.js';
import { buttonPayload, type Button, type Reply } from '../bot/render.js';
import { parsePollSpec } from '../domain/args.js';
import { escapeBb } from '../domain/bbcode.js';
import type { Poll, StudyGroup } from '../domain/model.js';
import { closePoll, tally, vote } from '../domain/poll.js';
import type { T } from '../i18n/index.js';
import { portalLanguage } from './announce.js';
import { mayManageGroup } from './course/rights.js';
import { boundGroups, errorText, replyError } from './shared.js';

/**
 * The poll message: question, a line per option with its count and share, the total and the poll's
 * number (for `/poll close <number>`); while open, a button per option and a "Close poll" button.
 * Closed: the final tally and no buttons (an update sends keyboard "N", bot doc 8.2).
 */
export function pollReply(t: T, poll: Poll): Reply {
  const { counts, total } = tally(poll);
  const lines = [`[b]${escapeBb(poll.question)}[/b]`, ''];
  poll.options.forEach((option, i) => {
    const count = counts[i] ?? 0;
    const percent = total > 0 ? Math.round((count / total) * 100) : 0;
    lines.push(t('poll:line', { option: escapeBb(option), count, percent }));
  });
  if (poll.closed) {
    lines.push('', t('poll:final', { count: total, id: poll.id }));
    return { text: lines.join('\n'), buttons: [] };
  }
  lines.push('', t('poll:total', { count: total }), t('poll:footer', { id: poll.id }));
  // Button labels are plain text, not BB-code; each option on its own row so long options stay readable.
  const options: Button[][] = poll.options.map((option, i) => [{ text: option, command: 'poll', payload: buttonPayload('p.v', poll.id, i) }]);
  // Everyone sees "Close poll" (a keyboard is the same for all); the handler lets only the author and moderators close.
  // Not `once`: a refused press by a learner must not disable the button for the author.
  const close: Button = { text: t('poll:button.close'), command: 'poll', payload: buttonPayload('p.c', poll.id), style: 'alert' };
  return { text: lines.join('\n'), buttons: [...options, [close]] };
}

/** `/poll close <number>` rather than a poll whose question starts with "close" (a poll has `|` in it). */
function isCloseCommand(ctx: BotContext): boolean {
  return (ctx.args[0] ?? '').toLowerCase() === 'close' && !ctx.text.includes('|');
}

/**
 * The group a poll is for, and the text of the poll. In a chat bound to one group, that group. A
 * leading `#<id>` naming one of the chat's groups picks it (needed where the chat is bound to
 * several); a `#<number>` that names none of them is part of the question, as before.
 */
function pollTarget(ctx: BotContext): { group: StudyGroup; text: string } | { bound: StudyGroup[] } {
  const bound = boundGroups(ctx);
  const lead = /^\s*#(\d{1,12})(?=\s|$)/.exec(ctx.text);
  const chosen = lead ? bound.find((g) => g.id === Number(lead[1])) : undefined;
  if (lead && chosen) return { group: chosen, text: ctx.text.slice(lead[0].length) };
  if (bound.length === 1) return { group: bound[0]!, text: ctx.text };
  return { bound };
}

/**
 * `/poll [#<group>] <question> | <option> | …`: moderators, in a chat bound to a study group.
 * `/poll close <number>`: see `closeTyped`.
 */
export const poll: Handler = async (ctx) => {
  if (isCloseCommand(ctx)) return closeTyped(ctx);
  const target = pollTarget(ctx);
  if ('bound' in target) {
    const { bound } = target;
    if (bound.length === 0) await ctx.reply(ctx.t('poll:only_bound_chat'));
    else {
      const list = bound.map((g) => `${escapeBb(g.name)} (#${g.id})`).join(', ');
      await ctx.reply(ctx.t('poll:which_group', { list, id: bound[0]!.id }));
    }
    return;
  }
  const { group } = target;
  if (!(await ctx.isModerator()) && !(await mayManageGroup(ctx, group))) {
    await ctx.reply(ctx.t('common:not_allowed'));
    return;
  }
  const spec = parsePollSpec(target.text);
  if (!spec.ok) return replyError(ctx, spec.code, spec.details);
  const created = await ctx.update((d) => {
    d.counters.poll += 1;
    const p: Poll = {
      id: d.counters.poll,
      question: spec.value.question,
      options: spec.value.options,
      votes: {},
      dialogId: ctx.chat.dialogId,
      messageId: null,
      groupId: group.id,
      createdBy: ctx.user.id,
      closed: false,
    };
    d.polls.push(p);
    return p;
  });
  const { t } = portalLanguage(ctx.data.installation.language);
  let messageId: number | null;
  try {
    messageId = await ctx.reply(pollReply(t, created));
  } catch (e) {
    // No message, no poll: a poll nobody can see must not linger in the store.
    await ctx.update((d) => void (d.polls = d.polls.filter((p) => p.id !== created.id)));
    throw e;
  }
  await ctx.update((d) => {
    const p = d.polls.find((x) => x.id === created.id);
    if (p) p.messageId = messageId;
  });
};

/**
 * A press on an option. Events of one portal are handled one at a time and `update` is atomic, so
 * fifty people pressing at once are fifty votes counted from the store; after each, the message
 * shows the tally as stored at that moment, and the last edit shows them all.
 */
export const castVote: ButtonHandler = async (ctx, args) => {
  const pollId = Number(args[0]);
  const option = Number(args[1]);
  const known = ctx.data.polls.find((p) => p.id === pollId);
  // A poll belongs to its chat: a payload replayed elsewhere is stale.
  if (!known || known.dialogId !== ctx.chat.dialogId) {
    await ctx.reply(ctx.t('common:button_stale'));
    return;
  }
  const outcome = await ctx.update((d) => {
    const index = d.polls.findIndex((p) => p.id === pollId);
    const current = d.polls[index];
    if (!current) return null;
    const r = vote(current, ctx.user.id, option);
    if (r.ok && r.value.change !== 'same') d.polls[index] = r.value.poll;
    return r;
  });
  if (!outcome) {
    await ctx.reply(ctx.t('common:button_stale'));
    return;
  }
  if (!outcome.ok) {
    await ctx.reply(errorText(ctx, outcome.code, outcome.details));
    return;
  }
  const messageId = outcome.value.poll.messageId;
  if (outcome.value.change === 'same' || messageId === null) return;
  const { t } = portalLanguage(ctx.data.installation.language);
  await ctx.edit(messageId, pollReply(t, outcome.value.poll));
};

/** The author, and whoever may run polls for the poll's group (admins, moderators, the workgroup's owner and moderators). */
async function mayClose(ctx: BotContext, p: Poll): Promise<boolean> {
  if (ctx.user.extranet) return false;
  if (p.createdBy === ctx.user.id) return true;
  if (await ctx.isModerator()) return true;
  const group = p.groupId === null ? undefined : ctx.data.groups.find((g) => g.id === p.groupId);
  return group !== undefined && (await mayManageGroup(ctx, group));
}

/**
 * Marks the poll closed (once: a second close writes nothing) and shows the final tally in its
 * message. The message is updated even when the poll was closed already, so a repeated close
 * repairs a message whose first update did not get through. Returns null when the poll is gone;
 * `shown` is false when the portal refused the update (the message was deleted, say).
 */
async function closeAndShow(ctx: BotContext, pollId: number): Promise<{ poll: Poll; already: boolean; shown: boolean; code: string } | null> {
  const outcome = await ctx.update((d) => {
    const index = d.polls.findIndex((p) => p.id === pollId);
    const current = d.polls[index];
    if (!current) return null;
    const r = closePoll(current);
    if (!r.already) d.polls[index] = r.poll;
    return r;
  });
  if (!outcome) return null;
  const messageId = outcome.poll.messageId;
  if (messageId === null) return { ...outcome, shown: false, code: 'MESSAGE_NOT_FOUND' };
  const { t } = portalLanguage(ctx.data.installation.language);
  try {
    await ctx.edit(messageId, pollReply(t, outcome.poll));
  } catch (e) {
    // The poll is closed whatever the portal says; only a refusal is answered here, a network failure goes to the error sink.
    if (!(e instanceof PortalError)) throw e;
    return { ...outcome, shown: false, code: e.code };
  }
  return { ...outcome, shown: true, code: '' };
}

/** `/poll close <number>` (also `#<number>`), in any chat with the bot: the number is in the poll's footer. */
async function closeTyped(ctx: BotContext): Promise<void> {
  const m = ctx.args.length === 2 ? /^#?(\d{1,12})$/.exec(ctx.args[1] ?? '') : null;
  const pollId = m ? Number(m[1]) : 0;
  if (pollId <= 0) {
    await ctx.reply(ctx.t('poll:close_usage'));
    return;
  }
  const known = ctx.data.polls.find((p) => p.id === pollId);
  if (!known) {
    await ctx.reply(ctx.t('poll:close_not_found', { id: pollId }));
    return;
  }
  if (!(await mayClose(ctx, known))) {
    await ctx.reply(ctx.t('poll:close_not_allowed'));
    return;
  }
  const done = await closeAndShow(ctx, pollId);
  if (!done) {
    await ctx.reply(ctx.t('poll:close_not_found', { id: pollId }));
    return;
  }
  if (!done.shown) await ctx.reply(ctx.t('poll:closed_not_shown', { id: pollId, code: escapeBb(done.code) }));
  else await ctx.reply(ctx.t(done.already ? 'poll:close_already' : 'poll:closed', { id: pollId }));
}

/** The "Close poll" button: closes in place, saying nothing more when it worked (as a vote does). */
export const closeButton: ButtonHandler = async (ctx, args) => {
  const pollId = Number(args[0]);
  const known = ctx.data.polls.find((p) => p.id === pollId);
  // A poll belongs to its chat: a payload replayed elsewhere is stale.
  if (!known || known.dialogId !== ctx.chat.dialogId) {
    await ctx.reply(ctx.t('common:button_stale'));
    return;
  }
  if (!(await mayClose(ctx, known))) {
    await ctx.reply(ctx.t('poll:close_not_allowed'));
    return;
  }
  const done = await closeAndShow(ctx, pollId);
  if (!done) await ctx.reply(ctx.t('common:button_stale'));
  else if (!done.shown) await ctx.reply(ctx.t('poll:closed_not_shown', { id: pollId, code: escapeBb(done.code) }));
  else if (done.already) await ctx.reply(ctx.t('poll:close_already', { id: pollId }));
};
