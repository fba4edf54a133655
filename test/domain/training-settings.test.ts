import { describe, expect, it } from 'vitest';
import { parseIntensity, parseLevel, parseRetakeHours, parseThreshold } from '../../src/domain/training/settings.js';

describe('training settings as typed', () => {
  it.each([
    ['45', 45],
    ['15', 15],
    ['2400', 2400],
    [' 60 min ', 60],
    ['90 минут', 90],
  ])('intensity %j is %d minutes a week', (text, n) => {
    expect(parseIntensity(text)).toEqual({ ok: true, value: n });
  });
  it.each(['0', '14', '2401', '100000', '-5', '4.5', '', 'lots', '45 60'])('intensity %j is refused', (text) => {
    expect(parseIntensity(text)).toMatchObject({ ok: false, code: 'intensity_bad' });
  });
  it.each([
    ['0', 0],
    ['100', 100],
    ['80%', 80],
    [' 75 % ', 75],
  ])('threshold %j is %d%%', (text, n) => {
    expect(parseThreshold(text)).toEqual({ ok: true, value: n });
  });
  it.each(['101', '-1', '150%', 'half', ''])('threshold %j is refused', (text) => {
    expect(parseThreshold(text)).toMatchObject({ ok: false, code: 'threshold_bad' });
  });
  it.each([
    ['Beginner', 'beginner'],
    ['ELEMENTARY', 'elementary'],
    ['средний', 'intermediate'],
    ['Продвинутый', 'advanced'],
    ['2', 'elementary'],
  ])('level %j is %s', (text, level) => {
    expect(parseLevel(text)).toEqual({ ok: true, value: level });
  });
  it.each(['expert', '5', '', 'begin'])('level %j is refused', (text) => {
    expect(parseLevel(text)).toMatchObject({ ok: false, code: 'level_bad' });
  });
});

describe('the retake wait as typed (issue 12)', () => {
  it.each([['0', 0], ['24', 24], ['168', 168], ['12 h', 12], ['48 часов', 48]])('%j is %d hours', (text, n) => {
    expect(parseRetakeHours(text)).toEqual({ ok: true, value: n });
  });
  it.each(['169', '-1', '1.5', 'a day', ''])('%j is refused', (text) => {
    expect(parseRetakeHours(text)).toEqual({ ok: false, code: 'retake_bad', details: { min: 0, max: 168 } });
  });
});
