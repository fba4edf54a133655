// Issue 2 scenarios over real HTTP against the emulator: install, help, verification, refresh, rate limit.
import { readFile, readdir } from 'node:fs/promises';
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

describe('installation', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld({ mode: appMode() });
  });
  afterAll(async () => w?.close());

  it('registers one bot and six commands', async () => {
    expect(ourBots(w)).toHaveLength(1);
    const names = ourCommands(w).map((c) => c.command).sort();
    expect(names).toEqual(['course', 'group', 'help', 'moderator', 'mycourses', 'poll']);
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
    expect(ourCommands(w)).toHaveLength(6);
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
    expect(w.portal.requests.slice(before).filter((r) => r.method.startsWith('imbot.v2.'))).toEqual([]);
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
    expect(ourCommands(w)).toHaveLength(6);
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
  beforeAll(async () => {
    // The application's HTTP receiver (webhook mode), whatever SCENARIO_MODE says: in fetch modes
    // the poller's own requests would blur the counts, and nothing is posted to the receiver.
    w = await startWorld({ mode: 'webhook' });
    appToken = (await w.data()).installation.applicationToken;
  });
  afterAll(async () => w?.close());

  const portalFile = async (x: World) => readFile(join(x.dataDir, 'portals', fileNameFor(x.memberId)), 'utf8');

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
      ts: '1763888100',
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

  it('survives 1,000 fuzzed bodies: no 500, no crash, no stored change', async () => {
    const before = await portalFile(w);
    const files = await readdir(join(w.dataDir, 'portals'));
    const sent = w.portal.requests.length;
    const rnd = mulberry32(42);
    const statuses = new Map<number, number>();
    for (let i = 0; i < 1000; i++) {
      const { body, type } = fuzzBody(i, rnd, w.memberId, appToken);
      const res = await fetch(`${w.botUrl}/bitrix/events`, { method: 'POST', headers: { 'content-type': type }, body });
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      await res.arrayBuffer();
      expect(res.status, `body #${i}`).toBeLessThan(500);
    }
    await w.settle();
    expect([...statuses.keys()].every((s) => [200, 400, 401, 413, 415].includes(s))).toBe(true);
    expect(statuses.get(400)).toBeGreaterThan(100);
    expect(await portalFile(w)).toBe(before);
    expect(await readdir(join(w.dataDir, 'portals'))).toEqual(files);
    // Nothing reached the portal either: no fuzzed body was taken for a genuine event.
    expect(w.portal.requests.length).toBe(sent);
    const health = await fetch(`${w.botUrl}/health`);
    expect(health.status).toBe(200);
  });
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
      const raw = JSON.parse(await readFile(join(w.dataDir, 'portals', fileNameFor(w.memberId)), 'utf8'));
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

function fuzzBody(i: number, rnd: () => number, memberId: string, appToken: string): { body: string; type: string } {
  const pick = <T,>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const form = 'application/x-www-form-urlencoded';
  const json = 'application/json';
  const junk = () => Array.from({ length: Math.floor(rnd() * 40) }, () => String.fromCharCode(Math.floor(rnd() * 0x2ff))).join('');
  switch (i % 12) {
    case 0:
      return { body: `a${'[x]'.repeat(20 + Math.floor(rnd() * 200))}=1`, type: form };
    case 1:
      return { body: Array.from({ length: 3000 + Math.floor(rnd() * 2000) }, (_, k) => `k${k}=v`).join('&'), type: form };
    case 2:
      return { body: `__proto__[polluted]=1&constructor[prototype][x]=1&event=ONIMBOTV2COMMANDADD&auth[member_id]=${memberId}`, type: form };
    case 3:
      return { body: JSON.stringify({ __proto__: { admin: true }, event: 'X', auth: { member_id: memberId } }).replace('"admin"', '"admin"'), type: json };
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
