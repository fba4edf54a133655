// Executes one REST call on a portal: authorization, method lookup, scope check, the method, the envelope, the log.
import { timeBlock, successBody, type MethodOutput, type TimeBlock } from './envelope.js';
import { RestError, SystemErrors } from './errors.js';
import type { Portal } from './portal.js';
import type { Caller, MethodRegistry } from './registry.js';
import type { Installation } from './types.js';

export type Transport = { kind: 'oauth' } | { kind: 'webhook'; userId: string; secret: string };

export interface CallReply {
  status: number;
  /** A JSON object, or plain text for outage answers. */
  body: unknown;
}

const MASKED_KEYS = new Set(['auth', 'bottoken', 'bot_token', 'client_secret', 'refresh_token', 'access_token', 'application_token']);

export function maskParams(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskParams);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, MASKED_KEYS.has(k.toLowerCase()) ? '***' : maskParams(v)]),
    );
  }
  return value;
}

/** Finds who is calling, or throws the system error a real portal gives. */
export function resolveCaller(portal: Portal, transport: Transport, params: Record<string, unknown>): Caller {
  const state = portal.state;
  if (transport.kind === 'webhook') {
    const webhook = [...state.webhooks.values()].find(
      (w) => String(w.userId) === transport.userId && w.secret === transport.secret,
    );
    const user = webhook ? state.users.get(webhook.userId) : undefined;
    if (!webhook || !user || !user.active) throw SystemErrors.noAuth();
    return { user, kind: 'webhook', scopes: new Set(webhook.scopes), webhook };
  }
  const auth = params.auth;
  if (typeof auth !== 'string' || auth === '') throw SystemErrors.noAuth();
  const token = portal.host.tokens.findAccess(auth);
  // A token of another portal is simply unknown here: tenants never share tokens.
  if (!token || token.portalSlug !== portal.slug || token.revoked) throw SystemErrors.noAuth();
  const installation = state.installations.get(token.clientId) ?? syntheticInstallation(portal, token.clientId);
  const user = state.users.get(token.userId);
  if (!installation?.installed || !user || !user.active) throw SystemErrors.noAuth();
  if (token.expiresAt <= portal.now()) throw SystemErrors.expiredToken();
  if (installation.paymentRequired) throw SystemErrors.paymentRequired();
  return { user, kind: 'oauth', scopes: new Set(installation.scopes), installation };
}

/**
 * Opaque mode (Portal.webhookBotTokens): a token issued to a webhook-owned bot's synthetic application
 * acts as that application, owner of the bot, with the imbot scope only.
 */
function syntheticInstallation(portal: Portal, clientId: string): Installation | undefined {
  const bot = [...portal.state.bots.values()].find((b) => b.ownerKey === clientId && b.syntheticToken !== undefined);
  if (!bot || portal.webhookBotTokens !== 'opaque') return undefined;
  return {
    appId: 0,
    clientId,
    clientSecret: '',
    applicationToken: bot.syntheticToken!,
    scopes: ['imbot'],
    status: 'L',
    installerId: 0,
    installUrl: '',
    handlerUrl: bot.webhookUrl ?? '',
    installed: true,
    version: 1,
    code: clientId,
  };
}

export type MethodRun =
  | { ok: true; output: MethodOutput; time: TimeBlock }
  | { ok: false; error: RestError };

/** Runs a method for an already authorized caller and logs it (used directly by batch for inner calls). */
export async function runMethod(
  portal: Portal,
  registry: MethodRegistry,
  caller: Caller,
  methodName: string,
  params: Record<string, unknown>,
  via: 'oauth' | 'webhook' | 'batch-inner',
): Promise<MethodRun> {
  const startedAt = portal.now();
  const startedPerf = performance.now();
  let run: MethodRun;
  let internal: string | undefined;
  try {
    const def = registry.get(methodName);
    if (!def) throw SystemErrors.methodNotFound();
    if (def.scopes && !def.scopes.some((s) => caller.scopes.has(s))) throw SystemErrors.insufficientScope();
    const blockedUntil = portal.operatingBlockedUntil(def.name);
    if (blockedUntil !== undefined) throw SystemErrors.operatingLimit(Math.ceil(blockedUntil / 1000));
    const fault = portal.methodFault(def.name);
    if (fault) throw fault;
    const output = await def.run({ portal, caller, params, method: def.name, via, registry });
    const finishedAt = startedAt + (performance.now() - startedPerf);
    run = { ok: true, output, time: timeBlock(startedAt, finishedAt, portal.state.identity.utcOffsetMinutes) };
  } catch (error) {
    // A bug of the emulator answers 500 like a portal would, and its cause goes into the log.
    if (!(error instanceof RestError)) internal = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    run = { ok: false, error: error instanceof RestError ? error : SystemErrors.internal() };
  }
  const entry = {
    at: startedAt,
    method: methodName,
    params: maskParams(params),
    httpStatus: run.ok ? 200 : run.error.httpStatus,
    durationMs: Math.round((performance.now() - startedPerf) * 1000) / 1000,
    via,
    userId: caller.user.id,
  };
  if (run.ok) portal.recordRequest(entry);
  else portal.recordRequest({ ...entry, error: internal ? `INTERNAL_SERVER_ERROR (${internal})` : run.error.code || run.error.description });
  return run;
}

/** One HTTP request to `/rest/…` of a portal, after transport-level checks (outage, rate limit). */
export async function executeRestCall(
  portal: Portal,
  registry: MethodRegistry,
  methodName: string,
  params: Record<string, unknown>,
  transport: Transport,
): Promise<CallReply> {
  let caller: Caller;
  try {
    caller = resolveCaller(portal, transport, params);
  } catch (error) {
    const rest = error instanceof RestError ? error : SystemErrors.internal();
    portal.recordRequest({
      at: portal.now(),
      method: methodName,
      params: maskParams(params),
      httpStatus: rest.httpStatus,
      error: rest.code,
      durationMs: 0,
      via: transport.kind,
    });
    return { status: rest.httpStatus, body: rest.toBody() };
  }
  const run = await runMethod(portal, registry, caller, methodName, params, transport.kind);
  if (!run.ok) return { status: run.error.httpStatus, body: run.error.toBody() };
  return { status: 200, body: successBody(run.output, run.time) };
}
