// The REST client per portal on @bitrix24/b24jssdk B24OAuth: calls, batch, token refresh, rate-limit waits.
import { AjaxError, ApiVersion, B24OAuth, type AjaxResult } from '@bitrix24/b24jssdk';
import type { UserAuth } from './events.js';
import { encodeForm } from './form.js';
import type { Installation, PortalStore } from '../store/types.js';
import type { Logger } from './logger.js';

/** The portal answered and said no: a stable `code` to switch on, the method that failed. */
export class PortalError extends Error {
  constructor(
    readonly method: string,
    readonly code: string,
    readonly status: number,
    readonly description: string,
    /** OPERATION_TIME_LIMIT: the Unix time (seconds, portal clock) the answer names for the method's release, if any. */
    readonly operatingResetAt?: number,
  ) {
    super(`${method}: ${code || 'ERROR'}${description ? ` (${description})` : ''}`);
    this.name = 'PortalError';
  }
}

/** We never got an answer (connection refused, timeout, not JSON): the call may or may not have happened. */
export class NetworkError extends Error {
  constructor(
    readonly method: string,
    readonly reason: string,
    /** True when we know the portal never ran the call (the connection was refused, a 503 page in front of it). */
    readonly unsent = false,
  ) {
    super(`${method}: network failure (${reason})`);
    this.name = 'NetworkError';
  }
}

export interface CallOptions {
  /** Safe to repeat after a network failure (reads, idempotent registrations). Sends are not. */
  idempotent?: boolean;
}

export interface BatchCall {
  key: string;
  method: string;
  params: Record<string, unknown>;
}

export interface BatchOutcome {
  results: Record<string, unknown>;
  errors: Record<string, { code: string; description: string }>;
  /** HTTP requests it took (one per 50 commands). */
  requests: number;
}

/** What handlers and the registration code need from a portal; tests can fake it. */
export interface RestClient {
  call<T = unknown>(method: string, params?: Record<string, unknown>, opts?: CallOptions): Promise<T>;
  batch(calls: BatchCall[]): Promise<BatchOutcome>;
}

export const BATCH_LIMIT = 50;

/** What paces a portal's requests: this process's LeakyBucket, or one shared by every instance (store/pg/bucket.ts). */
export interface RateBucket {
  /** Waits until one more request fits under the portal's limit, then counts it. */
  take(): Promise<void>;
  /** How full the bucket is, 0…1. */
  load(): number;
  /** The portal said we were over. */
  fill(): void;
}

/** Our own leaky bucket per portal, shared by the installation's client and every user's client. */
export class LeakyBucket implements RateBucket {
  private level = 0;
  private last = Date.now();
  constructor(
    public burst: number,
    public drainPerSec: number,
  ) {}

  /**
   * Waits until one more request fits under the portal's limit, then counts it. One request of
   * headroom is kept: the portal counts requests when they arrive, we when they leave, and a little
   * network jitter at a full bucket would otherwise earn a QUERY_LIMIT_EXCEEDED now and then.
   */
  async take(): Promise<void> {
    const cap = this.burst > 1 ? this.burst - 1 : this.burst;
    for (;;) {
      this.drain();
      if (this.level + 1 <= cap) {
        this.level += 1;
        return;
      }
      const waitMs = Math.ceil(((this.level + 1 - cap) / this.drainPerSec) * 1000);
      await sleep(Math.max(waitMs, 5));
    }
  }

  /** How full the bucket is now, 0…1: background work (the membership sync) backs off while the bot's own traffic fills it. */
  load(): number {
    this.drain();
    return this.burst > 0 ? this.level / this.burst : 1;
  }

  /** Lets out what has drained since the last look. */
  private drain(): void {
    const now = Date.now();
    this.level = Math.max(0, this.level - ((now - this.last) / 1000) * this.drainPerSec);
    this.last = now;
  }

  /** The portal said we were over: believe it and fill up. */
  fill(): void {
    this.level = this.burst;
    this.last = Date.now();
  }
}

/**
 * Transport failures that happen before a request can reach the server: nobody accepted the connection,
 * or the name or route to the host does not exist. A reset or a timeout may come after the request was
 * sent, so those are not in this list.
 */
const NEVER_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);

