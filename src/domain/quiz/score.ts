// Tests taken in chat (issue 12): questions, a seeded order per attempt, the score. Pure: no I/O, no Bitrix24 field names.
import type { Localized } from '../training/model.js';

export interface Question {
  type: 'single' | 'multiple';
  text: Localized;
  options: Localized[];
  right: number[];          // indexes into options
  explanation?: Localized;
}

/** A small seeded generator (xorshift32): the same seed gives the same order, so only the seed is stored. */
function generator(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    return x / 0x1_0000_0000;
  };
}

/** Indexes 0..n-1 shuffled (Fisher–Yates) by the given generator. */
function shuffled(n: number, next: () => number): number[] {
  const a = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

/** The question order and each question's option order for an attempt, derived from its seed. */
export function layout(seed: number, questions: readonly Question[]): { order: number[]; options: number[][] } {
  const next = generator(seed);
  const order = shuffled(questions.length, next);
  return { order, options: order.map((q) => shuffled(questions[q]!.options.length, next)) };
}

/** Answers by question index (original numbering, option indexes as in the file). */
export function score(questions: readonly Question[], answers: ReadonlyArray<readonly number[] | undefined>): { percent: number; missed: number[] } {
  const missed: number[] = [];
  questions.forEach((q, i) => {
    const given = [...(answers[i] ?? [])].sort((a, b) => a - b);
    const right = [...q.right].sort((a, b) => a - b);
    if (given.length !== right.length || given.some((v, k) => v !== right[k])) missed.push(i);
  });
  const percent = questions.length === 0 ? 0 : Math.floor(((questions.length - missed.length) * 100) / questions.length);
  return { percent, missed };
}

export function passed(percent: number, threshold: number): boolean {
  return percent >= threshold;
}
