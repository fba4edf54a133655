// imbot.v2.File.upload over real HTTP (bot doc §10): one call stores the file and posts the bot's message with it; its errors.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { callRest, registerWebhookBot, startWorld, stopWorld, type World } from './helpers.js';

let world: World;
let botId: number;

beforeEach(async () => {
  world = await startWorld();
  botId = await registerWebhookBot(world);
});
afterEach(async () => stopWorld(world));

const upload = (params: Record<string, unknown>) => callRest(world.base, 'imbot.v2.File.upload', { auth: world.adminToken, ...params });
const b64 = (text: string) => Buffer.from(text).toString('base64');
/** A PNG header of 900×500 (signature, IHDR) and some bytes: enough for the portal to see an image. */
function pngBytes(): Buffer {
  const head = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  const size = Buffer.alloc(8);
  size.writeUInt32BE(900, 0);
  size.writeUInt32BE(500, 4);
  return Buffer.concat([head, size, Buffer.alloc(64, 7)]);
}

describe('File.upload', () => {
  it('posts a message from the bot with the file and caption; answers file, messageId, chatId, dialogId; File.download gives the bytes back', async () => {
    const anna = world.ids.learners[0];
    const chat = await world.portal.createChat({ title: 'Team', ownerId: anna, withBot: botId });
    const reply = await upload({ botId, dialogId: chat.dialogId, fields: { name: 'Chart.PNG', content: pngBytes().toString('base64'), message: 'Progress' } });
    expect(reply.status).toBe(200);
    const result = reply.body.result as { file: Record<string, unknown>; messageId: number; chatId: number; dialogId: string };
    expect(result.file).toEqual({ id: expect.any(Number), chatId: chat.id, name: 'Chart.PNG', extension: 'png', size: pngBytes().byteLength });
    expect(result).toMatchObject({ chatId: chat.id, dialogId: chat.dialogId, messageId: expect.any(Number) });
    const shown = world.portal.dialog(anna, chat.dialogId).find((m) => m.id === result.messageId);
    expect(shown).toMatchObject({ authorId: botId, text: 'Progress' });
    expect(shown?.files).toEqual([{ id: result.file.id, name: 'Chart.PNG', extension: 'png', type: 'image', size: pngBytes().byteLength, image: { width: 900, height: 500 } }]);
    const link = await callRest(world.base, 'imbot.v2.File.download', { auth: world.adminToken, botId, fileId: result.file.id });
    const bytes = Buffer.from(await (await fetch((link.body.result as { downloadUrl: string }).downloadUrl)).arrayBuffer());
    expect(bytes.equals(pngBytes())).toBe(true);
  });

  it('into a private dialog with a person (opened as a send would), without a caption: an empty text, a plain file', async () => {
    const anna = world.ids.learners[0];
    const reply = await upload({ botId, dialogId: String(anna), fields: { name: 'learners.csv', content: b64('name\nАнна\n') } });
    expect(reply.status).toBe(200);
    const mine = world.portal.dialog(anna, String(botId));
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ text: '', files: [{ name: 'learners.csv', type: 'file', image: false }] });
  });

  it.each<[string, () => Record<string, unknown>, string]>([
    ['no botId', () => ({ dialogId: 'chat1', fields: { name: 'a.txt', content: b64('x') } }), 'BOT_ID_REQUIRED'],
    ['unknown bot', () => ({ botId: 999_999, dialogId: 'chat1', fields: { name: 'a.txt', content: b64('x') } }), 'BOT_NOT_FOUND'],
    ['no name', () => ({ botId, dialogId: String(world.ids.admin), fields: { content: b64('x') } }), 'FILE_EMPTY'],
    ['no content', () => ({ botId, dialogId: String(world.ids.admin), fields: { name: 'a.txt', content: '' } }), 'FILE_EMPTY'],
    ['a data: prefix', () => ({ botId, dialogId: String(world.ids.admin), fields: { name: 'a.txt', content: `data:text/plain;base64,${b64('x')}` } }), 'FILE_INVALID_CONTENT'],
    ['not Base64', () => ({ botId, dialogId: String(world.ids.admin), fields: { name: 'a.txt', content: 'a$b' } }), 'FILE_INVALID_CONTENT'],
  ])('%s → %s, nothing posted', async (_name, params, code) => {
    const before = world.portal.state.messages.size;
    const reply = await upload(params());
    expect(reply.status).toBe(400);
    expect(reply.body.error).toBe(code);
    expect(world.portal.state.messages.size).toBe(before);
    expect(world.portal.state.files.size).toBe(0);
  });

  it('over the limit: FILE_TOO_LARGE', async () => {
    world.portal.uploadLimitBase64 = 16;
    const reply = await upload({ botId, dialogId: String(world.ids.admin), fields: { name: 'a.txt', content: b64('0123456789abcdef') } });
    expect(reply.body.error).toBe('FILE_TOO_LARGE');
    expect(world.portal.state.files.size).toBe(0);
  });

  it('a chat the bot is not in: ACCESS_DENIED, nothing posted', async () => {
    const [a, b] = world.ids.learners;
    const chat = await world.portal.createChat({ title: 'No bot here', ownerId: a, memberIds: [b] });
    const reply = await upload({ botId, dialogId: chat.dialogId, fields: { name: 'a.txt', content: b64('x') } });
    expect(reply.body.error).toBe('ACCESS_DENIED');
    expect(world.portal.dialog(a, chat.dialogId).some((m) => m.files.length > 0)).toBe(false);
  });
});
