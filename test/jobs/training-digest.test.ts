// The weekly digest's timing (the portal's Monday from 09:00) and who gets it (owners, named moderators of bot-made groups, not the opted out).
import { describe, expect, it } from 'vitest';
import type { GroupTraining } from '../../src/domain/model.js';
import { digestRecipients, isDigestTime } from '../../src/jobs/training-digest.js';
import { emptyPortal, type Installation, type PortalData } from '../../src/store/types.js';
import { course, group } from '../domain/fixtures.js';

describe('isDigestTime', () => {
  it.each<[string, string, number, boolean]>([
    ['Monday 09:00 UTC', '2026-12-07T09:00:00Z', 0, true],
    ['Monday 08:59 UTC', '2026-12-07T08:59:00Z', 0, false],
    ['Monday 07:00 UTC is 10:00 at +3', '2026-12-07T07:00:00Z', 180, true],
    ['Sunday 22:00 UTC is Monday 01:00 at +3: too early', '2026-12-06T22:00:00Z', 180, false],
    ['Monday 10:00 UTC is still Monday 05:00 at -5', '2026-12-07T10:00:00Z', -300, false],
    ['Monday 23:00 UTC is Tuesday 02:00 at +3', '2026-12-07T23:00:00Z', 180, false],
    ['Tuesday', '2026-12-08T12:00:00Z', 0, false],
  ])('%s', (_name, iso, offset, expected) => {
    expect(isDigestTime(new Date(iso), offset)).toBe(expected);
  });
});

describe('digestRecipients', () => {
  const program = { title: { en: 'P' }, topics: [{ id: 't', title: { en: 'T' }, lessons: [{ id: 'l', title: { en: 'L' }, url: 'https://x.example/l', minutes: 10, level: 'beginner' as const }] }] };
  const training = (over: Partial<GroupTraining['run']> = {}): GroupTraining => ({
    courseId: 1, minutesPerWeek: 30, passPercent: 80, level: 'beginner', run: { started: '2026-12-01', pauses: [], stopped: null, ...over },
  });
  const data: PortalData = {
    ...emptyPortal({ memberId: 'm' } as Installation),
    moderators: [20, 21],
    courses: [course({ id: 1, program })],
    groups: [
      group({ id: 1, ownerId: 10, training: training() }),
      group({ id: 2, ownerId: 11, linked: true, training: training() }),        // linked: named moderators may not manage it
      group({ id: 3, ownerId: 12, training: training({ stopped: '2026-12-03' }) }),
      group({ id: 4, ownerId: 13, training: training({ started: null }) }),
      group({ id: 5, ownerId: 14 }),                                            // no training
      group({ id: 6, ownerId: 15, archived: true, training: training() }),
    ],
    training: { learners: {}, rules: [], progress: { digestOff: [21] } },
  };

  it('owners and named moderators of the groups in training, without the ones who opted out', () => {
    const got = [...digestRecipients(data)].map(([id, groups]) => [id, groups.map((g) => g.id)]);
    expect(got).toEqual([[10, [1]], [20, [1]], [11, [2]]]);
  });
});
