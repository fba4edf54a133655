// Issue 14, items 1, 2 and 5 as an attacker would try them, against the real bot over HTTP.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { httpBuildQuery } from '../../src/sandbox/emulator/index.js';
import { startWorld, type World } from '../helpers/world.js';

/** A local server standing for an address of the attacker's choosing: it counts what reaches it and says "admin: true". */
async function spyServer(): Promise<{ url: string; hits: string[]; close(): Promise<void> }> {
  const hits: string[] = [];
  const server: Server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ result: true, time: { start: 0, finish: 0, duration: 0 } }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, hits, close: () => new Promise((r) => server.close(() => r())) };
}

const randomHex = (bytes: number) => randomBytes(bytes).toString('hex');
const installation = (w: World) => w.portal.state.installations.get(w.clientId)!;

function installBody(w: World, refreshToken: string, applicationToken: string, ts = Math.floor(w.emu.clock.now() / 1000)): string {
  const endpoint = w.portal.endpoints().clientEndpoint;
  return httpBuildQuery({
    event: 'ONAPPINSTALL',
    data: { VERSION: '1', ACTIVE: 'Y', INSTALLED: 'Y', LANGUAGE_ID: 'en' },
    ts: String(ts),
    auth: {
      access_token: randomHex(22),
      refresh_token: refreshToken,
      expires_in: '3600',
      scope: 'imbot,im,user',
      domain: new URL(endpoint).host,
      server_endpoint: w.portal.endpoints().serverEndpoint,
      client_endpoint: endpoint,
      member_id: w.memberId,
      status: 'L',
      application_token: applicationToken,
    },
  });
}

