// New employees placed as they appear (ONUSERADD, bound at install in webhook mode), and the default
// group's workgroup made once even when a first try died between sonet_group.create and the store write.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../helpers/world.js';
import { storedByName } from './group-helpers.js';

describe('new employees and the default groups\' workgroups', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld({ trainingDefaults: true });
  });
  afterAll(async () => w?.close());

  const bound = () => [...w.portal.state.bindings.values()].filter((b) => b.event === 'ONUSERADD');

  it('binds ONUSERADD at install where the portal can post events (an application with a URL)', () => {
    expect(bound()).toHaveLength(w.mode === 'webhook' ? 1 : 0);
  });

  it('a new driver lands in Low risk, in its new workgroup, with a schedule from today', async () => {
    const nina = w.portal.addUser({ name: 'Nina', lastName: 'Newton', workPosition: 'Delivery driver', departments: [3] }).id;
    await w.settle();
    const low = await storedByName(w, 'Low risk');
    if (w.mode !== 'webhook') {
      // No handler can be bound without a public URL: `/training rules apply` places them (README).
      expect(low.members.some((m) => m.userId === nina)).toBe(false);
      return;
    }
    expect(low.members.find((m) => m.userId === nina)?.status).toBe('member');
    expect(low.workgroupId).toBeGreaterThan(0);
    expect([...w.portal.state.workgroups.get(low.workgroupId)!.members.keys()]).toContain(nina);
    const facts = (await w.data()).training!.learners[String(nina)]!;
    expect(facts.groupId).toBe(low.id);
    expect(facts.since).toBe(new Date(w.emu.clock.now()).toISOString().slice(0, 10));
    const made = [...w.portal.state.workgroups.values()].filter((g) => g.name === 'Low risk');
    expect(made).toHaveLength(1);
  });

  it('someone no rule matches, or an external user, is left where they are', async () => {
    const before = JSON.stringify((await w.data()).groups);
    w.portal.addUser({ name: 'Pablo', lastName: 'Painter', workPosition: 'Astronaut' });
    w.portal.addUser({ name: 'Eve', lastName: 'Extern', workPosition: 'Driver', extranet: true });
    await w.settle();
    expect(JSON.stringify((await w.data()).groups)).toBe(before);
  });

  it('a replay after a crash between sonet_group.create and the store write adopts the workgroup', async () => {
    const avg = await storedByName(w, 'Average risk');
    expect(avg.workgroupId).toBe(0);
    // What the crashed first try left: its intent noted, and the workgroup made in Bitrix24.
    const orphan = w.portal.addWorkgroup({ name: 'Average risk', description: '', ownerId: w.demo.admin, memberIds: [] });
    await w.rt.store.update(w.memberId, (d) => {
      d.intents = [...(d.intents ?? []), { key: `workgroup:group${avg.id}`, kind: 'workgroup', name: 'Average risk', ownerId: w.demo.admin, at: new Date(w.emu.clock.now()).toISOString() }];
    });
    const workgroupsBefore = w.portal.state.workgroups.size;
    await w.say(w.demo.admin, `/group add "Average risk" ${w.demo.learners[2]}`);
    const after = await storedByName(w, 'Average risk');
    expect(after.workgroupId).toBe(orphan.id);
    expect(w.portal.state.workgroups.size).toBe(workgroupsBefore);
    expect([...w.portal.state.workgroups.get(orphan.id)!.members.keys()]).toContain(w.demo.learners[2]);
    expect((await w.data()).intents ?? []).toEqual([]);
  });

  it('without a crash the first add makes exactly one workgroup and leaves no intent', async () => {
    const high = await storedByName(w, 'High risk');
    const before = w.portal.state.workgroups.size;
    await w.say(w.demo.admin, `/group add "High risk" ${w.demo.learners[4]}`);
    expect((await storedByName(w, 'High risk')).workgroupId).toBeGreaterThan(0);
    expect(w.portal.state.workgroups.size).toBe(before + 1);
    expect(high.workgroupId).toBe(0);
    expect((await w.data()).intents ?? []).toEqual([]);
  });
});
