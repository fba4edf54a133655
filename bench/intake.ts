// Event intake: how fast a /help typed in the emulator is answered end to end, over real HTTP, and with how many REST calls.
import { performance } from 'node:perf_hooks';
import { startWorld } from '../test/helpers/world.js';
import { percentile, round } from './_util.js';

export async function run(): Promise<Record<string, number | string>> {
  const w = await startWorld();
  try {
    const user = w.demo.learners[0];
    for (let i = 0; i < 20; i++) await w.say(user, '/help'); // warm-up
    const roundTrip: number[] = [];
    const before = w.portal.requests.length;
    const n = 300;
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      await w.say(user, '/help');
      roundTrip.push(performance.now() - t0);
    }
    const restPerHelp = (w.portal.requests.length - before) / n;
    roundTrip.sort((a, b) => a - b);
    const out = {
      help_round_trip_p50_ms: round(percentile(roundTrip, 50)),
      help_round_trip_p95_ms: round(percentile(roundTrip, 95)),
      rest_requests_per_help: round(restPerHelp),
    };
    console.table(out);
    return out;
  } finally {
    await w.close();
  }
}
