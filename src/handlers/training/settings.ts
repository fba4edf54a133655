// /training settings <group> [course|intensity|threshold|level <value>]: the settings card, its buttons and the answers they ask for.
import type { BotContext } from '../../bot/context.js';
import { buttonPayload, type Button, type Reply } from '../../bot/render.js';
import { escapeBb } from '../../domain/bbcode.js';
import { formatDay } from '../../domain/dates.js';
import type { StudyGroup } from '../../domain/model.js';
import { LEVELS } from '../../domain/training/model.js';
import { programLessons } from '../../domain/training/plan.js';
import { parseIntensity, parseLevel, parseRetakeHours, parseThreshold } from '../../domain/training/settings.js';
import { nameKey } from '../../domain/text.js';
import { lookupCourse } from '../course/refs.js';
import { askFor, groupById, groupTitle, intArg, replyGone } from '../group/common.js';
import { replyError, requireModerator } from '../shared.js';
import { changeTraining, groupFromTokens, learnersOf, levelName, PENDING, programOf, settingsOf } from './common.js';

type Key = 'course' | 'intensity' | 'threshold' | 'level' | 'retake';
const KEYS: Record<string, Key> = {
  course: 'course', program: 'course', курс: 'course', программа: 'course',
  intensity: 'intensity', интенсивность: 'intensity', minutes: 'intensity', минуты: 'intensity',
  threshold: 'threshold', pass: 'threshold', порог: 'threshold',
  level: 'level', уровень: 'level',
  retake: 'retake', пересдача: 'retake',
};

function runText(ctx: BotContext, group: StudyGroup): string {
  const run = settingsOf(group).run;
  if (run.started === null) return ctx.t('training:run.not_started');
  if (run.stopped !== null) return ctx.t('training:run.stopped', { day: formatDay(run.stopped, ctx.lang) });
  const pause = run.pauses.find((p) => p.to === null);
  if (pause) return ctx.t('training:run.paused', { day: formatDay(pause.from, ctx.lang) });
  return ctx.t('training:run.started', { day: formatDay(run.started, ctx.lang) });
}

export function settingsCard(ctx: BotContext, group: StudyGroup, headline?: string): Reply {
  const t = settingsOf(group);
  const course = t.courseId === null ? undefined : ctx.data.courses.find((c) => c.id === t.courseId);
  const program = programOf(ctx.data, t);
  const lessons = program ? programLessons(program, t.level) : [];
  const minutes = lessons.reduce((sum, l) => sum + l.minutes, 0);
  const rows = [
    {
      name: ctx.t('training:card.program'),
      value: course
        ? `${escapeBb(course.title)} (#${course.id})${program ? '' : ` — ${ctx.t('training:card.no_program')}`}`
        : ctx.t('training:card.no_course'),
    },
    { name: ctx.t('training:card.intensity'), value: ctx.t('training:card.minutes_week', { count: t.minutesPerWeek }) },
    { name: ctx.t('training:card.threshold'), value: `${t.passPercent}%` },
    { name: ctx.t('training:card.retake'), value: ctx.t('training:card.retake_hours', { count: t.retakeHours ?? 0 }) },
    { name: ctx.t('training:card.level'), value: levelName(ctx, t.level) },
    { name: ctx.t('training:card.plan'), value: program ? ctx.t('training:card.plan_value', { count: lessons.length, minutes, weeks: Math.ceil(minutes / t.minutesPerWeek) }) : '—' },
    { name: ctx.t('training:card.learners'), value: String(learnersOf(ctx.data, group).length) },
    { name: ctx.t('training:card.run'), value: runText(ctx, group) },
  ];
  const id = group.id;
  const buttons: Button[][] = [
    [
      { text: ctx.t('training:button.course'), command: 'training', payload: buttonPayload('t.crs', id) },
      { text: ctx.t('training:button.intensity'), command: 'training', payload: buttonPayload('t.int', id) },
      { text: ctx.t('training:button.threshold'), command: 'training', payload: buttonPayload('t.pass', id) },
      { text: ctx.t('training:button.retake'), command: 'training', payload: buttonPayload('t.rtk', id) },
    ],
    LEVELS.map((level) => ({
      text: levelName(ctx, level),
      command: 'training',
      payload: buttonPayload('t.lvl', id, level),
      style: level === t.level ? ('primary' as const) : ('base' as const),
    })),
    [{ text: ctx.t('training:button.status'), command: 'training', payload: buttonPayload('t.st', id) }],
  ];
  const head = headline ? `${headline}\n` : '';
  return { text: `${head}${ctx.t('training:card.title', { group: groupTitle(group) })}`, card: { blocks: [{ kind: 'rows', rows }] }, buttons };
}