/** The first system error code (ECONNREFUSED, …) found on an error or the errors it wraps. */
export function transportCode(e: unknown): string | undefined {
  let cur: unknown = e;
  for (let i = 0; i < 6 && cur && typeof cur === 'object'; i++) {
    const code = (cur as { code?: unknown }).code;
    // System error codes (ECONNREFUSED, EAI_AGAIN); ERR_* are library codes that may wrap one.
    if (typeof code === 'string' && /^E[A-Z_]+$/.test(code) && !code.startsWith('ERR_')) return code;
    const errors = (cur as { errors?: unknown }).errors;
    if (Array.isArray(errors) && errors.length > 0) {
      cur = errors[0];
      continue;
    }
    cur = (cur as { cause?: unknown; originalError?: unknown }).cause ?? (cur as { originalError?: unknown }).originalError;
  }
  return undefined;
}

/** True when the transport failure proves the request never reached the server. */
export function neverSent(code: string | undefined): boolean {
  return code !== undefined && NEVER_SENT_CODES.has(code);
}

/** `operating_reset_at` of an answer: at the top level or in its `time` block (Unix seconds), if sensible. */
function operatingResetOf(body: unknown): number | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const b = body as { operating_reset_at?: unknown; time?: { operating_reset_at?: unknown } };
  const v = Number(b.operating_reset_at ?? b.time?.operating_reset_at);
  return Number.isFinite(v) && v > 0 ? v : undefined;
}

/**
 * What answers told us about each method's operating-time budget (api doc §1.3, §17), per portal: when the
 * oldest one-minute bucket drops out, and how far the portal's clock is from ours.
 */
export class OperatingClock {
  private readonly resetAt = new Map<string, number>();
  /** The portal's clock minus ours, in ms (from `time.finish` of successful answers). */
  private skewMs = 0;

  /** Notes a successful answer's `time` block. */
  note(method: string, time: unknown): void {
    if (!time || typeof time !== 'object') return;
    const finish = Number((time as { finish?: unknown }).finish);
    if (Number.isFinite(finish) && finish > 0) this.skewMs = finish * 1000 - Date.now();
    const reset = operatingResetOf({ time });
    if (reset !== undefined) this.resetAt.set(method.toLowerCase(), reset * 1000 - this.skewMs);
  }

  /**
   * When (our clock, ms) a method refused with OPERATION_TIME_LIMIT may run again: the time the refusal
   * names, else the one the method's last answer named if still ahead; undefined when neither is known.
   */
  releaseAt(method: string, refusalResetAtSec: number | undefined): number | undefined {
    if (refusalResetAtSec !== undefined) return refusalResetAtSec * 1000 - this.skewMs;
    const known = this.resetAt.get(method.toLowerCase());
    return known !== undefined && known > Date.now() ? known : undefined;
  }
}

/** The longest a call waits for one method's operating-time budget: the limit's window is 10 minutes. */
export const OPERATING_WAIT_CAP_MS = 10 * 60_000 + 10_000;

export interface GatewayOptions {
  store: PortalStore;
  log: Logger;
  clientId: string;
  clientSecret: string;
  /** OAuth server origin, e.g. https://oauth.bitrix24.tech (the emulator's in the sandbox). */
  oauthUrl: string;
  rateLimit?: { burst: number; drainPerSec: number };
  /** How long a call may keep waiting out QUERY_LIMIT_EXCEEDED, HTTP 429 and other refusals to run it now. */
  retryBudgetMs?: number;
  /** How long a call may wait for a method blocked by OPERATION_TIME_LIMIT (default OPERATING_WAIT_CAP_MS). */
  operatingWaitCapMs?: number;
  timeoutMs?: number;
  /**
   * Several instances on one database: the portal's bucket kept there, so all of them together stay
   * within the limit. Absent: a bucket in this process's memory.
   */
  sharedBucket?: (memberId: string, limit: { burst: number; drainPerSec: number }) => RateBucket;
}

const RETRY_CODES = new Set(['QUERY_LIMIT_EXCEEDED', 'OPERATION_TIME_LIMIT', 'OVERLOAD_LIMIT']);

/** The portal turned the call away before running it, so repeating it is safe: a limit code, or any HTTP 429. */
export function isRateRefusal(e: unknown): e is PortalError {
  return e instanceof PortalError && (RETRY_CODES.has(e.code) || e.status === 429);
}

/**
 * The OAuth server's definite "no" to a refresh (api doc §5): the refresh token or the application is not
 * (or no longer) valid there, or the scopes were withdrawn: only a reinstall hands over a working pair.
 * PAYMENT_REQUIRED (the trial or paid period is over) is final too until someone pays: no tokens before.
 * Anything else (no answer, a 5xx or 429, an unreadable page) is an outage and is tried again later.
 */
const OAUTH_REFUSALS = new Set(['invalid_grant', 'invalid_client', 'invalid_scope', 'insufficient_scope', 'PAYMENT_REQUIRED']);

