// imbot.v2 methods over real HTTP: owner resolution, idempotency, bot errors, messages, keyboards, chats.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { callRest, registerWebhookBot, startWorld, stopWorld, type World } from './helpers.js';

let world: World;
let botId: number;

beforeEach(async () => {
  world = await startWorld();
  botId = await registerWebhookBot(world);
});

afterEach(async () => {
  await stopWorld(world);
});

const call = (method: string, params: Record<string, unknown> = {}) => callRest(world.base, method, { auth: world.adminToken, ...params });

describe('Bot.*', () => {
  it('registers idempotently per owner and code, returning the bot unchanged', async () => {
    const again = await call('imbot.v2.Bot.register', {
      fields: { code: 'study_bot', eventMode: 'fetch', properties: { name: 'Renamed' } },
    });
    expect(again.status).toBe(200);
    const result = again.body.result as { bot: Record<string, unknown>; users: Array<Record<string, unknown>> };
    expect(result.bot.id).toBe(botId);
    expect(result.bot.eventMode).toBe('webhook');
    expect(result.bot).not.toHaveProperty('appId');
    expect(result.bot).toMatchObject({ code: 'study_bot', type: 'bot', moduleId: 'rest', language: 'en', isHidden: false });
    expect(result.users[0]).toMatchObject({ id: botId, bot: true, type: 'bot', externalAuthId: 'bot', name: 'StudyBot' });
  });

  it('refuses the same code to another owner, and webhook calls without botToken', async () => {
    const hook = world.portal.createInboundWebhook(world.ids.admin, ['imbot']);
    const noToken = await callRest(hook, 'imbot.v2.Bot.register', { fields: { code: 'other', properties: { name: 'X' } } });
    expect(noToken.status).toBe(400);
    expect(noToken.body.error).toBe('BOT_TOKEN_NOT_SPECIFIED');
    const taken = await callRest(hook, 'imbot.v2.Bot.register', { fields: { code: 'study_bot', botToken: 'tok-1', properties: { name: 'X' } } });
    expect(taken.body.error).toBe('BOT_CODE_ALREADY_TAKEN');
    const long = await callRest(hook, 'imbot.v2.Bot.register', { fields: { code: 'long', botToken: 'x'.repeat(41), properties: { name: 'X' } } });
    expect(long.body.error).toBe('BOT_TOKEN_INVALID_LENGTH');
  });

  it('lets whoever presents the botToken own a webhook bot, and rotation locks the old token out', async () => {
    const hookA = world.portal.createInboundWebhook(world.ids.admin, ['imbot']);
    const hookB = world.portal.createInboundWebhook(world.ids.moderators[0], ['imbot']);
    const reg = await callRest(hookA, 'imbot.v2.Bot.register', { botToken: 'token-one', fields: { code: 'hooked', properties: { name: 'Hooked' } } });
    const id = (reg.body.result as { bot: { id: number; eventMode: string } }).bot.id;
    expect((reg.body.result as { bot: { eventMode: string } }).bot.eventMode).toBe('fetch');
    const owner = await callRest(hookB, 'imbot.v2.Bot.get', { botId: id, botToken: 'token-one' });
    expect(owner.body.result).toMatchObject({ bot: { id, eventMode: 'fetch', moduleId: 'rest' } });
    const stranger = await call('imbot.v2.Bot.get', { botId: id });
    expect((stranger.body.result as { bot: Record<string, unknown> }).bot).not.toHaveProperty('eventMode');

    const rotate = await callRest(hookA, 'imbot.v2.Bot.update', { botId: id, botToken: 'token-one', fields: { botToken: 'token-two' } });
    expect(rotate.status).toBe(200);
    const old = await callRest(hookA, 'imbot.v2.Command.list', { botId: id, botToken: 'token-one' });
    expect(old.body.error).toBe('BOT_OWNERSHIP_ERROR');
    const fresh = await callRest(hookA, 'imbot.v2.Command.list', { botId: id, botToken: 'token-two' });
    expect(fresh.status).toBe(200);
  });

  it('checks BOT_ID_REQUIRED, then BOT_NOT_FOUND, then BOT_OWNERSHIP_ERROR', async () => {
    expect((await call('imbot.v2.Command.list')).body.error).toBe('BOT_ID_REQUIRED');
    expect((await call('imbot.v2.Command.list', { botId: 99999 })).body.error).toBe('BOT_NOT_FOUND');
    const hook = world.portal.createInboundWebhook(world.ids.admin, ['imbot']);
    const foreign = await callRest(hook, 'imbot.v2.Command.list', { botId, botToken: 'someone-else' });
    expect(foreign.status).toBe(400);
    expect(foreign.body).toEqual({ error: 'BOT_OWNERSHIP_ERROR', error_description: 'Bot was installed by another rest application' });
  });

  it('unregisters with {result: true}, sends ONIMBOTV2DELETE, then BOT_NOT_FOUND', async () => {
    const reply = await call('imbot.v2.Bot.unregister', { botId });
    expect(reply.body.result).toEqual({ result: true });
    await world.portal.flush();
    const deleted = world.receiver.byEvent('ONIMBOTV2DELETE');
    expect(deleted).toHaveLength(1);
    expect(Object.keys((deleted[0]?.parsed.data as Record<string, unknown>) ?? {})).toEqual(['bot']);
    expect((await call('imbot.v2.Bot.unregister', { botId })).body.error).toBe('BOT_NOT_FOUND');
  });

  it('answers Revision.get without a bot', async () => {
    const reply = await call('imbot.v2.Revision.get');
    expect(reply.body.result).toMatchObject({ rest: 36 });
  });

  it('has no Revision.get on a portal older than REST revision 33, which brought it', async () => {
    world.portal.setRestRevision(32);
    const reply = await call('imbot.v2.Revision.get');
    expect([reply.status, reply.body.error]).toEqual([404, 'ERROR_METHOD_NOT_FOUND']);
    world.portal.setRestRevision(34);
    expect((await call('imbot.v2.Revision.get')).body.result).toMatchObject({ rest: 34 });
  });
});

