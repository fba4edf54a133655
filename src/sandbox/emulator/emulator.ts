// startEmulator(): one HTTP server hosting several emulated portals (tenants) and their shared OAuth server.
import { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { Clock } from './clock.js';
import { createRegistry } from './methods/index.js';
import { TokenStore } from './oauth.js';
import { Portal, type ActivityEntry, type PortalHost, type PortalOptions } from './portal.js';
import type { MethodRegistry } from './registry.js';
import { buildServer, type OAuthMode } from './server.js';

export interface EmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Time source; the emulator's clock adds its own offset (clock.advance). */
  now?: () => number;
  /** Access-token lifetime in seconds (default 3600). */
  tokenTtlSec?: number;
  /** How long a webhook POST may take before it counts as failed (default 10 s). */
  webhookTimeoutMs?: number;
  /** Extra routes or hooks on the emulator's server (the sandbox page), added before it listens. */
  extend?: (app: FastifyInstance) => void | Promise<void>;
}

/** Portal options are checked once, here, so a typo fails loudly instead of producing an odd portal. */
const portalOptionsSchema = z.object({
  slug: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'slug: lower-case letters, digits and dashes'),
  language: z.string().regex(/^[a-z]{2}$/, 'language: a two-letter code').optional(),
  memberId: z.string().min(1).optional(),
  domain: z.string().min(1).optional(),
  utcOffsetMinutes: z.number().int().min(-720).max(840).optional(),
  omitChatOnPrivateKeyboardClick: z.boolean().optional(),
});

export interface OAuthLogEntry {
  at: number;
  status: number;
  params: unknown;
  error?: string;
}

export class Emulator implements PortalHost {
  readonly clock: Clock;
  readonly tokens = new TokenStore();
  readonly registry: MethodRegistry = createRegistry();
  readonly tokenTtlSec: number;
  readonly webhookTimeoutMs: number;
  /** Every request to /oauth/token/ (secrets masked). */
  readonly oauthRequests: OAuthLogEntry[] = [];
  /** Successful refreshes across all portals. */
  refreshCount = 0;
  private readonly portalMap = new Map<string, Portal>();
  private readonly emitter = new EventEmitter();
  private server: FastifyInstance | undefined;
  private originValue = '';
  private listenAt: { port: number; host: string } | undefined;
  private oauthModeValue: OAuthMode = 'up';
  /** Portals in a `refuse` outage; while any is, the listener is closed. */
  private readonly refusingPortals = new Set<string>();
  private readonly extend: EmulatorOptions['extend'];

  constructor(opts: EmulatorOptions = {}) {
    this.extend = opts.extend;
    this.clock = new Clock(opts.now);
    this.tokenTtlSec = opts.tokenTtlSec ?? 3600;
    this.webhookTimeoutMs = opts.webhookTimeoutMs ?? 10_000;
    this.emitter.setMaxListeners(100);
  }

  /** e.g. http://127.0.0.1:54321 (no trailing slash). */
  get origin(): string {
    return this.originValue;
  }

  get portals(): ReadonlyMap<string, Portal> {
    return this.portalMap;
  }

  async listen(port: number, host: string): Promise<void> {
    this.server = buildServer({
      portals: this.portalMap,
      registry: this.registry,
      oauth: {
        tokens: this.tokens,
        now: () => this.clock.now(),
        tokenTtlSec: this.tokenTtlSec,
        clientSecret: (clientId) => {
          for (const portal of this.portalMap.values()) {
            const installation = portal.state.installations.get(clientId);
            if (installation) return installation.clientSecret;
          }
          return undefined;
        },
        lookup: (slug, clientId) => {
          const portal = this.portalMap.get(slug);
          const installation = portal?.state.installations.get(clientId);
          if (!portal || !installation?.installed) return undefined;
          return { identity: portal.state.identity, installation, endpoints: portal.endpoints() };
        },
        onRefresh: (slug, clientId, userId) => {
          this.refreshCount += 1;
          const portal = this.portalMap.get(slug);
          if (portal) {
            portal.refreshCount += 1;
            portal.emitActivity({ kind: 'oauth', clientId, userId });
          }
        },
      },
      onTokenRequest: (entry) => {
        this.oauthRequests.push({ at: this.clock.now(), ...entry });
      },
      oauthMode: () => this.oauthModeValue,
      refusing: () => this.refusingPortals.size > 0,
    });
    await this.extend?.(this.server);
    await this.server.listen({ port, host });
    const address = this.server.server.address() as AddressInfo;
    this.listenAt = { port: address.port, host };
    this.originValue = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  }

