// Scheduled deliveries that survive a crash: each target of a claimed job is crossed off before it is
// sent, so after a restart the job goes on with the targets left and none is sent twice.
import {
  chatAnnouncement,
  openingFeedPost,
  portalLanguage,
  postToFeed,
  reminderMessage,
} from '../handlers/announce.js';
import type { JobClaim, OutboxJob, PortalData, PortalStore } from '../store/types.js';
import { describe } from '../bot/bot.js';
import type { Logger } from '../bot/logger.js';
import type { RestClient } from '../bot/portal.js';
import { sendBotMessage } from '../bot/send.js';

/** Every target a claim sends to, in the order they go out. */
export function targetsOf(claim: JobClaim): string[] {
  if (claim.kind === 'closing_reminder') return claim.recipients.map((r) => `user:${r.userId}`);
  if (claim.courses.length === 0) return [];
  return ['feed', ...claim.group.chatDialogIds.flatMap((dialogId) => claim.courses.map((c) => `chat:${dialogId}:${c.id}`))];
}

export interface DeliveryCounts {
  feedPosts: number;
  messages: number;
  failures: number;
}

/**
 * Sends what is left of one job. Targets are crossed off in the store first, then sent: a crash
 * between the two loses those deliveries (at most once, per target), never repeats one. A failed send
 * is logged and not retried (a duplicate in a group chat cannot be taken back).
 */
export async function deliverJob(
  deps: { store: PortalStore; log: Logger; rest: RestClient; memberId: string; botId: number; language: string },
  job: OutboxJob,
): Promise<DeliveryCounts> {
  const { store, log, rest, memberId, botId } = deps;
  const counts: DeliveryCounts = { feedPosts: 0, messages: 0, failures: 0 };
  const { lang, t } = portalLanguage(deps.language);
  const claim = job.claim;
  for (let i = 0; i < job.left.length; i += CROSS_OFF_CHUNK) {
    const chunk = job.left.slice(i, i + CROSS_OFF_CHUNK);
    const crossed = await store.update(memberId, (d) => crossOff(d, job.key, chunk));
    for (const target of crossed) await sendOne(target);
  }
  return counts;

  async function sendOne(target: string): Promise<void> {
    try {
      if (target === 'feed' && claim.kind === 'window_open') {
        await postToFeed(rest, claim.group.workgroupId, openingFeedPost(t, lang, claim.group, claim.courses));
        counts.feedPosts++;
      } else if (target.startsWith('chat:') && claim.kind === 'window_open') {
        const [, dialogId, courseId] = target.split(':');
        const course = claim.courses.find((c) => String(c.id) === courseId);
        if (course && dialogId) {
          await sendBotMessage(store, rest, memberId, botId, dialogId, chatAnnouncement(t, claim.group, course, claim.completions));
          counts.messages++;
        }
      } else if (target.startsWith('user:') && claim.kind === 'closing_reminder') {
        const userId = Number(target.slice(5));
        const r = claim.recipients.find((x) => x.userId === userId);
        if (r) {
          await sendBotMessage(store, rest, memberId, botId, String(userId), reminderMessage(t, lang, claim.group, r.courses));
          counts.messages++;
        }
      }
    } catch (e) {
      counts.failures++;
      log.warn({ memberId, job: job.key, target, err: describe(e) }, 'scheduler: delivery failed (not retried)');
    }
  }
}

/**
 * Targets crossed off per store write. One: a crash loses at most the one message in flight. The
 * write is not what limits a job: the portal's 2 requests/s is (a write takes milliseconds).
 */
const CROSS_OFF_CHUNK = 1;

/** Crosses the targets still left of the job off; returns those crossed (a second runner gets none). */
function crossOff(d: PortalData, key: string, targets: string[]): string[] {
  const mine = d.outbox?.find((j) => j.key === key);
  if (!mine) return [];
  const crossed = targets.filter((t) => mine.left.includes(t));
  const gone = new Set(crossed);
  mine.left = mine.left.filter((x) => !gone.has(x));
  if (mine.left.length === 0) d.outbox = d.outbox!.filter((j) => j.key !== key);
  return crossed;
}
