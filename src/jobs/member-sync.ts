// The periodic membership sync: re-reads the workgroups behind a portal's study groups (batch, paced) and brings stored membership in step.
import { pickWorkgroupsToSync } from '../domain/membersync.js';
import type { StudyGroup } from '../domain/model.js';
import { applyCompanionChange, type CompanionChange } from '../handlers/group/companion.js';
import { applyMirrors, planMirrors, type PlannedMirror } from '../handlers/group/mirror.js';
import { readWorkgroups, type WorkgroupView } from '../handlers/group/workgroup.js';
import type { PortalStore } from '../store/types.js';
import { describe } from '../bot/bot.js';
import type { Logger } from '../bot/logger.js';
import { BATCH_LIMIT, type RestClient } from '../bot/portal.js';

export interface MemberSyncOptions {
  /** Least time between the starts of two passes over one portal, on the bot's clock. Default 5 minutes. */
  intervalMs?: number;
  /** Most `batch` requests one portal's tick may make (50 workgroups each). Default 20: 1,000 workgroups. */
  maxRequestsPerTick?: number;
  /**
   * Share of the portal's rate-limit bucket (0…1) above which a tick stops after its first request and
   * leaves the rest of the pass to the next tick: the bot's replies share that bucket and come first. Default 0.5.
   */
  maxLoad?: number;
}

export const MEMBER_SYNC_DEFAULTS = { intervalMs: 5 * 60_000, maxRequestsPerTick: 20, maxLoad: 0.5 } as const;

export interface SyncReport {
  /** `batch` requests made. */
  requests: number;
  /** Workgroups read. */
  read: number;
  /** Workgroups that could not be read (deleted in Bitrix24, or not visible to the installation): their groups were left alone. */
  unreadable: number;
  /** Study groups whose stored membership changed. */
  changed: number;
  /** Study groups a handler changed while we read: left for the next pass. */
  raced: number;
  /** Requests that failed as a whole (the portal or the network): the pass ended there. */
  failures: number;
  /** The pass is over; false: it goes on at the next tick. */
  finished: boolean;
}

export interface MemberSyncDeps {
  store: PortalStore;
  log: Logger;
  /** The bot's clock: the sandbox and the tests move it. */
  now: () => Date;
  /** How full the portal's rate-limit bucket is now (0…1); absent: never full. */
  load?: (memberId: string) => number;
}

/** One pass over a portal: every workgroup behind its study groups read once, over one or more ticks. */
interface Pass {
  startedAt: number;
  /** Workgroups read (or tried) in this pass. */
  done: Set<number>;
  finished: boolean;
}

const emptyReport = (): SyncReport => ({ requests: 0, read: 0, unreadable: 0, changed: 0, raced: 0, failures: 0, finished: false });

/**
 * Bitrix24 tells a bot nothing when someone accepts an invitation or leaves a workgroup (api doc
 * §13.7: no membership events), while "my courses" and closed-course visibility are answered from
 * the store alone. So the workgroups are read again now and then, with the installation's client:
 * a pass reads each workgroup behind a non-archived study group once, 50 to a `batch` request,
 * urgent groups first (pending invitations, attached courses), at most `maxRequestsPerTick` requests
 * per tick; a pass starts at most every `intervalMs`. What it learnt is written in one store update
 * per tick, and only when something changed. The pass state lives in memory: after a restart the
 * first tick starts a pass.
 *
 * Not thread-safe on its own: the scheduler runs it under its per-portal mutex.
 */
export class MemberSync {
  readonly intervalMs: number;
  readonly maxRequestsPerTick: number;
  readonly maxLoad: number;
  private readonly passes = new Map<string, Pass>();
  /** Workgroups already logged as unreadable, per portal, so a deleted one is logged once and not every pass. */
  private readonly unreadable = new Map<string, Set<number>>();

  constructor(
    private readonly deps: MemberSyncDeps,
    opts: MemberSyncOptions = {},
  ) {
    this.intervalMs = opts.intervalMs ?? MEMBER_SYNC_DEFAULTS.intervalMs;
    this.maxRequestsPerTick = Math.max(1, opts.maxRequestsPerTick ?? MEMBER_SYNC_DEFAULTS.maxRequestsPerTick);
    this.maxLoad = opts.maxLoad ?? MEMBER_SYNC_DEFAULTS.maxLoad;
  }

  /** A pass is under way (cut short by the cap or the load), or the last one began `intervalMs` ago or more. */
  due(memberId: string): boolean {
    const pass = this.passes.get(memberId);
    if (!pass || !pass.finished) return true;
    const now = this.deps.now().getTime();
    // A clock moved back (the sandbox's reset) counts as due rather than waiting for it to catch up.
    return now - pass.startedAt >= this.intervalMs || now < pass.startedAt;
  }

