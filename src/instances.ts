// Several instances on one PostgreSQL (README "Several instances"): what the runtime hands its parts so
// they share the portals' work: leases, the inbox table, the rate buckets, the fetch-mode portals.
import { describe } from './bot/bot.js';
import type { Logger } from './bot/logger.js';
import type { PollLease } from './bot/poller.js';
import type { RateBucket } from './bot/portal.js';
import { PgBucket } from './store/pg/bucket.js';
import { fetchModePortals, PgInbox } from './store/pg/inbox.js';
import { Leases } from './store/pg/leases.js';
import { PgPortalStore } from './store/pg/store.js';
import type { PortalStore } from './store/types.js';

export interface InstancesOptions {
  leaseTtlMs?: number;
  sweepMs?: number;
  holder?: string;
}

export interface SharedWork {
  leases: Leases;
  /** How soon an instance on standby asks for a lease again: a third of its life. */
  standbyMs: number;
  bucket(memberId: string, limit: { burst: number; drainPerSec: number }): RateBucket;
  pollLease(memberId: string): PollLease;
  /** True while this instance leads the scheduler's ticks. */
  lead(): Promise<boolean>;
  inbox: PgInbox;
  sweepMs: number | undefined;
  /** Every `standbyMs` (at least 1 s): the fetch-mode portals, so each gets a poller here (on standby unless leased). */
  watchFetchPortals(ensure: (memberId: string) => void): void;
  stop(): Promise<void>;
}

/** Null with the file store: one process, nothing to share. */
export function sharedWork(store: PortalStore, o: InstancesOptions | undefined, log: Logger): SharedWork | null {
  if (!(store instanceof PgPortalStore)) return null;
  const pool = store.pool;
  const leases = new Leases(pool, {
    ...(o?.leaseTtlMs !== undefined ? { ttlMs: o.leaseTtlMs } : {}),
    ...(o?.holder ? { holder: o.holder } : {}),
  });
  leases.start((e) => log.warn({ err: describe(e) }, 'leases could not be renewed now'));
  const standbyMs = Math.max(50, Math.floor(leases.ttlMs / 3));
  let watcher: ReturnType<typeof setInterval> | null = null;
  return {
    leases,
    standbyMs,
    bucket: (memberId, rl) => new PgBucket(pool, memberId, rl.burst, rl.drainPerSec),
    pollLease: (memberId) => ({ take: () => leases.take(`poll:${memberId}`), holds: () => leases.holds(`poll:${memberId}`), standbyMs }),
    lead: () => leases.take('scheduler'),
    inbox: new PgInbox(pool),
    sweepMs: o?.sweepMs,
    watchFetchPortals(ensure) {
      if (watcher) return;
      watcher = setInterval(() => {
        void fetchModePortals(pool).then(
          (ids) => ids.forEach(ensure),
          (e: unknown) => log.warn({ err: describe(e) }, 'could not list the fetch-mode portals'),
        );
      }, Math.max(1_000, standbyMs));
      watcher.unref?.();
    },
    async stop() {
      if (watcher) clearInterval(watcher);
      watcher = null;
      await leases.stop();
    },
  };
}
