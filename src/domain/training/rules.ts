// Auto-grouping rules: a rule puts people into a training group by words of their position or by department. Pure.
import { nameKey } from '../text.js';

export type RuleField = 'position' | 'department';

export interface Rule {
  groupId: number;
  field: RuleField;
  /** Position words (any language; a word matches the start of a word of the position), or department ids. */
  words: string[];
}

/** What the rules look at of one person (from the portal's user record). */
export interface PersonFacts {
  id: number;
  position: string;
  departments: number[];
}

/** Letters and digits, case-folded and compatibility-normalised: "Call-centre  Agent" → ['call', 'centre', 'agent']. */
export function words(text: string): string[] {
  return nameKey(text).split(/[^\p{L}\p{N}]+/u).filter(Boolean);
}

/**
 * Does the phrase (one or more words) occur in the position? Each of its words must start a word of
 * the position, in a row ("engineer" in "Senior engineers", "бухгалтер" in "Главный бухгалтер");
 * words of two letters or fewer ("IT", "HR") must be whole words, so "it" is not found in "editor".
 */
export function phraseInPosition(phrase: string, position: string): boolean {
  const want = words(phrase);
  const have = words(position);
  if (want.length === 0) return false;
  const fits = (w: string, h: string): boolean => (w.length <= 2 ? h === w : h.startsWith(w));
  for (let i = 0; i + want.length <= have.length; i++) {
    if (want.every((w, k) => fits(w, have[i + k]!))) return true;
  }
  return false;
}

export function ruleMatches(rule: Rule, person: PersonFacts): boolean {
  if (rule.field === 'department') return rule.words.some((w) => /^\d+$/.test(w) && person.departments.includes(Number(w)));
  return rule.words.some((w) => phraseInPosition(w, person.position));
}

export interface Placement {
  /** userId → the group of the first matching rule. */
  placed: Map<number, number>;
  /** People no rule matches. */
  none: number[];
  /** People whose rules name two or more groups (placed by the first). */
  conflicts: Array<{ userId: number; groupIds: number[] }>;
}

/** Where the rules put each person: the first matching rule in order wins; several groups are reported. */
export function place(rules: readonly Rule[], people: readonly PersonFacts[]): Placement {
  const out: Placement = { placed: new Map(), none: [], conflicts: [] };
  for (const person of people) {
    const groupIds: number[] = [];
    for (const rule of rules) if (!groupIds.includes(rule.groupId) && ruleMatches(rule, person)) groupIds.push(rule.groupId);
    if (groupIds.length === 0) out.none.push(person.id);
    else out.placed.set(person.id, groupIds[0]!);
    if (groupIds.length > 1) out.conflicts.push({ userId: person.id, groupIds });
  }
  return out;
}

/** Words typed for a rule: separated by commas; each trimmed; empty ones dropped; the same word once. */
export function parseWords(text: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const part of text.split(/[,;\n]/)) {
    const w = part.replace(/\s+/g, ' ').trim();
    if (w === '' || seen.has(nameKey(w))) continue;
    seen.add(nameKey(w));
    out.push(w);
  }
  return out;
}

export type RiskKey = 'low' | 'average' | 'high';

/** The seed's table of intended staff, in English and Russian (word starts, so plurals and cases match too). */
export const DEFAULT_RULE_WORDS: Record<RiskKey, string[]> = {
  low: [
    'driver', 'secretary', 'call centre', 'call center', 'call-centre', 'designer', 'business trainer', 'blue-collar',
    'водитель', 'секретарь', 'колл-центр', 'колл центр', 'дизайнер', 'бизнес-тренер', 'рабочий',
  ],
  average: [
    'editor', 'marketing', 'marketer', 'engineer', 'project manager', 'cashier',
    'редактор', 'маркетолог', 'маркетинг', 'инженер', 'руководитель проект', 'менеджер проект', 'кассир',
  ],
  high: [
    'support', 'lawyer', 'legal', 'programmer', 'developer', 'doctor', 'accountant', 'HR', 'IT',
    'поддержк', 'техподдержк', 'юрист', 'программист', 'разработчик', 'врач', 'доктор', 'бухгалтер', 'кадр', 'HR', 'IT',
  ],
};

/** The default rules for the three default groups (position words; a moderator can change or remove them). */
export function defaultRules(groupIds: Record<RiskKey, number>): Rule[] {
  return (['high', 'average', 'low'] as const).map((key) => ({
    groupId: groupIds[key],
    field: 'position' as const,
    words: [...new Set(DEFAULT_RULE_WORDS[key])],
  }));
}
