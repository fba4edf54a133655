// The emulator's fault switches: refused connections, an OAuth outage, HTTP 429 and OPERATION_TIME_LIMIT.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { APP, callRest, registerWebhookBot, startWorld, stopWorld, type World } from './helpers.js';

let world: World;

beforeEach(async () => {
  world = await startWorld();
});

afterEach(async () => {
  await stopWorld(world);
});

/** The error code node's fetch reports for a failed connection (undefined: it got an answer). */
async function connectError(url: string): Promise<string | undefined> {
  try {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    await res.arrayBuffer();
    return undefined;
  } catch (e) {
    const cause = (e as { cause?: { code?: string } }).cause;
    return cause?.code ?? 'UNKNOWN';
  }
}

async function tokenRequest(refreshToken: string): Promise<Response> {
  const url = new URL('/oauth/token/', world.emu.origin);
  url.search = new URLSearchParams({ grant_type: 'refresh_token', client_id: APP.clientId, client_secret: APP.clientSecret, refresh_token: refreshToken }).toString();
  return fetch(url);
}

describe('refused connections', () => {
  it('setOnline(false, { mode: "refuse" }) refuses connections; back online the same address answers again', async () => {
    // A kept-alive connection exists before the outage: it must not carry the next request through.
    expect((await callRest(world.base, 'user.admin', { auth: world.adminToken })).status).toBe(200);
    await world.portal.setOnline(false, { mode: 'refuse' });
    expect(await connectError(`${world.base}user.admin`)).toBe('ECONNREFUSED');
    expect(await connectError(`${world.emu.origin}/oauth/token/`)).toBe('ECONNREFUSED');
    await world.portal.setOnline(true);
    const back = await callRest(world.base, 'user.admin', { auth: world.adminToken });
    expect(back.status).toBe(200);
  });

  it('holds event POSTs while refusing and sends them in order when back', async () => {
    const botId = await registerWebhookBot(world);
    await world.portal.setOnline(false, { mode: 'refuse' });
    const before = world.receiver.posts.length;
    await world.portal.as(world.ids.learners[0]).send(String(botId), 'first');
    await world.portal.as(world.ids.learners[0]).send(String(botId), 'second');
    expect(world.receiver.posts.length).toBe(before);
    await world.portal.setOnline(true);
    const texts = world.receiver.posts.slice(before).map((p) => ((p.parsed.data as Record<string, Record<string, string>>).message ?? {}).text);
    expect(texts).toEqual(['first', 'second']);
  });
});

describe('OAuth server outage', () => {
  it('answers 503 while unavailable, cuts the connection in drop mode, and serves again when back', async () => {
    const install = world.receiver.byEvent('ONAPPINSTALL')[0]!.parsed.auth as Record<string, string>;
    world.emu.setOAuthOnline(false);
    const down = await tokenRequest(install.refresh_token!);
    expect(down.status).toBe(503);
    expect(await down.text()).toBe('Service Unavailable');
    world.emu.setOAuthOnline(false, { mode: 'drop' });
    await expect(tokenRequest(install.refresh_token!)).rejects.toThrow();
    // Portals stay up meanwhile.
    expect((await callRest(world.base, 'user.admin', { auth: world.adminToken })).status).toBe(200);
    world.emu.setOAuthOnline(true);
    const ok = await tokenRequest(install.refresh_token!);
    expect(ok.status).toBe(200);
    // The refresh answer names the portal as the docs say (api doc §5): the bot confirms installs with it.
    expect(await ok.json()).toMatchObject({
      member_id: world.portal.memberId,
      client_endpoint: world.base,
      server_endpoint: `${world.emu.origin}/rest/`,
      domain: new URL(world.emu.origin).host,
    });
    expect(world.emu.oauthRequests.map((r) => r.status)).toEqual([503, 0, 200]);
  });
});

describe('rate and operating-time limits', () => {
  it('answers a bare HTTP 429 above the burst when the limit is set to 429', async () => {
    world.portal.setRateLimit({ burst: 2, drainPerSec: 1, status: 429 });
    const replies = [];
    for (let i = 0; i < 3; i += 1) replies.push(await callRest(world.base, 'user.admin', { auth: world.adminToken }));
    expect(replies.map((r) => r.status)).toEqual([200, 200, 429]);
    expect(replies[2]!.text).toBe('Too Many Requests');
    expect(world.portal.requests.at(-1)).toMatchObject({ httpStatus: 429, error: 'HTTP 429' });
  });

  it('limitOperatingTime blocks one method with OPERATION_TIME_LIMIT and operating_reset_at, for N seconds', async () => {
    world.portal.limitOperatingTime('user.admin', 30);
    const resetAt = Math.ceil((world.emu.clock.now() + 30_000) / 1000);
    const blocked = await callRest(world.base, 'USER.ADMIN', { auth: world.adminToken });
    expect(blocked.status).toBe(429);
    expect(blocked.body).toEqual({
      error: 'OPERATION_TIME_LIMIT',
      error_description: 'Method is blocked due to operation time limit.',
      operating_reset_at: resetAt,
    });
    // Other methods are not affected; inside a batch the method is blocked too.
    expect((await callRest(world.base, 'user.current', { auth: world.adminToken })).status).toBe(200);
    const batch = await callRest(world.base, 'batch', { auth: world.adminToken, cmd: { a: 'user.admin' } });
    expect((batch.body.result as { result_error: Record<string, { error: string }> }).result_error.a!.error).toBe('OPERATION_TIME_LIMIT');
    world.emu.clock.advance(30_000);
    expect((await callRest(world.base, 'user.admin', { auth: world.adminToken })).status).toBe(200);
  });
});
