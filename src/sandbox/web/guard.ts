// Keeps other sites out of the sandbox page's API: no cross-site requests, no DNS rebinding.
import { isIP } from 'node:net';

/**
 * May a request naming this `Host` reach the page? Only an address of this machine as typed in a
 * browser: an IP literal (127.0.0.1, the machine's LAN address, [::1]) or `localhost`, on the port we
 * listen on. A DNS name is refused: that is how DNS rebinding reaches a local server from a page of
 * another site (`evil.example` resolving to 127.0.0.1 makes the browser treat our answers as its own).
 */
export function hostAllowed(host: string | undefined, port: number, extraNames: readonly string[] = []): boolean {
  if (!host) return false;
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(host.trim());
  if (!m) return false;
  const name = m[1]!.toLowerCase();
  const hostPort = m[2] === undefined ? 80 : Number(m[2]);
  if (hostPort !== port) return false;
  const bare = name.startsWith('[') ? name.slice(1, -1) : name;
  return isIP(bare) !== 0 || bare === 'localhost' || extraNames.includes(bare);
}

/**
 * May a request with this `Origin` act? Only the page itself: the origin must be `http://` plus the
 * request's own (already checked) Host. Browsers send Origin on every cross-site request and on
 * same-site POSTs; a state-changing request without one must at least be JSON, which a page of
 * another site cannot send without a preflight that we never answer.
 */
export function originAllowed(origin: string | undefined, host: string, method: string, contentType: string | undefined): boolean {
  if (origin !== undefined) {
    return origin === `http://${host}` || origin === `https://${host}`;
  }
  if (method === 'GET' || method === 'HEAD') return true;
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase() === 'application/json';
}
