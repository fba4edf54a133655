// The three default training groups of a new installation (seed 003, "Default groups"): our intensities and thresholds.
import type { Level } from './model.js';
import type { RiskKey } from './rules.js';

export interface DefaultGroup {
  key: RiskKey;
  name: { en: string; ru: string };
  level: Level;
  minutesPerWeek: number;
  passPercent: number;
}

/** Stated in the README ("Training"): more risk, more of the program, a little more time each week, a higher bar. */
export const DEFAULT_GROUPS: readonly DefaultGroup[] = [
  { key: 'low', name: { en: 'Low risk', ru: 'Низкий риск' }, level: 'beginner', minutesPerWeek: 30, passPercent: 70 },
  { key: 'average', name: { en: 'Average risk', ru: 'Средний риск' }, level: 'elementary', minutesPerWeek: 45, passPercent: 80 },
  { key: 'high', name: { en: 'High risk', ru: 'Высокий риск' }, level: 'intermediate', minutesPerWeek: 60, passPercent: 90 },
];

/** A group that becomes a training group gets these until a moderator changes them. */
export const NEW_GROUP_TRAINING = { minutesPerWeek: 60, passPercent: 80, level: 'elementary' as Level };
