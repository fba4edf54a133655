// ProgressChart → PNG: ECharts draws it as SVG on the server (no canvas, no browser), resvg turns that into PNG.
import { createRequire } from 'node:module';
import { Resvg } from '@resvg/resvg-js';
import * as echarts from 'echarts';
import type { ProgressChart } from '../domain/training/progress-chart.js';

export const CHART_WIDTH = 900;
export const CHART_HEIGHT = 500;

const FONT_FAMILY = 'DejaVu Sans';

/** The one font the picture uses: shipped as a package, so text renders on a machine with no fonts (Cyrillic included). */
let fontFiles: string[] | null = null;
function fonts(): string[] {
  if (fontFiles) return fontFiles;
  const require = createRequire(import.meta.url);
  const dir = require.resolve('dejavu-fonts-ttf/package.json').replace(/package\.json$/, 'ttf/');
  fontFiles = [`${dir}DejaVuSans.ttf`, `${dir}DejaVuSans-Bold.ttf`];
  return fontFiles;
}

const COLORS = { done: '#2f80ed', expected: '#e2574c', behind: '#f2994a', inTraining: '#9aa5b1', text: '#1f2933', muted: '#616e7c' };

/** A topic label short enough to stay readable under its bar. */
function shortLabel(label: string, max: number): string {
  const chars = [...label];
  return chars.length <= max ? label : `${chars.slice(0, max - 1).join('')}…`;
}

const pct = (n: number): number => Math.max(0, Math.min(100, Math.round(n)));

/** The ECharts option of the picture: topics on top (done bars, expected marks), learners behind per week below. */
function optionOf(chart: ProgressChart, emptyText: string): echarts.EChartsCoreOption {
  const hasTopics = chart.topics.length > 0;
  const hasWeeks = chart.behindByWeek.length > 0;
  const textStyle = { fontFamily: FONT_FAMILY, color: COLORS.text };
  const maxLabel = Math.max(6, Math.floor(70 / Math.max(1, chart.topics.length)));
  const topicNames = chart.topics.map((t) => shortLabel(t.label, maxLabel));
  const weeks = chart.behindByWeek.map((w) => w.week.slice(5));
  const emptyNote = (top: string) => ({ type: 'text', left: 'center', top, style: { text: emptyText, fontSize: 18, fill: COLORS.muted, fontFamily: FONT_FAMILY } });
  const graphic = [...(hasTopics ? [] : [emptyNote('28%')]), ...(hasWeeks ? [] : [emptyNote('76%')])];
  return {
    animation: false,
    backgroundColor: '#ffffff',
    textStyle,
    title: { text: chart.title, left: 16, top: 10, textStyle: { ...textStyle, fontSize: 20, fontWeight: 'bold' } },
    legend: {
      top: 42,
      left: 16,
      textStyle: { ...textStyle, fontSize: 13 },
      data: [chart.labels.done, chart.labels.expected, chart.labels.behind, chart.labels.inTraining],
    },
    graphic,
    grid: [
      { left: 56, right: 24, top: 84, height: 170 },
      { left: 56, right: 24, top: 330, height: 120 },
    ],
    xAxis: [
      {
        gridIndex: 0,
        type: 'category',
        data: topicNames,
        name: chart.labels.topics,
        nameLocation: 'middle',
        nameGap: 30,
        axisLabel: { fontSize: 12, interval: 0, color: COLORS.text },
        nameTextStyle: { fontSize: 13, color: COLORS.muted },
      },
      {
        gridIndex: 1,
        type: 'category',
        data: weeks,
        name: chart.labels.weeks,
        nameLocation: 'middle',
        nameGap: 28,
        axisLabel: { fontSize: 12, color: COLORS.text },
        nameTextStyle: { fontSize: 13, color: COLORS.muted },
      },
    ],
    yAxis: [
      { gridIndex: 0, type: 'value', min: 0, max: 100, interval: 25, axisLabel: { formatter: '{value}%', fontSize: 12 } },
      { gridIndex: 1, type: 'value', min: 0, minInterval: 1, axisLabel: { fontSize: 12 } },
    ],
    series: [
      {
        name: chart.labels.done,
        type: 'bar',
        xAxisIndex: 0,
        yAxisIndex: 0,
        barMaxWidth: 56,
        itemStyle: { color: COLORS.done },
        label: { show: true, position: 'insideTop', formatter: '{c}%', color: '#ffffff', fontSize: 12, fontWeight: 'bold' },
        data: chart.topics.map((t) => pct(t.done)),
      },
      {
        // The goal: a wide flat mark at the expected level of each topic.
        name: chart.labels.expected,
        type: 'scatter',
        xAxisIndex: 0,
        yAxisIndex: 0,
        symbol: 'rect',
        symbolSize: [Math.min(72, Math.max(16, 560 / Math.max(1, chart.topics.length))), 4],
        itemStyle: { color: COLORS.expected },
        z: 5,
        data: chart.topics.map((t) => pct(t.expected)),
      },
      {
        name: chart.labels.inTraining,
        type: 'bar',
        xAxisIndex: 1,
        yAxisIndex: 1,
        barMaxWidth: 28,
        itemStyle: { color: COLORS.inTraining, opacity: 0.45 },
        data: chart.behindByWeek.map((w) => Math.max(0, w.inTraining)),
      },
      {
        name: chart.labels.behind,
        type: 'line',
        xAxisIndex: 1,
        yAxisIndex: 1,
        symbolSize: 7,
        lineStyle: { width: 3, color: COLORS.behind },
        itemStyle: { color: COLORS.behind },
        label: { show: chart.behindByWeek.length <= 16, position: 'top', fontSize: 12, color: COLORS.behind },
        data: chart.behindByWeek.map((w) => Math.max(0, w.behind)),
      },
    ],
  };
}

/** The chart as SVG text (ECharts' server-side renderer). */
export function progressChartSvg(chart: ProgressChart, opts: { emptyText?: string; width?: number; height?: number } = {}): string {
  const width = opts.width ?? CHART_WIDTH;
  const height = opts.height ?? CHART_HEIGHT;
  const instance = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    instance.setOption(optionOf(chart, opts.emptyText ?? '—'));
    return instance.renderToSVGString();
  } finally {
    // Without dispose the instance keeps timers and the process never exits.
    instance.dispose();
  }
}

/** The chart as PNG bytes, at chat size (900×500 unless told). `emptyText` is shown where a part has no data. */
export function renderProgressChart(chart: ProgressChart, opts: { emptyText?: string; width?: number; height?: number } = {}): Uint8Array {
  const svg = progressChartSvg(chart, opts);
  const resvg = new Resvg(svg, {
    background: '#ffffff',
    font: { loadSystemFonts: false, fontFiles: fonts(), defaultFontFamily: FONT_FAMILY, sansSerifFamily: FONT_FAMILY },
  });
  return new Uint8Array(resvg.render().asPng());
}
