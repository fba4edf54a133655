// Sandbox mode: the emulator with a demo company, the real bot installed into it, both on loopback.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Config } from '../config.js';
import { createRuntime, type Runtime } from '../runtime.js';
import { startEmulator, type DemoIds, type Emulator, type Portal } from './emulator/index.js';

export const SANDBOX_SCOPES = ['imbot', 'im', 'sonet_group', 'socialnetwork', 'log', 'user'];

export interface Sandbox {
  emulator: Emulator;
  portal: Portal;
  demo: DemoIds;
  runtime: Runtime;
  botUrl: string;
  close(): Promise<void>;
}

export async function startSandbox(config: Config): Promise<Sandbox> {
  const emulator = await startEmulator({ port: config.sandboxPort, host: config.host });
  const portal = emulator.createPortal({ slug: 'demo', language: config.botLang });
  const demo = portal.seedDemo();
  // The emulator forgets everything on restart, so the bot starts from a clean sandbox folder too.
  const dataDir = join(config.dataDir, 'sandbox');
  await rm(dataDir, { recursive: true, force: true });
  const clientId = `local.${randomBytes(6).toString('hex')}.${randomBytes(4).toString('hex')}`;
  const clientSecret = randomBytes(24).toString('base64url');
  const runtime = createRuntime({
    dataDir,
    eventsUrl: null,
    clientId,
    clientSecret,
    oauthUrl: emulator.origin,
    defaultLang: config.botLang,
    logLevel: config.logLevel,
  });
  const botUrl = await runtime.app.listen({ port: config.port, host: config.host });
  runtime.bot.setEventsUrl(`${botUrl}/bitrix/events`);
  await portal.installApp({
    clientId,
    clientSecret,
    installUrl: `${botUrl}/bitrix/install`,
    handlerUrl: `${botUrl}/bitrix/events`,
    scope: SANDBOX_SCOPES,
    installerId: demo.admin,
  });
  return {
    emulator,
    portal,
    demo,
    runtime,
    botUrl,
    async close() {
      await runtime.close();
      await emulator.close();
    },
  };
}
