// What a crash left half done in Bitrix24 and no replay finishes: found once, and only if begun before this start.
import { describe, expect, it } from 'vitest';
import { hasInterrupted, takeInterrupted } from '../../src/jobs/interrupted.js';
import { tFor } from '../../src/i18n/index.js';
import { emptyPortal, type PortalData } from '../../src/store/types.js';
import { course, group } from '../domain/fixtures.js';
import { testInstallation } from '../helpers/installation.js';

const START = '2026-12-07T06:00:00.000Z';
const BEFORE = '2026-12-07T05:59:00.000Z';
const AFTER = '2026-12-07T06:00:01.000Z';

function data(): PortalData {
  const d = emptyPortal(testInstallation());
  d.groups = [
    group({ id: 1, name: 'Night [b]shift[/b]', companionChat: { dialogId: null, since: BEFORE, createdBy: 7 } }),
    group({ id: 2, name: 'Day shift', companionChat: { dialogId: null, since: AFTER, createdBy: 7 } }),
    group({ id: 3, name: 'Weekend', companionChat: { dialogId: 'chat9', since: BEFORE, createdBy: 7 } }),
  ];
  d.courses = [course({ id: 4, title: 'Fire drill' })];
  d.intents = [
    { key: 'a', kind: 'announce', groupId: 1, courseId: 4, userId: 5, at: BEFORE },
    { key: 'b', kind: 'announce', groupId: 2, courseId: 4, userId: 5, at: AFTER },
    { key: 'c', kind: 'workgroup', name: 'X', ownerId: 5, at: BEFORE },
  ];
  return d;
}

describe('takeInterrupted', () => {
  it('takes the announcements and chat claims begun before the start, and leaves the rest', () => {
    const d = data();
    expect(hasInterrupted(d, START)).toBe(true);
    // Begun after the start: this process's own work, not a leftover.
    expect(hasInterrupted(d, BEFORE)).toBe(false);
    const found = takeInterrupted(d, START);
    expect(found.map((f) => [f.key, f.userId])).toEqual([
      ['a', 5],
      ['companion:1:' + BEFORE, 7],
    ]);
    expect(d.intents!.map((i) => i.key)).toEqual(['b', 'c']);
    expect(d.groups.map((g) => g.companionChat?.dialogId ?? (g.companionChat ? 'claim' : 'none'))).toEqual(['none', 'claim', 'chat9']);
    // Taken once: a second look finds nothing.
    expect(takeInterrupted(d, START)).toEqual([]);
    expect(hasInterrupted(d, START)).toBe(false);
  });

  it('says what was cut off and how to redo it, with names escaped, in en and ru', () => {
    const [announce, companion] = takeInterrupted(data(), START);
    const en = tFor('en');
    expect(announce!.text(en)).toContain('“Fire drill”');
    expect(announce!.text(en)).toContain('/course detach 4 1');
    expect(companion!.text(en)).toContain('Night');
    expect(companion!.text(en)).not.toContain('[b]');
    expect(announce!.text(tFor('ru'))).toContain('Перезапуск прервал объявление курса «Fire drill»');
  });
});
