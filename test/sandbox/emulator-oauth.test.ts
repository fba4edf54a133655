// The shared OAuth server: refresh rotates both tokens, spent refresh tokens and bad clients are refused.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { APP, callRest, startWorld, stopWorld, type World } from './helpers.js';

let world: World;

beforeEach(async () => {
  world = await startWorld();
});

afterEach(async () => {
  await stopWorld(world);
});

function tokenUrl(): string {
  return `${world.emu.origin}/oauth/token/`;
}

async function refresh(params: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> {
  // As the SDK does it: a form POST to {server_endpoint without /rest/}/oauth/token/.
  const response = await fetch(tokenUrl(), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params).toString(),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('OAuth refresh', () => {
  it('hands out the install tokens with endpoints the SDK can use', () => {
    const install = world.receiver.byEvent('ONAPPINSTALL')[0];
    expect(install).toBeDefined();
    const auth = install?.parsed.auth as Record<string, string>;
    expect(auth.client_endpoint).toBe(`${world.emu.origin}/portal/acme/rest/`);
    expect(auth.server_endpoint).toBe(`${world.emu.origin}/rest/`);
    expect(`${(auth.server_endpoint ?? '').replace('/rest/', '')}/oauth/token/`).toBe(tokenUrl());
    expect(auth.application_token).toMatch(/^[0-9a-f]{32}$/);
    expect(Object.keys(auth)).toEqual([
      'access_token', 'expires_in', 'scope', 'domain', 'server_endpoint', 'status', 'client_endpoint', 'member_id', 'refresh_token', 'application_token',
    ]);
  });

  it('rotates both tokens; the old refresh token stops working; counts refreshes', async () => {
    const auth = world.receiver.byEvent('ONAPPINSTALL')[0]?.parsed.auth as Record<string, string>;
    world.emu.clock.advance(3700 * 1000);
    const expired = await callRest(world.base, 'user.current', { auth: auth.access_token });
    expect(expired.body.error).toBe('expired_token');

    const ok = await refresh({ grant_type: 'refresh_token', client_id: APP.clientId, client_secret: APP.clientSecret, refresh_token: auth.refresh_token ?? '' });
    expect(ok.status).toBe(200);
    expect(ok.body.access_token).not.toBe(auth.access_token);
    expect(ok.body.refresh_token).not.toBe(auth.refresh_token);
    expect(ok.body).toMatchObject({
      expires_in: 3600,
      client_endpoint: world.base,
      server_endpoint: `${world.emu.origin}/rest/`,
      domain: new URL(world.emu.origin).host,
      member_id: world.portal.memberId,
      status: 'L',
      user_id: world.ids.admin,
    });
    expect(world.portal.refreshCount).toBe(1);
    expect(world.emu.refreshCount).toBe(1);

    const works = await callRest(world.base, 'user.current', { auth: String(ok.body.access_token) });
    expect(works.status).toBe(200);

    const again = await refresh({ grant_type: 'refresh_token', client_id: APP.clientId, client_secret: APP.clientSecret, refresh_token: auth.refresh_token ?? '' });
    expect(again.status).toBe(400);
    expect(again.body.error).toBe('invalid_grant');
    expect(world.portal.refreshCount).toBe(1);
  });

  it('refuses a wrong client secret with invalid_client (GET with a query string works too)', async () => {
    const auth = world.receiver.byEvent('ONAPPINSTALL')[0]?.parsed.auth as Record<string, string>;
    const query = new URLSearchParams({ grant_type: 'refresh_token', client_id: APP.clientId, client_secret: 'nope', refresh_token: auth.refresh_token ?? '' });
    const response = await fetch(`${tokenUrl()}?${query.toString()}`);
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: string }).error).toBe('invalid_client');
    const good = new URLSearchParams({ grant_type: 'refresh_token', client_id: APP.clientId, client_secret: APP.clientSecret, refresh_token: auth.refresh_token ?? '' });
    expect((await fetch(`${tokenUrl()}?${good.toString()}`)).status).toBe(200);
  });

  it('revokes everything when the app is removed', async () => {
    const auth = world.receiver.byEvent('ONAPPINSTALL')[0]?.parsed.auth as Record<string, string>;
    await world.portal.uninstallApp();
    expect((await callRest(world.base, 'user.current', { auth: auth.access_token })).body.error).toBe('NO_AUTH_FOUND');
    const refused = await refresh({ grant_type: 'refresh_token', client_id: APP.clientId, client_secret: APP.clientSecret, refresh_token: auth.refresh_token ?? '' });
    expect(refused.body.error).toBe('invalid_grant');
  });
});
