// Poll voting and tallying: one vote per person, changeable; pure and immutable.
import type { Poll } from './model.js';
import { err, ok, type Result } from './result.js';

export type VoteCode = 'poll_closed' | 'poll_option_invalid';
/** `new`: first vote; `changed`: moved to another option; `same`: pressed their current option again. */
export type VoteChange = 'new' | 'changed' | 'same';

/**
 * Records `userId`'s vote for option `optionIndex` (0-based). A second press on another option
 * moves the vote; the same option again keeps it (no un-voting) and returns the very same `poll`
 * object, so the caller can skip a write and a message update. The input is never mutated.
 * Expected failures (a stale button): `poll_closed`, `poll_option_invalid`. A bad user id is a bug.
 */
export function vote(poll: Poll, userId: number, optionIndex: number): Result<{ poll: Poll; change: VoteChange }, VoteCode> {
  if (!Number.isSafeInteger(userId) || userId <= 0) throw new RangeError(`not a user id: ${userId}`);
  if (poll.closed) return err('poll_closed');
  if (!Number.isInteger(optionIndex) || optionIndex < 0 || optionIndex >= poll.options.length) {
    return err('poll_option_invalid', { option: optionIndex });
  }
  const key = String(userId);
  const previous = Object.hasOwn(poll.votes, key) ? poll.votes[key] : undefined;
  if (previous === optionIndex) return ok({ poll, change: 'same' });
  return ok({
    poll: { ...poll, votes: { ...poll.votes, [key]: optionIndex } },
    change: previous === undefined ? 'new' : 'changed',
  });
}

export interface Tally {
  /** Votes per option, same order as `poll.options`. */
  counts: number[];
  total: number;
}

/** Votes for an option index that does not exist (damaged data) are not counted, so `total` is the sum of `counts`. */
export function tally(poll: Poll): Tally {
  const counts = poll.options.map(() => 0);
  for (const index of Object.values(poll.votes)) {
    if (Number.isInteger(index) && index >= 0 && index < counts.length) counts[index] = (counts[index] ?? 0) + 1;
  }
  return { counts, total: counts.reduce((a, b) => a + b, 0) };
}

/**
 * Closes a poll: no more votes, the tally is final. Closing a closed poll is not an error (two
 * people pressing "Close" at once, or a repeated command): it returns the very same `poll` with
 * `already: true`, so the caller can skip the write. The input is never mutated.
 */
export function closePoll(poll: Poll): { poll: Poll; already: boolean } {
  if (poll.closed) return { poll, already: true };
  return { poll: { ...poll, closed: true }, already: false };
}
