// The learner's side: "my training" in en and ru, "mark done", and due lessons reminded once each when the clock moves.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../helpers/world.js';
import { buttons, last } from './group-helpers.js';

const DAY = 86_400_000;

async function startedWorld(language: 'en' | 'ru'): Promise<World> {
  const w = await startWorld({ trainingDefaults: true, language });
  await w.say(w.demo.admin, '/training rules apply');
  await w.say(w.demo.admin, '/training start #1');
  return w;
}

const botMessages = (w: World, userId: number) => w.portal.dialog(userId, String(w.botId)).filter((m) => m.authorId === w.botId);

describe('my training', () => {
  let w: World;
  let anna: number;
  beforeAll(async () => {
    w = await startedWorld('en');
    anna = w.demo.learners[0];
  });
  afterAll(async () => w?.close());

  it('"my training" shows the group, progress, the current lesson and its buttons', async () => {
    const m = last(await w.say(anna, 'my training'));
    expect(m.text).toMatch(/^My training — \[b\]Low risk\[\/b\] \(#1\): On track$/m);
    expect(m.text).toMatch(/Done: 0 of \d+ lessons/);
    expect(m.text).toMatch(/Current lesson:\n\[b\].+\[\/b\] — \d+ min · due /);
    expect(buttons(m)).toEqual(['Open lesson', 'Mark done']);
    expect(last(await w.say(anna, '/training')).text).toBe(m.text);
  });

  it('"mark done" records the lesson once and moves on', async () => {
    const m = last(await w.say(anna, 'my training'));
    const after = last(await w.press(anna, m.id, 'Mark done'));
    expect(after.text).toMatch(/^Marked done: /);
    expect(after.text).toMatch(/Done: 1 of/);
    expect(Object.keys((await w.data()).training!.learners[String(anna)]!.completed)).toHaveLength(1);
    expect(last(await w.press(anna, m.id, 'Mark done')).text).toMatch(/marked done already/);
  });

  it('someone in no training group is told so', async () => {
    expect(last(await w.say(w.demo.moderators[0], 'my training')).text).toMatch(/You are in no training group yet/);
  });

  it('the scheduler reminds each due learner of each due lesson once, in batch requests', async () => {
    const ben = w.demo.learners[1];
    const before = { anna: botMessages(w, anna).length, ben: botMessages(w, ben).length, req: w.portal.requests.length };
    await w.rt.scheduler.tick(w.memberId);
    await w.settle();
    const annaNew = botMessages(w, anna).slice(before.anna);
    const benNew = botMessages(w, ben).slice(before.ben);
    // Anna marked one of week 1's lessons done: she gets the rest, Ben all of them.
    expect(benNew.length).toBeGreaterThan(0);
    expect(annaNew.length).toBe(benNew.length - 1);
    expect(benNew[0]!.text).toMatch(/^A lesson is due today in Low risk:/);
    expect(buttons(benNew[0]!)).toEqual(['Open lesson', 'Mark done']);
    // On a Monday morning the weekly digest (its own single sends to moderators) may go out in the same tick.
    const made = w.portal.requests.slice(before.req).filter((r) => r.via !== 'batch-inner' && !JSON.stringify(r.params).includes('weekly training digest'));
    expect(made.filter((r) => r.method === 'imbot.v2.Chat.Message.send')).toEqual([]);
    // All of them in one batch request (the membership sync may make its own).
    expect(made.filter((r) => r.method === 'batch' && JSON.stringify(r.params).includes('imbot.v2.Chat.Message.send'))).toHaveLength(1);
    // The learners of groups not started (Average, High risk) got nothing.
    expect(botMessages(w, w.demo.learners[4]).some((m) => /lesson is due/.test(m.text))).toBe(false);

    await w.rt.scheduler.tick(w.memberId);
    await w.restart();
    await w.rt.scheduler.tick(w.memberId);
    await w.settle();
    expect(botMessages(w, ben).length).toBe(before.ben + benNew.length);
  });

  it('a week later the next lessons are reminded, once', async () => {
    const ben = w.demo.learners[1];
    const before = botMessages(w, ben).length;
    w.emu.clock.advance(7 * DAY);
    await w.rt.scheduler.tick(w.memberId);
    await w.rt.scheduler.tick(w.memberId);
    await w.settle();
    const fresh = botMessages(w, ben).slice(before);
    expect(fresh.length).toBeGreaterThan(0);
    expect(fresh.every((m) => /lesson is due today/.test(m.text))).toBe(true);
  });
});

// One-portal mode names the default groups in DEFAULT_LANG (English here), not the portal's language.
describe.skipIf(process.env.SCENARIO_MODE?.startsWith('oneportal'))('моё обучение', () => {
  let w: World;
  beforeAll(async () => {
    w = await startedWorld('ru');
  });
  afterAll(async () => w?.close());

  it('answers in Russian with Russian lesson titles', async () => {
    const m = last(await w.say(w.demo.learners[0], 'моё обучение'));
    expect(m.text).toMatch(/^Моё обучение — \[b\]Низкий риск\[\/b\] \(#1\): По плану$/m);
    expect(m.text).toMatch(/Текущий урок:\n\[b\][А-Яа-яЁё]/);
    expect(buttons(m)).toEqual(['Открыть урок', 'Пройдено']);
  });
});
