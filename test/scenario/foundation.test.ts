// Issue 2 scenarios over real HTTP against the emulator: install, help, verification, refresh, rate limit.
import { readFile, readdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpBuildQuery } from '../../src/sandbox/emulator/index.js';
import { COMMANDS, MANIFEST_REVISION } from '../../src/handlers/manifest.js';
import { fileNameFor } from '../../src/store/file.js';
import { startWorld, type World } from '../helpers/world.js';

/** Installation and OAuth tokens belong to an application: one-portal SCENARIO_MODEs run these as an application in webhook mode. */
const appMode = (): 'webhook' | 'fetch' => (process.env.SCENARIO_MODE === 'fetch' ? 'fetch' : 'webhook');

const ourBots = (w: World) => [...w.portal.state.bots.values()].filter((b) => b.id === w.botId || b.code === 'study_groups_bot');
const ourCommands = (w: World) => [...w.portal.state.commands.values()].filter((c) => c.botId === w.botId);

/** The scenario project on PostgreSQL (scenario:pg): the bot's store is the database, not DATA_DIR. */
const ON_PG = process.env.SCENARIO_STORE === 'pg';

describe('installation', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld({ mode: appMode() });
  });
  afterAll(async () => w?.close());

  it('registers one bot and seven commands', async () => {
    expect(ourBots(w)).toHaveLength(1);
    const names = ourCommands(w).map((c) => c.command).sort();
    expect(names).toEqual(['course', 'group', 'help', 'moderator', 'mycourses', 'poll', 'training']);
    const data = await w.data();
    expect(Object.keys(data.installation.commandIds).sort()).toEqual(names);
    expect(data.installation.status).toBe('active');
  });

  it('a second install keeps the same bot and command ids, and duplicates nothing', async () => {
    const before = await w.data();
    await w.portal.installApp({
      clientId: w.clientId,
      clientSecret: w.clientSecret,
      installUrl: `${w.botUrl}/bitrix/install`,
      handlerUrl: `${w.botUrl}/bitrix/events`,
      scope: ['imbot', 'im', 'sonet_group', 'socialnetwork', 'log', 'user'],
      installerId: w.demo.admin,
    });
    const after = await w.data();
    expect(after.installation.botId).toBe(before.installation.botId);
    expect(after.installation.commandIds).toEqual(before.installation.commandIds);
    expect(ourBots(w)).toHaveLength(1);
    expect(ourCommands(w)).toHaveLength(7);
  });

  it('registers titles and parameter hints in English and Russian', () => {
    const group = ourCommands(w).find((c) => c.command === 'group')!;
    expect(group.title).toMatchObject({ en: 'Study groups', ru: 'Учебные группы' });
    expect(Object.keys(group.params ?? {}).sort()).toEqual(['en', 'ru']);
  });

  it('a restart with the same version registers nothing again', async () => {
    expect((await w.data()).installation.manifestRevision).toBe(MANIFEST_REVISION);
    const before = w.portal.requests.length;
    await w.restart();
    // Reads only (the start-up's Revision.get, in fetch mode the poller's Event.get): nothing registered.
    const calls = w.portal.requests.slice(before).filter((r) => r.method.startsWith('imbot.v2.'));
    expect(calls.map((r) => r.method).filter((m) => m !== 'imbot.v2.Revision.get' && m !== 'imbot.v2.Event.get')).toEqual([]);
    expect(calls.some((r) => r.method === 'imbot.v2.Revision.get')).toBe(true);
  });

  it('a new version brings the commands of an installed bot up to date: same ids, new titles and hints', async () => {
    // As an older version left it: other hints on the portal, an older revision on disk.
    const group = ourCommands(w).find((c) => c.command === 'group')!;
    group.params = { en: 'create <name>', ru: 'create <имя>' };
    await w.rt.store.update(w.memberId, (d) => void (d.installation.manifestRevision = 'older'));
    const ids = (await w.data()).installation.commandIds;
    const before = w.portal.requests.length;
    await w.restart();
    const made = w.portal.requests.slice(before).filter((r) => r.via !== 'batch-inner').map((r) => r.method);
    expect(made.filter((m) => m === 'batch')).toHaveLength(2);
    const current = COMMANDS.find((c) => c.name === 'group')!;
    expect(ourCommands(w).find((c) => c.command === 'group')!.params).toEqual(current.params);
    expect(ourCommands(w)).toHaveLength(7);
    expect(ourBots(w)).toHaveLength(1);
    const after = await w.data();
    expect(after.installation.commandIds).toEqual(ids);
    expect(after.installation.manifestRevision).toBe(MANIFEST_REVISION);
  });
});

