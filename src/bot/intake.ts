// Webhook events from verification to handling: kept on disk before the 200, handled in order per portal, replayed after a crash.
import type { FileInbox, InboxEntry } from '../store/inbox.js';
import type { PgInbox } from '../store/pg/inbox.js';
import type { Leases } from '../store/pg/leases.js';
import type { PortalStore } from '../store/types.js';
import { AckFirst, type AckFirstOptions } from './ack-first.js';
import { describe, type Bot } from './bot.js';
import { EventShapeError, authSchema, envelopeSchema, normalizeEvent } from './events.js';
import { FormError, parseForm } from './form.js';
import type { Logger } from './logger.js';

export interface IntakeDeps {
  bot: Bot;
  store: PortalStore;
  /** null: events are kept in memory only (what the bot did before the inbox; `npm run bench -- intake` compares). */
  inbox: FileInbox | null;
  log: Logger;
  /**
   * PostgreSQL (several instances): events go to the inbox table instead, and a portal's queue is
   * handled by whichever instance holds its `inbox:<member_id>` lease; `sweepMs` is how often each
   * instance looks for queues nobody handles (an instance that died). Takes the place of `inbox`.
   */
  shared?: { inbox: PgInbox; leases: Leases; sweepMs?: number };
  /** How handling gives way to acknowledging during a burst (bot/ack-first.ts). */
  ackFirst?: AckFirstOptions;
}

/** The event could not be kept (a full disk): it must not be acknowledged. */
export class IntakeUnavailable extends Error {}

export class Intake {
  private readonly opened = new Map<string, Promise<void>>();
  /** Kept events waiting for their portal's turn, per portal (see enqueue). */
  private readonly waiting = new Map<string, Array<{ entry: InboxEntry; written: Promise<void> | undefined }>>();

  /** Shared inbox: portals whose queue this instance is working through, and those kicked meanwhile. */
  private readonly draining = new Set<string>();
  private readonly kicked = new Set<string>();
  /** Shared inbox: the last seq handled here per portal (events dropped unrecorded move no inbox_done). */
  private readonly cursor = new Map<string, number>();
  private sweeper: ReturnType<typeof setInterval> | null = null;
  private sweeping: Promise<void> | null = null;

  /** Handling waits while events are being acknowledged (a burst is acknowledged first, handled in the gaps). */
  private readonly gate: AckFirst;

  constructor(private readonly deps: IntakeDeps) {
    this.gate = new AckFirst(deps.ackFirst);
  }

  /**
   * Keeps a verified event and queues it. Resolves once it is on disk (then the caller answers 200);
   * rejects with IntakeUnavailable if it could not be written, and then nothing of it is handled.
   */
  async accept(memberId: string, type: InboxEntry['type'], body: string): Promise<void> {
    await this.keep(memberId, type, body);
    this.gate.acked();
  }

  private async keep(memberId: string, type: InboxEntry['type'], body: string): Promise<void> {
    const shared = this.deps.shared;
    if (shared) {
      try {
        await shared.inbox.append(memberId, type, body);
      } catch (e) {
        this.deps.log.error({ memberId, err: describe(e) }, 'EVENT NOT KEPT: the inbox table could not be written; answered 503');
        throw new IntakeUnavailable('the inbox could not be written');
      }
      this.kick(memberId);
      return;
    }
    const inbox = this.deps.inbox;
    if (!inbox) {
      this.enqueue(memberId, { seq: 0, type, body });
      return;
    }
    await this.recover(memberId);
    const { seq, written } = await inbox.append(memberId, type, body);
    this.enqueue(memberId, { seq, type, body }, written);
    try {
      await written;
    } catch (e) {
      this.deps.log.error(
        { memberId, err: describe(e) },
        'EVENT NOT KEPT: the inbox could not be written (is the disk full?); answered 503, and Bitrix24 will not send it again',
      );
      throw new IntakeUnavailable('the inbox could not be written');
    }
  }

  /**
   * Queues a kept event for handling, in order. A portal's waiting events are one task in the bot's
   * per-portal queue at a time (those present when it began; later ones form the next task), not one
   * task each: a backlog of thousands costs an array, not thousands of chained promises.
   */
  private enqueue(memberId: string, entry: InboxEntry, written?: Promise<void>): void {
    const waiting = this.waiting.get(memberId);
    if (waiting) {
      waiting.push({ entry, written });
      return;
    }
    const list = [{ entry, written }];
    this.waiting.set(memberId, list);
    const run = async (): Promise<void> => {
      for (let n = list.length; n > 0; n--) {
        const item = list.shift()!;
        if (item.written) {
          try {
            await item.written;
          } catch {
            continue; // not kept, so not acknowledged: nothing to handle
          }
        }
        await this.handle(memberId, item.entry);
      }
      if (list.length > 0) this.deps.bot.enqueueTask(memberId, run);
      else this.waiting.delete(memberId);
    };
    this.deps.bot.enqueueTask(memberId, run);
  }

  /** Opens the portal's inbox once and queues what a crash left unhandled there, before anything new. */
  recover(memberId: string): Promise<void> {
    let p = this.opened.get(memberId);
    if (!p) {
      const inbox = this.deps.inbox;
      p = (async () => {
        if (!inbox) return;
        const done = (await this.deps.store.get(memberId))?.inboxDone ?? 0;
        const left = await inbox.open(memberId, done);
        if (left.length > 0) this.deps.log.warn({ memberId, events: left.length }, 'inbox: handling the events a restart left unhandled');
        for (const entry of left) this.enqueue(memberId, entry);
      })();
      this.opened.set(memberId, p);
      p.catch(() => this.opened.delete(memberId));
    }
    return p;
  }

