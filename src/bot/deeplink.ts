// Links that open the chat with the bot and hand it a start-up context (ONIMBOTV2CONTEXTGET, bot doc 11).

/**
 * `https://{portal}/online/?IM_DIALOG={botId}&BOT_CONTEXT={json}`: any portal page opens the
 * private chat with the bot and the bot receives the context. The context travels in the address:
 * keep it short and free of secrets (ids only).
 */
export function botContextLink(domain: string, botId: number, context: Record<string, string | number>): string {
  const url = new URL(`https://${domain}/online/`);
  url.searchParams.set('IM_DIALOG', String(botId));
  url.searchParams.set('BOT_CONTEXT', JSON.stringify(context));
  return url.href;
}
