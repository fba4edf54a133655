// The membership sync without a portal: planMirrors/applyMirrors (what changes, what a racing handler keeps) and MemberSync's pace with a fake REST client.
import { describe, expect, it } from 'vitest';
import type { Logger } from '../../src/bot/logger.js';
import { MemberSync } from '../../src/jobs/member-sync.js';
import { NetworkError, type BatchCall, type BatchOutcome, type RestClient } from '../../src/bot/portal.js';
import type { StudyGroup } from '../../src/domain/model.js';
import { applyMirrors, planMirrors } from '../../src/handlers/group/mirror.js';
import type { WorkgroupView } from '../../src/handlers/group/workgroup.js';
import { MemoryPortalStore } from '../../src/store/memory.js';
import { emptyPortal, type Installation } from '../../src/store/types.js';
import { group, member } from '../domain/fixtures.js';

const NOW = '2026-09-01T10:00:00.000Z';

function view(id: number, members: number[], invited: number[] = []): WorkgroupView {
  return {
    id,
    name: `Workgroup ${id}`,
    description: '',
    ownerId: members[0] ?? 0,
    privacy: 'closed',
    archived: false,
    members,
    managers: members.slice(0, 1),
    invited,
    invitePerms: 'E',
    callerRole: null,
  };
}

describe('planMirrors and applyMirrors', () => {
  const g1 = group({ id: 1, workgroupId: 11, members: [member(1), member(2, 'invited')], courseIds: [5] });
  const g2 = group({ id: 2, workgroupId: 12, members: [member(1), member(3)] });
  const views = new Map([
    [11, view(11, [1, 2])], // 2 accepted
    [12, view(12, [1, 3])], // nothing new
  ]);

  it('plans only the groups that would change, and tells what changed', () => {
    const plans = planMirrors([g1, g2], views, NOW);
    expect(plans.map((p) => p.groupId)).toEqual([1]);
    expect(plans[0]!.diff.accepted).toEqual([2]);
  });

  it('leaves archived groups and groups whose workgroup was not read alone', () => {
    expect(planMirrors([{ ...g1, archived: true }, group({ id: 3, workgroupId: 13, members: [member(4)] })], views, NOW)).toEqual([]);
  });

  it('merges membership into the group as it is now: fields a handler changed meanwhile stay', () => {
    const plans = planMirrors([g1, g2], views, NOW);
    const now: StudyGroup[] = [{ ...structuredClone(g1), accessTo: '2026-12-31', courseIds: [5, 6] }, structuredClone(g2)];
    const { applied, raced } = applyMirrors(now, plans, views, NOW);
    expect(applied.map((p) => p.groupId)).toEqual([1]);
    expect(raced).toEqual([]);
    expect(now[0]!.members.map((m) => [m.userId, m.status])).toEqual([
      [1, 'member'],
      [2, 'member'],
    ]);
    expect(now[0]!.accessTo).toBe('2026-12-31');
    expect(now[0]!.courseIds).toEqual([5, 6]);
  });

  it('skips a group whose members a handler changed since the read, and a group that is gone or archived', () => {
    const plans = planMirrors([g1], views, NOW);
    const removed = [{ ...structuredClone(g1), members: [member(1)] }];
    expect(applyMirrors(removed, plans, views, NOW)).toEqual({ applied: [], raced: [1] });
    expect(removed[0]!.members).toEqual([member(1)]);
    expect(applyMirrors([], plans, views, NOW).raced).toEqual([1]);
    expect(applyMirrors([{ ...structuredClone(g1), archived: true }], plans, views, NOW).raced).toEqual([1]);
  });

  it('a linked group also takes the workgroup\'s name; a renamed unlinked group is not a change', () => {
    const linked = group({ id: 4, workgroupId: 11, linked: true, name: 'Old', members: [member(1), member(2)] });
    const unlinked = group({ id: 5, workgroupId: 11, name: 'Ours', members: [member(1), member(2)] });
    const plans = planMirrors([linked, unlinked], views, NOW);
    expect(plans.map((p) => [p.groupId, p.diff.renamed])).toEqual([[4, true]]);
  });
});

// ---- MemberSync with a fake portal ----

function installation(memberId: string): Installation {
  return {
    memberId, domain: 'd', clientEndpoint: 'http://x/rest', serverEndpoint: 'http://o/rest/', applicationToken: 't',
    accessToken: 'a', refreshToken: 'r', expires: 0, scope: '', installerId: 1, language: 'en', auth: 'oauth',
    botId: 5, botCode: 'b', commandIds: {}, eventMode: 'webhook', webhookUrl: null, status: 'active', installedAt: '', updatedAt: '',
  };
}

