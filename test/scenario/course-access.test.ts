// Issue 4 scenarios: the course catalog, closed courses by membership, window and archive, external users, and "my courses" without REST reads.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { day, methodsSince, seedCourse, seedGroup, seedModerators, updateGroup } from '../helpers/seed.js';
import { startWorld, type World } from '../helpers/world.js';

describe('the course catalog', () => {
  let w: World;
  let mod: number;
  beforeAll(async () => {
    w = await startWorld();
    mod = w.demo.moderators[0];
    await seedModerators(w, [mod]);
  });
  afterAll(async () => w?.close());

  it('a moderator adds a course; the title may be plain words or quoted; a kind word makes it a test', async () => {
    const out = await w.say(mod, '/course add "Sales basics" https://lms.example.com/sales');
    expect(out).toHaveLength(1);
    expect(out[0]!.text).toContain('#1');
    expect(out[0]!.text).toContain('[url=https://lms.example.com/sales]Sales basics[/url]');
    await w.say(mod, '/course add Objection handling drill https://lms.example.com/quiz test');
    const data = await w.data();
    expect(data.courses.map((c) => [c.id, c.title, c.kind])).toEqual([
      [1, 'Sales basics', 'course'],
      [2, 'Objection handling drill', 'test'],
    ]);
  });

  it('the same command twice makes one course', async () => {
    const out = await w.say(mod, '/course add "Sales basics" https://lms.example.com/sales');
    expect(out[0]!.text).toContain('already in the catalog as #1');
    expect((await w.data()).courses).toHaveLength(2);
  });

  it('refuses links that are not http or https, and changes nothing', async () => {
    for (const url of ['javascript:alert(1)', 'ftp://files.example.com/x', 'lms.example.com/x', 'https://user:pw@evil.example/']) {
      const out = await w.say(mod, `/course add Evil ${url}`);
      expect(out[0]!.text).toContain('only http:// and https://');
    }
    expect((await w.data()).courses).toHaveLength(2);
  });

  it('shows BB-code typed in a title as text', async () => {
    const out = await w.say(mod, '/course add "[b]Bold[/b] [url=https://evil.example]x[/url]" https://lms.example.com/b');
    const text = out[0]!.text;
    expect(text).not.toContain('[b]Bold');
    expect(text).not.toContain('[url=https://evil.example]');
    expect(text).toContain('［b］Bold［/b］');
    // Stored as typed; escaped only where it goes into BB-code.
    expect((await w.data()).courses.at(-1)!.title).toBe('[b]Bold[/b] [url=https://evil.example]x[/url]');
  });

  it('a learner may not add courses', async () => {
    const before = (await w.data()).courses.length;
    const out = await w.say(w.demo.learners[0], '/course add Mine https://lms.example.com/m');
    expect(out[0]!.text).toContain('Only training moderators');
    expect((await w.data()).courses).toHaveLength(before);
  });

  it('adds discussion prompts and hides a course from the extranet', async () => {
    const out = await w.say(mod, '/course prompt #1 What will you try "first" with a client?');
    expect(out[0]!.text).toContain('Discussion prompt added');
    const ext = await w.say(mod, '/course extranet "Sales basics" off');
    expect(ext[0]!.text).toContain('hidden from external users');
    const c = (await w.data()).courses[0]!;
    expect(c.prompts).toEqual(['What will you try "first" with a client?']);
    expect(c.hiddenFromExtranet).toBe(true);
    await w.say(mod, '/course extranet #1 on');
    expect((await w.data()).courses[0]!.hiddenFromExtranet).toBe(false);
  });

  it('answers unknown courses and sub-commands clearly', async () => {
    expect((await w.say(mod, '/course prompt #99 hello'))[0]!.text).toContain('cannot find the course "#99"');
    expect((await w.say(mod, '/course frobnicate'))[0]!.text).toContain('do not know "frobnicate"');
  });
});

