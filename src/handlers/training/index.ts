// /training: routes the sub-command; lists the training buttons (`t.*`) and the answers they ask for.
import type { BotContext, ButtonHandler, Handler, PendingHandler } from '../../bot/context.js';
import { replyError } from '../shared.js';
import { chart } from './chart.js';
import { exportCommand } from './export.js';
import { doneButton, myTraining, trainingIntents } from './learner.js';
import { digest } from './digest.js';
import { nudgeButton, report } from './report.js';
import { rules } from './rules.js';
import { move, pause, resume, start, status, statusButton, stop } from './run.js';
import { settings, settingsButtons, settingsPending } from './settings.js';

const SUBCOMMANDS: Record<string, Handler> = {
  settings,
  rules,
  start,
  stop,
  pause,
  resume,
  move,
  status,
  report,
  digest,
  chart,
  export: exportCommand,
};

export async function training(ctx: BotContext): Promise<void> {
  // Without a sub-command (and from "my training" / "моё обучение"): the caller's own training.
  if (ctx.args.length === 0) return myTraining(ctx);
  const sub = (ctx.args[0] ?? '').toLowerCase();
  const handler = Object.hasOwn(SUBCOMMANDS, sub) ? SUBCOMMANDS[sub] : undefined;
  if (!handler) return replyError(ctx, 'unknown_subcommand', { sub });
  await handler(ctx);
}

export const trainingButtons: Record<string, ButtonHandler> = {
  ...settingsButtons,
  't.st': statusButton,
  't.done': doneButton,
  't.nudge': nudgeButton,
};

export const trainingPending: Record<string, PendingHandler> = {
  ...settingsPending,
};

export { trainingIntents };
