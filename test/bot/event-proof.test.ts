// eventProvesItself: what lets the first one-portal event pin its application token.
import { describe, expect, it } from 'vitest';
import { eventProvesItself, webhookApplicationToken, type EventProof } from '../../src/bot/webhook-portal.js';

const botToken = 'a'.repeat(32);
const body = (bot: Record<string, unknown>) => JSON.stringify({ event: 'ONIMBOTV2MESSAGEADD', data: { bot }, auth: { application_token: 'x' } });

describe('eventProvesItself', () => {
  const proof = (confirmBot?: EventProof['confirmBot']): EventProof => ({ botId: 7, botToken, ...(confirmBot ? { confirmBot } : {}) });

  it('accepts our bot with the token derived from our botToken', async () => {
    expect(await eventProvesItself('json', body({ id: 7 }), webhookApplicationToken(botToken), proof())).toBe(true);
    expect(await eventProvesItself('form', 'data[bot][id]=7', webhookApplicationToken(botToken), proof())).toBe(true);
  });

  it('refuses another bot id, another token, no bot block, or no registered bot', async () => {
    expect(await eventProvesItself('json', body({ id: 8 }), webhookApplicationToken(botToken), proof())).toBe(false);
    expect(await eventProvesItself('json', body({ id: 7 }), 'custom' + 'b'.repeat(32), proof())).toBe(false);
    expect(await eventProvesItself('json', '{"data":{}}', webhookApplicationToken(botToken), proof())).toBe(false);
    expect(await eventProvesItself('json', body({ id: 7 }), webhookApplicationToken(botToken), { botId: null, botToken })).toBe(false);
  });

  it('accepts an unknown token only when the portal confirms the access token the event carries', async () => {
    const asked: Array<[string, number]> = [];
    const yes = async (t: string, id: number) => (asked.push([t, id]), true);
    const event = body({ id: 7, auth: { access_token: 'acc', application_token: 'opaque' } });
    expect(await eventProvesItself('json', event, 'opaque', proof(yes))).toBe(true);
    expect(asked).toEqual([['acc', 7]]);
    expect(await eventProvesItself('json', event, 'opaque', proof(async () => false))).toBe(false);
    expect(await eventProvesItself('json', event, 'opaque', proof(async () => Promise.reject(new Error('down'))))).toBe(false);
    // The envelope's token must be the one that came with the confirmed access token.
    expect(await eventProvesItself('json', event, 'other', proof(yes))).toBe(false);
    expect(await eventProvesItself('json', body({ id: 7 }), 'opaque', proof(yes))).toBe(false);
  });
});
