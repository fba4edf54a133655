// Final refusals are not outages: PAYMENT_REQUIRED (the app's paid period is over) and Event.get's AUTH_ERROR stop polling and say why.
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualTimers } from '../bot/poller-timers.js';
import { startWorld, type World } from '../helpers/world.js';

const botReplies = (w: World, userId: number) => w.portal.dialog(userId, String(w.botId)).filter((m) => m.authorId === w.botId);

describe('final refusals in fetch mode', () => {
  let w: World | undefined;
  afterEach(async () => {
    await w?.close();
    w = undefined;
  });

  async function fetchWorld() {
    let world: World | undefined;
    const timers = new VirtualTimers(
      (ms) => world?.emu.clock.advance(ms),
      () => world?.rt.pollers.active().length ?? 1,
    );
    w = world = await startWorld({ mode: 'fetch', pollerTimers: timers });
    await timers.untilSleeping(1);
    return { w: world, timers };
  }

  it('PAYMENT_REQUIRED on a token refresh: asked once, not again and again; the portal waits for payment; a restart after paying goes on', async () => {
    const { w, timers } = await fetchWorld();
    const u = w.demo.learners[0];
    w.portal.setPaymentRequired(true);
    w.portal.expireTokens();
    await w.portal.as(u).send(String(w.botId), '/help');
    await timers.advance(10 * 60_000);
    expect((await w.data()).installation.status).toBe('payment_required');
    expect(w.rt.pollers.get(w.memberId)?.active ?? false).toBe(false);
    expect(w.emu.oauthRequests.filter((r) => r.status !== 200)).toHaveLength(1);
    expect(botReplies(w, u)).toHaveLength(0);

    w.portal.setPaymentRequired(false);
    await w.restart();
    expect((await w.data()).installation.status).toBe('active');
    expect(w.rt.pollers.get(w.memberId)?.active).toBe(true);
    await w.settle();
    expect(botReplies(w, u)).toHaveLength(1);
  });

  it('PAYMENT_REQUIRED from the portal itself stops polling at once', async () => {
    const { w, timers } = await fetchWorld();
    w.portal.setPaymentRequired(true);
    await timers.advance(10 * 60_000);
    expect((await w.data()).installation.status).toBe('payment_required');
    expect(w.rt.pollers.get(w.memberId)?.active ?? false).toBe(false);
    expect(w.portal.requests.filter((r) => r.method === 'imbot.v2.Event.get' && r.httpStatus === 402).length).toBeLessThanOrEqual(1);
  });

  it("Event.get's AUTH_ERROR, round after round, is refused credentials: polling stops and the app is marked for reinstall", async () => {
    const { w, timers } = await fetchWorld();
    w.portal.setMethodFault('imbot.v2.Event.get', { code: 'AUTH_ERROR', description: 'Auth error' });
    await timers.advance(30 * 60_000);
    expect(w.rt.pollers.get(w.memberId)?.active ?? false).toBe(false);
    expect((await w.data()).installation.status).toBe('needs_reinstall');
  });
});
