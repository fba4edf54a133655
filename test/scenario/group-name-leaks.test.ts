// Someone who may not see a group gets exactly the answer for a group that does not exist: no name, no number, whichever command and however the group is named.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedBoundChat, seedCourse, seedGroup, seedModerators } from '../helpers/seed.js';
import { startWorld, type World } from '../helpers/world.js';
import { last } from './group-helpers.js';

describe('group names do not leak', () => {
  let w: World;
  let mod: number;
  let member: number;
  let outsider: number;
  let ext: number;
  let secretId: number;
  let courseId: number;
  /** An id no group has. */
  let noneId: number;

  const answer = async (userId: number, text: string) => last(await w.say(userId, text)).text;
  const notFound = (ref: string) => `I cannot find the group "${ref}". /group list shows the groups you can use.`;

  beforeAll(async () => {
    w = await startWorld();
    mod = w.demo.moderators[0];
    member = w.demo.learners[0];
    outsider = w.demo.learners[4];
    ext = w.demo.external;
    await seedModerators(w, [mod]);
    courseId = (await seedCourse(w, { title: 'Pricing' })).id;
    secretId = (await seedGroup(w, { name: 'Secret cohort', memberIds: [member], courseIds: [courseId] })).id;
    noneId = secretId + 1000;
  });
  afterAll(async () => w?.close());

  it('an unknown group is answered the same way by every command (the baseline)', async () => {
    for (const userId of [outsider, ext]) {
      expect(await answer(userId, `/group leave #${noneId}`)).toBe(notFound(`#${noneId}`));
      expect(await answer(userId, '/group info "No such cohort"')).toBe(notFound('No such cohort'));
      expect(await answer(userId, `/course attach #${courseId} #${noneId}`)).toBe(notFound(`#${noneId}`));
    }
  });

  it('/group leave by a non-member: as for an unknown group, the reference echoed as typed', async () => {
    for (const userId of [outsider, ext]) {
      expect(await answer(userId, `/group leave #${secretId}`)).toBe(notFound(`#${secretId}`));
      expect(await answer(userId, `/group leave ${secretId}`)).toBe(notFound(`#${secretId}`));
      expect(await answer(userId, '/group leave "Secret cohort"')).toBe(notFound('Secret cohort'));
      expect(await answer(userId, '/group leave "secret COHORT"')).toBe(notFound('secret COHORT'));
    }
    // A moderator may see every group, so is told plainly.
    expect(await answer(mod, `/group leave #${secretId}`)).toBe('You are not in the group "Secret cohort".');
  });

  it('/course attach and detach by someone who may not see the group: as for an unknown group', async () => {
    for (const userId of [outsider, ext]) {
      for (const verb of ['attach', 'detach']) {
        expect(await answer(userId, `/course ${verb} #${courseId} #${secretId}`)).toBe(notFound(`#${secretId}`));
        expect(await answer(userId, `/course ${verb} Pricing "Secret cohort"`)).toBe(notFound('Secret cohort'));
      }
    }
    // Its member may see it: told who may change its courses.
    expect(await answer(member, `/course detach #${courseId} #${secretId}`)).toMatch(/can change the courses of "Secret cohort"/);
    expect((await w.data()).groups.find((g) => g.id === secretId)!.courseIds).toEqual([courseId]);
  });

  it('/group info, members and dates with a hidden name or number answer as for an unknown one', async () => {
    for (const userId of [outsider, ext]) {
      expect(await answer(userId, '/group info "Secret cohort"')).toBe(notFound('Secret cohort'));
      expect(await answer(userId, `/group info #${secretId}`)).toBe(notFound(`#${secretId}`));
      expect(await answer(userId, '/group members "Secret cohort"')).toBe(notFound('Secret cohort'));
      expect(await answer(userId, '/group dates "Secret cohort" 2030-01-01 2030-01-31')).toBe(notFound('Secret cohort'));
    }
    expect(await answer(member, '/group info "Secret cohort"')).toMatch(/Secret cohort/);
  });

  it('a name shared with a group the caller may not see is not "ambiguous": their own group is meant', async () => {
    const mine = await seedGroup(w, { name: 'Twin', memberIds: [outsider] });
    await seedGroup(w, { name: 'Twin', memberIds: [member] });
    expect(await answer(outsider, '/group info Twin')).toMatch(new RegExp(`Twin[\\s\\S]*#${mine.id}|#${mine.id}[\\s\\S]*Twin`));
    expect(await answer(outsider, '/group info Twin')).not.toMatch(/Several groups/);
    expect(await answer(ext, '/group info Twin')).toBe(notFound('Twin'));
    expect(await answer(ext, `/course attach #${courseId} Twin`)).toBe(notFound('Twin'));
    // A moderator sees both, so is asked which.
    expect(await answer(mod, '/group info Twin')).toMatch(/Several groups are called "Twin"/);
  });

  it("in a bound chat, a hidden group's name reads as text, exactly like a name no group has", async () => {
    // The outsider owns another group's workgroup, so may manage that group, in its bound chat.
    const own = await seedGroup(w, { name: 'Own cohort', ownerId: outsider, memberIds: [outsider] });
    const chat = await seedBoundChat(w, own.id, { title: 'Own chat', ownerId: outsider, memberIds: [outsider] });
    const described = async (text: string) => {
      last(await w.say(outsider, `/group describe ${text}`, chat));
      return (await w.data()).groups.find((g) => g.id === own.id)!.description;
    };
    expect(await described('"No such cohort" week one')).toBe('"No such cohort" week one');
    expect(await described('"Secret cohort" week one')).toBe('"Secret cohort" week one');
    expect((await w.data()).groups.find((g) => g.id === secretId)!.description).toBe('');
  });
});
