// The weekly digest: on the portal's Monday morning each moderator of a group in training gets one private message with the report of their groups.
import { describe } from '../bot/bot.js';
import type { Logger } from '../bot/logger.js';
import type { RestClient } from '../bot/portal.js';
import { messageUuid, sendBotMessage } from '../bot/send.js';
import { formatDay } from '../domain/dates.js';
import type { Day, StudyGroup } from '../domain/model.js';
import { portalLanguage } from '../handlers/announce.js';
import { groupReportText } from '../handlers/training/report.js';
import { groupProgressChart, planOf, sendProgressChart } from '../handlers/training/chart.js';
import { uploadBotFile, type UploadFile } from '../bot/files.js';
import type { ProgressChart } from '../domain/training/progress-chart.js';
import type { PortalData, PortalStore } from '../store/types.js';

/** The digest goes out from this portal hour on Monday. */
export const DIGEST_HOUR = 9;

export interface DigestReport {
  moderators: number;
  messages: number;
  /** Progress charts uploaded under the digests (one per group and moderator). */
  charts: number;
  failures: number;
}

/** Is `now` the portal's Monday at or after 09:00 (its offset in minutes from UTC)? */
export function isDigestTime(now: Date, offsetMinutes: number): boolean {
  const local = new Date(now.getTime() + offsetMinutes * 60_000);
  return local.getUTCDay() === 1 && local.getUTCHours() >= DIGEST_HOUR;
}

/** Groups in training: started, not stopped, not archived, with a program to report on. */
function inTraining(data: PortalData): StudyGroup[] {
  return data.groups.filter((g) => !g.archived && g.training && g.training.run.started !== null && g.training.run.stopped === null && planOf(data, g) !== null);
}

/**
 * Who moderates a group without asking Bitrix24 (nobody asked for this work, so no one's token):
 * its owner, and the named moderators for a group the bot created (permissions.ts canManageGroup:
 * they may not manage linked groups). Those who turned the digest off are left out.
 */
export function digestRecipients(data: PortalData): Map<number, StudyGroup[]> {
  const off = new Set(data.training?.progress?.digestOff ?? []);
  const out = new Map<number, StudyGroup[]>();
  for (const g of inTraining(data)) {
    const ids = new Set([g.ownerId, ...(g.linked ? [] : data.moderators)]);
    for (const id of ids) {
      if (off.has(id)) continue;
      out.set(id, [...(out.get(id) ?? []), g]);
    }
  }
  return out;
}

/**
 * One pass over one portal: on its Monday morning, claims the week (ProgressFacts.digestWeek, one
 * write, so a second tick, a restart or a second process sends nothing again), then sends each
 * moderator one message with a templateId made from the week and the person, so a resend makes no
 * second message. A failed send is logged, not retried.
 */
export async function sendTrainingDigest(
  deps: { store: PortalStore; log: Logger; rest: () => Promise<RestClient> },
  memberId: string,
  data: PortalData,
  now: Date,
  today: Day,
): Promise<DigestReport> {
  const report: DigestReport = { moderators: 0, messages: 0, charts: 0, failures: 0 };
  const botId = data.installation.botId;
  if (!botId || !isDigestTime(now, data.installation.utcOffset ?? 0) || data.training?.progress?.digestWeek === today) return report;
  if (digestRecipients(data).size === 0) return report;
  let rest: RestClient;
  try {
    rest = await deps.rest();
  } catch (e) {
    deps.log.warn({ memberId, err: describe(e) }, 'training digest: no usable installation; nothing claimed');
    return report;
  }
  const claimed = await deps.store.update(memberId, (d) => {
    d.training ??= { learners: {}, rules: [] };
    const progress = (d.training.progress ??= {});
    if (progress.digestWeek === today) return false;
    progress.digestWeek = today;
    return true;
  });
  if (!claimed) return report;
  const fresh = await deps.store.get(memberId);
  if (!fresh) return report;
  const { lang, t } = portalLanguage(fresh.installation.language);
  const charts = new Map<number, ProgressChart | null>();
  const sender = { t, upload: (file: UploadFile, dialogId?: string) => uploadBotFile(rest, { botId, dialogId: dialogId ?? '', file }) };
  for (const [userId, groups] of digestRecipients(fresh)) {
    report.moderators++;
    const text = [t('report:digest.head', { day: formatDay(today, lang) }), ...groups.map((g) => groupReportText(t, lang, fresh, g, today))].join('\n\n');
    try {
      await sendBotMessage(deps.store, rest, memberId, botId, String(userId), text, { templateId: messageUuid(memberId, fresh.installation.installedAt, 'digest', today, String(userId)) });
      report.messages++;
      for (const g of groups) {
        const chart = charts.get(g.id) ?? groupProgressChart(t, lang, fresh, g, today);
        charts.set(g.id, chart);
        if (!chart) continue;
        // Uploads carry no idempotency key (File.upload has none): the week's claim makes them at most once.
        const sent = await sendProgressChart(sender, String(userId), chart, { fileName: `progress-${g.id}-${today}.png` });
        if (sent.ok) report.charts++;
        else deps.log.warn({ memberId, userId, groupId: g.id, reason: sent.reason }, 'training digest: chart not uploaded');
      }
    } catch (e) {
      report.failures++;
      deps.log.warn({ memberId, userId, err: describe(e) }, 'training digest: not delivered (not retried)');
    }
  }
  return report;
}
