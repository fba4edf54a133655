// The HTTP face of the emulator: portal REST (OAuth and inbound webhooks), the shared OAuth server, body parsing.
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { SystemErrors } from './errors.js';
import { handleTokenRequest, type OAuthServerDeps } from './oauth.js';
import { isRecord, parseBracketQuery } from './php.js';
import type { Portal } from './portal.js';
import type { MethodRegistry } from './registry.js';
import { executeRestCall, maskParams, type Transport } from './rest.js';
import { DOWNLOAD_PATH, redeemDownload } from './methods/imbot-file.js';

export interface ServerDeps {
  portals: ReadonlyMap<string, Portal>;
  registry: MethodRegistry;
  oauth: OAuthServerDeps;
  /** Called after every token request, for logs and counters. */
  onTokenRequest: (entry: { status: number; params: unknown; error?: string }) => void;
  /** The OAuth server's outage switch: up, answering 503, or dropping connections without an answer. */
  oauthMode: () => OAuthMode;
  /** True while some portal refuses connections: the listener is down and open connections are wound up. */
  refusing: () => boolean;
}

export type OAuthMode = 'up' | 'unavailable' | 'drop';

const BODY_LIMIT = 16 * 1024 * 1024;

function sendJson(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply.code(status).header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(body));
}

function splitUrl(rawUrl: string): { path: string; query: string } {
  const q = rawUrl.indexOf('?');
  return q === -1 ? { path: rawUrl, query: '' } : { path: rawUrl.slice(0, q), query: rawUrl.slice(q + 1) };
}

/** Request parameters as PHP sees them: the query string, then the body replacing keys it also has. */
function requestParams(request: FastifyRequest, query: string): Record<string, unknown> {
  const fromQuery = parseBracketQuery(query);
  const body = isRecord(request.body) ? request.body : {};
  return { ...fromQuery, ...body };
}

/** Text fields of a multipart/form-data body as a query string (files are not emulated). */
function multipartToQuery(body: string, contentType: string): string {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  const marker = boundary?.[1] ?? boundary?.[2];
  if (!marker) return '';
  const pairs: string[] = [];
  for (const part of body.split(`--${marker}`)) {
    const split = part.indexOf('\r\n\r\n');
    if (split === -1) continue;
    const head = part.slice(0, split);
    const name = /name="([^"]*)"/i.exec(head)?.[1];
    if (name === undefined || /filename=/i.test(head)) continue;
    const value = part.slice(split + 4).replace(/\r\n$/, '');
    pairs.push(`${encodeURIComponent(name)}=${encodeURIComponent(value)}`);
  }
  return pairs.join('&');
}

function safeDecode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/**
 * `{method}` (OAuth) or `{userId}/{secret}/{method}` (inbound webhook) after `/rest/`.
 * An empty segment (`/rest//method`) is not a method: a real portal answers 404.
 */
function parseRestPath(rest: string): { method: string; transport: Transport } | undefined {
  const segments = rest.split('/').map(safeDecode);
  if (segments.some((s) => s === undefined || s === '')) return undefined;
  const [a, b, c] = segments as string[];
  const strip = (m: string) => m.replace(/\.json$/i, '');
  if (segments.length === 1 && a) return { method: strip(a), transport: { kind: 'oauth' } };
  if (segments.length === 3 && a && b && c && /^\d+$/.test(a)) {
    return { method: strip(c), transport: { kind: 'webhook', userId: a, secret: b } };
  }
  return undefined;
}

