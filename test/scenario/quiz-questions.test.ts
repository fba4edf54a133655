// Issue 12 item 1: a questions file sent to the bot for one test — loaded whole, or refused whole with row errors — and /course questions; a stand-alone test taken from "my courses". In en and ru.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedGroup, seedModerators } from '../helpers/seed.js';
import { startWorld, type World } from '../helpers/world.js';
import { buttons, last } from './group-helpers.js';
import { answerAll, badCsv, goodCsv, messageById } from './quiz-helpers.js';

const T = {
  en: { loaded: 'are loaded', refused: 'nothing was changed', row3: 'Row 3 (right): no right answer', row4: 'Row 4 (options): two options are the same', row5: 'Row 5 (options): more than 10 options', count: 'Questions: 3.', take: 'Take the test', send: 'Send me the questions file', passed: 'Passed: 100% right (needed 80%)', notMember: 'not a test of any group you are in' },
  ru: { loaded: 'загружены', refused: 'ничего не изменилось', row3: 'Строка 3 (right): нет верного ответа', row4: 'Строка 4 (options): два варианта одинаковые', row5: 'Строка 5 (options): больше 10 вариантов', count: 'Вопросов: 3.', take: 'Пройти тест', send: 'Пришлите мне сейчас файл с вопросами', passed: 'Сдано: 100% верно (нужно 80%)', notMember: 'не тест ни одной из ваших групп' },
} as const;

for (const lang of ['en', 'ru'] as const) {
  describe(`questions files (${lang})`, () => {
    let w: World;
    let mod: number;
    const t = T[lang];
    beforeAll(async () => {
      w = await startWorld({ language: lang });
      mod = w.demo.moderators[0];
      await seedModerators(w, [mod]);
      await w.say(mod, '/course add Phishing check https://lms.example.com/phish test');
    });
    afterAll(async () => w?.close());
    const questions = async () => (await w.data()).courses[0]!.questions;

    it('/course questions <test> load, then the file: loaded, with the count and a preview', async () => {
      expect(last(await w.say(mod, '/course questions #1')).text).toMatch(lang === 'en' ? /has no questions yet/ : /ещё нет вопросов/);
      expect(last(await w.say(mod, '/course questions #1 load')).text).toContain(t.send);
      const out = last(await w.sendFile(mod, 'questions.csv', goodCsv));
      expect(out.text).toContain(t.loaded);
      expect(out.text).toContain(t.count);
      expect(out.text).toMatch(/✓ /);
      expect(await questions()).toHaveLength(3);
      expect((await questions())![1]).toMatchObject({ type: 'multiple', right: [0, 1] });
      const shown = last(await w.say(mod, '/course questions Phishing check'));
      expect(shown.text).toContain(t.count);
    });

    it('a bad file is refused whole, every bad row named, and the questions stay as they were', async () => {
      const before = await questions();
      const out = last(await w.sendFile(mod, 'questions.csv', badCsv, '/course questions #1'));
      expect(out.text).toContain(t.refused);
      expect(out.text).toContain(t.row3);
      expect(out.text).toContain(t.row4);
      expect(out.text).toContain(t.row5);
      expect(out.text).not.toMatch(/Row 2|Строка 2/);
      expect(await questions()).toEqual(before);
    });

    it('an empty test is refused', async () => {
      const out = last(await w.sendFile(mod, 'questions.json', JSON.stringify({ questions: [] }), '/course questions #1'));
      expect(out.text).toContain(t.refused);
      expect(await questions()).toHaveLength(3);
    });

    it('a learner may not load questions', async () => {
      const learner = w.demo.learners[0];
      last(await w.sendFile(learner, 'questions.csv', badCsv, '/course questions #1'));
      expect(await questions()).toHaveLength(3);
    });

    it('a stand-alone test outside training: "Take the test" from my courses, 80% to pass, then marked done in the group', async () => {
      const anna = w.demo.learners[0];
      // Not in a group with the test (and the test is closed once attached): refused, nothing stored.
      const group = await seedGroup(w, { name: 'Sales', memberIds: [anna], courseIds: [1] });
      const outsider = w.demo.learners[3];
      expect(last(await w.say(outsider, '/course take #1')).text).toContain(t.notMember);
      expect((await w.data()).training?.attempts ?? []).toHaveLength(0);
      const my = last(await w.say(anna, lang === 'en' ? 'my courses' : 'мои курсы'));
      const label = buttons(my).find((b) => b.startsWith(t.take));
      expect(label).toBe(`${t.take}: Phishing check`);
      const msg = last(await w.press(anna, my.id, label!));
      const end = await answerAll(w, anna, msg.id, () => true, lang);
      expect(end.text).toContain(t.passed);
      expect(messageById(w, anna, msg.id).edited).toBe(true);
      expect((await w.data()).completions).toContain(`${group.id}:1:${anna}`);
    });
  });
}