export function isOAuthRefusal(e: unknown): e is PortalError {
  return e instanceof PortalError && e.method === 'oauth/token' && OAUTH_REFUSALS.has(e.code);
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function stripSlash(endpoint: string): string {
  return endpoint.replace(/\/+$/, '');
}

export interface TokenState {
  accessToken: string;
  refreshToken: string;
  expires: number;
  clientEndpoint: string;
  serverEndpoint: string;
  scope: string;
}

/** Finds a PortalError or our own thrown error inside whatever the SDK wrapped it in. */
function unwrap(e: unknown, method: string): PortalError | NetworkError {
  let cur: unknown = e;
  for (let i = 0; i < 5 && cur; i++) {
    if (cur instanceof PortalError || cur instanceof NetworkError) return cur;
    const next = (cur as { originalError?: unknown }).originalError;
    if (!next) break;
    cur = next;
  }
  if (e instanceof AjaxError) {
    const status = e.status;
    const axiosLike = (e as { originalError?: { response?: { data?: unknown } } }).originalError;
    const body = axiosLike?.response?.data;
    if (body && typeof body === 'object' && 'error' in body) {
      const b = body as { error?: unknown; error_description?: unknown };
      return new PortalError(method, String(b.error ?? ''), status, String(b.error_description ?? ''), operatingResetOf(body));
    }
    if (['NETWORK_ERROR', 'REQUEST_TIMEOUT'].includes(e.code) || status === 0) {
      // The SDK passes axios' code through (ECONNREFUSED, …); a refused connection never reached the portal.
      const code = transportCode(e);
      return new NetworkError(method, code ?? e.code, neverSent(code));
    }
    // A proxy page or an empty 5xx: we do not know whether the portal ran the call, except that a 503 page means it was turned away.
    if (status >= 500) return new NetworkError(method, `HTTP ${status}`, status === 503);
    return new PortalError(method, status === 429 ? 'HTTP_429' : e.code, status, e.message);
  }
  const code = transportCode(e);
  return new NetworkError(method, code ?? (e instanceof Error ? e.message : String(e)), neverSent(code));
}

export interface PoliteOptions {
  /** The portal's operating-time knowledge, shared by every client of the portal. */
  operating?: OperatingClock;
  operatingWaitCapMs?: number;
}

/**
 * Our retry policy and batch splitting around one HTTP attempt, shared by the OAuth client (the SDK)
 * and the inbound-webhook client: every request waits its turn in the portal's bucket first.
 */
abstract class PoliteRestClient implements RestClient {
  protected readonly operating: OperatingClock;
  private readonly operatingWaitCapMs: number;

  constructor(
    private readonly bucket: RateBucket,
    private readonly retryBudgetMs: number,
    opts: PoliteOptions = {},
  ) {
    this.operating = opts.operating ?? new OperatingClock();
    this.operatingWaitCapMs = opts.operatingWaitCapMs ?? OPERATING_WAIT_CAP_MS;
  }

  /** One HTTP request; throws PortalError (the portal said no) or NetworkError (no usable answer). */
  protected abstract attempt<T>(method: string, params: Record<string, unknown>): Promise<T>;

  /** Last touch on a command's parameters before they are sent (the webhook client adds botToken). */
  protected prepare(_method: string, params: Record<string, unknown>): Record<string, unknown> {
    return params;
  }

  async call<T>(method: string, params: Record<string, unknown> = {}, opts: CallOptions = {}): Promise<T> {
    const started = Date.now();
    const deadline = started + this.retryBudgetMs;
    // A method out of operating time is blocked for up to the limit's 10-minute window: worth waiting for.
    const operatingDeadline = started + Math.max(this.retryBudgetMs, this.operatingWaitCapMs);
    let delay = 250;
    let networkRetries = opts.idempotent ? 2 : 0;
    const prepared = this.prepare(method, params);
    for (;;) {
      await this.bucket.take();
      try {
        return await this.attempt<T>(method, prepared);
      } catch (e) {
        const err = e instanceof PortalError || e instanceof NetworkError ? e : new NetworkError(method, e instanceof Error ? e.message : String(e));
        const now = Date.now();
        if (err instanceof PortalError && err.code === 'OPERATION_TIME_LIMIT' && now < operatingDeadline) {
          // Pause this method until the portal releases it (api doc §17), not a fixed number of short tries.
          const releaseAt = this.operating.releaseAt(method, err.operatingResetAt);
          const wait = releaseAt !== undefined ? releaseAt - now + 250 : delay;
          await sleep(Math.min(Math.max(wait, 250), operatingDeadline - now) + Math.floor(Math.random() * 100));
          delay = Math.min(delay * 2, 60_000);
          continue;
        }
        if (isRateRefusal(err) && err.code !== 'OPERATION_TIME_LIMIT' && now < deadline) {
          if (err.code === 'QUERY_LIMIT_EXCEEDED') this.bucket.fill();
          // The portal refused before running the call (a limit code, or any HTTP 429), so repeating it is always safe.
          await sleep(Math.min(delay, deadline - now) + Math.floor(Math.random() * 100));
          delay = Math.min(delay * 2, 8_000);
          continue;
        }
        if (err instanceof NetworkError && networkRetries > 0 && now < deadline) {
          networkRetries--;
          await sleep(delay);
          delay = Math.min(delay * 2, 8_000);
          continue;
        }
        throw err;
      }
    }
  }

  async batch(calls: BatchCall[]): Promise<BatchOutcome> {
    const out: BatchOutcome = { results: {}, errors: {}, requests: 0 };
    for (let i = 0; i < calls.length; i += BATCH_LIMIT) {
      const chunk = calls.slice(i, i + BATCH_LIMIT);
      const cmd: Record<string, string> = {};
      for (const c of chunk) cmd[c.key] = `${c.method}?${encodeForm(this.prepare(c.method, c.params))}`;
      out.requests++;
      const r = await this.call<{
        result: Record<string, unknown> | unknown[];
        result_error: Record<string, { error?: string; error_description?: string }> | unknown[];
      }>('batch', { halt: 0, cmd });
      // Empty maps come back as JSON arrays.
      if (r.result && !Array.isArray(r.result)) Object.assign(out.results, r.result);
      if (r.result_error && !Array.isArray(r.result_error)) {
        for (const [k, v] of Object.entries(r.result_error)) {
          out.errors[k] = { code: String(v?.error ?? ''), description: String(v?.error_description ?? '') };
        }
      }
    }
    return out;
  }
}

/**
 * One SDK client with our retry policy around it. Token refresh goes through `refresh` so that
 * concurrent 401s share one request and the new pair is saved before anyone uses it.
 */
class SdkRestClient extends PoliteRestClient {
  private readonly b24: B24OAuth;

  constructor(
    bucket: RateBucket,
    tokens: TokenState,
    identity: { memberId: string; domain: string; userId: number; applicationToken: string },
    refresh: (() => Promise<TokenState>) | null,
    retryBudgetMs: number,
    timeoutMs: number,
    polite: PoliteOptions = {},
  ) {
    super(bucket, retryBudgetMs, polite);
    this.b24 = new B24OAuth(
      {
        applicationToken: identity.applicationToken,
        userId: identity.userId,
        memberId: identity.memberId,
        accessToken: tokens.accessToken,
        refreshToken: tokens.refreshToken,
        // A zero/unknown expiry is treated as "valid": the portal's expired_token answer triggers the refresh.
        expires: tokens.expires > 0 ? tokens.expires : Math.floor(Date.now() / 1000) + 3600,
        expiresIn: 3600,
        scope: tokens.scope,
        domain: identity.domain,
        clientEndpoint: stripSlash(tokens.clientEndpoint),
        serverEndpoint: tokens.serverEndpoint,
        status: 'L',
      },
      { clientId: 'unused', clientSecret: 'unused' },
      {
        restrictionParams: {
          // Retries are ours (we know what is safe to repeat); the SDK's limiter is replaced by the shared bucket.
          maxRetries: 1,
          retryOnNetworkError: false,
          rateLimit: { burstLimit: 1_000_000, drainRate: 1_000_000, adaptiveEnabled: false },
          adaptiveConfig: { enabled: false, thresholdPercent: 100, coefficient: 0, maxDelay: 0 },
          operatingLimit: { windowMs: 600_000, limitMs: 1_000_000_000, heavyPercent: 100 },
        },
      },
    );
    this.b24.getHttpClient(ApiVersion.v2).ajaxClient.defaults.timeout = timeoutMs;
    this.b24.offClientSideWarning();
    if (refresh) {
      this.b24.setCustomRefreshAuth(async () => {
        const t = await refresh();
        return {
          access_token: t.accessToken,
          refresh_token: t.refreshToken,
          expires: t.expires,
          expires_in: 3600,
          // The SDK appends `/method` itself: a trailing slash here would make `/rest//method`.
          client_endpoint: stripSlash(t.clientEndpoint),
          server_endpoint: t.serverEndpoint,
          member_id: identity.memberId,
          scope: t.scope,
          status: 'L',
          domain: identity.domain,
        } as unknown as Awaited<ReturnType<Parameters<B24OAuth['setCustomRefreshAuth']>[0]>>;
      });
    } else {
      this.b24.setCustomRefreshAuth(async () => {
        throw new PortalError('oauth/token', 'expired_token', 401, 'this token cannot be refreshed');
      });
    }
  }

  protected async attempt<T>(method: string, params: Record<string, unknown>): Promise<T> {
    try {
      const res: AjaxResult = await this.b24.actions.v2.call.make({ method, params });
      if (!res.isSuccess) {
        const err = [...res.getErrors()][0];
        throw err ?? new PortalError(method, 'ERROR', 0, 'unsuccessful answer');
      }
      const data = res.getData() as { result: T; time?: unknown };
      this.operating.note(method, data.time);
      return data.result;
    } catch (e) {
      throw unwrap(e, method);
    }
  }
}

/**
 * REST through an inbound webhook (`…/rest/{userId}/{secret}/{method}`, JSON body, no `auth`): every call
 * runs as the webhook's owner. The SDK's B24Hook insists on https, so this is plain fetch. Every
 * `imbot.v2.*` call carries `botToken` (top level; also `fields.botToken` on Bot.register, bot doc 1.2).
 */
export class WebhookRestClient extends PoliteRestClient {
  private readonly base: string;

  constructor(
    bucket: RateBucket,
    webhookUrl: string,
    private readonly botToken: string,
    retryBudgetMs: number,
    private readonly timeoutMs: number,
    polite: PoliteOptions = {},
  ) {
    super(bucket, retryBudgetMs, polite);
    this.base = stripSlash(webhookUrl);
  }

  protected override prepare(method: string, params: Record<string, unknown>): Record<string, unknown> {
    if (!/^imbot\.v2\./i.test(method) || !this.botToken) return params;
    const out: Record<string, unknown> = { botToken: this.botToken, ...params };
    const fields = params.fields;
    if (method.toLowerCase() === 'imbot.v2.bot.register' && fields && typeof fields === 'object' && !Array.isArray(fields)) {
      out.fields = { botToken: this.botToken, ...(fields as Record<string, unknown>) };
    }
    return out;
  }

  protected async attempt<T>(method: string, params: Record<string, unknown>): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.base}/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(params),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (e) {
      const timedOut = e instanceof Error && e.name === 'TimeoutError';
      const code = transportCode(e);
      // A refused connection or an unknown host never reached the portal; a timeout or a reset may have run the call.
      throw new NetworkError(method, timedOut ? 'REQUEST_TIMEOUT' : code ?? 'NETWORK_ERROR', !timedOut && neverSent(code));
    }
    const text = await res.text().catch(() => '');
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (body && typeof body === 'object' && 'error' in body) {
      const b = body as { error?: unknown; error_description?: unknown };
      throw new PortalError(method, String(b.error ?? ''), res.status, String(b.error_description ?? ''), operatingResetOf(body));
    }
    // Too many requests, whatever the body says (the v2 pages: 2 requests/s per application, HTTP 429).
    if (res.status === 429) throw new PortalError(method, 'HTTP_429', 429, text.slice(0, 200));
    if (!res.ok) {
      if (res.status >= 500 || body === undefined) throw new NetworkError(method, `HTTP ${res.status}`, res.status === 503);
      throw new PortalError(method, `HTTP_${res.status}`, res.status, '');
    }
    if (!body || typeof body !== 'object' || !('result' in body)) throw new NetworkError(method, 'unreadable answer');
    this.operating.note(method, (body as { time?: unknown }).time);
    return (body as { result: T }).result;
  }
}

