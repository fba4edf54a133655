// Registers our bot and its slash commands on a portal (imbot.v2), idempotently: a second run repairs, never duplicates.
import { PortalError, type RestClient } from './portal.js';

/** What registration puts on a portal: the bot's code and profile, and its commands. Declared here, filled in by handlers/manifest.ts. */
export interface BotManifest {
  code: string;
  profile: { name: string; workPosition: string; color: string };
  commands: Array<{ name: string; title: { en: string; ru: string }; params: { en: string; ru: string } }>;
  /** A fingerprint of all of the above: a change means the portal's commands need an update. */
  revision: string;
}

export interface Registration {
  botId: number;
  commandIds: Record<string, number>;
  eventMode: 'webhook' | 'fetch';
  webhookUrl: string | null;
  manifestRevision: string;
}

interface BotAnswer {
  bot: { id: number; code: string; eventMode?: string };
}

/**
 * `Bot.register` returns the existing bot unchanged when the code is ours already (bot doc 2.1),
 * so the delivery mode is checked and corrected with `Bot.update`. Commands are registered in one
 * batch; `Command.register` is idempotent per bot and name (bot doc 7.1) and returns an existing
 * command unchanged, so when the portal holds an older manifest (`previousRevision` differs) the
 * profile and every command's title and hint are brought up to date with `Bot.update` and one
 * batch of `Command.update`.
 */
export async function registerBot(
  rest: RestClient,
  manifest: BotManifest,
  opts: { webhookUrl: string | null; botToken?: string; previousRevision?: string | null },
): Promise<Registration> {
  const { code: BOT_CODE, profile: BOT_PROFILE, commands: COMMANDS, revision: MANIFEST_REVISION } = manifest;
  const eventMode = opts.webhookUrl ? 'webhook' : 'fetch';
  const tokenParam = opts.botToken ? { botToken: opts.botToken } : {};
  const fields: Record<string, unknown> = {
    code: BOT_CODE,
    type: 'bot',
    eventMode,
    properties: { ...BOT_PROFILE },
    isReactionsEnabled: false,
    ...(opts.webhookUrl ? { webhookUrl: opts.webhookUrl } : {}),
    ...(opts.botToken ? { botToken: opts.botToken } : {}),
  };
  const registered = await rest.call<BotAnswer>('imbot.v2.Bot.register', { ...tokenParam, fields }, { idempotent: true });
  const botId = Number(registered.bot.id);
  if (!Number.isInteger(botId) || botId <= 0) throw new PortalError('imbot.v2.Bot.register', 'BAD_ANSWER', 200, 'no bot id');

  // undefined: not known (a first install) → nothing to bring up to date; the register calls set everything.
  const stale = opts.previousRevision !== undefined && opts.previousRevision !== MANIFEST_REVISION;
  // An existing bot keeps its old mode and URL: move it to the current way in (switching re-binds subscriptions).
  if (registered.bot.eventMode !== eventMode || opts.webhookUrl || stale) {
    await rest.call(
      'imbot.v2.Bot.update',
      {
        ...tokenParam,
        botId,
        fields: { eventMode, ...(opts.webhookUrl ? { webhookUrl: opts.webhookUrl } : {}), ...(stale ? { properties: { ...BOT_PROFILE } } : {}) },
      },
      { idempotent: true },
    );
  }

  const calls = COMMANDS.map((c) => ({
    key: c.name,
    method: 'imbot.v2.Command.register',
    params: {
      ...tokenParam,
      botId,
      fields: {
        command: c.name,
        title: c.title,
        ...(c.params.en ? { params: c.params } : {}),
        // Y/N, not booleans: batch sends its commands as a query string, where true would arrive as the
        // string "true", which the docs do not define (they accept JSON booleans or "Y"/"N").
        common: 'N',
        hidden: 'N',
        // External users may call every command; what each person may do is decided by the bot.
        extranetSupport: 'Y',
      },
    },
  }));
  const out = await rest.batch(calls);
  const commandIds: Record<string, number> = {};
  for (const c of COMMANDS) {
    const err = out.errors[c.name];
    if (err) throw new PortalError('imbot.v2.Command.register', err.code, 400, err.description);
    const r = out.results[c.name] as { command?: { id?: number | string } } | undefined;
    const id = Number(r?.command?.id);
    if (!Number.isInteger(id) || id <= 0) throw new PortalError('imbot.v2.Command.register', 'BAD_ANSWER', 200, c.name);
    commandIds[c.name] = id;
  }
  if (stale) {
    const updates = COMMANDS.map((c) => ({
      key: c.name,
      method: 'imbot.v2.Command.update',
      params: {
        ...tokenParam,
        botId,
        commandId: commandIds[c.name],
        // params apply only to languages present in title (bot doc 7.2), so both go together.
        fields: { title: c.title, params: c.params, extranetSupport: 'Y' },
      },
    }));
    const res = await rest.batch(updates);
    for (const c of COMMANDS) {
      const err = res.errors[c.name];
      if (err) throw new PortalError('imbot.v2.Command.update', err.code, 400, err.description);
    }
  }
  return { botId, commandIds, eventMode, webhookUrl: opts.webhookUrl, manifestRevision: MANIFEST_REVISION };
}

/**
 * The portal's imbot.v2 REST revision (`imbot.v2.Revision.get`: no parameters, no botId or botToken),
 * to log what it supports; null when the portal is older than revision 33, which brought the method.
 */
export async function readRestRevision(rest: RestClient): Promise<number | null> {
  try {
    const raw = await rest.call<{ rest?: unknown } | null>('imbot.v2.Revision.get', {}, { idempotent: true });
    const n = Number(raw?.rest);
    return Number.isInteger(n) && n > 0 ? n : null;
  } catch (e) {
    if (e instanceof PortalError && e.code === 'ERROR_METHOD_NOT_FOUND') return null;
    throw e;
  }
}
