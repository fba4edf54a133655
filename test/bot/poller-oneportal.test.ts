// One-portal pieces alone: the inbound-webhook REST client, the webhook URL, the bot token file and the configuration.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/bot/logger.js';
import { LeakyBucket, NetworkError, PortalError, WebhookRestClient } from '../../src/bot/portal.js';
import { BOT_TOKEN_FILE, loadBotToken, parseInboundWebhook, webhookApplicationToken } from '../../src/bot/webhook-portal.js';

interface Seen {
  url: string;
  body: Record<string, unknown>;
}

/** A stand-in portal whose next answers the test decides. */
let server: Server;
let base: string;
const seen: Seen[] = [];
let answers: Array<(res: ServerResponse) => void> = [];

const json = (status: number, body: unknown) => (res: ServerResponse) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};
const text = (status: number, body: string) => (res: ServerResponse) => {
  res.writeHead(status, { 'content-type': 'text/plain' });
  res.end(body);
};

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      seen.push({ url: req.url ?? '', body: raw ? (JSON.parse(raw) as Record<string, unknown>) : {} });
      (answers.shift() ?? json(200, { result: true, time: {} }))(res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/rest/7/s3cr3t/`;
});
afterAll(async () => new Promise<void>((r) => server.close(() => r())));

const client = (budgetMs = 5_000) => new WebhookRestClient(new LeakyBucket(10_000, 10_000), base, 'tok-0123456789abcdef', budgetMs, 2_000);

describe('WebhookRestClient', () => {
  it('POSTs JSON to {webhook}/{method} without auth, and returns result', async () => {
    seen.length = 0;
    answers = [json(200, { result: { ID: '7', ADMIN: true }, time: {} })];
    const out = await client().call<{ ID: string }>('profile', { x: 1 });
    expect(out.ID).toBe('7');
    expect(seen[0]).toEqual({ url: '/rest/7/s3cr3t/profile', body: { x: 1 } });
  });

  it('adds botToken to every imbot.v2 call, and to fields on Bot.register; not to other methods', async () => {
    seen.length = 0;
    answers = [];
    const c = client();
    await c.call('imbot.v2.Chat.Message.send', { botId: 5, dialogId: '1', fields: { message: 'hi' } });
    await c.call('imbot.v2.Bot.register', { fields: { code: 'x', properties: { name: 'X' } } });
    await c.call('user.get', { ID: 1 });
    expect(seen[0]!.body).toMatchObject({ botToken: 'tok-0123456789abcdef', botId: 5 });
    expect(seen[0]!.body.fields).toEqual({ message: 'hi' });
    expect(seen[1]!.body).toMatchObject({ botToken: 'tok-0123456789abcdef', fields: { botToken: 'tok-0123456789abcdef', code: 'x' } });
    expect(seen[2]!.body).toEqual({ ID: 1 });
  });

  it('adds botToken inside batch commands too', async () => {
    seen.length = 0;
    answers = [json(200, { result: { result: { a: { command: { id: 3 } } }, result_error: [] }, time: {} })];
    const out = await client().batch([{ key: 'a', method: 'imbot.v2.Command.register', params: { botId: 5, fields: { command: 'help' } } }]);
    expect(out.results.a).toEqual({ command: { id: 3 } });
    const cmd = (seen[0]!.body.cmd as Record<string, string>).a!;
    expect(cmd).toMatch(/^imbot\.v2\.Command\.register\?/);
    expect(decodeURIComponent(cmd)).toContain('botToken=tok-0123456789abcdef');
  });

  it('maps answers: a portal error is a PortalError with its code; a 503 page means the call never ran', async () => {
    answers = [json(400, { error: 'BOT_OWNERSHIP_ERROR', error_description: 'no' })];
    await expect(client().call('imbot.v2.Event.get', {})).rejects.toMatchObject({ name: 'PortalError', code: 'BOT_OWNERSHIP_ERROR', status: 400 });
    answers = [json(400, { error: '', error_description: 'sonet says no' })];
    await expect(client().call('sonet_group.user.add', {})).rejects.toMatchObject({ code: '', description: 'sonet says no' });
    answers = [text(503, 'Service Unavailable')];
    const down = await client().call('imbot.v2.Chat.Message.send', {}).catch((e: unknown) => e);
    expect(down).toBeInstanceOf(NetworkError);
    expect((down as NetworkError).unsent).toBe(true);
    answers = [text(502, '<html>bad gateway</html>')];
    const maybe = await client().call('imbot.v2.Chat.Message.send', {}).catch((e: unknown) => e);
    expect(maybe).toBeInstanceOf(NetworkError);
    expect((maybe as NetworkError).unsent).toBe(false);
    answers = [json(200, { no: 'result' })];
    await expect(client().call('profile', {})).rejects.toBeInstanceOf(NetworkError);
  });

  it('waits out QUERY_LIMIT_EXCEEDED and repeats the call (the portal did not run it)', async () => {
    seen.length = 0;
    answers = [json(503, { error: 'QUERY_LIMIT_EXCEEDED', error_description: 'Too many requests' }), json(200, { result: 42, time: {} })];
    expect(await client().call('imbot.v2.Chat.Message.send', {})).toBe(42);
    expect(seen).toHaveLength(2);
  });

  it('a refused connection is a NetworkError known not to have run', async () => {
    // A port that was just free: nothing listens there.
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const dead = new WebhookRestClient(new LeakyBucket(10, 10), `http://127.0.0.1:${port}/rest/1/x/`, 't', 1_000, 1_000);
    const e = await dead.call('profile', {}).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(NetworkError);
    expect((e as NetworkError).unsent).toBe(true);
    expect(e).not.toBeInstanceOf(PortalError);
  });
});

