// imbot.v2.File.download over real HTTP (bot doc §10): files sent to the bot, the one-time link, and its errors.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { callRest, registerWebhookBot, startWorld, stopWorld, type World } from './helpers.js';

let world: World;
let botId: number;

beforeEach(async () => {
  world = await startWorld();
  botId = await registerWebhookBot(world);
});
afterEach(async () => stopWorld(world));

const call = (params: Record<string, unknown>) => callRest(world.base, 'imbot.v2.File.download', { auth: world.adminToken, ...params });

describe('File.download', () => {
  it('a file sent to the bot: FILE_ID in the event, a one-time downloadUrl on the portal serving the bytes', async () => {
    const learner = world.portal.as(world.ids.learners[0]);
    const sent = await learner.sendFile(String(botId), 'program.csv', 'topic,level\nПароли,beginner\n', 'caption');
    await world.portal.flush();
    const event = world.receiver.posts.find((p) => p.parsed.event === 'ONIMBOTV2MESSAGEADD');
    const data = event?.parsed.data as { message: { text: string; params: { FILE_ID: string[] } } } | undefined;
    expect(data?.message.params.FILE_ID).toEqual([String(sent.fileId)]);
    expect(data?.message.text).toBe('caption');
    const reply = await call({ botId, fileId: sent.fileId });
    expect(reply.status).toBe(200);
    const url = (reply.body.result as { downloadUrl: string }).downloadUrl;
    expect(url.startsWith(`${world.base}download.json?token=`)).toBe(true);
    const first = await fetch(url);
    expect(first.status).toBe(200);
    expect(new TextDecoder().decode(await first.arrayBuffer())).toBe('topic,level\nПароли,beginner\n');
    expect(first.headers.get('content-disposition')).toContain('program.csv');
    // One-time: the same link does not work twice.
    expect((await fetch(url)).status).toBe(404);
  });

  it.each<[string, (fileId: number) => Record<string, unknown>, string]>([
    ['no botId', (fileId) => ({ fileId }), 'BOT_ID_REQUIRED'],
    ['unknown bot', (fileId) => ({ botId: 999_999, fileId }), 'BOT_NOT_FOUND'],
    ['no fileId', () => ({ botId }), 'INVALID_ARGUMENTS'],
    ['unknown file', () => ({ botId, fileId: 424_242 }), 'FILE_NOT_FOUND'],
  ])('%s → %s', async (_name, params, code) => {
    const sent = await world.portal.as(world.ids.learners[0]).sendFile(String(botId), 'a.txt', 'x');
    const reply = await call(params(sent.fileId));
    expect(reply.status).toBe(400);
    expect(reply.body.error).toBe(code);
  });

  it('a file in a chat the bot is not in: FILE_ACCESS_ERROR', async () => {
    const [a, b] = world.ids.learners;
    const sent = await world.portal.as(a).sendFile(String(b), 'private.txt', 'secret');
    const reply = await call({ botId, fileId: sent.fileId });
    expect(reply.body.error).toBe('FILE_ACCESS_ERROR');
  });

  it('an unknown token is a 404', async () => {
    expect((await fetch(`${world.base}download.json?token=imbot%7Cforged`)).status).toBe(404);
  });
});
