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
