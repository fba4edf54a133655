// app.info, event.bind/unbind/get, im.chat.get and server.time (api doc §2.5, §3.6, §12.2).
import { RestError, SystemErrors } from '../errors.js';
import { isValidLink } from '../keyboard.js';
import { isoDate } from '../php.js';
import { pick, toInt, toStr } from '../params.js';
import { methods, type CallContext, type MethodDef } from '../registry.js';

/** Events an app may bind (ONIMBOTV2* are bound automatically and binding them by hand is discouraged). */
const BINDABLE_EVENTS = new Set([
  'ONAPPUNINSTALL',
  'ONAPPUPDATE',
  'ONAPPTEST',
  'ONSONETGROUPADD',
  'ONSONETGROUPUPDATE',
  'ONSONETGROUPDELETE',
  'ONUSERADD',
]);

function appInfo(ctx: CallContext) {
  const installation = ctx.caller.installation;
  const language = ctx.portal.state.identity.language;
  if (!installation) {
    // An inbound webhook has no application context: only its scopes and the license.
    return { result: { SCOPE: [...ctx.caller.scopes], LICENSE: `${language}_project` } };
  }
  return {
    result: {
      ID: installation.appId,
      CODE: installation.code,
      VERSION: installation.version,
      STATUS: installation.status,
      INSTALLED: installation.installed,
      PAYMENT_EXPIRED: 'N',
      DAYS: null,
      LANGUAGE_ID: language,
      LICENSE: `${language}_project`,
      LICENSE_TYPE: 'project',
      LICENSE_FAMILY: 'project',
    },
  };
}

function requireApp(ctx: CallContext): string {
  const installation = ctx.caller.installation;
  if (!installation) throw SystemErrors.accessDenied('Application context required');
  return installation.clientId;
}

function eventBind(ctx: CallContext) {
  const clientId = requireApp(ctx);
  const event = toStr(pick(ctx.params, 'event', 'EVENT'))?.toUpperCase() ?? '';
  const handler = toStr(pick(ctx.params, 'handler', 'HANDLER')) ?? '';
  const eventType = toStr(pick(ctx.params, 'event_type', 'EVENT_TYPE')) ?? 'online';
  const authType = toInt(pick(ctx.params, 'auth_type', 'AUTH_TYPE'));
  if (!BINDABLE_EVENTS.has(event)) throw new RestError('ERROR_EVENT_NOT_FOUND', 'Event not found', 400);
  // Offline events and a foreign auth_type need an admin.
  const admin = ctx.caller.user.admin;
  if (!admin && (eventType === 'offline' || (authType > 0 && authType !== ctx.caller.user.id))) {
    throw SystemErrors.accessDenied('Access denied! Available only for administrators');
  }
  if (eventType !== 'offline' && (!isValidLink(handler) || handler.startsWith('/'))) {
    throw new RestError('ERROR_HANDLER_URL_INVALID', 'Wrong handler URL', 400);
  }
  const state = ctx.portal.state;
  const duplicate = [...state.bindings.values()].some(
    (b) => b.clientId === clientId && b.event === event && b.handler === handler && b.authType === authType,
  );
  if (duplicate) throw new RestError('ERROR_EVENT_HANDLER_EXISTS', 'Handler already binded', 400);
  const id = state.nextId('handler');
  state.bindings.set(id, { id, clientId, event, handler, authType });
  return { result: true };
}

function eventUnbind(ctx: CallContext) {
  const clientId = requireApp(ctx);
  const event = toStr(pick(ctx.params, 'event', 'EVENT'))?.toUpperCase() ?? '';
  const handler = toStr(pick(ctx.params, 'handler', 'HANDLER'));
  const state = ctx.portal.state;
  let count = 0;
  for (const [id, b] of state.bindings) {
    if (b.clientId === clientId && b.event === event && (handler === undefined || b.handler === handler)) {
      state.bindings.delete(id);
      count += 1;
    }
  }
  return { result: { count } };
}

function eventGet(ctx: CallContext) {
  const clientId = requireApp(ctx);
  const rows = [...ctx.portal.state.bindings.values()]
    .filter((b) => b.clientId === clientId)
    .map((b) => ({ event: b.event, handler: b.handler, auth_type: String(b.authType), offline: 0 }));
  return { result: rows };
}

/** ENTITY_TYPE + ENTITY_ID → `{ID}` of the chat, or null (no access check, as in the messenger). */
function imChatGet(ctx: CallContext) {
  const entityType = toStr(pick(ctx.params, 'ENTITY_TYPE', 'entity_type'));
  const entityId = toStr(pick(ctx.params, 'ENTITY_ID', 'entity_id'));
  if (!entityType || !entityId) return { result: null };
  for (const chat of ctx.portal.state.chats.values()) {
    if (chat.entityType === entityType && chat.entityId === entityId) return { result: { ID: chat.id } };
  }
  return { result: null };
}

export const appMethods: MethodDef[] = [
  ...methods(null, {
    'app.info': appInfo,
    'event.bind': eventBind,
    'event.unbind': eventUnbind,
    'event.get': eventGet,
    'server.time': (ctx) => ({ result: isoDate(ctx.portal.now(), ctx.portal.state.identity.utcOffsetMinutes) }),
  }),
  ...methods(['im'], { 'im.chat.get': imChatGet }),
];
