// Deep links into the bot (BOT_CONTEXT): a feed post's "open in the chat with the bot" shows that
// group's courses to a member; a bare link opens "my courses". Only views: a link can be opened in
// anyone's browser by a page they visit, so nothing here changes anything (bot doc 11, Security).
import { botContextLink } from '../bot/deeplink.js';
import type { Route } from '../bot/router.js';

/** The context a link carries, and what it opens. */
export function groupContext(groupId: number): Record<string, string | number> {
  return { open: 'group', id: groupId };
}

export function groupLink(domain: string, botId: number, groupId: number): string {
  return botContextLink(domain, botId, groupContext(groupId));
}

export function deepLinkRoute(context: Readonly<Record<string, string>>): Route | null {
  if (context.open === 'group' && /^\d{1,12}$/.test(context.id ?? '')) return { kind: 'button', action: 'm.group', args: [context.id!] };
  if (context.open === 'courses') return { kind: 'command', name: 'mycourses', params: '' };
  // Someone else's link, or a forged one: the opening itself says enough (the dialog opens).
  return null;
}
