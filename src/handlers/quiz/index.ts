// Tests taken in chat (issue 12): the `/course questions` and `/course take` sub-commands, the quiz buttons (`q.*`), and questions files.
import type { ButtonHandler, Handler } from '../../bot/context.js';
import { programFiles } from '../course/program.js';
import { answerButton, submitButton } from './press.js';
import { pendingQuestionsFile, questionsCommand } from './questions.js';
import { takeButtonHandler, takeCommand } from './take.js';

export const quizSubcommands: Record<string, Handler> = { questions: questionsCommand, take: takeCommand };

export const quizButtons: Record<string, ButtonHandler> = { 'q.take': takeButtonHandler, 'q.a': answerButton, 'q.s': submitButton };

/** A file sent without a command: the questions file the bot asked for, else a program file as before. */
export const quizOrProgramFiles: Handler = async (ctx) => {
  if (await pendingQuestionsFile(ctx)) return;
  await programFiles(ctx);
};
