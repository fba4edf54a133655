// The official JS SDK (B24OAuth) against the emulator: telemetry URLs, the time block, refresh on expired_token, batch.
import { B24OAuth } from '@bitrix24/b24jssdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { APP, startWorld, stopWorld, type World } from './helpers.js';

let world: World;

beforeEach(async () => {
  world = await startWorld();
});

afterEach(async () => {
  await stopWorld(world);
});

function sdkFor(world: World, stripSlash: boolean): B24OAuth {
  const auth = world.receiver.byEvent('ONAPPINSTALL')[0]?.parsed.auth as Record<string, string>;
  const clientEndpoint = stripSlash ? (auth.client_endpoint ?? '').replace(/\/$/, '') : (auth.client_endpoint ?? '');
  return new B24OAuth(
    {
      applicationToken: auth.application_token ?? '',
      userId: world.ids.admin,
      memberId: auth.member_id ?? '',
      accessToken: auth.access_token ?? '',
      refreshToken: auth.refresh_token ?? '',
      expires: Math.floor(Date.now() / 1000) + 3600,
      expiresIn: 3600,
      scope: auth.scope ?? '',
      domain: auth.domain ?? '',
      clientEndpoint,
      serverEndpoint: auth.server_endpoint ?? '',
      status: 'L',
    },
    { clientId: APP.clientId, clientSecret: APP.clientSecret },
    { restrictionParams: { maxRetries: 1 } },
  );
}

describe('@bitrix24/b24jssdk against the emulator', () => {
  it('calls methods and refreshes once on expired_token', async () => {
    const b24 = sdkFor(world, true);
    const first = await b24.actions.v2.call.make<{ ID: string }>({ method: 'user.current', requestId: 'r1' });
    expect(first.isSuccess).toBe(true);
    expect(first.getData()?.result.ID).toBe(String(world.ids.admin));

    world.portal.expireTokens();
    const second = await b24.actions.v2.call.make<boolean>({ method: 'user.admin', requestId: 'r2' });
    expect(second.getData()?.result).toBe(true);
    expect(world.portal.refreshCount).toBe(1);
    const sdkCall = world.portal.requests.find((r) => r.method === 'user.current');
    expect(sdkCall?.httpStatus).toBe(200);
  });

  it('runs a batch through the SDK', async () => {
    const b24 = sdkFor(world, true);
    const response = await b24.actions.v2.batch.make({
      calls: { me: { method: 'user.current' }, admin: { method: 'user.admin' } },
      options: { isHaltOnError: true, requestId: 'b1' },
    });
    expect(response.isSuccess).toBe(true);
  });

  it('fails when the trailing slash of client_endpoint is kept (the portal answers 404 to //method)', async () => {
    const b24 = sdkFor(world, false);
    const result = await b24.actions.v2.call.make({ method: 'user.current', requestId: 'r3' }).catch((error: unknown) => error);
    const failed = result instanceof Error || (typeof result === 'object' && result !== null && 'isSuccess' in result && !result.isSuccess);
    expect(failed).toBe(true);
    expect(world.portal.requests.some((r) => r.method === '/user.current' && r.httpStatus === 404)).toBe(true);
  });
});