/** Hands out REST clients per portal: the installation's (stored tokens) and acting users' (event tokens). */
export class PortalGateway {
  private readonly buckets = new Map<string, RateBucket>();
  private readonly operatingClocks = new Map<string, OperatingClock>();
  private readonly appClients = new Map<string, { client: RestClient; accessToken: string }>();
  private readonly webhookClients = new Map<string, RestClient>();
  private readonly refreshes = new Map<string, Promise<TokenState>>();
  private readonly relearnedAt = new Map<string, number>();
  refreshCount = 0;

  constructor(private readonly opts: GatewayOptions) {}

  bucket(memberId: string): RateBucket {
    let b = this.buckets.get(memberId);
    if (!b) {
      const rl = this.opts.rateLimit ?? { burst: 50, drainPerSec: 2 };
      b = this.opts.sharedBucket ? this.opts.sharedBucket(memberId, rl) : new LeakyBucket(rl.burst, rl.drainPerSec);
      this.buckets.set(memberId, b);
    }
    return b;
  }

  /** The portal's limits as every client of it sees them: the shared operating-time clock and the wait cap. */
  private polite(memberId: string): PoliteOptions {
    let operating = this.operatingClocks.get(memberId);
    if (!operating) {
      operating = new OperatingClock();
      this.operatingClocks.set(memberId, operating);
    }
    return { operating, ...(this.opts.operatingWaitCapMs !== undefined ? { operatingWaitCapMs: this.opts.operatingWaitCapMs } : {}) };
  }

