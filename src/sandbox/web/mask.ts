// Masks secrets in what the inspector shows: tokens, the bot token and the client secret never reach the page.

const SECRET_KEYS = new Set(['access_token', 'refresh_token', 'application_token', 'auth', 'bottoken', 'bot_token', 'client_secret']);

export const MASK = '***';

/**
 * A deep copy with every secret replaced by '***'. `auth` is a token string in REST calls but an object
 * (domain, member_id and the tokens) in events: an object is kept and masked inside, so the useful fields stay.
 */
export function maskSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskSecrets);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, v]) => {
      if (!SECRET_KEYS.has(key.toLowerCase())) return [key, maskSecrets(v)];
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) return [key, maskSecrets(v)];
      return [key, v === '' || v === undefined || v === null ? v : MASK];
    }),
  );
}

/** Token-looking values in a query string or URL (`auth=…`, `access_token=…`) masked too. */
export function maskUrl(url: string): string {
  return url.replace(/([?&](?:auth|access_token|refresh_token|application_token|client_secret|botToken)=)[^&#]*/gi, `$1${MASK}`);
}