/** Workgroups by id as socialnetwork.api.workgroup.get answers them; a missing one is refused, as a deleted one is. */
class FakePortal implements RestClient {
  workgroups = new Map<number, { members: number[]; invited: number[] }>();
  batches: number[] = [];
  failNext = false;

  async call<T>(method: string): Promise<T> {
    throw new Error(`unexpected call ${method}`);
  }

  async batch(calls: BatchCall[]): Promise<BatchOutcome> {
    if (this.failNext) {
      this.failNext = false;
      throw new NetworkError('batch', 'ECONNRESET');
    }
    const out: BatchOutcome = { results: {}, errors: {}, requests: 0 };
    for (let i = 0; i < calls.length; i += 50) {
      const chunk = calls.slice(i, i + 50);
      this.batches.push(chunk.length);
      out.requests++;
      for (const c of chunk) {
        const id = (c.params.params as { groupId: number }).groupId;
        const wg = this.workgroups.get(id);
        if (!wg) out.errors[c.key] = { code: 'SONET_CONTROLLER_WORKGROUP_NOT_FOUND', description: 'Workgroup not found' };
        else out.results[c.key] = { ID: String(id), NAME: `WG ${id}`, OWNER_ID: String(wg.members[0] ?? 0), MEMBERS: wg.members.map(String), MODERATOR_MEMBERS: [], INVITED_MEMBERS: wg.invited.map(String), VISIBLE: 'Y', OPENED: 'N', CLOSED: 'N' };
      }
    }
    return out;
  }
}

interface Rig {
  sync: MemberSync;
  portal: FakePortal;
  store: MemoryPortalStore;
  writes: () => number;
  warnings: string[];
  clock: { ms: number };
  load: { value: number };
  groups: () => Promise<StudyGroup[]>;
}

async function rig(groups: StudyGroup[], opts: ConstructorParameters<typeof MemberSync>[1] = {}): Promise<Rig> {
  const store = new MemoryPortalStore();
  await store.put({ ...emptyPortal(installation('p1')), groups });
  let writes = 0;
  const update = store.update.bind(store);
  store.update = ((memberId, mutate) => {
    writes++;
    return update(memberId, mutate);
  }) as MemoryPortalStore['update'];
  const warnings: string[] = [];
  const log: Logger = { debug: () => undefined, info: () => undefined, warn: (_o, msg) => warnings.push(msg ?? ''), error: () => undefined };
  const clock = { ms: Date.parse(NOW) };
  const load = { value: 0 };
  const portal = new FakePortal();
  for (const g of groups) {
    portal.workgroups.set(g.workgroupId, {
      members: g.members.filter((m) => m.status === 'member').map((m) => m.userId),
      invited: g.members.filter((m) => m.status === 'invited').map((m) => m.userId),
    });
  }
  const sync = new MemberSync({ store, log, now: () => new Date(clock.ms), load: () => load.value }, opts);
  return { sync, portal, store, writes: () => writes, warnings, clock, load, groups: async () => (await store.get('p1'))!.groups };
}

const client = (r: Rig) => async () => r.portal;