  /**
   * One-portal mode: this portal is reached through an inbound webhook. Its URL (which holds a secret)
   * and the bot token are kept in memory from the configuration, never in the portal's stored file.
   */
  useInboundWebhook(memberId: string, webhookUrl: string, botToken: string): void {
    this.webhookClients.set(
      memberId,
      new WebhookRestClient(
        this.bucket(memberId),
        webhookUrl,
        botToken,
        this.opts.retryBudgetMs ?? 120_000,
        this.opts.timeoutMs ?? 30_000,
        this.polite(memberId),
      ),
    );
  }

  /** The client acting with the installation's stored tokens (the installer, an admin): for work nobody asked for. */
  async app(memberId: string): Promise<RestClient> {
    const data = await this.opts.store.get(memberId);
    if (!data) throw new PortalError('(local)', 'NOT_INSTALLED', 0, `portal ${memberId} is not installed`);
    const inst = data.installation;
    if (inst.status === 'uninstalled') throw new PortalError('(local)', 'NOT_INSTALLED', 0, 'the application was uninstalled');
    if (inst.auth === 'webhook') {
      const hook = this.webhookClients.get(memberId);
      if (!hook) throw new PortalError('(local)', 'NOT_CONFIGURED', 0, 'this portal is reached through B24_WEBHOOK_URL, which is not configured');
      return hook;
    }
    const cached = this.appClients.get(memberId);
    if (cached && cached.accessToken === inst.accessToken) return cached.client;
    // The pair this client holds, so a refresh can tell whether another instance replaced it meanwhile.
    const held = { accessToken: inst.accessToken };
    const client = new SdkRestClient(
      this.bucket(memberId),
      inst,
      { memberId, domain: inst.domain, userId: inst.installerId, applicationToken: inst.applicationToken },
      async () => {
        const next = await this.refreshInstallation(memberId, held.accessToken);
        held.accessToken = next.accessToken;
        return next;
      },
      this.opts.retryBudgetMs ?? 120_000,
      this.opts.timeoutMs ?? 30_000,
      this.polite(memberId),
    );
    this.appClients.set(memberId, { client, accessToken: inst.accessToken });
    return client;
  }

