// /training rules [preview|apply|add|remove]: auto-grouping by position words or department, previewed before anyone is moved.
import type { BotContext } from '../../bot/context.js';
import { escapeBb, mention } from '../../domain/bbcode.js';
import type { StudyGroup } from '../../domain/model.js';
import { addMode } from '../../domain/permissions.js';
import { parseWords, place, type Rule, type RuleField } from '../../domain/training/rules.js';
import { nameKey } from '../../domain/text.js';
import { groupTitle, labelList, rememberPeople, rightsOf } from '../group/common.js';
import { bringIn } from '../group/members.js';
import { requireModerator } from '../shared.js';
import { groupFromTokens, storedFacts } from './common.js';
import { readStaff, type StaffMember } from './staff.js';

const FIELDS: Record<string, RuleField> = {
  position: 'position', должность: 'position',
  department: 'department', отдел: 'department', подразделение: 'department',
};

function ruleLine(ctx: BotContext, rule: Rule, n: number): string {
  const group = ctx.data.groups.find((g) => g.id === rule.groupId);
  const where = group ? groupTitle(group) : ctx.t('training:rules.gone_group', { id: rule.groupId });
  return `${n}. ${ctx.t(`training:rules.field_${rule.field}`)}: ${escapeBb(rule.words.join(', '))} → ${where}`;
}

async function list(ctx: BotContext): Promise<void> {
  const rules = ctx.data.training?.rules ?? [];
  const lines = [ctx.t('training:rules.head', { count: rules.length })];
  rules.forEach((r, i) => lines.push(ruleLine(ctx, r, i + 1)));
  if (rules.length === 0) lines.push(ctx.t('training:rules.none'));
  lines.push('', ctx.t('training:rules.hint'));
  await ctx.reply(lines.join('\n'));
}

async function add(ctx: BotContext): Promise<void> {
  const tokens = ctx.args.slice(2);
  const at = tokens.findIndex((t) => Object.hasOwn(FIELDS, nameKey(t)));
  if (at < 1) {
    await ctx.reply(ctx.t('training:rules.add_usage'));
    return;
  }
  const group = await groupFromTokens(ctx, tokens.slice(0, at));
  if (!group) return;
  const field = FIELDS[nameKey(tokens[at]!)]!;
  const words = parseWords(tokens.slice(at + 1).join(' '));
  if (words.length === 0 || (field === 'department' && words.some((w) => !/^\d{1,9}$/.test(w)))) {
    await ctx.reply(ctx.t(field === 'department' ? 'training:rules.department_ids' : 'training:rules.add_usage'));
    return;
  }
  const rule: Rule = { groupId: group.id, field, words };
  const count = await ctx.update((d) => {
    d.training ??= { learners: {}, rules: [] };
    d.training.rules.push(rule);
    return d.training.rules.length;
  });
  await ctx.reply(ctx.t('training:rules.added', { line: ruleLine(ctx, rule, count) }));
}

async function remove(ctx: BotContext): Promise<void> {
  const n = Number(ctx.args[2]);
  const rules = ctx.data.training?.rules ?? [];
  if (!Number.isInteger(n) || n < 1 || n > rules.length) {
    await ctx.reply(ctx.t('training:rules.remove_bad', { count: rules.length }));
    return;
  }
  const removed = rules[n - 1]!;
  await ctx.update((d) => {
    const current = d.training?.rules ?? [];
    // Removed by content, so two removals of "1" in a row never take the wrong rule.
    const i = current.findIndex((r) => JSON.stringify(r) === JSON.stringify(removed));
    if (i >= 0) current.splice(i, 1);
  });
  await ctx.reply(ctx.t('training:rules.removed', { line: ruleLine(ctx, removed, n) }));
}

interface Preview {
  staff: StaffMember[];
  /** groupId → people the rules put there who are not yet its members. */
  moves: Map<number, StaffMember[]>;
  already: number;
  none: StaffMember[];
  conflicts: Array<{ person: StaffMember; groups: StudyGroup[] }>;
}

