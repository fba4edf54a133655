// Webhook-mode events: PHP form bodies, dispatch rules, commands, keyboard clicks, answers, delivery switches.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { callRest, registerWebhookBot, startWorld, stopWorld, type ReceivedPost, type World } from './helpers.js';

let world: World;
let botId: number;
let commandId: number;

beforeEach(async () => {
  world = await startWorld();
  botId = await registerWebhookBot(world);
  const reply = await call('imbot.v2.Command.register', {
    botId,
    fields: { command: 'group', title: { en: 'Study groups' }, params: { en: 'create <name>' } },
  });
  commandId = (reply.body.result as { command: { id: number } }).command.id;
});

afterEach(async () => {
  await stopWorld(world);
});

const call = (method: string, params: Record<string, unknown> = {}) => callRest(world.base, method, { auth: world.adminToken, ...params });

/** Decoded keys of a form body in wire order. */
function formKeys(post: ReceivedPost): string[] {
  return post.raw.split('&').map((pair) => decodeURIComponent((pair.split('=')[0] ?? '').replace(/\+/g, ' ')));
}

const AUTH_KEYS = ['access_token', 'expires', 'expires_in', 'scope', 'domain', 'server_endpoint', 'status', 'client_endpoint', 'member_id', 'user_id', 'refresh_token', 'application_token'];
const MESSAGE_KEYS = ['id', 'chatId', 'chat_id', 'authorId', 'author_id', 'date', 'text', 'isSystem', 'uuid', 'forward', 'viewedByOthers'];
const CHAT_KEYS = ['id', 'dialogId', 'name', 'type', 'messageType', 'owner', 'color', 'avatar', 'description', 'extranet', 'containsCollaber', 'entityType', 'entityId', 'entityData1', 'entityData2', 'entityData3', 'diskFolderId', 'parentChatId', 'parentMessageId', 'isNew', 'textFieldEnabled', 'backgroundId'];
const USER_KEYS = ['id', 'active', 'name', 'firstName', 'lastName', 'workPosition', 'color', 'avatar', 'gender', 'birthday', 'extranet', 'bot', 'connector', 'externalAuthId', 'status', 'idle', 'lastActivityDate', 'mobileLastDate', 'desktopLastDate', 'absent', 'departments][0', 'phones', 'type', 'website', 'email'];

/** The key set of bot doc §5.8 (ONIMBOTV2COMMANDADD), in order. */
const DOC_COMMAND_KEYS = [
  'event',
  'event_handler_id',
  'data[bot][id]',
  'data[bot][code]',
  ...AUTH_KEYS.map((k) => `data[bot][auth][${k}]`),
  ...['id', 'command', 'params', 'context'].map((k) => `data[command][${k}]`),
  ...MESSAGE_KEYS.map((k) => `data[message][${k}]`),
  ...CHAT_KEYS.map((k) => `data[chat][${k}]`),
  ...USER_KEYS.map((k) => `data[user][${k}]`),
  'data[language]',
  'ts',
  ...AUTH_KEYS.map((k) => `auth[${k}]`),
];

