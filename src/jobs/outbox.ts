// Scheduled deliveries that survive a crash: a claimed job keeps the targets it has still to reach in
// the store, so after a restart it goes on with those left, and none is sent twice.
import {
  chatAnnouncement,
  openingFeedPost,
  portalLanguage,
  postToFeed,
  reminderMessage,
} from '../handlers/announce.js';
import { groupLink } from '../handlers/deeplink.js';
import type { JobClaim, OutboxJob, PortalData, PortalStore } from '../store/types.js';
import { describe } from '../bot/bot.js';
import type { Logger } from '../bot/logger.js';
import type { RestClient } from '../bot/portal.js';
import { messageUuid, sendBotMessage } from '../bot/send.js';

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
 * Sends what is left of one job, one target at a time, crossing each off in the store. A failed send
 * is logged and not retried (Bitrix24 may have made the message before the error reached us).
 */
export async function deliverJob(
  deps: { store: PortalStore; log: Logger; rest: RestClient; memberId: string; botId: number; language: string; installedAt: string; domain: string },
  job: OutboxJob,
): Promise<DeliveryCounts> {
  const { store, log, rest, memberId, botId } = deps;
  const counts: DeliveryCounts = { feedPosts: 0, messages: 0, failures: 0 };
  const { lang, t } = portalLanguage(deps.language);
  const claim = job.claim;
  for (const target of job.left) {
    if (target === 'feed') {
      // A feed post has no idempotency key: crossed off first, so it is made at most once.
      if ((await store.update(memberId, (d) => crossOff(d, job.key, target))) && claim.kind === 'window_open') {
        try {
          await postToFeed(rest, claim.group.workgroupId, openingFeedPost(t, lang, claim.group, claim.courses, groupLink(deps.domain, botId, claim.group.id)));
          counts.feedPosts++;
        } catch (e) {
          failed(target, e);
        }
      }
      continue;
    }
    // A message is sent first and crossed off after; its templateId is made from the job and the
    // target, so a resend after a crash between the two makes no second message.
    const still = (await store.get(memberId))?.outbox?.find((j) => j.key === job.key)?.left.includes(target);
    if (!still) continue;
    try {
      await sendOne(target, messageUuid(memberId, deps.installedAt, job.key, target));
    } catch (e) {
      failed(target, e);
    }
    await store.update(memberId, (d) => crossOff(d, job.key, target));
  }
  return counts;

  function failed(target: string, e: unknown): void {
    counts.failures++;
    log.warn({ memberId, job: job.key, target, err: describe(e) }, 'scheduler: delivery failed (not retried)');
  }

  async function sendOne(target: string, templateId: string): Promise<void> {
    if (target.startsWith('chat:') && claim.kind === 'window_open') {
      const [, dialogId, courseId] = target.split(':');
      const course = claim.courses.find((c) => String(c.id) === courseId);
      if (!course || !dialogId) return;
      await sendBotMessage(store, rest, memberId, botId, dialogId, chatAnnouncement(t, claim.group, course, claim.completions), { templateId });
      counts.messages++;
    } else if (target.startsWith('user:') && claim.kind === 'closing_reminder') {
      const userId = Number(target.slice(5));
      const r = claim.recipients.find((x) => x.userId === userId);
      if (!r) return;
      await sendBotMessage(store, rest, memberId, botId, String(userId), reminderMessage(t, lang, claim.group, r.courses), { templateId });
      counts.messages++;
    }
  }
}

/** Crosses one target of the job off; false when it was not left (another runner did it). */
function crossOff(d: PortalData, key: string, target: string): boolean {
  const mine = d.outbox?.find((j) => j.key === key);
  if (!mine || !mine.left.includes(target)) return false;
  mine.left = mine.left.filter((x) => x !== target);
  if (mine.left.length === 0) d.outbox = d.outbox!.filter((j) => j.key !== key);
  return true;
}
