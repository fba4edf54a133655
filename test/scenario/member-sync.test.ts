// The scheduler's membership sync through the emulator: an invitation accepted or a member removed in Bitrix24 reaches "my courses" at the next pass; its pace and its cost on 1,000 groups.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StudyGroup } from '../../src/domain/model.js';
import { removeMember, setMember } from '../../src/sandbox/emulator/workgroups.js';
import { seedCourse, seedGroup, seedModerators, updateGroup } from '../helpers/seed.js';
import { startWorld, type World } from '../helpers/world.js';
import { last, stored } from './group-helpers.js';

const MINUTE = 60_000;

describe('membership sync with Bitrix24', () => {
  let w: World;
  let mod: number;
  let learner: number;
  let group: StudyGroup;

  /** Requests the bot made since `from`, as the portal counts them: batch commands inside a request are not requests, and polling is how events arrive. */
  const requestsSince = (from: number) =>
    w.portal.requests.slice(from).filter((r) => r.via !== 'batch-inner' && r.method !== 'imbot.v2.Event.get');
  const myCourses = async (userId: number) => last(await w.say(userId, 'my courses')).text;

  beforeAll(async () => {
    w = await startWorld();
    mod = w.demo.moderators[0];
    learner = w.demo.learners[4]; // Emma: in no workgroup yet
    await seedModerators(w, [mod]);
    const out = await w.say(mod, '/group create "Sync cohort"');
    expect(last(out).text).toContain('(#');
    group = (await w.data()).groups.find((g) => g.name === 'Sync cohort')!;
    const course = await seedCourse(w, { title: 'Closed statics' });
    await updateGroup(w, group.id, { courseIds: [course.id] });
    // Mark is no portal admin: Bitrix24 lets him invite only.
    expect(last(await w.say(mod, `/group add #${group.id} ${learner}`)).text).toMatch(/Invited \(1\)/);
  });
  afterAll(async () => w?.close());

  it('before anything happens in Bitrix24, the invited learner does not see the closed course', async () => {
    expect(await myCourses(learner)).not.toContain('Closed statics');
    // The first tick starts a pass: it reads the workgroup and finds nothing new, so it writes nothing.
    const report = await w.rt.scheduler.tick(w.memberId);
    expect(report.sync).toMatchObject({ requests: 1, changed: 0, finished: true });
  });

  it('an invitation accepted in Bitrix24 shows in "my courses" after the next pass, and "my courses" still reads nothing', async () => {
    await w.portal.as(learner).acceptInvitation(group.workgroupId);
    // The pass is not due yet: nothing is asked of the portal.
    let from = w.portal.requests.length;
    expect((await w.rt.scheduler.tick(w.memberId)).sync).toBeUndefined();
    expect(requestsSince(from)).toEqual([]);

    w.emu.clock.advance(5 * MINUTE);
    from = w.portal.requests.length;
    const report = await w.rt.scheduler.tick(w.memberId);
    expect(report.sync).toMatchObject({ requests: 1, read: 1, changed: 1, unreadable: 0, finished: true });
    const made = requestsSince(from);
    expect(made.map((r) => r.method)).toEqual(['batch']);
    // Work nobody asked for runs as the installation (its installer, the admin).
    expect(w.portal.requests.slice(from).filter((r) => r.via === 'batch-inner').map((r) => r.method)).toEqual(['socialnetwork.api.workgroup.get']);
    expect((await stored(w, group.id))!.members.find((m) => m.userId === learner)?.status).toBe('member');

    from = w.portal.requests.length;
    expect(await myCourses(learner)).toContain('Closed statics');
    expect(requestsSince(from).map((r) => r.method)).toEqual(['imbot.v2.Chat.Message.send']);
  });

  it('a second tick right after makes no request', async () => {
    const from = w.portal.requests.length;
    const report = await w.rt.scheduler.tick(w.memberId);
    expect(report.sync).toBeUndefined();
    expect(requestsSince(from)).toEqual([]);
  });

  it('someone removed from the workgroup in Bitrix24 stops seeing the closed course after the next pass', async () => {
    const wg = w.portal.state.workgroups.get(group.workgroupId)!;
    removeMember(w.portal.state, wg, learner, w.portal.now());
    // Until the pass, the store (and so "my courses") still says member: the price of answering without reads.
    expect(await myCourses(learner)).toContain('Closed statics');
    w.emu.clock.advance(5 * MINUTE);
    const report = await w.rt.scheduler.tick(w.memberId);
    expect(report.sync).toMatchObject({ changed: 1 });
    expect((await stored(w, group.id))!.members.some((m) => m.userId === learner)).toBe(false);
    const from = w.portal.requests.length;
    expect(await myCourses(learner)).not.toContain('Closed statics');
    expect(requestsSince(from).map((r) => r.method)).toEqual(['imbot.v2.Chat.Message.send']);
  });

  it('a workgroup deleted in Bitrix24 leaves its study group as it is; archived groups are not read', async () => {
    const doomed = await seedGroup(w, { name: 'Doomed', memberIds: [w.demo.learners[0]], courseIds: [] });
    const archived = await seedGroup(w, { name: 'Shelved', memberIds: [w.demo.learners[1]], archived: true });
    w.portal.state.workgroups.get(archived.workgroupId)!.members.clear();
    w.portal.state.workgroups.delete(doomed.workgroupId);
    const before = await w.data();
    w.emu.clock.advance(5 * MINUTE);
    const from = w.portal.requests.length;
    const report = await w.rt.scheduler.tick(w.memberId);
    expect(report.sync).toMatchObject({ unreadable: 1, changed: 0, failures: 0 });
    const asked = w.portal.requests
      .slice(from)
      .filter((r) => r.via === 'batch-inner')
      .map((r) => JSON.stringify(r.params));
    expect(asked.some((p) => p.includes(String(archived.workgroupId)))).toBe(false);
    const after = await w.data();
    expect(after.groups.find((g) => g.id === doomed.id)).toEqual(before.groups.find((g) => g.id === doomed.id));
    expect(after.groups.find((g) => g.id === archived.id)).toEqual(before.groups.find((g) => g.id === archived.id));
    expect(report.failures).toBe(0);
  });
});