describe('typed commands and messages', () => {
  it('turns a typed /group into COMMANDADD (no MESSAGEADD) with the documented form key set', async () => {
    const anna = world.portal.as(world.ids.learners[0]);
    const sent = await anna.send(String(botId), '/group create Foo');
    expect(sent.outcomes).toEqual([expect.objectContaining({ event: 'ONIMBOTV2COMMANDADD', httpStatus: 200, mode: 'webhook' })]);
    expect(world.receiver.byEvent('ONIMBOTV2MESSAGEADD')).toHaveLength(0);
    const post = world.receiver.byEvent('ONIMBOTV2COMMANDADD')[0];
    if (!post) throw new Error('no COMMANDADD');
    expect(post.contentType).toBe('application/x-www-form-urlencoded');
    expect(post.raw).toContain('data%5Bmessage%5D%5Btext%5D=%2Fgroup+create+Foo');

    const keys = formKeys(post);
    // PHP http_build_query drops nulls: `forward` and `backgroundId` (null) are absent on the wire.
    const expected = DOC_COMMAND_KEYS.filter((k) => k !== 'data[message][forward]' && k !== 'data[chat][backgroundId]');
    expect(keys.filter((k) => expected.includes(k))).toEqual(expected);
    const extra = keys.filter((k) => !expected.includes(k));
    expect(extra.every((k) => k.startsWith('data[chat][entityLink]') || k.startsWith('data[chat][permissions]'))).toBe(true);

    const p = post.parsed as { data: Record<string, Record<string, unknown>>; auth: Record<string, string> };
    expect(p.data.command).toEqual({ id: String(commandId), command: '/group', params: 'create Foo', context: 'textarea' });
    expect(p.data.chat).toMatchObject({ dialogId: String(world.ids.learners[0]), type: 'private', messageType: 'P', isNew: '0', extranet: '0' });
    expect(p.data.user).toMatchObject({ id: String(world.ids.learners[0]), bot: '0', idle: '0', phones: '0', type: 'employee' });
    expect(p.data.message).toMatchObject({ isSystem: '0', authorId: String(world.ids.learners[0]) });
    expect(p.auth.user_id).toBe(String(world.ids.learners[0]));
    expect((p.data.bot?.auth as Record<string, string>).user_id).toBe(String(botId));
    expect(p.auth.application_token).toBe((p.data.bot?.auth as Record<string, string>).application_token);
    // The human's token really works, with the human's rights.
    const asAnna = await callRest(world.base, 'user.admin', { auth: p.auth.access_token });
    expect(asAnna.body.result).toBe(false);
  });

  it('sends MESSAGEADD for plain text in the private dialog; bots never trigger events', async () => {
    await world.portal.as(world.ids.learners[0]).send(String(botId), 'my courses');
    const post = world.receiver.byEvent('ONIMBOTV2MESSAGEADD')[0];
    expect((post?.parsed.data as { message: { text: string } }).message.text).toBe('my courses');
    await call('imbot.v2.Chat.Message.send', { botId, dialogId: String(world.ids.learners[0]), fields: { message: 'reply' } });
    await world.portal.flush();
    expect(world.receiver.byEvent('ONIMBOTV2MESSAGEADD')).toHaveLength(1);
  });

  it('delivers group-chat messages only with a mention, and only when the bot is a member', async () => {
    const owner = world.ids.moderators[0];
    const chat = await world.portal.createChat({ title: 'Physics', ownerId: owner, memberIds: [world.ids.learners[0]], withBot: botId });
    expect(chat.outcomes[0]).toMatchObject({ event: 'ONIMBOTV2JOINCHAT', httpStatus: 200 });
    const join = world.receiver.byEvent('ONIMBOTV2JOINCHAT')[0]?.parsed as { data: Record<string, unknown>; auth: Record<string, string> };
    expect(join.data.dialogId).toBe(chat.dialogId);
    expect(join.auth).not.toHaveProperty('refresh_token');
    const mark = world.portal.as(owner);
    expect((await mark.send(chat.dialogId, 'hello all')).outcomes).toHaveLength(0);
    const mentioned = await mark.send(chat.dialogId, `[USER=${botId}]StudyBot[/USER] when is the next meeting?`);
    expect(mentioned.outcomes).toHaveLength(1);
    const command = await mark.send(chat.dialogId, '/group list');
    expect(command.outcomes[0]?.event).toBe('ONIMBOTV2COMMANDADD');
    const other = await world.portal.createChat({ title: 'No bot', ownerId: owner });
    expect((await mark.send(other.dialogId, `[USER=${botId}]StudyBot[/USER] hi`)).outcomes).toHaveLength(0);
    expect((await mark.send(other.dialogId, '/group list')).outcomes).toHaveLength(0);
  });

  it('keeps non-extranet commands from extranet users (the text is then an ordinary message)', async () => {
    const sent = await world.portal.as(world.ids.external).send(String(botId), '/group list');
    expect(sent.outcomes.map((o) => o.event)).toEqual(['ONIMBOTV2MESSAGEADD']);
  });

  it('sends JOINCHAT without refresh_token when a user opens the dialog', async () => {
    await world.portal.as(world.ids.learners[1]).openBotDialog(botId);
    const join = world.receiver.byEvent('ONIMBOTV2JOINCHAT')[0]?.parsed as { data: Record<string, unknown>; auth: Record<string, string> };
    expect(join.data.dialogId).toBe(String(world.ids.learners[1]));
    expect(join.auth).not.toHaveProperty('refresh_token');
    expect(join.auth.access_token).toBeTruthy();
  });
});

