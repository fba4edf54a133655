// The sandbox page's HTTP side without a browser: masking, the JSON API's refusals, the inspector's rows, the live stream, the clock.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/start.js';
import type { InspectorRow } from '../../src/sandbox/web/inspector.js';
import { maskSecrets, maskUrl } from '../../src/sandbox/web/mask.js';

describe('masking', () => {
  it('hides every token and secret, keeps the rest of an auth block', () => {
    const masked = maskSecrets({
      auth: 'abc',
      BOT_TOKEN: 'b1',
      botToken: 'b2',
      client_secret: 's',
      data: { bot: { auth: { access_token: 'x', refresh_token: 'r', domain: 'demo', member_id: 'm' } } },
      list: [{ application_token: 'a' }, 'plain'],
      message: 'auth is a word',
    });
    expect(masked).toEqual({
      auth: '***',
      BOT_TOKEN: '***',
      botToken: '***',
      client_secret: '***',
      data: { bot: { auth: { access_token: '***', refresh_token: '***', domain: 'demo', member_id: 'm' } } },
      list: [{ application_token: '***' }, 'plain'],
      message: 'auth is a word',
    });
    expect(maskUrl('/rest/x?auth=tok&a=1&refresh_token=r')).toBe('/rest/x?auth=***&a=1&refresh_token=***');
  });
});

