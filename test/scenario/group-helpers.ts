// Small helpers shared by the /group scenario tests: mentions, the last answer, stored groups and emulator workgroups.
import type { DialogMessageView } from '../../src/sandbox/emulator/index.js';
import type { StudyGroup } from '../../src/domain/model.js';
import type { World } from '../helpers/world.js';

export function at(userId: number, name = 'Someone'): string {
  return `[USER=${userId}]${name}[/USER]`;
}

/** The only (or last) message the bot sent; fails loudly when it sent nothing. */
export function last(out: DialogMessageView[]): DialogMessageView {
  const m = out.at(-1);
  if (!m) throw new Error('the bot sent nothing');
  return m;
}

export function allText(out: DialogMessageView[]): string {
  return out.map((m) => m.text).join('\n');
}

export async function stored(w: World, id: number): Promise<StudyGroup | undefined> {
  return (await w.data()).groups.find((g) => g.id === id);
}

export async function storedByName(w: World, name: string): Promise<StudyGroup> {
  const g = (await w.data()).groups.find((x) => x.name === name);
  if (!g) throw new Error(`no stored group ${name}`);
  return g;
}

/** Workgroup roles as the emulated portal holds them: userId → A/E/K/Z. */
export function roles(w: World, workgroupId: number): Map<number, string> {
  const g = w.portal.state.workgroups.get(workgroupId);
  if (!g) throw new Error(`no workgroup ${workgroupId}`);
  return new Map([...g.members].map(([id, m]) => [id, m.role]));
}

/** The `NAME: VALUE` rows of a card (ATTACH GRID) as a map. */
export function cardRows(m: DialogMessageView): Map<string, string> {
  const blocks = (m.attach as { BLOCKS?: Array<{ GRID?: Array<{ NAME: string; VALUE: string }> }> } | null)?.BLOCKS ?? [];
  return new Map(blocks.flatMap((b) => b.GRID ?? []).map((r) => [r.NAME, r.VALUE]));
}

export function buttons(m: DialogMessageView): string[] {
  return (m.keyboard ?? []).map((b) => b.text);
}

/** Creates a group as `userId` and returns its stored record. */
export async function createGroup(w: World, userId: number, name: string): Promise<StudyGroup> {
  const out = await w.say(userId, `/group create "${name}"`);
  if (!last(out).text.includes('(#')) throw new Error(`group not created: ${last(out).text}`);
  return storedByName(w, name);
}

/** Adds people to the emulated portal; returns their ids. */
export function addPeople(w: World, count: number, prefix = 'Person'): number[] {
  return Array.from({ length: count }, (_, i) => w.portal.addUser({ name: `${prefix}${i + 1}`, lastName: 'Test' }).id);
}
