// Unit tests of the pure parts of the bot core: verification, forms, config, payloads, routing, events.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { normalizeEvent, EventShapeError } from '../../src/bot/events.js';
import { envelopeFields, parseForm, FormError } from '../../src/bot/form.js';
import { buttonPayload, parseButtonPayload, renderFields } from '../../src/bot/render.js';
import { route, type HandlerRegistry } from '../../src/bot/router.js';
import { verifyApplicationToken } from '../../src/bot/verify.js';
import { stripMention } from '../../src/bot/bot.js';

describe('verifyApplicationToken', () => {
  const inst = { applicationToken: 'a'.repeat(32) };
  it.each([
    ['a'.repeat(32), inst, true, undefined],
    ['b'.repeat(32), inst, false, 'token_mismatch'],
    ['a'.repeat(31), inst, false, 'token_mismatch'],
    ['', inst, false, 'no_token'],
    [undefined, inst, false, 'no_token'],
    ['a'.repeat(32), undefined, false, 'unknown_portal'],
    ['a'.repeat(32), { ...inst, uninstalled: true }, false, 'uninstalled'],
  ])('%s → %s', (presented, installation, ok, reason) => {
    const r = verifyApplicationToken(presented, installation);
    expect(r.ok).toBe(ok);
    if (!r.ok) expect(r.reason).toBe(reason);
  });
});

