// mirrorWorkgroup: the stored study group follows its workgroup (members, invitations; name and description when linked).
import { describe, expect, it } from 'vitest';
import type { StudyGroup } from '../../src/domain/model.js';
import { isEmptyDiff, membersFrom, mirrorWorkgroup } from '../../src/handlers/group/mirror.js';
import type { WorkgroupView } from '../../src/handlers/group/workgroup.js';

const NOW = '2026-09-01T10:00:00.000Z';
const BEFORE = '2026-08-01T10:00:00.000Z';

function group(over: Partial<StudyGroup> = {}): StudyGroup {
  return {
    id: 1,
    name: 'Cohort',
    description: 'ours',
    workgroupId: 7,
    linked: false,
    ownerId: 1,
    privacy: 'closed',
    accessFrom: null,
    accessTo: null,
    archived: false,
    members: [
      { userId: 1, status: 'member', since: BEFORE, addedBy: 1 },
      { userId: 2, status: 'member', since: BEFORE, addedBy: 1 },
      { userId: 3, status: 'invited', since: BEFORE, addedBy: 1 },
      { userId: 4, status: 'invited', since: BEFORE, addedBy: 1 },
    ],
    courseIds: [],
    chatDialogIds: [],
    createdBy: 1,
    createdAt: BEFORE,
    ...over,
  };
}

function wg(over: Partial<WorkgroupView> = {}): WorkgroupView {
  return {
    id: 7,
    name: 'Cohort in Bitrix24',
    description: 'theirs',
    ownerId: 9,
    privacy: 'open',
    archived: false,
    members: [1, 2],
    managers: [1],
    invited: [3, 4],
    invitePerms: 'E',
    callerRole: null,
    ...over,
  };
}

describe('mirrorWorkgroup', () => {
  it('changes nothing when the workgroup matches', () => {
    const g = group();
    const diff = mirrorWorkgroup(g, wg(), NOW);
    expect(isEmptyDiff(diff)).toBe(true);
    expect(g.members).toEqual(group().members);
  });

  it('turns an accepted invitation into a membership, drops a declined one, and reports both', () => {
    const g = group();
    const diff = mirrorWorkgroup(g, wg({ members: [1, 2, 3], invited: [] }), NOW);
    expect(diff.accepted).toEqual([3]);
    expect(diff.declined).toEqual([4]);
    expect(g.members.map((m) => [m.userId, m.status])).toEqual([
      [1, 'member'],
      [2, 'member'],
      [3, 'member'],
    ]);
    expect(g.members.find((m) => m.userId === 3)!.since).toBe(NOW);
    expect(g.members.find((m) => m.userId === 1)!.since).toBe(BEFORE);
  });

  it('reports who joined and who left, and invitations made in Bitrix24', () => {
    const g = group();
    const diff = mirrorWorkgroup(g, wg({ members: [1, 5], invited: [3, 4, 6] }), NOW);
    expect(diff).toMatchObject({ joined: [5], left: [2], invitedThere: [6], accepted: [], declined: [] });
    expect(g.members.map((m) => [m.userId, m.status, m.addedBy])).toEqual([
      [1, 'member', 1],
      [3, 'invited', 1],
      [4, 'invited', 1],
      [5, 'member', 0],
      [6, 'invited', 0],
    ]);
  });

  it("leaves a created group's name and description alone", () => {
    const g = group();
    const diff = mirrorWorkgroup(g, wg(), NOW);
    expect(diff.renamed).toBe(false);
    expect(g).toMatchObject({ name: 'Cohort', description: 'ours', privacy: 'closed', ownerId: 1 });
  });

  it("takes a linked group's name, description, privacy and owner from Bitrix24", () => {
    const g = group({ linked: true });
    const diff = mirrorWorkgroup(g, wg(), NOW);
    expect(diff).toMatchObject({ renamed: true, redescribed: true });
    expect(g).toMatchObject({ name: 'Cohort in Bitrix24', description: 'theirs', privacy: 'open', ownerId: 9 });
  });

  it('collapses duplicate stored members and someone listed both as member and invited', () => {
    const g = group({ members: [...group().members, { userId: 2, status: 'invited', since: NOW, addedBy: 1 }] });
    mirrorWorkgroup(g, wg({ members: [1, 2], invited: [2, 3, 4] }), NOW);
    expect(g.members.map((m) => m.userId)).toEqual([1, 2, 3, 4]);
    expect(g.members.find((m) => m.userId === 2)!.status).toBe('member');
  });
});

describe('membersFrom', () => {
  it('lists active members then invitations, each once', () => {
    expect(membersFrom(wg({ members: [1, 2], invited: [2, 3] }), NOW).map((m) => [m.userId, m.status])).toEqual([
      [1, 'member'],
      [2, 'member'],
      [3, 'invited'],
    ]);
  });
});