describe('help', () => {
  it('answers in English on an English portal and lists moderator commands only to moderators', async () => {
    const w = await startWorld({ language: 'en' });
    try {
      const learner = await w.say(w.demo.learners[0], '/help');
      expect(learner).toHaveLength(1);
      expect(learner[0]!.text).toContain('my courses');
      expect(learner[0]!.text).not.toContain('/group create');
      const admin = await w.say(w.demo.admin, '/help');
      expect(admin[0]!.text).toContain('/group create');
      expect(admin[0]!.text).toContain('/moderator');
      // Typed in the private chat as plain text, the command still works.
      const typed = await w.say(w.demo.learners[1], 'help me');
      expect(typed[0]!.text).toContain('/help');
    } finally {
      await w.close();
    }
  });

  it('answers in Russian on a Russian portal', async () => {
    const w = await startWorld({ language: 'ru' });
    try {
      const out = await w.say(w.demo.learners[0], '/help');
      expect(out[0]!.text).toContain('Бот учебных групп');
      expect(out[0]!.text).toContain('мои курсы');
    } finally {
      await w.close();
    }
  });
});

describe('verification and malformed input', () => {
  let w: World;
  let appToken: string;
  /** A forger's "portal": it answers anything with success and counts what reached it. */
  let spy: Server;
  let spyUrl: string;
  let spyHits = 0;
  beforeAll(async () => {
    // The application's HTTP receiver (webhook mode), whatever SCENARIO_MODE says: in fetch modes
    // the poller's own requests would blur the counts, and nothing is posted to the receiver.
    w = await startWorld({ mode: 'webhook' });
    appToken = (await w.data()).installation.applicationToken;
    spy = createServer((_req, res) => {
      spyHits++;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ result: { ID: '1', ADMIN: true, bot: { id: 1 } }, time: {} }));
    });
    await new Promise<void>((r) => spy.listen(0, '127.0.0.1', r));
    spyUrl = `http://127.0.0.1:${(spy.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await w?.close();
    await new Promise<void>((r) => spy.close(() => r()));
  });

  // What is stored for the portal, byte for byte: its file, or on PostgreSQL its data read back.
  const portalFile = async (x: World) =>
    ON_PG ? JSON.stringify(await x.rt.store.get(x.memberId)) : readFile(join(x.dataDir, 'portals', fileNameFor(x.memberId)), 'utf8');
  /** The portals stored: the files, or on PostgreSQL the member ids. */
  const portalsStored = async (x: World) => (ON_PG ? (await x.rt.store.list()).sort() : readdir(join(x.dataDir, 'portals')));

  function commandBody(token: string, memberId: string, text = '/help') {
    return httpBuildQuery({
      event: 'ONIMBOTV2COMMANDADD',
      event_handler_id: '1',
      data: {
        bot: { id: String(w.botId), code: 'study_groups_bot' },
        command: { id: '1', command: '/help', params: '', context: 'textarea' },
        message: { id: '999999', chatId: '1', authorId: String(w.demo.learners[0]), text },
        chat: { id: '1', dialogId: String(w.demo.learners[0]), type: 'private', messageType: 'P' },
        user: { id: String(w.demo.learners[0]), name: 'Anna Petrova', extranet: '0' },
        language: 'en',
      },
      ts: String(Math.floor(w.emu.clock.now() / 1000)),
      auth: { member_id: memberId, application_token: token, domain: 'x', client_endpoint: 'http://127.0.0.1:1/rest/' },
    });
  }

  it('refuses a forged application_token with 401 and changes nothing', async () => {
    const before = await portalFile(w);
    const sent = w.portal.requests.length;
    const res = await fetch(`${w.botUrl}/bitrix/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: commandBody('f'.repeat(32), w.memberId),
    });
    expect(res.status).toBe(401);
    await w.settle();
    expect(await portalFile(w)).toBe(before);
    expect(w.portal.requests.length).toBe(sent);
  });

  it('refuses an unknown portal with 401', async () => {
    const res = await fetch(`${w.botUrl}/bitrix/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: commandBody(appToken, 'not-a-portal'),
    });
    expect(res.status).toBe(401);
  });

  it('accepts the genuine token (the same body) and answers', async () => {
    const sent = w.portal.requests.length;
    const res = await fetch(`${w.botUrl}/bitrix/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: commandBody(appToken, w.memberId),
    });
    expect(res.status).toBe(200);
    await w.settle();
    expect(w.portal.requests.slice(sent).map((r) => r.method)).toContain('imbot.v2.Chat.Message.send');
  });

  it('refuses a forged ONAPPINSTALL for an unknown portal: 401, nothing stored, nothing asked of its endpoint, its events refused', async () => {
    const files = await portalsStored(w);
    const hits = spyHits;
    const forgedMember = randomHex(16);
    const forgedAppToken = randomHex(16);
    const res = await fetch(`${w.botUrl}/bitrix/install`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: installBody(forgedMember, forgedAppToken, `${spyUrl}/rest/`),
    });
    expect(res.status).toBe(401);
    await w.settle();
    expect(await portalsStored(w)).toEqual(files);
    expect(await w.rt.store.get(forgedMember)).toBeUndefined();
    expect(spyHits).toBe(hits);
    const ev = await fetch(`${w.botUrl}/bitrix/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: commandBody(forgedAppToken, forgedMember),
    });
    expect(ev.status).toBe(401);
    expect(spyHits).toBe(hits);
  });

  it('refuses a forged ONAPPINSTALL for the known portal: 401, its stored endpoint and tokens unchanged', async () => {
    const before = await portalFile(w);
    const hits = spyHits;
    const res = await fetch(`${w.botUrl}/bitrix/install`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: installBody(w.memberId, randomHex(16), `${spyUrl}/rest/`),
    });
    expect(res.status).toBe(401);
    await w.settle();
    expect(await portalFile(w)).toBe(before);
    expect(spyHits).toBe(hits);
    // A malformed one is a 400.
    const bad = await fetch(`${w.botUrl}/bitrix/install`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `event=ONAPPINSTALL&auth[member_id]=${w.memberId}&auth[client_endpoint]=${encodeURIComponent(spyUrl)}`,
    });
    expect(bad.status).toBe(400);
  });

  it('survives 1,000 fuzzed bodies (events and forged installs): no 500, no crash, no stored change', async () => {
    const before = await portalFile(w);
    const files = await portalsStored(w);
    const sent = w.portal.requests.length;
    const hits = spyHits;
    const rnd = mulberry32(42);
    const statuses = new Map<number, number>();
    let installs = 0;
    for (let i = 0; i < 1000; i++) {
      const { body, type, path } = fuzzBody(i, rnd, w.memberId, appToken, w.botId, `${spyUrl}/rest/`);
      if (path === '/bitrix/install') installs++;
      const res = await fetch(`${w.botUrl}${path ?? '/bitrix/events'}`, { method: 'POST', headers: { 'content-type': type }, body });
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      await res.arrayBuffer();
      expect(res.status, `body #${i}`).toBeLessThan(500);
      if (path === '/bitrix/install') expect([400, 401], `install #${i}`).toContain(res.status);
    }
    await w.settle();
    expect(installs).toBeGreaterThan(50);
    expect([...statuses.keys()].every((s) => [200, 400, 401, 413, 415].includes(s))).toBe(true);
    expect(statuses.get(400)).toBeGreaterThan(100);
    expect(await portalFile(w)).toBe(before);
    expect(await portalsStored(w)).toEqual(files);
    // Nothing reached the portal either: no fuzzed body was taken for a genuine event.
    expect(w.portal.requests.length).toBe(sent);
    // And no forged install made the bot call the endpoint it named.
    expect(spyHits).toBe(hits);
    // No key of a fuzzed body reached a prototype.
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
    expect(Object.keys(Object.prototype)).toEqual([]);
    const health = await fetch(`${w.botUrl}/health`);
    expect(health.status).toBe(200);
  });

  it('refuses a body holding a raw NUL with 400 (no event carries one; the inbox ends its records at one), and changes nothing', async () => {
    const before = await portalFile(w);
    const sent = w.portal.requests.length;
    const body = commandBody(appToken, w.memberId).replace('text%5D=', 'text%5D=a\u0000b');
    const res = await fetch(`${w.botUrl}/bitrix/events`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    expect(res.status).toBe(400);
    await w.settle();
    expect(await portalFile(w)).toBe(before);
    expect(w.portal.requests.length).toBe(sent);
  });

  it('hostile field values with the genuine token: 400 and nothing stored, never a 500', async () => {
    const before = await portalFile(w);
    const sent = w.portal.requests.length;
    for (const [i, body] of hostileBodies(w.memberId, appToken, w.botId, w.demo.learners[0]).entries()) {
      const res = await fetch(`${w.botUrl}/bitrix/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      await res.arrayBuffer();
      expect(res.status, `hostile #${i}: ${body.slice(0, 200)}`).toBe(400);
    }
    await w.settle();
    expect(await portalFile(w)).toBe(before);
    expect(w.portal.requests.length).toBe(sent);
  });

  function installBody(memberId: string, applicationToken: string, endpoint: string): string {
    return httpBuildQuery({
      event: 'ONAPPINSTALL',
      data: { VERSION: '1', ACTIVE: 'Y', INSTALLED: 'Y', LANGUAGE_ID: 'en' },
      ts: String(Math.floor(Date.now() / 1000)),
      auth: {
        access_token: randomHex(22),
        refresh_token: randomHex(22),
        expires_in: '3600',
        scope: 'imbot,im,user',
        domain: new URL(endpoint).host,
        server_endpoint: endpoint,
        client_endpoint: endpoint,
        member_id: memberId,
        status: 'L',
        application_token: applicationToken,
      },
    });
  }
});

