// Every handler, one line each: commands by name, buttons by action, answers by pending kind, intents.
import type { HandlerRegistry } from '../bot/router.js';
import { fallback, help, staleButton, welcome } from './help.js';
import { group, groupButtons, groupPending } from './group/index.js';
import { moderator } from './moderator.js';
import { course, courseButtons } from './course/index.js';
import { quizButtons, quizOrProgramFiles } from './quiz/index.js';
import { mycourses, myCoursesIntents, openGroupCourses } from './mycourses.js';
import { deepLinkRoute } from './deeplink.js';
import { MANIFEST } from './manifest.js';
import { castVote, closeButton, poll } from './poll.js';
import { seedTrainingDefaults } from './training/defaults.js';
import { training, trainingButtons, trainingIntents, trainingPending } from './training/index.js';

export const registry: HandlerRegistry = {
  commands: {
    help,
    group,
    moderator,
    course,
    mycourses,
    poll,
    training,
  },
  buttons: {
    __stale: staleButton,
    ...groupButtons,
    ...courseButtons,
    'm.group': openGroupCourses,
    'p.v': castVote,
    'p.c': closeButton,
    ...trainingButtons,
    ...quizButtons,
  },
  pending: {
    ...groupPending,
    ...trainingPending,
  },
  // "my training" is the training plan; "my trainings" and the rest stay the course list.
  intents: [...trainingIntents, ...myCoursesIntents],
  files: quizOrProgramFiles,
  welcome,
  context: deepLinkRoute,
  fallback,
  manifest: MANIFEST,
  prepare: seedTrainingDefaults,
};
