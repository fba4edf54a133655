// Bot bookkeeping shared by the imbot methods and the app lifecycle: subscriptions and removal.
import type { DeliveryOutcome } from './delivery.js';
import type { Portal } from './portal.js';
import type { PortalState } from './state.js';
import type { BotRecord } from './types.js';

/** The eight subscriptions every webhook-mode bot has on its one URL (bot doc §4.1). */
export const V2_BOT_EVENTS = [
  'ONIMBOTV2MESSAGEADD',
  'ONIMBOTV2MESSAGEUPDATE',
  'ONIMBOTV2MESSAGEDELETE',
  'ONIMBOTV2JOINCHAT',
  'ONIMBOTV2DELETE',
  'ONIMBOTV2CONTEXTGET',
  'ONIMBOTV2COMMANDADD',
  'ONIMBOTV2REACTIONCHANGE',
] as const;

export function unbindBotSubscriptions(state: PortalState, botId: number): void {
  for (const [id, sub] of state.botSubscriptions) if (sub.botId === botId) state.botSubscriptions.delete(id);
}

/** Rebuilds the subscriptions after register/update: eight rows on the URL in webhook mode, none in fetch mode. */
export function bindBotSubscriptions(state: PortalState, bot: BotRecord): void {
  unbindBotSubscriptions(state, bot.id);
  if (bot.eventMode !== 'webhook' || !bot.webhookUrl) return;
  for (const event of V2_BOT_EVENTS) {
    const id = state.nextId('handler');
    state.botSubscriptions.set(id, { id, botId: bot.id, event, handler: bot.webhookUrl });
  }
}

/**
 * Unregisters a bot: ONIMBOTV2DELETE as its last event, then its commands, subscriptions, queue,
 * chat memberships and user record go. The delivery promise is returned, not awaited.
 */
export function removeBot(portal: Portal, bot: BotRecord, actorId: number | null): Promise<DeliveryOutcome> {
  const state = portal.state;
  const delivered = portal.delivery.emitToBot(bot, { type: 'ONIMBOTV2DELETE', data: {}, actorId, withRefresh: false });
  for (const [id, command] of state.commands) if (command.botId === bot.id) state.commands.delete(id);
  unbindBotSubscriptions(state, bot.id);
  state.queue = state.queue.filter((row) => row.botId !== bot.id);
  for (const chat of state.chats.values()) {
    chat.members.delete(bot.id);
    chat.managerIds.delete(bot.id);
  }
  state.bots.delete(bot.id);
  const user = state.users.get(bot.id);
  if (user) user.active = false;
  return delivered;
}
