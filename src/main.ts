// Composition root: config → runtime → listen (or the sandbox when no portal is configured); graceful close.
import { hostname } from 'node:os';
import { ConfigError, loadConfig } from './config.js';
import { ONE_PORTAL_EVENTS_PATH } from './bot/webhook-portal.js';
import { REQUIRED_SCOPES } from './handlers/manifest.js';
import { createRuntime } from './runtime.js';
import { startSandbox } from './sandbox/start.js';
import { migrate } from './store/pg/migrate.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }

  if (config.mode === 'sandbox') {
    const started = Date.now();
    const sb = await startSandbox(config);
    console.log(
      [
        '',
        'Study groups bot: sandbox (no Bitrix24 portal configured)',
        `  Chat with the bot:  ${sb.emulator.origin}/`,
        `  Bot endpoint:       ${sb.botUrl}`,
        `  Ready in ${Date.now() - started} ms. Press Ctrl+C to stop.`,
        '',
      ].join('\n'),
    );
    onShutdown(() => sb.close());
    return;
  }

  // Without PUBLIC_URL nothing reaches us from the portal: the bot polls (fetch mode). One-portal mode
  // has its own events path, since its events carry a member_id the webhook could not tell us.
  const onePortal = config.mode === 'webhook' && config.webhookUrl;
  const eventsPath = onePortal ? ONE_PORTAL_EVENTS_PATH : '/bitrix/events';
  // PostgreSQL: the schema is brought up to date before anything reads it.
  if (config.database) {
    const applied = await migrate({ url: config.database.url, ...(config.database.schema ? { schema: config.database.schema } : {}) });
    if (applied.length) console.log(`Database migrations applied: ${applied.join(', ')}`);
  }
  const rt = createRuntime({
    ...(config.database ? { database: config.database } : {}),
    dataDir: config.dataDir,
    eventsUrl: config.publicUrl ? `${config.publicUrl}${eventsPath}` : null,
    clientId: config.clientId ?? '',
    clientSecret: config.clientSecret ?? '',
    oauthUrl: config.oauthUrl,
    defaultLang: config.botLang,
    logLevel: config.logLevel,
    schedule: { intervalMs: config.scheduleIntervalMs },
    instances: { leaseTtlMs: config.leaseTtlMs, sweepMs: config.inboxSweepMs, holder: config.instanceName ?? `${hostname()}:${process.pid}` },
    rateLimit: config.rateLimit,
    ...(onePortal ? { webhook: { url: onePortal, ...(config.botToken ? { botToken: config.botToken } : {}) }, adminIds: config.adminIds } : {}),
  });
  const listening = await rt.app.listen({ port: config.port, host: config.host });
  onShutdown(() => rt.close());
  try {
    await rt.start();
  } catch (e) {
    await rt.close().catch(() => undefined);
    throw e;
  }
  rt.log.info(
    { mode: config.mode, eventMode: config.publicUrl ? 'webhook' : 'fetch', portals: onePortal ? 1 : (await rt.store.list()).length },
    'bot started',
  );
  if (!onePortal) console.log(applicationHint(config.publicUrl ?? null, listening));
}

/** What an administrator types into Bitrix24's local-application form, said once at start. */
function applicationHint(publicUrl: string | null, listening: string): string {
  const base = publicUrl ?? '<an address the portal can reach, for the install only>';
  return [
    '',
    `Study groups bot: Bitrix24 application, ${publicUrl ? 'events POSTed to this server (webhook mode)' : 'events polled from the portal (fetch mode, no PUBLIC_URL)'}`,
    `  Listening on:              ${listening}`,
    `  Initial installation path: ${base}/bitrix/install`,
    `  Your handler path:         ${base}/bitrix/events`,
    `  Scopes:                    ${REQUIRED_SCOPES.join(', ')}`,
    '',
  ].join('\n');
}

function onShutdown(close: () => Promise<void>): void {
  let closing = false;
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      if (closing) return;
      closing = true;
      close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
