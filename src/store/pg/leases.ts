// Leases across instances sharing one database: a row per piece of work (a portal's inbox queue, its
// fetch poller, the scheduler tick) naming the instance that does it until the lease expires.
import type pg from 'pg';

export interface LeaseOptions {
  /** How long a lease lasts unless renewed (default 30 s): another instance takes the work over after that. */
  ttlMs?: number;
  /** This instance's name in the lease rows (default: random). */
  holder?: string;
}

/**
 * Expiry is the database's clock (now()), so instances whose clocks differ agree. The holder renews
 * every lease it holds every third of the TTL (`start`); an instance that dies stops renewing, and
 * `take` by another instance succeeds once the expiry has passed. `holds` is this instance's own view:
 * it turns false a little before the row would expire, so work stops before someone else may begin.
 */
export class Leases {
  readonly ttlMs: number;
  readonly holder: string;
  /** name → Date.now() until which this instance may act on the lease. */
  private readonly held = new Map<string, number>();
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly pool: pg.Pool,
    o: LeaseOptions = {},
  ) {
    this.ttlMs = o.ttlMs ?? 30_000;
    this.holder = o.holder ?? `i-${Math.random().toString(36).slice(2, 10)}`;
  }

  /** Takes the lease, or renews it if this instance holds it; false while another instance holds it. */
  async take(name: string): Promise<boolean> {
    const asked = Date.now();
    const r = await this.pool.query(
      `INSERT INTO leases (name, holder, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3))
       ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
       WHERE leases.holder = EXCLUDED.holder OR leases.expires_at < now()
       RETURNING holder`,
      [name, this.holder, this.ttlMs / 1000],
    );
    if (r.rowCount === 1) {
      this.held.set(name, asked + this.margin());
      return true;
    }
    this.held.delete(name);
    return false;
  }

  /** True while this instance may act on the lease (taken or renewed, and not close to expiring). */
  holds(name: string): boolean {
    const until = this.held.get(name);
    return until !== undefined && Date.now() < until;
  }

  async release(name: string): Promise<void> {
    this.held.delete(name);
    await this.pool.query('DELETE FROM leases WHERE name = $1 AND holder = $2', [name, this.holder]);
  }

  /** Renews every lease held here; one that another instance took meanwhile is dropped. */
  async renew(): Promise<void> {
    const names = [...this.held.keys()];
    if (names.length === 0) return;
    const asked = Date.now();
    const r = await this.pool.query<{ name: string }>(
      `UPDATE leases SET expires_at = now() + make_interval(secs => $3) WHERE holder = $1 AND name = ANY($2::text[]) RETURNING name`,
      [this.holder, names, this.ttlMs / 1000],
    );
    const kept = new Set(r.rows.map((x) => x.name));
    for (const n of names) {
      if (kept.has(n)) this.held.set(n, asked + this.margin());
      else this.held.delete(n);
    }
  }

  /** Renews every third of the TTL until `stop`. */
  start(onError: (e: unknown) => void): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.renew().catch(onError), Math.max(50, Math.floor(this.ttlMs / 3)));
    this.timer.unref?.();
  }

  /** Stops renewing and gives back what is held, so another instance need not wait for the expiry. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const names = [...this.held.keys()];
    this.held.clear();
    if (names.length) await this.pool.query('DELETE FROM leases WHERE holder = $1 AND name = ANY($2::text[])', [this.holder, names]).catch(() => undefined);
  }

  /** Acting stops at 80 % of the TTL: the rest covers a slow renewal and clocks that run apart a little. */
  private margin(): number {
    return Math.floor(this.ttlMs * 0.8);
  }
}
