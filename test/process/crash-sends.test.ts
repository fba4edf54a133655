// Issue 11: the real bot process killed the instant Bitrix24 has made one of its messages, before the
// answer reaches the bot: after the restart nobody has that message twice, for an answer to a command
// (the event is run again) and for a scheduled reminder (the job goes on with the members left).
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { killOnce, quiet, startCrashWorld } from './bot-process.js';

describe('a crash right after Bitrix24 made a message', () => {
  let world: Awaited<ReturnType<typeof startCrashWorld>> | undefined;
  afterEach(async () => {
    await world?.close();
    world = undefined;
  });

  async function setUp() {
    world = await startCrashWorld('east');
    return world;
  }

  it('a command answered just before the kill is run again after the restart and its answer is still one message', async () => {
    const { emu, bot, side } = await setUp();
    // The message exists in Bitrix24 now; the REST answer has not left yet.
    const kill = killOnce(emu, bot, (a) => a.kind === 'message' && a.message.authorId === side.botId);
    const sent = await side.portal.as(side.demo.admin).send(String(side.botId), '/help');
    expect(sent.outcomes.some((o) => o.httpStatus === 200)).toBe(true);
    await expect.poll(() => kill.fired(), { timeout: 5000 }).toBe(true);
    await bot.kill();
    await bot.start();
    await quiet([side]);
    const answers = side.portal.dialog(side.demo.admin, String(side.botId)).filter((m) => m.authorId === side.botId);
    expect(answers).toHaveLength(1);
    // The replay did send it again (so this is not a crash that happened to miss), with the same templateId.
    const sends = side.portal.requests.filter((r) => r.method === 'imbot.v2.Chat.Message.send');
    expect(sends).toHaveLength(2);
    const ids = sends.map((r) => (r.params as { fields?: { templateId?: string } }).fields?.templateId);
    expect(ids[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(ids[1]).toBe(ids[0]);
  }, 60_000);

  it('a reminder job killed on its third message goes on after the restart: every member has it once', async () => {
    const { emu, dataDir, bot, side } = await setUp();
    const learners = side.demo.learners;
    const workgroup = side.portal.addWorkgroup({ name: 'Fire wardens', description: '', ownerId: side.demo.admin, memberIds: [...learners] });
    // Seeded into the stopped bot's file: a group of six whose access closes tomorrow, with one course.
    await bot.kill();
    const dir = join(dataDir, 'portals');
    const file = join(dir, (await readdir(dir)).find((f) => f.endsWith('.json'))!);
    const data = JSON.parse(await readFile(file, 'utf8'));
    const now = new Date(emu.clock.now());
    const tomorrow = new Date(now.getTime() + 24 * 3600 * 1000).toISOString().slice(0, 10);
    data.counters.course += 1;
    data.courses.push({ id: data.counters.course, title: 'Evacuation', url: 'https://example.com/evac', kind: 'course', prompts: [], hiddenFromExtranet: false, createdBy: side.demo.admin, createdAt: now.toISOString() });
    data.counters.group += 1;
    data.groups.push({
      id: data.counters.group, name: 'Fire wardens', description: '', workgroupId: workgroup.id, linked: false, ownerId: side.demo.admin,
      privacy: 'closed', accessFrom: null, accessTo: tomorrow, archived: false,
      members: learners.map((userId) => ({ userId, status: 'member', since: now.toISOString(), addedBy: side.demo.admin })),
      courseIds: [data.counters.course], chatDialogIds: [], createdBy: side.demo.admin, createdAt: now.toISOString(),
    });
    await writeFile(file, JSON.stringify(data));

    const reminded = () => learners.map((id) => side.portal.dialog(id, String(side.botId)).filter((m) => m.authorId === side.botId && m.text.includes('Evacuation')).length);
    let seen = 0;
    emu.on('activity', (a) => {
      if (a.kind === 'message' && a.message.authorId === side.botId && a.message.text.includes('Evacuation') && ++seen === 3) bot.child?.kill('SIGKILL');
    });
    // The scheduler ticks at start: the job is claimed and the process dies on its third message.
    await bot.start();
    await expect.poll(() => seen, { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
    await bot.kill();
    expect(reminded().filter((n) => n === 1)).toHaveLength(3);
    await bot.start();
    await expect.poll(() => reminded().filter((n) => n > 0).length, { timeout: 15_000 }).toBe(6);
    await quiet([side]);
    expect(reminded()).toEqual([1, 1, 1, 1, 1, 1]);
    const after = JSON.parse(await readFile(file, 'utf8'));
    expect(after.outbox ?? []).toEqual([]);
  }, 60_000);

  it('a course announcement cut off by a crash is told to the moderator at the next start, once', async () => {
    const { emu, bot, side } = await setUp();
    const admin = side.portal.as(side.demo.admin);
    const dialog = String(side.botId);
    await admin.send(dialog, '/group create Night shift');
    await admin.send(dialog, '/course add "Fire drill" https://example.com/drill');
    await quiet([side]);
    // Bitrix24 is making the feed post; the attach is stored, its answer not sent yet.
    const kill = killOnce(emu, bot, (a) => a.kind === 'request' && a.entry.method === 'log.blogpost.add');
    await admin.send(dialog, '/course attach "Fire drill" "Night shift"');
    await expect.poll(() => kill.fired(), { timeout: 5000 }).toBe(true);
    await bot.kill();
    const told = () => side.portal.dialog(side.demo.admin, dialog).filter((m) => m.authorId === side.botId && m.text.includes('A restart interrupted the announcement'));
    expect(told()).toHaveLength(0);
    await bot.start();
    await expect.poll(() => told().length, { timeout: 10_000 }).toBe(1);
    expect(told()[0]!.text).toContain('Fire drill');
    expect(told()[0]!.text).toContain('/course detach');
    // Told once: another restart says nothing more.
    await bot.kill();
    await bot.start();
    await quiet([side]);
    expect(told()).toHaveLength(1);
  }, 60_000);
});
