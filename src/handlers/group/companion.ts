// The study group's companion chat: the card's "Group chat" button creates it (imbot.v2.Chat.add), and its members follow the group's.
import { describe } from '../../bot/bot.js';
import type { BotContext } from '../../bot/context.js';
import type { Logger } from '../../bot/logger.js';
import { PortalError, type RestClient } from '../../bot/portal.js';
import { chatLink, escapeBb } from '../../domain/bbcode.js';
import type { StudyGroup } from '../../domain/model.js';
import { portalLanguage } from '../announce.js';
import { groupById, groupTitle, intArg, refusalText, replyGone, requireManage } from './common.js';

/** A claim older than this was left by a creation that never finished (a crash): the button may try again. */
export const CLAIM_TTL_MS = 2 * 60_000;

/** Who came into and who left a group's companion chat membership. */
export interface CompanionChange {
  groupId: number;
  dialogId: string;
  joined: number[];
  left: number[];
}

function activeIds(group: StudyGroup): Set<number> {
  return new Set(group.members.filter((m) => m.status === 'member').map((m) => m.userId));
}

/** What a membership change means for the group's companion chat; null when it has none or nothing changed. */
export function companionChange(before: StudyGroup, after: StudyGroup): CompanionChange | null {
  const dialogId = after.companionChat?.dialogId;
  if (!dialogId) return null;
  const was = activeIds(before);
  const now = activeIds(after);
  const joined = [...now].filter((id) => !was.has(id));
  const left = [...was].filter((id) => !now.has(id));
  return joined.length + left.length > 0 ? { groupId: after.id, dialogId, joined, left } : null;
}

/**
 * Adds the newcomers in one `Chat.User.add` and takes out the leavers one `Chat.User.delete` each,
 * as the bot (it owns the chat). A refusal (the chat was deleted, the bot lost its rights) is
 * logged; it never fails the caller: the group's membership is what counts.
 */
export async function applyCompanionChange(
  rest: RestClient,
  botId: number,
  log: Logger,
  memberId: string,
  change: CompanionChange,
): Promise<void> {
  const where = { memberId, groupId: change.groupId, dialogId: change.dialogId };
  if (change.joined.length > 0) {
    try {
      await rest.call('imbot.v2.Chat.User.add', { botId, dialogId: change.dialogId, userIds: change.joined });
    } catch (e) {
      log.warn({ ...where, users: change.joined.length, err: describe(e) }, 'companion chat: new members could not be added');
    }
  }
  for (const userId of change.left) {
    try {
      await rest.call('imbot.v2.Chat.User.delete', { botId, dialogId: change.dialogId, userId });
    } catch (e) {
      log.warn({ ...where, userId, err: describe(e) }, 'companion chat: a former member could not be removed');
    }
  }
}

/** For handlers that changed a group's members: brings its companion chat along, if it has one. */
export async function followMembers(ctx: BotContext, before: StudyGroup, after: StudyGroup | null): Promise<void> {
  if (!after) return;
  const change = companionChange(before, after);
  if (!change) return;
  try {
    await applyCompanionChange(await ctx.asApp(), ctx.botId, ctx.log, ctx.memberId, change);
  } catch (e) {
    // Even the installation's client could not be had: the next membership change tries again.
    ctx.log.warn({ memberId: ctx.memberId, groupId: after.id, err: describe(e) }, 'companion chat: not brought in step');
  }
}

interface ChatAddAnswer {
  chat?: { id?: number | string; dialogId?: string };
}

type Claim = { kind: 'claimed'; group: StudyGroup } | { kind: 'exists'; dialogId: string } | { kind: 'busy' } | { kind: 'gone' } | { kind: 'archived' };

