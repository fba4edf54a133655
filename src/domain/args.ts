// Command arguments: a tokenizer that knows quotes and mentions, and parsers for users, group references and poll specs.
import { err, ok, type Result } from './result.js';
import { normalizeLine, textLength } from './validate.js';

/** Opening quote → the characters that close it. `„…“` and `„…”` are both in use in Russian text. */
const QUOTES: ReadonlyMap<string, readonly string[]> = new Map([
  ['"', ['"']],
  ['«', ['»']],
  ['“', ['”']],
  ['„', ['“', '”']],
]);

/**
 * A mention as the messenger sends it, case-insensitive: `[USER=17]Anna Petrova[/USER]`. The name
 * may not span lines or contain another USER tag, so an unclosed mention cannot swallow the next one.
 */
const MENTION_AT = /\[user=[^\]\s]*\](?:(?!\[\/?user[=\]])[^\n])*?\[\/user\]/iy;
const MENTION_WHOLE = /^\[user=(\d+)\](?:(?!\[\/?user[=\]])[^\n])*?\[\/user\]$/i;

/**
 * Splits command arguments on whitespace. A quoted part (`"…"`, `«…»`, `“…”`, `„…“`) keeps its
 * spaces and loses its quotes; quotes inside a word join it (`a"b c"` → `ab c`), as in a shell.
 * A mention is one token with its BB-code kept, so `parseUsers` can read the id. Decision: an
 * unclosed quote runs to the end of the text instead of failing (`/group create "Spring cohort`
 * means what it says). `''` and `""` give an empty token. Apostrophes are not quotes (O'Brien).
 */
export function tokenize(text: string): string[] {
  const tokens: string[] = [];
  let current = '';
  let inToken = false;
  let i = 0;
  while (i < text.length) {
    const ch = text.charAt(i);
    if (/\s/.test(ch)) {
      if (inToken) tokens.push(current);
      current = '';
      inToken = false;
      i++;
      continue;
    }
    if (ch === '[') {
      MENTION_AT.lastIndex = i;
      const m = MENTION_AT.exec(text);
      if (m) {
        current += m[0];
        inToken = true;
        i += m[0].length;
        continue;
      }
    }
    const closers = QUOTES.get(ch);
    if (closers) {
      let end = -1;
      for (let j = i + 1; j < text.length && end < 0; j++) {
        if (closers.includes(text.charAt(j))) end = j;
      }
      current += end < 0 ? text.slice(i + 1).trimEnd() : text.slice(i + 1, end);
      inToken = true;
      i = end < 0 ? text.length : end + 1;
      continue;
    }
    current += ch;
    inToken = true;
    i++;
  }
  if (inToken) tokens.push(current);
  return tokens;
}

/** The user id of a mention token, or null when the token is not exactly one mention of a numeric id. */
export function mentionId(token: string): number | null {
  const m = MENTION_WHOLE.exec(token);
  if (!m) return null;
  const id = Number(m[1]);
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}

function positiveInteger(token: string): number | null {
  if (!/^\d+$/.test(token)) return null;
  const id = Number(token);
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}

export interface ParsedUsers {
  /** Distinct ids in the order first given. */
  ids: number[];
  /** Tokens that are neither a mention of a user nor a positive integer (`[USER=all]`, `Anna`, `0`). */
  bad: string[];
}

export function parseUsers(tokens: readonly string[]): ParsedUsers {
  const ids: number[] = [];
  const bad: string[] = [];
  for (const token of tokens) {
    const id = mentionId(token) ?? positiveInteger(token);
    if (id === null) bad.push(token);
    else if (!ids.includes(id)) ids.push(id);
  }
  return { ids, bad };
}

export type GroupRef = { kind: 'id'; id: number } | { kind: 'name'; name: string };

export interface GroupRefOptions {
  /**
   * Whether a bare number (`12`) names a group by id. True only where the command's grammar puts a
   * group in this position and the group cannot be left out; elsewhere a bare number may be a user
   * id (`/group add 12 17` in a bound chat, where the group is optional), so it is not read as a group.
   */
  bareNumberIsId: boolean;
}

