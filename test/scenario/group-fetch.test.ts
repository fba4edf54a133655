// Without the caller's own token (fetch mode) REST runs as the installer, an admin: the bot must keep Bitrix24's rules itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../helpers/world.js';
import { createGroup, last, roles, stored } from './group-helpers.js';

describe('group rights without the caller’s own token (fetch mode)', () => {
  let w: World;
  let admin: number;
  let mod: number;
  let l: number[];

  beforeAll(async () => {
    w = await startWorld({ mode: 'fetch' });
    admin = w.demo.admin;
    mod = w.demo.moderators[0];
    l = [...w.demo.learners];
    await w.say(admin, `/moderator add ${mod}`);
  });
  afterAll(async () => w?.close());

  it("makes the caller, not the installer, the owner of a new workgroup", async () => {
    const g = await createGroup(w, mod, 'Owned by Mark');
    expect(w.portal.state.workgroups.get(g.workgroupId)!.ownerId).toBe(mod);
    expect(roles(w, g.workgroupId).get(admin)).toBeUndefined();
  });

  it("does not lend a learner the installer's role in an admin's workgroup", async () => {
    const g = await createGroup(w, admin, 'Admin owned');
    await w.say(admin, `/group add #${g.id} ${l[0]}`);
    expect(last(await w.say(l[0]!, `/group dates #${g.id} 2026-09-01 2026-09-30`)).text).toMatch(/You cannot change the group/);
    expect(last(await w.say(l[0]!, `/group link ${w.demo.adminGroup}`)).text).toMatch(/Only a portal administrator or the owner/);
    expect(await stored(w, g.id)).toMatchObject({ accessFrom: null, accessTo: null });
  });

  it("keeps Bitrix24's rules: only an owner or admin edits the workgroup, only an admin removes", async () => {
    const g = await createGroup(w, admin, 'Rules');
    await w.say(admin, `/group add #${g.id} ${l[1]}`);
    const rename = await w.say(mod, `/group rename #${g.id} Taken over`);
    expect(last(rename).text).toMatch(/only the workgroup's owner or a portal administrator may change it\. Nothing was changed/);
    expect(w.portal.state.workgroups.get(g.workgroupId)!.name).toBe('Rules');
    const remove = await w.say(mod, `/group remove #${g.id} ${l[1]}`);
    expect(last(remove).text).toMatch(/only a portal administrator may remove people/);
    expect(roles(w, g.workgroupId).get(l[1]!)).toBe('K');
    const invite = await w.say(mod, `/group invite #${g.id} ${l[2]}`);
    expect(last(invite).text).toMatch(/did not invite these \(1\).*you may not invite people to this workgroup/);
    expect(roles(w, g.workgroupId).has(l[2]!)).toBe(false);
  });

  it('offers /group link by the caller’s own roles and hides hidden workgroups from strangers', async () => {
    const hidden = w.portal.addWorkgroup({ name: 'Hidden board', ownerId: admin, visible: false }).id;
    const offered = (await w.say(mod, '/group link')).at(-1)!.keyboard?.map((b) => b.params) ?? [];
    expect(offered).toEqual([`v1:g.link:${w.demo.moderatorGroup}`]);
    expect(last(await w.say(l[0]!, '/group link')).text).toMatch(/own or moderate no Bitrix24 workgroup/);
    expect(last(await w.say(mod, `/group link ${hidden}`)).text).toMatch(/cannot find the Bitrix24 workgroup/);
  });

  it('links a workgroup the installer has no relation to (its USER_DATA.ROLE is false)', async () => {
    const own = w.portal.addWorkgroup({ name: 'Only Mark’s', ownerId: mod }).id;
    expect(roles(w, own).has(admin)).toBe(false);
    const out = await w.say(mod, `/group link ${own}`);
    expect(last(out).text).not.toMatch(/cannot find/);
    expect((await w.data()).groups.some((g) => g.workgroupId === own && g.linked)).toBe(true);
  });
});
