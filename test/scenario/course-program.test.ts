// Issue 10 item 1 scenarios: a program file sent to the bot (File.download), loaded whole or refused whole with row errors, in en and ru.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedModerators } from '../helpers/seed.js';
import { startWorld, type World } from '../helpers/world.js';

const sample = readFileSync(new URL('../../data/programs/infosec-awareness.json', import.meta.url));
const HEADER = 'topic,topic_ru,level,lesson,lesson_ru,url,minutes,test';
const goodCsv = [HEADER, 'Passwords,Пароли,beginner,Strong passwords,Надёжные пароли,https://learn.example/pw,10,', 'Passwords,,beginner,Test,Тест,https://learn.example/pt,5,yes'].join('\n');
const badCsv = [HEADER, 'Passwords,,expert,One,,https://learn.example/1,10,', 'Passwords,,beginner,Two,,https://learn.example/2,10,', 'Passwords,,beginner,Three,,ftp://x,999,'].join('\n');

for (const lang of ['en', 'ru'] as const) {
  describe(`program files (${lang})`, () => {
    let w: World;
    let mod: number;
    beforeAll(async () => {
      w = await startWorld({ language: lang });
      mod = w.demo.moderators[0];
      await seedModerators(w, [mod]);
      await w.say(mod, '/course add Security https://lms.example.com/sec');
    });
    afterAll(async () => w?.close());

    it('the sample JSON with the caption /course program loads, and /course program shows it', async () => {
      const out = await w.sendFile(mod, 'infosec-awareness.json', sample, '/course program Security');
      expect(out.at(-1)!.text).toContain(lang === 'en' ? 'is loaded' : 'загружена');
      const course = (await w.data()).courses[0]!;
      expect(course.program?.topics.length).toBe(5);
      expect(course.program?.topics[0]?.lessons[0]?.id).toBe('passwords.beginner.1');
      const shown = await w.say(mod, '/course program #1');
      expect(shown[0]!.text).toContain(lang === 'en' ? 'Passwords and accounts' : 'Пароли и учётные записи');
      expect(shown[0]!.text).toContain(lang === 'en' ? 'Topics: 5' : 'Тем: 5');
    });

    it('a bad CSV is refused whole, each row error named, and the program stays as it was', async () => {
      const before = (await w.data()).courses[0]!.program;
      const out = await w.sendFile(mod, 'program.csv', badCsv, '/course program Security');
      const text = out.at(-1)!.text;
      expect(text).toContain(lang === 'en' ? 'nothing was changed' : 'ничего не изменилось');
      expect(text).toContain(lang === 'en' ? 'Row 2 (level)' : 'Строка 2 (level)');
      expect(text).toContain(lang === 'en' ? 'Row 4 (url)' : 'Строка 4 (url)');
      expect(text).toContain(lang === 'en' ? 'Row 4 (minutes)' : 'Строка 4 (minutes)');
      expect(text).not.toMatch(/Row 3|Строка 3/);
      expect((await w.data()).courses[0]!.program).toEqual(before);
    });

    it('a file that is not UTF-8 is refused', async () => {
      const cp1251 = new Uint8Array([...new TextEncoder().encode(`${HEADER}\nT,,beginner,`), 0xcf, 0xe0, ...new TextEncoder().encode(',,https://x.example/1,5,')]);
      const out = await w.sendFile(mod, 'program.csv', cp1251, '/course program Security');
      expect(out.at(-1)!.text).toContain('UTF-8');
    });

    it('a file alone: the bot asks which course, and the button loads it', async () => {
      await w.say(mod, '/course add Onboarding https://lms.example.com/onb');
      const asked = await w.sendFile(mod, 'program.csv', goodCsv);
      const question = asked.at(-1)!;
      expect(question.text).toContain(lang === 'en' ? 'Which course' : 'Для какого курса');
      const done = await w.press(mod, question.id, '#2 Onboarding');
      expect(done.at(-1)!.text).toContain(lang === 'en' ? 'is loaded' : 'загружена');
      const onboarding = (await w.data()).courses.find((c) => c.id === 2)!;
      expect(onboarding.program?.topics[0]?.lessons.map((l) => l.id)).toEqual(['passwords.beginner.strong-passwords', 'passwords.beginner.test']);
    });

    it('a learner who is not a moderator cannot load or see programs', async () => {
      const learner = w.demo.learners[0];
      const out = await w.sendFile(learner, 'program.csv', goodCsv, '/course program Security');
      expect(out.at(-1)!.text).not.toMatch(/loaded|загружена/);
      expect((await w.data()).courses[0]!.program?.topics.length).toBe(5);
    });
  });
}
