// imbot.v2.Command.*: registration (idempotent per bot + name + owner), listing, answering (bot doc §7).
import { imbotError, missingArgument } from '../errors.js';
import { fullName } from '../format.js';
import { parseAttach, parseKeyboard } from '../keyboard.js';
import { isRecord, v2Bool } from '../php.js';
import { fieldsOf, pick, toInt, toStr } from '../params.js';
import { methods, type CallContext, type MethodDef } from '../registry.js';
import type { BotRecord, CommandRecord, MessageParams } from '../types.js';
import { botChat, dialogIdParam, ownedBot, resolveOwner, requireOwnedBot } from './imbot-common.js';

const commandNotFound = () => imbotError('COMMAND_NOT_FOUND', 'Command not found');

function formatCommand(command: CommandRecord): Record<string, unknown> {
  return {
    id: command.id,
    botId: command.botId,
    command: `/${command.command}`,
    common: command.common,
    hidden: command.hidden,
    extranetSupport: command.extranetSupport,
  };
}

/** Per-language strings; `null` values delete a language on update. */
function langMap(value: unknown, current: Record<string, string> = {}): Record<string, string> {
  if (value === undefined) return { ...current };
  if (!isRecord(value)) throw imbotError('COMMAND_TITLE_INVALID', 'Command title must be an object');
  const next = { ...current };
  for (const [lang, text] of Object.entries(value)) {
    if (text === null) delete next[lang];
    else if (typeof text === 'string' || typeof text === 'number') next[lang] = String(text);
  }
  return next;
}