  /**
   * One tick's share of a pass (a new pass when the last is over and due, or at once with `fresh`).
   * `client` is asked for only when there is a workgroup to read.
   */
  async run(memberId: string, client: () => Promise<RestClient>, opts: { fresh?: boolean } = {}): Promise<SyncReport> {
    const { store, log } = this.deps;
    const report = emptyReport();
    const nowMs = this.deps.now().getTime();
    let pass = this.passes.get(memberId);
    if (!pass || opts.fresh || (pass.finished && this.due(memberId))) {
      pass = { startedAt: nowMs, done: new Set(), finished: false };
      this.passes.set(memberId, pass);
    }
    if (pass.finished) return { ...report, finished: true };
    const data = await store.get(memberId);
    if (!data) {
      this.passes.delete(memberId);
      this.unreadable.delete(memberId);
      return { ...report, finished: true };
    }
    const views = new Map<number, WorkgroupView>();
    let rest: RestClient | null = null;
    for (;;) {
      const ids = pickWorkgroupsToSync(data.groups, pass.done, BATCH_LIMIT);
      if (ids.length === 0) {
        pass.finished = true;
        break;
      }
      if (report.requests >= this.maxRequestsPerTick) break;
      if (report.requests > 0 && (this.deps.load?.(memberId) ?? 0) > this.maxLoad) break;
      let read: Awaited<ReturnType<typeof readWorkgroups>>;
      try {
        rest ??= await client();
        read = await readWorkgroups(rest, ids);
      } catch (e) {
        // The pass ends here and the next one waits its whole interval: a failing portal is not asked every tick.
        report.failures++;
        pass.finished = true;
        log.warn({ memberId, err: describe(e) }, 'member sync: workgroups could not be read; the next pass tries again');
        break;
      }
      report.requests += read.requests;
      for (const id of ids) {
        pass.done.add(id);
        const view = read.views.get(id) ?? null;
        if (view) {
          views.set(id, view);
          report.read++;
          this.unreadable.get(memberId)?.delete(id);
        } else {
          report.unreadable++;
          this.noteUnreadable(memberId, id, data.groups);
        }
      }
    }
    report.finished = pass.finished;
    if (views.size === 0) return report;
    const nowIso = new Date(nowMs).toISOString();
    const plans = planMirrors(data.groups, views, nowIso);
    if (plans.length === 0) return report;
    // Re-read inside the update: a handler may have written these groups while we were reading.
    const { applied, raced, companions } = await store.update(memberId, (d) => {
      const r = applyMirrors(d.groups, plans, views, nowIso);
      return { ...r, companions: companionChanges(d.groups, r.applied) };
    });
    report.changed = applied.length;
    report.raced = raced.length;
    if (applied.length > 0) log.info({ memberId, ...summary(applied) }, 'member sync: stored membership brought in step with Bitrix24');
    // Companion chats follow (DESIGN "Surfaces" 2): an accepted invitation joins the chat, a leaver leaves it.
    const botId = data.installation.botId;
    if (companions.length > 0 && botId && rest) {
      for (const change of companions) await applyCompanionChange(rest, botId, log, memberId, change);
    }
    return report;
  }

  private noteUnreadable(memberId: string, workgroupId: number, groups: readonly StudyGroup[]): void {
    let logged = this.unreadable.get(memberId);
    if (!logged) {
      logged = new Set();
      this.unreadable.set(memberId, logged);
    }
    if (logged.has(workgroupId)) return;
    logged.add(workgroupId);
    this.deps.log.warn(
      { memberId, workgroupId, groups: groups.filter((g) => g.workgroupId === workgroupId).map((g) => g.id) },
      'member sync: workgroup cannot be read (deleted in Bitrix24, or hidden from the installation); its study groups keep their stored members',
    );
  }
}

/** For the groups a pass changed that have a companion chat: who joined (or accepted) and who left. */
function companionChanges(groups: readonly StudyGroup[], applied: readonly PlannedMirror[]): CompanionChange[] {
  const out: CompanionChange[] = [];
  for (const plan of applied) {
    const dialogId = groups.find((g) => g.id === plan.groupId)?.companionChat?.dialogId;
    const joined = [...plan.diff.joined, ...plan.diff.accepted];
    if (dialogId && joined.length + plan.diff.left.length > 0) out.push({ groupId: plan.groupId, dialogId, joined, left: plan.diff.left });
  }
  return out;
}

/** Counts for the log line (ids would make it long on a big portal). */
function summary(applied: readonly PlannedMirror[]): Record<string, number | number[]> {
  const count = (pick: (p: PlannedMirror) => number[]) => applied.reduce((n, p) => n + pick(p).length, 0);
  return {
    groups: applied.slice(0, 20).map((p) => p.groupId),
    joined: count((p) => p.diff.joined),
    accepted: count((p) => p.diff.accepted),
    left: count((p) => p.diff.left),
    declined: count((p) => p.diff.declined),
    invitedThere: count((p) => p.diff.invitedThere),
  };
}