  /**
   * The client acting as the user behind an event, so the portal enforces that person's rights. Its
   * calls go to the installation's REST address, the one the OAuth server confirmed, never to the
   * `client_endpoint` the event names: an event is not a witness of where the portal lives (whoever
   * holds one could otherwise send the user's token, and our trust in the answers, anywhere).
   */
  user(memberId: string, inst: Installation, auth: UserAuth): RestClient {
    let current: TokenState = {
      accessToken: auth.accessToken,
      refreshToken: auth.refreshToken,
      expires: auth.expires,
      clientEndpoint: inst.clientEndpoint,
      serverEndpoint: inst.serverEndpoint,
      scope: auth.scope,
    };
    const refresh = auth.refreshToken
      ? async () => {
          current = await this.exchange(memberId, current.refreshToken, current);
          return current;
        }
      : null;
    return new SdkRestClient(
      this.bucket(memberId),
      current,
      { memberId, domain: inst.domain, userId: auth.userId, applicationToken: inst.applicationToken },
      refresh,
      this.opts.retryBudgetMs ?? 120_000,
      this.opts.timeoutMs ?? 30_000,
      this.polite(memberId),
    );
  }

  /**
   * An event named another REST address than the stored one. Events never decide where calls go, but a
   * portal can move: the stored pair is refreshed (at most once every 10 minutes per portal, so a stream
   * of such events costs one token request) and the OAuth server's answer says where the portal is now.
   * True when the stored address changed.
   */
  async relearnEndpoint(memberId: string, named: string): Promise<boolean> {
    const inst = (await this.opts.store.get(memberId))?.installation;
    if (!inst || inst.auth !== 'oauth' || inst.status !== 'active' || stripSlash(named) === inst.clientEndpoint) return false;
    const last = this.relearnedAt.get(memberId) ?? -Infinity;
    if (Date.now() - last < 10 * 60_000) return false;
    this.relearnedAt.set(memberId, Date.now());
    this.opts.log.warn({ memberId, named: named.slice(0, 200), stored: inst.clientEndpoint }, 'an event names another REST address than the confirmed one: asking the OAuth server');
    try {
      const next = await this.refreshInstallation(memberId);
      return next.clientEndpoint !== inst.clientEndpoint;
    } catch {
      return false;
    }
  }

