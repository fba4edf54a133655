// Issue 11: the real bot as a process in webhook mode, killed with SIGKILL in the middle of a burst of
// writing commands from two portals, five times, restarted on the same DATA_DIR each time.
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../src/sandbox/emulator/index.js';
import { botProcess, killOnce, quiet, rng, startCrashWorld, type Side } from './bot-process.js';

const ROUNDS = 5;
const PER_PORTAL = 24;

describe('a crash at any moment loses nothing that was acknowledged (webhook mode, SIGKILL, 5 rounds)', () => {
  let emu: Emulator;
  let dataDir: string;
  let stop: () => Promise<void> = async () => undefined;
  afterAll(async () => {
    await stop();
    await emu?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('every acknowledged command is handled exactly once, no orphan workgroup, every file parses, no temp files', async () => {
    const seed = Number(process.env.CRASH_SEED) || Date.now() % 100_000;
    const random = rng(seed);
    emu = await startEmulator({ port: 0 });
    dataDir = await mkdtemp(join(tmpdir(), 'sgb-crash-'));
    const bot = await botProcess(emu, dataDir);
    stop = () => bot.kill();
    await bot.start();
    const sides: Side[] = [await bot.install('north'), await bot.install('south')];

    const acknowledged: Array<{ side: Side; name: string }> = [];
    const figures: string[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      // A burst of writing commands from both portals at once; the kill falls somewhere inside it.
      const sends = sides.flatMap((side) =>
        Array.from({ length: PER_PORTAL }, (_, i) => {
          const name = `Crash ${round}-${i}`;
          const text = i % 3 === 2 ? `/course add "${name}" https://example.com/c/${round}/${i}` : `/group create ${name}`;
          return side.portal
            .as(side.demo.admin)
            .send(String(side.botId), text)
            .then((r) => ({ side, name, ok: r.outcomes.some((o) => o.httpStatus === 200) }));
        }),
      );
      await new Promise((r) => setTimeout(r, 30 + random() * 700));
      await bot.kill();
      const results = await Promise.all(sends);
      const acked = results.filter((r) => r.ok);
      acknowledged.push(...acked);
      await bot.start();
      await quiet(sides);
      figures.push(`round ${round}: ${acked.length} of ${results.length} acknowledged`);
    }
    await bot.kill();

    // Every portal file parses, no temp file anywhere.
    const portalsDir = join(dataDir, 'portals');
    const files = await readdir(portalsDir);
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect((await readdir(join(dataDir, 'inbox'))).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const stored = new Map<string, { groups: Array<{ name: string; workgroupId: number }>; courses: Array<{ title: string }> }>();
    for (const f of files) {
      const data = JSON.parse(await readFile(join(portalsDir, f), 'utf8'));
      stored.set(data.installation.memberId, data);
    }

    let missing = 0;
    let orphans = 0;
    for (const side of sides) {
      const data = stored.get(side.portal.state.identity.memberId)!;
      const answers = side.portal.dialog(side.demo.admin, String(side.botId)).filter((m) => m.authorId === side.botId);
      for (const { name } of acknowledged.filter((a) => a.side === side)) {
        const inStore = data.groups.filter((g) => g.name === name).length + data.courses.filter((c) => c.title === name).length;
        // Never twice: not stored twice, not answered twice.
        expect(inStore, name).toBeLessThanOrEqual(1);
        expect(answers.filter((m) => m.text.includes(`[b]${name}[/b]`) || m.text.includes(`«${name}»`) || m.text.includes(`"${name}"`)).length, name).toBeLessThanOrEqual(1);
        if (inStore === 0) missing++;
      }
      const linked = new Set(data.groups.map((g) => g.workgroupId));
      orphans += [...side.portal.state.workgroups.values()].filter((wg) => wg.name.startsWith('Crash ') && !linked.has(wg.id)).length;
    }
    figures.push(`seed ${seed}: ${acknowledged.length} acknowledged, ${missing} not handled, ${orphans} orphan workgroups`);
    console.log(`crash test: ${figures.join('; ')}`);
    // Before the inbox, 28 to 417 acknowledged events per round were lost and 1 to 2 workgroups a round
    // were orphans. Now an event killed before its first change runs again after the restart, one
    // killed after it is not run twice, and a workgroup made by a killed first try is adopted.
    expect(missing).toBe(0);
    expect(orphans).toBe(0);
    expect(acknowledged.length).toBeGreaterThan(0);
  }, 180_000);
});

describe('a crash between creating the workgroup and storing the group', () => {
  let world: Awaited<ReturnType<typeof startCrashWorld>> | undefined;
  afterAll(async () => world?.close());

  it('the replay adopts the workgroup the first try made: one workgroup, one group, one answer', async () => {
    world = await startCrashWorld('east');
    const { emu, dataDir, bot, side } = world;
    // The moment Bitrix24 has made the workgroup, and before its answer leaves, the bot dies.
    const kill = killOnce(emu, bot, (a) => a.kind === 'request' && a.entry.method === 'sonet_group.create');
    const sent = await side.portal.as(side.demo.admin).send(String(side.botId), '/group create Halfway there');
    expect(sent.outcomes.some((o) => o.httpStatus === 200)).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    expect(kill.fired()).toBe(true);
    const named = () => [...side.portal.state.workgroups.values()].filter((g) => g.name === 'Halfway there');
    expect(named()).toHaveLength(1);
    await bot.kill();
    await bot.start();
    await quiet([side]);
    expect(named()).toHaveLength(1);
    const file = (await readdir(join(dataDir, 'portals'))).find((f) => f.endsWith('.json'))!;
    const data = JSON.parse(await readFile(join(dataDir, 'portals', file), 'utf8'));
    const groups = data.groups.filter((g: { name: string }) => g.name === 'Halfway there');
    expect(groups).toHaveLength(1);
    expect(groups[0].workgroupId).toBe(named()[0]!.id);
    expect(data.intents ?? []).toEqual([]);
    const cards = side.portal.dialog(side.demo.admin, String(side.botId)).filter((m) => m.authorId === side.botId && m.text.includes('[b]Halfway there[/b]'));
    expect(cards).toHaveLength(1);
    await bot.kill();
  }, 60_000);
});
