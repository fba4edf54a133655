// Unicode as people see it: one form for what looks the same, whole characters when cutting, names compared as people read them.

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Control characters other than tab, line feed and carriage return (C0, DEL, C1). */
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export type TextProblem = 'control' | 'surrogate';

/**
 * What in a person's text cannot be kept: a lone surrogate (half an emoji: no font shows it, and it
 * breaks JSON for others) or a control character such as NUL. Null when the text is fine.
 */
export function textProblem(text: string): TextProblem | null {
  if (LONE_SURROGATE.test(text)) return 'surrogate';
  if (CONTROL.test(text)) return 'control';
  return null;
}

/** Text from the portal that we cannot refuse (a workgroup's or a person's name): made well-formed and NFC. */
export function wellFormed(text: string): string {
  return text.replace(new RegExp(LONE_SURROGATE.source, 'g'), '\uFFFD').normalize('NFC');
}

/** The characters a person sees (grapheme clusters): "👩‍💻" and "é" written as e + accent are one each. */
export function graphemeLength(text: string): number {
  let n = 0;
  for (const _ of segmenter.segment(text)) n++;
  return n;
}

/**
 * At most `max` code points (Bitrix24's limits count characters, as PHP's mb_strlen does), cut
 * between grapheme clusters so no emoji, flag or accented letter is split; `…` marks a cut, within the limit.
 */
export function cutText(text: string, max: number): string {
  if ([...text].length <= max) return text;
  const room = Math.max(0, max - 1);
  let out = '';
  let used = 0;
  for (const { segment } of segmenter.segment(text)) {
    const size = [...segment].length;
    if (used + size > room) break;
    out += segment;
    used += size;
  }
  return `${out.trimEnd()}…`;
}

/**
 * The key two names are compared by: compatibility-normalised (NFKC: "ﬁ" is "fi", full-width letters
 * are letters), case-folded, whitespace runs made one space. "Café" typed composed or decomposed,
 * "CAFÉ" and "café" are the same name.
 */
export function nameKey(name: string): string {
  return name.normalize('NFKC').toLowerCase().normalize('NFKC').replace(/\s+/g, ' ').trim();
}

export function namesMatch(a: string, b: string): boolean {
  return nameKey(a) === nameKey(b);
}
