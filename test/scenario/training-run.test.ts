// /training start, status, pause/resume, stop and restart, move: facts stored, schedules computed; refusals change nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../helpers/world.js';
import { at, last, storedByName } from './group-helpers.js';

const DAY = 86_400_000;

describe('/training start … status … move … stop', () => {
  let w: World;
  let admin: number;
  beforeAll(async () => {
    w = await startWorld({ trainingDefaults: true });
    admin = w.demo.admin;
    await w.say(admin, '/training rules apply');
  });
  afterAll(async () => w?.close());

  it('refuses to start a group with no program, and changes nothing', async () => {
    await w.say(admin, '/group create Empty');
    await w.say(admin, '/training settings Empty intensity 60');
    expect(last(await w.say(admin, '/training start Empty')).text).toMatch(/has no program to follow/);
    expect((await storedByName(w, 'Empty')).training!.run.started).toBeNull();
  });

  it('starts a group: learners on track from the first day', async () => {
    expect(last(await w.say(admin, '/training start Low risk')).text).toMatch(/Training in \[b\]Low risk\[\/b\] \(#1\) starts .*: 2 learners/);
    expect(last(await w.say(admin, '/training start #1')).text).toMatch(/has been running since/);
    const status = last(await w.say(admin, '/training status Low risk')).text;
    expect(status).toMatch(/In training: 2/);
    expect(status).toMatch(/On track: 2/);
  });

  it('two weeks later without lessons done, they are behind', async () => {
    w.emu.clock.advance(15 * DAY);
    const status = last(await w.say(admin, '/training status #1')).text;
    expect(status).toMatch(/Behind: 2/);
  });

  it('pause and resume a learner; stop the group and restart it', async () => {
    const anna = w.demo.learners[0];
    expect(last(await w.say(admin, `/training pause ${at(anna, 'Anna')}`)).text).toMatch(/paused/);
    expect(last(await w.say(admin, `/training pause ${at(anna, 'Anna')}`)).text).toMatch(/paused already/);
    expect(last(await w.say(admin, '/training status #1')).text).toMatch(/Paused: 1/);
    expect(last(await w.say(admin, `/training resume ${at(anna, 'Anna')}`)).text).toMatch(/goes on/);
    expect((await w.data()).training!.learners[String(anna)]!.pauses).toHaveLength(1);
    expect(last(await w.say(admin, '/training stop #1')).text).toMatch(/stopped on .*Nothing is deleted/);
    expect(last(await w.say(admin, '/training status #1')).text).toMatch(/Stopped: 2/);
    expect(last(await w.say(admin, '/training start #1')).text).toMatch(/continues from/);
    expect((await storedByName(w, 'Low risk')).training!.run.stopped).toBeNull();
  });

  it('moves a learner into another group, keeping completions; the same group is refused', async () => {
    const ben = w.demo.learners[1];
    await w.rt.store.update(w.memberId, (d) => {
      d.training!.learners[String(ben)] = { userId: ben, groupId: 1, since: '2026-01-01', completed: { 'x-lesson': '2026-01-02' }, pauses: [], stopped: null };
    });
    expect(last(await w.say(admin, `/training move ${at(ben, 'Ben')} Low risk`)).text).toMatch(/in \[b\]Low risk\[\/b\] \(#1\) already/);
    const out = await w.say(admin, `/training move ${at(ben, 'Ben')} High risk`);
    expect(last(out).text).toMatch(/moved from \[b\]Low risk\[\/b\] \(#1\) to \[b\]High risk\[\/b\] \(#3\).*keeping 1 completed/);
    const facts = (await w.data()).training!.learners[String(ben)]!;
    expect(facts).toMatchObject({ groupId: 3, completed: { 'x-lesson': '2026-01-02' }, stopped: null });
    expect((await storedByName(w, 'High risk')).members.some((m) => m.userId === ben)).toBe(true);
    // The bot put him into Low risk's workgroup (rules apply): he leaves it, and is in High risk's.
    expect(last(out).text).toMatch(/left the Bitrix24 workgroup of \[b\]Low risk\[\/b\]/);
    const low = await storedByName(w, 'Low risk');
    const high = await storedByName(w, 'High risk');
    expect(low.members.some((m) => m.userId === ben)).toBe(false);
    expect(w.portal.state.workgroups.get(low.workgroupId)!.members.has(ben)).toBe(false);
    expect(w.portal.state.workgroups.get(high.workgroupId)!.members.has(ben)).toBe(true);
  });

  it('a move of someone who came with the workgroup itself leaves them in the old workgroup', async () => {
    const anna = w.demo.learners[0];
    await w.rt.store.update(w.memberId, (d) => {
      const m = d.groups.find((g) => g.name === 'Low risk')!.members.find((x) => x.userId === anna)!;
      m.addedBy = 0;
    });
    const out = await w.say(admin, `/training move ${at(anna, 'Anna')} Average risk`);
    expect(last(out).text).not.toMatch(/left the Bitrix24 workgroup/);
    const low = await storedByName(w, 'Low risk');
    expect(w.portal.state.workgroups.get(low.workgroupId)!.members.has(anna)).toBe(true);
    const avg = await storedByName(w, 'Average risk');
    expect(w.portal.state.workgroups.get(avg.workgroupId)!.members.has(anna)).toBe(true);
  });

  it('unknown groups and people get a clear answer', async () => {
    expect(last(await w.say(admin, '/training start Nowhere')).text).toMatch(/cannot find the group "Nowhere"/);
    expect(last(await w.say(admin, `/training stop ${at(w.demo.moderators[0], 'Mark')}`)).text).toMatch(/is in no training group/);
    expect(last(await w.say(admin, '/training start #1 2026-02-31')).text).toMatch(/not a date I can read/);
  });
});
