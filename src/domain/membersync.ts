// Which workgroups the periodic membership sync reads next: pure, so its order and pacing are tested without a portal.
import type { StudyGroup } from './model.js';

/**
 * Stored membership matters most for a group with pending invitations (anyone may accept one in
 * Bitrix24 at any moment) or attached courses (membership decides who sees them: DESIGN "Closed courses").
 */
export function isSyncUrgent(group: StudyGroup): boolean {
  return group.courseIds.length > 0 || group.members.some((m) => m.status === 'invited');
}

/**
 * Up to `limit` workgroups to read next in a pass that has already read `done`: those behind
 * study groups that are not archived, each once (study groups may share one), urgent ones first
 * (see isSyncUrgent), then in the order the groups were made. A pass ends when this is empty, so
 * every workgroup is read once per pass however the pass is cut into ticks: nothing starves.
 */
export function pickWorkgroupsToSync(groups: readonly StudyGroup[], done: ReadonlySet<number>, limit: number): number[] {
  const urgent: number[] = [];
  const rest: number[] = [];
  const seen = new Set<number>();
  const urgentIds = new Set<number>();
  for (const g of groups) {
    if (g.archived || !(g.workgroupId > 0) || done.has(g.workgroupId)) continue;
    if (isSyncUrgent(g)) urgentIds.add(g.workgroupId);
  }
  for (const g of groups) {
    const id = g.workgroupId;
    if (g.archived || !(id > 0) || done.has(id) || seen.has(id)) continue;
    seen.add(id);
    (urgentIds.has(id) ? urgent : rest).push(id);
  }
  return [...urgent, ...rest].slice(0, Math.max(0, limit));
}
