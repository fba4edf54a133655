// Issue 11, item 4: a scheduled job interrupted half way (the process hangs or dies while sending)
// is taken up by the next process from the stored outbox: every member gets it, nobody twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/bot/logger.js';
import { PortalGateway, type RestClient } from '../../src/bot/portal.js';
import { loadBotToken } from '../../src/bot/webhook-portal.js';
import { Scheduler } from '../../src/jobs/scheduler.js';
import { FilePortalStore } from '../../src/store/file.js';
import { botMessagesIn, day, seedCourse, seedGroup } from '../helpers/seed.js';
import { startWorld, type World } from '../helpers/world.js';

const DAY_MS = 24 * 3600 * 1000;

// Its 'processes' open the file store on DATA_DIR; on PostgreSQL the same is shown by the process crash tests' file mode only.
describe.skipIf(process.env.SCENARIO_STORE === 'pg')('a scheduled job a crash interrupted goes on after the restart', () => {
  let w: World;
  let members: number[];

  /**
   * A fresh process as far as the scheduler can tell. After `hangAfter` sends, the next send reaches
   * the portal but its answer never comes back (the process died there), and every later one hangs.
   */
  async function process(hangAfter = Infinity): Promise<{ scheduler: Scheduler; sent: () => number }> {
    const store = new FilePortalStore(w.dataDir);
    const gateway = new PortalGateway({ store, log: silentLogger, clientId: w.clientId, clientSecret: w.clientSecret, oauthUrl: w.emu.origin, rateLimit: { burst: 1000, drainPerSec: 1000 } });
    // One-portal mode: the process calls through the inbound webhook with the bot token it keeps on disk.
    if (w.rt.onePortal) gateway.useInboundWebhook(w.memberId, w.webhookUrl, await loadBotToken(w.dataDir, undefined, silentLogger));
    let sends = 0;
    const hanging: typeof gateway = Object.create(gateway);
    hanging.app = async (memberId: string): Promise<RestClient> => {
      const rest = await gateway.app(memberId);
      return {
        batch: (calls) => rest.batch(calls),
        call: (method, params, opts) => {
          if (method === 'imbot.v2.Chat.Message.send') {
            const n = sends++;
            if (n === hangAfter) return rest.call(method, params, opts).then(() => new Promise(() => {}));
            if (n > hangAfter) return new Promise(() => {});
          }
          return rest.call(method, params, opts);
        },
      };
    };
    const scheduler = new Scheduler({ store, gateway: hanging, log: silentLogger, now: () => w.rt.bot.now(), memberSync: false });
    return { scheduler, sent: () => Math.min(sends, hangAfter) };
  }

  // What the file holds now (the world's own store keeps its copy in memory).
  const onDisk = () => new FilePortalStore(w.dataDir).get(w.memberId);
  const reminders = (userId: number) => botMessagesIn(w, userId, String(w.botId)).filter((m) => m.text.includes('closes after'));

  beforeAll(async () => {
    w = await startWorld();
    members = [...w.demo.learners];
    const course = await seedCourse(w, { title: 'Fire safety' });
    await seedGroup(w, { name: 'Fire wardens', memberIds: members, accessTo: day(w, 1), courseIds: [course.id] });
  });
  afterAll(async () => {
    await w?.close();
  });

  it('the first process reminds four of six members and dies before it hears the fourth went; the next sends the rest; nobody gets two', async () => {
    const first = await process(3);
    // The tick never finishes: the fourth send's answer never comes, as when a process dies there.
    void first.scheduler.tick(w.memberId);
    await expect.poll(() => members.filter((id) => reminders(id).length > 0).length, { timeout: 10_000 }).toBe(4);
    const data = (await onDisk())!;
    expect(data.outbox).toHaveLength(1);
    // Crossed off after each send: the fourth went, but the process never learnt it.
    expect(data.outbox![0]!.left).toHaveLength(3);

    const second = await process();
    const report = await second.scheduler.tick(w.memberId);
    expect(report.jobs).toBe(0); // nothing new claimed: the job was already claimed
    expect(report.failures).toBe(0);
    // The fourth is sent again with the same templateId: Bitrix24 makes no second message of it.
    expect(members.map((id) => reminders(id).length)).toEqual([1, 1, 1, 1, 1, 1]);
    expect((await onDisk())!.outbox ?? []).toHaveLength(0);
    const ids = new Set(w.portal.requests.filter((r) => r.method === 'imbot.v2.Chat.Message.send').map((r) => JSON.stringify((r.params as { fields?: { templateId?: unknown } }).fields?.templateId)));
    expect(ids.size).toBe(6);

    // Done: later ticks, in either process, send nothing more.
    await (await process()).scheduler.tick(w.memberId);
    w.emu.clock.advance(DAY_MS / 4);
    await second.scheduler.tick(w.memberId);
    expect(members.map((id) => reminders(id).length)).toEqual([1, 1, 1, 1, 1, 1]);
  });
});
