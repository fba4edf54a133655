// Tests for the Result helpers.
import { describe, expect, it } from 'vitest';
import { err, ok, type Result } from '../../src/domain/result.js';

describe('result', () => {
  it.each([
    ['ok with a value', ok(5), { ok: true, value: 5 }],
    ['err without details has no details key', err('name_empty'), { ok: false, code: 'name_empty' }],
    ['err with details', err('date_invalid', { field: 'from', text: 'x' }), { ok: false, code: 'date_invalid', details: { field: 'from', text: 'x' } }],
  ])('%s', (_name, actual, expected) => {
    expect(actual).toStrictEqual(expected);
  });

  it('narrows on ok', () => {
    const r: Result<number, 'bad'> = Math.random() > 2 ? err('bad') : ok(3);
    const value = r.ok ? r.value : -1;
    expect(value).toBe(3);
    expect('details' in err('x')).toBe(false);
  });
});
