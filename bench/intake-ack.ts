// Webhook intake with the durable inbox, side by side in one run with a bare fastify 5 route answering the
// same body without work, and with the inbox off: events per second (10 keep-alive connections, as fast as
// they go, in interleaved rounds) and ack latency p50/p99 at a steady 1,000 events/s. fsync is on, as in
// production. During a burst the bot acknowledges first and handles in the gaps and after (bot/ack-first.ts):
// the time until all of a burst is handled is reported beside the rate.
import { open, mkdtemp, rm } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Fastify from 'fastify';
import { httpBuildQuery } from '../src/sandbox/emulator/index.js';
import { startWorld, type World } from '../test/helpers/world.js';
import { percentile, round } from './_util.js';

const CONNECTIONS = 10;
const BURST = 6000;
const RATE = 1000;
const STEADY_SECONDS = 3;

/** A real ONIMBOTV2COMMANDADD form body (about 3.9 KB) for another bot of the application: verified,
 * kept and acknowledged like any, then dropped by the handler, so the figures are the intake's alone. */
export function eventBody(w: World, n: number): string {
  const installation = w.portal.state.installations.get(w.clientId)!;
  const user = w.demo.learners[0];
  const text = `/help ${'lorem ipsum dolor sit amet '.repeat(40)}`.trim();
  return httpBuildQuery({
    event: 'ONIMBOTV2COMMANDADD',
    event_handler_id: '7',
    data: {
      bot: { id: String(w.botId + 1000), code: 'other_bot', auth: w.portal.issueAuthBlock(installation, w.botId + 1000, true) },
      command: { id: '11', command: '/help', params: text.slice(6), context: 'textarea' },
      message: { id: String(5_000_000 + n), chatId: '77', authorId: String(user), text, date: new Date().toISOString() },
      chat: { id: '77', dialogId: String(user), name: 'Anna Petrova', type: 'private', messageType: 'P', entityType: '', entityId: '' },
      user: { id: String(user), name: 'Anna Petrova', firstName: 'Anna', lastName: 'Petrova', extranet: 'N', bot: 'N', type: 'employee', workPosition: 'Sales manager' },
      language: 'en',
    },
    ts: String(Math.floor(w.emu.clock.now() / 1000)),
    auth: w.portal.issueAuthBlock(installation, user, true),
  });
}

export function post(agent: Agent, url: URL, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** As fast as 10 connections go: events per second. */
export async function burst(url: URL, body: string, count = BURST, connections = CONNECTIONS): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  let sent = 0;
  let failed = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (sent < count) {
        sent++;
        if ((await post(agent, url, body)) !== 200) failed++;
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  agent.destroy();
  if (failed > 0) throw new Error(`${failed} of ${count} requests were not answered 200`);
  return count / seconds;
}

/** A steady 1,000 events/s: each ack's latency. */
export async function steady(url: URL, body: string): Promise<{ p50: number; p99: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: 50 });
  const latencies: number[] = [];
  const total = RATE * STEADY_SECONDS;
  const pending: Array<Promise<void>> = [];
  const t0 = performance.now();
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const start = performance.now();
    pending.push(post(agent, url, body).then(() => void latencies.push(performance.now() - start)));
  }
  await Promise.all(pending);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

/**
 * The disk alone, for scale: the same bodies at the same steady rate appended to a plain file the
 * way the inbox does (synchronous writes, grouped while one is on its way), no HTTP, no bot. The
 * ack's p99 cannot be lower than the disk's.
 */
async function diskAlone(body: string): Promise<{ p50: number; p99: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'sgb-disk-'));
  const fh = await open(join(dir, 'f'), 'as+');
  const line = Buffer.from(`${body}\n`);
  const latencies: number[] = [];
  let queue: number[] = [];
  let busy = false;
  const pump = (): void => {
    if (busy || queue.length === 0) return;
    busy = true;
    const batch = queue;
    queue = [];
    const bytes = Buffer.concat(batch.map(() => line));
    void fh.write(bytes, 0, bytes.length, null).then(() => {
      const now = performance.now();
      for (const t of batch) latencies.push(now - t);
      busy = false;
      pump();
    });
  };
  const total = RATE * STEADY_SECONDS;
  const t0 = performance.now();
  for (let i = 0; i < total; i++) {
    const wait = t0 + (i * 1000) / RATE - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    queue.push(performance.now());
    pump();
  }
  while (latencies.length < total) await new Promise((r) => setTimeout(r, 5));
  await fh.close();
  await rm(dir, { recursive: true, force: true });
  latencies.sort((a, b) => a - b);
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

