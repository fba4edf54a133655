// /group create and the card's buttons (privacy, description, dates) through the emulator, as each kind of person.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../helpers/world.js';
import { buttons, cardRows, createGroup, last, storedByName } from './group-helpers.js';

describe('/group create and the group card', () => {
  let w: World;
  let admin: number;
  let mod: number;
  beforeAll(async () => {
    w = await startWorld();
    admin = w.demo.admin;
    mod = w.demo.moderators[0];
    await w.say(admin, `/moderator add ${mod}`);
  });
  afterAll(async () => w?.close());

  it('a moderator who is not an admin creates a study group and a workgroup they own, answered with the card', async () => {
    const out = await w.say(mod, '/group create Spring cohort 2026');
    const card = last(out);
    expect(card.text).toContain('[b]Spring cohort 2026[/b]');
    const rows = cardRows(card);
    expect([...rows.keys()]).toEqual(
      expect.arrayContaining(['Description', 'Access', 'Joining', 'Members', 'Courses', 'Bitrix24 workgroup']),
    );
    expect(rows.get('Joining')).toBe('Closed: by invitation');
    expect(rows.get('Access')).toBe('no limits');
    expect(buttons(card)).toEqual(['Description', 'Access dates', 'Open', 'Closed', 'Hidden', 'Add members', 'Members', 'Courses', 'Group chat']);

    const group = await storedByName(w, 'Spring cohort 2026');
    expect(group).toMatchObject({ linked: false, ownerId: mod, privacy: 'closed', archived: false });
    const wg = w.portal.state.workgroups.get(group.workgroupId)!;
    expect(wg).toMatchObject({ name: 'Spring cohort 2026', ownerId: mod, visible: true, opened: false, initiatePerms: 'E' });
  });

  it('an admin creates one too, owned by the admin; quoted names lose their quotes', async () => {
    await w.say(admin, '/group create "Leaders 2026"');
    const group = await storedByName(w, 'Leaders 2026');
    expect(w.portal.state.workgroups.get(group.workgroupId)!.ownerId).toBe(admin);
  });

  it('a learner and an external user are refused, and nothing is created', async () => {
    const before = { groups: (await w.data()).groups.length, workgroups: w.portal.state.workgroups.size };
    const learner = await w.say(w.demo.learners[0], '/group create Mine');
    expect(last(learner).text).toMatch(/Only training moderators/);
    const external = await w.say(w.demo.external, '/group create Ours');
    expect(last(external).text).toMatch(/Only training moderators/);
    expect((await w.data()).groups.length).toBe(before.groups);
    expect(w.portal.state.workgroups.size).toBe(before.workgroups);
  });

  it('refuses an empty, an over-long and a duplicate name, creating nothing', async () => {
    const before = w.portal.state.workgroups.size;
    expect(last(await w.say(mod, '/group create')).text).toBe('The name is empty.');
    expect(last(await w.say(mod, '/group create ""')).text).toBe('The name is empty.');
    expect(last(await w.say(mod, `/group create ${'x'.repeat(101)}`)).text).toMatch(/too long: 101 characters, at most 100/);
    expect(last(await w.say(mod, '/group create spring COHORT 2026')).text).toMatch(/already a group called/);
    expect(w.portal.state.workgroups.size).toBe(before);
  });

  it('shows BB-code in a name as text, never as markup', async () => {
    const out = await w.say(mod, '/group create [b]Bold[/b] [url=https://evil.example]click[/url]');
    const text = last(out).text;
    expect(text).not.toContain('[b]Bold');
    expect(text).not.toContain('[url=');
    expect(text).toContain('［b］Bold［/b］');
  });

  it('privacy buttons set the workgroup flags and update the card in place; pressing twice changes nothing', async () => {
    const out = await w.say(mod, '/group create Privacy test');
    const card = last(out);
    const group = await storedByName(w, 'Privacy test');
    const wg = () => w.portal.state.workgroups.get(group.workgroupId)!;

    const opened = await w.press(mod, card.id, 'Open');
    expect(last(opened).text).toMatch(/is now: Open/);
    expect(wg()).toMatchObject({ visible: true, opened: true });
    const edited = w.portal.dialog(mod, String(w.botId)).find((m) => m.id === card.id)!;
    expect(edited.edited).toBe(true);
    expect(cardRows(edited).get('Joining')).toBe('Open: anyone may join');

    await w.press(mod, card.id, 'Hidden');
    expect(wg()).toMatchObject({ visible: false, opened: false });
    expect((await storedByName(w, 'Privacy test')).privacy).toBe('hidden');
    const again = await w.press(mod, card.id, 'Hidden');
    expect(last(again).text).toMatch(/already: Hidden/);

    // The typed twin.
    await w.say(mod, `/group privacy #${group.id} closed`);
    expect(wg()).toMatchObject({ visible: true, opened: false });
  });

  it('a learner cannot use the buttons of a card', async () => {
    const group = await storedByName(w, 'Privacy test');
    const out = await w.say(w.demo.learners[1], `/group info #${group.id}`);
    // Not theirs: they do not even see it.
    expect(last(out).text).toMatch(/cannot find the group/);
  });

  it('the Description button waits for the next message, also across a restart, and keeps BB-code as text', async () => {
    const out = await w.say(mod, '/group create Described');
    const card = last(out);
    const asked = await w.press(mod, card.id, 'Description');
    expect(last(asked).text).toMatch(/Send the description/);
    expect((await w.data()).pending).toEqual([expect.objectContaining({ userId: mod, kind: 'group.describe' })]);

    await w.restart();
    const answered = await w.say(mod, 'Week one: [b]sales basics[/b]\nWeek two: practice');
    expect(last(answered).text).toMatch(/description of .* is saved/);
    const group = await storedByName(w, 'Described');
    expect(group.description).toBe('Week one: [b]sales basics[/b]\nWeek two: practice');
    expect(w.portal.state.workgroups.get(group.workgroupId)!.description).toBe(group.description);
    expect((await w.data()).pending).toEqual([]);

    const info = await w.say(mod, `/group info #${group.id}`);
    const shown = cardRows(last(info)).get('Description')!;
    expect(shown).toContain('［b］sales basics［/b］');
    expect(shown).not.toContain('[b]');
  });

  it('the Access dates button: wrong dates are explained and asked again, good ones are saved', async () => {
    const out = await w.say(mod, '/group create Dated');
    const card = last(out);
    await w.press(mod, card.id, 'Access dates');

    const impossible = await w.say(mod, '2026-02-30 2026-03-10');
    expect(impossible.map((m) => m.text).join('\n')).toMatch(/"2026-02-30" is not a date/);
    const reversed = await w.say(mod, '2026-09-30 01.09.2026');
    expect(reversed.map((m) => m.text).join('\n')).toMatch(/end date \(2026-09-01\) is before the start date \(2026-09-30\)/);
    expect((await storedByName(w, 'Dated')).accessFrom).toBeNull();

    const good = await w.say(mod, '01.09.2026 2026-09-30');
    expect(last(good).text).toMatch(/Access to .*: 1 Sep 2026 – 30 Sep 2026/);
    expect(await storedByName(w, 'Dated')).toMatchObject({ accessFrom: '2026-09-01', accessTo: '2026-09-30' });
  });

  it('a wait expires; other text answers nothing', async () => {
    const out = await w.say(mod, '/group create Expiring');
    await w.press(mod, last(out).id, 'Description');
    w.emu.clock.advance(16 * 60_000);
    const late = await w.say(mod, 'too late');
    expect(last(late).text).toMatch(/did not understand/);
    expect((await storedByName(w, 'Expiring')).description).toBe('');
  });

  it('creates several groups with their own ids', async () => {
    const a = await createGroup(w, admin, 'Id test A');
    const b = await createGroup(w, admin, 'Id test B');
    expect(b.id).toBe(a.id + 1);
    expect(b.workgroupId).not.toBe(a.workgroupId);
  });
});
