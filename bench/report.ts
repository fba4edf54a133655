// Benchmark (issue 12): the progress chart and the export for one group of 1,000 learners with 10 test
// attempts each — chart data, PNG render, XLSX and CSV: time, peak memory, file sizes. Run: npm run bench -- report
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { addDays } from '../src/domain/dates.js';
import type { Attempt } from '../src/domain/quiz/model.js';
import { progressChart } from '../src/domain/training/progress.js';
import { exportRows } from '../src/domain/training/export-rows.js';
import type { GroupRun, LearnerFacts, PlanSettings, Program } from '../src/domain/training/model.js';
import { learnerSchedule, programLessons } from '../src/domain/training/plan.js';
import { exportSheets } from '../src/handlers/training/export.js';
import { tFor } from '../src/i18n/index.js';
import { renderProgressChart } from '../src/report/chart.js';
import { csvOf, xlsxOf } from '../src/report/export.js';
import { mulberry32, percentile, round } from './_util.js';

const LEARNERS = 1_000;
const ATTEMPTS_EACH = 10;
const TODAY = '2026-12-07';
const RENDERS = 5;

const timed = async <R>(f: () => R | Promise<R>): Promise<{ ms: number; value: R }> => {
  const t0 = performance.now();
  const value = await f();
  return { ms: performance.now() - t0, value };
};

export async function run(): Promise<Record<string, number | string>> {
  const program = JSON.parse(await readFile(join(import.meta.dirname, '..', 'data', 'programs', 'infosec-awareness.json'), 'utf8')) as Program;
  const rnd = mulberry32(12);
  const settings: PlanSettings = { minutesPerWeek: 45, level: 'intermediate' };
  const started = addDays(TODAY, -140);
  const run: GroupRun = { started, pauses: [{ from: addDays(started, 28), to: addDays(started, 35) }], stopped: null };
  const lessons = programLessons(program, settings.level);
  const learners: LearnerFacts[] = Array.from({ length: LEARNERS }, (_, i) => {
    const since = rnd() < 0.3 ? addDays(started, Math.floor(rnd() * 90)) : started;
    const completed: Record<string, string> = {};
    for (const l of lessons.slice(0, Math.floor(rnd() * (lessons.length + 1)))) completed[l.id] = addDays(since, Math.floor(rnd() * 120));
    return { userId: 1000 + i, groupId: 1, since, completed, pauses: [], stopped: i % 50 === 0 ? addDays(since, 40) : null };
  });
  const attempts: Attempt[] = learners.flatMap((f, i) =>
    Array.from({ length: ATTEMPTS_EACH }, (_, k): Attempt => {
      const at = new Date(Date.parse(`${addDays(started, 7 + k * 12)}T08:00:00Z`) + Math.floor(rnd() * 36e5)).toISOString();
      const percent = Math.round(rnd() * 100);
      return {
        id: `a${i}-${k}`, userId: f.userId, test: { courseId: 1, lessonId: lessons[(k * 3) % lessons.length]!.id }, groupId: 1, seed: k,
        answers: Array.from({ length: 10 }, () => [Math.floor(rnd() * 4)]), messageId: null,
        startedAt: at, finishedAt: new Date(Date.parse(at) + 300_000).toISOString(), percent, threshold: 80, passed: percent >= 80,
      };
    }),
  );
  const names = new Map(learners.map((f) => [f.userId, `Сотрудник ${f.userId} Иванов`]));
  const t = tFor('ru');
  const rssBefore = process.memoryUsage().rss;

  const data = await timed(() =>
    progressChart({ program, settings, run }, learners, TODAY, {
      lang: 'ru', title: 'Группа «Безопасность»: прогресс на 07.12.2026',
      labels: { done: 'Пройдено уроков', expected: 'Ожидается к сегодня', behind: 'Отстают', inTraining: 'Обучаются', topics: 'Темы', weeks: 'Недели' },
    }),
  );
  const renders: number[] = [];
  let png: Uint8Array = new Uint8Array();
  for (let i = 0; i < RENDERS; i++) {
    const r = await timed(() => renderProgressChart(data.value, { emptyText: 'Нет данных' }));
    renders.push(r.ms);
    png = r.value;
  }
  const sortedRenders = [...renders.slice(1)].sort((a, b) => a - b);
  const rows = await timed(() =>
    exportRows({
      learners: learners.map((facts) => ({ facts, schedule: learnerSchedule(program, settings, run, facts, TODAY), name: names.get(facts.userId)! })),
      attempts,
      belongs: (a) => a.groupId === 1,
      testTitle: (ref) => ref.lessonId ?? '',
      utcOffset: 180,
    }),
  );
  const sheets = exportSheets(t, rows.value);
  const xlsx = await timed(() => xlsxOf([sheets.learners, sheets.attempts]));
  const csv = await timed(() => csvOf(sheets.learners));
  const peakMb = process.resourceUsage().maxRSS / 1024;

  console.log(
    `chart data ${round(data.ms)} ms (${data.value.topics.length} topics, ${data.value.behindByWeek.length} weeks); PNG first ${round(renders[0]!)} ms, then median ${round(percentile(sortedRenders, 50))} ms, ${round(png.byteLength / 1024)} KB`,
  );
  console.log(
    `export rows ${round(rows.ms)} ms (${rows.value.learners.length} learners, ${rows.value.attempts.length} attempts); XLSX ${round(xlsx.ms)} ms, ${round(xlsx.value.byteLength / 1024)} KB; CSV ${round(csv.ms)} ms, ${round(csv.value.byteLength / 1024)} KB; peak RSS ${round(peakMb)} MB`,
  );
  return {
    learners: LEARNERS,
    attempts: attempts.length,
    chart_data_ms: round(data.ms),
    chart_png_first_ms: round(renders[0]!),
    chart_png_ms: round(percentile(sortedRenders, 50)),
    chart_png_kb: round(png.byteLength / 1024),
    export_rows_ms: round(rows.ms),
    xlsx_ms: round(xlsx.ms),
    xlsx_kb: round(xlsx.value.byteLength / 1024),
    csv_ms: round(csv.ms),
    csv_kb: round(csv.value.byteLength / 1024),
    rss_growth_mb: round((process.memoryUsage().rss - rssBefore) / 1024 / 1024),
    peak_rss_mb: round(peakMb),
  };
}
