// /group create <name>: a study group and a Bitrix24 workgroup owned by the caller, answered with the group card.
import type { BotContext } from '../../bot/context.js';
import { PortalError } from '../../bot/portal.js';
import { tokenize } from '../../domain/args.js';
import { escapeBb } from '../../domain/bbcode.js';
import type { StudyGroup } from '../../domain/model.js';
import { nameKey } from '../../domain/text.js';
import { validateGroupName } from '../../domain/validate.js';
import type { Intent, PortalData } from '../../store/types.js';
import { replyError, requireModerator } from '../shared.js';
import { groupCard } from './card.js';
import { refusalText, restAfter } from './common.js';
import { createWorkgroup, findOwnedWorkgroup } from './workgroup.js';

/** The name as typed: `"Spring cohort"` loses its quotes, `Spring cohort 2026` needs none. */
export function nameFrom(raw: string): string {
  const tokens = tokenize(raw);
  return tokens.length === 1 ? tokens[0]! : raw;
}

/** Another group of this portal already called that (as people read names: domain/text.ts nameKey), which would make names ambiguous. */
export function sameName(ctx: BotContext, name: string, exceptId = 0): StudyGroup | undefined {
  const wanted = nameKey(name);
  return ctx.data.groups.find((g) => g.id !== exceptId && nameKey(g.name) === wanted);
}

export async function create(ctx: BotContext): Promise<void> {
  if (!(await requireModerator(ctx))) return;
  const checked = validateGroupName(nameFrom(restAfter(ctx.text, 1)));
  if (!checked.ok) return replyError(ctx, checked.code, checked.details);
  const name = checked.value;
  const taken = sameName(ctx, name);
  if (taken) {
    await ctx.reply(ctx.t('group:name_taken', { name: escapeBb(name), id: taken.id }));
    return;
  }
  const key = ctx.event.dedupeKey;
  let workgroupId: number;
  try {
    // A first try of this very event made the workgroup and then the process died: adopt it.
    const adopted = key ? await adoptAfterCrash(ctx, key, name) : null;
    if (adopted) workgroupId = adopted;
    else {
      if (key) await ctx.note((d) => void (d.intents = [...liveIntents(d, ctx.now()), { key, kind: 'workgroup', name, ownerId: ctx.user.id, at: ctx.now().toISOString() }]));
      // As the caller: the workgroup is theirs, and Bitrix24 decides whether they may create one.
      workgroupId = await createWorkgroup(ctx.asUser(), { name, description: '', privacy: 'closed', ownerId: ctx.user.id });
    }
  } catch (e) {
    if (!(e instanceof PortalError)) throw e;
    await ctx.reply(ctx.t('group:create_refused', { reason: refusalText(e) }));
    return;
  }
  const nowIso = ctx.now().toISOString();
  const group = await ctx.update((d) => {
    if (key && d.intents?.some((i) => i.key === key)) d.intents = d.intents.filter((i) => i.key !== key);
    d.counters.group += 1;
    const g: StudyGroup = {
      id: d.counters.group,
      name,
      description: '',
      workgroupId,
      linked: false,
      ownerId: ctx.user.id,
      privacy: 'closed',
      accessFrom: null,
      accessTo: null,
      archived: false,
      // The owner is a member of their workgroup, so of the study group too (members mirror the workgroup).
      members: [{ userId: ctx.user.id, status: 'member', since: nowIso, addedBy: ctx.user.id }],
      courseIds: [],
      chatDialogIds: [],
      createdBy: ctx.user.id,
      createdAt: nowIso,
    };
    d.groups.push(g);
    return g;
  });
  await ctx.reply(groupCard(ctx, group, { manage: true, headline: ctx.t('group:created') }));
}

/** Intents older than a day are dropped: an event is not replayed that late. */
function liveIntents(d: PortalData, now: Date): Intent[] {
  const since = new Date(now.getTime() - 86_400_000).toISOString();
  return (d.intents ?? []).filter((i) => i.at >= since);
}

/**
 * This event noted "about to create workgroup <name>" and did not get to store the group: the
 * process died in between. The workgroup it made (same name, same owner) is found and adopted, so
 * the replay makes no second one; null when the first try never got to make it.
 */
async function adoptAfterCrash(ctx: BotContext, key: string, name: string): Promise<number | null> {
  const intent = ctx.data.intents?.find((i) => i.key === key && i.kind === 'workgroup' && i.name === name);
  if (!intent || intent.kind !== 'workgroup') return null;
  const found = await findOwnedWorkgroup(ctx.asUser(), name, intent.ownerId);
  if (found && !ctx.data.groups.some((g) => g.workgroupId === found)) {
    ctx.log.warn({ memberId: ctx.memberId, workgroupId: found }, 'group create: adopting the workgroup a crashed first try made');
    return found;
  }
  return null;
}
