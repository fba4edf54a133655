// Validation and normalisation of what moderators type: group names and descriptions, course titles, URLs, prompts.
import { err, ok, type Result } from './result.js';

export const LIMITS = {
  groupName: 100,
  description: 2000,
  courseTitle: 200,
  courseUrl: 2000,
  prompt: 500,
} as const;

/**
 * Invisible characters that only serve to spoof or reorder text: zero-width space, BOM, bidi
 * embeddings/overrides (U+202A–U+202E) and isolates (U+2066–U+2069). ZWJ/ZWNJ stay: emoji and
 * some scripts need them.
 */
const INVISIBLE = /[\u200B\uFEFF\u202A-\u202E\u2066-\u2069]/g;
/** Control characters other than tab, line feed and carriage return. */
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;

/** Length in code points, not UTF-16 units: an emoji counts as one character, as users expect. */
export function textLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** One line: control characters and invisibles removed, every whitespace run (newlines too) made one space, trimmed. */
export function normalizeLine(text: string): string {
  return text.normalize('NFC').replace(INVISIBLE, '').replace(CONTROL, '').replace(/\s+/g, ' ').trim();
}

/** Several lines: `\r\n` → `\n`, controls and invisibles removed, line ends trimmed, at most one blank line in a row, trimmed. */
export function normalizeText(text: string): string {
  return text
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .replace(INVISIBLE, '')
    .replace(CONTROL, '')
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

export type GroupNameCode = 'name_empty' | 'name_too_long';

export function validateGroupName(text: string): Result<string, GroupNameCode> {
  const name = normalizeLine(text);
  if (name === '') return err('name_empty');
  const length = textLength(name);
  if (length > LIMITS.groupName) return err('name_too_long', { max: LIMITS.groupName, length });
  return ok(name);
}

export type DescriptionCode = 'description_too_long';

/** An empty description is allowed: it clears the description. */
export function validateDescription(text: string): Result<string, DescriptionCode> {
  const description = normalizeText(text);
  const length = textLength(description);
  if (length > LIMITS.description) return err('description_too_long', { max: LIMITS.description, length });
  return ok(description);
}

export type CourseTitleCode = 'title_empty' | 'title_too_long';

export function validateCourseTitle(text: string): Result<string, CourseTitleCode> {
  const title = normalizeLine(text);
  if (title === '') return err('title_empty');
  const length = textLength(title);
  if (length > LIMITS.courseTitle) return err('title_too_long', { max: LIMITS.courseTitle, length });
  return ok(title);
}

export type UrlCode = 'url_invalid';
export type UrlProblem = 'empty' | 'syntax' | 'scheme' | 'host' | 'credentials' | 'too_long';

/**
 * A course link: an absolute http(s) URL, at most 2000 characters. Returns the normalised href
 * (WHATWG: lower-case scheme and host, `/` path for a bare host) with `[` and `]` percent-encoded,
 * so it can go into `[url=…]` without closing the tag. Refused, all as `url_invalid` with
 * `details.reason`: no scheme (`example.com` is not guessed into https), other schemes
 * (`javascript:`, `ftp:`), IPv6 literal hosts (their brackets cannot be made BB-code-safe),
 * and user:password parts (`https://trusted.example@evil.example` is a phishing trick).
 */
export function validateCourseUrl(text: string): Result<string, UrlCode> {
  const raw = text.trim();
  const problem = (reason: UrlProblem): Result<string, UrlCode> => err('url_invalid', { reason });
  if (raw === '') return problem('empty');
  if (raw.length > LIMITS.courseUrl) return problem('too_long');
  if (!URL.canParse(raw)) return problem('syntax');
  const url = new URL(raw);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return problem('scheme');
  if (url.hostname === '' || url.hostname.startsWith('[')) return problem('host');
  if (url.username !== '' || url.password !== '') return problem('credentials');
  const href = url.href.replaceAll('[', '%5B').replaceAll(']', '%5D');
  if (href.length > LIMITS.courseUrl) return problem('too_long');
  return ok(href);
}

export type PromptCode = 'prompt_empty' | 'prompt_too_long';

/** A discussion prompt; may span several lines. */
export function validatePrompt(text: string): Result<string, PromptCode> {
  const prompt = normalizeText(text);
  if (prompt === '') return err('prompt_empty');
  const length = textLength(prompt);
  if (length > LIMITS.prompt) return err('prompt_too_long', { max: LIMITS.prompt, length });
  return ok(prompt);
}
