// The per-portal leaky bucket of api doc §17: +1 per HTTP request, drains at a steady rate, refuses above the burst.

export interface RateLimitSettings {
  /** Requests are refused once the counter would exceed this value (50 on most plans). */
  burst: number;
  /** How many requests the counter loses per second (2 on most plans). */
  drainPerSec: number;
  /**
   * How a refused request is answered: 503 `QUERY_LIMIT_EXCEEDED` (api doc §17, the default) or, as the v2
   * overview says ("2 requests/s per application, HTTP 429"), a bare HTTP 429 whose body is not documented
   * ([unconfirmed]: plain text `Too Many Requests`, as a gateway in front of the portal would answer).
   */
  status?: 503 | 429;
}

export const DEFAULT_RATE_LIMIT: RateLimitSettings = { burst: 50, drainPerSec: 2 };

export class LeakyBucket {
  private level = 0;
  private updatedAt: number;
  private settings: RateLimitSettings | null;

  constructor(
    private readonly now: () => number,
    settings: RateLimitSettings | null = DEFAULT_RATE_LIMIT,
  ) {
    this.settings = settings;
    this.updatedAt = now();
  }

  configure(settings: RateLimitSettings | null): void {
    if (settings && (!(settings.burst > 0) || !(settings.drainPerSec >= 0))) {
      throw new Error('setRateLimit needs burst > 0 and drainPerSec >= 0');
    }
    if (settings?.status !== undefined && settings.status !== 503 && settings.status !== 429) {
      throw new Error('setRateLimit: status is 503 or 429');
    }
    this.drain();
    this.settings = settings ? { ...settings } : null;
  }

  /** Counts one request; false when the portal refuses it with QUERY_LIMIT_EXCEEDED. */
  take(): boolean {
    if (!this.settings) return true;
    this.drain();
    // A refused request does not raise the counter further, so a client that backs off recovers.
    if (this.level + 1 > this.settings.burst) return false;
    this.level += 1;
    return true;
  }

  /** The HTTP status of a refusal (see RateLimitSettings.status). */
  get refusalStatus(): 503 | 429 {
    return this.settings?.status ?? 503;
  }

  /** Current counter value, for the inspector. */
  current(): number {
    this.drain();
    return this.level;
  }

  reset(): void {
    this.level = 0;
    this.updatedAt = this.now();
  }

  private drain(): void {
    const now = this.now();
    const elapsedSec = Math.max(0, now - this.updatedAt) / 1000;
    this.updatedAt = now;
    if (this.settings) this.level = Math.max(0, this.level - elapsedSec * this.settings.drainPerSec);
  }
}
