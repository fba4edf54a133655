// /training report and Nudge, one learner's report, the weekly digest on the portal's Monday; refusals change nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Attempt } from '../../src/domain/quiz/model.js';
import { addDays, todayAtOffset } from '../../src/domain/dates.js';
import { startWorld, type World } from '../helpers/world.js';
import { at, buttons, last } from './group-helpers.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;

const botMessages = (w: World, userId: number) => w.portal.dialog(userId, String(w.botId)).filter((m) => m.authorId === w.botId);
const digests = (w: World, userId: number) => botMessages(w, userId).filter((m) => /weekly training digest/.test(m.text));

function attempt(id: string, userId: number, courseId: number, percent: number, passed: boolean): Attempt {
  return {
    id, userId, test: { courseId }, groupId: 1, seed: 1, answers: [], messageId: null,
    startedAt: '2026-12-01T10:00:00.000Z', finishedAt: '2026-12-01T10:05:00.000Z', percent, threshold: 80, passed,
  };
}

describe('/training report, Nudge and the weekly digest', () => {
  let w: World;
  let admin: number;
  let anna: number;
  let ben: number;
  let mark: number;
  let offset = 0;
  beforeAll(async () => {
    w = await startWorld({ trainingDefaults: true });
    ({ admin } = w.demo);
    anna = w.demo.learners[0]!;
    ben = w.demo.learners[1]!;
    mark = w.demo.moderators[0]!;
    await w.say(admin, '/training rules apply');
    await w.say(admin, `/moderator add ${at(mark, 'Mark')}`);
    await w.say(admin, '/training start Low risk');
    offset = (await w.data()).installation.utcOffset ?? 0;
    w.emu.clock.advance(15 * DAY);
    const today = todayAtOffset(new Date(w.emu.clock.now()), offset);
    // Anna joined today (a late joiner: not behind); Ben has been in since the start and did nothing.
    await w.rt.store.update(w.memberId, (d) => {
      d.training!.learners[String(anna)] = { userId: anna, groupId: 1, since: today, completed: {}, pauses: [], stopped: null };
      d.training!.attempts = [attempt('t1', ben, 999, 40, false), attempt('t2', ben, 999, 85, true)];
    });
  });
  afterAll(async () => w?.close());

  it('the report lists the one who is behind, with counts, completion and the average score', async () => {
    const answer = await w.say(admin, '/training report Low risk');
    // The chart comes first, as a PNG in the chat; the card with its button is the newest message.
    expect(answer.length).toBeGreaterThanOrEqual(2);
    const picture = answer[answer.length - 2]!;
    expect(picture.files).toHaveLength(1);
    expect(picture.files[0]).toMatchObject({ type: 'image', extension: 'png', image: { width: 900, height: 500 } });
    const m = last(answer);
    expect(m.text).toMatch(/^Progress in \[b\]Low risk\[\/b\] \(#1\): 2 learners\./);
    expect(m.text).toMatch(/On track: 1 · Behind: 1 · Done: 0/);
    expect(m.text).toMatch(/Average score: 85%/);
    expect(m.text).toMatch(/Needs attention \(1\):/);
    expect(m.text).toContain(`[USER=${ben}]`);
    expect(m.text).toMatch(/behind by \d+ lessons, \d+ days/);
    expect(m.text).not.toContain(`[USER=${anna}]`);
    expect(buttons(m)).toEqual(['Nudge']);
  });

  it('Nudge reminds them once a day: a second press nudges nobody, the next day again', async () => {
    const card = last(await w.say(admin, '/training report #1'));
    const before = botMessages(w, ben).length;
    expect(last(await w.press(admin, card.id, 'Nudge')).text).toMatch(/1 reminded, 0 skipped/);
    await w.settle();
    const fresh = botMessages(w, ben).slice(before);
    expect(fresh).toHaveLength(1);
    expect(fresh[0]!.text).toMatch(/^A reminder from Low risk: your next step is \[b\].+\[\/b\]\./);
    expect(buttons(fresh[0]!)).toContain('Open lesson');
    expect(botMessages(w, anna).some((m) => /A reminder from/.test(m.text))).toBe(false);

    expect(last(await w.press(admin, card.id, 'Nudge')).text).toMatch(/0 reminded, 1 skipped as already nudged today/);
    await w.settle();
    expect(botMessages(w, ben)).toHaveLength(before + 1);

    w.emu.clock.advance(DAY);
    expect(last(await w.press(admin, card.id, 'Nudge')).text).toMatch(/1 reminded, 0 skipped/);
    await w.settle();
    expect(botMessages(w, ben)).toHaveLength(before + 2);
  });

  it('/training report <user>: their schedule, lessons done and test attempts', async () => {
    const m = last(await w.say(admin, `/training report ${at(ben, 'Ben')}`));
    expect(m.text).toMatch(/^Training report of \[USER=\d+\].*\[\/USER\] in \[b\]Low risk\[\/b\] \(#1\)/);
    expect(m.text).toMatch(/Behind · Done: 0 of \d+ lessons/);
    expect(m.text).toMatch(/overdue since/);
    expect(m.text).toMatch(/Test attempts \(2\):/);
    expect(m.text).toMatch(/failed, 40%/);
    expect(m.text).toMatch(/passed, 85%/);
  });

  it('refusals change nothing: not a moderator, unknown group, a person in no training group', async () => {
    const before = JSON.stringify((await w.data()).training);
    expect(last(await w.say(anna, '/training report Low risk')).text).not.toMatch(/Progress in/);
    expect(last(await w.say(admin, '/training report Nowhere')).text).toMatch(/cannot find the group "Nowhere"/);
    expect(last(await w.say(admin, `/training report ${at(mark, 'Mark')}`)).text).toMatch(/is in no training group/);
    expect(last(await w.say(admin, '/training digest maybe')).text).toMatch(/Use \/training digest off/);
    expect(last(await w.say(anna, '/training digest off')).text).not.toMatch(/digest is off/);
    expect(JSON.stringify((await w.data()).training)).toBe(before);
  });

  it('the digest arrives once a week on the portal\'s Monday morning, not for a moderator who opted out', async () => {
    expect(last(await w.say(mark, '/training digest off')).text).toMatch(/weekly digest is off/);
    expect((await w.data()).training!.progress!.digestOff).toEqual([mark]);
    // To the next portal Monday, 08:00 portal time: too early.
    const local = (ms: number) => new Date(ms + offset * 60_000);
    const now = w.emu.clock.now();
    const today = todayAtOffset(new Date(now), offset);
    const toMonday = (8 - local(now).getUTCDay()) % 7 || 7;
    const monday = addDays(today, toMonday);
    const eight = Date.parse(`${monday}T08:00:00Z`) - offset * 60_000;
    w.emu.clock.advance(eight - now);
    const adminBefore = digests(w, admin).length;
    await w.rt.scheduler.tick(w.memberId);
    await w.settle();
    expect(digests(w, admin)).toHaveLength(adminBefore);

    w.emu.clock.advance(2 * HOUR);
    await w.rt.scheduler.tick(w.memberId);
    await w.rt.scheduler.tick(w.memberId);
    await w.settle();
    const got = digests(w, admin).slice(adminBefore);
    expect(got).toHaveLength(1);
    expect(got[0]!.text).toMatch(/Progress in \[b\]Low risk\[\/b\] \(#1\)/);
    expect(got[0]!.text).toMatch(/Needs attention/);
    expect(digests(w, mark)).toHaveLength(0);
    expect((await w.data()).training!.progress!.digestWeek).toBe(monday);
    // Under the digest, the group's chart as a picture, once.
    const after = botMessages(w, admin).filter((m) => m.id > got[0]!.id);
    expect(after.filter((m) => m.files.length > 0).map((m) => m.files[0]!.name)).toEqual([`progress-1-${monday}.png`]);

    // Later that week nothing more; the next Monday one more.
    w.emu.clock.advance(DAY);
    await w.rt.scheduler.tick(w.memberId);
    await w.settle();
    expect(digests(w, admin)).toHaveLength(adminBefore + 1);
    w.emu.clock.advance(6 * DAY);
    await w.rt.scheduler.tick(w.memberId);
    await w.settle();
    expect(digests(w, admin)).toHaveLength(adminBefore + 2);

    expect(last(await w.say(mark, '/training digest on')).text).toMatch(/weekly digest is on/);
    expect((await w.data()).training!.progress!.digestOff).toEqual([]);
  });
});
