// Bracket-key form bodies (data[message][text]=…) → nested objects, with hard limits so no body can hurt us.
import qs from 'qs';

/** A real message event has about 100 keys; attachments and keyboards add a few hundred more. */
export const FORM_LIMITS = { depth: 12, parameterLimit: 2000, arrayLimit: 200 } as const;

export class FormError extends Error {
  readonly code = 'BAD_FORM';
}

/** Parses an `application/x-www-form-urlencoded` body the way PHP's `http_build_query` wrote it. */
export function parseForm(body: string): Record<string, unknown> {
  try {
    return qs.parse(body, {
      depth: FORM_LIMITS.depth,
      strictDepth: true,
      parameterLimit: FORM_LIMITS.parameterLimit,
      throwOnLimitExceeded: true,
      arrayLimit: FORM_LIMITS.arrayLimit,
      // `__proto__`, `constructor` and friends are dropped rather than assigned.
      allowPrototypes: false,
      allowDots: false,
      charset: 'utf-8',
    }) as Record<string, unknown>;
  } catch (e) {
    throw new FormError(e instanceof Error ? e.message : 'unreadable form body');
  }
}

/** The inverse, for requests we send: PHP-style bracket keys (used for `batch` command strings). */
export function encodeForm(value: Record<string, unknown>): string {
  return qs.stringify(value, { encodeValuesOnly: true, arrayFormat: 'indices' });
}

/** What the intake needs before it acknowledges: who sent it, with which token, what, and when. */
export interface EnvelopeFields {
  event: string;
  memberId: string;
  applicationToken: string;
  ts: string;
}

const ENVELOPE_KEYS: Record<string, keyof EnvelopeFields> = {
  event: 'event',
  ts: 'ts',
  'auth[member_id]': 'memberId',
  'auth[application_token]': 'applicationToken',
};

/**
 * The four top-level fields of a form body, read without parsing the rest (a message event has
 * about a hundred keys; parsing them all before answering was most of the intake's cost). The
 * first occurrence of a key wins; a value that cannot be decoded is left empty, so the event is refused.
 */
export function envelopeFields(body: string): EnvelopeFields {
  const out: EnvelopeFields = { event: '', memberId: '', applicationToken: '', ts: '' };
  const seen = new Set<string>();
  let start = 0;
  while (start <= body.length && seen.size < 4) {
    let end = body.indexOf('&', start);
    if (end === -1) end = body.length;
    // Keys of interest begin with e, t or a (auth%5B… or auth[…), or with an escape that may be one of
    // them: anything else is skipped undecoded.
    const c = body.charCodeAt(start);
    if (c === 101 || c === 116 || c === 97 || c === 37) {
      const eq = body.indexOf('=', start);
      const keyEnd = eq === -1 || eq > end ? end : eq;
      const field = ENVELOPE_KEYS[keyName(body.slice(start, keyEnd))];
      if (field && !seen.has(field)) {
        seen.add(field);
        out[field] = keyEnd === end ? '' : decode(body.slice(keyEnd + 1, end));
      }
    }
    start = end + 1;
  }
  return out;
}

/**
 * A key as decoded, cheaply for the usual shapes: one with nothing encoded is itself, and PHP's
 * `auth%5Bname%5D` (http_build_query encodes the brackets, nothing else in such a name) is
 * `auth[name]`; anything else goes through decode.
 */
function keyName(raw: string): string {
  if (raw.indexOf('%') === -1 && raw.indexOf('+') === -1) return raw;
  if (raw.startsWith('auth%5B') && raw.endsWith('%5D')) {
    const name = raw.slice(7, -3);
    if (name.indexOf('%') === -1 && name.indexOf('+') === -1) return `auth[${name}]`;
  }
  return decode(raw);
}

function decode(s: string): string {
  if (s.indexOf('%') === -1 && s.indexOf('+') === -1) return s;
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return '';
  }
}