  /** Refreshes the stored pair once, however many calls hit `expired_token` together, and saves it at once. */
  private refreshInstallation(memberId: string, heldToken?: string): Promise<TokenState> {
    let p = this.refreshes.get(memberId);
    if (!p) {
      p = (async () => {
        const data = await this.opts.store.get(memberId);
        if (!data) throw new PortalError('oauth/token', 'NOT_INSTALLED', 0, 'portal is gone');
        // The pair the caller's client holds; another instance sharing the store may have refreshed it already.
        const stale = heldToken ?? data.installation.accessToken;
        try {
          // Under the portal's write lock (a row lock with PostgreSQL): instances that all hit expired_token
          // take turns, the first exchanges the refresh token, the others find its new pair and use that.
          const { next, fresh } = await this.opts.store.update(memberId, async (d) => {
            const inst = d.installation;
            if (inst.accessToken !== stale) return { next: tokenStateOf(inst), fresh: false };
            const next = await this.exchange(memberId, inst.refreshToken, inst);
            // The OAuth server's answer is the one witness of the portal's address: a portal that moved is learnt here.
            const domain = hostOf(next.clientEndpoint) || inst.domain;
            if (next.clientEndpoint !== inst.clientEndpoint) {
              this.opts.log.warn({ memberId, from: inst.clientEndpoint, to: next.clientEndpoint }, 'the OAuth server names a new REST address for this portal: it is used from now on');
            }
            Object.assign(inst, next, { domain, status: 'active', updatedAt: new Date().toISOString() });
            return { next, fresh: true };
          });
          const cached = this.appClients.get(memberId);
          if (cached) cached.accessToken = next.accessToken;
          this.opts.log.info({ memberId }, fresh ? 'portal tokens refreshed and saved' : 'portal tokens were refreshed by another instance: its pair is used');
          return next;
        } catch (e) {
          if (!isOAuthRefusal(e)) {
            // No answer, a 5xx, a 429: the OAuth server is away for now. The stored pair is still good; the
            // call fails as transient and the next one (or the poller's next round) refreshes again.
            this.opts.log.warn(
              { memberId, code: e instanceof PortalError ? e.code : e instanceof NetworkError ? e.reason : 'ERROR' },
              'token refresh failed for now: the OAuth server could not be reached; will try again',
            );
            throw e;
          }
          const unpaid = e.code === 'PAYMENT_REQUIRED';
          await this.opts.store.update(memberId, (d) => {
            d.installation.status = unpaid ? 'payment_required' : 'needs_reinstall';
            d.installation.updatedAt = new Date().toISOString();
          });
          if (unpaid) {
            this.opts.log.error({ memberId, code: e.code }, "token refresh refused: the application's trial or paid period on this portal is over; renew it, then restart the bot");
          } else {
            this.opts.log.error({ memberId, code: e.code }, 'token refresh refused: the application must be reinstalled on this portal');
          }
          throw e;
        }
      })();
      this.refreshes.set(memberId, p);
      void p.finally(() => this.refreshes.delete(memberId)).catch(() => undefined);
    }
    return p;
  }

