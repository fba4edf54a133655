// batch over real HTTP: references between commands, PHP-style maps, limits, and one rate-limit unit per batch.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { callRest, startWorld, stopWorld, type World } from './helpers.js';

let world: World;

beforeEach(async () => {
  world = await startWorld();
});

afterEach(async () => {
  await stopWorld(world);
});

const batch = (params: Record<string, unknown>) => callRest(world.base, 'batch', { auth: world.adminToken, ...params });

describe('batch', () => {
  it('resolves $result references and returns the five maps, empty ones as []', async () => {
    const reply = await batch({
      halt: 0,
      cmd: {
        me: 'user.current',
        same: 'user.get?FILTER[ID]=$result[me][ID]',
        groups: `sonet_group.user.get?ID=${world.ids.moderatorGroup}`,
      },
    });
    expect(reply.status).toBe(200);
    const result = reply.body.result as Record<string, unknown>;
    const inner = result.result as Record<string, unknown>;
    expect((inner.me as { ID: string }).ID).toBe(String(world.ids.admin));
    expect((inner.same as Array<{ ID: string }>).map((u) => u.ID)).toEqual([String(world.ids.admin)]);
    expect(result.result_error).toEqual([]);
    expect(result.result_next).toEqual([]);
    expect(result.result_total).toEqual({ same: 1 });
    expect(Object.keys(result.result_time as object)).toEqual(['me', 'same', 'groups']);
    expect(reply.body).toHaveProperty('time');
  });

  it('keeps errors per command, halts on request, refuses nested batch', async () => {
    const reply = await batch({ cmd: ['user.current', 'no.such.method', 'batch?cmd[0]=user.current', 'user.admin'] });
    const result = reply.body.result as Record<string, unknown>;
    expect(result.result).toEqual({ '0': expect.any(Object), '3': true });
    expect(result.result_error).toEqual({
      '1': { error: 'ERROR_METHOD_NOT_FOUND', error_description: 'Method not found!' },
      '2': { error: 'ERROR_BATCH_METHOD_NOT_ALLOWED', error_description: 'Method is not allowed for batch usage' },
    });
    const halted = await batch({ halt: 1, cmd: ['user.current', 'no.such.method', 'user.admin'] });
    const h = halted.body.result as Record<string, unknown>;
    expect(h.result).toEqual([expect.any(Object)]);
    expect(Object.keys(h.result_error as object)).toEqual(['1']);
  });

  it('fails commands beyond 50 with ERROR_BATCH_LENGTH_EXCEEDED', async () => {
    const cmd = Object.fromEntries(Array.from({ length: 52 }, (_, i) => [`c${i}`, 'user.admin']));
    const reply = await batch({ cmd });
    const result = reply.body.result as { result: Record<string, unknown>; result_error: Record<string, { error: string }> };
    expect(Object.keys(result.result)).toHaveLength(50);
    expect(result.result_error.c50?.error).toBe('ERROR_BATCH_LENGTH_EXCEEDED');
    expect(result.result_error.c51?.error).toBe('ERROR_BATCH_LENGTH_EXCEEDED');
  });

  it('runs inner calls with the caller rights and counts as one request for the rate limit', async () => {
    world.portal.setRateLimit({ burst: 2, drainPerSec: 0 });
    const token = world.portal.tokenFor(world.ids.moderators[0]).accessToken;
    const reply = await callRest(world.base, 'batch', {
      auth: token,
      cmd: {
        a: `sonet_group.user.add?GROUP_ID=${world.ids.moderatorGroup}&USER_ID=${world.ids.learners[5]}`,
        b: 'user.admin',
        c: 'user.admin',
        d: 'user.admin',
      },
    });
    expect(reply.status).toBe(200);
    const result = reply.body.result as { result: Record<string, unknown>; result_error: Record<string, unknown> };
    expect(result.result_error).toEqual({ a: { error: '', error_description: 'No permissions to add users' } });
    expect(result.result.b).toBe(false);
    expect((await callRest(world.base, 'user.admin', { auth: token })).status).toBe(200);
    expect((await callRest(world.base, 'user.admin', { auth: token })).status).toBe(503);
    const inner = world.portal.requests.filter((r) => r.via === 'batch-inner');
    expect(inner).toHaveLength(4);
  });
});
