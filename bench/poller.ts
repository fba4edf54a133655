// Benchmark: the fetch poller against the emulator at the real rate limit (50 burst, 2/s): request rate measured at the portal, idle cost, outage recovery.
import { pathToFileURL } from 'node:url';
import { DEFAULT_PACE } from '../src/bot/poller.js';
import type { RequestLogEntry } from '../src/sandbox/emulator/index.js';
import { VirtualTimers } from '../test/bot/poller-timers.js';
import { startWorld, type World } from '../test/helpers/world.js';
import { round } from './_util.js';

const LIMIT = { burst: 50, drainPerSec: 2 };
const EVENTS = Number(process.env.BENCH_POLLER_EVENTS ?? 120);

/** The most requests the portal counted in any window of `ms` (by its own arrival times). */
function maxInWindow(entries: RequestLogEntry[], ms: number): number {
  const at = entries.map((e) => e.at).sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < at.length; i++) {
    while (at[i]! - at[j]! >= ms) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

/** Requests per second once the burst allowance is spent (the portal's drain is 2/s). */
function steadyRate(entries: RequestLogEntry[]): number {
  const at = entries.map((e) => e.at).sort((a, b) => a - b);
  const from = at[LIMIT.burst];
  const to = at.at(-1);
  if (from === undefined || to === undefined || to <= from) return 0;
  return round((at.length - 1 - LIMIT.burst) / ((to - from) / 1000));
}

const answered = (w: World, users: number[]) =>
  users.reduce((n, u) => n + w.portal.dialog(u, String(w.botId)).filter((m) => m.authorId === w.botId).length, 0);

/** A stream of messages queued at once, then handled at the poller's own pace under the real limit. */
async function stream(): Promise<Record<string, number>> {
  const w = await startWorld({ mode: 'fetch', rateLimit: LIMIT, botRateLimit: LIMIT });
  try {
    const users = [...w.demo.learners, ...w.demo.moderators];
    await w.rt.pollers.stopAll();
    for (let i = 0; i < EVENTS; i++) await w.portal.as(users[i % users.length]!).send(String(w.botId), `hello ${i}`);
    const mark = w.portal.requests.length;
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, w.portal.bucket.current())), 5);
    const started = Date.now();
    w.rt.pollers.ensure(w.memberId);
    while (answered(w, users) < EVENTS) {
      if (Date.now() - started > 10 * 60_000) throw new Error('stream: not all answered in 10 minutes');
      await new Promise((r) => setTimeout(r, 20));
    }
    const seconds = (Date.now() - started) / 1000;
    clearInterval(sampler);
    const made = w.portal.requests.slice(mark).filter((r) => r.via !== 'batch-inner');
    return {
      stream_events: EVENTS,
      stream_seconds: round(seconds),
      stream_events_per_s: round(EVENTS / seconds),
      stream_requests: made.length,
      stream_event_get_calls: made.filter((r) => r.method === 'imbot.v2.Event.get').length,
      stream_query_limit_exceeded: made.filter((r) => r.error === 'QUERY_LIMIT_EXCEEDED').length,
      stream_peak_bucket_level_of_50: round(peak),
      stream_max_requests_any_10s: maxInWindow(made, 10_000),
      stream_allowed_any_10s: LIMIT.burst + LIMIT.drainPerSec * 10,
      stream_requests_per_s_after_burst: steadyRate(made),
    };
  } finally {
    await w.close();
  }
}

/** An idle hour and a 30-second outage, on a virtual clock (the pauses are the poller's real ones). */
async function idleAndOutage(): Promise<Record<string, number>> {
  let w: World | undefined;
  const timers = new VirtualTimers(
    (ms) => w?.emu.clock.advance(ms),
    () => w?.rt.pollers.active().length ?? 1,
  );
  // Virtual time: the limits are left out here (the bot's bucket runs on the real clock); rates are per virtual second.
  w = await startWorld({ mode: 'fetch', pollerTimers: timers });
  try {
    await timers.untilSleeping(1);
    const polls = () => w!.portal.requests.filter((r) => r.method === 'imbot.v2.Event.get').length;
    const before = polls();
    await timers.advance(3_600_000);
    const idlePerHour = polls() - before;

    // 30 s outage with five people writing; how many attempts, and how long until all are answered.
    const people = [w.demo.learners[0], w.demo.learners[1], w.demo.learners[2], w.demo.learners[3], w.demo.learners[4]];
    await w.portal.setOnline(false);
    for (const u of people) await w.portal.as(u).send(String(w.botId), '/help');
    const attemptsMark = w.rt.pollers.get(w.memberId)!.cycles;
    const wentDown = timers.now;
    await timers.advance(30_000);
    const attempts = w.rt.pollers.get(w.memberId)!.cycles - attemptsMark;
    await w.portal.setOnline(true);
    while (answered(w, people) < people.length && timers.now - wentDown < 300_000) await timers.advance(250);
    return {
      idle_event_get_per_hour: idlePerHour,
      idle_requests_per_s: round(idlePerHour / 3600),
      idle_max_pause_s: DEFAULT_PACE.idleMaxMs / 1000,
      outage_poll_attempts_in_30s: attempts,
      outage_answered_after_s: round((timers.now - wentDown) / 1000),
      outage_lost: people.length - answered(w, people),
    };
  } finally {
    await w.close();
  }
}


export async function run(): Promise<Record<string, number | string>> {
  const out = { ...(await stream()), ...(await idleAndOutage()) };
  console.table(out);
  return out;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await run();
  process.exit(0);
}
