// Classic REST records (user.get, sonet_group.get, log.blogpost.get): UPPER_CASE keys and, as Bitrix does, string values.
import { isoDate } from './php.js';
import type { PortalState } from './state.js';
import type { PostRecord, UserRecord, WorkgroupRecord } from './types.js';

const yn = (flag: boolean): 'Y' | 'N' => (flag ? 'Y' : 'N');

/** user.get / user.current / user.search record: ids and dates as strings, ACTIVE a boolean. */
export function formatUserRecord(user: UserRecord, state: PortalState): Record<string, unknown> {
  const offset = state.identity.utcOffsetMinutes;
  return {
    ID: String(user.id),
    XML_ID: '',
    ACTIVE: user.active,
    NAME: user.name,
    LAST_NAME: user.lastName,
    SECOND_NAME: '',
    EMAIL: user.email,
    LAST_LOGIN: isoDate(user.registeredAt, offset),
    DATE_REGISTER: isoDate(user.registeredAt, offset),
    TIME_ZONE: '',
    IS_ONLINE: 'N',
    TIMESTAMP_X: isoDate(user.registeredAt, offset),
    LAST_ACTIVITY_DATE: isoDate(user.registeredAt, offset),
    PERSONAL_GENDER: user.gender,
    PERSONAL_WWW: '',
    PERSONAL_BIRTHDAY: '',
    PERSONAL_MOBILE: '',
    PERSONAL_CITY: '',
    WORK_PHONE: '',
    WORK_POSITION: user.workPosition,
    UF_EMPLOYMENT_DATE: '',
    UF_DEPARTMENT: [...user.departments],
    USER_TYPE: user.extranet ? 'extranet' : 'employee',
  };
}

export function isExtranetGroup(group: WorkgroupRecord, state: PortalState): boolean {
  for (const [userId, member] of group.members) {
    if (member.role !== 'Z' && state.users.get(userId)?.extranet) return true;
  }
  return false;
}

export function activeMemberCount(group: WorkgroupRecord, state: PortalState): number {
  let count = 0;
  for (const [userId, member] of group.members) {
    if (member.role !== 'Z' && state.users.get(userId)?.active) count += 1;
  }
  return count;
}

/** sonet_group.get record: every value a string, dates ISO 8601. */
export function formatGroupRecord(group: WorkgroupRecord, state: PortalState): Record<string, string> {
  const offset = state.identity.utcOffsetMinutes;
  return {
    ID: String(group.id),
    SITE_ID: 's1',
    NAME: group.name,
    DESCRIPTION: group.description,
    DATE_CREATE: isoDate(group.createdAt, offset),
    DATE_UPDATE: isoDate(group.updatedAt, offset),
    DATE_ACTIVITY: isoDate(group.activityAt, offset),
    ACTIVE: 'Y',
    VISIBLE: yn(group.visible),
    OPENED: yn(group.opened),
    CLOSED: yn(group.closed),
    SUBJECT_ID: '1',
    OWNER_ID: String(group.ownerId),
    KEYWORDS: group.keywords,
    NUMBER_OF_MEMBERS: String(activeMemberCount(group, state)),
    SUBJECT_NAME: 'Workgroups',
    PROJECT: yn(group.project),
    IMAGE: '',
    IS_EXTRANET: yn(isExtranetGroup(group, state)),
  };
}

/** log.blogpost.get item. */
export function formatPostRecord(post: PostRecord, state: PortalState): Record<string, unknown> {
  return {
    ID: String(post.id),
    BLOG_ID: '1',
    PUBLISH_STATUS: 'P',
    TITLE: post.title,
    AUTHOR_ID: String(post.authorId),
    ENABLE_COMMENTS: 'Y',
    NUM_COMMENTS: '0',
    CODE: null,
    MICRO: post.title === '' ? 'Y' : 'N',
    DETAIL_TEXT: post.message,
    DATE_PUBLISH: isoDate(post.date, state.identity.utcOffsetMinutes),
    CATEGORY_ID: '',
    HAS_SOCNET_ALL: post.dest.includes('UA') ? 'Y' : 'N',
    HAS_TAGS: 'N',
    HAS_IMAGES: 'N',
    HAS_PROPS: 'N',
    HAS_COMMENT_IMAGES: 'N',
    FILES: [],
  };
}
