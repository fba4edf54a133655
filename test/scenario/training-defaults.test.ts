// The default Low/Average/High risk training groups: made at install without a workgroup, once; a workgroup when people are first added.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../helpers/world.js';
import { cardRows, last, storedByName } from './group-helpers.js';

const summary = (w: World) =>
  w.data().then((d) =>
    d.groups.filter((g) => g.training).map((g) => ({ name: g.name, workgroupId: g.workgroupId, ...g.training, run: undefined, courseId: undefined })),
  );

describe('default training groups', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld({ trainingDefaults: true });
  });
  afterAll(async () => w?.close());

  it('are there from installation, with the sample program and no Bitrix24 workgroup', async () => {
    expect(await summary(w)).toEqual([
      { name: 'Low risk', workgroupId: 0, minutesPerWeek: 30, passPercent: 70, level: 'beginner', run: undefined, courseId: undefined },
      { name: 'Average risk', workgroupId: 0, minutesPerWeek: 45, passPercent: 80, level: 'elementary', run: undefined, courseId: undefined },
      { name: 'High risk', workgroupId: 0, minutesPerWeek: 60, passPercent: 90, level: 'intermediate', run: undefined, courseId: undefined },
    ]);
    const d = await w.data();
    const course = d.courses.find((c) => c.id === d.groups[0]!.training!.courseId)!;
    expect(course.program?.topics.length).toBeGreaterThanOrEqual(5);
    expect(d.training?.rules.map((r) => r.groupId)).toEqual([3, 2, 1]);
    expect(w.portal.state.workgroups.size).toBe(2); // the demo company's own two
  });

  it('show "no workgroup yet" on the card, and get one when people are first added', async () => {
    const card = last(await w.say(w.demo.admin, '/group info "Low risk"'));
    expect(cardRows(card).get('Bitrix24 workgroup')).toMatch(/none yet/);
    const out = await w.say(w.demo.admin, `/group add "Low risk" ${w.demo.learners[0]}`);
    expect(last(out).text).toMatch(/added/i);
    const g = await storedByName(w, 'Low risk');
    expect(g.workgroupId).toBeGreaterThan(0);
    const wg = w.portal.state.workgroups.get(g.workgroupId)!;
    expect(wg.name).toBe('Low risk');
    expect([...wg.members.keys()]).toEqual(expect.arrayContaining([w.demo.admin, w.demo.learners[0]]));
  });

  it('a deleted default group is not made again on the next start', async () => {
    await w.rt.store.update(w.memberId, (d) => void (d.groups = d.groups.filter((g) => g.name !== 'High risk')));
    await w.restart();
    expect((await w.data()).groups.map((g) => g.name)).not.toContain('High risk');
  });

  it('an existing data file from before training gets them on the first start after the upgrade, once', async () => {
    await w.rt.store.update(w.memberId, (d) => {
      d.groups = d.groups.filter((g) => !g.training);
      d.courses = [];
      delete d.training;
    });
    await w.restart();
    const names = (await w.data()).groups.map((g) => g.name);
    expect(names.filter((n) => n.endsWith('risk'))).toEqual(['Low risk', 'Average risk', 'High risk']);
    await w.restart();
    expect((await w.data()).groups.filter((g) => g.training)).toHaveLength(3);
  });
});

// One-portal mode takes its language from DEFAULT_LANG, not the portal's: there, the names follow that.
describe.skipIf(process.env.SCENARIO_MODE?.startsWith('oneportal'))('default training groups on a Russian portal', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld({ trainingDefaults: true, language: 'ru' });
  });
  afterAll(async () => w?.close());

  it('are named in Russian', async () => {
    expect((await w.data()).groups.map((g) => g.name)).toEqual(['Низкий риск', 'Средний риск', 'Высокий риск']);
  });
});
