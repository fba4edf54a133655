// Tests for planning window-open announcements and closing reminders.
import { describe, expect, it } from 'vitest';
import { closingReminderKey, planAnnouncements, windowOpenKey } from '../../src/domain/schedule.js';
import type { StudyGroup } from '../../src/domain/model.js';
import { group } from './fixtures.js';

const g = (o: Partial<StudyGroup> = {}): StudyGroup =>
  group({ id: 12, courseIds: [1], accessFrom: '2026-11-24', accessTo: '2026-11-30', ...o });

describe('planAnnouncements', () => {
  it.each<[string, StudyGroup, string, string[]]>([
    ['day before opening: nothing', g(), '2026-11-23', []],
    ['opening day', g(), '2026-11-24', ['window_open open:12:2026-11-24']],
    ['missed opening caught up while open', g(), '2026-11-26', ['window_open open:12:2026-11-24']],
    ['last day: still caught up, no reminder', g(), '2026-11-30', ['window_open open:12:2026-11-24']],
    ['after the window: nothing', g(), '2026-12-01', []],
    ['day before closing: open (not yet sent) and reminder', g(), '2026-11-29', ['window_open open:12:2026-11-24', 'closing_reminder closing:12:2026-11-30']],
    ['no start date: no opening', g({ accessFrom: null }), '2026-11-24', []],
    ['no start date: reminder still', g({ accessFrom: null }), '2026-11-29', ['closing_reminder closing:12:2026-11-30']],
    ['no end date: opening, never a reminder', g({ accessTo: null }), '2027-05-01', ['window_open open:12:2026-11-24']],
    ['archived: nothing', g({ archived: true }), '2026-11-29', []],
    ['no courses: nothing', g({ courseIds: [] }), '2026-11-29', []],
    ['one-day window: opening only', g({ accessFrom: '2026-11-24', accessTo: '2026-11-24' }), '2026-11-24', ['window_open open:12:2026-11-24']],
    ['one-day window, day before: no reminder before it opens', g({ accessFrom: '2026-11-24', accessTo: '2026-11-24' }), '2026-11-23', []],
    ['two-day window, first day: both', g({ accessFrom: '2026-11-24', accessTo: '2026-11-25' }), '2026-11-24', ['window_open open:12:2026-11-24', 'closing_reminder closing:12:2026-11-25']],
    ['month boundary reminder', g({ accessTo: '2026-12-01' }), '2026-11-30', ['window_open open:12:2026-11-24', 'closing_reminder closing:12:2026-12-01']],
  ])('%s', (_name, grp, today, expected) => {
    expect(planAnnouncements([grp], today, new Set()).map((j) => `${j.kind} ${j.key}`)).toEqual(expected);
  });

  it.each<[string, string[], string[]]>([
    ['opening already sent', ['open:12:2026-11-24'], ['closing_reminder']],
    ['both sent', ['open:12:2026-11-24', 'closing:12:2026-11-30'], []],
    ['a key for an older window does not count', ['open:12:2026-11-01'], ['window_open', 'closing_reminder']],
    ['another group’s key does not count', ['open:13:2026-11-24'], ['window_open', 'closing_reminder']],
  ])('%s', (_name, sent, kinds) => {
    expect(planAnnouncements([g()], '2026-11-29', new Set(sent)).map((j) => j.kind)).toEqual(kinds);
  });

  it('is restart-safe: re-planning after recording the keys yields nothing', () => {
    const groups = [g(), g({ id: 13, accessFrom: '2026-11-20' })];
    const sent = new Set<string>();
    const first = planAnnouncements(groups, '2026-11-29', sent);
    expect(first.map((j) => j.groupId)).toEqual([12, 12, 13, 13]);
    for (const job of first) sent.add(job.key);
    expect(planAnnouncements(groups, '2026-11-29', sent)).toEqual([]);
    expect(planAnnouncements(groups, '2026-11-30', sent)).toEqual([]);
  });

  it('moving the window re-announces once under a new key', () => {
    const sent = new Set([windowOpenKey(12, '2026-11-24')]);
    const moved = g({ accessFrom: '2026-12-01', accessTo: '2026-12-10' });
    expect(planAnnouncements([moved], '2026-12-01', sent)).toEqual([
      { kind: 'window_open', groupId: 12, key: 'open:12:2026-12-01' },
    ]);
  });

  it('keys are stable strings', () => {
    expect(windowOpenKey(12, '2026-11-24')).toBe('open:12:2026-11-24');
    expect(closingReminderKey(12, '2026-11-30')).toBe('closing:12:2026-11-30');
  });
});