describe('keyboards and answers', () => {
  it('turns a button click into COMMANDADD with context keyboard; BLOCK disables the button', async () => {
    const anna = world.portal.as(world.ids.learners[0]);
    const sent = await call('imbot.v2.Chat.Message.send', {
      botId,
      dialogId: String(world.ids.learners[0]),
      fields: { message: 'Choose', keyboard: [{ TEXT: 'Set dates', COMMAND: 'group', COMMAND_PARAMS: 'dates 7', BLOCK: 'Y' }] },
    });
    const messageId = (sent.body.result as { id: number }).id;
    const before = world.portal.dialog(world.ids.learners[0], String(botId)).length;
    const press = await anna.press(messageId, 'Set dates');
    expect(press.outcomes[0]).toMatchObject({ event: 'ONIMBOTV2COMMANDADD', httpStatus: 200 });
    expect(world.portal.dialog(world.ids.learners[0], String(botId)).length).toBe(before);
    const data = world.receiver.byEvent('ONIMBOTV2COMMANDADD')[0]?.parsed.data as Record<string, Record<string, string>>;
    expect(data.command).toEqual({ id: String(commandId), command: '/group', params: 'dates 7', context: 'keyboard' });
    expect(data.message).toMatchObject({ id: String(messageId), authorId: String(botId) });
    await expect(anna.press(messageId, 'Set dates')).rejects.toThrow(/disabled/);
    await expect(anna.press(messageId, 'Nope')).rejects.toThrow(/no button/);
  });

  it('answers a command with Command.answer: a bot message where it is a member, a system one elsewhere', async () => {
    const anna = world.portal.as(world.ids.learners[0]);
    const { messageId } = await anna.send(String(botId), '/group create Foo');
    const reply = await call('imbot.v2.Command.answer', {
      botId,
      commandId,
      messageId,
      dialogId: String(world.ids.learners[0]),
      fields: { message: 'Created' },
    });
    expect(reply.body.result).toEqual({ result: true });
    expect(world.portal.lastBotMessage(world.ids.learners[0], String(botId))).toMatchObject({ text: 'Created', authorId: botId, system: false });

    await call('imbot.v2.Command.update', { botId, commandId, fields: { common: true } });
    const chat = await world.portal.createChat({ title: 'Elsewhere', ownerId: world.ids.learners[0] });
    const inChat = await anna.send(chat.dialogId, '/group list');
    await call('imbot.v2.Command.answer', { botId, commandId, messageId: inChat.messageId, dialogId: chat.dialogId, fields: { message: 'Groups: none' } });
    const last = world.portal.lastBotMessage(world.ids.learners[0], chat.dialogId);
    expect(last).toMatchObject({ system: true, authorId: 0, onBehalfOfBotId: botId });
    expect(last?.text).toContain(`[USER=${botId}]`);
  });
});

