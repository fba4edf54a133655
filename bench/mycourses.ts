// Benchmark: "my courses" on a portal of 10,000 users and 1,000 groups — latency end to end and the REST requests it costs (goal: no reads).
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { visibleCourses } from '../src/domain/access.js';
import { addDays, todayAtOffset } from '../src/domain/dates.js';
import type { Course, GroupMember, StudyGroup } from '../src/domain/model.js';
import { fileNameFor } from '../src/store/file.js';
import { startWorld } from '../test/helpers/world.js';
import { mulberry32, percentile, round } from './_util.js';

const USERS = 10_000;
const GROUPS = 1_000;
const MEMBERS_PER_GROUP = 30;
const COURSES_PER_GROUP = 3;
const OPEN_COURSES = 500;
const ASKERS = 100;

export async function run(): Promise<Record<string, number | string>> {
  const rnd = mulberry32(4);
  const w = await startWorld();
  try {
    // 10,000 people in the portal (the demo company is already there).
    const userIds: number[] = [];
    // What the bot already knows of them, as after earlier conversations (so no first-contact writes are measured).
    const known = new Map<number, { name: string; extranet: boolean }>();
    for (let i = 0; i < USERS; i++) {
      const extranet = i % 50 === 0;
      const u = w.portal.addUser({ name: `User${i}`, lastName: 'Bench', extranet });
      userIds.push(u.id);
      known.set(u.id, { name: `User${i} Bench`, extranet });
    }
    const today = todayAtOffset(w.rt.bot.now(), w.portal.state.identity.utcOffsetMinutes);
    const createdAt = new Date(w.emu.clock.now()).toISOString();
    // 1,000 study groups of 30 members, 3 closed courses each, varied windows; 500 open courses.
    // The workgroup ids are not real workgroups: "my courses" never asks Bitrix24 about them.
    await w.rt.store.update(w.memberId, (d) => {
      for (const [id, user] of known) d.users[String(id)] = user;
      const courses: Course[] = [];
      const course = (title: string, hidden: boolean): Course => {
        d.counters.course += 1;
        const c: Course = {
          id: d.counters.course,
          title,
          url: `https://lms.example.com/c/${d.counters.course}`,
          kind: d.counters.course % 7 === 0 ? 'test' : 'course',
          prompts: [],
          hiddenFromExtranet: hidden,
          createdBy: w.demo.admin,
          createdAt,
        };
        courses.push(c);
        return c;
      };
      for (let i = 0; i < OPEN_COURSES; i++) course(`Open course ${i}`, i % 4 === 0);
      for (let g = 0; g < GROUPS; g++) {
        d.counters.group += 1;
        const members: GroupMember[] = [];
        const seen = new Set<number>();
        while (members.length < MEMBERS_PER_GROUP) {
          const userId = userIds[Math.floor(rnd() * userIds.length)]!;
          if (seen.has(userId)) continue;
          seen.add(userId);
          members.push({ userId, status: rnd() < 0.9 ? 'member' : 'invited', since: createdAt, addedBy: w.demo.admin });
        }
        const phase = g % 10;
        const group: StudyGroup = {
          id: d.counters.group,
          name: `Cohort ${g}`,
          description: '',
          workgroupId: 100_000 + g,
          linked: false,
          ownerId: w.demo.moderators[0],
          privacy: 'closed',
          // Most groups open now; some not yet, some over, some archived.
          accessFrom: phase === 0 ? addDays(today, 3) : addDays(today, -10),
          accessTo: phase === 1 ? addDays(today, -1) : addDays(today, 20),
          archived: phase === 2,
          members,
          courseIds: Array.from({ length: COURSES_PER_GROUP }, (_, k) => course(`Cohort ${g} course ${k}`, false).id),
          chatDialogIds: [],
          createdBy: w.demo.moderators[0],
          createdAt,
        };
        d.groups.push(group);
      }
      d.courses = courses;
    });
    const data = await w.data();
    // No file with PostgreSQL (bench/scale.ts runs this on both stores).
    const fileBytes = (await stat(join(w.dataDir, 'portals', fileNameFor(w.memberId))).catch(() => ({ size: 0 }))).size;

    // Pure rule over the whole portal: what "my courses" computes for one person.
    const askers = [...new Set(data.groups.flatMap((g) => g.members.filter((m) => m.status === 'member').map((m) => m.userId)))]
      .filter((id) => !known.get(id)?.extranet)
      .slice(0, ASKERS);
    const computeStarted = performance.now();
    const ROUNDS = 200;
    for (let i = 0; i < ROUNDS; i++) {
      const userId = askers[i % askers.length]!;
      visibleCourses({ userId, extranet: false }, data.courses, data.groups, today);
    }
    const computeMs = (performance.now() - computeStarted) / ROUNDS;

    // End to end: a person types "my courses" in the emulated messenger until the answer is in the dialog.
    // Count the store writes the bot makes meanwhile (the store object is the bot's own).
    const store = w.rt.store;
    const update = store.update.bind(store);
    let writes = 0;
    store.update = (memberId, mutate) => {
      writes++;
      return update(memberId, mutate);
    };
    const requestsBefore = w.portal.requests.length;
    const latencies: number[] = [];
    let groupsShown = 0;
    for (const userId of askers) {
      const started = performance.now();
      const out = await w.say(userId, 'my courses');
      latencies.push(performance.now() - started);
      if (out.length !== 1) throw new Error(`expected one answer, got ${out.length}`);
      groupsShown += (out[0]!.text.match(/· /g) ?? []).length;
    }
    const made = w.portal.requests.slice(requestsBefore).map((r) => r.method);
    const sends = made.filter((m) => m === 'imbot.v2.Chat.Message.send').length;
    latencies.sort((a, b) => a - b);
    const figures: Record<string, number | string> = {
      'portal users': USERS + 10,
      'study groups': GROUPS,
      courses: data.courses.length,
      'store file (MiB)': round(fileBytes / 1024 / 1024),
      'askers (distinct learners)': askers.length,
      'groups shown per answer (avg)': round(groupsShown / askers.length),
      'rule only, per person (ms)': round(computeMs),
      'end to end p50 (ms)': round(percentile(latencies, 50)),
      'end to end p95 (ms)': round(percentile(latencies, 95)),
      'end to end max (ms)': round(latencies.at(-1) ?? 0),
      'REST requests per "my courses"': round(made.length / askers.length),
      'REST reads per "my courses"': round((made.length - sends) / askers.length),
      'REST methods used': [...new Set(made)].join(', ') || '(none)',
      'store writes per "my courses"': round(writes / askers.length),
    };
    console.log('\n"my courses" on a portal of 10,000 users and 1,000 groups');
    for (const [k, v] of Object.entries(figures)) console.log(`  ${k.padEnd(34)} ${v}`);
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
