// /group link and /group sync through the emulator: who is offered and who is refused which workgroup, locked fields, mirrored members.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeMember, setMember } from '../../src/sandbox/emulator/workgroups.js';
import { startWorld, type World } from '../helpers/world.js';
import { buttons, cardRows, last, roles, stored, storedByName } from './group-helpers.js';

describe('/group link and /group sync', () => {
  let w: World;
  let admin: number;
  let owner: number;
  let wgModerator: number;
  let l: number[];
  let sales: number;
  let leadership: number;
  let hidden: number;

  beforeAll(async () => {
    w = await startWorld();
    admin = w.demo.admin;
    // Neither is a named training moderator: their right here comes from the workgroup alone.
    [owner, wgModerator] = w.demo.moderators;
    l = [...w.demo.learners];
    sales = w.demo.moderatorGroup;
    leadership = w.demo.adminGroup;
    hidden = w.portal.addWorkgroup({ name: 'Secret board', ownerId: admin, visible: false, memberIds: [l[5]!] }).id;
  });
  afterAll(async () => w?.close());

  const offered = (text: { keyboard: Array<{ params?: string }> | null }) =>
    (text.keyboard ?? []).map((b) => Number(/^v1:g\.link:(\d+)$/.exec(b.params ?? '')?.[1]));

  it('offers an admin every workgroup, hidden ones included', async () => {
    const out = await w.say(admin, '/group link');
    expect(last(out).text).toMatch(/Which Bitrix24 workgroup/);
    expect(offered(last(out)).sort()).toEqual([sales, leadership, hidden].sort());
  });

  it("offers the workgroup's owner and its moderator exactly that workgroup", async () => {
    expect(offered(last(await w.say(owner, '/group link')))).toEqual([sales]);
    expect(offered(last(await w.say(wgModerator, '/group link')))).toEqual([sales]);
  });

  it('offers a plain member nothing, and refuses an external user', async () => {
    const member = await w.say(l[0]!, '/group link');
    expect(last(member).text).toMatch(/own or moderate no Bitrix24 workgroup/);
    expect(last(member).keyboard).toBeNull();
    expect(last(await w.say(w.demo.external, '/group link')).text).toMatch(/Only training moderators/);
    expect(last(await w.say(w.demo.external, `/group link ${sales}`)).text).toMatch(/Only training moderators/);
  });

  it('refuses to link by id anyone who is neither admin nor owner/moderator of that workgroup', async () => {
    expect(last(await w.say(owner, `/group link ${leadership}`)).text).toMatch(
      /Only a portal administrator or the owner or a moderator of the workgroup "Leadership school"/,
    );
    expect(last(await w.say(l[0]!, `/group link ${sales}`)).text).toMatch(/Only a portal administrator or the owner/);
    expect(last(await w.say(owner, `/group link ${hidden}`)).text).toMatch(/cannot find the Bitrix24 workgroup/);
    expect(last(await w.say(owner, '/group link abc')).text).toMatch(/"abc" is not a workgroup number/);
    expect((await w.data()).groups).toEqual([]);
  });

  it("links by the keyboard: the name, description and members are the workgroup's", async () => {
    const offer = await w.say(wgModerator, '/group link');
    const out = await w.press(wgModerator, last(offer).id, `#${sales} Sales onboarding`);
    const card = last(out);
    expect(card.text).toMatch(/linked to the Bitrix24 workgroup/);
    expect(cardRows(card).get('Description')).toBe('First weeks of the new sales team');
    expect(cardRows(card).get('Bitrix24 workgroup')).toMatch(/linked/);
    expect(buttons(card)).not.toContain('Description');

    const group = await storedByName(w, 'Sales onboarding');
    expect(group).toMatchObject({ linked: true, workgroupId: sales, ownerId: owner, privacy: 'closed' });
    expect(group.members.map((m) => m.userId).sort()).toEqual([owner, wgModerator, l[0], l[1], l[2]].sort());

    const twice = await w.press(wgModerator, last(offer).id, `#${sales} Sales onboarding`);
    expect(last(twice).text).toMatch(/already the study group \[b\]Sales onboarding\[\/b\]/);
    expect((await w.data()).groups.length).toBe(1);
  });

  it("refuses a linked group's rename and new description, even to its owner", async () => {
    const group = await storedByName(w, 'Sales onboarding');
    const rename = await w.say(owner, `/group rename #${group.id} Sales 2027`);
    expect(last(rename).text).toMatch(/its name is Bitrix24's/);
    const describe = await w.say(owner, `/group describe #${group.id} Something else`);
    expect(last(describe).text).toMatch(/its description is Bitrix24's/);
    expect(w.portal.state.workgroups.get(sales)!.name).toBe('Sales onboarding');
    expect((await stored(w, group.id))!.description).toBe('First weeks of the new sales team');
  });

  it('lets the owner manage the linked group; Bitrix24 still decides what it allows', async () => {
    const group = await storedByName(w, 'Sales onboarding');
    const add = await w.say(owner, `/group add #${group.id} ${l[3]}`);
    expect(last(add).text).toMatch(/Invited \(1\)/);
    expect(roles(w, sales).get(l[3]!)).toBe('Z');
    // The workgroup's moderator may not change its settings in Bitrix24 (only the owner or an admin may).
    const info = await w.say(wgModerator, `/group info #${group.id}`);
    const refused = await w.press(wgModerator, last(info).id, 'Open');
    expect(last(refused).text).toMatch(
      /Bitrix24 refused the change: (User has no permissions to update group|only the workgroup's owner or a portal administrator may change it)\. Nothing was changed/,
    );
    expect(w.portal.state.workgroups.get(sales)!.opened).toBe(false);
  });

  it("refuses a named moderator who does not manage the linked workgroup", async () => {
    await w.say(admin, `/moderator add ${l[4]}`);
    const group = await storedByName(w, 'Sales onboarding');
    expect(last(await w.say(l[4]!, `/group sync #${group.id}`)).text).toMatch(/You cannot change the group "Sales onboarding"/);
    expect(last(await w.say(l[4]!, `/group add #${group.id} ${l[5]}`)).text).toMatch(/You cannot change the group/);
  });

  it('/group sync re-reads the workgroup and reports who joined and who left', async () => {
    const group = await storedByName(w, 'Sales onboarding');
    const wg = w.portal.state.workgroups.get(sales)!;
    const now = w.portal.now();
    removeMember(w.portal.state, wg, l[1]!, now);
    setMember(w.portal.state, wg, l[5]!, 'K', owner, now);
    await w.portal.as(l[3]!).acceptInvitation(sales);
    wg.name = 'Sales onboarding [2027]';

    const out = await w.say(owner, `/group sync #${group.id}`);
    const text = last(out).text;
    expect(text).toMatch(/New name from Bitrix24: Sales onboarding ［2027］/);
    expect(text).toMatch(/Joined \(1\): \[USER=\d+\]Felix Garcia/);
    expect(text).toMatch(/Accepted the invitation \(1\): \[USER=\d+\]Daniel Evans/);
    expect(text).toMatch(/Left \(1\): \[USER=\d+\]Ben Carter/);
    const after = (await stored(w, group.id))!;
    expect(after.name).toBe('Sales onboarding [2027]');
    expect(after.members.map((m) => [m.userId, m.status]).sort()).toEqual(
      [
        [owner, 'member'],
        [wgModerator, 'member'],
        [l[0], 'member'],
        [l[2], 'member'],
        [l[3], 'member'],
        [l[5], 'member'],
      ].sort(),
    );
    expect(last(await w.say(owner, `/group sync #${group.id}`)).text).toMatch(/No changes since the last time/);
  });

  it('an admin links by id; deleting a linked group keeps its workgroup', async () => {
    const out = await w.say(admin, `/group link #${leadership}`);
    expect(last(out).text).toMatch(/linked to the Bitrix24 workgroup/);
    const group = await storedByName(w, 'Leadership school');
    const confirm = await w.say(admin, `/group delete #${group.id}`);
    expect(last(confirm).text).toMatch(/the Bitrix24 workgroup #\d+ stays/);
    const done = await w.press(admin, last(confirm).id, 'Delete');
    expect(last(done).text).toMatch(/The Bitrix24 workgroup #\d+ it was linked to stays as it was/);
    expect(await stored(w, group.id)).toBeUndefined();
    expect(w.portal.state.workgroups.has(leadership)).toBe(true);
    // Free to link again.
    expect(offered(last(await w.say(admin, '/group link')))).toContain(leadership);
  });
});