async function preview(ctx: BotContext): Promise<Preview> {
  const staff = await readStaff(ctx.asUser());
  const rules = (ctx.data.training?.rules ?? []).filter((r) => ctx.data.groups.some((g) => g.id === r.groupId && !g.archived));
  const placed = place(rules, staff);
  const byId = new Map(staff.map((p) => [p.id, p] as const));
  const out: Preview = { staff, moves: new Map(), already: 0, none: [], conflicts: [] };
  for (const [userId, groupId] of placed.placed) {
    const group = ctx.data.groups.find((g) => g.id === groupId)!;
    if (group.members.some((m) => m.userId === userId && m.status === 'member')) {
      out.already++;
      continue;
    }
    const list = out.moves.get(groupId) ?? [];
    list.push(byId.get(userId)!);
    out.moves.set(groupId, list);
  }
  out.none = placed.none.map((id) => byId.get(id)!);
  out.conflicts = placed.conflicts.map((c) => ({
    person: byId.get(c.userId)!,
    groups: c.groupIds.map((id) => ctx.data.groups.find((g) => g.id === id)!),
  }));
  return out;
}

const label = (p: StaffMember) => mention(p.id, p.name);

async function showPreview(ctx: BotContext): Promise<void> {
  const p = await preview(ctx);
  const lines = [ctx.t('training:rules.preview_head', { count: p.staff.length })];
  for (const [groupId, people] of p.moves) {
    const group = ctx.data.groups.find((g) => g.id === groupId)!;
    lines.push(ctx.t('training:rules.preview_group', { group: groupTitle(group), count: people.length, list: labelList(ctx, people.map(label)) }));
  }
  if (p.moves.size === 0) lines.push(ctx.t('training:rules.preview_nobody'));
  if (p.already > 0) lines.push(ctx.t('training:rules.preview_already', { count: p.already }));
  if (p.none.length > 0) lines.push(ctx.t('training:rules.preview_none', { count: p.none.length, list: labelList(ctx, p.none.map(label)) }));
  for (const c of p.conflicts) {
    lines.push(ctx.t('training:rules.preview_two', { person: label(c.person), groups: c.groups.map(groupTitle).join(', '), first: groupTitle(c.groups[0]!) }));
  }
  if (p.moves.size > 0) lines.push('', ctx.t('training:rules.preview_apply'));
  await ctx.reply(lines.join('\n'));
}

async function apply(ctx: BotContext): Promise<void> {
  const p = await preview(ctx);
  if (p.moves.size === 0) {
    await ctx.reply(ctx.t('training:rules.preview_nobody'));
    return;
  }
  await rememberPeople(ctx, p.staff.map((s) => ({ id: s.id, name: s.name, extranet: false })));
  const rights = await rightsOf(ctx);
  let placed = 0;
  for (const [groupId, people] of p.moves) {
    const group = ctx.data.groups.find((g) => g.id === groupId)!;
    const out = await bringIn(ctx, group, people.map((s) => ({ id: s.id, name: s.name, extranet: false })), addMode(rights.isAdmin));
    const joined = [...out.added, ...out.alreadyMember];
    placed += joined.length;
    // Their training is this group's from today, keeping what they completed elsewhere.
    const today = ctx.today();
    await ctx.update((d) => {
      const g = d.groups.find((x) => x.id === groupId);
      if (!g) return;
      for (const userId of joined) {
        const facts = storedFacts(d, g, userId);
        facts.since = today;
      }
    });
  }
  await ctx.reply(ctx.t('training:rules.applied', { count: placed }));
}

export async function rules(ctx: BotContext): Promise<void> {
  if (!(await requireModerator(ctx))) return;
  const sub = nameKey(ctx.args[1] ?? 'list');
  if (sub === 'list') return list(ctx);
  if (sub === 'add') return add(ctx);
  if (sub === 'remove' || sub === 'delete') return remove(ctx);
  if (sub === 'preview') return showPreview(ctx);
  if (sub === 'apply') return apply(ctx);
  await ctx.reply(ctx.t('training:rules.usage'));
}
