// Is this request from the portal it claims to be? A pure, constant-time check of application_token.
import { createHash, timingSafeEqual } from 'node:crypto';

export type VerifyFailure = 'unknown_portal' | 'no_token' | 'token_mismatch' | 'uninstalled';

export interface TrustedInstallation {
  applicationToken: string;
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
  const b = createHash('sha256').update(installation.applicationToken, 'utf8').digest();
  if (!timingSafeEqual(a, b)) return { ok: false, reason: 'token_mismatch' };
  if (installation.uninstalled) return { ok: false, reason: 'uninstalled' };
  return { ok: true };
}
