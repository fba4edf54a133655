// At start: work a crash cut off half way in Bitrix24, that no replay can finish, is told to the
// person who started it (a course announcement after its attach was stored; a group chat being opened).
import { describe } from '../bot/bot.js';
import type { Logger } from '../bot/logger.js';
import type { RestClient } from '../bot/portal.js';
import { messageUuid, sendBotMessage } from '../bot/send.js';
import { escapeBb } from '../domain/bbcode.js';
import { portalLanguage } from '../handlers/announce.js';
import type { StudyGroup } from '../domain/model.js';
import type { Intent, PortalData, PortalStore } from '../store/types.js';

interface Left {
  key: string;
  userId: number;
  text: (t: ReturnType<typeof portalLanguage>['t']) => string;
}

/** A course announcement noted before `before` and never crossed off. */
const leftAnnounce = (i: Intent, before: string) => i.kind === 'announce' && i.at < before;

/** A group-chat claim with no chat yet: Chat.add may or may not have made one (v2 has no lookup to find it). */
const leftClaim = (g: StudyGroup, before: string) => g.companionChat?.dialogId === null && g.companionChat.since < before;

/** Whether anything was started before `before` (ISO) and never finished: a read, no copy. */
export function hasInterrupted(d: PortalData, before: string): boolean {
  return (d.intents ?? []).some((i) => leftAnnounce(i, before)) || d.groups.some((g) => leftClaim(g, before));
}

/** What was started before `before` (ISO) and never finished, taken out of the data as it is found. */
export function takeInterrupted(d: PortalData, before: string): Left[] {
  const found: Left[] = [];
  const groupName = (id: number) => escapeBb(d.groups.find((g) => g.id === id)?.name ?? `#${id}`);
  const courseTitle = (id: number) => escapeBb(d.courses.find((c) => c.id === id)?.title ?? `#${id}`);
  const keep = [];
  for (const i of d.intents ?? []) {
    if (i.kind === 'announce' && leftAnnounce(i, before)) {
      found.push({
        key: i.key,
        userId: i.userId,
        text: (t) => t('common:interrupted.announce', { course: courseTitle(i.courseId), group: groupName(i.groupId), courseId: i.courseId, groupId: i.groupId }),
      });
    } else keep.push(i);
  }
  if (d.intents) d.intents = keep;
  for (const g of d.groups) {
    const claim = g.companionChat;
    if (claim && leftClaim(g, before)) {
      delete g.companionChat;
      found.push({ key: `companion:${g.id}:${claim.since}`, userId: claim.createdBy, text: (t) => t('common:interrupted.companion', { group: escapeBb(g.name) }) });
    }
  }
  return found;
}

/**
 * Takes what is left out of the store (so it is told once) and tells each person in the private
 * dialog. Runs once at start, before the scheduler, with `before` the process's start time, so
 * work begun by this process is never taken for a leftover.
 */
export async function reportInterrupted(
  deps: { store: PortalStore; log: Logger; app: (memberId: string) => Promise<RestClient> },
  memberId: string,
  before: Date,
): Promise<number> {
  const data = await deps.store.get(memberId);
  if (!data || data.installation.status !== 'active' || !data.installation.botId) return 0;
  if (!hasInterrupted(data, before.toISOString())) return 0;
  const left = await deps.store.update(memberId, (d) => takeInterrupted(d, before.toISOString()));
  const { t } = portalLanguage(data.installation.language);
  const botId = data.installation.botId;
  let told = 0;
  for (const l of left) {
    try {
      const rest = await deps.app(memberId);
      await sendBotMessage(deps.store, rest, memberId, botId, String(l.userId), l.text(t), { templateId: messageUuid(memberId, data.installation.installedAt, l.key) });
      told++;
    } catch (e) {
      deps.log.warn({ memberId, userId: l.userId, work: l.key, err: describe(e) }, 'could not tell a moderator about work a restart interrupted');
    }
  }
  deps.log.warn({ memberId, interrupted: left.length, told }, 'work a restart interrupted was reported');
  return told;
}
