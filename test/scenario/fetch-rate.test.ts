// The poller shares the portal's rate-limit bucket with every other call: a busy stream never trips the portal's limit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World, type WorldMode } from '../helpers/world.js';

// The portal's leaky bucket (50 burst, 2/s) scaled 10× faster so the test takes seconds; the bot is configured alike.
const LIMIT = { burst: 10, drainPerSec: 20 };
const STREAM = 48;

describe.each<WorldMode>(['fetch', 'oneportal'])('%s mode under the portal rate limit', (mode) => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld({ mode, rateLimit: LIMIT, botRateLimit: LIMIT });
  });
  afterAll(async () => w?.close());

  it(`answers a stream of ${STREAM} messages without one QUERY_LIMIT_EXCEEDED, the bucket never above its burst`, async () => {
    const senders = [...w.demo.learners, ...w.demo.moderators];
    await w.rt.pollers.stopAll();
    for (let i = 0; i < STREAM; i++) await w.portal.as(senders[i % senders.length]!).send(String(w.botId), `hello ${i}`);
    const mark = w.portal.requests.length;
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, w.portal.bucket.current())), 2);
    const started = Date.now();
    try {
      w.rt.pollers.ensure(w.memberId);
      await w.settle();
    } finally {
      clearInterval(sampler);
    }
    const seconds = (Date.now() - started) / 1000;
    const requests = w.portal.requests.slice(mark).filter((r) => r.via !== 'batch-inner');
    expect(requests.filter((r) => r.httpStatus === 503)).toEqual([]);
    expect(peak).toBeLessThanOrEqual(LIMIT.burst);
    // Everything the portal answered fits the bucket: burst + drain × elapsed time.
    expect(requests.length).toBeLessThanOrEqual(LIMIT.burst + LIMIT.drainPerSec * seconds + 1);
    const polls = requests.filter((r) => r.method === 'imbot.v2.Event.get').length;
    expect(polls).toBeGreaterThanOrEqual(2);
    expect(polls).toBeLessThanOrEqual(5);
    for (const u of senders) {
      expect(w.portal.dialog(u, String(w.botId)).filter((m) => m.authorId === w.botId)).toHaveLength(STREAM / senders.length);
    }
  });
});
