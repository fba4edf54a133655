// The product's data: what one portal (tenant) stores. No Bitrix24 field names here.
import type { GroupRun, Level, Program } from './training/model.js';
import type { Question } from './quiz/score.js';

/** A calendar day as `YYYY-MM-DD` (the portal's local day; no time zone games). */
export type Day = string;

export type Privacy = 'open' | 'closed' | 'hidden';

export type MemberStatus = 'member' | 'invited';

export interface GroupMember {
  userId: number;
  status: MemberStatus;
  /** ISO timestamp of when the bot learned of this membership or sent the invitation. */
  since: string;
  /** Who added or invited the person (0: came from the workgroup itself). */
  addedBy: number;
}

export interface StudyGroup {
  id: number;
  name: string;
  description: string;
  /** The Bitrix24 workgroup behind the study group; 0: none yet (a default training group before anyone is added). */
  workgroupId: number;
  /** Linked to a workgroup that existed before: name, description and members are Bitrix24's. */
  linked: boolean;
  ownerId: number;
  privacy: Privacy;
  accessFrom: Day | null;
  accessTo: Day | null;
  archived: boolean;
  members: GroupMember[];
  courseIds: number[];
  /** Group chats (dialog ids such as `chat305`) that receive this group's announcements. */
  chatDialogIds: string[];
  /**
   * The group chat the bot opened for this group (the card's "Group chat" button), whose members
   * follow the group's. Absent: none yet (and in groups stored before it existed).
   */
  companionChat?: CompanionChat;
  createdBy: number;
  createdAt: string;
  /** Training settings and the group's run (issue 10). Absent: the group is not a training group yet. */
  training?: GroupTraining;
}

/** A study group's training: the program course and how it is taught (seed 003, "Group settings"). */
export interface GroupTraining {
  /** The course whose program the group follows; null: none chosen yet. */
  courseId: number | null;
  minutesPerWeek: number;
  /** The test pass threshold, percent. */
  passPercent: number;
  /** The program goes up to this level, inclusive. */
  level: Level;
  run: GroupRun;
  /** Hours a learner waits before retaking a failed test (issue 12); absent: 0, no wait. */
  retakeHours?: number;
}

export interface CompanionChat {
  /** `chat<id>`; null while the bot is creating it (a claim, so two presses make one chat). */
  dialogId: string | null;
  /** ISO timestamp of the claim or the creation. */
  since: string;
  createdBy: number;
}

export type CourseKind = 'course' | 'test';

export interface Course {
  id: number;
  title: string;
  url: string;
  kind: CourseKind;
  prompts: string[];
  hiddenFromExtranet: boolean;
  /**
   * Kept out of the catalog while the course is in no group: only moderators see it. A moderator's
   * choice (e.g. when deleting the group that closed it); a group it is attached to closes it as
   * usual. Absent in courses stored before it existed: false.
   */
  hiddenFromCatalog?: boolean;
  /** The course's training program (issue 10), when one was loaded. */
  program?: Program;
  /** A stand-alone test's questions (kind 'test', issue 12): with them it is taken in chat. */
  questions?: Question[];
  createdBy: number;
  createdAt: string;
}

export interface Poll {
  id: number;
  question: string;
  options: string[];
  /** userId → option index */
  votes: Record<string, number>;
  dialogId: string;
  messageId: number | null;
  groupId: number | null;
  createdBy: number;
  closed: boolean;
}

/** A question the bot asked and whose answer is the caller's next message in that dialog. */
export interface PendingInput {
  userId: number;
  dialogId: string;
  kind: string;
  groupId: number | null;
  /** What else the answer is for, when a group id does not say it (a test: `<courseId>` or `<courseId>:<lessonId>`). */
  ref?: string;
  expiresAt: string;
}

/** Who finished which course (the "done" button). Key: `${groupId}:${courseId}:${userId}`. */
export type CompletionKey = string;

export interface PortalCounters {
  group: number;
  course: number;
  poll: number;
}