async function handleRest(deps: ServerDeps, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const { path, query } = splitUrl(request.raw.url ?? '');
  const match = /^\/portal\/([^/]+)\/rest\/(.*)$/.exec(path);
  const portal = match?.[1] ? deps.portals.get(safeDecode(match[1]) ?? '') : undefined;
  if (!match || !portal) return reply.code(404).header('content-type', 'text/plain').send('Not Found');
  if (!portal.online) {
    // A request on a connection opened before the portal started refusing: cut it, unanswered.
    if (portal.outageMode === 'refuse') {
      request.raw.socket.destroy();
      return reply.hijack();
    }
    // Outage: a plain-text 503, as a load balancer in front of the portal would answer.
    return reply.code(503).header('content-type', 'text/plain; charset=utf-8').send('Service Unavailable');
  }
  const params = requestParams(request, query);
  if (match[2] === DOWNLOAD_PATH) return serveDownload(portal, params, reply);
  const target = parseRestPath(match[2] ?? '');
  if (!portal.bucket.take()) {
    const error = SystemErrors.queryLimit();
    const status = portal.bucket.refusalStatus;
    portal.recordRequest({
      at: portal.now(),
      method: target?.method ?? match[2] ?? '',
      params: maskParams(params),
      httpStatus: status,
      error: status === 429 ? 'HTTP 429' : error.code,
      durationMs: 0,
      via: target?.transport.kind ?? 'oauth',
    });
    if (status === 429) return reply.code(429).header('content-type', 'text/plain; charset=utf-8').send('Too Many Requests');
    return sendJson(reply, error.httpStatus, error.toBody());
  }
  if (!target) {
    // Logged so that a bot calling `/rest//method` (an unstripped trailing slash) sees why it failed.
    const error = SystemErrors.methodNotFound();
    portal.recordRequest({ at: portal.now(), method: match[2] ?? '', params: maskParams(params), httpStatus: 404, error: error.code, durationMs: 0, via: 'oauth' });
    return sendJson(reply, 404, error.toBody());
  }
  const result = await executeRestCall(portal, deps.registry, target.method, params, target.transport);
  return sendJson(reply, result.status, result.body);
}

/**
 * The bytes behind a `File.download` link. The link carries its own auth, so it is no REST call
 * (no rate limit, no token). [unconfirmed] An unknown, used or expired token answers 404.
 */
function serveDownload(portal: Portal, params: Record<string, unknown>, reply: FastifyReply): FastifyReply {
  const token = typeof params.token === 'string' ? params.token : '';
  const file = token === '' ? undefined : redeemDownload(portal, token);
  if (!file) return reply.code(404).header('content-type', 'text/plain').send('Not Found');
  return reply
    .code(200)
    .header('content-type', 'application/octet-stream')
    .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.name)}`)
    .send(Buffer.from(file.content));
}

async function handleToken(deps: ServerDeps, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const mode = deps.oauthMode();
  if (mode === 'drop') {
    deps.onTokenRequest({ status: 0, params: {}, error: 'connection dropped' });
    request.raw.socket.destroy();
    return reply.hijack();
  }
  if (mode === 'unavailable') {
    deps.onTokenRequest({ status: 503, params: {}, error: 'Service Unavailable' });
    return reply.code(503).header('content-type', 'text/plain; charset=utf-8').send('Service Unavailable');
  }
  const { query } = splitUrl(request.raw.url ?? '');
  const params = requestParams(request, query);
  const result = handleTokenRequest(deps.oauth, params);
  const error = typeof result.body.error === 'string' ? result.body.error : undefined;
  deps.onTokenRequest({ status: result.status, params: maskParams(params), ...(error ? { error } : {}) });
  return sendJson(reply, result.status, result.body);
}

export function buildServer(deps: ServerDeps): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: BODY_LIMIT });
  app.removeAllContentTypeParsers();
  // Like the portal: bad JSON counts as an empty body (then usually NO_AUTH_FOUND), never a 500.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    try {
      const parsed: unknown = JSON.parse(String(body));
      done(null, isRecord(parsed) ? parsed : {});
    } catch {
      done(null, {});
    }
  });
  app.addContentTypeParser('multipart/form-data', { parseAs: 'string' }, (req, body, done) =>
    done(null, parseBracketQuery(multipartToQuery(String(body), String(req.headers['content-type'] ?? '')))),
  );
  // Anything else is read as a PHP form body (parse_str), bounded by qs limits.
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, parseBracketQuery(String(body))));

  // While the address is down, connections still open are closed after their answer, so nothing reuses them.
  app.addHook('onSend', async (_req, reply, payload) => {
    if (deps.refusing()) reply.header('connection', 'close');
    return payload;
  });
  app.route({ method: ['GET', 'POST'], url: '/portal/:slug/rest/*', handler: (req, reply) => handleRest(deps, req, reply) });
  app.route({ method: ['GET', 'POST'], url: '/oauth/token/', handler: (req, reply) => handleToken(deps, req, reply) });
  app.setNotFoundHandler((_req, reply) => reply.code(404).header('content-type', 'text/plain').send('Not Found'));
  return app;
}
