// The REST clients' failure handling alone: what "never sent" means, HTTP 429, OPERATION_TIME_LIMIT, and token-refresh outcomes.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/bot/logger.js';
import { LeakyBucket, NetworkError, PortalError, PortalGateway, WebhookRestClient } from '../../src/bot/portal.js';
import { MemoryPortalStore } from '../../src/store/memory.js';
import { emptyPortal, type Installation } from '../../src/store/types.js';
import { testInstallation } from '../helpers/installation.js';

type Answer = (res: ServerResponse, req: IncomingMessage) => void;

const json = (status: number, body: unknown): Answer => (res) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};
const text = (status: number, body: string): Answer => (res) => {
  res.writeHead(status, { 'content-type': 'text/plain' });
  res.end(body);
};
const ok = (result: unknown, time: Record<string, unknown> = {}) => json(200, { result, time });

/** A stand-in portal (and OAuth server) whose next answers the test decides; it records what reached it. */
class StandIn {
  server!: Server;
  origin = '';
  answers: Answer[] = [];
  seen: Array<{ at: number; url: string }> = [];

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        this.seen.push({ at: Date.now(), url: req.url ?? '' });
        (this.answers.shift() ?? ok(true))(res, req);
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  reset(answers: Answer[]): void {
    this.answers = answers;
    this.seen = [];
  }

  stop(): Promise<void> {
    return new Promise<void>((r) => this.server.close(() => r()));
  }
}

async function deadPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));
  return port;
}

const portal = new StandIn();
const oauth = new StandIn();
beforeAll(async () => {
  await portal.start();
  await oauth.start();
});
afterAll(async () => {
  await portal.stop();
  await oauth.stop();
});

const webhook = (budgetMs: number, extra: { operatingWaitCapMs?: number } = {}) =>
  new WebhookRestClient(new LeakyBucket(10_000, 10_000), `${portal.origin}/rest/1/s3cr3t/`, 'tok', budgetMs, 2_000, extra);

function installation(memberId: string, clientEndpoint: string): Installation {
  return testInstallation({
    memberId,
    domain: 'acme.example',
    clientEndpoint,
    serverEndpoint: `${oauth.origin}/rest/`,
    applicationToken: 'app-token',
    accessToken: 'access-0',
    refreshToken: 'refresh-0',
    expires: Math.floor(Date.now() / 1000) + 3600,
    scope: 'imbot,im',
  });
}

async function gatewayWith(clientEndpoint: string, budgetMs = 2_000) {
  const store = new MemoryPortalStore();
  await store.put(emptyPortal(installation('m1', clientEndpoint)));
  const gateway = new PortalGateway({
    store,
    log: silentLogger,
    clientId: 'local.app',
    clientSecret: 'secret',
    oauthUrl: oauth.origin,
    rateLimit: { burst: 10_000, drainPerSec: 10_000 },
    retryBudgetMs: budgetMs,
    timeoutMs: 2_000,
  });
  return { store, gateway };
}

beforeEach(() => {
  portal.reset([]);
  oauth.reset([]);
});

describe('never sent: failures that prove the request did not reach the portal', () => {
  it('the application client (SDK) reports a refused connection as a NetworkError known not to have run', async () => {
    const { gateway } = await gatewayWith(`http://127.0.0.1:${await deadPort()}/rest`);
    const e = await (await gateway.app('m1')).call('imbot.v2.Chat.Message.send', {}).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(NetworkError);
    expect((e as NetworkError).reason).toBe('ECONNREFUSED');
    expect((e as NetworkError).unsent).toBe(true);
  });

  it('an unknown host is never sent too (both clients)', async () => {
    const { gateway } = await gatewayWith('http://no-such-host.invalid/rest');
    const sdk = await (await gateway.app('m1')).call('profile', {}).catch((x: unknown) => x);
    expect(sdk).toMatchObject({ name: 'NetworkError', unsent: true });
    const hook = new WebhookRestClient(new LeakyBucket(10, 10), 'http://no-such-host.invalid/rest/1/x/', 't', 500, 2_000);
    expect(await hook.call('profile', {}).catch((x: unknown) => x)).toMatchObject({ name: 'NetworkError', unsent: true });
  });

  it('a connection cut after the request went out may have run: not marked never sent', async () => {
    const { gateway } = await gatewayWith(`${portal.origin}/rest`);
    portal.reset([(res) => res.socket?.destroy()]);
    const e = await (await gateway.app('m1')).call('imbot.v2.Chat.Message.send', {}).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(NetworkError);
    expect((e as NetworkError).unsent).toBe(false);
  });
});