/**
 * `#12` is always the group with id 12. A bare `12` is an id only with `bareNumberIsId`; otherwise
 * it is a name (groups may be called "2026"). Anything else (also `#abc`) is a name, trimmed;
 * a name that matches no group is the caller's `group_not_found`.
 */
export function parseGroupRef(token: string, options: GroupRefOptions = { bareNumberIsId: false }): GroupRef {
  const t = token.trim();
  const hash = /^#(\d+)$/.exec(t);
  const hashId = hash ? positiveInteger(hash[1] ?? '') : null;
  if (hashId !== null) return { kind: 'id', id: hashId };
  if (options.bareNumberIsId) {
    const id = positiveInteger(t);
    if (id !== null) return { kind: 'id', id };
  }
  return { kind: 'name', name: t };
}

/**
 * Takes the group off the front of `<group> <users…>` arguments. With `groupOptional` false (a
 * private chat: the group is required) the first token is the group and a bare number is its id.
 * With `groupOptional` true (a bound chat, whose group is the default) the first token is a group
 * only when it is `#<id>` or a word that cannot be a user (not a mention, not a number): so there
 * `/group add 17` adds user 17 to the chat's group, and `#12` picks another group.
 */
export function takeGroupRef(
  tokens: readonly string[],
  options: { groupOptional: boolean },
): { group: GroupRef | null; rest: string[] } {
  const [first, ...rest] = tokens;
  if (first === undefined) return { group: null, rest: [] };
  if (!options.groupOptional) return { group: parseGroupRef(first, { bareNumberIsId: true }), rest };
  const looksLikeUser = mentionId(first) !== null || /^\[user=/i.test(first) || positiveInteger(first) !== null;
  if (looksLikeUser) return { group: null, rest: [...tokens] };
  return { group: parseGroupRef(first, { bareNumberIsId: false }), rest };
}

export const POLL_LIMITS = { minOptions: 2, maxOptions: 10, question: 300, option: 100 } as const;

export type PollSpecCode =
  | 'poll_empty'
  | 'poll_question_too_long'
  | 'poll_too_few_options'
  | 'poll_too_many_options'
  | 'poll_option_too_long'
  | 'poll_duplicate_option';

export interface PollSpec {
  question: string;
  options: string[];
}

/**
 * `question | option | option…` (the raw argument text, not tokens). Parts are trimmed and made
 * one line; empty options (`a || b`, a trailing `|`) are dropped rather than refused. An empty
 * text or an empty question is `poll_empty`. Options that differ only in letter case are
 * `poll_duplicate_option` (two "Yes" buttons would split the vote). Lengths are in characters.
 */
export function parsePollSpec(text: string): Result<PollSpec, PollSpecCode> {
  const [questionPart = '', ...optionParts] = text.split('|');
  const question = normalizeLine(questionPart);
  if (question === '') return err('poll_empty');
  if (textLength(question) > POLL_LIMITS.question) {
    return err('poll_question_too_long', { max: POLL_LIMITS.question, length: textLength(question) });
  }
  const options = optionParts.map(normalizeLine).filter((o) => o !== '');
  if (options.length < POLL_LIMITS.minOptions) {
    return err('poll_too_few_options', { min: POLL_LIMITS.minOptions, count: options.length });
  }
  if (options.length > POLL_LIMITS.maxOptions) {
    return err('poll_too_many_options', { max: POLL_LIMITS.maxOptions, count: options.length });
  }
  const seen = new Set<string>();
  for (const [index, option] of options.entries()) {
    if (textLength(option) > POLL_LIMITS.option) {
      return err('poll_option_too_long', { max: POLL_LIMITS.option, index: index + 1 });
    }
    const key = option.toLowerCase();
    if (seen.has(key)) return err('poll_duplicate_option', { option, index: index + 1 });
    seen.add(key);
  }
  return ok({ question, options });
}
