// Taking a test: "Take the test" / "Retake" and `/course take <test>` start an attempt (or resume the half-done one) in the private chat.
import { randomBytes, randomInt } from 'node:crypto';
import type { BotContext } from '../../bot/context.js';
import { buttonPayload, type Button, type Reply } from '../../bot/render.js';
import { escapeBb } from '../../domain/bbcode.js';
import { formatDay, todayAtOffset } from '../../domain/dates.js';
import { currentStep, latestAttempt, retakeAllowed, startAttempt, type Step } from '../../domain/quiz/attempt.js';
import type { Attempt, TestRef } from '../../domain/quiz/model.js';
import { replyError } from '../shared.js';
import { findTest, pick, refFromArgs, takerOf, testArgs, testName, testOrAnswer, type TestTarget } from './tests.js';

/** The "Take the test" button for a test (null when its ref cannot be carried in a payload). */
export function takeButton(ctx: Pick<BotContext, 't'>, ref: TestRef, key: 'take' | 'retake' = 'take'): Button | null {
  const args = testArgs(ref);
  return args ? { text: ctx.t(`quiz:button.${key}`), command: 'course', payload: buttonPayload('q.take', ...args), style: 'primary' } : null;
}

/** The message of the question shown now: its text, one button per option in the attempt's order. */
export function questionReply(ctx: BotContext, target: TestTarget, attempt: Attempt, step: Step, headline?: string): Reply {
  const q = target.questions[step.question]!;
  const lines = [
    ...(headline ? [headline, ''] : []),
    `[b]${testName(ctx.lang, target)}[/b]`,
    ctx.t('quiz:question.counter', { n: step.step + 1, count: step.total }),
    '',
    escapeBb(pick(q.text, ctx.lang)),
  ];
  if (q.type === 'multiple') lines.push('', ctx.t('quiz:question.multiple'));
  const toggled = new Set(attempt.toggled ?? []);
  const buttons: Button[][] = step.options.map((o) => {
    const label = pick(q.options[o]!, ctx.lang);
    const text = q.type === 'multiple' ? `${toggled.has(o) ? '☑' : '☐'} ${label}` : label;
    return [{ text, command: 'course', payload: buttonPayload('q.a', attempt.id, step.question, o), ...(toggled.has(o) ? { style: 'primary' as const } : {}) }];
  });
  if (q.type === 'multiple') buttons.push([{ text: ctx.t('quiz:button.answer'), command: 'course', payload: buttonPayload('q.s', attempt.id, step.question), style: 'primary' }]);
  return { text: lines.join('\n'), buttons };
}

/** A short, unique attempt id (8 hex digits; another is drawn on the rare clash). */
function newId(taken: ReadonlySet<string>): string {
  for (;;) {
    const id = randomBytes(4).toString('hex');
    if (!taken.has(id)) return id;
  }
}

function retakeWaitText(ctx: BotContext, until: string): string {
  const at = new Date(until);
  const offset = ctx.data.installation.utcOffset ?? 0;
  const local = new Date(at.getTime() + offset * 60_000);
  const time = `${String(local.getUTCHours()).padStart(2, '0')}:${String(local.getUTCMinutes()).padStart(2, '0')}`;
  return ctx.t('quiz:take.wait', { day: formatDay(todayAtOffset(at, offset), ctx.lang), time });
}

/**
 * Starts (or resumes) the caller's attempt at a test and sends its current question to their private
 * chat as a new message, which later presses update in place. Refusals store nothing.
 */
export async function takeTest(ctx: BotContext, target: TestTarget): Promise<void> {
  const taker = takerOf(ctx, target);
  if (!taker.ok) {
    await ctx.reply(ctx.t(`quiz:take.${taker.code}`, { test: testName(ctx.lang, target) }));
    return;
  }
  const attempts = ctx.data.training?.attempts ?? [];
  const latest = latestAttempt(attempts, ctx.user.id, target.ref);
  const resumable = latest && latest.finishedAt === null && currentStep(latest, target.questions) !== null ? latest : undefined;
  if (!resumable) {
    const allowed = retakeAllowed(attempts, ctx.user.id, target.ref, taker.value.retakeHours, ctx.now());
    if (!allowed.ok) {
      await ctx.reply(allowed.code === 'passed' ? ctx.t('quiz:take.passed', { test: testName(ctx.lang, target) }) : retakeWaitText(ctx, String(allowed.details?.until)));
      return;
    }
  }
  const attempt = await ctx.update((d) => {
    d.training ??= { learners: {}, rules: [] };
    d.training.attempts ??= [];
    if (resumable) return structuredClone(d.training.attempts.find((a) => a.id === resumable.id) ?? resumable);
    const made = startAttempt({
      id: newId(new Set(d.training.attempts.map((a) => a.id))), userId: ctx.user.id, test: target.ref,
      groupId: taker.value.groupId, seed: randomInt(1, 0x7fff_ffff), questions: target.questions, now: ctx.now(),
    });
    d.training.attempts.push(made);
    return structuredClone(made);
  });
  const step = currentStep(attempt, target.questions)!;
  const head = resumable ? ctx.t('quiz:take.resumed') : ctx.t('quiz:take.started', { count: target.questions.length, threshold: taker.value.threshold });
  const reply = questionReply(ctx, target, attempt, step, head);
  const here = ctx.chat.isPrivate;
  const messageId = here ? await ctx.reply(reply) : await ctx.send(String(ctx.user.id), reply);
  if (!here) await ctx.reply(ctx.t('quiz:take.sent_privately'));
  // Presses are accepted from this message only: an older one (of a resumed attempt) is out of date.
  await ctx.update((d) => {
    const a = d.training?.attempts?.find((x) => x.id === attempt.id);
    if (a) a.messageId = messageId;
  });
}

/** The "Take the test" / "Retake" button: `q.take:<courseId>[:<lessonId>]`. */
export async function takeButtonHandler(ctx: BotContext, args: string[]): Promise<void> {
  const ref = refFromArgs(args);
  const target = ref ? findTest(ctx.data.courses, ref) : null;
  if (!target) {
    await ctx.reply(ctx.t('common:button_stale'));
    return;
  }
  await takeTest(ctx, target);
}

/** `/course take <test>` or `/course take <course> <lesson id>`. */
export async function takeCommand(ctx: BotContext): Promise<void> {
  const target = await testOrAnswer(ctx, ctx.args.slice(1), ctx.t('quiz:take.usage'));
  if (target) await takeTest(ctx, target);
}
