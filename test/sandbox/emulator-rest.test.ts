// REST transport of the emulator over real HTTP: envelopes, auth errors, scopes, URL forms, limits, outage, isolation.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { APP, callRest, startWorld, stopWorld, type World } from './helpers.js';

let world: World;

beforeEach(async () => {
  world = await startWorld();
});

afterEach(async () => {
  await stopWorld(world);
});

describe('envelopes', () => {
  it('wraps results in {result, time} with every time key', async () => {
    const reply = await callRest(world.base, 'user.admin', { auth: world.adminToken });
    expect(reply.status).toBe(200);
    expect(reply.body.result).toBe(true);
    const time = reply.body.time as Record<string, unknown>;
    for (const key of ['start', 'finish', 'duration', 'processing', 'date_start', 'date_finish', 'operating_reset_at', 'operating']) {
      expect(time).toHaveProperty(key);
    }
    expect(typeof time.start).toBe('number');
    expect(String(time.date_start)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);
  });

  it('adds total and next to list methods, 50 per page', async () => {
    for (let i = 0; i < 50; i += 1) world.portal.addUser({ name: `User${i}`, lastName: 'Extra' });
    const first = await callRest(world.base, 'user.get', { auth: world.adminToken });
    expect(first.body.total).toBe(60);
    expect(first.body.next).toBe(50);
    expect((first.body.result as unknown[]).length).toBe(50);
    const second = await callRest(world.base, 'user.get', { auth: world.adminToken, start: 50 });
    expect((second.body.result as unknown[]).length).toBe(10);
    expect(second.body).not.toHaveProperty('next');
  });

  it('accepts the .json suffix, query-string auth and unknown telemetry params', async () => {
    const url = `${world.base}profile.json?auth=${world.adminToken}&bx24_request_id=abc&bx24_sdk_ver=2.2.0&bx24_sdk_type=b24-js-sdk`;
    const response = await fetch(url);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { result: { ID: string; ADMIN: boolean } };
    expect(body.result.ID).toBe(String(world.ids.admin));
    expect(body.result.ADMIN).toBe(true);
  });

  it('reads PHP bracket keys from form bodies', async () => {
    const body = `auth=${world.adminToken}&FILTER[ID][0]=${world.ids.learners[0]}&FILTER[ID][1]=${world.ids.learners[1]}`;
    const response = await fetch(`${world.base}user.get`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    const json = (await response.json()) as { result: Array<{ ID: string }> };
    expect(json.result.map((u) => u.ID)).toEqual([String(world.ids.learners[0]), String(world.ids.learners[1])]);
  });

  it('answers 404 ERROR_METHOD_NOT_FOUND for unknown methods and for a double slash', async () => {
    const unknown = await callRest(world.base, 'no.such.method', { auth: world.adminToken });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toBe('ERROR_METHOD_NOT_FOUND');
    const doubled = await callRest(`${world.base}/`, 'user.admin', { auth: world.adminToken });
    expect(doubled.status).toBe(404);
  });
});

describe('authorization', () => {
  it('refuses a missing or unknown token with 401 NO_AUTH_FOUND', async () => {
    const missing = await callRest(world.base, 'user.current', {});
    expect(missing.status).toBe(401);
    expect(missing.body.error).toBe('NO_AUTH_FOUND');
    const unknown = await callRest(world.base, 'user.current', { auth: 'deadbeef' });
    expect(unknown.body.error).toBe('NO_AUTH_FOUND');
  });

  it('expires tokens after tokenTtlSec and with expireTokens()', async () => {
    world.emu.clock.advance(3601 * 1000);
    const late = await callRest(world.base, 'user.current', { auth: world.adminToken });
    expect(late.status).toBe(401);
    expect(late.body.error).toBe('expired_token');
    const fresh = world.portal.tokenFor(world.ids.admin).accessToken;
    expect((await callRest(world.base, 'user.current', { auth: fresh })).status).toBe(200);
    world.portal.expireTokens();
    expect((await callRest(world.base, 'user.current', { auth: fresh })).body.error).toBe('expired_token');
  });

  it('refuses a method outside the scopes with 403 insufficient_scope', async () => {
    const hook = world.portal.createInboundWebhook(world.ids.admin, ['user']);
    const allowed = await callRest(hook, 'user.current');
    expect(allowed.status).toBe(200);
    const refused = await callRest(hook, 'sonet_group.get');
    expect(refused.status).toBe(403);
    expect(refused.body.error).toBe('insufficient_scope');
    const wrongSecret = await callRest(hook.replace(/\/[0-9a-f]+\/$/, '/wrong/'), 'user.current');
    expect(wrongSecret.body.error).toBe('NO_AUTH_FOUND');
  });

  it('keeps tenants apart: a token of portal A is unknown on portal B', async () => {
    const other = world.emu.createPortal({ slug: 'globex' });
    const admin = other.addUser({ name: 'Gina', lastName: 'Globex', admin: true });
    await other.installApp({ ...APP, installUrl: `${world.receiver.url}/install`, installerId: admin.id });
    const onB = await callRest(other.endpoints().clientEndpoint, 'user.current', { auth: world.adminToken });
    expect(onB.status).toBe(401);
    expect(onB.body.error).toBe('NO_AUTH_FOUND');
    expect(world.portal.memberId).not.toBe(other.memberId);
  });
});

describe('limits and outages', () => {
  it('answers 503 QUERY_LIMIT_EXCEEDED above the burst and recovers as the bucket drains', async () => {
    world.portal.setRateLimit({ burst: 3, drainPerSec: 1 });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1) statuses.push((await callRest(world.base, 'user.admin', { auth: world.adminToken })).status);
    expect(statuses).toEqual([200, 200, 200, 503, 503]);
    const refused = await callRest(world.base, 'user.admin', { auth: world.adminToken });
    expect(refused.body).toEqual({ error: 'QUERY_LIMIT_EXCEEDED', error_description: 'Too many requests' });
    world.emu.clock.advance(2000);
    expect((await callRest(world.base, 'user.admin', { auth: world.adminToken })).status).toBe(200);
  });

  it('answers a plain-text 503 while offline', async () => {
    await world.portal.setOnline(false);
    const reply = await callRest(world.base, 'user.admin', { auth: world.adminToken });
    expect(reply.status).toBe(503);
    expect(reply.text).toBe('Service Unavailable');
    await world.portal.setOnline(true);
    expect((await callRest(world.base, 'user.admin', { auth: world.adminToken })).status).toBe(200);
  });
});
