// /training export <group>: an XLSX whose rows match the stored results and a CSV of the learners arrive in the chat; refusals upload nothing.
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadBotFile } from '../../src/bot/files.js';
import type { Attempt } from '../../src/domain/quiz/model.js';
import { startWorld, type World } from '../helpers/world.js';
import { last, storedByName } from './group-helpers.js';

const DAY = 86_400_000;

describe('/training export', () => {
  let w: World;
  let admin: number;
  let learners: number[];
  beforeAll(async () => {
    w = await startWorld({ trainingDefaults: true });
    admin = w.demo.admin;
    await w.say(admin, '/training rules apply');
    await w.say(admin, '/training start Low risk');
    w.emu.clock.advance(8 * DAY);
    const group = await storedByName(w, 'Low risk');
    learners = group.members.filter((m) => m.status === 'member' && m.userId !== group.ownerId).map((m) => m.userId);
    // Results as the tests taken in chat store them: two attempts by the first learner, one by the second.
    const courseId = group.training!.courseId!;
    const attempt = (id: string, userId: number, startedAt: string, percent: number | null): Attempt => ({
      id, userId, test: { courseId }, groupId: group.id, seed: 1, answers: [], messageId: null, startedAt,
      finishedAt: percent === null ? null : startedAt.replace(':00:00', ':07:00'), percent, threshold: 80, passed: percent === null ? null : percent >= 80,
    });
    await w.rt.store.update(w.memberId, (d) => {
      d.training!.attempts = [
        attempt('t1', learners[0]!, '2026-03-02T07:00:00.000Z', 60),
        attempt('t2', learners[0]!, '2026-03-03T07:00:00.000Z', 85),
        attempt('t3', learners[1]!, '2026-03-03T08:00:00.000Z', null),
      ];
      const u = d.users[String(learners[1])];
      if (u) u.name = '=cmd|calc';
    });
  });
  afterAll(async () => w?.close());

  async function download(fileId: number): Promise<{ name: string; bytes: Uint8Array }> {
    const data = await w.data();
    const got = await downloadBotFile(await w.rt.gateway.app(w.memberId), w.botId, fileId, data.installation.clientEndpoint, 10_000_000);
    if (!got.ok) throw new Error(`download failed: ${got.reason}`);
    return got;
  }
  const botFiles = () => [...w.portal.state.files.values()].filter((f) => f.authorId === w.botId).length;

  it('an XLSX with the learners and attempts sheets matching the store, then a CSV of the learners', async () => {
    const out = await w.say(admin, '/training export Low risk');
    const files = out.flatMap((m) => m.files);
    expect(files.map((f) => f.extension)).toEqual(['xlsx', 'csv']);
    expect(out[0]!.text).toMatch(/Progress of \[b\]Low risk\[\/b\] \(#1\) .*: 2 learners, 3 test attempts/);
    const data = await w.data();
    const name = (id: number) => data.users[String(id)]?.name;

    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.from((await download(files[0]!.id)).bytes) as unknown as ArrayBuffer);
    expect(book.worksheets.map((s) => s.name)).toEqual(['Learners', 'Attempts']);
    const rows = (sheet: string) => book.getWorksheet(sheet)!.getSheetValues().slice(1).map((r) => (r as unknown[]).slice(1));
    const people = rows('Learners');
    expect(people[0]).toEqual(['Name', 'Status', 'Lessons done', 'Lessons in plan', 'Lessons behind', 'Last activity', 'Best score, %']);
    expect(people.slice(1).map((r) => [r[0], r[6]]).sort()).toEqual(
      [[name(learners[0]!), 85], [`'=cmd|calc`, undefined]].sort(),
    );
    for (const r of people.slice(1)) expect(r[3]).toBeGreaterThan(0);
    const tries = rows('Attempts');
    expect(tries[0]).toEqual(['Learner', 'Test', 'Started', 'Finished', 'Score, %', 'Passed']);
    expect(tries.slice(1).map((r) => [r[0], r[2], r[3], r[4], r[5]])).toEqual([
      [name(learners[0]!), '2026-03-02 10:00', '2026-03-02 10:07', 60, 'no'],
      [name(learners[0]!), '2026-03-03 10:00', '2026-03-03 10:07', 85, 'yes'],
      [`'=cmd|calc`, '2026-03-03 11:00', undefined, undefined, undefined],
    ]);

    const csv = await download(files[1]!.id);
    expect([...csv.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder().decode(csv.bytes).trim().split('\r\n');
    expect(lines[0]).toBe('Name,Status,Lessons done,Lessons in plan,Lessons behind,Last activity,"Best score, %"');
    expect(lines).toHaveLength(3);
    expect(lines.some((l) => l.startsWith(`'=cmd|calc,`))).toBe(true);
  });

  it('refusals upload nothing: not a moderator, an unknown group, a group with no learners', async () => {
    const before = botFiles();
    expect(last(await w.say(w.demo.learners[0], '/training export Low risk')).text).toMatch(/Only training moderators/);
    expect(last(await w.say(admin, '/training export Nowhere')).text).toMatch(/cannot find the group "Nowhere"/);
    await w.say(admin, '/group create Empty');
    expect(last(await w.say(admin, '/training export Empty')).text).toMatch(/has no learners in training yet/);
    expect(botFiles()).toBe(before);
  });
});
