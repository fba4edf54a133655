// /course: routes the sub-command (add, list, attach, detach, prompt, extranet, catalog) and exports the course buttons.
import type { Handler } from '../../bot/context.js';
import { errorText } from '../shared.js';
import { attachCourse, detachCourse } from './attach.js';
import { discuss, markDone } from './buttons.js';
import { addCourse, addPrompt, listCourses, setCatalog, setExtranet } from './catalog.js';
import { loadProgramButton, showOrLoadProgram } from './program.js';
import { quizSubcommands } from '../quiz/index.js';

const SUBCOMMANDS: Record<string, Handler> = {
  add: addCourse,
  list: listCourses,
  attach: attachCourse,
  detach: detachCourse,
  prompt: addPrompt,
  extranet: setExtranet,
  catalog: setCatalog,
  program: showOrLoadProgram,
  ...quizSubcommands,
};

/** `/course` alone lists what the caller may take. */
export const course: Handler = async (ctx) => {
  const sub = (ctx.args[0] ?? 'list').toLowerCase();
  const handler = SUBCOMMANDS[sub];
  if (!handler) {
    await ctx.reply([errorText(ctx, 'unknown_subcommand', { sub }), ctx.t('course:usage')].join('\n'));
    return;
  }
  await handler(ctx);
};

export const courseButtons = { 'c.done': markDone, 'c.disc': discuss, 'c.prog': loadProgramButton } as const;
export { programFiles } from './program.js';
