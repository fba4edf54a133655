// Every handler, one line each: commands by name, buttons by action, answers by pending kind, intents.
import type { HandlerRegistry } from '../bot/router.js';
import { fallback, help, staleButton, welcome } from './help.js';

export const registry: HandlerRegistry = {
  commands: {
    help,
  },
  buttons: {
    __stale: staleButton,
  },
  pending: {},
  intents: [],
  welcome,
  fallback,
};