describe('MemberSync', () => {
  it('reads every workgroup in one batch, writes once when something changed, and not again before the interval', async () => {
    const r = await rig([group({ id: 1, members: [member(1), member(2, 'invited')] }), group({ id: 2, members: [member(1)] })]);
    r.portal.workgroups.set(101, { members: [1, 2], invited: [] }); // accepted
    r.portal.workgroups.set(102, { members: [], invited: [] }); // 1 left
    const first = await r.sync.run('p1', client(r));
    expect(first).toEqual({ requests: 1, read: 2, unreadable: 0, changed: 2, raced: 0, failures: 0, finished: true });
    expect(r.writes()).toBe(1);
    const [g1, g2] = await r.groups();
    expect(g1!.members.map((m) => m.status)).toEqual(['member', 'member']);
    expect(g2!.members).toEqual([]);

    expect(r.sync.due('p1')).toBe(false);
    expect((await r.sync.run('p1', client(r))).requests).toBe(0);
    r.clock.ms += r.sync.intervalMs - 1;
    expect(r.sync.due('p1')).toBe(false);
    r.clock.ms += 1;
    expect(r.sync.due('p1')).toBe(true);
    // Nothing new in Bitrix24: a request, no write.
    expect(await r.sync.run('p1', client(r))).toMatchObject({ requests: 1, read: 2, changed: 0 });
    expect(r.writes()).toBe(1);
    expect(r.portal.batches).toEqual([2, 2]);
  });

  it('a portal with no groups asks for no client and makes no request', async () => {
    const r = await rig([]);
    let asked = 0;
    const report = await r.sync.run('p1', async () => {
      asked++;
      return r.portal;
    });
    expect(report).toMatchObject({ requests: 0, finished: true });
    expect(asked).toBe(0);
  });

  it('cuts a big pass at the cap per tick and goes on at the next tick, whatever the interval', async () => {
    const groups = Array.from({ length: 120 }, (_, i) => group({ id: i + 1, members: [member(1)] }));
    const r = await rig(groups, { maxRequestsPerTick: 2 });
    expect(await r.sync.run('p1', client(r))).toMatchObject({ requests: 2, read: 100, finished: false });
    expect(r.sync.due('p1')).toBe(true);
    expect(await r.sync.run('p1', client(r))).toMatchObject({ requests: 1, read: 20, finished: true });
    expect(r.sync.due('p1')).toBe(false);
    expect(r.portal.batches).toEqual([50, 50, 20]);
  });

  it('backs off after one request while the bucket is busy with the bot\'s own traffic', async () => {
    const groups = Array.from({ length: 120 }, (_, i) => group({ id: i + 1 }));
    const r = await rig(groups);
    r.load.value = 0.9;
    expect(await r.sync.run('p1', client(r))).toMatchObject({ requests: 1, finished: false });
    r.load.value = 0.1;
    expect(await r.sync.run('p1', client(r))).toMatchObject({ requests: 2, finished: true });
  });

  it('reads groups with invitations or courses first', async () => {
    const groups = [
      ...Array.from({ length: 60 }, (_, i) => group({ id: i + 1 })),
      group({ id: 61, courseIds: [1] }),
      group({ id: 62, members: [member(4, 'invited')] }),
      group({ id: 63, archived: true, courseIds: [1] }),
    ];
    const r = await rig(groups, { maxRequestsPerTick: 1 });
    r.portal.workgroups.set(162, { members: [4], invited: [] });
    expect(await r.sync.run('p1', client(r))).toMatchObject({ requests: 1, changed: 1 });
    expect((await r.groups()).find((g) => g.id === 62)!.members[0]!.status).toBe('member');
    // The archived group's workgroup is never asked for.
    expect(await r.sync.run('p1', client(r))).toMatchObject({ requests: 1, read: 12, finished: true });
  });

  it('a workgroup deleted in Bitrix24 leaves its group as it was and is logged once, not every pass', async () => {
    const kept = group({ id: 1, members: [member(1), member(2)], courseIds: [3] });
    const r = await rig([kept, group({ id: 2, members: [member(1)] })]);
    r.portal.workgroups.delete(101);
    expect(await r.sync.run('p1', client(r))).toMatchObject({ read: 1, unreadable: 1, changed: 0 });
    r.clock.ms += r.sync.intervalMs;
    expect(await r.sync.run('p1', client(r))).toMatchObject({ read: 1, unreadable: 1, changed: 0 });
    expect((await r.groups())[0]).toEqual(kept);
    expect(r.warnings.filter((w) => w.includes('cannot be read'))).toHaveLength(1);
    expect(r.writes()).toBe(0);
  });

  it('a failed request ends the pass; the next waits the interval', async () => {
    const r = await rig([group({ id: 1 })]);
    r.portal.failNext = true;
    expect(await r.sync.run('p1', client(r))).toMatchObject({ requests: 0, failures: 1, finished: true });
    expect(r.sync.due('p1')).toBe(false);
    r.clock.ms += r.sync.intervalMs;
    expect(await r.sync.run('p1', client(r))).toMatchObject({ requests: 1, failures: 0 });
  });

  it('fresh: a pass at once, whatever the interval', async () => {
    const r = await rig([group({ id: 1, members: [member(1)] })]);
    await r.sync.run('p1', client(r));
    r.portal.workgroups.set(101, { members: [1, 7], invited: [] });
    expect(await r.sync.run('p1', client(r), { fresh: true })).toMatchObject({ requests: 1, changed: 1 });
    expect((await r.groups())[0]!.members.map((m) => m.userId)).toEqual([1, 7]);
  });

  it('a handler that removes someone while the sync reads wins: the sync leaves that group for the next pass', async () => {
    const r = await rig([group({ id: 1, members: [member(1), member(2)] })]);
    r.portal.workgroups.set(101, { members: [1, 2, 3], invited: [] });
    const slow = r.portal.batch.bind(r.portal);
    r.portal.batch = async (calls) => {
      const out = await slow(calls);
      // /group remove 2 ran meanwhile (in Bitrix24 and in the store), after the workgroup was read.
      await r.store.update('p1', (d) => void (d.groups[0]!.members = d.groups[0]!.members.filter((m) => m.userId !== 2)));
      return out;
    };
    expect(await r.sync.run('p1', client(r))).toMatchObject({ changed: 0, raced: 1 });
    expect((await r.groups())[0]!.members.map((m) => m.userId)).toEqual([1]);
  });
});
