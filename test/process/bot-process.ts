// The real bot as a child process (as `npm start` runs it) in webhook mode, over one DATA_DIR across
// SIGKILL restarts, with portals of the emulator installed into it: for the crash tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer as createHttpServer, request, type Server } from 'node:http';
import { createServer } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type ActivityEntry, type DemoIds, type Emulator, type Portal } from '../../src/sandbox/emulator/index.js';
import { SANDBOX_SCOPES } from '../../src/sandbox/start.js';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** A tiny seeded generator, so a failing round can be replayed with CRASH_SEED. */
export function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

export interface Side {
  portal: Portal;
  demo: DemoIds;
  botId: number;
}

export interface BotProcessOptions {
  /** Settings besides (or instead of) the defaults below: DATABASE_URL, lease times... */
  env?: Record<string, string>;
  /** The application's credentials (instances of one application share them). */
  app?: { clientId: string; clientSecret: string };
  /** The address the portal posts events to (a load balancer in front); null: fetch mode (no PUBLIC_URL). */
  publicUrl?: string | null;
}

/** The bot as `npm start` runs it, in webhook mode on a fixed port, over one DATA_DIR across restarts. */
export async function botProcess(emu: Emulator, dataDir: string, o: BotProcessOptions = {}) {
  const port = await freePort();
  const botUrl = `http://127.0.0.1:${port}`;
  const clientId = o.app?.clientId ?? `local.crash${Math.random().toString(16).slice(2, 10)}`;
  const clientSecret = o.app?.clientSecret ?? `secret${Math.random().toString(16).slice(2)}`;
  const publicUrl = o.publicUrl === undefined ? botUrl : o.publicUrl;
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    DATA_DIR: dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
    ...(publicUrl ? { PUBLIC_URL: publicUrl } : {}),
    B24_CLIENT_ID: clientId,
    B24_CLIENT_SECRET: clientSecret,
    B24_OAUTH_URL: emu.origin,
    LOG_LEVEL: 'error',
    DATA_FSYNC: 'off',
    ...o.env,
  };
  let child: ChildProcess | null = null;
  let exited: Promise<unknown> = Promise.resolve();
  let output = '';
  const self = {
    botUrl,
    get child() {
      return child;
    },
    async start(): Promise<void> {
      child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      const c = child;
      exited = new Promise((r) => c.once('exit', r));
      child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
      const until = Date.now() + 30_000;
      for (;;) {
        const up = await fetch(`${botUrl}/health`).then((r) => r.ok, () => false);
        if (up) return;
        if (Date.now() > until) throw new Error(`the bot did not start:\n${output}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async kill(): Promise<void> {
      child?.kill('SIGKILL');
      await exited;
      child = null;
    },
    get output() {
      return output;
    },
    async install(slug: string, rateLimit = { burst: 10_000, drainPerSec: 10_000 }): Promise<Side> {
      const portal = emu.createPortal({ slug, language: 'en' });
      portal.setRateLimit(rateLimit);
      const demo = portal.seedDemo();
      const base = publicUrl ?? botUrl;
      const inst = await portal.installApp({
        clientId,
        clientSecret,
        installUrl: `${base}/bitrix/install`,
        handlerUrl: `${base}/bitrix/events`,
        scope: SANDBOX_SCOPES,
        installerId: demo.admin,
      });
      if (inst.status !== 200) throw new Error(`install answered ${inst.status}:\n${output}`);
      const bot = [...portal.state.bots.values()].find((b) => b.code === 'study_groups_bot')!;
      return { portal, demo, botId: bot.id };
    },
  };
  return self;
}

/** Waits until the bot has said nothing new in the admins' dialogs for 1.5 s. */
export async function quiet(sides: Side[]): Promise<void> {
  let last = -1;
  let quietSince = Date.now();
  while (Date.now() - quietSince < 1500) {
    await new Promise((r) => setTimeout(r, 150));
    const n = sides.reduce((s, x) => s + x.portal.dialog(x.demo.admin, String(x.botId)).length, 0);
    if (n !== last) {
      last = n;
      quietSince = Date.now();
    }
  }
}

/**
 * An emulator, a fresh DATA_DIR and the bot process on it, started, with one portal installed.
 * `close()` kills the bot, stops the emulator and removes the folder.
 */
export async function startCrashWorld(slug: string) {
  const emu = await startEmulator({ port: 0 });
  const dataDir = await mkdtemp(join(tmpdir(), 'sgb-crash-'));
  const bot = await botProcess(emu, dataDir);
  await bot.start();
  const side = await bot.install(slug);
  return {
    emu,
    dataDir,
    bot,
    side,
    async close(): Promise<void> {
      await bot.kill();
      await emu.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Kills the bot with SIGKILL the first time `when` matches what the emulator does, inside that very
 * step (before its answer leaves). `fired()` says whether it has.
 */
export function killOnce(emu: Emulator, bot: { child: ChildProcess | null }, when: (a: ActivityEntry) => boolean): { fired(): boolean } {
  let fired = false;
  emu.on('activity', (a) => {
    if (!fired && when(a)) {
      fired = true;
      bot.child?.kill('SIGKILL');
    }
  });
  return { fired: () => fired };
}

/** A load balancer: requests alternate between the instances; one that refuses the connection is skipped. */
export async function roundRobin(targets: () => string[]): Promise<{ url: string; server: Server; counts: number[] }> {
  const port = await freePort();
  const counts = [0, 0];
  let next = 0;
  const server = createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const list = targets();
      const first = next++ % list.length;
      const attempt = (i: number) => {
        if (i >= list.length) {
          res.writeHead(502).end();
          return;
        }
        const k = (first + i) % list.length;
        const out = request(`${list[k]}${req.url}`, { method: req.method, headers: req.headers }, (r) => {
          counts[k]!++;
          res.writeHead(r.statusCode ?? 502, r.headers);
          r.pipe(res);
        });
        out.on('error', () => (res.headersSent ? res.destroy() : attempt(i + 1)));
        out.end(body);
      };
      attempt(0);
    });
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${port}`, server, counts };
}

