// A portal's rate-limit bucket in PostgreSQL (rate_buckets), shared by every instance: each request is
// counted in one UPDATE that first lets out what drained since the last one, by the database's clock.
import type pg from 'pg';

/** The level after the drain, the level written, and whether this request was counted. */
const TAKE = `WITH cur AS (
  SELECT greatest(0, level - extract(epoch FROM clock_timestamp() - at)::float8 * $2::float8) AS lvl FROM rate_buckets WHERE member_id = $1 FOR UPDATE
)
UPDATE rate_buckets b SET level = cur.lvl + (CASE WHEN cur.lvl + 1 <= $3::float8 THEN 1 ELSE 0 END), at = clock_timestamp()
FROM cur WHERE b.member_id = $1
RETURNING cur.lvl AS before, (cur.lvl + 1 <= $3::float8) AS counted`;

/**
 * Same rules as bot/portal.ts LeakyBucket (one request of headroom below the burst; a portal's
 * QUERY_LIMIT_EXCEEDED fills it), but the level lives in the database, so two instances that each
 * pace themselves cannot together send twice the portal's rate.
 */
export class PgBucket {
  private ready: Promise<unknown> | null = null;
  /** The level this instance saw last (for `load`, which must answer at once). */
  private seen = 0;
  private seenAt = Date.now();

  constructor(
    private readonly pool: pg.Pool,
    private readonly memberId: string,
    private readonly burst: number,
    private readonly drainPerSec: number,
  ) {}

  async take(): Promise<void> {
    this.ready ??= this.pool
      .query('INSERT INTO rate_buckets (member_id, level, at) VALUES ($1, 0, clock_timestamp()) ON CONFLICT (member_id) DO NOTHING', [this.memberId])
      .catch((e: unknown) => {
        this.ready = null;
        throw e;
      });
    await this.ready;
    const cap = this.burst > 1 ? this.burst - 1 : this.burst;
    for (;;) {
      const r = await this.pool.query<{ before: number; counted: boolean }>(TAKE, [this.memberId, this.drainPerSec, cap]);
      const row = r.rows[0];
      if (!row) {
        // The row went (a portal removed and installed again): made anew.
        this.ready = null;
        return this.take();
      }
      this.seen = row.before + (row.counted ? 1 : 0);
      this.seenAt = Date.now();
      if (row.counted) return;
      const waitMs = Math.ceil(((row.before + 1 - cap) / this.drainPerSec) * 1000);
      await new Promise((r) => setTimeout(r, Math.max(waitMs, 5)));
    }
  }

  load(): number {
    const level = Math.max(0, this.seen - ((Date.now() - this.seenAt) / 1000) * this.drainPerSec);
    return this.burst > 0 ? level / this.burst : 1;
  }

  fill(): void {
    this.seen = this.burst;
    this.seenAt = Date.now();
    void this.pool
      .query('UPDATE rate_buckets SET level = $2, at = clock_timestamp() WHERE member_id = $1', [this.memberId, this.burst])
      .catch(() => undefined);
  }
}
