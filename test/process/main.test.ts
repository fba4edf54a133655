// The real entry point as a process, as `npm start` runs it: the sandbox by default, one portal from an inbound webhook, a bad configuration.
import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/sandbox/emulator/index.js';
import { SANDBOX_SCOPES } from '../../src/sandbox/start.js';

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sgb-main-'));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** `node --import tsx src/main.ts` with only the given variables (and PATH), as a fresh shell would run `npm start`. */
function start(env: Record<string, string>): Started {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  cleanup.push(async () => {
    if (child.exitCode === null) child.kill('SIGKILL');
    await exited;
  });
  return { child, output: () => out, exited };
}

async function waitFor<T>(what: string, probe: () => T | null | undefined | Promise<T | null | undefined>, ms = 20_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== null && v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** One raw HTTP request (fetch will not send a Host of our choosing), answered with its status. */
function raw(url: string, method: string, headers: Record<string, string>, body = ''): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
      res.destroy();
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('npm start (src/main.ts as a process)', () => {
  it("the sandbox refuses other sites' requests and foreign Host names, while its own page works", async () => {
    const p = start({ DATA_DIR: await tempDir(), SANDBOX_PORT: '0' });
    const page = await waitFor('the printed address', () => /Chat with the bot:\s+(\S+)/.exec(p.output())?.[1]);
    const own = new URL(page).host;
    const api = (path: string) => new URL(path, page).toString();
    // A page on another site, from a visitor's browser: a bodiless POST, a form post, a JSON post with its Origin.
    expect(await raw(api('/api/control/reset'), 'POST', { origin: 'http://evil.example' })).toBe(403);
    expect(await raw(api('/api/control/reset'), 'POST', {})).toBe(403);
    expect(await raw(api('/api/control/clock'), 'POST', { 'content-type': 'text/plain' }, '{"hours":5}')).toBe(403);
    expect(await raw(api('/api/control/clock'), 'POST', { 'content-type': 'application/json', origin: 'http://evil.example' }, '{"hours":5}')).toBe(403);
    // DNS rebinding: evil.example resolving to this machine. The page, the API and the event stream refuse it.
    for (const path of ['/', '/api/bootstrap', '/api/stream', '/static/app.js']) {
      expect(await raw(api(path), 'GET', { host: 'evil.example' }), path).toBe(421);
      expect(await raw(api(path), 'GET', { host: `evil.example:${new URL(page).port}` }), path).toBe(421);
    }
    expect(await raw(api('/api/bootstrap'), 'GET', { origin: 'http://evil.example' })).toBe(403);
    // The page's own requests.
    expect(await raw(api('/api/bootstrap'), 'GET', { host: own })).toBe(200);
    expect(await raw(api('/api/bootstrap'), 'GET', { host: own.replace('127.0.0.1', 'localhost') })).toBe(200);
    expect(await raw(api('/api/control/clock'), 'POST', { 'content-type': 'application/json', origin: `http://${own}` }, '{"hours":1}')).toBe(200);
    expect(await raw(api('/api/control/clock'), 'POST', { 'content-type': 'application/json' }, '{"hours":1}')).toBe(200);
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
  });

  it('with no portal configured runs the sandbox, prints the page address, serves it, and stops cleanly on SIGTERM', async () => {
    const p = start({ DATA_DIR: await tempDir(), SANDBOX_PORT: '0' });
    const page = await waitFor('the printed address', () => /Chat with the bot:\s+(\S+)/.exec(p.output())?.[1]);
    const bot = /Bot endpoint:\s+(\S+)/.exec(p.output())?.[1];
    const html = await fetch(page);
    expect(html.status).toBe(200);
    expect(await html.text()).toContain('<html');
    expect((await fetch(`${bot}/health`)).status).toBe(200);
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
  });

  it('one portal from an inbound webhook: no install step, answers /help by polling, saves its bot token privately', async () => {
    const emu = await startEmulator({ port: 0 });
    cleanup.push(() => emu.close());
    const portal = emu.createPortal({ slug: 'acme', language: 'en' });
    const demo = portal.seedDemo();
    const dataDir = await tempDir();
    const webhookUrl = portal.createInboundWebhook(demo.admin, SANDBOX_SCOPES);
    const p = start({ DATA_DIR: dataDir, B24_WEBHOOK_URL: webhookUrl, LOG_LEVEL: 'debug' });
    await waitFor('the bot to start', () => (p.output().includes('bot started') ? true : null));
    const bot = [...portal.state.bots.values()].find((b) => b.code === 'study_groups_bot');
    expect(bot).toBeDefined();
    await portal.as(demo.learners[0]).send(String(bot!.id), '/help');
    const reply = await waitFor('the answer', () =>
      portal.dialog(demo.learners[0], String(bot!.id)).find((m) => m.authorId === bot!.id && m.text.includes('/mycourses')),
    );
    expect(reply.text).toContain('my courses');
    expect((await stat(join(dataDir, 'bot-token'))).mode & 0o777).toBe(0o600);
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
    // Even at debug level, neither the webhook's secret nor the bot token reaches the log.
    const secret = webhookUrl.replace(/\/+$/, '').split('/').at(-1)!;
    const token = (await readFile(join(dataDir, 'bot-token'), 'utf8')).trim();
    expect(secret.length).toBeGreaterThan(8);
    expect(token.length).toBeGreaterThanOrEqual(16);
    expect(p.output()).not.toContain(secret);
    expect(p.output()).not.toContain(token);
  });

  it('as an application without PUBLIC_URL says what to enter in Bitrix24, and stops cleanly', async () => {
    const p = start({ DATA_DIR: await tempDir(), B24_CLIENT_ID: 'local.abc123.def456', B24_CLIENT_SECRET: 'not-a-real-secret' });
    await waitFor('the hint', () => (p.output().includes('Your handler path') ? true : null));
    expect(p.output()).toMatch(/fetch mode/);
    expect(p.output()).toMatch(/Initial installation path: .*\/bitrix\/install/);
    expect(p.output()).toContain('Scopes:                    imbot, im, sonet_group, socialnetwork, log, user');
    expect(p.output()).not.toContain('not-a-real-secret');
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
  });

  it('a bad configuration stops the start with a message naming the variable', async () => {
    const p = start({ DATA_DIR: await tempDir(), B24_CLIENT_ID: 'local.abc' });
    expect(await p.exited).toBe(1);
    expect(p.output()).toMatch(/B24_CLIENT_ID and B24_CLIENT_SECRET go together/);
  });
});
