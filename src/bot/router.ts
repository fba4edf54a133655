// One BotEvent → one handler: slash command, button press, awaited answer, typed command, intent or short help.
import type { Handler, ButtonHandler, PendingHandler, BotContext } from './context.js';
import { parseButtonPayload } from './render.js';
import type { BotEvent } from './events.js';
import type { BotManifest } from './registration.js';
import type { PortalData } from '../store/types.js';

export interface HandlerRegistry {
  /** By registered command name; the handler reads its sub-command from ctx.args. */
  commands: Record<string, Handler>;
  /** By button action (`v1:<action>:…`). */
  buttons: Record<string, ButtonHandler>;
  /** By PendingInput.kind: the caller's next message answers a question the bot asked. */
  pending: Record<string, PendingHandler>;
  /** Plain words that mean a command ("my courses", "мои курсы"). */
  intents: Array<{ pattern: RegExp; command: string }>;
  /** A message with files and no command (a program file sent to the bot). */
  files?: Handler;
  /** The bot was added to a chat or a user opened the dialog. */
  welcome: Handler;
  /**
   * Where a chat opened by a deep link (BOT_CONTEXT) goes: a route, or null to say nothing. Its
   * target must only show things: a link can be opened in anyone's browser by a page they visit.
   */
  context?: (context: Readonly<Record<string, string>>) => Route | null;
  /** Text we did not understand. */
  fallback: Handler;
  /** What registration puts on each portal. */
  manifest: BotManifest;
  /**
   * Data a portal gets once: run in the store write of every registration (install, and start-up
   * after an upgrade); it must be idempotent (it keeps its own "done" flags).
   */
  prepare?: (data: PortalData, now: Date) => void;
}

export type Route =
  | { kind: 'command'; name: string; params: string }
  | { kind: 'button'; action: string; args: string[] }
  | { kind: 'pending'; pendingKind: string; groupId: number | null }
  | { kind: 'welcome' }
  | { kind: 'files' }
  | { kind: 'fallback' }
  | { kind: 'none' };

/** `/group create Foo` typed where the portal did not turn it into a command event (e.g. `/Group`, or a private message). */
function typedCommand(text: string, known: string[]): { name: string; params: string } | null {
  const m = /^\/([^\s/]+)(?:[ \t]+([^\n]*))?/.exec(text.trim());
  if (!m || !m[1]) return null;
  const name = m[1].toLowerCase();
  return known.includes(name) ? { name, params: (m[2] ?? '').trim() } : null;
}

/**
 * Decides where an event goes. Pure apart from the pending lookup, which the caller passes in,
 * so routing can be tested without a portal.
 */
export function route(
  ev: BotEvent,
  registry: HandlerRegistry,
  pending: { kind: string; groupId: number | null } | null,
  text: string,
): Route {
  switch (ev.kind) {
    case 'command': {
      if (ev.context === 'keyboard') {
        const p = parseButtonPayload(ev.params);
        if (p && registry.buttons[p.action]) return { kind: 'button', action: p.action, args: p.args };
        // A button of ours that no longer exists, or a forged payload: treat it as the bare command.
        if (p) return { kind: 'button', action: '__stale', args: [] };
      }
      if (!registry.commands[ev.command]) return { kind: 'fallback' };
      return { kind: 'command', name: ev.command, params: ev.params };
    }
    case 'message': {
      if ((ev.fileIds?.length ?? 0) > 0 && registry.files && !text.startsWith('/')) return { kind: 'files' };
      if (pending && registry.pending[pending.kind] && !text.startsWith('/')) {
        return { kind: 'pending', pendingKind: pending.kind, groupId: pending.groupId };
      }
      const typed = typedCommand(text, Object.keys(registry.commands));
      if (typed) return { kind: 'command', name: typed.name, params: typed.params };
      const normalized = text.toLowerCase().replace(/[!?.,;:«»"']+/g, ' ').replace(/\s+/g, ' ').trim();
      for (const intent of registry.intents) {
        if (intent.pattern.test(normalized)) return { kind: 'command', name: intent.command, params: '' };
      }
      return { kind: 'fallback' };
    }
    case 'join':
      return { kind: 'welcome' };
    case 'context':
      return registry.context?.(ev.context) ?? { kind: 'none' };
    default:
      return { kind: 'none' };
  }
}

export async function runRoute(r: Route, ctx: BotContext, registry: HandlerRegistry): Promise<void> {
  switch (r.kind) {
    case 'command':
      return registry.commands[r.name]!(ctx);
    case 'button': {
      const h = registry.buttons[r.action];
      if (h) return h(ctx, r.args);
      await ctx.reply(ctx.t('common:button_stale'));
      return;
    }
    case 'pending':
      return registry.pending[r.pendingKind]!(ctx, r.groupId);
    case 'welcome':
      return registry.welcome(ctx);
    case 'files':
      return registry.files ? registry.files(ctx) : registry.fallback(ctx);
    case 'fallback':
      return registry.fallback(ctx);
    case 'none':
      return;
  }
}