describe('Command.*', () => {
  it('registers idempotently and needs a title for visible commands', async () => {
    const fields = { command: '/group', title: { en: 'Study groups', ru: 'Учебные группы' }, params: { en: 'create <name>' } };
    const first = await call('imbot.v2.Command.register', { botId, fields });
    const second = await call('imbot.v2.Command.register', { botId, fields: { ...fields, common: true } });
    const a = (first.body.result as { command: Record<string, unknown> }).command;
    const b = (second.body.result as { command: Record<string, unknown> }).command;
    expect(a).toEqual(b);
    expect(a).toMatchObject({ botId, command: '/group', common: false, hidden: false, extranetSupport: false });
    const untitled = await call('imbot.v2.Command.register', { botId, fields: { command: 'help' } });
    expect(untitled.body.error).toBe('COMMAND_TITLE_REQUIRED');
    const hidden = await call('imbot.v2.Command.register', { botId, fields: { command: 'btn', hidden: 'Y' } });
    expect(hidden.status).toBe(200);
    const list = await call('imbot.v2.Command.list', { botId });
    const commands = (list.body.result as { commands: Array<Record<string, unknown>> }).commands;
    expect(commands[0]).toMatchObject({ command: '/group', title: 'Study groups', params: 'create <name>', category: 'StudyBot' });
  });
});

describe('booleans as the docs define them (JSON true/false or "Y"/"N")', () => {
  const cmd = (name: string, flags: Record<string, string>) =>
    `imbot.v2.Command.register?${new URLSearchParams({ botId: String(botId), 'fields[command]': name, 'fields[title][en]': name, ...Object.fromEntries(Object.entries(flags).map(([k, v]) => [`fields[${k}]`, v])) })}`;

  it('reads "Y"/"N" in batch, and not the strings "true"/"false" a boolean becomes there', async () => {
    const reply = await call('batch', {
      cmd: {
        yn: cmd('yn', { common: 'Y', hidden: 'N', extranetSupport: 'Y' }),
        words: cmd('words', { common: 'true', hidden: 'false', extranetSupport: 'true' }),
      },
    });
    const out = (reply.body.result as { result: Record<string, { command: Record<string, unknown> }> }).result;
    expect(out.yn!.command).toMatchObject({ common: true, hidden: false, extranetSupport: true });
    expect(out.words!.command).toMatchObject({ common: false, hidden: false, extranetSupport: false });
  });

  it('takes urlPreview as a boolean or Y/N on send, only as Y/N on update', async () => {
    const dialogId = String(world.ids.learners[0]);
    const sent = await call('imbot.v2.Chat.Message.send', { botId, dialogId, fields: { message: 'https://example.org', urlPreview: false } });
    const id = (sent.body.result as { id: number }).id;
    const preview = () => world.portal.state.messages.get(id)!.urlPreview;
    expect(preview()).toBe(false);
    await call('imbot.v2.Chat.Message.update', { botId, messageId: id, fields: { urlPreview: 'Y' } });
    expect(preview()).toBe(true);
    await call('imbot.v2.Chat.Message.update', { botId, messageId: id, fields: { urlPreview: false } });
    expect(preview()).toBe(true);
    await call('imbot.v2.Chat.Message.update', { botId, messageId: id, fields: { urlPreview: 'N' } });
    expect(preview()).toBe(false);
  });
});

