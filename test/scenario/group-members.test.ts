// /group add, invite, remove, leave and members through the emulator: who adds, who invites, what Bitrix24 ends up with.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StudyGroup } from '../../src/domain/model.js';
import { startWorld, type World } from '../helpers/world.js';
import { addPeople, allText, at, createGroup, last, roles, stored } from './group-helpers.js';

describe('group members', () => {
  let w: World;
  let admin: number;
  let mod: number;
  let l: number[];
  let invited: StudyGroup;
  let direct: StudyGroup;

  beforeAll(async () => {
    w = await startWorld();
    admin = w.demo.admin;
    mod = w.demo.moderators[0];
    l = [...w.demo.learners];
    await w.say(admin, `/moderator add ${mod}`);
    invited = await createGroup(w, mod, 'Invite cohort');
    direct = await createGroup(w, admin, 'Admin cohort');
  });
  afterAll(async () => w?.close());

  it("a non-admin moderator's /group add of two people creates two invitations and no membership", async () => {
    const before = w.portal.requests.length;
    const out = await w.say(mod, `/group add #${invited.id} ${at(l[0]!, 'Anna Petrova')} ${l[1]}`);
    const text = last(out).text;
    expect(text).toMatch(/Invited \(2\): \[USER=\d+\]Anna Petrova\[\/USER\], \[USER=\d+\]Ben Carter\[\/USER\]/);
    expect(text).not.toMatch(/Added/);

    const r = roles(w, invited.workgroupId);
    expect(r.get(l[0]!)).toBe('Z');
    expect(r.get(l[1]!)).toBe('Z');
    const sent = w.portal.invitations.filter((i) => i.groupId === invited.workgroupId);
    expect(sent.map((i) => i.userId)).toEqual([l[0], l[1]]);
    // With the caller's own token the invitation is theirs; without one (fetch, one-portal) the installation sends it.
    if (w.mode === 'webhook') expect(sent.every((i) => i.byId === mod)).toBe(true);
    expect(w.portal.requests.slice(before).some((q) => q.method === 'sonet_group.user.add')).toBe(false);
    const g = (await stored(w, invited.id))!;
    expect(g.members.filter((m) => m.status === 'invited').map((m) => m.userId)).toEqual([l[0], l[1]]);
    expect(g.members.filter((m) => m.status === 'member').map((m) => m.userId)).toEqual([mod]);
  });

  it("an admin's /group add of two people creates two memberships", async () => {
    const out = await w.say(admin, `/group add #${direct.id} ${l[2]} ${at(l[3]!, 'Daniel')}`);
    expect(last(out).text).toMatch(/Added \(2\): \[USER=\d+\]Chloe Davis\[\/USER\], \[USER=\d+\]Daniel Evans\[\/USER\]/);
    const r = roles(w, direct.workgroupId);
    expect(r.get(l[2]!)).toBe('K');
    expect(r.get(l[3]!)).toBe('K');
    expect(w.portal.invitations.filter((i) => i.groupId === direct.workgroupId)).toEqual([]);
    const g = (await stored(w, direct.id))!;
    expect(g.members.map((m) => [m.userId, m.status])).toEqual([
      [admin, 'member'],
      [l[2], 'member'],
      [l[3], 'member'],
    ]);
    const again = await w.say(admin, `/group add #${direct.id} ${l[2]}`);
    expect(last(again).text).toMatch(/Already members \(1\)/);
  });

  it('pending invitations show with their status until the person appears among the members', async () => {
    const waiting = await w.say(mod, `/group members #${invited.id}`);
    expect(last(waiting).text).toMatch(/Invited, not yet joined \(2\):\n• \[USER=\d+\]Anna Petrova\[\/USER\] — invited .*, waiting/);

    await w.portal.as(l[0]!).acceptInvitation(invited.workgroupId);
    const after = await w.say(mod, `/group members #${invited.id}`);
    const text = last(after).text;
    expect(text).toMatch(/Members \(2\):/);
    expect(text).toMatch(/Invited, not yet joined \(1\):\n• \[USER=\d+\]Ben Carter/);
    const g = (await stored(w, invited.id))!;
    expect(g.members.find((m) => m.userId === l[0])?.status).toBe('member');
    expect(g.members.find((m) => m.userId === l[1])?.status).toBe('invited');
  });

  it('/group invite by an admin always invites', async () => {
    const out = await w.say(admin, `/group invite #${direct.id} ${l[4]}`);
    expect(last(out).text).toMatch(/Invited \(1\)/);
    expect(roles(w, direct.workgroupId).get(l[4]!)).toBe('Z');
    const twice = await w.say(admin, `/group invite #${direct.id} ${l[4]}`);
    expect(last(twice).text).toMatch(/Already invited, still waiting \(1\)/);
  });

  it('a direct add the portal refuses falls back to an invitation and says so', async () => {
    await w.say(admin, '/group list'); // the bot now believes the caller is an admin (cached briefly)
    const record = w.portal.state.users.get(admin)!;
    record.admin = false; // …and the portal takes the right away a moment later
    try {
      const out = await w.say(admin, `/group add #${direct.id} ${l[5]}`);
      expect(last(out).text).toMatch(/Bitrix24 refused to add these directly \(No permissions to add users\), so they were invited instead \(1\)/);
      expect(roles(w, direct.workgroupId).get(l[5]!)).toBe('Z');
      expect((await stored(w, direct.id))!.members.find((m) => m.userId === l[5])?.status).toBe('invited');
    } finally {
      record.admin = true;
    }
  });

  it('adding 120 people takes at most 4 REST requests for the adds, and all become members', async () => {
    const g = await createGroup(w, admin, 'Big cohort');
    const people = addPeople(w, 120);
    const before = w.portal.requests.length;
    const out = await w.say(admin, `/group add #${g.id} ${people.join(' ')}`);
    const made = w.portal.requests.slice(before);
    const carriesAdds = (q: (typeof made)[number]) =>
      q.method === 'sonet_group.user.add' || (q.method === 'batch' && JSON.stringify(q.params).includes('sonet_group.user.add'));
    const addRequests = made.filter((q) => q.via !== 'batch-inner' && carriesAdds(q));
    expect(addRequests.length).toBeGreaterThan(0);
    expect(addRequests.length).toBeLessThanOrEqual(4);
    expect(made.filter((q) => q.via === 'batch-inner' && q.method === 'sonet_group.user.add').length).toBe(120);
    expect(last(out).text).toMatch(/Added \(120\)/);
    expect(last(out).text).toMatch(/and 80 more/);
    const r = roles(w, g.workgroupId);
    expect(people.every((id) => r.get(id) === 'K')).toBe(true);
    expect((await stored(w, g.id))!.members.filter((m) => m.status === 'member').length).toBe(121);
    // Meanwhile the caller saw "typing…" in the dialog, once, before the adds went out.
    const typing = made.filter((q) => q.method === 'imbot.v2.Chat.InputAction.notify');
    expect(typing).toHaveLength(1);
    expect(made.indexOf(typing[0]!)).toBeLessThan(made.indexOf(addRequests[0]!));
    // The private dialog as the bot addresses it: the person's id.
    expect((typing[0]!.params as { dialogId?: string }).dialogId).toBe(String(admin));
  });

  it('unknown users, unreadable tokens, no people and an unknown group change nothing', async () => {
    const before = JSON.stringify((await stored(w, direct.id))!.members);
    const wgBefore = JSON.stringify([...roles(w, direct.workgroupId)]);
    expect(last(await w.say(admin, `/group add #${direct.id} ${l[0]} 99999`)).text).toMatch(
      /no active user I may see with these ids: #99999\. Nothing was changed/,
    );
    expect(last(await w.say(admin, `/group add #${direct.id} Anna`)).text).toBe('I could not read these as people: Anna.');
    expect(last(await w.say(admin, `/group add #${direct.id}`)).text).toMatch(/^Whom\?/);
    expect(last(await w.say(admin, `/group add #999 ${l[0]}`)).text).toMatch(/cannot find the group "#999"/);
    expect(last(await w.say(admin, `/group add "No such group" ${l[0]}`)).text).toMatch(/cannot find the group "No such group"/);
    expect(JSON.stringify((await stored(w, direct.id))!.members)).toBe(before);
    expect(JSON.stringify([...roles(w, direct.workgroupId)])).toBe(wgBefore);
  });

  it('a learner and an external user may not add or invite; a stranger is not even told the group exists', async () => {
    const wgBefore = JSON.stringify([...roles(w, invited.workgroupId)]);
    for (const cmd of ['add', 'invite']) {
      // A member of the group…
      expect(last(await w.say(l[0]!, `/group ${cmd} #${invited.id} ${l[5]}`)).text).toMatch(/You cannot change the group "Invite cohort"/);
      // …and people who are not in it.
      for (const who of [l[2]!, w.demo.external]) {
        const out = await w.say(who, `/group ${cmd} #${invited.id} ${l[5]}`);
        expect(last(out).text).toMatch(/cannot find the group "#\d+"/);
        expect(last(out).text).not.toMatch(/Invite cohort/);
      }
    }
    expect(JSON.stringify([...roles(w, invited.workgroupId)])).toBe(wgBefore);
  });

  it('the Add members button waits for the people and adds them', async () => {
    const out = await w.say(admin, `/group info #${direct.id}`);
    const asked = await w.press(admin, last(out).id, 'Add members');
    expect(last(asked).text).toMatch(/Whom should I add to "Admin cohort"\?/);
    const wrong = await w.say(admin, 'nobody');
    expect(allText(wrong)).toMatch(/could not read these as people: nobody/);
    const done = await w.say(admin, `${at(w.demo.moderators[1], 'Mia')}`);
    expect(last(done).text).toMatch(/Added \(1\): \[USER=\d+\]Mia Mentor/);
    expect(roles(w, direct.workgroupId).get(w.demo.moderators[1])).toBe('K');
  });

  it('remove: a non-admin is refused by Bitrix24 and nothing changes; an admin removes; the owner stays', async () => {
    const refused = await w.say(mod, `/group remove #${invited.id} ${l[0]}`);
    expect(last(refused).text).toMatch(/only a portal administrator may remove people from a workgroup\. Nothing was changed/);
    expect(roles(w, invited.workgroupId).get(l[0]!)).toBe('K');
    expect((await stored(w, invited.id))!.members.some((m) => m.userId === l[0])).toBe(true);

    const out = await w.say(admin, `/group remove #${direct.id} ${l[2]} ${admin} ${l[0]}`);
    const text = last(out).text;
    expect(text).toMatch(/Removed \(1\): \[USER=\d+\]Chloe Davis/);
    expect(text).toMatch(/owner cannot be removed: \[USER=\d+\]Alice Admin/);
    expect(text).toMatch(/Not in this group \(1\): \[USER=\d+\]Anna Petrova/);
    expect(roles(w, direct.workgroupId).has(l[2]!)).toBe(false);
    expect((await stored(w, direct.id))!.members.some((m) => m.userId === l[2])).toBe(false);
  });

  it('leave: a member leaves the group and its workgroup; the owner cannot; others are told', async () => {
    const out = await w.say(l[3]!, `/group leave #${direct.id}`);
    expect(last(out).text).toBe('You have left the group "Admin cohort".');
    expect(roles(w, direct.workgroupId).has(l[3]!)).toBe(false);
    expect((await stored(w, direct.id))!.members.some((m) => m.userId === l[3])).toBe(false);

    // No longer a member, so no longer told the group's name: the answer for a group that does not exist.
    expect(last(await w.say(l[3]!, `/group leave #${direct.id}`)).text).toBe(`I cannot find the group "#${direct.id}". /group list shows the groups you can use.`);
    expect(last(await w.say(admin, `/group leave #${direct.id}`)).text).toMatch(/You own the workgroup/);
    expect(roles(w, direct.workgroupId).get(admin)).toBe('A');
  });

  it('members: a learner sees their own group, not others; an external user only their own', async () => {
    const own = await w.say(l[1]!, `/group members #${invited.id}`);
    expect(last(own).text).toMatch(/Invite cohort/);
    const other = await w.say(l[1]!, `/group members #${direct.id}`);
    expect(last(other).text).toMatch(/cannot find the group "#\d+"/);

    const ext = w.demo.external;
    expect(last(await w.say(ext, `/group members #${direct.id}`)).text).toMatch(/cannot find the group/);
    await w.say(admin, `/group add #${direct.id} ${ext}`);
    expect(roles(w, direct.workgroupId).get(ext)).toBe('K');
    const mine = await w.say(ext, `/group members #${direct.id}`);
    expect(last(mine).text).toMatch(/Members \(\d+\):/);
    expect(last(await w.say(ext, `/group info #${invited.id}`)).text).toMatch(/cannot find the group/);
  });
});
