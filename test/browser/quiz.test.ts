// The sandbox page in a real browser: a learner takes the sample program's Beginner test by pressing buttons in one message that changes in place.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Question } from '../../src/domain/quiz/score.js';
import { keyboardButton, openPageWorld, SKIP_BROWSER, SKIP_REASON, until, type PageWorld } from './page-world.js';

if (SKIP_BROWSER) console.warn(SKIP_REASON);

const LESSON = 'passwords.beginner.test';

describe.skipIf(SKIP_BROWSER)('a test taken in the sandbox', () => {
  let w: PageWorld;
  beforeAll(async () => {
    w = await openPageWorld();
  }, 30_000);
  afterAll(async () => w?.close());

  const text = (l: { textContent(): Promise<string | null> }) => l.textContent().then((t) => t ?? '');

  it('the learner answers every question by its buttons and sees the result in the same message', async () => {
    await w.actAs(w.sb.demo.admin);
    await w.say('/training rules apply');
    await w.say('/training start #1');
    const anna = w.sb.demo.learners[0];
    await w.actAs(anna);
    const msg = await w.say(`/course take #1 ${LESSON}`);
    const id = await msg.getAttribute('data-message-id');
    const data = (await w.sb.runtime.store.get(w.sb.memberId))!;
    const questions: Question[] = data.courses[0]!.program!.topics.flatMap((t) => t.lessons).find((l) => l.id === LESSON)!.questions!;
    const message = w.page.locator(`#messages [data-message-id="${id}"]`);
    for (let step = 1; step <= questions.length; step++) {
      const body = await text(message.getByTestId('message-text'));
      expect(body).toContain(`Question ${step} of ${questions.length}`);
      const q = questions.find((x) => body.includes(x.text.en))!;
      // The last question answered wrong, so the result has something missed to name.
      const wrong = step === questions.length;
      const chosen = wrong ? [q.options.findIndex((_, i) => !q.right.includes(i))] : q.right;
      for (const o of chosen) {
        const label = q.type === 'multiple' ? `☐ ${q.options[o]!.en}` : q.options[o]!.en;
        await w.press(message, label);
        if (q.type === 'multiple') await until(async () => (await keyboardButton(message, `☑ ${q.options[o]!.en}`).count()) > 0, 'the toggle to show');
      }
      if (q.type === 'multiple') await w.press(message, 'Answer');
      if (step < questions.length) await until(async () => (await text(message.getByTestId('message-text'))).includes(`Question ${step + 1} of`), `question ${step + 1}`);
    }
    await until(async () => /Not passed/.test(await text(message.getByTestId('message-text'))), 'the result');
    const result = await text(message.getByTestId('message-text'));
    expect(result).toMatch(/Not passed: 66% right, 70% needed/);
    expect(result).toMatch(/Missed: 1/);
    expect(await keyboardButton(message, 'Retake').count()).toBe(1);
    // Still one message from the bot for the whole test.
    expect(await w.page.locator(`#messages [data-message-id="${id}"]`).count()).toBe(1);
    await w.shot('quiz');
    expect(w.pageErrors).toEqual([]);
  });
});
