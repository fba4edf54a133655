// Tests for voting (one per person, changeable) and tallying.
import { describe, expect, it } from 'vitest';
import { closePoll, tally, vote } from '../../src/domain/poll.js';
import { poll } from './fixtures.js';

describe('vote', () => {
  it.each([
    ['first vote', {}, 17, 1, 'new', { '17': 1 }],
    ['changes the vote', { '17': 0 }, 17, 2, 'changed', { '17': 2 }],
    ['same option again keeps it', { '17': 1 }, 17, 1, 'same', { '17': 1 }],
    ['other voters untouched', { '5': 0 }, 17, 0, 'new', { '5': 0, '17': 0 }],
  ])('%s', (_name, votes, userId, option, change, after) => {
    const before = poll({ votes });
    const snapshot = structuredClone(before);
    const r = vote(before, userId, option);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.value.change).toBe(change);
      expect(r.value.poll.votes).toEqual(after);
    }
    expect(before).toEqual(snapshot);
  });

  it('returns the same object when nothing changed, a new one otherwise', () => {
    const p = poll({ votes: { '17': 1 } });
    const same = vote(p, 17, 1);
    const moved = vote(p, 17, 0);
    expect(same.ok && same.value.poll).toBe(p);
    expect(moved.ok && moved.value.poll).not.toBe(p);
  });

  it.each([
    ['closed poll', poll({ closed: true }), 0, { ok: false, code: 'poll_closed' }],
    ['index too high', poll(), 3, { ok: false, code: 'poll_option_invalid', details: { option: 3 } }],
    ['negative index', poll(), -1, { ok: false, code: 'poll_option_invalid', details: { option: -1 } }],
    ['fractional index', poll(), 0.5, { ok: false, code: 'poll_option_invalid', details: { option: 0.5 } }],
  ])('%s', (_name, p, option, expected) => {
    expect(vote(p, 17, option)).toEqual(expected);
  });

  it('throws on a bad user id (a bug, not user input)', () => {
    expect(() => vote(poll(), 0, 1)).toThrow(RangeError);
  });

  it('a vote sequence tallies to one vote per person', () => {
    let p = poll();
    for (const [user, option] of [[1, 0], [2, 0], [1, 2], [3, 1], [2, 0], [1, 2]] as const) {
      const r = vote(p, user, option);
      if (!r.ok) throw new Error(r.code);
      p = r.value.poll;
    }
    expect(tally(p)).toEqual({ counts: [1, 1, 1], total: 3 });
  });
});

describe('tally', () => {
  it.each([
    ['no votes', {}, { counts: [0, 0, 0], total: 0 }],
    ['some votes', { '1': 0, '2': 2, '3': 2 }, { counts: [1, 0, 2], total: 3 }],
    ['damaged entries ignored', { '1': 0, '2': 7, '3': -1 }, { counts: [1, 0, 0], total: 1 }],
  ])('%s', (_name, votes, expected) => {
    expect(tally(poll({ votes }))).toEqual(expected);
  });
});

describe('closePoll', () => {
  it('closes a copy, keeping the votes; closing again returns the same object', () => {
    const open = poll({ votes: { '17': 1 } });
    const snapshot = structuredClone(open);
    const first = closePoll(open);
    expect(first.already).toBe(false);
    expect(first.poll).toEqual({ ...open, closed: true });
    expect(open).toEqual(snapshot);
    const second = closePoll(first.poll);
    expect(second).toEqual({ poll: first.poll, already: true });
    expect(second.poll).toBe(first.poll);
    expect(vote(first.poll, 5, 0)).toMatchObject({ ok: false, code: 'poll_closed' });
  });
});
