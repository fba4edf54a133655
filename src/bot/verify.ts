// Is this request from the portal it claims to be? A pure, constant-time check of application_token.
import { createHash, timingSafeEqual } from 'node:crypto';

export type VerifyFailure = 'unknown_portal' | 'no_token' | 'token_mismatch' | 'uninstalled';

export interface TrustedInstallation {
  applicationToken: string;
  /** When set, the token is known only by its SHA-256 (hex) and `applicationToken` is not used. */
  applicationTokenSha256?: string;
  uninstalled?: boolean;
}

/**
 * Compares the event's `auth[application_token]` with the one stored at install time.
 * Both sides are hashed first so the comparison takes the same time whatever their lengths.
 */
export function verifyApplicationToken(
  presented: string | undefined,
  installation: TrustedInstallation | undefined,
): { ok: true } | { ok: false; reason: VerifyFailure } {
  if (!installation) return { ok: false, reason: 'unknown_portal' };
  if (!presented) return { ok: false, reason: 'no_token' };
  const a = createHash('sha256').update(presented, 'utf8').digest();
  const b =
    installation.applicationTokenSha256 !== undefined
      ? Buffer.from(installation.applicationTokenSha256, 'hex')
      : storedDigest(installation.applicationToken);
  if (b.length !== a.length || !timingSafeEqual(a, b)) return { ok: false, reason: 'token_mismatch' };
  if (installation.uninstalled) return { ok: false, reason: 'uninstalled' };
  return { ok: true };
}

/** Stored tokens' digests, computed once per token rather than once per event (bounded: emptied when full). */
const DIGESTS = new Map<string, Buffer>();
const DIGESTS_MAX = 10_000;

function storedDigest(token: string): Buffer {
  let d = DIGESTS.get(token);
  if (!d) {
    if (DIGESTS.size >= DIGESTS_MAX) DIGESTS.clear();
    d = createHash('sha256').update(token, 'utf8').digest();
    DIGESTS.set(token, d);
  }
  return d;
}

export type StaleFailure = 'no_ts' | 'stale' | 'future';

/** How old a webhook event may be (a day) and how far ahead of our clock (an hour: clocks drift). */
export const MAX_EVENT_AGE_SEC = 24 * 3600;
export const MAX_EVENT_AHEAD_SEC = 3600;

/**
 * Is the event's `ts` (Unix seconds, a string in form bodies: bitrix24-api.md §3) recent? A captured
 * event replayed later carries its genuine application token, so the token alone cannot refuse it.
 * The docs list `ts` in every event envelope; one without it is refused too (a replay that strips it
 * would otherwise pass). Fetch-mode events are not checked: the bot asks for them itself, and a queue
 * can rightly hold events from days ago.
 */
export function checkEventTime(ts: unknown, now: Date): { ok: true } | { ok: false; reason: StaleFailure } {
  const raw = typeof ts === 'number' ? String(ts) : typeof ts === 'string' ? ts.trim() : '';
  if (!/^\d{1,12}$/.test(raw)) return { ok: false, reason: 'no_ts' };
  const age = Math.floor(now.getTime() / 1000) - Number(raw);
  if (age > MAX_EVENT_AGE_SEC) return { ok: false, reason: 'stale' };
  if (age < -MAX_EVENT_AHEAD_SEC) return { ok: false, reason: 'future' };
  return { ok: true };
}