const post = (w: World, path: string, body: string) =>
  fetch(`${w.botUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });

describe('an install cannot take a portal over', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld({ mode: 'webhook' });
  });
  afterAll(async () => w?.close());

  it("a learner's genuine refresh token and an application token of the attacker's choosing: 401, and nothing changes", async () => {
    const before = (await w.data()).installation;
    const learner = w.demo.learners[0]!;
    const attackerToken = randomHex(16);
    const res = await post(w, '/bitrix/install', installBody(w, w.portal.tokenFor(learner).refreshToken, attackerToken));
    expect(res.status).toBe(401);
    const after = (await w.data()).installation;
    expect(after.applicationToken).toBe(before.applicationToken);
    expect(after.refreshToken).toBe(before.refreshToken);
    expect(after.installerId).toBe(before.installerId);
    // The portal's genuine events are still heard; the attacker's token is not the portal's.
    expect((await w.say(learner, '/help')).at(-1)?.text).toContain('Study groups bot');
    const forged = installBody(w, w.portal.tokenFor(learner).refreshToken, attackerToken).replace('ONAPPINSTALL', 'ONIMBOTV2JOINCHAT');
    expect((await post(w, '/bitrix/events', forged)).status).toBe(401);
  });

  it("a portal administrator's reinstall with a new application token is accepted, and the new token works", async () => {
    const oldToken = (await w.data()).installation.applicationToken;
    const newToken = randomHex(16);
    // The portal issues a new application token (as after a removal and a new install).
    installation(w).applicationToken = newToken;
    const res = await post(w, '/bitrix/install', installBody(w, w.portal.tokenFor(w.demo.admin).refreshToken, newToken));
    expect(res.status).toBe(200);
    expect((await w.data()).installation.applicationToken).toBe(newToken);
    expect((await w.say(w.demo.learners[1]!, '/help')).at(-1)?.text).toContain('Study groups bot');
    // An event with the old token is refused now.
    installation(w).applicationToken = oldToken;
    const sent = w.portal.requests.length;
    await w.portal.as(w.demo.learners[1]!).send(String(w.botId), '/help');
    await w.settle();
    expect(w.portal.requests.length).toBe(sent);
    installation(w).applicationToken = newToken;
  });

  it('an install replayed from long ago is refused before anything is asked of the OAuth server', async () => {
    const refreshes = w.emu.refreshCount;
    const stale = installBody(w, w.portal.tokenFor(w.demo.admin).refreshToken, randomHex(16), Math.floor(w.emu.clock.now() / 1000) - 3 * 86_400);
    expect((await post(w, '/bitrix/install', stale)).status).toBe(400);
    expect(w.emu.refreshCount).toBe(refreshes);
  });
});

describe("an event's endpoints never decide where the bot's calls go", () => {
  let w: World;
  let spy: Awaited<ReturnType<typeof spyServer>>;
  let restore: (() => void) | null = null;
  beforeAll(async () => {
    w = await startWorld({ mode: 'webhook' });
  });
  afterAll(async () => w?.close());
  beforeEach(async () => {
    spy = await spyServer();
  });
  afterEach(async () => {
    restore?.();
    restore = null;
    await spy.close();
  });

  /** From now on the portal's user events name the spy as their portal (client_endpoint, server_endpoint, domain). */
  function eventsNameTheSpy(): void {
    const original = w.portal.issueAuthBlock.bind(w.portal);
    w.portal.issueAuthBlock = (inst, userId, withRefresh) => ({
      ...original(inst, userId, withRefresh),
      client_endpoint: `${spy.url}/rest/`,
      server_endpoint: `${spy.url}/rest/`,
      domain: new URL(spy.url).host,
    });
    restore = () => {
      w.portal.issueAuthBlock = original;
    };
  }

  it("a learner's /moderator add of themselves, with events naming an address that says 'admin: true': 0 requests there, refused", async () => {
    eventsNameTheSpy();
    const learner = w.demo.learners[2]!;
    const stored = (await w.data()).installation.clientEndpoint;
    const out = await w.say(learner, `/moderator add ${learner}`);
    expect(out.length).toBeGreaterThan(0);
    expect(spy.hits).toEqual([]);
    expect((await w.data()).moderators).not.toContain(learner);
    expect((await w.data()).installation.clientEndpoint).toBe(stored);
    // Everything else the learner does still works, through the stored address alone.
    expect((await w.say(learner, '/help')).at(-1)?.text).toContain('Study groups bot');
    expect(spy.hits).toEqual([]);
  });

  it('a portal that moved is learnt from the OAuth server, never from the event', async () => {
    // A world of its own: the first test's event already asked the OAuth server (asked at most every 10 minutes).
    await w.close();
    w = await startWorld({ mode: 'webhook' });
    // The stored address is stale (it points at the spy); the portal's events name its real address.
    const real = (await w.data()).installation.clientEndpoint;
    await w.rt.store.update(w.memberId, (d) => {
      d.installation.clientEndpoint = `${spy.url}/rest`;
      d.installation.domain = new URL(spy.url).host;
    });
    const refreshes = w.emu.refreshCount;
    expect((await w.say(w.demo.learners[3]!, '/help')).at(-1)?.text).toContain('Study groups bot');
    expect(w.emu.refreshCount).toBe(refreshes + 1);
    expect(spy.hits).toEqual([]);
    const inst = (await w.data()).installation;
    expect(inst.clientEndpoint).toBe(real);
    expect(inst.domain).toBe(new URL(real).host);
  });
});

describe('old events are refused', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld({ mode: 'webhook' });
  });
  afterAll(async () => w?.close());

  function helpEvent(ts: string | null, messageId: number): string {
    const learner = String(w.demo.learners[0]);
    return httpBuildQuery({
      event: 'ONIMBOTV2COMMANDADD',
      event_handler_id: '1',
      data: {
        bot: { id: String(w.botId), code: 'study_groups_bot' },
        command: { id: '1', command: '/help', params: '', context: 'textarea' },
        message: { id: String(messageId), chatId: '1', authorId: learner, text: '/help' },
        chat: { id: '1', dialogId: learner, type: 'private', messageType: 'P' },
        user: { id: learner, name: 'Anna Petrova', extranet: '0' },
        language: 'en',
      },
      ...(ts === null ? {} : { ts }),
      auth: { ...w.portal.issueAuthBlock(installation(w), w.demo.learners[0]!, false) },
    });
  }

  it('an event from 2017, one two hours ahead, and one without ts: refused with 400, nothing handled; a fresh one is handled', async () => {
    const now = Math.floor(w.emu.clock.now() / 1000);
    const sent = w.portal.requests.length;
    const cases: Array<[string | null, number]> = [['1500000000', 900001], [String(now + 2 * 3600), 900002], [null, 900003], [String(now - 2 * 86_400), 900004]];
    for (const [ts, id] of cases) {
      const res = await post(w, '/bitrix/events', helpEvent(ts, id));
      expect(res.status, `ts ${ts}`).toBe(400);
    }
    await w.settle();
    expect(w.portal.requests.length).toBe(sent);
    expect((await post(w, '/bitrix/events', helpEvent(String(now - 600), 900005))).status).toBe(200);
    await w.settle();
    expect(w.portal.requests.length).toBeGreaterThan(sent);
  });
});