describe('the sandbox API', () => {
  let sb: Sandbox;
  let dataDir: string;
  let base: string;
  let mark: number;
  let anna: number;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'sgb-api-'));
    sb = await startSandbox(loadConfig({ PORT: '0', SANDBOX_PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'silent' }));
    base = sb.webUrl.replace(/\/$/, '');
    mark = sb.demo.moderators[0];
    anna = sb.demo.learners[0];
  });
  afterAll(async () => {
    await sb?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const post = (path: string, body: unknown, type = 'application/json') =>
    fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': type }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const settle = async () => {
    await sb.portal.flush();
    await sb.runtime.bot.idle();
  };

  it('serves the page and its files from the printed address, nothing else', async () => {
    const page = await fetch(sb.webUrl);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('<script type="module" src="/static/app.js">');
    expect((await fetch(`${base}/static/bbcode.js`)).headers.get('content-type')).toContain('javascript');
    expect((await fetch(`${base}/static/..%2F..%2Fconfig.ts`)).status).toBe(404);
    expect((await fetch(`${base}/static/index.html`)).status).toBe(404);
  });

  it('refuses what a person could not do, and changes nothing', async () => {
    const messages = sb.portal.state.messages.size;
    // A form post from another site cannot reach the API: without an Origin of our own, only JSON is heard.
    expect((await post('/api/send', `as=${mark}&dialog=${sb.botId}&text=hi`, 'application/x-www-form-urlencoded')).status).toBe(403);
    expect((await post('/api/send', { as: mark, dialog: String(sb.botId) })).status).toBe(400);
    expect((await post('/api/send', '{not json')).status).toBe(400);
    const foreign = await post('/api/send', { as: anna, dialog: 'chat999', text: 'hello' });
    expect(foreign.status).toBe(400);
    expect(((await foreign.json()) as { error: string }).error).toContain('cannot write');
    // A deep link's context is a small flat object, opened in a dialog with a bot by its id.
    expect((await post('/api/context', { as: anna, dialog: String(sb.botId), context: { open: { nested: 1 } } })).status).toBe(400);
    expect((await post('/api/context', { as: anna, dialog: 'chat1', context: { open: 'courses' } })).status).toBe(400);
    expect(sb.portal.state.messages.size).toBe(messages);
    // Anna is not in the admin's workgroup: its feed is not hers to read.
    expect((await fetch(`${base}/api/conversation?as=${anna}&dialog=feed${sb.demo.adminGroup}`)).status).toBe(404);
    expect((await fetch(`${base}/api/conversation?as=${anna}&dialog=feed${sb.demo.moderatorGroup}`)).status).toBe(200);
    const already = await post('/api/control/workgroup-add', { userId: anna, workgroupId: sb.demo.moderatorGroup });
    expect(already.status).toBe(409);
  });

  it('records the event and the calls it caused with masked bodies and the answers the bot got, and streams them live', async () => {
    const stream = await fetch(`${base}/api/stream`);
    const reader = stream.body!.getReader();
    const decoder = new TextDecoder();
    let received = '';
    const readUntil = async (marker: string) => {
      const deadline = Date.now() + 5000;
      while (!received.includes(marker)) {
        if (Date.now() > deadline) throw new Error(`no ${marker} on the stream`);
        const { value, done } = await reader.read();
        if (done) break;
        received += decoder.decode(value);
      }
    };
    await readUntil('event: hello');

    const sent = await post('/api/send', { as: mark, dialog: String(sb.botId), text: '/help' });
    expect(sent.status).toBe(200);
    await settle();
    await readUntil('imbot.v2.Chat.Message.send');
    await reader.cancel();
    expect(received).toContain('event: row');
    expect(received).toContain('"name":"ONIMBOTV2COMMANDADD"');

    const rows = (await (await fetch(`${base}/api/inspector`)).json()) as InspectorRow[];
    const event = rows.findLast((r) => r.name === 'ONIMBOTV2COMMANDADD')!;
    const reply = rows.findLast((r) => r.name === 'imbot.v2.Chat.Message.send')!;
    expect(rows.indexOf(event)).toBeLessThan(rows.indexOf(reply));
    expect(event.summary).toBe('Mark Moderator: /help (textarea) in ' + String(mark));
    expect(JSON.stringify(event.body)).toContain('"access_token":"***"');
    expect(reply).toMatchObject({ kind: 'rest', status: 200, ok: true, via: 'oauth' });
    expect((reply.body as { auth: string }).auth).toBe('***');
    const answer = reply.response as { result: { id: number } };
    expect(sb.portal.state.messages.get(answer.result.id)?.text).toContain('Study groups bot');
  });

  it('moves the portal clock and the bot with it', async () => {
    const before = sb.portal.now();
    const info = (await (await post('/api/control/clock', { hours: 24 })).json()) as { now: number; clockOffsetMs: number };
    expect(info.now - before).toBeGreaterThanOrEqual(24 * 3_600_000);
    expect(Math.abs(sb.runtime.bot.now().getTime() - sb.portal.now())).toBeLessThan(1000);
    expect((await post('/api/control/clock', { hours: 0 })).status).toBe(400);
  });

  it('the workgroup controls have the bot re-read the workgroups at once: no "Members" press is needed', async () => {
    const [emma, felix] = [sb.demo.learners[4], sb.demo.learners[5]];
    const wgId = sb.demo.moderatorGroup;
    const say = async (text: string) => {
      expect((await post('/api/send', { as: mark, dialog: String(sb.botId), text })).status).toBe(200);
      await settle();
    };
    const stored = async () => (await sb.runtime.store.get(sb.memberId))!.groups.find((g) => g.workgroupId === wgId)!;
    const status = async (userId: number) => (await stored()).members.find((m) => m.userId === userId)?.status;
    await say(`/group link ${wgId}`);
    await say(`/group invite #${(await stored()).id} ${emma}`);
    expect(await status(emma)).toBe('invited');

    const rowsBefore = ((await (await fetch(`${base}/api/inspector`)).json()) as InspectorRow[]).length;
    expect((await post('/api/control/accept-invitation', { userId: emma, workgroupId: wgId })).status).toBe(200);
    expect(await status(emma)).toBe('member');
    expect((await post('/api/control/workgroup-add', { userId: felix, workgroupId: wgId })).status).toBe(200);
    expect(await status(felix)).toBe('member');
    // The inspector shows how the bot learnt it: a batch read made with the installation's token.
    const rows = ((await (await fetch(`${base}/api/inspector`)).json()) as InspectorRow[]).slice(rowsBefore);
    expect(rows.filter((r) => r.name === 'batch')).toHaveLength(2);
  });

  it('the remove control takes a learner out of a workgroup behind the bot, and "my courses" drops its closed course at once', async () => {
    const chloe = sb.demo.learners[2];
    const bot = String(sb.botId);
    const say = async (as: number, text: string) => {
      expect((await post('/api/send', { as, dialog: bot, text })).status).toBe(200);
      await settle();
      return sb.portal.lastBotMessage(as, bot)?.text ?? '';
    };
    const stored = async () => (await sb.runtime.store.get(sb.memberId))!.groups.find((g) => g.name === 'Optics lab')!;
    expect(await say(mark, '/group create Optics lab')).toContain('Study group created');
    const wgId = (await stored()).workgroupId;
    await say(mark, `/group invite #${(await stored()).id} ${chloe}`);
    expect((await post('/api/control/accept-invitation', { userId: chloe, workgroupId: wgId })).status).toBe(200);
    await say(mark, '/course add "Lenses" https://example.com/lenses');
    expect(await say(mark, '/course attach "Lenses" "Optics lab"')).toContain('Lenses');
    const before = await say(chloe, 'my courses');
    expect(before).toContain('Optics lab');
    expect(before).toContain('Lenses');

    // Refusals change nothing: form posts, the owner, someone not in the group, a group that does not exist.
    const form = await post('/api/control/workgroup-remove', `userId=${chloe}&workgroupId=${wgId}`, 'application/x-www-form-urlencoded');
    expect(form.status).toBe(403);
    expect((await post('/api/control/workgroup-remove', { userId: mark, workgroupId: wgId })).status).toBe(400);
    expect((await post('/api/control/workgroup-remove', { userId: anna, workgroupId: wgId })).status).toBe(409);
    expect((await post('/api/control/workgroup-remove', { userId: chloe, workgroupId: 99_999 })).status).toBe(404);
    expect(sb.portal.state.workgroups.get(wgId)!.members.has(chloe)).toBe(true);

    const requestsBefore = sb.portal.requests.length;
    const removed = await post('/api/control/workgroup-remove', { userId: chloe, workgroupId: wgId });
    expect(removed.status).toBe(200);
    const { workgroups } = (await removed.json()) as { workgroups: Array<{ id: number; members: Array<{ userId: number }> }> };
    expect(workgroups.find((g) => g.id === wgId)!.members.map((m) => m.userId)).not.toContain(chloe);
    expect(sb.portal.state.workgroups.get(wgId)!.members.has(chloe)).toBe(false);
    // The portal sent no event (the bot was not told); the control's sync read the workgroup, and the store already knows.
    expect(sb.portal.requests.slice(requestsBefore).some((r) => r.method === 'batch')).toBe(true);
    expect((await stored()).members.some((m) => m.userId === chloe)).toBe(false);
    // No further step: the very next "my courses" no longer lists the closed course.
    const answer = await say(chloe, 'my courses');
    expect(answer).toContain('My groups');
    expect(answer).not.toContain('Optics lab');
    expect(answer).not.toContain('Lenses');
  });
});