describe('parseInboundWebhook', () => {
  it('derives the tenant key from the portal address, not from the owner or the secret', () => {
    const a = parseInboundWebhook('https://acme.bitrix24.com/rest/1/abc123/');
    expect(a).toEqual({
      url: 'https://acme.bitrix24.com/rest/1/abc123',
      userId: 1,
      domain: 'acme.bitrix24.com',
      restBase: 'https://acme.bitrix24.com/rest',
      memberId: 'webhook:acme.bitrix24.com',
    });
    expect(parseInboundWebhook('https://acme.bitrix24.com/rest/17/other/').memberId).toBe(a.memberId);
    expect(parseInboundWebhook('http://127.0.0.1:5000/portal/x/rest/3/s/').memberId).toBe('webhook:127.0.0.1:5000/portal/x');
    expect(() => parseInboundWebhook('https://acme.bitrix24.com/rest/abc/')).toThrow(/B24_WEBHOOK_URL/);
  });

  it("the synthetic application token is 'custom' + botToken, cut to 50", () => {
    expect(webhookApplicationToken('abc')).toBe('customabc');
    expect(webhookApplicationToken('x'.repeat(60))).toHaveLength(50);
  });
});

describe('loadBotToken', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sgb-token-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('generates 32 hex characters once, saves them, and reads them back on the next start', async () => {
    const first = await loadBotToken(dir, undefined, silentLogger);
    expect(first).toMatch(/^[0-9a-f]{32}$/);
    expect((await readFile(join(dir, BOT_TOKEN_FILE), 'utf8')).trim()).toBe(first);
    expect(await loadBotToken(dir, undefined, silentLogger)).toBe(first);
  });

  it('prefers the configured token and refuses a damaged file', async () => {
    expect(await loadBotToken(dir, 'configured-token-123', silentLogger)).toBe('configured-token-123');
    await writeFile(join(dir, BOT_TOKEN_FILE), 'no good!\n');
    await expect(loadBotToken(dir, undefined, silentLogger)).rejects.toThrow(/valid bot token/);
  });
});

describe('configuration of one-portal mode', () => {
  const hook = 'https://acme.bitrix24.com/rest/1/abc123/';

  it('B24_WEBHOOK_URL alone is one-portal mode; ADMIN_IDS is read as a list of ids', () => {
    const c = loadConfig({ B24_WEBHOOK_URL: hook, ADMIN_IDS: '17, 5,17' });
    expect(c.mode).toBe('webhook');
    expect(c.adminIds).toEqual([17, 5]);
    expect(loadConfig({ B24_WEBHOOK_URL: hook }).adminIds).toEqual([]);
  });

  it.each([
    [{ B24_WEBHOOK_URL: hook, ADMIN_IDS: 'anna' }, 'ADMIN_IDS'],
    [{ B24_CLIENT_ID: 'local.x', B24_CLIENT_SECRET: 's', ADMIN_IDS: '1' }, 'ADMIN_IDS'],
    [{ B24_BOT_TOKEN: 'a-valid-looking-token' }, 'B24_BOT_TOKEN'],
    [{ B24_WEBHOOK_URL: hook, B24_BOT_TOKEN: 'short' }, 'B24_BOT_TOKEN'],
  ])('refuses %o naming %s', (env, name) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(name);
  });
});