/** The command name: a string, leading "/" stripped. */
function commandName(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string' && typeof value !== 'number') throw imbotError('COMMAND_NAME_INVALID', 'Command name must be a string');
  return String(value).replace(/^\//, '');
}

function ownCommand(ctx: CallContext, bot: BotRecord): CommandRecord {
  const raw = pick(ctx.params, 'commandId', 'COMMAND_ID');
  if (raw === undefined) throw missingArgument('commandId');
  const command = ctx.portal.state.commands.get(toInt(raw));
  if (!command || command.botId !== bot.id) throw commandNotFound();
  return command;
}

function register(ctx: CallContext) {
  const owner = resolveOwner(ctx);
  const bot = requireOwnedBot(ctx, owner);
  // The flat legacy form is read only when `fields` is absent (BOT-BC-0330-1).
  const f = ctx.params.fields !== undefined || ctx.params.FIELDS !== undefined ? fieldsOf(ctx.params) : ctx.params;
  const name = commandName(pick(f, 'command', 'COMMAND'));
  if (name === '') throw imbotError('COMMAND_REQUIRED', 'Command is required');
  const state = ctx.portal.state;
  for (const command of state.commands.values()) {
    if (command.botId === bot.id && command.command === name && command.ownerKey === owner) return { result: { command: formatCommand(command) } };
  }
  const hidden = v2Bool(pick(f, 'hidden', 'HIDDEN'), false);
  const title = langMap(pick(f, 'title', 'TITLE'));
  if (!hidden && Object.values(title).every((t) => t.trim() === '')) {
    throw imbotError('COMMAND_TITLE_REQUIRED', 'Command title is required for visible commands');
  }
  const params = langMap(pick(f, 'params', 'PARAMS'));
  const command: CommandRecord = {
    id: state.nextId('command'),
    botId: bot.id,
    command: name,
    title,
    params: Object.fromEntries(Object.entries(params).filter(([lang]) => lang in title)),
    common: v2Bool(pick(f, 'common', 'COMMON'), false),
    hidden,
    extranetSupport: v2Bool(pick(f, 'extranetSupport', 'EXTRANET_SUPPORT'), false),
    ownerKey: owner,
  };
  state.commands.set(command.id, command);
  return { result: { command: formatCommand(command) } };
}

function update(ctx: CallContext) {
  const bot = ownedBot(ctx);
  const command = ownCommand(ctx, bot);
  const f = fieldsOf(ctx.params);
  if ('command' in f) {
    const name = commandName(f.command);
    if (name === '') throw imbotError('COMMAND_NAME_EMPTY', 'Command name can not be empty');
    const clash = [...ctx.portal.state.commands.values()].some((c) => c.botId === bot.id && c.id !== command.id && c.command === name);
    if (clash) throw imbotError('COMMAND_ALREADY_EXISTS', 'Command with this name already exists');
    command.command = name;
  }
  if ('title' in f) command.title = langMap(f.title, command.title);
  if ('params' in f) {
    const params = langMap(f.params, command.params);
    command.params = Object.fromEntries(Object.entries(params).filter(([lang]) => lang in command.title));
  }
  if (f.common !== undefined) command.common = v2Bool(f.common, command.common);
  if (f.hidden !== undefined) command.hidden = v2Bool(f.hidden, command.hidden);
  if (f.extranetSupport !== undefined) command.extranetSupport = v2Bool(f.extranetSupport, command.extranetSupport);
  return { result: { command: formatCommand(command) } };
}

function localized(map: Record<string, string>, language: string): string {
  return map[language] ?? map.en ?? Object.values(map)[0] ?? '';
}

function list(ctx: CallContext) {
  const bot = ownedBot(ctx);
  const state = ctx.portal.state;
  const language = state.identity.language;
  const botUser = state.users.get(bot.id);
  const commands = [...state.commands.values()]
    .filter((c) => c.botId === bot.id)
    .sort((a, b) => a.id - b.id)
    .map((c) => ({
      ...formatCommand(c),
      title: localized(c.title, language),
      params: localized(c.params, language),
      category: botUser ? fullName(botUser) : '',
      context: 'textarea',
    }));
  return { result: { commands } };
}

function unregister(ctx: CallContext) {
  const bot = ownedBot(ctx);
  const command = ownCommand(ctx, bot);
  ctx.portal.state.commands.delete(command.id);
  return { result: { result: true } };
}

function answer(ctx: CallContext) {
  const bot = ownedBot(ctx);
  ownCommand(ctx, bot);
  const messageId = toInt(pick(ctx.params, 'messageId', 'MESSAGE_ID'));
  if (messageId <= 0) throw missingArgument('messageId');
  const dialogId = dialogIdParam(ctx);
  const f = fieldsOf(ctx.params);
  const failed = () => imbotError('COMMAND_ANSWER_FAILED', 'Failed to send command answer');
  const state = ctx.portal.state;
  const origin = state.messages.get(messageId);
  const chat = botChat(ctx, bot, dialogId, false);
  if (!origin || !chat || origin.chatId !== chat.id) throw failed();
  const text = toStr(f.message) ?? '';
  const keyboard = parseKeyboard(f.keyboard, 'send');
  const attach = parseAttach(f.attach, 'send');
  if (text.trim() === '' && attach.kind !== 'set') throw failed();
  // [source] outside 10 minutes after the command the platform silently posts nothing.
  if (!ctx.portal.messenger.hasGrant(bot.id, chat.id)) return { result: { result: true } };
  const params: MessageParams = {};
  if (keyboard.kind === 'set') params.KEYBOARD = { BOT_ID: bot.id, BUTTONS: keyboard.buttons };
  if (attach.kind === 'set') params.ATTACH = attach.attach;
  if (chat.members.has(bot.id)) {
    ctx.portal.messenger.addMessage(chat, bot.id, text, { system: v2Bool(f.system, false), params });
  } else {
    // Not a member: a system message carrying the bot's name [source: localized first line with the mention].
    const intro = `[USER=${bot.id}][/USER]:`;
    ctx.portal.messenger.addMessage(chat, bot.id, text ? `${intro}\n${text}` : intro, { system: true, params, onBehalfOfBotId: bot.id });
  }
  return { result: { result: true } };
}

export const imbotCommandMethods: MethodDef[] = methods(['imbot'], {
  'imbot.v2.Command.register': register,
  'imbot.v2.Command.update': update,
  'imbot.v2.Command.list': list,
  'imbot.v2.Command.unregister': unregister,
  'imbot.v2.Command.answer': answer,
});
