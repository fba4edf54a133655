// The group card (name, description, access dates, join method, members, courses) with its buttons, and one-line summaries for lists.
import type { BotContext } from '../../bot/context.js';
import { buttonPayload, type Button, type Reply } from '../../bot/render.js';
import { escapeBb } from '../../domain/bbcode.js';
import { formatDay } from '../../domain/dates.js';
import type { Privacy, StudyGroup } from '../../domain/model.js';
import { canSeeGroup } from '../../domain/access.js';
import { courseLink } from '../announce.js';
import { replyError } from '../shared.js';
import { canManage, groupById, groupTitle, intArg, replyGone, rightsOf } from './common.js';

export const PRIVACIES: readonly Privacy[] = ['open', 'closed', 'hidden'];

/** "1 Sep 2026 – 30 Sep 2026", "from …", "until …", or "no limits". */
export function accessText(ctx: BotContext, group: StudyGroup): string {
  const from = group.accessFrom ? formatDay(group.accessFrom, ctx.lang) : null;
  const to = group.accessTo ? formatDay(group.accessTo, ctx.lang) : null;
  if (from && to) return ctx.t('group:access.range', { from, to });
  if (from) return ctx.t('group:access.from', { from });
  if (to) return ctx.t('group:access.until', { to });
  return ctx.t('group:access.always');
}

export function memberCounts(group: StudyGroup): { members: number; invited: number } {
  let members = 0;
  let invited = 0;
  for (const m of group.members) {
    if (m.status === 'member') members++;
    else invited++;
  }
  return { members, invited };
}

function countsText(ctx: BotContext, group: StudyGroup): string {
  const { members, invited } = memberCounts(group);
  const parts = [ctx.t('group:count.members', { count: members })];
  if (invited > 0) parts.push(ctx.t('group:count.invited', { count: invited }));
  return parts.join(', ');
}

function coursesText(ctx: BotContext, group: StudyGroup): string {
  const titles = group.courseIds
    .map((id) => ctx.data.courses.find((c) => c.id === id))
    .filter((c) => c !== undefined)
    .map((c) => escapeBb(c.title));
  return titles.length > 0 ? titles.join('\n') : ctx.t('group:card.no_courses');
}

/** The card. `manage` adds the buttons that change the group; everyone gets the members button. */
export function groupCard(ctx: BotContext, group: StudyGroup, opts: { manage: boolean; headline?: string }): Reply {
  const rows = [
    { name: ctx.t('group:card.description'), value: group.description ? escapeBb(group.description) : '—' },
    { name: ctx.t('group:card.access'), value: accessText(ctx, group) },
    { name: ctx.t('group:card.joining'), value: ctx.t(`group:privacy.${group.privacy}`) },
    { name: ctx.t('group:card.members'), value: countsText(ctx, group) },
    { name: ctx.t('group:card.courses'), value: coursesText(ctx, group) },
    {
      name: ctx.t('group:card.workgroup'),
      value: group.linked
        ? ctx.t('group:card.linked', { id: group.workgroupId })
        : group.workgroupId > 0
          ? `#${group.workgroupId}`
          : ctx.t('training:no_workgroup'),
    },
  ];
  if (group.archived) rows.push({ name: ctx.t('group:card.status'), value: ctx.t('group:card.archived') });
  const id = group.id;
  const buttons: Button[][] = [];
  if (opts.manage) {
    const first: Button[] = [];
    if (!group.linked) first.push({ text: ctx.t('group:button.describe'), command: 'group', payload: buttonPayload('g.desc', id) });
    first.push({ text: ctx.t('group:button.dates'), command: 'group', payload: buttonPayload('g.dates', id) });
    buttons.push(first);
    buttons.push(
      PRIVACIES.map((p) => ({
        text: ctx.t(`group:button.${p}`),
        command: 'group',
        payload: buttonPayload('g.priv', id, p),
        style: p === group.privacy ? ('primary' as const) : ('base' as const),
      })),
    );
    buttons.push([
      { text: ctx.t('group:button.add'), command: 'group', payload: buttonPayload('g.add', id), style: 'primary' },
      { text: ctx.t('group:button.members'), command: 'group', payload: buttonPayload('g.mem', id) },
    ]);
    const last: Button[] = [{ text: ctx.t('group:button.courses'), command: 'group', payload: buttonPayload('g.crs', id) }];
    // An archived group gets no new chat; one it already has stays reachable.
    if (!group.archived || group.companionChat?.dialogId) {
      last.push({ text: ctx.t('group:button.chat'), command: 'group', payload: buttonPayload('g.chat', id) });
    }
    buttons.push(last);
  } else {
    buttons.push([
      { text: ctx.t('group:button.members'), command: 'group', payload: buttonPayload('g.mem', id) },
      { text: ctx.t('group:button.courses'), command: 'group', payload: buttonPayload('g.crs', id) },
    ]);
  }
  const head = opts.headline ? `${opts.headline}\n` : '';
  const hint = opts.manage ? `\n${ctx.t('group:card.courses_hint', { id })}` : '';
  return {
    text: `${head}${groupTitle(group)}${hint}`,
    card: { color: group.archived ? 'base' : 'primary', blocks: [{ kind: 'rows', rows }] },
    buttons,
  };
}

/** `#12 Name — 14 members, 2 invited · 1 Sep – 30 Sep · linked · archived` */
export function groupLine(ctx: BotContext, group: StudyGroup, viewerId: number): string {
  const parts = [`#${group.id} [b]${escapeBb(group.name)}[/b] — ${countsText(ctx, group)}`];
  if (group.accessFrom || group.accessTo) parts.push(accessText(ctx, group));
  if (group.linked) parts.push(ctx.t('group:list.linked'));
  if (group.archived) parts.push(ctx.t('group:list.archived'));
  const mine = group.members.find((m) => m.userId === viewerId);
  if (mine?.status === 'invited') parts.push(ctx.t('group:list.you_invited'));
  return parts.join(' · ');
}

/**
 * The card's "Courses" button: the group's courses, each a link with its kind, for whoever may see
 * the card; how to attach one for whoever may manage the group. A closed course's link needs full
 * membership (access.ts), so an invited person sees titles only.
 */
export async function coursesButton(ctx: BotContext, args: string[]): Promise<void> {
  const group = groupById(ctx, intArg(args[0]));
  if (!group) return replyGone(ctx);
  const rights = await rightsOf(ctx);
  const viewer = { userId: ctx.user.id, extranet: ctx.user.extranet };
  if (!canSeeGroup(viewer, group, { isModerator: rights.isModerator })) {
    await replyError(ctx, 'group_not_found', { ref: `#${group.id}` });
    return;
  }
  const member = group.members.some((m) => m.userId === ctx.user.id && m.status === 'member');
  const withLinks = member || (rights.isModerator && !rights.extranet);
  const courses = group.courseIds.map((id) => ctx.data.courses.find((c) => c.id === id)).filter((c) => c !== undefined);
  const lines = [ctx.t('group:courses.head', { group: groupTitle(group), count: courses.length })];
  for (const c of courses) lines.push(`• ${withLinks ? courseLink(c) : escapeBb(c.title)}${ctx.t(`group:courses.kind_${c.kind}`)}`);
  if (courses.length === 0) lines.push(ctx.t('group:courses.none'));
  if (await canManage(ctx, group, undefined, rights)) lines.push('', ctx.t('group:courses.attach_hint', { id: group.id }));
  await ctx.reply(lines.join('\n'));
}