describe('Chat.Message.*', () => {
  const anna = () => world.ids.learners[0];

  it('sends into a new private dialog; keyboards keep only UPPER_CASE buttons with an action', async () => {
    const reply = await call('imbot.v2.Chat.Message.send', {
      botId,
      dialogId: String(anna()),
      fields: {
        message: 'Hello',
        keyboard: [
          { TEXT: 'Go', COMMAND: 'group', COMMAND_PARAMS: 'list', BLOCK: 'Y' },
          { text: 'lower-case is dropped', command: 'group' },
          { TYPE: 'NEWLINE' },
          { TEXT: 'No action' },
          { TEXT: 'Site', LINK: 'https://example.org' },
        ],
      },
    });
    expect(reply.body.result).toEqual({ id: expect.any(Number), uuidMap: {} });
    const last = world.portal.lastBotMessage(anna(), String(botId));
    expect(last?.text).toBe('Hello');
    expect(last?.keyboard?.map((b) => b.text)).toEqual(['Go', 'Site']);
    const bad = await call('imbot.v2.Chat.Message.send', { botId, dialogId: String(anna()), fields: { message: 'x', keyboard: [{ text: 'a', command: 'b' }] } });
    expect(bad.body.error).toBe('KEYBOARD_ERROR');
  });

  it('refuses empty messages, oversized attachments and chats the bot is not in; truncates long text', async () => {
    const empty = await call('imbot.v2.Chat.Message.send', { botId, dialogId: String(anna()), fields: { message: '  ' } });
    expect(empty.body.error).toBe('EMPTY_MESSAGE');
    const huge = await call('imbot.v2.Chat.Message.send', {
      botId,
      dialogId: String(anna()),
      fields: { message: 'x', attach: [{ MESSAGE: 'y'.repeat(61_000) }] },
    });
    expect(huge.body.error).toBe('ATTACH_OVERSIZE');
    const chat = await world.portal.createChat({ title: 'No bot here', ownerId: anna(), memberIds: [world.ids.learners[1]] });
    const denied = await call('imbot.v2.Chat.Message.send', { botId, dialogId: chat.dialogId, fields: { message: 'hi' } });
    expect(denied.body.error).toBe('ACCESS_DENIED');
    await call('imbot.v2.Chat.Message.send', { botId, dialogId: String(anna()), fields: { message: 'z'.repeat(20_050) } });
    const text = world.portal.lastBotMessage(anna(), String(botId))?.text ?? '';
    expect(text.length).toBe(20_006);
    expect(text.endsWith(' (...)')).toBe(true);
  });

  it('updates only its own non-system messages; keyboard "N" removes the keyboard', async () => {
    const sent = await call('imbot.v2.Chat.Message.send', {
      botId,
      dialogId: String(anna()),
      fields: { message: 'Pick', keyboard: [{ TEXT: 'A', COMMAND: 'x' }] },
    });
    const id = (sent.body.result as { id: number }).id;
    const upd = await call('imbot.v2.Chat.Message.update', { botId, messageId: id, fields: { message: 'Picked', keyboard: 'N' } });
    expect(upd.body.result).toEqual({ result: true });
    const view = world.portal.dialog(anna(), String(botId)).find((m) => m.id === id);
    expect(view).toMatchObject({ text: 'Picked', edited: true, keyboard: null });
    const system = await call('imbot.v2.Chat.Message.send', { botId, dialogId: String(anna()), fields: { message: 'sys', system: 'Y' } });
    const sysId = (system.body.result as { id: number }).id;
    expect(world.portal.state.messages.get(sysId)?.authorId).toBe(0);
    const refused = await call('imbot.v2.Chat.Message.update', { botId, messageId: sysId, fields: { message: 'no' } });
    expect(refused.body.error).toBe('ACCESS_DENIED');
    const userMessage = await world.portal.as(anna()).send(String(botId), 'mine');
    const foreign = await call('imbot.v2.Chat.Message.update', { botId, messageId: userMessage.messageId, fields: { message: 'no' } });
    expect(foreign.body.error).toBe('ACCESS_DENIED');
  });

  it('an update with only keyboard "N", or an empty keyboard value, removes the buttons and keeps the text', async () => {
    for (const empty of ['N', '', [], {}]) {
      const sent = await call('imbot.v2.Chat.Message.send', {
        botId,
        dialogId: String(anna()),
        fields: { message: 'Vote', keyboard: [{ TEXT: 'A', COMMAND: 'x' }] },
      });
      const id = (sent.body.result as { id: number }).id;
      const upd = await call('imbot.v2.Chat.Message.update', { botId, messageId: id, fields: { keyboard: empty } });
      expect(upd.body.result, JSON.stringify(empty)).toEqual({ result: true });
      const view = world.portal.dialog(anna(), String(botId)).find((m) => m.id === id);
      expect(view, JSON.stringify(empty)).toMatchObject({ text: 'Vote', keyboard: null, deleted: false });
    }
  });

  it('a send with an empty list of buttons is KEYBOARD_ERROR (removal by an empty value is for update only)', async () => {
    const sent = await call('imbot.v2.Chat.Message.send', { botId, dialogId: String(anna()), fields: { message: 'Vote', keyboard: [] } });
    expect(sent.body.error).toBe('KEYBOARD_ERROR');
  });
});

