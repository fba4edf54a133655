// The sandbox as `npm start` runs it: the demo company placed into the default training groups with
// training started, so a learner gets a reminder in their private chat once the clock moves a week.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/start.js';

describe('sandbox: the demo company in training', () => {
  let sb: Sandbox;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'sgb-sandbox-'));
    sb = await startSandbox(loadConfig({ PORT: '0', SANDBOX_PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'silent' }));
  });
  afterAll(async () => {
    await sb?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('places the learners by the default rules and starts their groups', async () => {
    const data = (await sb.runtime.store.get(sb.memberId))!;
    const training = data.groups.filter((g) => g.training);
    expect(training.length).toBeGreaterThanOrEqual(3);
    for (const g of training.filter((x) => x.members.length > 0)) expect(g.training!.run.started).not.toBeNull();
    const anna = sb.demo.learners[0];
    expect(training.some((g) => g.members.some((m) => m.userId === anna && m.status === 'member'))).toBe(true);
  });

  it('a week on, a learner has a lesson reminder in the private chat', async () => {
    const anna = sb.demo.learners[0];
    const before = sb.portal.dialog(anna, String(sb.botId)).length;
    sb.emulator.clock.advance(7 * 86_400_000);
    await sb.runtime.scheduler.tick(sb.memberId);
    await sb.portal.flush();
    const after = sb.portal.dialog(anna, String(sb.botId)).slice(before).filter((m) => m.authorId === sb.botId);
    expect(after.length).toBeGreaterThan(0);
  });
});
