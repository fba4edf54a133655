// The raw text after arguments, names as typed, and privacy ↔ workgroup flags.
import { describe, expect, it } from 'vitest';
import { restAfter } from '../../src/handlers/group/common.js';
import { nameFrom } from '../../src/handlers/group/create.js';
import { privacyFlags, privacyOf } from '../../src/handlers/group/workgroup.js';

describe('restAfter', () => {
  it('keeps the spacing and line breaks of what follows', () => {
    expect(restAfter('describe #3 Line one\n\n  Line  two', 2)).toBe('Line one\n\n  Line  two');
  });

  it('skips quoted and mentioned arguments as the tokenizer reads them', () => {
    expect(restAfter('describe "Spring cohort" It is [b]fine[/b]', 2)).toBe('It is [b]fine[/b]');
    expect(restAfter('describe «Весна 2026» Текст', 2)).toBe('Текст');
    expect(restAfter('add [USER=5]Anna Petrova[/USER] rest of it', 2)).toBe('rest of it');
  });

  it('is empty when nothing follows, and the whole text for zero arguments', () => {
    expect(restAfter('describe #3', 2)).toBe('');
    expect(restAfter('describe', 2)).toBe('');
    expect(restAfter('  all of it ', 0)).toBe('all of it');
  });

  it('copes with an unclosed quote in the text after the arguments', () => {
    expect(restAfter('describe #3 say "hello', 2)).toBe('say "hello');
  });
});

describe('nameFrom', () => {
  it('drops the quotes of one quoted name and keeps unquoted words as typed', () => {
    expect(nameFrom('"Spring cohort"')).toBe('Spring cohort');
    expect(nameFrom('Spring  cohort 2026')).toBe('Spring  cohort 2026');
    expect(nameFrom('""')).toBe('');
  });
});

describe('privacy', () => {
  it('maps open, closed and hidden to VISIBLE/OPENED and back', () => {
    expect(privacyFlags('open')).toEqual({ VISIBLE: 'Y', OPENED: 'Y' });
    expect(privacyFlags('closed')).toEqual({ VISIBLE: 'Y', OPENED: 'N' });
    expect(privacyFlags('hidden')).toEqual({ VISIBLE: 'N', OPENED: 'N' });
    for (const p of ['open', 'closed', 'hidden'] as const) {
      const f = privacyFlags(p);
      expect(privacyOf(f.VISIBLE === 'Y', f.OPENED === 'Y')).toBe(p);
    }
    expect(privacyOf(false, true)).toBe('hidden');
  });
});