/** Applies one typed value; answers the problem and returns false when it is wrong (nothing changes then). */
async function applySetting(ctx: BotContext, group: StudyGroup, key: Key, value: string): Promise<boolean> {
  if (key === 'course') {
    const found = lookupCourse(ctx.data.courses, value);
    if (!found.ok) {
      await replyError(ctx, found.code, found.details ?? {});
      return false;
    }
    if (!found.value.program) {
      await ctx.reply(ctx.t('training:course_no_program', { course: escapeBb(found.value.title), id: found.value.id }));
      return false;
    }
    const courseId = found.value.id;
    const changed = await changeTraining(ctx, group.id, (t) => void (t.courseId = courseId));
    if (!changed) await replyGone(ctx);
    else await ctx.reply(settingsCard(withGroup(ctx, changed), changed, ctx.t('training:changed')));
    return true;
  }
  const parsed = key === 'intensity' ? parseIntensity(value) : key === 'threshold' ? parseThreshold(value) : key === 'retake' ? parseRetakeHours(value) : parseLevel(value);
  if (!parsed.ok) {
    await ctx.reply(ctx.t(`training:bad.${parsed.code}`, parsed.details ?? {}));
    return false;
  }
  const changed = await changeTraining(ctx, group.id, (t) => {
    if (key === 'intensity') t.minutesPerWeek = parsed.value as number;
    else if (key === 'threshold') t.passPercent = parsed.value as number;
    else if (key === 'retake') t.retakeHours = parsed.value as number;
    else t.level = parsed.value as (typeof LEVELS)[number];
  });
  if (!changed) await replyGone(ctx);
  else await ctx.reply(settingsCard(withGroup(ctx, changed), changed, ctx.t('training:changed')));
  return true;
}

/** The context with the group as just written, so a card after a change shows it (ctx.data is the event's start). */
export function withGroup(ctx: BotContext, group: StudyGroup): BotContext {
  return { ...ctx, data: { ...ctx.data, groups: ctx.data.groups.map((g) => (g.id === group.id ? group : g)) } };
}

export async function settings(ctx: BotContext): Promise<void> {
  if (!(await requireModerator(ctx))) return;
  const tokens = ctx.args.slice(1);
  const at = tokens.findIndex((tok) => Object.hasOwn(KEYS, nameKey(tok)));
  const group = await groupFromTokens(ctx, at < 0 ? tokens : tokens.slice(0, at));
  if (!group) return;
  if (at < 0) {
    await ctx.reply(settingsCard(ctx, group));
    return;
  }
  const key = KEYS[nameKey(tokens[at]!)]!;
  await applySetting(ctx, group, key, tokens.slice(at + 1).join(' '));
}

async function buttonGroup(ctx: BotContext, args: string[]): Promise<StudyGroup | null> {
  if (!(await requireModerator(ctx))) return null;
  const group = groupById(ctx, intArg(args[0]));
  if (!group) await replyGone(ctx);
  return group;
}

export async function settingsButton(ctx: BotContext, args: string[]): Promise<void> {
  const group = await buttonGroup(ctx, args);
  if (group) await ctx.reply(settingsCard(ctx, group));
}

export async function levelButton(ctx: BotContext, args: string[]): Promise<void> {
  const group = await buttonGroup(ctx, args);
  if (group) await applySetting(ctx, group, 'level', args[1] ?? '');
}

const ASK: Record<Exclude<Key, 'level'>, string> = { course: PENDING.course, intensity: PENDING.intensity, threshold: PENDING.threshold, retake: PENDING.retake };

function asker(key: Exclude<Key, 'level'>) {
  return async (ctx: BotContext, args: string[]): Promise<void> => {
    const group = await buttonGroup(ctx, args);
    if (group) await askFor(ctx, ASK[key], group.id, ctx.t(`training:ask.${key}`, { name: escapeBb(group.name) }));
  };
}

function answer(key: Exclude<Key, 'level'>) {
  return async (ctx: BotContext, groupId: number | null): Promise<void> => {
    const group = groupById(ctx, groupId);
    if (!group) return replyGone(ctx);
    if (!(await requireModerator(ctx))) return;
    if (!(await applySetting(ctx, group, key, ctx.text.trim()))) {
      await askFor(ctx, ASK[key], group.id, ctx.t('group:ask.again'));
    }
  };
}

export const settingsButtons = {
  't.set': settingsButton,
  't.lvl': levelButton,
  't.crs': asker('course'),
  't.int': asker('intensity'),
  't.pass': asker('threshold'),
  't.rtk': asker('retake'),
};

export const settingsPending = {
  [PENDING.course]: answer('course'),
  [PENDING.intensity]: answer('intensity'),
  [PENDING.threshold]: answer('threshold'),
  [PENDING.retake]: answer('retake'),
};
