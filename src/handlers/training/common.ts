// What the /training commands share: a group's settings (or the defaults), its program, who its learners are and their facts.
import type { BotContext } from '../../bot/context.js';
import { parseGroupRef } from '../../domain/args.js';
import { todayAtOffset } from '../../domain/dates.js';
import type { Day, GroupTraining, StudyGroup } from '../../domain/model.js';
import { NEW_GROUP_TRAINING } from '../../domain/training/defaults.js';
import type { LearnerFacts, Level, Program } from '../../domain/training/model.js';
import { learnerSchedule, type LearnerSchedule } from '../../domain/training/plan.js';
import type { PortalData } from '../../store/types.js';
import { findGroupFor } from '../group/common.js';
import { emptyRun } from './defaults.js';

export const PENDING = {
  course: 'training.course',
  intensity: 'training.intensity',
  threshold: 'training.threshold',
  retake: 'training.retake',
} as const;

/** The group's training settings; a group that has none yet shows (and gets, on a first change) the defaults. */
export function settingsOf(group: StudyGroup): GroupTraining {
  return group.training ?? { courseId: null, ...NEW_GROUP_TRAINING, run: emptyRun() };
}

/** The program of the group's course, or null (no course chosen, course gone, or no program loaded). */
export function programOf(data: PortalData, training: GroupTraining): Program | null {
  if (training.courseId === null) return null;
  return data.courses.find((c) => c.id === training.courseId)?.program ?? null;
}

export function levelName(ctx: BotContext, level: Level): string {
  return ctx.t(`training:level.${level}`);
}

/** The portal's calendar day of an ISO timestamp (a membership's `since`). */
export function dayOf(data: PortalData, iso: string): Day {
  return todayAtOffset(new Date(iso), data.installation.utcOffset ?? 0);
}

/**
 * The training group of a person: the one their facts name while they are still a member of it,
 * else the first training group they are a member of (the owner of a group is not its learner).
 */
export function trainingGroupOf(data: PortalData, userId: number): StudyGroup | null {
  const isLearner = (g: StudyGroup) => g.training !== undefined && !g.archived && g.ownerId !== userId && g.members.some((m) => m.userId === userId && m.status === 'member');
  const facts = data.training?.learners[String(userId)];
  const named = facts ? data.groups.find((g) => g.id === facts.groupId) : undefined;
  if (named && isLearner(named)) return named;
  return data.groups.find(isLearner) ?? null;
}

/**
 * A learner's facts in `group`: the stored ones when they name this group; otherwise what their
 * membership says (joined the day they became a member), keeping what they completed anywhere.
 */
export function factsIn(data: PortalData, group: StudyGroup, userId: number): LearnerFacts {
  const stored = data.training?.learners[String(userId)];
  if (stored && stored.groupId === group.id) return stored;
  const member = group.members.find((m) => m.userId === userId);
  return {
    userId,
    groupId: group.id,
    since: member ? dayOf(data, member.since) : dayOf(data, new Date(0).toISOString()),
    completed: stored?.completed ?? {},
    pauses: [],
    stopped: null,
  };
}

/** The people whose training group this is. */
export function learnersOf(data: PortalData, group: StudyGroup): number[] {
  return group.members.filter((m) => m.status === 'member' && trainingGroupOf(data, m.userId)?.id === group.id).map((m) => m.userId);
}

export interface LearnerView {
  group: StudyGroup;
  training: GroupTraining;
  program: Program;
  facts: LearnerFacts;
  schedule: LearnerSchedule;
}

/** A learner's schedule today, or null when they are in no training group or its program is missing. */
export function learnerView(data: PortalData, userId: number, today: Day): LearnerView | null {
  const group = trainingGroupOf(data, userId);
  if (!group?.training) return null;
  const program = programOf(data, group.training);
  if (!program) return null;
  const facts = factsIn(data, group, userId);
  const { minutesPerWeek, level, run } = group.training;
  return { group, training: group.training, program, facts, schedule: learnerSchedule(program, { minutesPerWeek, level }, run, facts, today) };
}

/** The portal's stored facts of one learner, made from `factsIn` on the first change (inside an update). */
export function storedFacts(d: PortalData, group: StudyGroup, userId: number): LearnerFacts {
  d.training ??= { learners: {}, rules: [] };
  const key = String(userId);
  const current = d.training.learners[key];
  if (current && current.groupId === group.id) return current;
  const made = structuredClone(factsIn(d, group, userId));
  d.training.learners[key] = made;
  return made;
}

/** The group the tokens name (`#12`, `12`, or a name of one or more words; none: the bound chat's); answers when there is none. */
export async function groupFromTokens(ctx: BotContext, tokens: readonly string[]): Promise<StudyGroup | null> {
  const joined = tokens.join(' ').trim();
  const ref = joined === '' ? null : parseGroupRef(joined, { bareNumberIsId: true });
  return findGroupFor(ctx, ref, 'see');
}

/** Settings are changed by moderators; a group first becomes a training group with the defaults. */
export async function changeTraining(ctx: BotContext, groupId: number, change: (t: GroupTraining) => void): Promise<StudyGroup | null> {
  return ctx.update((d) => {
    const g = d.groups.find((x) => x.id === groupId);
    if (!g) return null;
    g.training ??= settingsOf(g);
    change(g.training);
    return structuredClone(g);
  });
}
