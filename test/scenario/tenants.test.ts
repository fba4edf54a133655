// Two portals served by one bot: each keeps its own data; a token of one portal opens nothing of the other.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpBuildQuery } from '../../src/sandbox/emulator/index.js';
import { SANDBOX_SCOPES } from '../../src/sandbox/start.js';
import { startWorld, type World } from '../helpers/world.js';

describe('tenant isolation', () => {
  let w: World;
  let memberB: string;
  let tokenB: string;
  let learnerB: number;
  let botB: number;
  beforeAll(async () => {
    // Several portals are an application's business (one-portal mode serves one by definition).
    w = await startWorld({ mode: process.env.SCENARIO_MODE === 'fetch' ? 'fetch' : 'webhook' });
    const b = w.emu.createPortal({ slug: 'other', language: 'ru' });
    b.setRateLimit(null);
    const ids = b.seedDemo();
    learnerB = ids.learners[0];
    const inst = await b.installApp({
      clientId: w.clientId,
      clientSecret: w.clientSecret,
      installUrl: `${w.botUrl}/bitrix/install`,
      handlerUrl: `${w.botUrl}/bitrix/events`,
      scope: SANDBOX_SCOPES,
      installerId: ids.admin,
    });
    memberB = inst.memberId;
    tokenB = inst.applicationToken;
    botB = (await w.rt.store.get(memberB))!.installation.botId!;
  });
  afterAll(async () => w?.close());

  it('installs the same application into a second portal as a separate tenant', async () => {
    expect(memberB).not.toBe(w.memberId);
    expect((await w.rt.store.list()).sort()).toEqual([w.memberId, memberB].sort());
    await w.rt.store.update(w.memberId, (d) => void d.moderators.push(w.demo.moderators[0]));
    expect((await w.rt.store.get(memberB))!.moderators).toEqual([]);
  });

  it('answers each portal in its own language through its own bot', async () => {
    const b = w.emu.portal('other');
    await b.as(learnerB).send(String(botB), '/help');
    await w.settle();
    await w.rt.idle();
    expect(b.lastBotMessage(learnerB, String(botB))?.text).toContain('Бот учебных групп');
  });

  it("refuses portal B's application token presented for portal A", async () => {
    const res = await fetch(`${w.botUrl}/bitrix/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: httpBuildQuery({
        event: 'ONIMBOTV2DELETE',
        data: { bot: { id: String(w.botId) } },
        auth: { member_id: w.memberId, application_token: tokenB },
      }),
    });
    expect(res.status).toBe(401);
    expect((await w.data()).installation.botId).toBe(w.botId);
  });
});
