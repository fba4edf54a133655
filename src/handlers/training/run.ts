// /training start|stop|pause|resume|move|status: facts of a group's run and of learners (start, stop, pauses, moves); schedules are computed.
import type { BotContext } from '../../bot/context.js';
import { mentionId } from '../../domain/args.js';
import { formatDay, parseDay } from '../../domain/dates.js';
import type { Day, GroupTraining, StudyGroup } from '../../domain/model.js';
import type { LearnerFacts } from '../../domain/training/model.js';
import { learnerSchedule, type LearnerStatus } from '../../domain/training/plan.js';
import { addMode } from '../../domain/permissions.js';
import { groupById, groupTitle, intArg, labelList, personLabel, replyGone, resolvePeople, rightsOf } from '../group/common.js';
import { escapeBb } from '../../domain/bbcode.js';
import { refusedAsPortalWould } from '../group/caller.js';
import { followMembers } from '../group/companion.js';
import { bringIn } from '../group/members.js';
import { removeFromWorkgroup } from '../group/workgroup.js';
import { replyError, requireModerator } from '../shared.js';
import { changeTraining, factsIn, groupFromTokens, learnersOf, programOf, settingsOf, storedFacts, trainingGroupOf } from './common.js';

type Pauses = Array<{ from: Day; to: Day | null }>;

function openPause(pauses: Pauses): { from: Day; to: Day | null } | undefined {
  return pauses.find((p) => p.to === null);
}

/** `/training start <group> [date]`: from today, or the day given; a stopped group starts again and continues. */
export async function start(ctx: BotContext): Promise<void> {
  if (!(await requireModerator(ctx))) return;
  const tokens = ctx.args.slice(1);
  let day = ctx.today();
  const lastToken = tokens.at(-1);
  if (tokens.length > 1 && lastToken !== undefined && /^\d{1,4}[-.]\d{1,2}[-.]\d{1,4}$/.test(lastToken)) {
    const parsed = parseDay(lastToken);
    if (!parsed.ok) return replyError(ctx, parsed.code, parsed.details ?? {});
    day = parsed.value;
    tokens.pop();
  }
  const group = await groupFromTokens(ctx, tokens);
  if (!group) return;
  await startGroup(ctx, group, day);
}

async function startGroup(ctx: BotContext, group: StudyGroup, day: Day): Promise<void> {
  const t = settingsOf(group);
  if (!programOf(ctx.data, t)) {
    await ctx.reply(ctx.t('training:start.no_program', { group: groupTitle(group), id: group.id }));
    return;
  }
  if (t.run.started !== null && t.run.stopped === null) {
    await ctx.reply(ctx.t('training:start.already', { group: groupTitle(group), day: formatDay(t.run.started, ctx.lang) }));
    return;
  }
  const restart = t.run.stopped !== null;
  const changed = await changeTraining(ctx, group.id, (x) => {
    x.run.started = day;
    x.run.stopped = null;
  });
  if (!changed) return replyGone(ctx);
  const count = learnersOf(ctx.data, changed).length;
  await ctx.reply(ctx.t(restart ? 'training:start.restarted' : 'training:start.started', { group: groupTitle(changed), day: formatDay(day, ctx.lang), count }));
}

/** A `[USER=…]` mention is a person; anything else names a group. */
type Target = { kind: 'user'; userId: number; group: StudyGroup } | { kind: 'group'; group: StudyGroup };

async function target(ctx: BotContext): Promise<Target | null> {
  const tokens = ctx.args.slice(1);
  const userId = tokens.length === 1 ? mentionId(tokens[0]!) : null;
  if (userId === null) {
    const group = await groupFromTokens(ctx, tokens);
    return group ? { kind: 'group', group } : null;
  }
  const group = trainingGroupOf(ctx.data, userId);
  if (!group) {
    await ctx.reply(ctx.t('training:not_learner', { person: personLabel(ctx, userId) }));
    return null;
  }
  return { kind: 'user', userId, group };
}

