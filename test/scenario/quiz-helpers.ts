// Shared by the quiz scenarios: a started training world, a level test's questions file, and a learner answering the test message by pressing buttons.
import type { DialogMessageView } from '../../src/sandbox/emulator/index.js';
import type { Question } from '../../src/domain/quiz/score.js';
import type { Attempt } from '../../src/domain/quiz/model.js';
import { startWorld, type World } from '../helpers/world.js';
import { last } from './group-helpers.js';

export const TEST_LESSON = 'passwords.beginner.test';
const HEADER = 'question,question_ru,type,options,options_ru,right,explanation,explanation_ru';
export const goodCsv = [
  HEADER,
  'Which password is strongest?,Какой пароль надёжнее?,single,Summer2024!|three random words|123456,Лето2024!|три случайных слова|123456,2,Long and unguessable beats short and clever.,Длинный и непредсказуемый лучше короткого и хитрого.',
  'Which are signs of phishing?,Какие признаки фишинга?,multiple,Urgent tone|A sender address that does not match|Your colleague\'s usual signature,Срочный тон|Адрес отправителя не совпадает|Обычная подпись коллеги,1|2,,',
  'Where should you keep passwords?,Где хранить пароли?,single,A sticky note|A password manager|A text file on the desktop,Стикер на мониторе|Менеджер паролей|Текстовый файл на рабочем столе,2,,',
].join('\n');
export const badCsv = [
  HEADER,
  'Good one?,,single,Yes|No,,1,,',
  'No right answer?,,single,Yes|No,,,,',
  'Twice the same?,,single,Yes|yes|No,,1,,',
  `Too many?,,single,${Array.from({ length: 11 }, (_, i) => `o${i + 1}`).join('|')},,1,,`,
].join('\n');

export async function trainingWorld(language: 'en' | 'ru'): Promise<World> {
  const w = await startWorld({ trainingDefaults: true, language });
  await w.say(w.demo.admin, '/training rules apply');
  await w.say(w.demo.admin, '/training start #1');
  return w;
}

export async function loadQuestions(w: World): Promise<void> {
  await w.sendFile(w.demo.admin, 'questions.csv', goodCsv, `/course questions #1 ${TEST_LESSON}`);
}

export const botDialog = (w: World, userId: number): DialogMessageView[] => w.portal.dialog(userId, String(w.botId));
export const messageById = (w: World, userId: number, id: number): DialogMessageView => {
  const m = botDialog(w, userId).find((x) => x.id === id);
  if (!m) throw new Error(`no message ${id}`);
  return m;
};

export async function storedQuestions(w: World): Promise<Question[]> {
  const course = (await w.data()).courses[0]!;
  // The first course: the program's level test, or (no program) the stand-alone test itself.
  if (!course.program) return course.questions ?? [];
  return course.program.topics.flatMap((t) => t.lessons).find((l) => l.id === TEST_LESSON)!.questions ?? [];
}

export async function attemptsOf(w: World, userId: number): Promise<Attempt[]> {
  return ((await w.data()).training?.attempts ?? []).filter((a) => a.userId === userId);
}

/** The question the test message shows now (found by its text) and the labels of its right and a wrong option. */
export function shown(m: DialogMessageView, questions: Question[], lang: 'en' | 'ru'): { q: Question; right: string[]; wrong: string } {
  const pick = (t: { en: string; ru?: string }) => (lang === 'ru' && t.ru ? t.ru : t.en);
  const q = questions.find((x) => m.text.includes(pick(x.text)));
  if (!q) throw new Error(`no question in ${m.text}`);
  const label = (i: number) => (q.type === 'multiple' ? `☐ ${pick(q.options[i]!)}` : pick(q.options[i]!));
  return { q, right: q.right.map(label), wrong: label(q.options.findIndex((_, i) => !q.right.includes(i))) };
}

/** Answers the test shown in message `id` to the end, right or wrong each time, by pressing its buttons; returns the message at the end. */
export async function answerAll(w: World, userId: number, id: number, right: (step: number) => boolean, lang: 'en' | 'ru' = 'en'): Promise<DialogMessageView> {
  const questions = await storedQuestions(w);
  for (let step = 0; step < questions.length; step++) {
    const m = messageById(w, userId, id);
    const s = shown(m, questions, lang);
    const press = right(step) ? s.right : [s.wrong];
    for (const label of press) {
      await w.press(userId, id, label);
    }
    if (s.q.type === 'multiple') {
      const toggled = messageById(w, userId, id);
      await w.press(userId, id, toggled.keyboard!.at(-1)!.text);
    }
  }
  return messageById(w, userId, id);
}

/** Presses "Take the test" (or Retake) and returns the new test message. */
export async function take(w: World, userId: number, messageId: number, label: string): Promise<DialogMessageView> {
  return last(await w.press(userId, messageId, label));
}
