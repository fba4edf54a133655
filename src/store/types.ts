// What one portal's file holds, and the store interface the bot and handlers use.
import type { Course, Day, PendingInput, Poll, PortalCounters, StudyGroup } from '../domain/model.js';
import type { LearnerFacts } from '../domain/training/model.js';
import type { Rule } from '../domain/training/rules.js';
import type { Attempt, ProgressFacts } from '../domain/quiz/model.js';

/**
 * payment_required: the OAuth server gives no tokens until the application's trial or paid period is
 * renewed (PAYMENT_REQUIRED): it needs an admin's attention, not a reinstall; a restart after paying checks again.
 */
export type InstallationStatus = 'active' | 'needs_reinstall' | 'payment_required' | 'uninstalled';

export interface Installation {
  memberId: string;
  domain: string;
  /** Portal REST base without a trailing slash, e.g. https://acme.bitrix24.com/rest */
  clientEndpoint: string;
  serverEndpoint: string;
  applicationToken: string;
  accessToken: string;
  refreshToken: string;
  /** Unix seconds. */
  expires: number;
  scope: string;
  installerId: number;
  language: string;
  /** oauth: a Bitrix24 application; webhook: one portal through an inbound webhook and botToken. */
  auth: 'oauth' | 'webhook';
  botId: number | null;
  botCode: string;
  commandIds: Record<string, number>;
  eventMode: 'webhook' | 'fetch';
  webhookUrl: string | null;
  /** The portal's offset from UTC in minutes, learnt from message dates (absent: not yet known, UTC is used). */
  utcOffset?: number;
  /**
   * One-portal mode with a public URL: the SHA-256 (hex) of the synthetic application token learnt
   * from the first event that proved itself, and the bot it came for (the token itself is a secret).
   */
  pinnedToken?: { sha256: string; botId: number };
  /** MANIFEST_REVISION of the last registration (absent in files written before it existed). */
  manifestRevision?: string;
  status: InstallationStatus;
  installedAt: string;
  updatedAt: string;
}

/** What one claimed scheduled job must deliver, copied out of the store in the write that claimed it. */
export type JobClaim =
  | { kind: 'window_open'; group: StudyGroup; courses: Course[]; completions: string[] }
  | { kind: 'closing_reminder'; group: StudyGroup; recipients: Array<{ userId: number; courses: Course[] }> };

export interface OutboxJob {
  key: string;
  claim: JobClaim;
  /** Targets still to send to: `feed`, `chat:<dialogId>:<courseId>`, `user:<userId>`. */
  left: string[];
}

/**
 * Work a handler started in Bitrix24, noted before it began and removed when it is done. A workgroup
 * about to be created: its name and owner find it again with sonet_group.get (a replay adopts it).
 * A course's announcements (feed post, chat messages) after its attach was stored: a crash in
 * between is reported to the moderator at the next start (jobs/interrupted.ts).
 */
export type Intent =
  | { key: string; kind: 'workgroup'; name: string; ownerId: number; at: string }
  | { key: string; kind: 'announce'; groupId: number; courseId: number; userId: number; at: string };

export interface KnownUser {
  name: string;
  extranet: boolean;
}

export interface PortalData {
  version: 1;
  installation: Installation;
  moderators: number[];
  groups: StudyGroup[];
  courses: Course[];
  polls: Poll[];
  pending: PendingInput[];
  /** `${groupId}:${courseId}:${userId}` of learners who pressed "done". */
  completions: string[];
  /** Keys of announcements and reminders already sent: scheduled work never repeats. */
  sent: string[];
  /** Recently handled event keys, newest last (bounded): at-least-once delivery becomes exactly-once handling. */
  processed: string[];
  /**
   * The durable inbox (store/inbox.ts): the number of the last webhook event whose handling began,
   * written in the same write as its `processed` key. Absent: none yet.
   */
  inboxDone?: number;
  /**
   * What a handler is about to make in Bitrix24, noted before the call (keyed by the event), so a
   * replay after a crash between the call and the store write adopts what the first try made.
   */
  intents?: Intent[];
  /**
   * Scheduled jobs being delivered: what each must send (copied when it was claimed) and the targets
   * not yet done, so a restart goes on where the crash stopped. A job leaves when its last target is done.
   */
  outbox?: OutboxJob[];
  counters: PortalCounters;
  /** fetch mode: the offset to pass to the next imbot.v2.Event.get. */
  fetchOffset: number | null;
  /** Names and flags of people the bot has met, so answers need no REST reads. */
  users: Record<string, KnownUser>;
  /**
   * Bot message id → group chat dialog id, for keyboard presses that arrive without a chat (bot doc
   * 7.4). Private dialogs need no record: a click there is answered at the clicker's id (bot/send.ts).
   */
  keyboardDialogs: Record<string, string>;
  /** Training (issue 10): facts about learners, auto-grouping rules. Absent in files written before it existed. */
  training?: PortalTraining;
}

export interface PortalTraining {
  /** userId → the learner's facts (one training group at a time); schedules are computed from them. */
  learners: Record<string, LearnerFacts>;
  rules: Rule[];
  /** The default Low/Average/High risk groups were made once (install or first start after the upgrade). */
  defaultsSeeded?: boolean;
  /**
   * userId → the last day the learner's due lessons were sent. A lesson is due on one day, so one
   * claim a learner a day sends each lesson once (src/jobs/training-reminders.ts).
   */
  remindedOn?: Record<string, Day>;
  /** Test attempts (issue 12), oldest first; kept when a learner moves between groups. */
  attempts?: Attempt[];
  /** Nudges and the weekly digest (issue 12). */
  progress?: ProgressFacts;
}

export const PROCESSED_LIMIT = 5000;
export const KEYBOARD_DIALOGS_LIMIT = 2000;

export function emptyPortal(installation: Installation): PortalData {
  return {
    version: 1,
    installation,
    moderators: [],
    groups: [],
    courses: [],
    polls: [],
    pending: [],
    completions: [],
    sent: [],
    processed: [],
    counters: { group: 0, course: 0, poll: 0 },
    fetchOffset: null,
    users: {},
    keyboardDialogs: {},
  };
}

export class PortalNotFoundError extends Error {
  constructor(readonly memberId: string) {
    super(`no installation for portal ${memberId}`);
  }
}

/**
 * One record per portal (member_id). `update` runs the mutator on a private copy and saves it
 * atomically; if the mutator throws nothing is saved. Updates of one portal are serialized. Data
 * read with `get` is never changed afterwards (an update makes new data), so it must not be changed
 * by its reader either.
 */
export interface PortalStore {
  get(memberId: string): Promise<PortalData | undefined>;
  update<T>(memberId: string, mutate: (data: PortalData) => T | Promise<T>): Promise<T>;
  put(data: PortalData): Promise<void>;
  delete(memberId: string): Promise<void>;
  list(): Promise<string[]>;
}