describe('webhook-owned bots', () => {
  it('get the synthetic application token custom+botToken and no OAuth tokens', async () => {
    const hook = world.portal.createInboundWebhook(world.ids.admin, ['imbot']);
    const reg = await callRest(hook, 'imbot.v2.Bot.register', {
      botToken: 'hook-token-1',
      fields: { code: 'hooked', eventMode: 'webhook', webhookUrl: `${world.receiver.url}/hooked`, properties: { name: 'Hooked' } },
    });
    const hookedId = (reg.body.result as { bot: { id: number } }).bot.id;
    await world.portal.as(world.ids.learners[0]).send(String(hookedId), 'hi');
    const post = world.receiver.posts.find((p) => p.url === '/hooked')?.parsed as { data: { bot: Record<string, unknown> }; auth: Record<string, string> };
    expect(post.auth).toEqual({
      domain: 'acme.bitrix24.local',
      server_endpoint: `${world.emu.origin}/rest/`,
      client_endpoint: world.base,
      member_id: world.portal.memberId,
      application_token: 'customhook-token-1',
    });
    expect(post.data.bot).toEqual({ id: String(hookedId), code: 'hooked' });
  });
});

describe('delivery switches', () => {
  it('can lose or duplicate the next deliveries', async () => {
    const anna = world.portal.as(world.ids.learners[0]);
    world.portal.setDeliveryFaults({ lose: 1 });
    const lost = await anna.send(String(botId), 'one');
    expect(lost.outcomes[0]?.httpStatus).toBe('lost');
    expect(world.receiver.byEvent('ONIMBOTV2MESSAGEADD')).toHaveLength(0);
    world.portal.setDeliveryFaults({ duplicate: 1 });
    await anna.send(String(botId), 'two');
    expect(world.receiver.byEvent('ONIMBOTV2MESSAGEADD')).toHaveLength(2);
  });

  it('holds webhooks during an outage and sends them when the portal is back', async () => {
    await world.portal.setOnline(false);
    const held = await world.portal.as(world.ids.learners[0]).send(String(botId), 'during outage');
    expect(held.outcomes[0]?.httpStatus).toBe('paused');
    expect(world.receiver.byEvent('ONIMBOTV2MESSAGEADD')).toHaveLength(0);
    await world.portal.setOnline(true);
    expect(world.receiver.byEvent('ONIMBOTV2MESSAGEADD')).toHaveLength(1);
  });

  it('records the receiver status of each event in portal.events', async () => {
    world.receiver.status = 500;
    const sent = await world.portal.as(world.ids.learners[0]).send(String(botId), 'fails');
    expect(sent.outcomes[0]?.httpStatus).toBe(500);
    const logged = world.portal.events.at(-1);
    expect(logged).toMatchObject({ event: 'ONIMBOTV2MESSAGEADD', httpStatus: 500 });
    expect(JSON.stringify(logged?.body)).not.toMatch(/access_token":"[0-9a-f]{20,}/);
  });
});

describe('app lifecycle', () => {
  it('posts ONAPPUNINSTALL to bound handlers and ONIMBOTV2DELETE for the app bots', async () => {
    const bind = await call('event.bind', { event: 'ONAPPUNINSTALL', handler: `${world.receiver.url}/uninstall` });
    expect(bind.body.result).toBe(true);
    const twice = await call('event.bind', { event: 'ONAPPUNINSTALL', handler: `${world.receiver.url}/uninstall` });
    expect(twice.status).toBe(400);
    await world.portal.uninstallApp();
    const uninstall = world.receiver.byEvent('ONAPPUNINSTALL')[0]?.parsed as { data: Record<string, string>; auth: Record<string, string> };
    expect(uninstall.data).toEqual({ LANGUAGE_ID: 'en', CLEAN: '1' });
    expect(Object.keys(uninstall.auth).sort()).toEqual(['application_token', 'client_endpoint', 'domain', 'member_id', 'server_endpoint']);
    expect(world.receiver.byEvent('ONIMBOTV2DELETE')).toHaveLength(1);
    expect(world.portal.state.bots.size).toBe(0);
  });
});