/** Changes one learner's facts (stored from their membership on the first change). */
async function changeFacts(ctx: BotContext, group: StudyGroup, userId: number, change: (f: LearnerFacts) => void): Promise<void> {
  await ctx.update((d) => {
    const g = d.groups.find((x) => x.id === group.id);
    if (g) change(storedFacts(d, g, userId));
  });
}

type RunAction = 'stop' | 'pause' | 'resume';

function runAction(action: RunAction) {
  return async (ctx: BotContext): Promise<void> => {
    if (!(await requireModerator(ctx))) return;
    const tg = await target(ctx);
    if (!tg) return;
    const today = ctx.today();
    const who = tg.kind === 'user' ? personLabel(ctx, tg.userId) : groupTitle(tg.group);
    const run = settingsOf(tg.group).run;
    const facts = tg.kind === 'user' ? factsIn(ctx.data, tg.group, tg.userId) : null;
    const state: { stopped: Day | null; pauses: Pauses } = facts ?? run;
    if (action === 'stop' && state.stopped !== null) {
      await ctx.reply(ctx.t('training:stop.already', { who, day: formatDay(state.stopped, ctx.lang) }));
      return;
    }
    if (action === 'pause' && openPause(state.pauses)) {
      await ctx.reply(ctx.t('training:pause.already', { who }));
      return;
    }
    if (action === 'resume' && !openPause(state.pauses)) {
      await ctx.reply(ctx.t('training:resume.not_paused', { who }));
      return;
    }
    if (tg.kind === 'group' && run.started === null) {
      await ctx.reply(ctx.t('training:not_started', { group: who, id: tg.group.id }));
      return;
    }
    const apply = (s: { stopped: Day | null; pauses: Pauses }): void => {
      if (action === 'stop') s.stopped = today;
      else if (action === 'pause') s.pauses.push({ from: today, to: null });
      else {
        const p = openPause(s.pauses);
        if (p) p.to = today;
      }
    };
    if (tg.kind === 'group') {
      const changed = await changeTraining(ctx, tg.group.id, (x: GroupTraining) => apply(x.run));
      if (!changed) return replyGone(ctx);
    } else await changeFacts(ctx, tg.group, tg.userId, apply);
    await ctx.reply(ctx.t(`training:${action}.done_${tg.kind}`, { who, day: formatDay(today, ctx.lang) }));
  };
}

export const stop = runAction('stop');
export const pause = runAction('pause');
export const resume = runAction('resume');

/**
 * `/training move <user> <group>`: the person joins the new group (its workgroup too) and is
 * planned from its program from today, keeping every lesson they completed.
 */
export async function move(ctx: BotContext): Promise<void> {
  if (!(await requireModerator(ctx))) return;
  const [who, ...rest] = ctx.args.slice(1);
  if (who === undefined || rest.length === 0) {
    await ctx.reply(ctx.t('training:move.usage'));
    return;
  }
  const people = await resolvePeople(ctx, [who]);
  if (!people) return;
  const person = people[0]!;
  const group = await groupFromTokens(ctx, rest);
  if (!group) return;
  const current = trainingGroupOf(ctx.data, person.id);
  if (current?.id === group.id) {
    await ctx.reply(ctx.t('training:move.same', { person: personLabel(ctx, person.id), group: groupTitle(group) }));
    return;
  }
  if (!group.training) {
    await ctx.reply(ctx.t('training:move.not_training', { group: groupTitle(group), id: group.id }));
    return;
  }
  if (!group.members.some((m) => m.userId === person.id && m.status === 'member')) {
    const out = await bringIn(ctx, group, [person], addMode((await rightsOf(ctx)).isAdmin));
    if (out.added.length + out.alreadyMember.length === 0) return;
  }
  const today = ctx.today();
  await ctx.update((d) => {
    d.training ??= { learners: {}, rules: [] };
    const before = d.training.learners[String(person.id)];
    d.training.learners[String(person.id)] = { userId: person.id, groupId: group.id, since: today, completed: before?.completed ?? {}, pauses: [], stopped: null };
  });
  const left = current ? await leaveOld(ctx, current, person.id) : null;
  await ctx.reply(
    [ctx.t('training:move.done', {
      person: personLabel(ctx, person.id),
      group: groupTitle(group),
      from: current ? groupTitle(current) : '—',
      count: Object.keys(ctx.data.training?.learners[String(person.id)]?.completed ?? {}).length,
    }), ...(left ? [left] : [])].join('\n'),
  );
}