describe('Chat.*', () => {
  it('creates a chat with the bot as owner and member; non-members are refused', async () => {
    const added = await call('imbot.v2.Chat.add', {
      botId,
      fields: { title: 'Physics 101', userIds: [world.ids.learners[0], 999_999], message: 'Welcome' },
    });
    const chat = (added.body.result as { chat: Record<string, unknown>; users: unknown[] }).chat;
    expect(chat).toMatchObject({ type: 'chat', name: 'Physics 101', owner: botId, role: 'owner', isNew: true, textFieldEnabled: 'Y' });
    expect((added.body.result as { users: unknown[] }).users).toHaveLength(2);
    const dialogId = String(chat.dialogId);
    const members = await call('imbot.v2.Chat.User.list', { botId, dialogId });
    expect(Array.isArray(members.body.result)).toBe(true);
    await call('imbot.v2.Chat.User.add', { botId, dialogId, userIds: [world.ids.learners[1]] });
    expect(world.portal.state.chats.get(Number(chat.id))?.members.has(world.ids.learners[1])).toBe(true);
    expect((await call('imbot.v2.Chat.User.delete', { botId, dialogId, userId: world.ids.learners[5] })).body.result).toEqual({ result: true });
    expect((await call('imbot.v2.Chat.leave', { botId, dialogId })).body.result).toEqual({ result: true });
    expect((await call('imbot.v2.Chat.get', { botId, dialogId })).body.error).toBe('ACCESS_DENIED');
  });

  it('refuses a SONET_GROUP chat (never a second chat for a workgroup) and a member add without ids', async () => {
    const before = world.portal.state.chats.size;
    const sonet = await call('imbot.v2.Chat.add', {
      botId,
      fields: { title: 'Second system chat', entityType: 'SONET_GROUP', entityId: String(world.ids.moderatorGroup), userIds: [world.ids.learners[0]] },
    });
    expect(sonet.body.error).toBe('SONET_GROUP_CHAT_FORBIDDEN');
    expect(world.portal.state.chats.size).toBe(before);

    const added = await call('imbot.v2.Chat.add', { botId, fields: { title: 'Cohort', userIds: [world.ids.learners[0]] } });
    const dialogId = String((added.body.result as { chat: { dialogId: string } }).chat.dialogId);
    expect((await call('imbot.v2.Chat.User.add', { botId, dialogId })).body.error).toBe('INVALID_ARGUMENTS');
    expect((await call('imbot.v2.Chat.User.add', { botId, dialogId, userIds: [] })).body.error).toBe('INVALID_ARGUMENTS');
    // Deleting someone who is not in the chat is fine (idempotent).
    expect((await call('imbot.v2.Chat.User.delete', { botId, dialogId, userId: world.ids.learners[3] })).body.result).toEqual({ result: true });
  });
});
