// The freshness rule for webhook events (issue 14.5), table-tested.
import { describe, expect, it } from 'vitest';
import { checkEventTime } from '../../src/bot/verify.js';

const now = new Date('2026-12-07T12:00:00Z');
const sec = Math.floor(now.getTime() / 1000);

describe('checkEventTime', () => {
  it.each([
    ['now, as a string', String(sec), true],
    ['now, as a number (JSON bodies)', sec, true],
    ['23 hours ago', String(sec - 23 * 3600), true],
    ['50 minutes ahead (clock drift)', String(sec + 50 * 60), true],
    ['a day and a second ago', String(sec - 86_401), 'stale'],
    ['2017', '1500000000', 'stale'],
    ['61 minutes ahead', String(sec + 61 * 60), 'future'],
    ['missing', undefined, 'no_ts'],
    ['empty', '', 'no_ts'],
    ['not a number', '17e8', 'no_ts'],
    ['negative', '-5', 'no_ts'],
    ['milliseconds instead of seconds', String(now.getTime() * 1000), 'no_ts'],
  ] as const)('%s', (_name, ts, expected) => {
    const r = checkEventTime(ts, now);
    if (expected === true) expect(r).toEqual({ ok: true });
    else expect(r).toEqual({ ok: false, reason: expected });
  });
});
