// Making user-typed text safe inside the messenger's BB-code, and reading/writing user mentions.

/*
 * Why fullwidth brackets. Bitrix24 BB-code has no escape sequence: `[[b]]` still contains `[b]`, and
 * HTML entities are shown literally. So every ASCII `[` and `]` in user text becomes its fullwidth
 * lookalike `［` (U+FF3B) / `］` (U+FF3D): no tag can form (`[b]`, `[url=…]`, `[USER=1]`, `[send=…]`,
 * `[put=…]`, `[/code]`, `[br]`…), the text still reads the same, and the change is visible and
 * stable. Zero-width tricks (`[\u200Bb]`) were rejected: invisible characters get copied along,
 * break search, may be stripped or normalised by the server (re-forming the tag), and leave the
 * ASCII bracket in place for any parser that skips them. The same idea covers the two line-start
 * quote markers: `>>` becomes `＞＞` (U+FF1E) and a run of 4+ hyphens becomes U+2010 hyphens.
 * The function is idempotent: escaping escaped text changes nothing.
 */
const LEFT = '\uFF3B';
const RIGHT = '\uFF3D';
const GREATER = '\uFF1E';
const HYPHEN = '\u2010';

/**
 * For text in a content position (between tags), not inside a tag's parameter: URLs for `[url=…]`
 * come from `validateCourseUrl`, which percent-encodes brackets.
 */
export function escapeBb(text: string): string {
  return (
    text
      .replaceAll('[', LEFT)
      .replaceAll(']', RIGHT)
      // `>>text` at a line start is a quote line; leading spaces are covered too, to be safe.
      .replace(/^([ \t]*)>>/gm, `$1${GREATER}${GREATER}`)
      // `------` lines open and close a quote block; 4+ covers variants without guessing the exact count.
      .replace(/^([ \t]*)(-{4,})/gm, (_m: string, ws: string, dashes: string) => ws + HYPHEN.repeat(dashes.length))
  );
}

/** The same no-nesting rule as the tokenizer: a mention's name stays on one line and holds no USER tag. */
const MENTION = /\[user=(\d+)\](?:(?!\[\/?user[=\]])[^\n])*?\[\/user\][ \t]*/gi;

/**
 * Removes every mention of the bot (`[USER=<botId>]…[/USER]`, any case) and the blanks after it,
 * then a `,` or `:` left at the start ("@Bot, my courses" → "my courses"), and trims.
 * Mentions of other users stay.
 */
export function stripBotMention(text: string, botId: number): string {
  return text
    .replace(MENTION, (whole: string, id: string) => (Number(id) === botId ? '' : whole))
    .trim()
    .replace(/^[,:]\s*/, '')
    .trim();
}

/** `[USER=17]Anna Petrova[/USER]` with the name escaped and made one line. A bad id is a bug and throws. */
export function mention(userId: number, name: string): string {
  if (!Number.isSafeInteger(userId) || userId <= 0) throw new RangeError(`not a user id: ${userId}`);
  return `[USER=${userId}]${escapeBb(name.replace(/\s+/g, ' ').trim())}[/USER]`;
}

/** `[CHAT=305]Title[/CHAT]`: a link that opens the chat, the title escaped and made one line. A bad dialog id is a bug and throws. */
export function chatLink(dialogId: string, title: string): string {
  const m = /^chat(\d+)$/.exec(dialogId);
  if (!m) throw new RangeError(`not a group chat dialog: ${dialogId}`);
  return `[CHAT=${m[1]}]${escapeBb(title.replace(/\s+/g, ' ').trim())}[/CHAT]`;
}
