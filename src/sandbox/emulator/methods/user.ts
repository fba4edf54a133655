// user.get/current/search, user.admin and profile: people as REST sees them, never bots (api doc §15).
import { paginate } from '../envelope.js';
import { applyFilter, applyOrder, parseFilter, type FilterTerm } from '../filter.js';
import { formatUserRecord } from '../format-classic.js';
import { isRecord } from '../php.js';
import { pick, toStr } from '../params.js';
import { methods, type CallContext, type MethodDef } from '../registry.js';
import type { UserRecord } from '../types.js';

const USER_SCOPES = ['user', 'user_basic', 'user_brief'];
const CONTROL_KEYS = new Set(['SORT', 'ORDER', 'START', 'ADMIN_MODE', 'AUTH', 'SELECT', 'IMAGE_RESIZE', 'FILTER', 'FIND']);

/** FILTER, or (old style) the top-level parameters themselves. */
function filterTerms(params: Record<string, unknown>): FilterTerm[] {
  const explicit = params.FILTER ?? params.filter;
  if (isRecord(explicit)) return parseFilter(explicit);
  const loose = Object.fromEntries(Object.entries(params).filter(([k]) => !CONTROL_KEYS.has(k.toUpperCase())));
  return parseFilter(loose);
}

function searchableFields(user: UserRecord, state: CallContext['portal']['state']): Record<string, unknown> {
  const record = formatUserRecord(user, state);
  // NAME_SEARCH is not a field: it is handled as a substring search in listUsers.
  return { ...record, ACTIVE: user.active ? 'Y' : 'N' };
}

/** ACTIVE accepts true/"Y"/"1"/"true" (and the negatives); normalise before matching. */
function normaliseActive(terms: FilterTerm[]): FilterTerm[] {
  return terms.map((t) => {
    if (t.field !== 'ACTIVE') return t;
    const v = String(t.value).toUpperCase();
    return { ...t, value: ['Y', '1', 'TRUE'].includes(v) ? 'Y' : 'N' };
  });
}

function visibleUsers(ctx: CallContext): UserRecord[] {
  const state = ctx.portal.state;
  return [...state.users.values()].filter((u) => !u.bot && state.canSeeUser(ctx.caller.user.id, u));
}

function listUsers(ctx: CallContext, users: UserRecord[], terms: FilterTerm[]) {
  const state = ctx.portal.state;
  const fields = (u: UserRecord) => searchableFields(u, state);
  let found = applyFilter(users, normaliseActive(terms), fields);
  const nameSearch = terms.find((t) => t.field === 'NAME_SEARCH');
  if (nameSearch) {
    const needle = String(nameSearch.value).toLowerCase();
    found = found.filter((u) => `${u.name} ${u.lastName}`.toLowerCase().includes(needle));
  }
  const sortField = toStr(pick(ctx.params, 'sort', 'SORT'));
  const order = sortField ? { [sortField]: toStr(pick(ctx.params, 'order', 'ORDER')) ?? 'ASC' } : undefined;
  found = applyOrder(found, order, fields, ['ID', 'ASC']);
  const { page, ...paging } = paginate(found, ctx.params.start ?? ctx.params.START);
  return { result: page.map((u) => formatUserRecord(u, state)), ...paging };
}

function get(ctx: CallContext) {
  return listUsers(ctx, visibleUsers(ctx), filterTerms(ctx.params));
}

function search(ctx: CallContext) {
  const find = toStr(pick(ctx.params, 'FIND', 'find'));
  if (find !== undefined) {
    const needle = find.toLowerCase();
    const users = visibleUsers(ctx).filter((u) =>
      [u.name, u.lastName, `${u.name} ${u.lastName}`, u.email, u.workPosition].some((v) => v.toLowerCase().includes(needle)),
    );
    return listUsers(ctx, users, []);
  }
  // Field search is a substring search for names and position.
  const terms = filterTerms(ctx.params).map((t) =>
    ['NAME', 'LAST_NAME', 'WORK_POSITION'].includes(t.field) && t.op === '' ? { ...t, op: '%' as const } : t,
  );
  return listUsers(ctx, visibleUsers(ctx), terms);
}

export const userMethods: MethodDef[] = [
  ...methods(USER_SCOPES, {
    'user.get': get,
    'user.search': search,
    'user.current': (ctx) => ({ result: formatUserRecord(ctx.caller.user, ctx.portal.state) }),
  }),
  ...methods(null, {
    'user.admin': (ctx) => ({ result: ctx.caller.user.admin }),
    profile: (ctx) => {
      const user = ctx.caller.user;
      return {
        result: {
          ID: String(user.id),
          ADMIN: user.admin,
          NAME: user.name,
          LAST_NAME: user.lastName,
          PERSONAL_GENDER: user.gender,
          TIME_ZONE: '',
          TIME_ZONE_OFFSET: ctx.portal.state.identity.utcOffsetMinutes * 60,
        },
      };
    },
  }),
];
