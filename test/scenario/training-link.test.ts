// `/group link <workgroup> <group>`: a Bitrix24 workgroup linked onto a default training group that has none yet.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../helpers/world.js';
import { last, storedByName } from './group-helpers.js';

describe('linking a workgroup onto a default group', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld({ trainingDefaults: true });
  });
  afterAll(async () => w?.close());

  it('takes the workgroup and its members; the training settings and the group stay', async () => {
    const before = await storedByName(w, 'Low risk');
    const count = (await w.data()).groups.length;
    expect(before.workgroupId).toBe(0);
    await w.say(w.demo.admin, `/group link ${w.demo.adminGroup} Low risk`);
    const g = (await w.data()).groups.find((x) => x.id === before.id)!;
    expect(g).toMatchObject({ workgroupId: w.demo.adminGroup, linked: true, name: 'Leadership school', training: before.training });
    expect(g.members.map((m) => m.userId)).toEqual(expect.arrayContaining([w.demo.admin, w.demo.learners[3]]));
    expect((await w.data()).groups).toHaveLength(count);
  });

  it('refuses a group that has a workgroup already, and a workgroup linked already; nothing changes', async () => {
    const before = JSON.stringify((await w.data()).groups);
    expect(last(await w.say(w.demo.admin, `/group link ${w.demo.moderatorGroup} #1`)).text).toMatch(/has a Bitrix24 workgroup already \(#\d+\): nothing changed/);
    expect(last(await w.say(w.demo.admin, `/group link ${w.demo.adminGroup} Average risk`)).text).toMatch(/already the study group/);
    expect(last(await w.say(w.demo.admin, '/group link 9999 Average risk')).text).toMatch(/9999/);
    expect(last(await w.say(w.demo.admin, `/group link ${w.demo.moderatorGroup} Nowhere`)).text).toMatch(/cannot find the group "Nowhere"/);
    expect(JSON.stringify((await w.data()).groups)).toBe(before);
  });
});

describe('linking onto a group, in Russian', () => {
  it('answers in the portal language', async () => {
    const w = await startWorld({ trainingDefaults: true, language: 'ru' });
    try {
      await w.say(w.demo.admin, `/group link ${w.demo.adminGroup} #1`);
      const text = last(await w.say(w.demo.admin, `/group link ${w.demo.moderatorGroup} #1`)).text;
      expect(text).toMatch(/уже есть рабочая группа Битрикс24/);
    } finally {
      await w.close();
    }
  });
});
