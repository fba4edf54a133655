// A brief OAuth-server outage during a token refresh is weathered: the portal stays active, polling goes on, the bot answers later.
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualTimers } from '../bot/poller-timers.js';
import { startWorld, type World } from '../helpers/world.js';

const botReplies = (w: World, userId: number) => w.portal.dialog(userId, String(w.botId)).filter((m) => m.authorId === w.botId);

describe.each<'unavailable' | 'drop'>(['unavailable', 'drop'])('OAuth server %s during an expired-token refresh', (outage) => {
  let w: World | undefined;
  afterEach(async () => {
    await w?.close();
    w = undefined;
  });

  it('fetch mode: polling backs off and goes on; once the server is back the message is answered once, the portal still active', async () => {
    let world: World | undefined;
    const timers = new VirtualTimers(
      (ms) => world?.emu.clock.advance(ms),
      () => world?.rt.pollers.active().length ?? 1,
    );
    w = world = await startWorld({ mode: 'fetch', pollerTimers: timers });
    await timers.untilSleeping(1);
    const u = w.demo.learners[0];
    const refreshes = w.emu.refreshCount;

    w.emu.setOAuthOnline(false, { mode: outage });
    w.portal.expireTokens();
    await w.portal.as(u).send(String(w.botId), '/help');
    await timers.advance(60_000);
    expect(botReplies(w, u)).toHaveLength(0);
    // Tried (the OAuth server was asked), failed, and did not give the portal up.
    expect(w.emu.oauthRequests.filter((r) => r.status !== 200).length).toBeGreaterThan(0);
    expect((await w.data()).installation.status).toBe('active');
    expect(w.rt.pollers.get(w.memberId)?.active).toBe(true);

    w.emu.setOAuthOnline(true);
    await timers.advance(120_000);
    const replies = botReplies(w, u);
    expect(replies).toHaveLength(1);
    expect(replies[0]!.text).toContain('Study groups bot');
    expect(w.emu.refreshCount - refreshes).toBe(1);
    const inst = (await w.data()).installation;
    expect(inst.status).toBe('active');

    // A restart (start-up skips portals that are not active) polls this portal again.
    await w.restart();
    expect(w.rt.pollers.get(w.memberId)?.active).toBe(true);
  });

  it('webhook mode: the portal stays active and the next message after the outage is answered', async () => {
    w = await startWorld({ mode: 'webhook' });
    const u = w.demo.learners[1];
    w.emu.setOAuthOnline(false, { mode: outage });
    w.portal.expireTokens();
    await w.say(u, '/help');
    expect((await w.data()).installation.status).toBe('active');

    w.emu.setOAuthOnline(true);
    const out = await w.say(u, '/help');
    expect(out.at(-1)?.text).toContain('Study groups bot');
    expect((await w.data()).installation.status).toBe('active');
  });
});