describe('tokens and limits', () => {
  it('refreshes an expired installation token once, succeeds, and saves the new pair at once', async () => {
    const w = await startWorld({ mode: appMode() });
    try {
      const old = (await w.data()).installation;
      w.portal.expireTokens();
      const refreshesBefore = w.emu.refreshCount;
      // Three people at once: the replies all need the installation token, the refresh happens once.
      await Promise.all([w.demo.learners[0], w.demo.learners[1], w.demo.learners[2]].map((u) => w.portal.as(u).send(String(w.botId), '/help')));
      await w.settle();
      for (const u of [w.demo.learners[0], w.demo.learners[1], w.demo.learners[2]]) {
        expect(w.portal.lastBotMessage(u, String(w.botId))?.text).toContain('Study groups bot');
      }
      expect(w.emu.refreshCount - refreshesBefore).toBe(1);
      const raw = ON_PG ? (await w.rt.store.get(w.memberId))! : JSON.parse(await readFile(join(w.dataDir, 'portals', fileNameFor(w.memberId)), 'utf8'));
      expect(raw.installation.accessToken).not.toBe(old.accessToken);
      expect(raw.installation.refreshToken).not.toBe(old.refreshToken);
      expect(raw.installation.status).toBe('active');
    } finally {
      await w.close();
    }
  });

  it('marks the installation for reinstall when the refresh is refused', async () => {
    const w = await startWorld({ mode: appMode() });
    try {
      await w.rt.store.update(w.memberId, (d) => void (d.installation.refreshToken = 'revoked'));
      w.portal.expireTokens();
      await w.say(w.demo.learners[0], '/help');
      expect((await w.data()).installation.status).toBe('needs_reinstall');
    } finally {
      await w.close();
    }
  });

  it('delivers every reply exactly once through a burst beyond the rate limit', async () => {
    // The portal allows a burst of 5 and 20/s; the bot's own limiter is off so the portal's 503s really happen.
    const w = await startWorld({ rateLimit: null });
    try {
      w.portal.setRateLimit({ burst: 5, drainPerSec: 20 });
      const users = [...w.demo.learners, ...w.demo.moderators];
      const burst = users.flatMap((u) => [u, u, u]);
      await Promise.all(burst.map((u, i) => w.portal.as(u).send(String(w.botId), i % 2 ? '/help' : 'hello')));
      await w.settle();
      const limited = w.portal.requests.filter((r) => r.error === 'QUERY_LIMIT_EXCEEDED').length;
      expect(limited).toBeGreaterThan(0);
      for (const u of users) {
        const replies = w.portal.dialog(u, String(w.botId)).filter((m) => m.authorId === w.botId);
        expect(replies).toHaveLength(3);
      }
    } finally {
      await w.close();
    }
  });
});