describe('parseForm', () => {
  it('nests bracket keys and keeps lists as arrays', () => {
    const f = parseForm('data%5Bmessage%5D%5Btext%5D=hi+there&data%5Buser%5D%5Bdepartments%5D%5B0%5D=5&data%5Buser%5D%5Bdepartments%5D%5B1%5D=9');
    expect(f).toEqual({ data: { message: { text: 'hi there' }, user: { departments: ['5', '9'] } } });
  });
  it('drops prototype keys instead of assigning them', () => {
    const f = parseForm('__proto__[x]=1&constructor[prototype][y]=2&ok=1');
    expect(f).toEqual({ ok: '1' });
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
  it.each([
    ['too deep', `a${'[b]'.repeat(40)}=1`],
    ['too many keys', Array.from({ length: 2500 }, (_, i) => `k${i}=1`).join('&')],
  ])('refuses %s', (_name, body) => {
    expect(() => parseForm(body)).toThrow(FormError);
  });
});

describe('envelopeFields', () => {
  // The intake reads these four before it answers; handling parses the whole form later. The two must agree.
  const whole = (body: string) => {
    const f = parseForm(body) as { event?: string; ts?: string; auth?: { member_id?: string; application_token?: string } };
    return { event: f.event ?? '', ts: f.ts ?? '', memberId: f.auth?.member_id ?? '', applicationToken: f.auth?.application_token ?? '' };
  };
  it.each([
    ['PHP encoding', 'event=ONIMBOTV2COMMANDADD&data%5Bx%5D=1&ts=1700000000&auth%5Bdomain%5D=a.bitrix24.ru&auth%5Bmember_id%5D=m1&auth%5Bapplication_token%5D=t1'],
    ['raw brackets', 'auth[application_token]=t%2B1&auth[member_id]=m+1&event=E&ts=5'],
    ['lower-case and odd escapes', 'auth%5bmember%5Fid%5d=m%201&%61uth%5Bapplication_token%5D=t&ev%65nt=E&t%73=9'],
    ['a look-alike name', 'auth%5Bmember_idx%5D=no&authx%5Bmember_id%5D=no&auth%5Bmember_id%5D=yes&event=E&ts=1'],
    ['empty and missing values', 'event=&ts&auth%5Bmember_id%5D=m'],
  ])('%s: the same four fields as the whole parse', (_name, body) => {
    expect(envelopeFields(body)).toEqual(whole(body));
  });
  it('takes the first of a repeated field, and leaves a value that cannot be decoded empty', () => {
    expect(envelopeFields('event=A&event=B&auth%5Bmember_id%5D=%E0%A4%A&ts=1')).toEqual({ event: 'A', ts: '1', memberId: '', applicationToken: '' });
  });
});

describe('loadConfig', () => {
  it('defaults to the sandbox with no portal configured', () => {
    expect(loadConfig({}).mode).toBe('sandbox');
  });
  it('logs at warn in the sandbox and at info otherwise, unless LOG_LEVEL says', () => {
    expect(loadConfig({}).logLevel).toBe('warn');
    expect(loadConfig({ LOG_LEVEL: 'info' }).logLevel).toBe('info');
    expect(loadConfig({ LOG_LEVEL: '' }).logLevel).toBe('warn');
    expect(loadConfig({ B24_CLIENT_ID: 'local.x', B24_CLIENT_SECRET: 's' }).logLevel).toBe('info');
    expect(loadConfig({ B24_WEBHOOK_URL: 'https://acme.bitrix24.com/rest/1/abcdef123456/' }).logLevel).toBe('info');
    expect(loadConfig({ B24_CLIENT_ID: 'local.x', B24_CLIENT_SECRET: 's', LOG_LEVEL: 'debug' }).logLevel).toBe('debug');
  });
  it('is an application with client id and secret', () => {
    const c = loadConfig({ B24_CLIENT_ID: 'local.x', B24_CLIENT_SECRET: 's', PUBLIC_URL: 'https://bot.example.org/' });
    expect(c.mode).toBe('application');
    expect(c.publicUrl).toBe('https://bot.example.org');
  });
  it('uses PostgreSQL only when DATABASE_URL is set', () => {
    expect(loadConfig({}).database).toBeUndefined();
    expect(loadConfig({ DATABASE_URL: 'postgres://u:p@db:5432/bot' }).database).toEqual({ url: 'postgres://u:p@db:5432/bot', poolSize: 10 });
    expect(loadConfig({ DATABASE_URL: 'postgresql://db/bot', DATABASE_POOL_SIZE: '3' }).database?.poolSize).toBe(3);
  });
  it.each([
    [{ DATABASE_URL: 'mysql://db/bot' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'postgres://db/bot', DATABASE_POOL_SIZE: '0' }, 'DATABASE_POOL_SIZE'],
    [{ PORT: 'abc' }, 'PORT'],
    [{ PUBLIC_URL: 'ftp://x' }, 'PUBLIC_URL'],
    [{ B24_CLIENT_ID: 'x' }, 'B24_CLIENT_SECRET'],
    [{ B24_BOT_TOKEN: 'x'.repeat(41) }, 'B24_BOT_TOKEN'],
    [{ BOT_LANG: 'de' }, 'BOT_LANG'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
  ])('refuses %o naming %s', (env, name) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(name);
  });
});

describe('button payloads', () => {
  it('round-trips', () => {
    expect(parseButtonPayload(buttonPayload('g.dates', 12))).toEqual({ action: 'g.dates', args: ['12'] });
  });
  it.each(['', 'list', 'v2:x', 'v1:', 'v1:A:1', `v1:x${':a'.repeat(10)}`, 'v1:x:has space'])('rejects %s', (p) => {
    expect(parseButtonPayload(p)).toBeNull();
  });
});

describe('renderFields', () => {
  it('keeps keyboard keys UPPER_CASE, rows split by NEWLINE, and removes a keyboard on update', () => {
    const f = renderFields(
      { text: 'x', buttons: [[{ text: 'A', command: 'group', payload: 'v1:a:1', style: 'primary', once: true }], [{ text: 'L', link: 'https://e.org' }]] },
      7,
    );
    expect(f.keyboard).toEqual({
      BOT_ID: 7,
      BUTTONS: [
        { TEXT: 'A', DISPLAY: 'LINE', BG_COLOR_TOKEN: 'primary', COMMAND: 'group', COMMAND_PARAMS: 'v1:a:1', BLOCK: 'Y' },
        { TYPE: 'NEWLINE' },
        { TEXT: 'L', DISPLAY: 'LINE', LINK: 'https://e.org' },
      ],
    });
    expect(renderFields({ text: 'x' }, 7, true).keyboard).toBe('N');
    expect(renderFields({ text: 'x' }, 7).keyboard).toBeUndefined();
  });
});

describe('route', () => {
  const noop = async () => undefined;
  const registry: HandlerRegistry = {
    commands: { help: noop, mycourses: noop, group: noop },
    buttons: { 'g.dates': noop },
    pending: { 'g.describe': noop },
    intents: [{ pattern: /^my courses$/, command: 'mycourses' }],
    welcome: noop,
    fallback: noop,
    manifest: { code: 'c', profile: { name: 'n', workPosition: 'w', color: 'mint' }, commands: [], revision: 'r' },
  };
  const base = { memberId: 'm', botId: 5, language: 'en', dedupeKey: null, auth: null };
  const user = { id: 1, name: 'A', extranet: false };
  const chat = { dialogId: '1', chatId: 1, isPrivate: true, title: '', entityType: '' };
  const cmd = (command: string, params: string, context: 'textarea' | 'keyboard') =>
    ({ ...base, kind: 'command', user, chat, messageId: 1, commandId: 1, command, params, context }) as const;
  const msg = { ...base, kind: 'message', user, chat, messageId: 1, text: '' } as const;

  it.each([
    ['slash command', cmd('group', 'list', 'textarea'), null, '', { kind: 'command', name: 'group', params: 'list' }],
    ['button', cmd('group', 'v1:g.dates:4', 'keyboard'), null, '', { kind: 'button', action: 'g.dates', args: ['4'] }],
    ['stale button', cmd('group', 'v1:g.gone:4', 'keyboard'), null, '', { kind: 'button', action: '__stale', args: [] }],
    ['typed payload is not a button', cmd('group', 'v1:g.dates:4', 'textarea'), null, '', { kind: 'command', name: 'group', params: 'v1:g.dates:4' }],
    ['awaited answer', msg, { kind: 'g.describe', groupId: 3 }, 'some text', { kind: 'pending', pendingKind: 'g.describe', groupId: 3 }],
    ['a command abandons the wait', msg, { kind: 'g.describe', groupId: 3 }, '/help', { kind: 'command', name: 'help', params: '' }],
    ['typed command in text', msg, null, '/Group  list', { kind: 'command', name: 'group', params: 'list' }],
    ['intent', msg, null, 'My courses?', { kind: 'command', name: 'mycourses', params: '' }],
    ['unknown text', msg, null, 'hello', { kind: 'fallback' }],
  ])('%s', (_n, ev, pending, text, expected) => {
    expect(route(ev, registry, pending, text)).toEqual(expected);
  });
});

describe('normalizeEvent', () => {
  it('reads webhook strings into numbers and booleans', () => {
    const ev = normalizeEvent(
      'ONIMBOTV2MESSAGEADD',
      {
        bot: { id: '812', code: 'x' },
        message: { id: '9101', chatId: '305', authorId: '17', text: '[USER=812]Bot[/USER] hi' },
        chat: { id: '305', dialogId: 'chat305', type: 'chat', messageType: 'C' },
        user: { id: '17', name: 'Anna', extranet: '1' },
        language: 'ru',
      },
      'm',
      undefined,
    );
    expect(ev).toMatchObject({ kind: 'message', botId: 812, messageId: 9101, user: { id: 17, extranet: true }, chat: { dialogId: 'chat305', isPrivate: false } });
  });
  it('refuses a command without ids', () => {
    expect(() => normalizeEvent('ONIMBOTV2COMMANDADD', { bot: {}, command: {} }, 'm', undefined)).toThrow(EventShapeError);
  });
  it('ignores events we do not handle', () => {
    expect(normalizeEvent('ONIMBOTV2REACTIONCHANGE', {}, 'm', undefined).kind).toBe('ignored');
  });
});

describe('stripMention', () => {
  it('removes the bot mention and leading punctuation', () => {
    expect(stripMention('[USER=5]Study Groups[/USER], my courses', 5)).toBe('my courses');
    expect(stripMention('[user=6]Other[/user] hi', 5)).toBe('[user=6]Other[/user] hi');
  });
});
