// /help, the welcome when the bot joins a chat, and the short answer to text we did not understand.
import type { BotContext } from '../bot/context.js';
import type { Reply } from '../bot/render.js';
import { COMMANDS } from './manifest.js';

type Level = 'everyone' | 'moderator' | 'admin';

async function levelOf(ctx: BotContext): Promise<Level> {
  if (ctx.user.extranet) return 'everyone';
  if (await ctx.isAdmin()) return 'admin';
  return (await ctx.isModerator()) ? 'moderator' : 'everyone';
}

const RANK: Record<Level, number> = { everyone: 0, moderator: 1, admin: 2 };

/** The help lines a person of this level may use; every line has a key in help.json. */
export function helpLines(level: Level): string[] {
  const lines: Array<{ key: string; audience: Level }> = [
    { key: 'mycourses', audience: 'everyone' },
    { key: 'my_training', audience: 'everyone' },
    { key: 'course_list', audience: 'everyone' },
    { key: 'course_take', audience: 'everyone' },
    { key: 'group_list', audience: 'everyone' },
    { key: 'group_info', audience: 'everyone' },
    { key: 'group_leave', audience: 'everyone' },
    { key: 'group_create', audience: 'moderator' },
    { key: 'group_link', audience: 'moderator' },
    { key: 'group_add', audience: 'moderator' },
    { key: 'group_manage', audience: 'moderator' },
    { key: 'group_dates', audience: 'moderator' },
    { key: 'group_bind', audience: 'moderator' },
    { key: 'course_add', audience: 'moderator' },
    { key: 'course_attach', audience: 'moderator' },
    { key: 'course_program', audience: 'moderator' },
    { key: 'course_questions', audience: 'moderator' },
    { key: 'training', audience: 'moderator' },
    { key: 'training_chart', audience: 'moderator' },
    { key: 'training_rules', audience: 'moderator' },
    { key: 'training_report', audience: 'moderator' },
    { key: 'poll', audience: 'moderator' },
    { key: 'moderator', audience: 'admin' },
    { key: 'help', audience: 'everyone' },
  ];
  return lines.filter((l) => RANK[l.audience] <= RANK[level]).map((l) => l.key);
}

export async function help(ctx: BotContext): Promise<void> {
  const level = await levelOf(ctx);
  const known = new Set(COMMANDS.map((c) => c.name));
  const lines = helpLines(level).map((k) => `• ${ctx.t(`help:line.${k}`)}`);
  const reply: Reply = {
    text: [`[b]${ctx.t('help:title')}[/b]`, ctx.t(`help:role.${level}`), '', ...lines].join('\n'),
    buttons: [
      [
        { text: ctx.t('help:button.mycourses'), command: 'mycourses', payload: '', style: 'primary' },
        ...(known.has('group') ? [{ text: ctx.t('help:button.groups'), command: 'group', payload: 'list' }] : []),
      ],
    ],
  };
  await ctx.reply(reply);
}

export async function welcome(ctx: BotContext): Promise<void> {
  const text = ctx.chat.isPrivate ? ctx.t('help:welcome.private', { name: '' }) : ctx.t('help:welcome.chat');
  await ctx.reply({
    text,
    buttons: [
      [
        { text: ctx.t('help:button.mycourses'), command: 'mycourses', payload: '', style: 'primary' },
        { text: ctx.t('help:button.help'), command: 'help', payload: '' },
      ],
    ],
  });
}

export async function fallback(ctx: BotContext): Promise<void> {
  await ctx.reply({
    text: ctx.t('help:fallback'),
    buttons: [[{ text: ctx.t('help:button.help'), command: 'help', payload: '' }]],
  });
}

/** A button whose payload we no longer understand (an old message, a deleted group). */
export async function staleButton(ctx: BotContext): Promise<void> {
  await ctx.reply(ctx.t('common:button_stale'));
}

