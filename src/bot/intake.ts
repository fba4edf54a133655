// Webhook events from verification to handling: kept on disk before the 200, handled in order per portal, replayed after a crash.
import type { FileInbox, InboxEntry } from '../store/inbox.js';
import type { PortalStore } from '../store/types.js';
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
}

/** The event could not be kept (a full disk): it must not be acknowledged. */
export class IntakeUnavailable extends Error {}

export class Intake {
  private readonly opened = new Map<string, Promise<void>>();

  constructor(private readonly deps: IntakeDeps) {}

  /**
   * Keeps a verified event and queues it. Resolves once it is on disk (then the caller answers 200);
   * rejects with IntakeUnavailable if it could not be written, and then nothing of it is handled.
   */
  async accept(memberId: string, type: InboxEntry['type'], body: string): Promise<void> {
    const inbox = this.deps.inbox;
    if (!inbox) {
      this.deps.bot.enqueueTask(memberId, () => this.handle(memberId, { seq: 0, type, body }));
      return;
    }
    await this.recover(memberId);
    const { seq, written } = await inbox.append(memberId, type, body);
    this.deps.bot.enqueueTask(memberId, async () => {
      try {
        await written;
      } catch {
        return;
      }
      await this.handle(memberId, { seq, type, body });
    });
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
        for (const entry of left) this.deps.bot.enqueueTask(memberId, () => this.handle(memberId, entry));
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
    // would otherwise never yield).
    await new Promise((r) => setImmediate(r));
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

  /** On start: every portal's inbox is opened and what it still holds is handled. */
  async recoverAll(): Promise<void> {
    for (const memberId of await this.deps.store.list()) {
      await this.recover(memberId).catch((e: unknown) => this.deps.log.error({ memberId, err: describe(e) }, 'inbox: could not be read'));
    }
  }
}
