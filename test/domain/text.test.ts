// Unicode as people see it (issue 14.4), table-tested.
import { describe, expect, it } from 'vitest';
import { cutText, graphemeLength, nameKey, namesMatch, textProblem, wellFormed } from '../../src/domain/text.js';

const composed = 'Caf\u00e9';
const decomposed = 'Cafe\u0301';

describe('nameKey / namesMatch', () => {
  it.each([
    [composed, decomposed, true],
    [composed, 'CAFÉ', true],
    ['café', 'CAFE\u0301', true],
    ['Ｓａｌｅｓ', 'sales', true],
    ['ﬁnance', 'finance', true],
    ['Sales  team', 'sales team', true],
    ['Café', 'Cafe', false],
    ['Ёлка', 'ёлка', true],
    ['Ёлка', 'Елка', false],
  ])('%s ~ %s: %s', (a, b, same) => {
    expect(namesMatch(a, b)).toBe(same);
    expect(nameKey(a) === nameKey(b)).toBe(same);
  });
});

describe('textProblem', () => {
  it.each([
    ['plain', null],
    ['emoji 👩‍💻 and flags 🇷🇺', null],
    ['tabs\tand\nlines\r\n', null],
    ['NUL\u0000inside', 'control'],
    ['bell\u0007', 'control'],
    ['C1\u0085', 'control'],
    ['lone high \ud83d', 'surrogate'],
    ['lone low \ude00 here', 'surrogate'],
    ['reversed \ude00\ud83d', 'surrogate'],
  ] as const)('%j → %s', (text, problem) => {
    expect(textProblem(text)).toBe(problem);
  });
});

describe('wellFormed', () => {
  it('replaces lone surrogates and composes', () => {
    expect(wellFormed(`a\ud83db${decomposed}`)).toBe(`a\ufffdb${composed}`);
    expect(wellFormed('👍')).toBe('👍');
  });
});

describe('cutText', () => {
  const family = '👨‍👩‍👧‍👦'; // 7 code points, one character to the eye
  it.each([
    ['short stays', 'Hello', 10, 'Hello'],
    ['exactly the limit stays', 'abcde', 5, 'abcde'],
    ['a plain cut keeps the ellipsis within the limit', 'abcdefgh', 5, 'abcd…'],
    ['emoji count as characters, not UTF-16 units', `${'a'.repeat(98)}😀😀`, 100, `${'a'.repeat(98)}😀😀`],
    ['never half an emoji', `${'a'.repeat(98)}😀😀😀`, 100, `${'a'.repeat(98)}😀…`],
    ['never half a family', `ab${family}cd`, 8, 'ab…'],
    ['never a flag split', `x🇷🇺🇷🇺`, 4, 'x🇷🇺…'],
    ['never an accent apart from its letter', `${'a'.repeat(3)}${'e\u0301'.repeat(3)}`, 5, 'aaa…'],
  ])('%s', (_name, text, max, out) => {
    const cut = cutText(text, max);
    expect(cut).toBe(out);
    expect([...cut].length).toBeLessThanOrEqual(max);
    expect(textProblem(cut)).toBeNull();
  });

  it('counts what a person sees', () => {
    expect(graphemeLength(`${family}é${decomposed}`)).toBe(6);
  });
});
