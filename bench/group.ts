// Benchmark: REST requests per bulk add/invite, and the time to answer /group list on a portal of 10,000 users and 1,000 groups.
import { pathToFileURL } from 'node:url';
import type { GroupMember, StudyGroup } from '../src/domain/model.js';
import type { RequestLogEntry } from '../src/sandbox/emulator/portal.js';
import { startWorld, type World } from '../test/helpers/world.js';
import { mulberry32, percentile, round } from './_util.js';

const USERS = 10_000;
const GROUPS = 1_000;
const MEMBERS_PER_GROUP = 30;
const LIST_ROUNDS = 50;

/** Outer HTTP requests (a batch counts once) made while `act` ran, and those that carried `method`. */
async function countRequests(w: World, method: string, act: () => Promise<unknown>): Promise<{ all: number; carrying: number; inner: number; ms: number }> {
  const before = w.portal.requests.length;
  const started = performance.now();
  await act();
  const ms = performance.now() - started;
  const made: RequestLogEntry[] = w.portal.requests.slice(before);
  const outer = made.filter((r) => r.via !== 'batch-inner');
  const carrying = outer.filter((r) => r.method === method || (r.method === 'batch' && JSON.stringify(r.params).includes(method)));
  return { all: outer.length, carrying: carrying.length, inner: made.filter((r) => r.via === 'batch-inner' && r.method === method).length, ms };
}