  /** Parses the whole body now, hands the event to the bot, records that it was handled. Never throws. */
  private async handle(memberId: string, entry: InboxEntry): Promise<void> {
    const { bot, store, log } = this.deps;
    // A backlog is worked through one event per turn of the event loop, so new requests are read and
    // acknowledged in between instead of waiting for the whole backlog (store reads are in memory and
    // would otherwise never yield); during a burst, acknowledging goes first (bot/ack-first.ts).
    await new Promise((r) => setImmediate(r));
    await this.gate.turn();
    try {
      const body = entry.type === 'form' ? parseForm(entry.body) : (JSON.parse(entry.body) as unknown);
      const env = envelopeSchema.parse(body);
      const auth = authSchema.safeParse(env.auth);
      const ev = normalizeEvent(env.event, (body as { data?: unknown }).data, memberId, auth.success ? auth.data : undefined);
      await bot.handleEvent(ev, entry.seq > 0 ? { inboxSeq: entry.seq } : {});
    } catch (e) {
      const malformed = e instanceof EventShapeError || e instanceof FormError || e instanceof SyntaxError || (e as { name?: string }).name === 'ZodError';
      log.warn({ memberId, seq: entry.seq, err: describe(e) }, malformed ? 'inbox: a malformed event was dropped' : 'inbox: event handling failed');
    }
    // The bot recorded "handled" with the event's first change (or at its end, for a keyed event). What
    // it dropped unrecorded (another bot's event, a malformed one) is simply dropped again if a crash
    // brings it back: cheaper than a write of the portal file for each.
    const inbox = this.deps.inbox;
    if (!inbox) return;
    if (!(await store.get(memberId))) {
      // Removed with its data (a clean uninstall): nothing of the portal stays, its inbox included.
      this.opened.delete(memberId);
      await inbox.drop(memberId).catch(() => undefined);
      return;
    }
    await inbox.handled(memberId, entry.seq).catch((e: unknown) => log.warn({ memberId, err: describe(e) }, 'inbox: compaction failed'));
  }

  /** Shared inbox: works through the portal's queue here unless another instance holds it. Never throws. */
  kick(memberId: string): void {
    if (this.draining.has(memberId)) {
      // The loop running now looks again before it lets go.
      this.kicked.add(memberId);
      return;
    }
    this.draining.add(memberId);
    void (async () => {
      try {
        do {
          this.kicked.delete(memberId);
          await this.drain(memberId);
        } while (this.kicked.has(memberId));
      } catch (e) {
        // The database is away: the sweep tries again.
        this.deps.log.warn({ memberId, err: describe(e) }, 'inbox: the shared queue could not be worked through now');
      } finally {
        this.draining.delete(memberId);
        this.kicked.delete(memberId);
      }
    })();
  }

  /**
   * Takes the portal's lease, handles what waits in order, lets go, and looks once more: an event
   * appended by another instance while this one held the lease (its own kick found the lease taken)
   * is committed before that kick, so before the release, so this look finds it.
   */
  private async drain(memberId: string): Promise<void> {
    const { inbox, leases } = this.deps.shared!;
    const name = `inbox:${memberId}`;
    for (;;) {
      if (!(await leases.take(name))) return;
      const done = (await this.deps.store.get(memberId))?.inboxDone ?? 0;
      let seq = Math.max(done, this.cursor.get(memberId) ?? 0);
      for (;;) {
        const batch = await inbox.after(memberId, seq);
        if (batch.length === 0) break;
        for (const entry of batch) {
          // Lost (the renewal failed): another instance may go on from here; this one stops.
          if (!leases.holds(name)) return;
          await new Promise<void>((resolve) => this.deps.bot.enqueueTask(memberId, () => this.handle(memberId, entry).finally(resolve)));
          seq = entry.seq;
          this.cursor.set(memberId, seq);
        }
      }
      if (seq > 0) await inbox.prune(memberId, seq);
      await leases.release(name);
      if ((await inbox.after(memberId, seq, 1)).length === 0) return;
    }
  }

  /** Shared inbox: every few seconds, the queues nobody is working through are taken up here. */
  startSweep(): void {
    const shared = this.deps.shared;
    if (!shared || this.sweeper) return;
    this.sweeper = setInterval(() => void this.sweep(), shared.sweepMs ?? 5_000);
    this.sweeper.unref?.();
  }

  sweep(): Promise<void> {
    const shared = this.deps.shared;
    if (!shared) return Promise.resolve();
    this.sweeping ??= shared.inbox
      .waiting(shared.leases.holder)
      .then((portals) => {
        for (const memberId of portals) this.kick(memberId);
      })
      .catch((e: unknown) => this.deps.log.warn({ err: describe(e) }, 'inbox: the sweep could not read the database'))
      .finally(() => {
        this.sweeping = null;
      });
    return this.sweeping;
  }

  /** Waits for the queues being worked through here (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.draining.size > 0 || this.sweeping) await new Promise((r) => setTimeout(r, 10));
  }

  async stop(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
    await this.settled();
  }

  /** On start: every portal's inbox is opened and what it still holds is handled. */
  async recoverAll(): Promise<void> {
    if (this.deps.shared) return this.sweep();
    for (const memberId of await this.deps.store.list()) {
      await this.recover(memberId).catch((e: unknown) => this.deps.log.error({ memberId, err: describe(e) }, 'inbox: could not be read'));
    }
  }
}
