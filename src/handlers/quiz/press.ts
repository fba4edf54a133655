// A press on a test's buttons (`q.a:<attempt>:<question>:<option>`, `q.s:<attempt>:<question>`): checked against the stored attempt, the one message updated in place.
import type { BotContext } from '../../bot/context.js';
import type { Reply } from '../../bot/render.js';
import { escapeBb } from '../../domain/bbcode.js';
import { currentStep, missedQuestions, press, STANDALONE_PASS_PERCENT, type PressOutcome } from '../../domain/quiz/attempt.js';
import type { Day } from '../../domain/model.js';
import type { Attempt } from '../../domain/quiz/model.js';
import type { PortalData } from '../../store/types.js';
import { completionKey } from '../announce.js';
import { storedFacts, trainingGroupOf } from '../training/common.js';
import { questionReply, takeButton } from './take.js';
import { findTest, openGroup, pick, testName, type TestTarget } from './tests.js';

/** The result: score against the threshold, each missed question with its right answer and explanation. */
export function resultReply(ctx: BotContext, target: TestTarget, attempt: Attempt): Reply {
  const passedIt = attempt.passed === true;
  const lines = [
    `[b]${testName(ctx.lang, target)}[/b]`,
    ctx.t(passedIt ? 'quiz:result.passed' : 'quiz:result.failed', { percent: attempt.percent ?? 0, threshold: attempt.threshold ?? 0 }),
  ];
  const missed = missedQuestions(attempt, target.questions);
  if (missed.length > 0) {
    lines.push('', ctx.t('quiz:result.missed', { count: missed.length }));
    for (const qi of missed) {
      const q = target.questions[qi]!;
      const right = q.right.map((o) => escapeBb(pick(q.options[o]!, ctx.lang))).join('; ');
      lines.push(`• ${escapeBb(pick(q.text, ctx.lang))} — ${ctx.t('quiz:result.right', { answer: right })}`);
      if (q.explanation) lines.push(`  ${escapeBb(pick(q.explanation, ctx.lang))}`);
    }
  } else {
    lines.push(ctx.t('quiz:result.all_right'));
  }
  if (passedIt && target.lesson) lines.push('', ctx.t('quiz:result.lesson_done'));
  const retake = passedIt ? null : takeButton(ctx, target.ref, 'retake');
  return retake ? { text: lines.join('\n'), buttons: [[retake]] } : { text: lines.join('\n') };
}

/** The short answer to a refused press; nothing was changed. */
async function refuse(ctx: BotContext, code: string): Promise<void> {
  await ctx.reply(ctx.t(`quiz:refused.${code}`));
}

async function handlePress(ctx: BotContext, attemptId: string, question: number, option: number | null): Promise<void> {
  const attempts = ctx.data.training?.attempts ?? [];
  const stored = attempts.find((a) => a.id === attemptId);
  const target = stored ? findTest(ctx.data.courses, stored.test) : null;
  if (!stored || !target) return refuse(ctx, 'not_current');
  if (stored.userId !== ctx.user.id) return refuse(ctx, 'not_yours');
  // Only the attempt's latest message takes presses (a resumed attempt was sent again).
  const ev = ctx.event;
  const fromMessage = ev.kind === 'command' && ev.context === 'keyboard' ? ev.messageId : null;
  if (stored.finishedAt === null && stored.messageId !== null && fromMessage !== null && fromMessage !== stored.messageId) return refuse(ctx, 'not_current');
  const threshold = stored.threshold ?? thresholdOf(ctx, stored);
  const now = ctx.now();
  const today = ctx.today();
  // Checked again inside the write against the data as it is now: two quick presses cannot both count.
  const result = await ctx.update((d) => {
    const list = d.training?.attempts ?? [];
    const r = press(list, target.questions, { userId: ctx.user.id, attemptId, question, option }, threshold, now);
    if (!r.ok) return r;
    const at = list.findIndex((a) => a.id === attemptId);
    list[at] = r.value.attempt;
    if (r.value.kind === 'finished' && r.value.attempt.passed === true) record(ctx, d, target, r.value.attempt, today);
    return { ok: true as const, value: structuredClone(r.value) as PressOutcome };
  });
  if (!result.ok) return refuse(ctx, result.code);
  const { attempt, kind } = result.value;
  const messageId = attempt.messageId ?? fromMessage;
  let reply: Reply;
  if (kind === 'finished') reply = resultReply(ctx, target, attempt);
  else {
    const step = currentStep(attempt, target.questions)!;
    const headline = kind === 'answered' ? feedback(ctx, target, attempt, question) : undefined;
    reply = questionReply(ctx, target, attempt, step, headline);
  }
  if (messageId !== null) await ctx.edit(messageId, reply);
  else await ctx.reply(reply);
}

/** After an answer: right or not, and the question's explanation when it has one. */
function feedback(ctx: BotContext, target: TestTarget, attempt: Attempt, question: number): string {
  const q = target.questions[question]!;
  const given = [...(attempt.answers[question] ?? [])].sort((a, b) => a - b);
  const right = given.length === q.right.length && [...q.right].sort((a, b) => a - b).every((v, i) => v === given[i]);
  const head = ctx.t(right ? 'quiz:question.was_right' : 'quiz:question.was_wrong');
  return q.explanation ? `${head} ${escapeBb(pick(q.explanation, ctx.lang))}` : head;
}

/** The threshold of the attempt's group when it started (a finished attempt keeps its own). */
function thresholdOf(ctx: BotContext, attempt: Attempt): number {
  const group = attempt.groupId === null ? undefined : ctx.data.groups.find((g) => g.id === attempt.groupId);
  return group?.training?.passPercent ?? STANDALONE_PASS_PERCENT;
}

/**
 * A pass completes what the test stands for: a program's test lesson in the learner's facts (so
 * their schedule moves on), a stand-alone test as "done" in its group, as the "done" button does.
 */
function record(ctx: BotContext, d: PortalData, target: TestTarget, attempt: Attempt, today: Day): void {
  if (target.lesson) {
    const group = trainingGroupOf(d, attempt.userId);
    if (group?.training?.courseId === target.course.id) storedFacts(d, group, attempt.userId).completed[target.lesson.id] ??= today;
    return;
  }
  const group = openGroup({ ...ctx, data: d }, attempt.groupId);
  if (!group || !group.courseIds.includes(target.course.id)) return;
  const key = completionKey(group.id, target.course.id, attempt.userId);
  if (!d.completions.includes(key)) d.completions.push(key);
}

export async function answerButton(ctx: BotContext, args: string[]): Promise<void> {
  const question = Number(args[1]);
  const option = Number(args[2]);
  if (args[0] === undefined || !Number.isInteger(question) || !Number.isInteger(option)) return refuse(ctx, 'not_current');
  await handlePress(ctx, args[0], question, option);
}

export async function submitButton(ctx: BotContext, args: string[]): Promise<void> {
  const question = Number(args[1]);
  if (args[0] === undefined || !Number.isInteger(question)) return refuse(ctx, 'not_current');
  await handlePress(ctx, args[0], question, null);
}
