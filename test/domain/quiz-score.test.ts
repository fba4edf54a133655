// Tests for a quiz attempt's seeded layout and its score.
import { describe, expect, it } from 'vitest';
import { layout, passed, score, type Question } from '../../src/domain/quiz/score.js';

const q = (right: number[], n = 3, type: Question['type'] = 'single'): Question => ({
  type, text: { en: 'Q' }, options: Array.from({ length: n }, (_, i) => ({ en: `o${i}` })), right,
});
const qs = [q([0]), q([1, 2], 4, 'multiple'), q([2])];

describe('layout', () => {
  it('is the same for the same seed and a permutation of every index', () => {
    const a = layout(42, qs);
    expect(layout(42, qs)).toEqual(a);
    expect([...a.order].sort()).toEqual([0, 1, 2]);
    a.order.forEach((qi, k) => expect([...a.options[k]!].sort()).toEqual(qs[qi]!.options.map((_, i) => i)));
  });
  it('differs between some seeds', () => {
    const seen = new Set([1, 2, 3, 4, 5, 6, 7, 8].map((s) => JSON.stringify(layout(s, qs))));
    expect(seen.size).toBeGreaterThan(1);
  });
});

describe('score', () => {
  it.each([
    ['all right', [[0], [2, 1], [2]], 100, []],
    ['one missed', [[0], [1], [2]], 66, [1]],
    ['unanswered counts as missed', [[0]], 33, [1, 2]],
    ['all wrong', [[1], [0], [0]], 0, [0, 1, 2]],
    ['a partial multiple choice counts as wrong', [[0], [2], [2]], 66, [1]],
    ['a multiple choice with one too many counts as wrong', [[0], [0, 1, 2], [2]], 66, [1]],
  ])('%s', (_n, answers, percent, missed) => {
    expect(score(qs, answers)).toEqual({ percent, missed });
  });
  it.each([[80, 80, true], [79, 80, false], [0, 0, true]])('passed(%i, %i) is %s', (p, t, r) => {
    expect(passed(p, t)).toBe(r);
  });
});
