// The slash commands we register on every portal, with their titles and argument hints in each language.
import { createHash } from 'node:crypto';
import type { BotManifest } from '../bot/registration.js';
export interface CommandManifest {
  name: string;
  title: { en: string; ru: string };
  params: { en: string; ru: string };
  /** Who sees it in /help: everyone, moderators, or portal admins. */
  audience: 'everyone' | 'moderator' | 'admin';
}

export const COMMANDS: CommandManifest[] = [
  {
    name: 'group',
    title: { en: 'Study groups', ru: 'Учебные группы' },
    params: {
      en: 'create <name> | link [id] | add|invite|remove <group> <users> | list | info|members <group> | dates <group> <from> <to> | bind|unbind [group] | …',
      ru: 'create <название> | link [id] | add|invite|remove <группа> <люди> | list | info|members <группа> | dates <группа> <с> <по> | bind|unbind [группа] | …',
    },
    audience: 'everyone',
  },
  {
    name: 'course',
    title: { en: 'Courses and tests', ru: 'Курсы и тесты' },
    params: {
      en: 'add <title> <url> [test] | list | attach|detach <course> <group> | prompt <course> <text> | extranet|catalog <course> on|off | program <course> | questions <test> [load] | take <test>',
      ru: 'add <название> <ссылка> [test] | list | attach|detach <курс> <группа> | prompt <курс> <текст> | extranet|catalog <курс> on|off | program <курс> | questions <тест> [load] | take <тест>',
    },
    audience: 'everyone',
  },
  {
    name: 'mycourses',
    title: { en: 'My courses', ru: 'Мои курсы' },
    params: { en: '', ru: '' },
    audience: 'everyone',
  },
  {
    name: 'poll',
    title: { en: 'Poll in a group chat', ru: 'Опрос в групповом чате' },
    params: { en: '[#group] <question> | <option> | <option>… or close <number>', ru: '[#группа] <вопрос> | <вариант> | <вариант>… или close <номер>' },
    audience: 'moderator',
  },
  {
    name: 'training',
    title: { en: 'Training groups and my training', ru: 'Учебные группы обучения и моё обучение' },
    params: {
      en: 'settings|status|report|chart|export|start|stop|pause|resume <group> | digest off|on | move <user> <group> | rules [preview|apply|add|remove] | (nothing: my training)',
      ru: 'settings|status|report|chart|export|start|stop|pause|resume <группа> | digest off|on | move <человек> <группа> | rules [preview|apply|add|remove] | (пусто: моё обучение)',
    },
    audience: 'everyone',
  },
  {
    name: 'moderator',
    title: { en: 'Training moderators', ru: 'Модераторы обучения' },
    params: { en: 'add|remove <users> | list', ru: 'add|remove <люди> | list' },
    audience: 'admin',
  },
  {
    name: 'help',
    title: { en: 'What the bot can do', ru: 'Что умеет бот' },
    params: { en: '', ru: '' },
    audience: 'everyone',
  },
];

export const BOT_CODE = 'study_groups_bot';
export const BOT_PROFILE = {
  name: 'Study Groups',
  workPosition: 'Training assistant',
  color: 'mint',
} as const;

/**
 * A fingerprint of what registration puts on a portal (profile, commands, titles, hints). Stored with
 * the installation; when a new version of the bot changes it, start-up registers again, and since
 * `Command.register` returns an existing command unchanged (bot doc 7.1), the commands are updated.
 */
export const MANIFEST_REVISION = createHash('sha256')
  .update(JSON.stringify({ BOT_CODE, BOT_PROFILE, COMMANDS }))
  .digest('hex')
  .slice(0, 16);

export const MANIFEST: BotManifest = { code: BOT_CODE, profile: BOT_PROFILE, commands: COMMANDS, revision: MANIFEST_REVISION };

/** The scopes the bot needs, ticked on the local application or on the inbound webhook (README: Deploying). */
export const REQUIRED_SCOPES = ['imbot', 'im', 'sonet_group', 'socialnetwork', 'log', 'user'] as const;
