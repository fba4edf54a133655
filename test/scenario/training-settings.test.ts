// /training settings: the card, its buttons, typed values, and bad input answered in en and ru with nothing changed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../helpers/world.js';
import { buttons, cardRows, last, storedByName } from './group-helpers.js';

describe('/training settings', () => {
  let w: World;
  let admin: number;
  beforeAll(async () => {
    w = await startWorld({ trainingDefaults: true });
    admin = w.demo.admin;
  });
  afterAll(async () => w?.close());
  const training = async (name: string) => (await storedByName(w, name)).training!;

  it('shows the card of a default group with a button for each setting', async () => {
    const card = last(await w.say(admin, '/training settings Low risk'));
    expect(card.text).toContain('Training settings of [b]Low risk[/b] (#1)');
    const rows = cardRows(card);
    expect(rows.get('Program course')).toMatch(/^Information security awareness \(#1\)$/);
    expect(rows.get('Intensity')).toBe('30 min a week');
    expect(rows.get('Test pass threshold')).toBe('70%');
    expect(rows.get('Program up to level')).toBe('Beginner');
    expect(rows.get('Training')).toBe('not started');
    expect(rows.get('Retake wait')).toBe('0 h');
    expect(buttons(card)).toEqual(['Program course', 'Intensity', 'Pass threshold', 'Retake wait', 'Beginner', 'Elementary', 'Intermediate', 'Advanced', 'Status']);
  });

  it('changes the intensity through the button and the answer, and the level with one press', async () => {
    const card = last(await w.say(admin, '/training settings #1'));
    const ask = last(await w.press(admin, card.id, 'Intensity'));
    expect(ask.text).toMatch(/How many minutes a week for "Low risk"/);
    const after = last(await w.say(admin, '40'));
    expect(cardRows(after).get('Intensity')).toBe('40 min a week');
    expect((await training('Low risk')).minutesPerWeek).toBe(40);
    const lvl = last(await w.press(admin, after.id, 'Elementary'));
    expect(cardRows(lvl).get('Program up to level')).toBe('Elementary');
    expect((await training('Low risk')).level).toBe('elementary');
  });

  it('changes settings typed in one line', async () => {
    last(await w.say(admin, '/training settings "Average risk" threshold 85%'));
    expect((await training('Average risk')).passPercent).toBe(85);
    const card = last(await w.say(admin, '/training settings "Average risk" retake 24'));
    expect(cardRows(card).get('Retake wait')).toBe('24 h');
    expect((await training('Average risk')).retakeHours).toBe(24);
  });

  it.each([
    ['/training settings Low risk intensity 0', /whole number from 15 to 2400/],
    ['/training settings Low risk intensity 100000', /whole number from 15 to 2400/],
    ['/training settings Low risk threshold 101', /from 0 to 100/],
    ['/training settings Low risk threshold -3', /from 0 to 100/],
    ['/training settings Low risk level expert', /I know these levels/],
    ['/training settings Low risk retake 169', /whole hours from 0 to 168/],
    ['/training settings Nowhere', /cannot find the group "Nowhere"/],
    ['/training settings Low risk course "No such course"', /cannot find the course/],
  ])('%s is refused and changes nothing', async (text, answer) => {
    const before = JSON.stringify((await w.data()).groups);
    expect(last(await w.say(admin, text)).text).toMatch(answer);
    expect(JSON.stringify((await w.data()).groups)).toBe(before);
  });

  it('a bad answer to the button is asked again, and changes nothing', async () => {
    const card = last(await w.say(admin, '/training settings #2'));
    await w.press(admin, card.id, 'Pass threshold');
    const out = await w.say(admin, '150');
    expect(out.map((m) => m.text).join('\n')).toMatch(/from 0 to 100[\s\S]*Send it again/);
    expect((await training('Average risk')).passPercent).toBe(85);
  });

  it('a course without a program is refused as the program course', async () => {
    await w.say(admin, '/course add Basics https://example.com/basics');
    expect(last(await w.say(admin, '/training settings #3 course Basics')).text).toMatch(/has no program yet/);
    expect((await training('High risk')).courseId).toBe(1);
  });

  it('learners may not change settings', async () => {
    expect(last(await w.say(w.demo.learners[0], '/training settings #1 intensity 60')).text).toMatch(/Only training moderators/);
    expect((await training('Low risk')).minutesPerWeek).toBe(40);
  });
});

describe('/training settings in Russian', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld({ trainingDefaults: true, language: 'ru' });
  });
  afterAll(async () => w?.close());

  it('answers bad input in Russian and changes nothing', async () => {
    const out = last(await w.say(w.demo.admin, '/training settings #1 интенсивность 0'));
    expect(out.text).toMatch(/целое число от 15 до 2400/);
    const card = last(await w.say(w.demo.admin, '/training settings #1'));
    expect(cardRows(card).get('Интенсивность')).toBe('30 мин в неделю');
  });
});
