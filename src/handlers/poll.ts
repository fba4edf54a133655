// /poll in a bound group chat: one button per option, one vote per person (changeable), the tally updated in place.
import type { ButtonHandler, Handler } from '../bot/context.js';
import { buttonPayload, type Reply } from '../bot/render.js';
import { parsePollSpec } from '../domain/args.js';
import { escapeBb } from '../domain/bbcode.js';
import type { Poll } from '../domain/model.js';
import { tally, vote } from '../domain/poll.js';
import type { T } from '../i18n/index.js';
import { portalLanguage } from './announce.js';
import { mayManageGroup } from './course/rights.js';
import { boundGroup, errorText, replyError } from './shared.js';

/** The poll message: question, a line per option with its count and share, the total; a button per option. */
export function pollReply(t: T, poll: Poll): Reply {
  const { counts, total } = tally(poll);
  const lines = [`[b]${escapeBb(poll.question)}[/b]`, ''];
  poll.options.forEach((option, i) => {
    const count = counts[i] ?? 0;
    const percent = total > 0 ? Math.round((count / total) * 100) : 0;
    lines.push(t('poll:line', { option: escapeBb(option), count, percent }));
  });
  lines.push('', t('poll:total', { count: total }));
  return {
    text: lines.join('\n'),
    // Button labels are plain text, not BB-code; each option on its own row so long options stay readable.
    buttons: poll.closed ? [] : poll.options.map((option, i) => [{ text: option, command: 'poll', payload: buttonPayload('p.v', poll.id, i) }]),
  };
}

/** `/poll <question> | <option> | …`: moderators, in a chat bound to a study group. */
export const poll: Handler = async (ctx) => {
  const group = boundGroup(ctx);
  if (!group) {
    await ctx.reply(ctx.t('poll:only_bound_chat'));
    return;
  }
  if (!(await ctx.isModerator()) && !(await mayManageGroup(ctx, group))) {
    await ctx.reply(ctx.t('common:not_allowed'));
    return;
  }
  const spec = parsePollSpec(ctx.text);
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