/**
 * The learner leaves the old group's Bitrix24 workgroup when the bot put them there (a member who
 * came from the workgroup itself, its owner, or a linked workgroup's member stays). Null: nothing to say.
 */
async function leaveOld(ctx: BotContext, old: StudyGroup, userId: number): Promise<string | null> {
  const member = old.members.find((m) => m.userId === userId && m.status === 'member');
  if (!member || member.addedBy === 0 || old.linked || old.ownerId === userId || !(old.workgroupId > 0)) return null;
  const from = groupTitle(old);
  const notAllowed = await refusedAsPortalWould(ctx, old, 'remove');
  if (notAllowed) return ctx.t('training:move.left_kept', { from, reason: escapeBb(notAllowed) });
  const r = await removeFromWorkgroup(ctx.asUser(), old.workgroupId, [userId]);
  const o = r.outcomes.get(userId);
  if (o?.kind !== 'done') return ctx.t('training:move.left_kept', { from, reason: o?.kind === 'refused' ? escapeBb(o.reason) : '' });
  const change = await ctx.update((d) => {
    const g = d.groups.find((x) => x.id === old.id);
    if (!g) return null;
    const before = structuredClone(g);
    g.members = g.members.filter((m) => m.userId !== userId);
    return { before, after: structuredClone(g) };
  });
  if (change) await followMembers(ctx, change.before, change.after);
  return ctx.t('training:move.left', { from });
}

const STATUSES: readonly LearnerStatus[] = ['on_track', 'behind', 'done', 'paused', 'stopped', 'not_started'];

/** `/training status <group>`: who is in training, on track, behind, done or stopped, with counts. */
export async function status(ctx: BotContext): Promise<void> {
  if (!(await requireModerator(ctx))) return;
  const group = await groupFromTokens(ctx, ctx.args.slice(1));
  if (group) await ctx.reply(statusText(ctx, group));
}

export async function statusButton(ctx: BotContext, args: string[]): Promise<void> {
  if (!(await requireModerator(ctx))) return;
  const group = groupById(ctx, intArg(args[0]));
  if (!group) return replyGone(ctx);
  await ctx.reply(statusText(ctx, group));
}

function statusText(ctx: BotContext, group: StudyGroup): string {
  const t = settingsOf(group);
  const program = programOf(ctx.data, t);
  const learners = learnersOf(ctx.data, group);
  const lines = [ctx.t('training:status.head', { group: groupTitle(group), count: learners.length })];
  if (!program) {
    lines.push(ctx.t('training:start.no_program', { group: groupTitle(group), id: group.id }));
    return lines.join('\n');
  }
  const today = ctx.today();
  const by = new Map<LearnerStatus, number[]>();
  for (const userId of learners) {
    const s = learnerSchedule(program, { minutesPerWeek: t.minutesPerWeek, level: t.level }, t.run, factsIn(ctx.data, group, userId), today);
    const list = by.get(s.status) ?? [];
    list.push(userId);
    by.set(s.status, list);
  }
  const inTraining = (by.get('on_track')?.length ?? 0) + (by.get('behind')?.length ?? 0) + (by.get('paused')?.length ?? 0);
  lines.push(ctx.t('training:status.in_training', { count: inTraining }));
  for (const s of STATUSES) {
    const ids = by.get(s) ?? [];
    if (ids.length === 0) continue;
    lines.push(`${ctx.t(`training:status.${s}`)}: ${ids.length} — ${labelList(ctx, ids.map((id) => personLabel(ctx, id)), 20)}`);
  }
  return lines.join('\n');
}