/** The card's "Group chat" button: the group's companion chat, created once. */
export async function companionButton(ctx: BotContext, args: string[]): Promise<void> {
  const group = groupById(ctx, intArg(args[0]));
  if (!group) return replyGone(ctx);
  if (!(await requireManage(ctx, group))) return;
  const nowIso = ctx.now().toISOString();
  const staleBefore = new Date(ctx.now().getTime() - CLAIM_TTL_MS).toISOString();
  // Claimed inside the store's update, so two presses at once make one chat.
  const claim = await ctx.update((d): Claim => {
    const g = d.groups.find((x) => x.id === group.id);
    if (!g) return { kind: 'gone' };
    if (g.companionChat?.dialogId) return { kind: 'exists', dialogId: g.companionChat.dialogId };
    if (g.archived) return { kind: 'archived' };
    if (g.companionChat && g.companionChat.since > staleBefore) return { kind: 'busy' };
    g.companionChat = { dialogId: null, since: nowIso, createdBy: ctx.user.id };
    return { kind: 'claimed', group: structuredClone(g) };
  });
  const title = groupTitle(group);
  if (claim.kind === 'gone') return replyGone(ctx);
  if (claim.kind === 'archived') {
    await ctx.reply(ctx.t('group:chat.archived', { group: title }));
    return;
  }
  if (claim.kind === 'busy') {
    await ctx.reply(ctx.t('group:chat.busy', { group: title }));
    return;
  }
  if (claim.kind === 'exists') {
    await ctx.reply(ctx.t('group:chat.exists', { group: title, chat: chatLink(claim.dialogId, group.name) }));
    return;
  }
  const g = claim.group;
  const { t } = portalLanguage(ctx.data.installation.language);
  const userIds = [...activeIds(g)];
  let dialogId: string;
  try {
    const answer = await (await ctx.asApp()).call<ChatAddAnswer>('imbot.v2.Chat.add', {
      botId: ctx.botId,
      // No entityType: a workgroup's own chat (SONET_GROUP) must never get a second one (bot doc 9.3).
      fields: {
        title: g.name,
        description: t('group:chat.description', { name: g.name, id: g.id }),
        userIds,
        message: t('group:chat.first_message', { name: escapeBb(g.name), id: g.id }),
      },
    });
    dialogId = answer?.chat?.dialogId ?? (answer?.chat?.id ? `chat${answer.chat.id}` : '');
    if (!/^chat\d+$/.test(dialogId)) throw new PortalError('imbot.v2.Chat.add', 'BAD_ANSWER', 200, 'no chat id');
  } catch (e) {
    await ctx.update((d) => {
      const x = d.groups.find((y) => y.id === g.id);
      if (x?.companionChat && x.companionChat.dialogId === null && x.companionChat.since === nowIso) delete x.companionChat;
    });
    if (!(e instanceof PortalError)) throw e;
    await ctx.reply(ctx.t('group:chat.failed', { group: title, reason: refusalText(e) }));
    return;
  }
  const created = dialogId;
  const updated = await ctx.update((d) => {
    const x = d.groups.find((y) => y.id === g.id);
    if (!x) return null;
    x.companionChat = { dialogId: created, since: nowIso, createdBy: ctx.user.id };
    if (!x.chatDialogIds.includes(created)) x.chatDialogIds.push(created);
    return structuredClone(x);
  });
  if (!updated) return replyGone(ctx);
  await makeManagers(ctx, created, managersOf(ctx, updated));
  await ctx.reply(ctx.t('group:chat.created', { group: groupTitle(updated), chat: chatLink(created, g.name), count: userIds.length }));
  // Someone may have joined while the chat was being made: they come in now.
  await followMembers(ctx, g, updated);
}

/**
 * Who runs the group, among its chat's members: its owner, the moderator who opened the chat, and
 * the bot's moderators who are in the group. They become the chat's managers (bot doc 9.2).
 */
export function managersOf(ctx: BotContext, group: StudyGroup): number[] {
  const members = activeIds(group);
  const wanted = new Set([group.ownerId, ctx.user.id, ...ctx.data.moderators]);
  return [...wanted].filter((id) => members.has(id));
}

/** Chat.Manager.add as the chat's owner (the bot); a refusal is logged, the chat works without. */
async function makeManagers(ctx: BotContext, dialogId: string, userIds: number[]): Promise<void> {
  if (userIds.length === 0) return;
  try {
    await (await ctx.asApp()).call('imbot.v2.Chat.Manager.add', { botId: ctx.botId, dialogId, userIds });
  } catch (e) {
    ctx.log.warn({ memberId: ctx.memberId, dialogId, err: describe(e) }, 'companion chat: managers not set');
  }
}

/**
 * A renamed group's companion chat takes the new name (imbot.v2.Chat.update, bot doc 9.2): the bot
 * owns it. A refusal (the chat was deleted, the bot left) is logged; the rename stands.
 */
export async function followName(ctx: BotContext, group: StudyGroup): Promise<void> {
  const dialogId = group.companionChat?.dialogId;
  if (!dialogId) return;
  const { t } = portalLanguage(ctx.data.installation.language);
  try {
    await (await ctx.asApp()).call('imbot.v2.Chat.update', {
      botId: ctx.botId,
      dialogId,
      fields: { title: group.name, description: t('group:chat.description', { name: group.name, id: group.id }) },
    });
  } catch (e) {
    ctx.log.warn({ memberId: ctx.memberId, groupId: group.id, dialogId, err: describe(e) }, 'companion chat: not renamed');
  }
}
