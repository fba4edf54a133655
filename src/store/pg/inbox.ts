// The webhook inbox as a table (migrations/1765200000000_instances.sql): an event is committed before its
// 200, whichever instance received it; the instance holding the portal's `inbox:` lease handles it.
import type pg from 'pg';
import type { InboxEntry } from '../inbox.js';

export class PgInbox {
  constructor(private readonly pool: pg.Pool) {}

  /** Keeps one event; resolves once it is committed. Its seq is the portal's next, in commit order. */
  async append(memberId: string, type: InboxEntry['type'], body: string): Promise<number> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      // The head row stays locked until COMMIT: the next append of this portal waits, so seqs commit in order.
      const r = await client.query<{ last_seq: string }>(
        `INSERT INTO inbox_heads (member_id, last_seq) VALUES ($1, 1)
         ON CONFLICT (member_id) DO UPDATE SET last_seq = inbox_heads.last_seq + 1 RETURNING last_seq`,
        [memberId],
      );
      const seq = Number(r.rows[0]!.last_seq);
      await client.query('INSERT INTO inbox_events (member_id, seq, type, body) VALUES ($1, $2, $3, $4)', [memberId, seq, type, body]);
      await client.query('COMMIT');
      return seq;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      client.release();
    }
  }

  /** The portal's events after `seq`, oldest first. */
  async after(memberId: string, seq: number, limit = 100): Promise<InboxEntry[]> {
    const r = await this.pool.query<{ seq: string; type: InboxEntry['type']; body: string }>(
      'SELECT seq, type, body FROM inbox_events WHERE member_id = $1 AND seq > $2 ORDER BY seq LIMIT $3',
      [memberId, seq, limit],
    );
    return r.rows.map((x) => ({ seq: Number(x.seq), type: x.type, body: x.body }));
  }

  /** The events up to `seq` are handled: their rows go. */
  async prune(memberId: string, seq: number): Promise<void> {
    await this.pool.query('DELETE FROM inbox_events WHERE member_id = $1 AND seq <= $2', [memberId, seq]);
  }

  /**
   * Portals with events not handled yet (after the portal's inbox_done) whose queue no live instance
   * other than `holder` has leased: what a dead instance left, or an event whose handler missed its turn.
   */
  async waiting(holder: string): Promise<string[]> {
    const r = await this.pool.query<{ member_id: string }>(
      `SELECT DISTINCT e.member_id FROM inbox_events e JOIN portals p ON p.member_id = e.member_id
       WHERE e.seq > coalesce(p.inbox_done, 0)
         AND NOT EXISTS (SELECT 1 FROM leases l WHERE l.name = 'inbox:' || e.member_id AND l.expires_at > now() AND l.holder <> $1)`,
      [holder],
    );
    return r.rows.map((x) => x.member_id);
  }
}

/** Application portals in fetch mode with a bot: every instance keeps a poller for each (one polls, at the lease holder). */
export async function fetchModePortals(pool: pg.Pool): Promise<string[]> {
  const r = await pool.query<{ member_id: string }>(
    `SELECT member_id FROM portals WHERE status = 'active' AND event_mode = 'fetch' AND bot_id IS NOT NULL AND auth = 'oauth'`,
  );
  return r.rows.map((x) => x.member_id);
}
