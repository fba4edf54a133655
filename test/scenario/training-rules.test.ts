// /training rules: the default rules listed, previewed on the demo company's positions, applied; added and removed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../helpers/world.js';
import { last, storedByName } from './group-helpers.js';

describe('/training rules', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld({ trainingDefaults: true });
  });
  afterAll(async () => w?.close());

  it('lists the default rules, High risk first', async () => {
    const text = last(await w.say(w.demo.admin, '/training rules')).text;
    expect(text).toMatch(/^1\. Position: support, .*programmer.* → \[b\]High risk\[\/b\] \(#3\)$/m);
    expect(text).toMatch(/^3\. Position: driver, secretary.* → \[b\]Low risk\[\/b\] \(#1\)$/m);
  });

  it('previews who goes where, and who matches no rule, before anyone moves', async () => {
    const text = last(await w.say(w.demo.admin, '/training rules preview')).text;
    const [l1, l2, l3, l4, l5, l6] = w.demo.learners;
    // The admin is an HR director: High risk, as the seed's table says.
    expect(text).toContain(`[b]High risk[/b] (#3) gets 3: [USER=${w.demo.admin}]Alice Admin[/USER], [USER=${l5}]Emma Foster[/USER], [USER=${l6}]Felix Garcia[/USER]`);
    expect(text).toContain(`[b]Average risk[/b] (#2) gets 2: [USER=${l3}]Chloe Davis[/USER], [USER=${l4}]Daniel Evans[/USER]`);
    expect(text).toContain(`[b]Low risk[/b] (#1) gets 2: [USER=${l1}]Anna Petrova[/USER], [USER=${l2}]Ben Carter[/USER]`);
    expect(text).toMatch(/No rule matches 2: .*Mark Moderator.*Mia Mentor/);
    expect(text).not.toContain('Oscar');
    expect((await storedByName(w, 'Low risk')).members).toEqual([]);
  });

  it('names a person two rules match, placed by the first', async () => {
    const who = w.portal.addUser({ name: 'Ivan', lastName: 'Multi', workPosition: 'IT support engineer' });
    const text = last(await w.say(w.demo.admin, '/training rules preview')).text;
    expect(text).toContain(`[USER=${who.id}]Ivan Multi[/USER] matches [b]High risk[/b] (#3), [b]Average risk[/b] (#2); goes to [b]High risk[/b] (#3)`);
  });

  it('applies: people are added, workgroups made for the default groups, their training group set', async () => {
    const out = await w.say(w.demo.admin, '/training rules apply');
    // Webhook mode: Ivan was placed when he appeared (ONUSERADD), with the admin as High risk's workgroup owner.
    expect(last(out).text).toMatch(w.mode === 'webhook' ? /Done: 6 people/ : /Done: 8 people/);
    const low = await storedByName(w, 'Low risk');
    expect(low.workgroupId).toBeGreaterThan(0);
    expect(low.members.map((m) => m.userId)).toEqual(expect.arrayContaining([w.demo.learners[0], w.demo.learners[1]]));
    const d = await w.data();
    expect(d.training!.learners[String(w.demo.learners[4])]).toMatchObject({ groupId: 3, completed: {} });
    expect(last(await w.say(w.demo.admin, '/training rules preview')).text).toMatch(/Nobody would be moved/);
  });

  it('adds and removes a rule; bad input changes nothing', async () => {
    expect(last(await w.say(w.demo.admin, '/training rules add "Low risk" position chef, cook')).text).toMatch(/4\. Position: chef, cook → \[b\]Low risk/);
    expect(last(await w.say(w.demo.admin, '/training rules add "Low risk" department sales')).text).toMatch(/given by their numbers/);
    expect(last(await w.say(w.demo.admin, '/training rules add Nowhere position chef')).text).toMatch(/cannot find the group/);
    expect(last(await w.say(w.demo.admin, '/training rules remove 9')).text).toMatch(/there are 4/);
    expect((await w.data()).training!.rules).toHaveLength(4);
    expect(last(await w.say(w.demo.admin, '/training rules remove 4')).text).toMatch(/Rule removed/);
    expect((await w.data()).training!.rules).toHaveLength(3);
  });

  it('is for moderators only', async () => {
    expect(last(await w.say(w.demo.learners[0], '/training rules apply')).text).toMatch(/Only training moderators/);
  });
});
