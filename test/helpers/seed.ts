// Test data written straight into the store (and the emulated portal): study groups, courses, moderators, bound chats, days.
import { addDays, todayAtOffset } from '../../src/domain/dates.js';
import type { Course, Day, StudyGroup } from '../../src/domain/model.js';
import type { World } from './world.js';

export interface SeedGroup {
  name: string;
  memberIds?: number[];
  /** Invited, not yet members. */
  invitedIds?: number[];
  accessFrom?: Day | null;
  accessTo?: Day | null;
  archived?: boolean;
  /** An existing workgroup; without one a new workgroup is made in the emulator. */
  workgroupId?: number;
  ownerId?: number;
  courseIds?: number[];
  chatDialogIds?: string[];
  linked?: boolean;
}

/** The bot's "today": its clock is the emulator's, its calendar the portal's (UTC offset). */
export function today(w: World): Day {
  return todayAtOffset(w.rt.bot.now(), w.portal.state.identity.utcOffsetMinutes);
}

export function day(w: World, offset: number): Day {
  return addDays(today(w), offset);
}

/** A study group as `/group create` would leave it, with a real workgroup behind it. */
export async function seedGroup(w: World, g: SeedGroup): Promise<StudyGroup> {
  const ownerId = g.ownerId ?? w.demo.moderators[0];
  const memberIds = g.memberIds ?? [];
  const workgroupId =
    g.workgroupId ??
    w.portal.addWorkgroup({ name: g.name, ownerId, memberIds: memberIds.filter((id) => id !== ownerId) }).id;
  const now = new Date(w.emu.clock.now()).toISOString();
  return w.rt.store.update(w.memberId, (d) => {
    d.counters.group += 1;
    const group: StudyGroup = {
      id: d.counters.group,
      name: g.name,
      description: '',
      workgroupId,
      linked: g.linked ?? false,
      ownerId,
      privacy: 'closed',
      accessFrom: g.accessFrom ?? null,
      accessTo: g.accessTo ?? null,
      archived: g.archived ?? false,
      members: [
        ...memberIds.map((userId) => ({ userId, status: 'member' as const, since: now, addedBy: ownerId })),
        ...(g.invitedIds ?? []).map((userId) => ({ userId, status: 'invited' as const, since: now, addedBy: ownerId })),
      ],
      courseIds: g.courseIds ?? [],
      chatDialogIds: g.chatDialogIds ?? [],
      createdBy: ownerId,
      createdAt: now,
    };
    d.groups.push(group);
    return structuredClone(group);
  });
}

export async function updateGroup(w: World, groupId: number, change: Partial<StudyGroup>): Promise<void> {
  await w.rt.store.update(w.memberId, (d) => {
    const g = d.groups.find((x) => x.id === groupId);
    if (!g) throw new Error(`no group ${groupId}`);
    Object.assign(g, change);
  });
}

export async function seedCourse(w: World, c: Partial<Course> & { title: string }): Promise<Course> {
  return w.rt.store.update(w.memberId, (d) => {
    d.counters.course += 1;
    const course: Course = {
      id: d.counters.course,
      url: `https://lms.example.com/c/${d.counters.course}`,
      kind: 'course',
      prompts: [],
      hiddenFromExtranet: false,
      createdBy: w.demo.admin,
      createdAt: new Date(w.emu.clock.now()).toISOString(),
      ...c,
    };
    d.courses.push(course);
    return structuredClone(course);
  });
}

/** Names training moderators as `/moderator add` would. */
export async function seedModerators(w: World, ids: number[]): Promise<void> {
  await w.rt.store.update(w.memberId, (d) => {
    for (const id of ids) if (!d.moderators.includes(id)) d.moderators.push(id);
  });
}

/** A group chat with the bot in it, bound to the study group as `/group bind` would; returns its dialog id. */
export async function seedBoundChat(w: World, groupId: number, o: { title: string; ownerId: number; memberIds: number[] }): Promise<string> {
  const chat = await w.portal.createChat({ title: o.title, ownerId: o.ownerId, memberIds: o.memberIds, withBot: w.botId });
  await w.settle();
  await w.rt.store.update(w.memberId, (d) => {
    const g = d.groups.find((x) => x.id === groupId);
    if (!g) throw new Error(`no group ${groupId}`);
    if (!g.chatDialogIds.includes(chat.dialogId)) g.chatDialogIds.push(chat.dialogId);
  });
  return chat.dialogId;
}

/** Methods of the portal requests made since `from` (an index into `w.portal.requests`). */
export function methodsSince(w: World, from: number): string[] {
  return w.portal.requests.slice(from).map((r) => r.method);
}

/** The posts of every workgroup feed, oldest first. */
export function feedPosts(w: World) {
  return [...w.portal.state.posts.values()];
}

/** The bot's messages in one dialog as `userId` sees it. */
export function botMessagesIn(w: World, userId: number, dialogId: string) {
  return w.portal.dialog(userId, dialogId).filter((m) => m.authorId === w.botId);
}
