// pickWorkgroupsToSync: which workgroups the membership sync reads next, urgent first, each once, archived never.
import { describe, expect, it } from 'vitest';
import { isSyncUrgent, pickWorkgroupsToSync } from '../../src/domain/membersync.js';
import { group, member } from './fixtures.js';

describe('isSyncUrgent', () => {
  it('is true for a group with a pending invitation or an attached course', () => {
    expect(isSyncUrgent(group({ id: 1, members: [member(5)] }))).toBe(false);
    expect(isSyncUrgent(group({ id: 1, members: [member(5), member(6, 'invited')] }))).toBe(true);
    expect(isSyncUrgent(group({ id: 1, courseIds: [3] }))).toBe(true);
  });
});

describe('pickWorkgroupsToSync', () => {
  const plain = group({ id: 1, members: [member(5)] });
  const withCourse = group({ id: 2, courseIds: [9] });
  const archived = group({ id: 3, archived: true, courseIds: [9] });
  const invited = group({ id: 4, members: [member(6, 'invited')] });
  const other = group({ id: 5 });

  it('puts groups with invitations or courses first, keeps the order of creation within each, skips archived ones', () => {
    expect(pickWorkgroupsToSync([plain, withCourse, archived, invited, other], new Set(), 50)).toEqual([102, 104, 101, 105]);
  });

  it('leaves out what the pass has read and stops at the limit', () => {
    const groups = [plain, withCourse, invited, other];
    expect(pickWorkgroupsToSync(groups, new Set([102]), 2)).toEqual([104, 101]);
    expect(pickWorkgroupsToSync(groups, new Set([101, 102, 104, 105]), 50)).toEqual([]);
    expect(pickWorkgroupsToSync(groups, new Set(), 0)).toEqual([]);
  });

  it('reads a workgroup shared by two study groups once, as urgent if either group is', () => {
    const a = group({ id: 1, workgroupId: 7 });
    const b = group({ id: 2, workgroupId: 8 });
    const c = group({ id: 3, workgroupId: 7, courseIds: [1] });
    expect(pickWorkgroupsToSync([a, b, c], new Set(), 50)).toEqual([7, 8]);
  });

  it('an archived group does not hide the workgroup of a live group sharing it; a group without a workgroup is skipped', () => {
    const live = group({ id: 1, workgroupId: 7 });
    const gone = group({ id: 2, workgroupId: 7, archived: true, courseIds: [1] });
    const none = group({ id: 3, workgroupId: 0 });
    expect(pickWorkgroupsToSync([gone, none, live], new Set(), 50)).toEqual([7]);
  });

  it('cuts 1,000 workgroups into 20 picks of 50, and every one is read once', () => {
    const groups = Array.from({ length: 1000 }, (_, i) => group({ id: i + 1, courseIds: i % 3 === 0 ? [1] : [] }));
    const done = new Set<number>();
    let picks = 0;
    for (let ids = pickWorkgroupsToSync(groups, done, 50); ids.length > 0; ids = pickWorkgroupsToSync(groups, done, 50)) {
      picks++;
      for (const id of ids) {
        expect(done.has(id)).toBe(false);
        done.add(id);
      }
    }
    expect(picks).toBe(20);
    expect(done.size).toBe(1000);
  });
});