  /**
   * The OAuth server's outage switch (portals stay up). Offline, mode `unavailable` (default): token
   * requests get HTTP 503 "Service Unavailable"; mode `drop`: the connection is cut without an answer.
   */
  setOAuthOnline(online: boolean, opts: { mode?: 'unavailable' | 'drop' } = {}): void {
    this.oauthModeValue = online ? 'up' : (opts.mode ?? 'unavailable');
  }

  /** See PortalHost.refuseConnections: the listener closes at once and opens again on the same port. */
  async refuseConnections(slug: string, refuse: boolean): Promise<void> {
    const server = this.server;
    if (!server || !this.listenAt) return;
    const wasRefusing = this.refusingPortals.size > 0;
    if (refuse) this.refusingPortals.add(slug);
    else this.refusingPortals.delete(slug);
    const refusing = this.refusingPortals.size > 0;
    if (refusing === wasRefusing) return;
    if (refusing) {
      // Synchronously, so that a switch thrown from an activity listener takes effect before the next request:
      // no new connections; idle keep-alive ones are closed now, busy ones after their answer (see onSend).
      server.server.close();
      server.server.closeIdleConnections();
      return;
    }
    const { port, host } = this.listenAt;
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.server.listen(port, host, () => {
        server.server.off('error', reject);
        resolve();
      });
    });
  }

  /** Adds a tenant reachable under {origin}/portal/{slug}/rest/. */
  createPortal(opts: PortalOptions): Portal {
    const checked = portalOptionsSchema.safeParse(opts);
    if (!checked.success) throw new Error(`Invalid portal options: ${checked.error.issues.map((i) => i.message).join('; ')}`);
    if (this.portalMap.has(opts.slug)) throw new Error(`Portal ${opts.slug} already exists`);
    const portal = new Portal(this, opts);
    this.portalMap.set(opts.slug, portal);
    return portal;
  }

  portal(slug: string): Portal {
    const portal = this.portalMap.get(slug);
    if (!portal) throw new Error(`No portal ${slug}`);
    return portal;
  }

  emitActivity(entry: ActivityEntry): void {
    this.emitter.emit('activity', entry);
  }

  /** Every request, event and message of every portal, as it happens (for a live inspector). */
  on(event: 'activity', listener: (entry: ActivityEntry) => void): this {
    this.emitter.on(event, listener);
    return this;
  }

  off(event: 'activity', listener: (entry: ActivityEntry) => void): this {
    this.emitter.off(event, listener);
    return this;
  }

  /** Drops every portal, token and log; the server keeps listening. */
  reset(): void {
    for (const slug of [...this.refusingPortals]) void this.refuseConnections(slug, false);
    for (const slug of this.portalMap.keys()) this.tokens.dropPortal(slug);
    this.portalMap.clear();
    this.tokens.clear();
    this.oauthRequests.length = 0;
    this.oauthModeValue = 'up';
    this.refreshCount = 0;
    this.clock.resetOffset();
  }

  async close(): Promise<void> {
    // A refusing listener is opened again so that the server closes the ordinary way.
    for (const slug of [...this.refusingPortals]) await this.refuseConnections(slug, false);
    this.oauthModeValue = 'up';
    // Let queued event POSTs finish so no request is cut mid-way.
    await Promise.all([...this.portalMap.values()].map((p) => (p.online ? p.flush() : Promise.resolve())));
    await this.server?.close();
    this.server = undefined;
  }
}

export async function startEmulator(opts: EmulatorOptions = {}): Promise<Emulator> {
  const emulator = new Emulator(opts);
  await emulator.listen(opts.port ?? 0, opts.host ?? '127.0.0.1');
  return emulator;
}
