// OAuth tokens of every portal and the shared OAuth server (`/oauth/token/`) that rotates them (api doc §5).
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Installation, TokenRecord } from './types.js';
import type { PortalIdentity } from './state.js';

/** Refresh tokens live 180 days. */
const REFRESH_TTL_MS = 180 * 24 * 3600 * 1000;

export function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

export class TokenStore {
  private readonly byAccess = new Map<string, TokenRecord>();
  private readonly byRefresh = new Map<string, TokenRecord>();

  issue(portalSlug: string, clientId: string, userId: number, ttlSec: number, now: number): TokenRecord {
    const record: TokenRecord = {
      portalSlug,
      clientId,
      userId,
      issuedAt: now,
      accessToken: randomHex(22),
      refreshToken: randomHex(22),
      expiresAt: now + ttlSec * 1000,
      refreshExpiresAt: now + REFRESH_TTL_MS,
      refreshSpent: false,
      revoked: false,
    };
    this.byAccess.set(record.accessToken, record);
    this.byRefresh.set(record.refreshToken, record);
    return record;
  }

  findAccess(accessToken: string): TokenRecord | undefined {
    return this.byAccess.get(accessToken);
  }

  findRefresh(refreshToken: string): TokenRecord | undefined {
    return this.byRefresh.get(refreshToken);
  }

  /** Every token of one portal, e.g. to expire them all at once. */
  forPortal(portalSlug: string): TokenRecord[] {
    return [...this.byAccess.values()].filter((t) => t.portalSlug === portalSlug);
  }

  /** App removed: nothing issued for it works any more. */
  revokeInstallation(portalSlug: string, clientId: string): void {
    for (const token of this.forPortal(portalSlug)) {
      if (token.clientId === clientId) {
        token.revoked = true;
        token.refreshSpent = true;
      }
    }
  }

  dropPortal(portalSlug: string): void {
    for (const token of this.forPortal(portalSlug)) {
      this.byAccess.delete(token.accessToken);
      this.byRefresh.delete(token.refreshToken);
    }
  }

  clear(): void {
    this.byAccess.clear();
    this.byRefresh.clear();
  }
}

/** Addresses a portal hands out: the reachable REST base and the OAuth server's REST base. */
export interface Endpoints {
  clientEndpoint: string;
  serverEndpoint: string;
  /** Host of the OAuth server, the `domain` of token responses. */
  oauthDomain: string;
}

/** The token set delivered in event `auth` blocks and ONAPPINSTALL (all values as PHP would send them). */
export function eventAuthBlock(
  token: TokenRecord,
  installation: Installation,
  identity: PortalIdentity,
  endpoints: Endpoints,
  opts: { withRefresh: boolean; withExpires: boolean; withUserId: boolean },
): Record<string, string> {
  const block: Record<string, string> = { access_token: token.accessToken };
  if (opts.withExpires) block.expires = String(Math.floor(token.expiresAt / 1000));
  block.expires_in = String(Math.round((token.expiresAt - token.issuedAt) / 1000));
  block.scope = installation.scopes.join(',');
  block.domain = identity.domain;
  block.server_endpoint = endpoints.serverEndpoint;
  block.status = installation.status;
  block.client_endpoint = endpoints.clientEndpoint;
  block.member_id = identity.memberId;
  if (opts.withUserId) block.user_id = String(token.userId);
  if (opts.withRefresh) block.refresh_token = token.refreshToken;
  block.application_token = installation.applicationToken;
  return block;
}

/** Portal-independent identity block for events that carry no tokens (ONAPPUNINSTALL, webhook-owned bots). */
export function bareAuthBlock(identity: PortalIdentity, endpoints: Endpoints, applicationToken: string): Record<string, string> {
  return {
    domain: identity.domain,
    server_endpoint: endpoints.serverEndpoint,
    client_endpoint: endpoints.clientEndpoint,
    member_id: identity.memberId,
    application_token: applicationToken,
  };
}

export interface OAuthPortalView {
  identity: PortalIdentity;
  installation: Installation;
  endpoints: Endpoints;
}

export interface OAuthServerDeps {
  tokens: TokenStore;
  now: () => number;
  tokenTtlSec: number;
  /** Finds the installation a refresh token belongs to (its portal still hosts the app). */
  lookup: (portalSlug: string, clientId: string) => OAuthPortalView | undefined;
  /** The secret of a known application, whatever portal it is installed on. */
  clientSecret: (clientId: string) => string | undefined;
  onRefresh: (portalSlug: string, clientId: string, userId: number) => void;
}

export interface OAuthReply {
  status: number;
  body: Record<string, unknown>;
}

/** The token endpoint's parameters: each a single string when present (arrays are a bad request). */
const tokenRequestSchema = z.object({
  grant_type: z.string().default(''),
  client_id: z.string().default(''),
  client_secret: z.string().default(''),
  refresh_token: z.string().default(''),
});

function oauthError(status: number, error: string, description: string): OAuthReply {
  return { status, body: { error, error_description: description } };
}

/**
 * grant_type=refresh_token: validates the client, spends the refresh token and issues a new pair.
 * The old access token keeps working until it expires; the old refresh token never works again.
 */
export function handleTokenRequest(deps: OAuthServerDeps, params: Record<string, unknown>): OAuthReply {
  const parsed = tokenRequestSchema.safeParse(params);
  if (!parsed.success) return oauthError(400, 'invalid_request', 'Invalid request');
  const { grant_type: grantType, client_id: clientId, client_secret: clientSecret, refresh_token: refreshToken } = parsed.data;
  if (!grantType || !clientId) return oauthError(400, 'invalid_request', 'Invalid request: grant_type and client_id are required');
  if (grantType !== 'refresh_token') return oauthError(400, 'invalid_request', 'Unsupported grant_type');

  const knownSecret = deps.clientSecret(clientId);
  if (knownSecret === undefined || knownSecret !== clientSecret) return oauthError(401, 'invalid_client', 'Invalid client');

  const record = refreshToken ? deps.tokens.findRefresh(refreshToken) : undefined;
  const view = record && record.clientId === clientId ? deps.lookup(record.portalSlug, clientId) : undefined;
  const now = deps.now();
  if (!record || !view || record.refreshSpent || record.revoked || record.refreshExpiresAt <= now) {
    return oauthError(400, 'invalid_grant', 'Invalid grant');
  }

  // No tokens until the application is paid for; the refresh token is not spent, so it works again after.
  // [unconfirmed] the HTTP status (402).
  if (view.installation.paymentRequired) return oauthError(402, 'PAYMENT_REQUIRED', 'Payment required');

  record.refreshSpent = true;
  const next = deps.tokens.issue(record.portalSlug, clientId, record.userId, deps.tokenTtlSec, now);
  deps.onRefresh(record.portalSlug, clientId, record.userId);
  return {
    status: 200,
    body: {
      access_token: next.accessToken,
      refresh_token: next.refreshToken,
      expires: Math.floor(next.expiresAt / 1000),
      expires_in: deps.tokenTtlSec,
      client_endpoint: view.endpoints.clientEndpoint,
      server_endpoint: view.endpoints.serverEndpoint,
      domain: view.endpoints.oauthDomain,
      member_id: view.identity.memberId,
      scope: view.installation.scopes.join(','),
      status: view.installation.status,
      user_id: record.userId,
    },
  };
}
