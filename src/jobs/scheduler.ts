// The periodic tick: brings stored membership in step with Bitrix24 (every few minutes), announces a group's courses when its access window opens and reminds members a day before it closes.
import { todayAtOffset } from '../domain/dates.js';
import type { Course } from '../domain/model.js';
import { planAnnouncements, type DueJob } from '../domain/schedule.js';
import {
  courseAnnouncedKey,
  isDone,
  memberIds,
} from '../handlers/announce.js';
import { KeyedMutex } from '../store/mutex.js';
import type { JobClaim, OutboxJob, PortalData, PortalStore } from '../store/types.js';
import { describe } from '../bot/bot.js';
import type { Logger } from '../bot/logger.js';
import { MemberSync, type MemberSyncOptions, type SyncReport } from './member-sync.js';
import { deliverJob, targetsOf } from './outbox.js';
import { sendTrainingReminders } from './training-reminders.js';
import { sendTrainingDigest } from './training-digest.js';
import type { RestClient } from '../bot/portal.js';

export interface SchedulerDeps {
  store: PortalStore;
  /** The installation's client per portal: nobody asked for this work, so no person's token is used. */
  gateway: {
    app(memberId: string): Promise<RestClient>;
    /** The portal's rate-limit bucket, shared with the bot's replies: the membership sync backs off while it is full. */
    bucket?(memberId: string): { load(): number };
  };
  log: Logger;
  /** The bot's clock (`bot.now`), so tests and the sandbox can move time. */
  now: () => Date;
  /** Default 60 s. */
  intervalMs?: number;
  /** The membership sync's pace (member-sync.ts); false turns it off. On by default. */
  memberSync?: MemberSyncOptions | false;
  /**
   * Several instances on one database: true while this instance leads the timed ticks (it holds the
   * scheduler lease). Asked before each timed tick; the others skip theirs. Absent: always leads.
   */
  lead?: () => Promise<boolean>;
  /** With `lead`: how soon an instance that does not lead asks again (so a dead leader's ticks move within a minute). */
  leadRetryMs?: number;
}

export interface TickReport {
  /** Jobs claimed and carried out in this tick. */
  jobs: number;
  feedPosts: number;
  messages: number;
  /** Deliveries that failed (logged; not retried: see the class comment). */
  failures: number;
  /** Present when a membership sync ran in this tick. */
  sync?: SyncReport;
}

const emptyReport = (): TickReport => ({ jobs: 0, feedPosts: 0, messages: 0, failures: 0 });

function add(into: TickReport, r: TickReport): void {
  into.jobs += r.jobs;
  into.feedPosts += r.feedPosts;
  into.messages += r.messages;
  into.failures += r.failures;
  if (r.sync) {
    const s = (into.sync ??= { requests: 0, read: 0, unreadable: 0, changed: 0, raced: 0, failures: 0, finished: true });
    s.requests += r.sync.requests;
    s.read += r.sync.read;
    s.unreadable += r.sync.unreadable;
    s.changed += r.sync.changed;
    s.raced += r.sync.raced;
    s.failures += r.sync.failures;
    s.finished &&= r.sync.finished;
  }
}

/**
 * Each target of a job (the feed post, each chat, each member) gets it once, and a restart goes on
 * where a crash stopped. A job's key goes into `PortalData.sent` in the same atomic write that
 * decides the job is due and copies out what it must send, with every target it must reach
 * (`PortalData.outbox`); targets are crossed off one by one (jobs/outbox.ts: a message after its
 * send, with a templateId that makes a resend harmless; the feed post before, so at most once). So
 * two ticks at once or a second process find the key and claim nothing, and a restart finds the job
 * in the outbox and sends to the targets left. A send that failed is logged, not retried. To keep a
 * half-sent job rare, the installation's client is obtained before any job is claimed: a portal
 * whose tokens are unusable claims nothing.
 *
 * Start it with `start()` after the server listens; `stop()` before closing the store.
 */
export class Scheduler {
  private timer: ReturnType<typeof setInterval> | null = null;
  private retry: ReturnType<typeof setTimeout> | null = null;
  private running: Promise<unknown> | null = null;
  private readonly perPortal = new KeyedMutex();
  /** Null when turned off. */
  readonly memberSync: MemberSync | null;

  constructor(private readonly deps: SchedulerDeps) {
    const gateway = deps.gateway;
    this.memberSync =
      deps.memberSync === false
        ? null
        : new MemberSync(
            {
              store: deps.store,
              log: deps.log,
              now: deps.now,
              ...(gateway.bucket ? { load: (memberId: string) => gateway.bucket!(memberId).load() } : {}),
            },
            deps.memberSync,
          );
  }

  /** Ticks at once (catching up after a restart), then every `intervalMs`; a slow tick is never overlapped. */
  start(): void {
    if (this.timer) return;
    const run = () => {
      if (this.running) return;
      const lead = this.deps.lead;
      this.running = (lead ? lead() : Promise.resolve(true))
        .then((leads) => {
          if (leads) return this.tick();
          // Not leading: ask again soon rather than a whole interval later.
          if (this.deps.leadRetryMs !== undefined) {
            this.retry = setTimeout(() => this.timer && run(), this.deps.leadRetryMs);
            this.retry.unref?.();
          }
          return undefined;
        })
        .catch((e: unknown) => this.deps.log.error({ err: describe(e) }, 'scheduler tick failed'))
        .finally(() => {
          this.running = null;
        });
    };
    this.timer = setInterval(run, this.deps.intervalMs ?? 60_000);
    // The timer alone must not keep the process alive.
    this.timer.unref?.();
    run();
  }

