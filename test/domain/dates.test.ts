// Tests for day parsing, access windows, today in a time zone, arithmetic and formatting.
import { describe, expect, it } from 'vitest';
import {
  addDays,
  compareDays,
  formatDay,
  isDay,
  parseAccessWindow,
  parseDay,
  parseDayOrClear,
  todayIn,
} from '../../src/domain/dates.js';

describe('parseDay', () => {
  it.each([
    ['2026-11-24', '2026-11-24'],
    ['24.11.2026', '2026-11-24'],
    ['  24.11.2026 ', '2026-11-24'],
    ['1.2.2026', '2026-02-01'],
    ['2028-02-29', '2028-02-29'],
    ['29.02.2028', '2028-02-29'],
    ['2000-01-01', '2000-01-01'],
    ['31.12.2100', '2100-12-31'],
  ])('accepts %j as %s', (text, day) => {
    expect(parseDay(text)).toEqual({ ok: true, value: day });
  });

  it.each([
    ['2026-02-30'], ['31.04.2026'], ['2026-13-01'], ['2026-00-10'], ['00.01.2026'], ['2027-02-29'],
    ['1999-12-31'], ['01.01.2101'], ['2026-1-5'], ['26-11-24'], ['24/11/2026'], ['2026.11.24'],
    [''], ['-'], ['tomorrow'], ['2026-11-24T00:00'], ['１.２.２０２６'],
  ])('rejects %j', (text) => {
    expect(parseDay(text)).toEqual({ ok: false, code: 'date_invalid', details: { text: text.trim() } });
  });
});

describe('parseDayOrClear', () => {
  it.each([
    ['-', null],
    [' - ', null],
    ['2026-11-24', '2026-11-24'],
  ])('%j → %s', (text, value) => {
    expect(parseDayOrClear(text)).toEqual({ ok: true, value });
  });
  it('still rejects garbage', () => {
    expect(parseDayOrClear('--').ok).toBe(false);
  });
});

describe('parseAccessWindow', () => {
  it.each([
    ['2026-11-01', '2026-11-30', { from: '2026-11-01', to: '2026-11-30' }],
    ['01.11.2026', '01.11.2026', { from: '2026-11-01', to: '2026-11-01' }],
    ['-', '30.11.2026', { from: null, to: '2026-11-30' }],
    ['2026-11-01', '-', { from: '2026-11-01', to: null }],
    ['-', '-', { from: null, to: null }],
  ])('%s .. %s', (from, to, value) => {
    expect(parseAccessWindow(from, to)).toEqual({ ok: true, value });
  });

  it.each([
    ['2026-02-30', '2026-03-01', { ok: false, code: 'date_invalid', details: { field: 'from', text: '2026-02-30' } }],
    ['2026-03-01', '31.04.2026', { ok: false, code: 'date_invalid', details: { field: 'to', text: '31.04.2026' } }],
    ['bad', 'worse', { ok: false, code: 'date_invalid', details: { field: 'from', text: 'bad' } }],
    ['2026-11-30', '2026-11-01', { ok: false, code: 'date_order', details: { from: '2026-11-30', to: '2026-11-01' } }],
    ['02.11.2026', '2026-11-01', { ok: false, code: 'date_order', details: { from: '2026-11-02', to: '2026-11-01' } }],
  ])('%s .. %s fails', (from, to, expected) => {
    expect(parseAccessWindow(from, to)).toEqual(expected);
  });
});

describe('todayIn', () => {
  const now = new Date('2026-11-23T22:30:00Z');
  it.each([
    [undefined, '2026-11-23'],
    ['UTC', '2026-11-23'],
    ['Europe/Moscow', '2026-11-24'],
    ['America/Los_Angeles', '2026-11-23'],
    ['Asia/Vladivostok', '2026-11-24'],
  ])('in %s', (zone, day) => {
    expect(todayIn(now, zone)).toBe(day);
  });
  it('year boundary', () => {
    expect(todayIn(new Date('2026-12-31T21:00:00Z'), 'Europe/Moscow')).toBe('2027-01-01');
  });
  it('throws on an unknown zone (a configuration bug)', () => {
    expect(() => todayIn(now, 'Mars/Olympus')).toThrow(RangeError);
  });
});

describe('addDays', () => {
  it.each([
    ['2026-11-24', 1, '2026-11-25'],
    ['2026-11-30', 1, '2026-12-01'],
    ['2026-12-31', 1, '2027-01-01'],
    ['2026-03-01', -1, '2026-02-28'],
    ['2028-03-01', -1, '2028-02-29'],
    ['2026-11-24', 0, '2026-11-24'],
    ['2026-01-01', 365, '2027-01-01'],
    ['2026-03-28', 2, '2026-03-30'],
  ])('%s %+d → %s', (day, n, expected) => {
    expect(addDays(day, n)).toBe(expected);
  });
  it.each([['2026-02-30', 1], ['24.11.2026', 1], ['2026-11-24', 0.5]])('throws on %s %d', (day, n) => {
    expect(() => addDays(day, n)).toThrow(RangeError);
  });
});

describe('compareDays and isDay', () => {
  it.each([
    ['2026-11-24', '2026-11-25', -1],
    ['2026-11-25', '2026-11-24', 1],
    ['2026-11-24', '2026-11-24', 0],
    ['2025-12-31', '2026-01-01', -1],
  ])('%s vs %s', (a, b, expected) => {
    expect(compareDays(a, b)).toBe(expected);
  });
  it('throws on a malformed day', () => {
    expect(() => compareDays('2026-1-1', '2026-01-01')).toThrow(RangeError);
  });
  it.each([
    ['2026-11-24', true], ['2026-02-29', false], ['1990-05-05', true], ['24.11.2026', false], ['', false],
  ])('isDay(%j) = %s', (text, expected) => {
    expect(isDay(text)).toBe(expected);
  });
});

describe('formatDay', () => {
  it.each([
    ['2026-11-24', 'en', '24 Nov 2026'],
    ['2026-11-24', 'ru', '24.11.2026'],
    ['2026-12-01', 'en', '1 Dec 2026'],
    ['2026-12-01', 'ru', '01.12.2026'],
    ['2027-01-09', 'en', '9 Jan 2027'],
  ] as const)('%s in %s', (day, lang, expected) => {
    expect(formatDay(day, lang)).toBe(expected);
  });
});
