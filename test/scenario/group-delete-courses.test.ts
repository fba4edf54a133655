// Deleting a study group must not publish the courses only it closed: the confirmation names them and the moderator chooses to hide or open them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedCourse, seedGroup, seedModerators } from '../helpers/seed.js';
import { startWorld, type World } from '../helpers/world.js';
import { buttons, last, stored } from './group-helpers.js';

describe('deleting a group with closed courses', () => {
  let w: World;
  let mod: number;
  let member: number;
  let outsider: number;
  let ext: number;
  let secret: number;
  let shared: number;
  let tagged: number;
  let keepsGroupId: number;

  const listOf = async (userId: number) => last(await w.say(userId, '/course list')).text;
  const myCoursesOf = async (userId: number) => last(await w.say(userId, 'my courses')).text;
  /** What a learner outside every group and an external user see, in /course list and "my courses". */
  const seenByOutsiders = async () => [await listOf(outsider), await myCoursesOf(outsider), await listOf(ext), await myCoursesOf(ext)];

  beforeAll(async () => {
    w = await startWorld();
    mod = w.demo.moderators[0];
    member = w.demo.learners[0];
    outsider = w.demo.learners[4];
    ext = w.demo.external;
    await seedModerators(w, [mod]);
    secret = (await seedCourse(w, { title: 'Secret pricing' })).id;
    shared = (await seedCourse(w, { title: 'Shared closing' })).id;
    tagged = (await seedCourse(w, { title: '[b]Bold[/b] internals', hiddenFromExtranet: true })).id;
    keepsGroupId = (await seedGroup(w, { name: 'Closing cohort', memberIds: [member], courseIds: [shared] })).id;
  });
  afterAll(async () => w?.close());

  it('the confirmation names the courses that would become open to everyone, and offers hide or open', async () => {
    const g = await seedGroup(w, { name: 'Pricing cohort', memberIds: [member], courseIds: [secret, shared, tagged] });
    const confirm = last(await w.say(mod, `/group delete #${g.id}`));
    expect(confirm.text).toMatch(/Delete the study group \[b\]Pricing cohort\[\/b\]/);
    expect(confirm.text).toContain(`Courses in no other group (2)`);
    expect(confirm.text).toContain(`• Secret pricing (#${secret})`);
    // Typed titles are escaped; a course hidden from external users says so.
    expect(confirm.text).toContain(`• ［b］Bold［/b］ internals (#${tagged}) — hidden from external users`);
    // A course another group still closes stays closed: not named.
    expect(confirm.text).not.toContain('Shared closing');
    expect(buttons(confirm)).toEqual(['Delete, and hide its courses from the catalog', 'Delete, and open its courses to everyone', 'Keep it']);
    expect(last(await w.press(mod, confirm.id, 'Keep it')).text).toMatch(/Nothing deleted/);
    expect(await stored(w, g.id)).toBeDefined();
  });

  it('"hide": the group goes, its courses are seen by nobody but moderators, neither in /course list nor in "my courses"', async () => {
    const g = (await w.data()).groups.find((x) => x.name === 'Pricing cohort')!;
    const confirm = last(await w.say(mod, `/group delete #${g.id}`));
    const done = last(await w.press(mod, confirm.id, 'Delete, and hide its courses from the catalog'));
    expect(done.text).toMatch(/"Pricing cohort" \(#\d+\) and its Bitrix24 workgroup #\d+ are deleted/);
    expect(done.text).toContain('Hidden from the catalog (2), only moderators see them');
    expect(done.text).toContain(`• Secret pricing (#${secret})`);
    expect(await stored(w, g.id)).toBeUndefined();
    const data = await w.data();
    expect(data.courses.filter((c) => c.hiddenFromCatalog).map((c) => c.id).sort()).toEqual([secret, tagged].sort());

    for (const text of [...(await seenByOutsiders()), await listOf(member), await myCoursesOf(member)]) {
      expect(text).not.toContain('Secret pricing');
      expect(text).not.toContain('internals');
    }
    // The shared course is still closed by its other group: its member sees it, outsiders do not.
    for (const text of await seenByOutsiders()) expect(text).not.toContain('Shared closing');
    expect(await myCoursesOf(member)).toContain('Shared closing');
    // Moderators still have them, marked, with the way back.
    const catalog = await listOf(mod);
    expect(catalog).toContain(`Secret pricing[/url] — hidden from the catalog: only moderators see it (/course catalog #${secret} on opens it)`);
  });

  it('a hidden course attached to a group is closed as usual; detached again it stays hidden; /course catalog on opens it', async () => {
    const attached = last(await w.say(mod, `/course attach #${secret} #${keepsGroupId}`)).text;
    expect(attached).toContain('is now in "Closing cohort"');
    expect(await myCoursesOf(member)).toContain('Secret pricing');
    for (const text of await seenByOutsiders()) expect(text).not.toContain('Secret pricing');

    const detached = last(await w.say(mod, `/course detach #${secret} #${keepsGroupId}`)).text;
    expect(detached).toContain('stays hidden from the catalog');
    for (const text of [...(await seenByOutsiders()), await myCoursesOf(member)]) expect(text).not.toContain('Secret pricing');

    expect(last(await w.say(outsider, `/course catalog #${secret} on`)).text).toMatch(/Only training moderators/);
    expect(last(await w.say(mod, `/course catalog #${secret} on`)).text).toContain('"Secret pricing" is back in the catalog');
    for (const text of await seenByOutsiders()) expect(text).toContain('Secret pricing');
    expect(last(await w.say(mod, `/course catalog #${secret} off`)).text).toContain('is hidden from the catalog now');
    for (const text of await seenByOutsiders()) expect(text).not.toContain('Secret pricing');
  });

  it('"open": the group goes and its courses are open to everyone, external users included', async () => {
    const openMe = (await seedCourse(w, { title: 'Open me' })).id;
    const g = await seedGroup(w, { name: 'Open cohort', memberIds: [member], courseIds: [openMe] });
    for (const text of await seenByOutsiders()) expect(text).not.toContain('Open me');
    const confirm = last(await w.say(mod, `/group delete #${g.id}`));
    expect(confirm.text).toContain(`• Open me (#${openMe})`);
    const done = last(await w.press(mod, confirm.id, 'Delete, and open its courses to everyone'));
    expect(done.text).toContain(`Open to everyone now (1):\n• Open me (#${openMe})`);
    expect(await stored(w, g.id)).toBeUndefined();
    expect((await w.data()).courses.find((c) => c.id === openMe)!.hiddenFromCatalog).not.toBe(true);
    for (const text of await seenByOutsiders()) expect(text).toContain('Open me');
  });

  it('a plain "Delete" asked before a course was attached asks again with the choice, deleting nothing', async () => {
    const g = await seedGroup(w, { name: 'Late course', memberIds: [member] });
    const confirm = last(await w.say(mod, `/group delete #${g.id}`));
    expect(buttons(confirm)).toEqual(['Delete', 'Keep it']);
    const late = (await seedCourse(w, { title: 'Late addition' })).id;
    await w.say(mod, `/course attach #${late} #${g.id}`);
    const again = last(await w.press(mod, confirm.id, 'Delete'));
    expect(again.text).toContain(`• Late addition (#${late})`);
    expect(buttons(again)).toContain('Delete, and hide its courses from the catalog');
    expect(await stored(w, g.id)).toBeDefined();
    expect(w.portal.state.workgroups.has(g.workgroupId)).toBe(true);
    for (const text of await seenByOutsiders()) expect(text).not.toContain('Late addition');
  });

  it('in Russian on a Russian portal', async () => {
    const ru = await startWorld({ emulator: w.emu, slug: 'ru-delete', language: 'ru' });
    try {
      const course = (await seedCourse(ru, { title: 'Курс группы' })).id;
      const g = await seedGroup(ru, { name: 'Русская группа', ownerId: ru.demo.admin, courseIds: [course] });
      const confirm = last(await ru.say(ru.demo.admin, `/group delete #${g.id}`));
      expect(confirm.text).toContain(`Курсы, которых нет в других группах (1)`);
      expect(confirm.text).toContain(`• Курс группы (#${course})`);
      expect(buttons(confirm)).toEqual(['Удалить и скрыть её курсы из каталога', 'Удалить и открыть её курсы всем', 'Оставить']);
      const done = last(await ru.press(ru.demo.admin, confirm.id, 'Удалить и скрыть её курсы из каталога'));
      expect(done.text).toContain(`Скрыты из каталога (1), их видят только модераторы:\n• Курс группы (#${course})`);
      expect(last(await ru.say(ru.demo.learners[0], '/course list')).text).not.toContain('Курс группы');
    } finally {
      await ru.close();
    }
  });
});
