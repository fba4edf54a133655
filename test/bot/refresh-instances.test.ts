// Two instances on one PostgreSQL store whose stored access token expired at once: one refresh (the
// refresh token is spent by it, bitrix24-api.md §5), and both go on with the new pair.
import { afterAll, describe, expect, it } from 'vitest';
import { createRuntime, type Runtime, type RuntimeOptions } from '../../src/runtime.js';
import { startEmulator, type Emulator } from '../../src/sandbox/emulator/index.js';
import { SANDBOX_SCOPES } from '../../src/sandbox/start.js';
import { freshSchema, PG_SKIP, testDatabaseUrl, type TestSchema } from '../helpers/pg.js';

const url = testDatabaseUrl();

(url ? describe : describe.skip)(url ? 'token refresh with two instances' : PG_SKIP, () => {
  let emu: Emulator;
  let schema: TestSchema;
  const rts: Runtime[] = [];
  afterAll(async () => {
    for (const rt of rts) await rt.close();
    await emu?.close();
    await schema?.drop();
  });

  it('the expired pair is refreshed once across both, and each instance uses the new pair', async () => {
    emu = await startEmulator({ port: 0 });
    schema = await freshSchema(url!);
    const portal = emu.createPortal({ slug: 'twin', language: 'en' });
    portal.setRateLimit({ burst: 10_000, drainPerSec: 10_000 });
    const demo = portal.seedDemo();
    const base: Omit<RuntimeOptions, 'store'> = {
      dataDir: '/nonexistent-unused',
      eventsUrl: null,
      clientId: 'local.twin1',
      clientSecret: 'twin-secret',
      oauthUrl: emu.origin,
      defaultLang: 'en',
      logLevel: 'silent',
      rateLimit: { burst: 10_000, drainPerSec: 10_000 },
      trainingDefaults: false,
    };
    for (let i = 0; i < 2; i++) rts.push(createRuntime({ ...base, store: schema.store() }));
    const botUrl = await rts[0]!.app.listen({ port: 0, host: '127.0.0.1' });
    const inst = await portal.installApp({
      clientId: base.clientId,
      clientSecret: base.clientSecret,
      installUrl: `${botUrl}/bitrix/install`,
      handlerUrl: `${botUrl}/bitrix/events`,
      scope: SANDBOX_SCOPES,
      installerId: demo.admin,
    });
    expect(inst.status).toBe(200);
    const memberId = inst.memberId;
    // Both instances have made their client with the stored pair; then it expires.
    for (const rt of rts) await (await rt.gateway.app(memberId)).call('profile', {}, { idempotent: true });
    const before = emu.refreshCount;
    portal.expireTokens();
    const answers = await Promise.all(rts.map(async (rt) => (await rt.gateway.app(memberId)).call<{ ID?: unknown }>('profile', {}, { idempotent: true })));
    expect(answers.map((a) => Number(a.ID))).toEqual([demo.admin, demo.admin]);
    expect(emu.refreshCount - before).toBe(1);
    const stored = (await rts[1]!.store.get(memberId))!.installation;
    expect(stored.status).toBe('active');
    // The next call of either needs no refresh.
    for (const rt of rts) await (await rt.gateway.app(memberId)).call('profile', {}, { idempotent: true });
    expect(emu.refreshCount - before).toBe(1);
  });
});
