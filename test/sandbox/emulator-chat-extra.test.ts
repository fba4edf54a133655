// The wider imbot.v2 chat surface: reactions, the text field, context, managers and supervisor-only reading.
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
const anna = () => world.ids.learners[0];

async function botSays(text: string): Promise<number> {
  const reply = await call('imbot.v2.Chat.Message.send', { botId, dialogId: String(anna()), fields: { message: text } });
  return (reply.body.result as { id: number }).id;
}

describe('reactions', () => {
  it('tells the bot about reactions on its own messages; refuses a second identical reaction by the bot', async () => {
    const id = await botSays('Rate me');
    const outcomes = await world.portal.as(anna()).react(id, 'like');
    expect(outcomes[0]).toMatchObject({ event: 'ONIMBOTV2REACTIONCHANGE', httpStatus: 200 });
    const data = world.receiver.byEvent('ONIMBOTV2REACTIONCHANGE')[0]?.parsed.data as Record<string, unknown>;
    expect(data).toMatchObject({ reaction: 'like', action: 'add' });
    const own = await world.portal.as(anna()).send(String(botId), 'mine');
    expect(await world.portal.as(anna()).react(own.messageId, 'like')).toEqual([]);

    expect((await call('imbot.v2.Chat.Message.Reaction.add', { botId, messageId: own.messageId, reaction: 'fire' })).body.result).toEqual({ result: true });
    const twice = await call('imbot.v2.Chat.Message.Reaction.add', { botId, messageId: own.messageId, reaction: 'fire' });
    expect(twice.body.error).toBe('REACTION_ALREADY_SET');
    const unknown = await call('imbot.v2.Chat.Message.Reaction.add', { botId, messageId: own.messageId, reaction: 'banana' });
    expect(unknown.body.error).toBe('REACTION_NOT_FOUND');
  });

  it('stays silent when reactions are disabled for the bot', async () => {
    await call('imbot.v2.Bot.update', { botId, fields: { isReactionsEnabled: 'N' } });
    const id = await botSays('Quiet');
    expect(await world.portal.as(anna()).react(id, 'like')).toEqual([]);
  });
});

describe('chat UI', () => {
  it('disables the text field so only buttons remain', async () => {
    await botSays('Pick a button');
    expect((await call('imbot.v2.Chat.TextField.enabled', { botId, dialogId: String(anna()), enabled: false })).body.result).toEqual({ result: true });
    await expect(world.portal.as(anna()).send(String(botId), 'typing anyway')).rejects.toThrow(/text field/);
    const chat = await call('imbot.v2.Chat.get', { botId, dialogId: String(anna()) });
    expect((chat.body.result as { chat: { textFieldEnabled: string } }).chat.textFieldEnabled).toBe('N');
  });

  it('sends CONTEXTGET with the context object when a chat is opened with one', async () => {
    await world.portal.as(anna()).openWithContext(String(botId), { scenario: 'pair', code: 'abc' });
    const post = world.receiver.byEvent('ONIMBOTV2CONTEXTGET')[0]?.parsed as { data: Record<string, unknown>; auth: Record<string, string> };
    expect(post.data).toMatchObject({ dialogId: String(anna()), context: { scenario: 'pair', code: 'abc' } });
    expect(post.auth.refresh_token).toBeTruthy();
  });

  it('lets only the owner manage managers; manager bots may then add users', async () => {
    const created = await call('imbot.v2.Chat.add', { botId, fields: { title: 'Team', userIds: [anna(), world.ids.learners[1]] } });
    const dialogId = String((created.body.result as { chat: { dialogId: string } }).chat.dialogId);
    expect((await call('imbot.v2.Chat.Manager.add', { botId, dialogId, userIds: [] })).body.error).toBe('EMPTY_USER_IDS');
    await call('imbot.v2.Chat.Manager.add', { botId, dialogId, userIds: [anna()] });
    await call('imbot.v2.Chat.setOwner', { botId, dialogId, userId: anna() });
    const notOwner = await call('imbot.v2.Chat.Manager.add', { botId, dialogId, userIds: [world.ids.learners[1]] });
    expect(notOwner.body.error).toBe('ACCESS_DENIED');
    const userAdd = await call('imbot.v2.Chat.User.add', { botId, dialogId, userIds: [world.ids.learners[2]] });
    expect(userAdd.body.error).toBe('ACCESS_DENIED');
  });

  it('keeps Chat.Message.get/getContext for supervisor and personal bots', async () => {
    const id = await botSays('hello');
    expect((await call('imbot.v2.Chat.Message.get', { botId, messageId: id })).body.error).toBe('BOT_TYPE_NOT_ALLOWED');
    const sup = await call('imbot.v2.Bot.register', { fields: { code: 'sup', type: 'supervisor', properties: { name: 'Sup' } } });
    const supId = (sup.body.result as { bot: { id: number } }).bot.id;
    const chat = await world.portal.createChat({ title: 'Watched', ownerId: anna(), withBot: supId });
    const said = await world.portal.as(anna()).send(chat.dialogId, 'anything at all');
    const got = await call('imbot.v2.Chat.Message.get', { botId: supId, messageId: said.messageId });
    expect(got.body.result).toMatchObject({ message: { text: 'anything at all' }, user: { id: anna() } });
    const context = await call('imbot.v2.Chat.Message.getContext', { botId: supId, messageId: said.messageId, range: 5 });
    expect((context.body.result as { messages: unknown[] }).messages).toHaveLength(1);
    expect((await call('imbot.v2.Chat.Message.get', { botId: supId, messageId: id })).body.error).toBe('MESSAGE_ACCESS_DENIED');
    const queued = await call('imbot.v2.Event.get', { botId: supId });
    expect((queued.body.result as { events: Array<{ type: string }> }).events.map((e) => e.type)).toEqual(['ONIMBOTV2JOINCHAT', 'ONIMBOTV2MESSAGEADD']);
  });
});