describe('limits answered with HTTP 429', () => {
  it('delivers every reply exactly once when the portal refuses a burst with bare HTTP 429 answers', async () => {
    // The v2 pages' limit: 2 requests/s per application, HTTP 429 on excess (body undocumented: plain text here).
    const w = await startWorld({ rateLimit: null });
    try {
      w.portal.setRateLimit({ burst: 5, drainPerSec: 20, status: 429 });
      const users = [...w.demo.learners, ...w.demo.moderators];
      const burst = users.flatMap((u) => [u, u, u]);
      await Promise.all(burst.map((u, i) => w.portal.as(u).send(String(w.botId), i % 2 ? '/help' : 'hello')));
      await w.settle();
      expect(w.portal.requests.filter((r) => r.httpStatus === 429).length).toBeGreaterThan(0);
      for (const u of users) {
        const replies = w.portal.dialog(u, String(w.botId)).filter((m) => m.authorId === w.botId);
        expect(replies).toHaveLength(3);
        expect(replies.every((m) => !/went wrong|error/i.test(m.text))).toBe(true);
      }
    } finally {
      await w.close();
    }
  });

  it('OPERATION_TIME_LIMIT: the blocked method is paused until operating_reset_at, then every reply is delivered once', async () => {
    const w = await startWorld({ mode: appMode() });
    try {
      const send = 'imbot.v2.Chat.Message.send';
      const users = [w.demo.learners[0], w.demo.learners[1], w.demo.learners[2]];
      w.portal.limitOperatingTime(send, 2);
      const until = w.emu.clock.now() + 2000;
      await Promise.all(users.map((u) => w.portal.as(u).send(String(w.botId), '/help')));
      await w.settle();
      for (const u of users) {
        const replies = w.portal.dialog(u, String(w.botId)).filter((m) => m.authorId === w.botId);
        expect(replies).toHaveLength(1);
        expect(replies[0]!.text).toContain('Study groups bot');
      }
      const sends = w.portal.requests.filter((r) => r.method === send);
      const refused = sends.filter((r) => r.error === 'OPERATION_TIME_LIMIT');
      // Each waiting call asked once, then waited for the reset instead of asking again and again.
      expect(refused.length).toBeGreaterThan(0);
      expect(refused.length).toBeLessThanOrEqual(users.length);
      expect(sends.filter((r) => r.httpStatus === 200).every((r) => r.at >= until)).toBe(true);
    } finally {
      await w.close();
    }
  });
});