describe('HTTP 429: the portal turned the call away, so it is repeated', () => {
  it('the SDK client repeats a send refused with a bare 429 page', async () => {
    const { gateway } = await gatewayWith(`${portal.origin}/rest`);
    portal.reset([text(429, 'Too Many Requests'), ok(42)]);
    expect(await (await gateway.app('m1')).call('imbot.v2.Chat.Message.send', {})).toBe(42);
    expect(portal.seen).toHaveLength(2);
  });

  it('the webhook client repeats it too, whatever the body says', async () => {
    portal.reset([text(429, 'Too Many Requests'), json(429, { error: 'TOO_MANY', error_description: 'slow down' }), ok(7)]);
    expect(await webhook(5_000).call('imbot.v2.Chat.Message.send', {})).toBe(7);
    expect(portal.seen).toHaveLength(3);
  });
});

describe('OPERATION_TIME_LIMIT: the method is paused until operating_reset_at', () => {
  it('waits for the reset the refusal names, even past the retry budget, then runs the call once more', async () => {
    const resetAt = Math.ceil(Date.now() / 1000) + 1;
    portal.reset([json(429, { error: 'OPERATION_TIME_LIMIT', error_description: 'blocked', operating_reset_at: resetAt }), ok('sent')]);
    const started = Date.now();
    expect(await webhook(200).call('imbot.v2.Chat.Message.send', {})).toBe('sent');
    expect(portal.seen).toHaveLength(2);
    expect(portal.seen[1]!.at).toBeGreaterThanOrEqual(resetAt * 1000);
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('without a reset in the refusal, uses the one the method last answered with, on the portal clock', async () => {
    // The portal's clock is an hour ahead of ours: only the difference between its times matters.
    const portalNow = Date.now() / 1000 + 3600;
    portal.reset([
      ok(1, { finish: portalNow, operating_reset_at: Math.ceil(portalNow) + 1 }),
      json(429, { error: 'OPERATION_TIME_LIMIT', error_description: 'blocked' }),
      ok(2),
    ]);
    const c = webhook(200);
    expect(await c.call('user.get', {})).toBe(1);
    const started = Date.now();
    expect(await c.call('user.get', {})).toBe(2);
    const waited = portal.seen[2]!.at - portal.seen[1]!.at;
    expect(waited).toBeGreaterThanOrEqual(700);
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('a reset beyond the cap is not waited for in full: after the cap the call fails', async () => {
    const farAway = Math.ceil(Date.now() / 1000) + 3600;
    const refusal = json(429, { error: 'OPERATION_TIME_LIMIT', error_description: 'blocked', operating_reset_at: farAway });
    portal.reset([refusal, refusal, refusal]);
    const started = Date.now();
    const e = await webhook(100, { operatingWaitCapMs: 400 }).call('imbot.v2.Chat.Message.send', {}).catch((x: unknown) => x);
    expect(e).toMatchObject({ name: 'PortalError', code: 'OPERATION_TIME_LIMIT' });
    expect(Date.now() - started).toBeLessThan(1_500);
  });
});

describe('token refresh: only the OAuth server’s definite refusal asks for a reinstall', () => {
  const cases: Array<[string, Answer, 'active' | 'needs_reinstall', 'NetworkError' | 'PortalError']> = [
    ['OAuth server answers 500', text(500, 'oops'), 'active', 'NetworkError'],
    ['OAuth server answers a 503 page', text(503, 'Service Unavailable'), 'active', 'NetworkError'],
    ['OAuth server answers 429', json(429, { error: 'QUERY_LIMIT_EXCEEDED' }), 'active', 'NetworkError'],
    ['OAuth server cuts the connection', (res) => res.socket?.destroy(), 'active', 'NetworkError'],
    ['OAuth server answers invalid_grant', json(400, { error: 'invalid_grant', error_description: 'Invalid grant' }), 'needs_reinstall', 'PortalError'],
    ['OAuth server answers invalid_client', json(401, { error: 'invalid_client', error_description: 'Invalid client' }), 'needs_reinstall', 'PortalError'],
  ];

  it.each(cases)('%s', async (_name, answer, status, kind) => {
    const { gateway, store } = await gatewayWith(`${portal.origin}/rest`);
    portal.reset([json(401, { error: 'expired_token', error_description: 'The access token provided has expired.' })]);
    oauth.reset([answer]);
    const e = await (await gateway.app('m1')).call('imbot.v2.Chat.Message.send', {}).catch((x: unknown) => x);
    expect((e as Error).name).toBe(kind);
    // A failed refresh means the send itself was never run: safe to fetch the event again.
    if (e instanceof NetworkError) expect(e.unsent).toBe(true);
    expect((await store.get('m1'))!.installation.status).toBe(status);
    expect(oauth.seen).toHaveLength(1);
  });

  it('an OAuth server that refuses connections is an outage too', async () => {
    const store = new MemoryPortalStore();
    await store.put(emptyPortal(installation('m1', `${portal.origin}/rest`)));
    const gateway = new PortalGateway({ store, log: silentLogger, clientId: 'a', clientSecret: 'b', oauthUrl: `http://127.0.0.1:${await deadPort()}`, retryBudgetMs: 500 });
    portal.reset([json(401, { error: 'expired_token', error_description: 'expired' })]);
    const e = await (await gateway.app('m1')).call('profile', {}).catch((x: unknown) => x);
    expect(e).toMatchObject({ name: 'NetworkError', unsent: true });
    expect((await store.get('m1'))!.installation.status).toBe('active');
  });
});

describe('confirmInstall: the OAuth server vouches for an install', () => {
  const answer = (extra: Record<string, unknown>) =>
    json(200, {
      access_token: 'a1',
      refresh_token: 'r1',
      expires: Math.floor(Date.now() / 1000) + 3600,
      expires_in: 3600,
      client_endpoint: 'https://school.bitrix24.com/rest/',
      server_endpoint: 'https://oauth.bitrix24.tech/rest/',
      domain: 'oauth.bitrix24.tech',
      scope: 'imbot,im',
      status: 'L',
      user_id: 9,
      ...extra,
    });

  it('takes the endpoints, the new pair and the installer from the answer; the portal domain from its REST base', async () => {
    const { gateway } = await gatewayWith(`${portal.origin}/rest`);
    oauth.reset([answer({ member_id: 'm-new' })]);
    const c = await gateway.confirmInstall('m-new', 'install-refresh');
    expect(c).toMatchObject({
      accessToken: 'a1',
      refreshToken: 'r1',
      clientEndpoint: 'https://school.bitrix24.com/rest',
      serverEndpoint: 'https://oauth.bitrix24.tech/rest/',
      domain: 'school.bitrix24.com',
      userId: 9,
    });
    const q = new URL(oauth.seen[0]!.url, oauth.origin).searchParams;
    expect(Object.fromEntries(q)).toEqual({ grant_type: 'refresh_token', client_id: 'local.app', client_secret: 'secret', refresh_token: 'install-refresh' });
  });

  it('refuses an answer for another portal, or one that names none', async () => {
    const { gateway } = await gatewayWith(`${portal.origin}/rest`);
    oauth.reset([answer({ member_id: 'someone-else' }), answer({})]);
    await expect(gateway.confirmInstall('m-new', 'r')).rejects.toMatchObject({ code: 'MEMBER_MISMATCH' });
    await expect(gateway.confirmInstall('m-new', 'r')).rejects.toMatchObject({ code: 'MEMBER_MISMATCH' });
  });

  it('a refusal is a PortalError; no answer is a NetworkError', async () => {
    const { gateway } = await gatewayWith(`${portal.origin}/rest`);
    oauth.reset([json(400, { error: 'invalid_grant' }), text(502, 'bad gateway')]);
    await expect(gateway.confirmInstall('m', 'r')).rejects.toBeInstanceOf(PortalError);
    await expect(gateway.confirmInstall('m', 'r')).rejects.toBeInstanceOf(NetworkError);
  });
});
