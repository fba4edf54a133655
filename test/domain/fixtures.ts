// Builders for domain test data: a study group, a course and a poll with sensible defaults.
import type { Course, GroupMember, Poll, StudyGroup } from '../../src/domain/model.js';

export function member(userId: number, status: GroupMember['status'] = 'member'): GroupMember {
  return { userId, status, since: '2026-01-01T00:00:00.000Z', addedBy: 1 };
}

export function group(overrides: Partial<StudyGroup> & { id: number }): StudyGroup {
  return {
    name: `Group ${overrides.id}`,
    description: '',
    workgroupId: 100 + overrides.id,
    linked: false,
    ownerId: 1,
    privacy: 'closed',
    accessFrom: null,
    accessTo: null,
    archived: false,
    members: [],
    courseIds: [],
    chatDialogIds: [],
    createdBy: 1,
    createdAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

export function course(overrides: Partial<Course> & { id: number }): Course {
  return {
    title: `Course ${overrides.id}`,
    url: `https://lms.example/${overrides.id}`,
    kind: 'course',
    prompts: [],
    hiddenFromExtranet: false,
    createdBy: 1,
    createdAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

export function poll(overrides: Partial<Poll> = {}): Poll {
  return {
    id: 1,
    question: 'Lunch?',
    options: ['Pizza', 'Soup', 'Salad'],
    votes: {},
    dialogId: 'chat305',
    messageId: 9,
    groupId: null,
    createdBy: 1,
    closed: false,
    ...overrides,
  };
}
