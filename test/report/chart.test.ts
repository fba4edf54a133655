// The progress chart as a PNG: a real picture at chat size, in either language, and a picture that says so when there is no data.
import { describe, expect, it } from 'vitest';
import type { ProgressChart } from '../../src/domain/training/progress-chart.js';
import { pngSize } from '../helpers/png.js';
import { CHART_HEIGHT, CHART_WIDTH, progressChartSvg, renderProgressChart } from '../../src/report/chart.js';

const ru: ProgressChart = {
  title: 'Группа «Безопасность»: прогресс',
  topics: [
    { label: 'Пароли', done: 80, expected: 70 },
    { label: 'Фишинг', done: 40, expected: 60 },
    { label: 'Wi-Fi', done: 0, expected: 10 },
  ],
  behindByWeek: [
    { week: '2026-10-05', behind: 0, inTraining: 10 },
    { week: '2026-10-12', behind: 3, inTraining: 12 },
  ],
  labels: { done: 'Пройдено', expected: 'Ожидается', behind: 'Отстают', inTraining: 'Обучаются', topics: 'Темы', weeks: 'Недели' },
};
const en: ProgressChart = {
  ...ru,
  title: 'Security group: progress',
  topics: ru.topics.map((t, i) => ({ ...t, label: ['Passwords', 'Phishing', 'Wi-Fi'][i]! })),
  labels: { done: 'Done', expected: 'Expected', behind: 'Behind', inTraining: 'In training', topics: 'Topics', weeks: 'Weeks' },
};

describe('renderProgressChart', () => {
  it.each([
    ['ru', ru],
    ['en', en],
  ])('%s: a PNG of 900×500, well over a blank picture in size', (_lang, chart) => {
    const png = renderProgressChart(chart);
    expect(pngSize(png)).toEqual({ width: CHART_WIDTH, height: CHART_HEIGHT });
    expect(png.byteLength).toBeGreaterThan(10_000);
  });

  it('the SVG carries the titles and labels from the data, and the done and expected values', () => {
    const svg = progressChartSvg(ru);
    for (const text of ['Группа «Безопасность»: прогресс', 'Пароли', 'Фишинг', 'Пройдено', 'Ожидается', 'Отстают', 'Недели', '80%', '40%']) {
      expect(svg).toContain(text);
    }
  });

  it('no topics and no weeks: a picture saying so, not a failure', () => {
    const empty = { ...ru, topics: [], behindByWeek: [] };
    const png = renderProgressChart(empty, { emptyText: 'Нет данных' });
    expect(pngSize(png)).toEqual({ width: CHART_WIDTH, height: CHART_HEIGHT });
    expect(progressChartSvg(empty, { emptyText: 'Нет данных' }).match(/Нет данных/g)).toHaveLength(2);
  });

  it('values out of range are clamped, long labels shortened, and another size is honoured', () => {
    const odd = { ...en, topics: [{ label: `A very long topic title ${'that goes on '.repeat(6)}and would not fit under its bar at all`, done: 140, expected: -5 }] };
    const svg = progressChartSvg(odd);
    expect(svg).toContain('100%');
    expect(svg).not.toContain('140%');
    expect(svg).not.toContain('would not fit under its bar at all');
    expect(pngSize(renderProgressChart(odd, { width: 600, height: 400 }))).toEqual({ width: 600, height: 400 });
  });
});