  /**
   * For a portal stopped on PAYMENT_REQUIRED: asks the OAuth server again (at start). True when it gives
   * tokens now (the portal is active again); false while it still refuses or cannot be reached.
   */
  async recheckPayment(memberId: string): Promise<boolean> {
    const data = await this.opts.store.get(memberId);
    if (!data || data.installation.auth !== 'oauth' || data.installation.status !== 'payment_required') return false;
    try {
      await this.refreshInstallation(memberId);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Confirms an ONAPPINSTALL with the OAuth server we trust (B24_OAUTH_URL), never with addresses the
   * request names: its refresh token is exchanged with our client_id and client_secret, and the answer must
   * be for the same member_id. A forger has no refresh token the server would honour for our application.
   * The answer's endpoints and the new pair are what the installation is built from.
   */
  async confirmInstall(memberId: string, refreshToken: string): Promise<ConfirmedInstall> {
    const body = await this.requestTokens(refreshToken);
    if (typeof body.member_id !== 'string' || body.member_id !== memberId) {
      throw new PortalError('oauth/token', 'MEMBER_MISMATCH', 200, 'the OAuth server answered for another portal');
    }
    const clientEndpoint = typeof body.client_endpoint === 'string' ? stripSlash(body.client_endpoint) : '';
    const portalHost = hostOf(clientEndpoint);
    if (!portalHost) throw new PortalError('oauth/token', 'NO_ENDPOINT', 200, 'the OAuth server named no portal address');
    const tokens = tokensOf(body, { clientEndpoint, serverEndpoint: '', scope: '' });
    const userId = Number(body.user_id);
    return {
      ...tokens,
      // In token answers `domain` is the OAuth server's (api doc §5): the portal's is the host of its REST base.
      domain: portalHost,
      userId: Number.isSafeInteger(userId) && userId > 0 ? userId : 0,
    };
  }

  /** grant_type=refresh_token against the OAuth server (bitrix24-api.md §5), GET with the query string. */
  private async exchange(memberId: string, refreshToken: string, prev: TokenState): Promise<TokenState> {
    const body = await this.requestTokens(refreshToken);
    if (body.member_id !== undefined && String(body.member_id) !== memberId) {
      throw new PortalError('oauth/token', 'MEMBER_MISMATCH', 200, 'the OAuth server answered for another portal');
    }
    return tokensOf(body, prev);
  }

  /**
   * One token request. Its failures are classified for the callers: the server's own refusal is a
   * PortalError with its OAuth code (see isOAuthRefusal); no answer, a 5xx or 429, or an unreadable page is
   * a NetworkError marked unsent: the REST call that needed the token was not made (it had been refused
   * with expired_token, or not sent yet), so it is safe to run it again later.
   */
  private async requestTokens(refreshToken: string): Promise<Record<string, unknown> & { access_token: string; refresh_token: string }> {
    this.refreshCount++;
    const url = new URL('/oauth/token/', this.opts.oauthUrl + '/');
    url.search = new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: this.opts.clientId,
      client_secret: this.opts.clientSecret,
      refresh_token: refreshToken,
    }).toString();
    let res: Response;
    try {
      res = await fetch(url, { method: 'GET', headers: { Accept: 'application/json' }, signal: AbortSignal.timeout(15_000) });
    } catch (e) {
      const timedOut = e instanceof Error && e.name === 'TimeoutError';
      throw new NetworkError('oauth/token', timedOut ? 'REQUEST_TIMEOUT' : transportCode(e) ?? 'NETWORK_ERROR', true);
    }
    const body = (await res.json().catch(() => null)) as Record<string, unknown> | null;
    if (res.ok && body && typeof body.access_token === 'string' && body.access_token && typeof body.refresh_token === 'string' && body.refresh_token) {
      return body as Record<string, unknown> & { access_token: string; refresh_token: string };
    }
    const code = body && typeof body.error === 'string' ? body.error : '';
    if (res.status >= 500 || res.status === 429 || !code) throw new NetworkError('oauth/token', code || `HTTP ${res.status}`, true);
    throw new PortalError('oauth/token', code, res.status, String(body?.error_description ?? ''));
  }
}

/** The host of an http(s) REST address ('' for anything else). */
function hostOf(endpoint: string): string {
  try {
    const url = new URL(endpoint);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.host : '';
  } catch {
    return '';
  }
}

/** An installation confirmed by the OAuth server: its tokens, endpoints, portal host and installer. */
export interface ConfirmedInstall extends TokenState {
  domain: string;
  /** The installer's id as the OAuth server names it (0: not said). */
  userId: number;
}

/** The new pair and endpoints of a token answer; what the answer leaves out is kept from `prev`. */
function tokenStateOf(inst: Installation): TokenState {
  const { accessToken, refreshToken, expires, clientEndpoint, serverEndpoint, scope } = inst;
  return { accessToken, refreshToken, expires, clientEndpoint, serverEndpoint, scope };
}

function tokensOf(body: Record<string, unknown> & { access_token: string; refresh_token: string }, prev: Pick<TokenState, 'clientEndpoint' | 'serverEndpoint' | 'scope'>): TokenState {
  return {
    accessToken: body.access_token,
    refreshToken: body.refresh_token,
    expires: Number(body.expires) || Math.floor(Date.now() / 1000) + Number(body.expires_in ?? 3600),
    clientEndpoint: typeof body.client_endpoint === 'string' ? stripSlash(body.client_endpoint) : prev.clientEndpoint,
    serverEndpoint: typeof body.server_endpoint === 'string' ? body.server_endpoint : prev.serverEndpoint,
    scope: typeof body.scope === 'string' ? body.scope : prev.scope,
  };
}