describe('uninstall', () => {
  it('forgets the tokens and refuses later events', async () => {
    // ONAPPUNINSTALL reaches an application only at its handler URL (webhook mode).
    const w = await startWorld({ mode: 'webhook' });
    try {
      await w.portal.uninstallApp(w.clientId, false);
      await w.settle();
      const d = await w.data();
      expect(d.installation.status).toBe('uninstalled');
      expect(d.installation.accessToken).toBe('');
      expect(d.installation.refreshToken).toBe('');
    } finally {
      await w.close();
    }
  });
});

// ── fuzzing helpers
function mulberry32(seed: number) {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomHex(bytes: number): string {
  return Array.from({ length: bytes }, () => Math.floor(Math.random() * 256).toString(16).padStart(2, '0')).join('');
}

/** A command event as JSON with the genuine identity, `data` as given (raw JSON text). */
function rawEvent(memberId: string, appToken: string, data: string, event = 'ONIMBOTV2COMMANDADD'): string {
  return `{"event":"${event}","auth":{"member_id":${JSON.stringify(memberId)},"application_token":${JSON.stringify(appToken)}},"data":${data}}`;
}

/** Well-formed command data with one field replaced by raw JSON text. */
function commandData(botId: number, userId: number, patch: Partial<Record<'botId' | 'commandId' | 'command' | 'params' | 'messageId' | 'text' | 'dialogId' | 'userId' | 'userName' | 'language', string>>): string {
  const f = {
    botId: String(botId),
    commandId: '1',
    command: '"/help"',
    params: '""',
    messageId: '999998',
    text: '"/help"',
    dialogId: JSON.stringify(String(userId)),
    userId: String(userId),
    userName: '"Anna Petrova"',
    language: '"en"',
    ...patch,
  };
  return `{"bot":{"id":${f.botId},"code":"study_groups_bot"},"command":{"id":${f.commandId},"command":${f.command},"params":${f.params},"context":"textarea"},` +
    `"message":{"id":${f.messageId},"chatId":1,"authorId":${f.userId},"text":${f.text}},"chat":{"id":1,"dialogId":${f.dialogId},"type":"private"},` +
    `"user":{"id":${f.userId},"name":${f.userName},"extranet":false},"language":${f.language}}`;
}

/** Genuine token, hostile values: wrong types, huge or negative numbers, nested arrays, prototype keys. */
function hostileBodies(memberId: string, appToken: string, botId: number, userId: number): string[] {
  const ev = (patch: Parameters<typeof commandData>[2]) => rawEvent(memberId, appToken, commandData(botId, userId, patch));
  return [
    ev({ userId: '1e308' }),
    ev({ userId: '123456789012345678901234567890' }),
    ev({ userId: '-7' }),
    ev({ userId: '1.5' }),
    ev({ userId: '[[1]]' }),
    ev({ userId: '{"id":1}' }),
    ev({ botId: '1e21' }),
    ev({ botId: 'true' }),
    ev({ messageId: '9007199254740993' }),
    ev({ commandId: '-1' }),
    ev({ command: '["/help"]' }),
    ev({ command: '{"x":"/help"}' }),
    ev({ params: '[[["a"]]]' }),
    ev({ params: '{"x":1}' }),
    ev({ text: '[["x"],["y"]]' }),
    ev({ text: JSON.stringify('x'.repeat(30_000)) }),
    ev({ dialogId: '["1","2"]' }),
    ev({ dialogId: JSON.stringify('x'.repeat(500)) }),
    ev({ userName: '{"first":"A"}' }),
    ev({ userName: JSON.stringify('n'.repeat(5000)) }),
    rawEvent(memberId, appToken, '[' + '['.repeat(50) + ']'.repeat(50) + ']'),
    rawEvent(memberId, appToken, commandData(botId, userId, {}).replace('"bot":', '"__proto__":{"polluted":1},"bot":')),
    rawEvent(memberId, appToken, commandData(botId, userId, {}).replace('"bot":', '"constructor":{"prototype":{"polluted":1}},"bot":')),
    rawEvent(memberId, appToken, '{"user":{"__proto__":{"id":1}}}'),
  ];
}

function fuzzBody(
  i: number,
  rnd: () => number,
  memberId: string,
  appToken: string,
  botId: number,
  spyEndpoint: string,
): { body: string; type: string; path?: string } {
  const pick = <T,>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const form = 'application/x-www-form-urlencoded';
  const json = 'application/json';
  const junk = () => Array.from({ length: Math.floor(rnd() * 40) }, () => String.fromCharCode(Math.floor(rnd() * 0x2ff))).join('');
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(rnd() * 16).toString(16)).join('');
  if (i % 17 === 16) {
    // Forged installs: unknown or known portal, the forger's endpoint, tokens the OAuth server never issued.
    const member = pick([hex(32), memberId, `${memberId}x`, '0']);
    const auth = {
      access_token: hex(44),
      refresh_token: pick([hex(44), 'x']),
      expires_in: '3600',
      scope: 'imbot,im',
      domain: 'evil.example',
      server_endpoint: pick([spyEndpoint, 'https://oauth.bitrix24.tech/rest/']),
      client_endpoint: spyEndpoint,
      member_id: member,
      status: 'L',
      application_token: pick([hex(32), appToken]),
    };
    const env = { event: pick(['ONAPPINSTALL', 'onappinstall']), data: { LANGUAGE_ID: 'en' }, ts: String(Math.floor(Date.now() / 1000)), auth };
    return pick([
      { body: httpBuildQuery(env), type: form, path: '/bitrix/install' },
      { body: JSON.stringify(env), type: json, path: '/bitrix/install' },
      { body: `{"__proto__":{"member_id":"x"},"event":"ONAPPINSTALL","auth":${JSON.stringify(auth)}}`, type: json, path: '/bitrix/install' },
      { body: httpBuildQuery({ ...env, auth: { ...auth, refresh_token: '' } }), type: form, path: '/bitrix/install' },
    ]);
  }
  switch (i % 14) {
    case 12:
      // Raw JSON keeps the keys that JSON.stringify({ __proto__: … }) would drop.
      return pick([
        { body: `{"__proto__":{"polluted":1},"event":"ONIMBOTV2COMMANDADD","auth":{"member_id":${JSON.stringify(memberId)},"application_token":${JSON.stringify(appToken)}}}`, type: json },
        { body: `{"event":"ONIMBOTV2COMMANDADD","auth":{"member_id":${JSON.stringify(memberId)},"__proto__":{"application_token":${JSON.stringify(appToken)}}}}`, type: json },
        { body: `{"event":"ONIMBOTV2COMMANDADD","auth":{"member_id":${JSON.stringify(memberId)},"application_token":${JSON.stringify(appToken)}},"constructor":{"prototype":{"polluted":1}}}`, type: json },
        { body: `{"event":"ONIMBOTV2COMMANDADD","auth":{"member_id":${JSON.stringify(memberId)},"application_token":${JSON.stringify(appToken)}},"data":{"constructor":{"prototype":{"admin":true}}}}`, type: json },
        { body: `auth[__proto__][application_token]=${appToken}&auth[member_id]=${memberId}&event=ONIMBOTV2COMMANDADD`, type: form },
        { body: `event=ONIMBOTV2COMMANDADD&auth[member_id]=${memberId}&auth[application_token]=${appToken}&data[constructor][prototype][polluted]=1`, type: form },
      ]);
    case 13:
      return { body: pick(hostileBodies(memberId, appToken, botId, 1)), type: json };
  }
  switch (i % 12) {
    case 0:
      return { body: `a${'[x]'.repeat(20 + Math.floor(rnd() * 200))}=1`, type: form };
    case 1:
      return { body: Array.from({ length: 3000 + Math.floor(rnd() * 2000) }, (_, k) => `k${k}=v`).join('&'), type: form };
    case 2:
      return { body: `__proto__[polluted]=1&constructor[prototype][x]=1&event=ONIMBOTV2COMMANDADD&auth[member_id]=${memberId}`, type: form };
    case 3:
      return { body: `{"__proto__":{"admin":true},"event":"X","auth":{"member_id":${JSON.stringify(memberId)}}}`, type: json };
    case 4:
      return { body: '{"event":' + '['.repeat(5000) + ']'.repeat(5000) + '}', type: json };
    case 5:
      return { body: 'x'.repeat(1024 * 1024 + 10), type: form };
    case 6:
      return { body: junk(), type: pick([form, json, 'text/plain']) };
    case 7:
      return { body: `event=${pick(['', 'ONIMBOTV2COMMANDADD', '%FF', 'ONIMBOTV2MESSAGEADD'])}&auth[member_id]=${pick([memberId, '', '%00'])}&auth[application_token]=${pick(['', 'abc', '%E0%A4%A'])}`, type: form };
    case 8:
      return { body: JSON.stringify({ event: 'ONIMBOTV2MESSAGEADD', auth: { member_id: memberId, application_token: appToken }, data: pick([null, 5, 'x', [], { bot: 7 }, { message: { id: 'NaN' } }]) }), type: json };
    case 9:
      return { body: JSON.stringify({ event: 'ONIMBOTV2COMMANDADD', auth: { member_id: memberId, application_token: appToken }, data: { bot: { id: '1e999' }, command: { id: -1, command: 5 }, user: { id: '9'.repeat(40) } } }), type: json };
    case 10:
      return { body: `event=ONIMBOTV2COMMANDADD&auth[member_id]=${memberId}&auth[application_token]=${appToken}&data[command][params][x]=1&data[user][id][]=1`, type: form };
    default:
      return { body: JSON.stringify({ event: [1, 2], auth: 'string', data: { deep: JSON.parse('{"a":'.repeat(50) + '1' + '}'.repeat(50)) } }), type: json };
  }
}