  /** Stops the timer and waits for the tick in progress. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    await this.running;
    await this.perPortal.idle();
  }

  /** One pass over one portal, or all of them. Ticks of one portal run one at a time. */
  async tick(memberId?: string): Promise<TickReport> {
    const ids = memberId !== undefined ? [memberId] : await this.deps.store.list();
    const report = emptyReport();
    for (const id of ids) {
      try {
        add(report, await this.perPortal.run(id, () => this.tickPortal(id)));
      } catch (e) {
        report.failures++;
        this.deps.log.error({ memberId: id, err: describe(e) }, 'scheduler: portal tick failed');
      }
    }
    return report;
  }

  /**
   * A membership pass over one portal now, whatever the interval (the sandbox's workgroup controls,
   * so what they did shows at once). Null: the sync is off or the portal is not active.
   */
  async syncMembers(memberId: string): Promise<SyncReport | null> {
    return this.perPortal.run(memberId, async () => {
      const data = await this.deps.store.get(memberId);
      if (!this.memberSync || !data || data.installation.status !== 'active') return null;
      return this.memberSync.run(memberId, () => this.deps.gateway.app(memberId), { fresh: true });
    });
  }

  private async tickPortal(memberId: string): Promise<TickReport> {
    const { store, log } = this.deps;
    const report = emptyReport();
    if (this.memberSync?.due(memberId)) {
      const before = await store.get(memberId);
      // First, so reminders go to the members as Bitrix24 has them. A failure here never stops the announcements.
      if (before && before.installation.status === 'active') {
        try {
          report.sync = await this.memberSync.run(memberId, () => this.deps.gateway.app(memberId));
        } catch (e) {
          log.error({ memberId, err: describe(e) }, 'scheduler: membership sync failed');
        }
      }
    }
    const data = await store.get(memberId);
    const botId = data?.installation.botId;
    if (!data || data.installation.status !== 'active' || !botId) return report;
    // The portal's calendar day (its offset is learnt from message dates; UTC until then).
    const today = todayAtOffset(this.deps.now(), data.installation.utcOffset ?? 0);
    // Lessons falling due today (issue 10): their own claim and batch sends, whatever else is due.
    report.messages += (await sendTrainingReminders({ store, log, rest: () => this.deps.gateway.app(memberId) }, memberId, data, today)).messages;
    // The weekly digest of training groups for their moderators (issue 12): on the portal's Monday morning, once.
    report.messages += (await sendTrainingDigest({ store, log, rest: () => this.deps.gateway.app(memberId) }, memberId, data, this.deps.now(), today)).messages;
    const due = planAnnouncements(data.groups, today, new Set(data.sent));
    // Nothing due and nothing left over: no REST call and no write, so an idle minute costs one read.
    if (due.length === 0 && !data.outbox?.length) return report;
    let rest: RestClient;
    try {
      rest = await this.deps.gateway.app(memberId);
    } catch (e) {
      log.warn({ memberId, err: describe(e) }, 'scheduler: no usable installation; nothing claimed');
      report.failures++;
      return report;
    }
    const deliver = async (job: OutboxJob) => {
      const counts = await deliverJob({ store, log, rest, memberId, botId, language: data.installation.language, installedAt: data.installation.installedAt, domain: data.installation.domain }, job);
      report.feedPosts += counts.feedPosts;
      report.messages += counts.messages;
      report.failures += counts.failures;
    };
    // First what a crash left half delivered, then what is due now.
    for (const job of data.outbox ?? []) {
      log.warn({ memberId, job: job.key, left: job.left.length }, 'scheduler: going on with a job a restart interrupted');
      await deliver(job);
    }
    for (const job of due) {
      const claimed = await store.update(memberId, (d) => claimJob(d, job, today));
      if (!claimed) continue;
      report.jobs++;
      log.info({ memberId, job: job.key }, 'scheduler: job claimed');
      await deliver(claimed);
    }
    return report;
  }
}

/**
 * Inside the store's atomic update: re-checks that the job is still due against the freshest data,
 * records its key, and copies out what to send. Null: nothing to do (already sent, group gone, no
 * longer due).
 */
function claimJob(d: PortalData, job: DueJob, today: string): OutboxJob | null {
  if (d.sent.includes(job.key)) return null;
  const group = d.groups.find((g) => g.id === job.groupId);
  if (!group) return null;
  if (!planAnnouncements([group], today, new Set(d.sent)).some((j) => j.key === job.key)) return null;
  d.sent.push(job.key);
  const courses = group.courseIds.map((id) => d.courses.find((c) => c.id === id)).filter((c): c is Course => c !== undefined);
  let claim: JobClaim;
  if (job.kind === 'window_open') {
    // Courses announced when they were attached to the open group are not announced again.
    const fresh = courses.filter((c) => !d.sent.includes(courseAnnouncedKey(group.id, c.id, group.accessFrom)));
    for (const c of fresh) d.sent.push(courseAnnouncedKey(group.id, c.id, group.accessFrom));
    const prefixes = fresh.map((c) => `${group.id}:${c.id}:`);
    claim = structuredClone({
      kind: 'window_open' as const,
      group,
      courses: fresh,
      completions: d.completions.filter((k) => prefixes.some((p) => k.startsWith(p))),
    });
  } else {
    const recipients = memberIds(group)
      .map((userId) => ({ userId, courses: courses.filter((c) => !isDone(d.completions, group.id, c.id, userId)) }))
      .filter((r) => r.courses.length > 0);
    claim = structuredClone({ kind: 'closing_reminder' as const, group, recipients });
  }
  // In the same write as the key: the job and every target it must reach (crossed off one by one).
  const out: OutboxJob = { key: job.key, claim, left: targetsOf(claim) };
  if (out.left.length > 0) d.outbox = [...(d.outbox ?? []), out];
  return structuredClone(out);
}