describe('membership sync on a big portal', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld();
  });
  afterAll(async () => w?.close());

  const requestsSince = (from: number) =>
    w.portal.requests.slice(from).filter((r) => r.via !== 'batch-inner' && r.method !== 'imbot.v2.Event.get');

  it('1,000 groups take at most 20 batch requests per pass, and the pass writes only what Bitrix24 changed', async () => {
    const mod = w.demo.moderators[0];
    const people = w.demo.learners;
    const nowIso = new Date(w.emu.clock.now()).toISOString();
    const made = Array.from({ length: 1000 }, (_, i) => {
      const memberIds = [people[i % people.length]!];
      return { wg: w.portal.addWorkgroup({ name: `Bulk ${i + 1}`, ownerId: mod, memberIds }).id, memberIds };
    });
    // One update: a thousand seedGroup calls would each rewrite the file.
    await w.rt.store.update(w.memberId, (d) => {
      for (const [i, m] of made.entries()) {
        d.counters.group += 1;
        d.groups.push({
          id: d.counters.group,
          name: `Bulk ${i + 1}`,
          description: '',
          workgroupId: m.wg,
          linked: false,
          ownerId: mod,
          privacy: 'closed',
          accessFrom: null,
          accessTo: null,
          archived: false,
          members: [mod, ...m.memberIds].map((userId) => ({ userId, status: 'member' as const, since: nowIso, addedBy: mod })),
          // A third have a course: they are read first.
          courseIds: i % 3 === 0 ? [1] : [],
          chatDialogIds: [],
          createdBy: mod,
          createdAt: nowIso,
        });
      }
    });
    // Someone joins one of them in Bitrix24 itself.
    const joined = made[777]!;
    const newcomer = w.demo.learners[5];
    setMember(w.portal.state, w.portal.state.workgroups.get(joined.wg)!, newcomer, 'K', mod, w.portal.now());

    const from = w.portal.requests.length;
    const started = Date.now();
    const report = await w.rt.scheduler.tick(w.memberId);
    const ms = Date.now() - started;
    const batches = requestsSince(from).filter((r) => r.method === 'batch').length;
    expect(report.sync).toMatchObject({ read: 1000, changed: 1, unreadable: 0, failures: 0, finished: true });
    expect(report.sync!.requests).toBe(batches);
    expect(batches).toBeLessThanOrEqual(20);
    expect(w.portal.requests.slice(from).filter((r) => r.via === 'batch-inner')).toHaveLength(1000);
    const g = (await w.data()).groups.find((x) => x.workgroupId === joined.wg)!;
    expect(g.members.map((m) => m.userId)).toContain(newcomer);
    // The figure for the report: a whole pass over 1,000 groups against the emulator.
    console.info(`member sync: ${report.sync!.read} workgroups in ${batches} batch requests, ${ms} ms`);

    const again = w.portal.requests.length;
    expect((await w.rt.scheduler.tick(w.memberId)).sync).toBeUndefined();
    expect(requestsSince(again)).toEqual([]);
  });
});