const ROUNDS = 5;
const WIDE = 50;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function run(): Promise<Record<string, number | string>> {
  const bare = Fastify();
  bare.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, b, done) => done(null, b));
  bare.post('/bare', async () => ({ status: 'ok' }));
  const bareUrl = new URL('/bare', await bare.listen({ port: 0, host: '127.0.0.1' }));
  const durable = await startWorld({ mode: 'webhook' });
  const memory = await startWorld({ mode: 'webhook', inbox: false });
  try {
    const targets: Array<[string, URL, string, World | null]> = [
      ['bare fastify 5', bareUrl, eventBody(durable, 0), null],
      ['bot, durable inbox (fsync)', new URL('/bitrix/events', durable.botUrl), eventBody(durable, 1), durable],
      ['bot, inbox off', new URL('/bitrix/events', memory.botUrl), eventBody(memory, 1), memory],
    ];
    // Warm-up, then rounds of each in turn: the machine's speed drifts (a shared VM moves ±40% within
    // a minute), so each round's ratio compares runs seconds apart, and the medians are reported.
    for (const [, url, body, w] of targets) {
      for (let i = 0; i < 300; i++) await post(new Agent({ keepAlive: false }), url, body);
      await w?.settle();
    }
    const rates = new Map<string, number[]>(targets.map(([name]) => [name, []]));
    const drains: number[] = [];
    const shares: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      let bareRate = 0;
      for (const [name, url, body, w] of targets) {
        const rate = await burst(url, body);
        rates.get(name)!.push(rate);
        if (!w) bareRate = rate;
        const t0 = performance.now();
        await w?.settle();
        if (w === durable) {
          drains.push(performance.now() - t0);
          shares.push((rate / bareRate) * 100);
        }
      }
    }
    // The inbox's cost is a disk flush per round trip (group commit), not CPU: with more connections
    // more events share each flush. Bare and durable once more at WIDE connections, in turn, twice.
    const wide: number[] = [];
    for (let r = 0; r < 2; r++) {
      const b = await burst(bareUrl, targets[0]![2], BURST, WIDE);
      const d = await burst(targets[1]![1], targets[1]![2], BURST, WIDE);
      await durable.settle();
      wide.push((d / b) * 100);
    }
    const rows: Record<string, { events_per_s: number; min: number; max: number; ack_p50_ms: number; ack_p99_ms: number }> = {};
    for (const [name, url, body, w] of targets) {
      const lat = await steady(url, body);
      await w?.settle();
      const xs = rates.get(name)!;
      rows[name] = {
        events_per_s: Math.round(median(xs)),
        min: Math.round(Math.min(...xs)),
        max: Math.round(Math.max(...xs)),
        ack_p50_ms: round(lat.p50),
        ack_p99_ms: round(lat.p99),
      };
    }
    const disk = await diskAlone(targets[1]![2]);
    console.log(
      `body ${Buffer.byteLength(targets[1]![2])} bytes, ${CONNECTIONS} connections, ${BURST} events a burst, ${ROUNDS} rounds (medians); latency at ${RATE}/s for ${STEADY_SECONDS} s`,
    );
    console.table(rows);
    console.log(`the disk alone at ${RATE}/s (synchronous appends, grouped): p50 ${round(disk.p50)} ms, p99 ${round(disk.p99)} ms`);
    console.log(`with ${WIDE} connections, durable as a share of bare: ${wide.map((x) => `${Math.round(x)}%`).join(' ')}`);
    console.log(`durable as a share of bare, per round: ${shares.map((x) => `${Math.round(x)}%`).join(' ')}; all of a burst handled ${Math.round(median(drains))} ms (median) after its last ack`);
    const mine = rows['bot, durable inbox (fsync)']!;
    return {
      bare_events_per_s: rows['bare fastify 5']!.events_per_s,
      durable_events_per_s: mine.events_per_s,
      durable_share_of_bare_pct_median: round(median(shares)),
      durable_share_of_bare_pct_min: round(Math.min(...shares)),
      durable_share_of_bare_pct_max: round(Math.max(...shares)),
      durable_burst_handled_after_ms: Math.round(median(drains)),
      [`durable_share_of_bare_pct_${WIDE}_connections`]: round(Math.max(...wide)),
      durable_ack_p50_ms: mine.ack_p50_ms,
      durable_ack_p99_ms: mine.ack_p99_ms,
      disk_alone_p50_ms: round(disk.p50),
      disk_alone_p99_ms: round(disk.p99),
      inbox_off_events_per_s: rows['bot, inbox off']!.events_per_s,
      inbox_off_ack_p99_ms: rows['bot, inbox off']!.ack_p99_ms,
    };
  } finally {
    await durable.close();
    await memory.close();
    await bare.close();
  }
}
