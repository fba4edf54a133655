// A training group's settings as typed by a moderator: intensity, pass threshold, level. Pure validation.
import { nameKey } from '../text.js';
import { err, ok, type Result } from '../result.js';
import { LEVELS, type Level } from './model.js';

export const INTENSITY = { min: 15, max: 2400 } as const;
export const THRESHOLD = { min: 0, max: 100 } as const;
/** Hours before a failed test may be taken again: up to a week (issue 12); 0, the default: at once. */
export const RETAKE = { min: 0, max: 168 } as const;

export type SettingCode = 'intensity_bad' | 'threshold_bad' | 'level_bad' | 'retake_bad';

/** A whole number, spaces and a trailing unit word or `%` allowed ("45", "45 min", "80%"). */
function wholeNumber(text: string): number | null {
  const m = /^\s*(\d{1,6})\s*(?:%|[\p{L}.]+)?\s*$/u.exec(text);
  return m && m[1] !== undefined ? Number(m[1]) : null;
}

/** Minutes per week, 15..2400 (a week has 10,080; more than 40 hours of lessons is a typo). */
export function parseIntensity(text: string): Result<number, SettingCode> {
  const n = wholeNumber(text);
  if (n === null || n < INTENSITY.min || n > INTENSITY.max) return err('intensity_bad', { min: INTENSITY.min, max: INTENSITY.max });
  return ok(n);
}

/** The test pass threshold, percent, 0..100. */
export function parseThreshold(text: string): Result<number, SettingCode> {
  const n = wholeNumber(text);
  if (n === null || n < THRESHOLD.min || n > THRESHOLD.max) return err('threshold_bad', { min: THRESHOLD.min, max: THRESHOLD.max });
  return ok(n);
}

/** The retake wait, whole hours, 0..168 ("24", "24 h", "0"). */
export function parseRetakeHours(text: string): Result<number, SettingCode> {
  const n = wholeNumber(text);
  if (n === null || n < RETAKE.min || n > RETAKE.max) return err('retake_bad', { min: RETAKE.min, max: RETAKE.max });
  return ok(n);
}

/** Level names as people type them, in English and Russian, and 1..4. */
const LEVEL_WORDS: Record<Level, string[]> = {
  beginner: ['beginner', 'начальный', 'начинающий', '1'],
  elementary: ['elementary', 'элементарный', 'базовый', '2'],
  intermediate: ['intermediate', 'средний', '3'],
  advanced: ['advanced', 'продвинутый', '4'],
};

export function parseLevel(text: string): Result<Level, SettingCode> {
  const key = nameKey(text);
  const level = LEVELS.find((l) => LEVEL_WORDS[l].includes(key));
  return level ? ok(level) : err('level_bad', { levels: LEVELS.join(', ') });
}

export function isLevel(text: string): text is Level {
  return (LEVELS as readonly string[]).includes(text);
}
