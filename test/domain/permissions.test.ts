// Tests for moderators, managing groups (own and linked), linking, locked fields and add-or-invite.
import { describe, expect, it } from 'vitest';
import {
  addMode,
  canLinkWorkgroup,
  canManageGroup,
  isLockedField,
  isModerator,
  type WorkgroupRole,
} from '../../src/domain/permissions.js';

describe('isModerator', () => {
  it.each([
    ['admin', { userId: 1, isAdmin: true }, [], true],
    ['named moderator', { userId: 5, isAdmin: false }, [5, 9], true],
    ['learner', { userId: 7, isAdmin: false }, [5, 9], false],
    ['nobody named', { userId: 7, isAdmin: false }, [], false],
  ])('%s', (_name, actor, moderators, expected) => {
    expect(isModerator(actor, moderators)).toBe(expected);
  });
});

describe('canManageGroup', () => {
  const admin = { userId: 1, isAdmin: true, isModerator: true };
  const named = { userId: 5, isAdmin: false, isModerator: true };
  const learner = { userId: 7, isAdmin: false, isModerator: false };
  it.each<[string, typeof admin, boolean, WorkgroupRole | null, boolean]>([
    ['admin, own group', admin, false, null, true],
    ['admin, linked group', admin, true, null, true],
    ['named moderator, own group', named, false, null, true],
    ['named moderator, linked group, no role', named, true, null, false],
    ['named moderator, linked group, member role', named, true, 'K', false],
    ['named moderator, linked group, workgroup moderator', named, true, 'E', true],
    ['learner, workgroup owner, own group', learner, false, 'A', true],
    ['learner, workgroup owner, linked', learner, true, 'A', true],
    ['learner, workgroup moderator, linked', learner, true, 'E', true],
    ['learner, workgroup member', learner, false, 'K', false],
    ['learner, invited to workgroup', learner, true, 'Z', false],
    ['learner, no role', learner, false, null, false],
  ])('%s', (_name, actor, linked, role, expected) => {
    expect(canManageGroup(actor, { linked }, role)).toBe(expected);
  });
});

describe('canLinkWorkgroup', () => {
  it.each<[boolean, WorkgroupRole | null, boolean]>([
    [true, null, true],
    [false, 'A', true],
    [false, 'E', true],
    [false, 'K', false],
    [false, 'Z', false],
    [false, null, false],
  ])('admin=%s role=%s', (isAdmin, role, expected) => {
    expect(canLinkWorkgroup({ userId: 3, isAdmin }, role)).toBe(expected);
  });
});

describe('isLockedField', () => {
  it.each([
    [true, 'name', true],
    [true, 'description', true],
    [true, 'dates', false],
    [true, 'members', false],
    [true, 'courses', false],
    [false, 'name', false],
    [false, 'description', false],
  ] as const)('linked=%s %s', (linked, field, expected) => {
    expect(isLockedField({ linked }, field)).toBe(expected);
  });
});

describe('addMode', () => {
  it.each([
    [true, 'add'],
    [false, 'invite'],
  ] as const)('admin=%s → %s', (isAdmin, mode) => {
    expect(addMode(isAdmin)).toBe(mode);
  });
});