/** Median and p95 of typing `text` as `userId` until the answer is in the dialog. */
async function listLatency(w: World, userId: number, text = '/group list'): Promise<{ p50: number; p95: number; shown: number }> {
  const times: number[] = [];
  let shown = 0;
  for (let i = 0; i < LIST_ROUNDS; i++) {
    const started = performance.now();
    const out = await w.say(userId, text);
    times.push(performance.now() - started);
    if (out.length !== 1) throw new Error(`expected one answer, got ${out.length}`);
    shown = (out[0]!.text.match(/^#\d+ /gm) ?? []).length;
  }
  times.sort((a, b) => a - b);
  return { p50: round(percentile(times, 50)), p95: round(percentile(times, 95)), shown };
}

export async function run(): Promise<Record<string, number | string>> {
  const rnd = mulberry32(7);
  const w = await startWorld();
  try {
    const { admin } = w.demo;
    const moderator = w.demo.moderators[0];
    await w.say(admin, `/moderator add ${moderator}`);

    // 10,000 people, known to the bot as after earlier conversations.
    const userIds: number[] = [];
    for (let i = 0; i < USERS; i++) {
      userIds.push(w.portal.addUser({ name: `User${i}`, lastName: 'Bench', extranet: i % 50 === 0 }).id);
    }

    // Bulk add and invite on a real workgroup, before the big store exists.
    // Employees only: a moderator who is not an admin cannot see external users, so cannot name them.
    const bulk = userIds.filter((_, i) => i % 50 !== 0).slice(0, 500);
    await w.say(admin, '/group create "Bulk admin"');
    await w.say(moderator, '/group create "Bulk moderator"');
    const ids = (await w.data()).groups.map((g) => g.id);
    const add120 = await countRequests(w, 'sonet_group.user.add', () => w.say(admin, `/group add #${ids[0]} ${bulk.slice(0, 120).join(' ')}`));
    const add500 = await countRequests(w, 'sonet_group.user.add', () => w.say(admin, `/group add #${ids[0]} ${bulk.slice(120, 500).join(' ')}`));
    const invite120 = await countRequests(w, 'sonet_group.user.invite', () =>
      w.say(moderator, `/group add #${ids[1]} ${bulk.slice(0, 120).join(' ')}`),
    );
    const stored = await w.data();
    if (stored.groups[0]!.members.filter((m) => m.status === 'member').length !== 501) throw new Error('bulk add incomplete');
    if (stored.groups[1]!.members.filter((m) => m.status === 'invited').length !== 120) throw new Error('bulk invite incomplete');

    // 1,000 study groups of 30 members (the list needs no workgroup reads, so their workgroup ids are nominal).
    const createdAt = new Date(w.emu.clock.now()).toISOString();
    const learner = userIds[1]!;
    const external = userIds[50]!;
    await w.rt.store.update(w.memberId, (d) => {
      for (let g = 0; g < GROUPS; g++) {
        d.counters.group += 1;
        const seen = new Set<number>();
        const members: GroupMember[] = [];
        // The measured learner and external user are in every 40th group.
        if (g % 40 === 0) for (const id of [learner, external]) seen.add(id);
        for (const id of seen) members.push({ userId: id, status: 'member', since: createdAt, addedBy: admin });
        while (members.length < MEMBERS_PER_GROUP) {
          const userId = userIds[Math.floor(rnd() * userIds.length)]!;
          if (seen.has(userId)) continue;
          seen.add(userId);
          members.push({ userId, status: rnd() < 0.9 ? 'member' : 'invited', since: createdAt, addedBy: admin });
        }
        const group: StudyGroup = {
          id: d.counters.group,
          name: `Cohort ${g}`,
          description: '',
          workgroupId: 100_000 + g,
          linked: g % 5 === 0,
          ownerId: moderator,
          privacy: 'closed',
          accessFrom: null,
          accessTo: null,
          archived: g % 10 === 9,
          members,
          courseIds: [],
          chatDialogIds: [],
          createdBy: moderator,
          createdAt,
        };
        d.groups.push(group);
      }
    });

    const requestsBefore = w.portal.requests.length;
    const asAdmin = await listLatency(w, admin);
    const asModerator = await listLatency(w, moderator);
    const asLearner = await listLatency(w, learner);
    const asExternal = await listLatency(w, external);
    // The same trip for /help, which reads nothing: what every answer costs on this portal (its store file) anyway.
    const baseline = await listLatency(w, learner, '/help');
    const listRequests = w.portal.requests.slice(requestsBefore).filter((r) => r.via !== 'batch-inner');
    const reads = listRequests.filter((r) => r.method !== 'imbot.v2.Chat.Message.send').length;

    const figures: Record<string, number | string> = {
      'portal users': USERS + 10,
      'study groups': GROUPS + 2,
      'add 120 (admin): requests carrying adds': add120.carrying,
      'add 120 (admin): adds in them': add120.inner,
      'add 120 (admin): all requests of the command': add120.all,
      'add 120 (admin): time to answer (ms)': round(add120.ms),
      'add 380 (admin): requests carrying adds': add500.carrying,
      'add 380 (admin): all requests of the command': add500.all,
      'add 380 (admin): time to answer (ms)': round(add500.ms),
      'add 120 (moderator, invites): requests carrying invites': invite120.carrying,
      'add 120 (moderator, invites): all requests of the command': invite120.all,
      'add 120 (moderator, invites): time to answer (ms)': round(invite120.ms),
      '/group list admin p50 (ms)': asAdmin.p50,
      '/group list admin p95 (ms)': asAdmin.p95,
      '/group list moderator p50 (ms)': asModerator.p50,
      '/group list moderator p95 (ms)': asModerator.p95,
      '/group list learner p50 (ms)': asLearner.p50,
      '/group list learner p95 (ms)': asLearner.p95,
      '/group list external p50 (ms)': asExternal.p50,
      '/group list external p95 (ms)': asExternal.p95,
      'baseline: /help on the same portal p50 (ms)': baseline.p50,
      'groups per list page (admin / learner)': `${asAdmin.shown} / ${asLearner.shown}`,
      'REST reads per /group list': round(reads / (LIST_ROUNDS * 5)),
    };
    console.log('\n/group on a portal of 10,000 users and 1,000 groups');
    for (const [k, v] of Object.entries(figures)) console.log(`  ${k.padEnd(58)} ${v}`);
    return figures;
  } finally {
    await w.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  run().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