describe('closed courses', () => {
  let w: World;
  let mod: number;
  let member: number;
  let outsider: number;
  let groupId: number;
  let closedId: number;
  let openId: number;
  let hiddenId: number;
  let extGroupId: number;
  let extCourseId: number;

  const listOf = async (userId: number) => (await w.say(userId, '/course list'))[0]!.text;
  const myCoursesOf = async (userId: number) => (await w.say(userId, 'my courses'))[0]!.text;

  beforeAll(async () => {
    w = await startWorld();
    mod = w.demo.moderators[0];
    member = w.demo.learners[0];
    outsider = w.demo.learners[4];
    await seedModerators(w, [mod]);
    closedId = (await seedCourse(w, { title: 'Closed negotiation' })).id;
    openId = (await seedCourse(w, { title: 'Open onboarding' })).id;
    hiddenId = (await seedCourse(w, { title: 'Internal only', hiddenFromExtranet: true })).id;
    extCourseId = (await seedCourse(w, { title: 'Partner programme', hiddenFromExtranet: true })).id;
    const g = await seedGroup(w, {
      name: 'Sales onboarding',
      workgroupId: w.demo.moderatorGroup,
      memberIds: [member, w.demo.learners[1]],
      invitedIds: [w.demo.learners[2]],
      accessFrom: day(w, -1),
      accessTo: day(w, 5),
    });
    groupId = g.id;
    const ext = await seedGroup(w, { name: 'Partners', memberIds: [w.demo.external], courseIds: [extCourseId] });
    extGroupId = ext.id;
    const out = await w.say(mod, `/course attach #${closedId} #${groupId}`);
    expect(out[0]!.text).toContain('is now in "Sales onboarding"');
  });
  afterAll(async () => w?.close());

  it('a member sees the closed course, a non-member and an invitee do not (/course list)', async () => {
    const mine = await listOf(member);
    expect(mine).toContain('Closed negotiation');
    expect(mine).toContain('Sales onboarding');
    expect(mine).toContain('Open onboarding');
    const theirs = await listOf(outsider);
    expect(theirs).not.toContain('Closed negotiation');
    expect(theirs).toContain('Open onboarding');
    expect(await listOf(w.demo.learners[2])).not.toContain('Closed negotiation');
  });

  it('the same in "my courses": the group with its courses and dates, then the open courses', async () => {
    const mine = await myCoursesOf(member);
    expect(mine).toContain('My groups');
    expect(mine).toMatch(/Sales onboarding\[\/b\] · \d+ \w+ \d{4} – \d+ \w+ \d{4}/);
    expect(mine).toContain(`[url=https://lms.example.com/c/${closedId}]Closed negotiation[/url]`);
    expect(mine.indexOf('Closed negotiation')).toBeLessThan(mine.indexOf('Open courses'));
    expect(mine.slice(mine.indexOf('Open courses'))).not.toContain('Closed negotiation');
    const theirs = await myCoursesOf(outsider);
    expect(theirs).not.toContain('Closed negotiation');
    expect(theirs).toContain('not in a study group');
    expect(theirs).toContain('Open onboarding');
  });

  it('before the window opens and after it closes nobody sees it; the moderator still does, marked closed', async () => {
    for (const window of [
      { accessFrom: day(w, 1), accessTo: day(w, 5) },
      { accessFrom: day(w, -5), accessTo: day(w, -1) },
    ]) {
      await updateGroup(w, groupId, window);
      for (const userId of [member, outsider]) {
        expect(await listOf(userId)).not.toContain('Closed negotiation');
        expect(await myCoursesOf(userId)).not.toContain('Closed negotiation');
      }
      const moderatorView = await listOf(mod);
      expect(moderatorView).toContain('Closed negotiation');
      expect(moderatorView).toContain('🔒 closed: Sales onboarding');
    }
    // Both bounds are inclusive: a window that is today alone is open.
    await updateGroup(w, groupId, { accessFrom: day(w, 0), accessTo: day(w, 0) });
    expect(await listOf(member)).toContain('Closed negotiation');
    await updateGroup(w, groupId, { accessFrom: day(w, -1), accessTo: day(w, 5) });
  });

  it('archiving hides the group and its closed course from everyone but keeps it out of the open catalog', async () => {
    await updateGroup(w, groupId, { archived: true });
    for (const userId of [member, outsider]) {
      expect(await listOf(userId)).not.toContain('Closed negotiation');
      const mine = await myCoursesOf(userId);
      expect(mine).not.toContain('Closed negotiation');
      expect(mine).not.toContain('Sales onboarding');
    }
    await updateGroup(w, groupId, { archived: false });
    expect(await listOf(member)).toContain('Closed negotiation');
  });

  it('an external user sees only their groups\' courses and open courses not hidden from the extranet', async () => {
    for (const text of [await listOf(w.demo.external), await myCoursesOf(w.demo.external)]) {
      expect(text).toContain('Partner programme'); // closed to their group; hidden-from-extranet does not apply to a group's course
      expect(text).toContain('Open onboarding');
      expect(text).not.toContain('Internal only');
      expect(text).not.toContain('Closed negotiation');
    }
    // An employee outside the partners' group does not see the partners' closed course.
    expect(await listOf(outsider)).not.toContain('Partner programme');
    expect(extGroupId).toBeGreaterThan(0);
    expect(hiddenId).toBeGreaterThan(0);
    expect(openId).toBeGreaterThan(0);
  });

  it('detaching reopens a course to everyone', async () => {
    const out = await w.say(mod, `/course detach "Closed negotiation" "Sales onboarding"`);
    expect(out[0]!.text).toContain('open to every employee and to external users');
    expect(await listOf(outsider)).toContain('Closed negotiation');
    await w.say(mod, `/course attach #${closedId} #${groupId}`);
    expect(await listOf(outsider)).not.toContain('Closed negotiation');
  });

  it('"my courses" makes no REST request but its one answer', async () => {
    // In fetch modes the poller's Event.get is how the question arrives, not a read made to answer it.
    const answering = (from: number) => methodsSince(w, from).filter((m) => m !== 'imbot.v2.Event.get');
    for (const userId of [member, outsider, w.demo.external]) {
      const from = w.portal.requests.length;
      const out = await w.say(userId, 'my courses');
      expect(out).toHaveLength(1);
      expect(answering(from)).toEqual(['imbot.v2.Chat.Message.send']);
    }
    const from = w.portal.requests.length;
    await w.say(member, '/mycourses');
    expect(answering(from)).toEqual(['imbot.v2.Chat.Message.send']);
  });

  it.each(['my courses', 'My courses!', 'show my courses', 'Мои курсы', 'мои обучения', 'Какие у меня курсы?', 'покажи мои курсы', 'what are my courses'])(
    'understands "%s"',
    async (words) => {
      const out = await w.say(member, words);
      expect(out[0]!.text).toMatch(/My groups|Мои группы/);
    },
  );

  it.each(['my groups', 'My groups!', 'show my groups', 'which groups am I in?', 'Мои группы', 'покажи мои группы', 'в каких группах я состою?'])(
    '"%s" gets the answer of "my courses", titled "My groups"',
    async (words) => {
      const expected = (await w.say(member, 'my courses'))[0]!.text;
      const out = await w.say(member, words);
      expect(out).toHaveLength(1);
      expect(out[0]!.text).toBe(expected);
      expect(out[0]!.text.startsWith('[b]My groups[/b]')).toBe(true);
      expect(out[0]!.text).toContain('Sales onboarding');
    },
  );

  it('the group button opens that group\'s courses with open and done buttons', async () => {
    const out = await w.say(member, 'my courses');
    const msg = out[0]!;
    const button = msg.keyboard!.find((b) => b.text.includes('Sales onboarding'))!;
    const opened = await w.press(member, msg.id, button.text);
    expect(opened).toHaveLength(1);
    expect(opened[0]!.text).toContain('Closed negotiation');
    const labels = opened[0]!.keyboard!.map((b) => b.text);
    expect(labels).toContain('Open: Closed negotiation');
    expect(labels).toContain('Done ✓');
    const done = await w.press(member, opened[0]!.id, 'Done ✓');
    expect(done[0]!.text).toContain('marked as done');
    expect((await w.data()).completions).toContain(`${groupId}:${closedId}:${member}`);
    expect((await w.say(member, 'my courses'))[0]!.text).toContain('Closed negotiation[/url] ✅');
  });

  it('in a group chat, "my courses" goes to the private dialog', async () => {
    const chat = await w.portal.createChat({ title: 'Coffee', ownerId: member, memberIds: [outsider], withBot: w.botId });
    await w.settle();
    const inChat = await w.say(member, `[USER=${w.botId}]Study Groups[/USER] my courses`, chat.dialogId);
    expect(inChat.at(-1)!.text).toContain('sent your courses to our private chat');
    expect(inChat.some((m) => m.text.includes('Closed negotiation'))).toBe(false);
    const privately = w.portal.dialog(member, String(w.botId)).at(-1)!;
    expect(privately.text).toContain('Closed negotiation');
  });
});
