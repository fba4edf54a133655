// PostgreSQL store beyond the shared contract: isolation of portals, exact round trips, rows written, two instances.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PgPortalStore } from '../../src/store/pg/store.js';
import { emptyPortal, type Installation, type PortalData } from '../../src/store/types.js';
import { freshSchema, PG_SKIP, testDatabaseUrl, type TestSchema } from '../helpers/pg.js';

function installation(memberId: string): Installation {
  return {
    memberId, domain: `${memberId}.example`, clientEndpoint: 'http://x/rest', serverEndpoint: 'http://o/rest/', applicationToken: 't',
    accessToken: 'a', refreshToken: 'r', expires: 1_900_000_000, scope: 'imbot', installerId: 1, language: 'en', auth: 'oauth',
    botId: 5, botCode: 'b', commandIds: { help: 3 }, eventMode: 'webhook', webhookUrl: null, status: 'active', installedAt: 'i', updatedAt: 'u',
  };
}

/** A portal with something in every part, optional ones included, and a part this schema does not know. */
function rich(memberId: string): PortalData {
  const d = emptyPortal({ ...installation(memberId), utcOffset: 180, manifestRevision: 'r7' });
  d.moderators = [1, 9];
  d.groups = [
    { id: 1, name: 'Alpha <b>', description: 'd', workgroupId: 40, linked: false, ownerId: 1, privacy: 'open' as never, accessFrom: null,
      accessTo: '2026-12-31' as never, archived: false, courseIds: [2], chatDialogIds: ['chat5'], createdBy: 1, createdAt: 'c',
      members: [{ userId: 7, status: 'member' as never, since: 's', addedBy: 1 }, { userId: 3, status: 'invited' as never, since: 's', addedBy: 0 }] },
    { id: 2, name: 'Бета', description: '', workgroupId: 41, linked: true, ownerId: 3, privacy: 'closed' as never, accessFrom: null, accessTo: null,
      archived: true, courseIds: [], chatDialogIds: [], createdBy: 1, createdAt: 'c', members: [] },
  ];
  d.courses = [{ id: 2, title: 'C', url: 'https://c', kind: 'link' as never, prompts: ['p'], hiddenFromExtranet: false, createdBy: 1, createdAt: 'c' }];
  d.polls = [{ id: 1, question: 'q', options: ['a', 'b'], votes: { '7': 1 }, dialogId: 'chat5', messageId: null, groupId: 1, createdBy: 1, closed: false }];
  d.pending = [{ userId: 7, dialogId: '7', kind: 'rename', groupId: 1, expiresAt: 'e' }];
  d.completions = ['1:2:7'];
  d.sent = ['s1', 's1'];
  d.processed = ['k1', 'k2'];
  d.inboxDone = 12;
  d.intents = [{ key: 'e1', kind: 'workgroup', name: 'n', ownerId: 1, at: 'a' }];
  d.counters = { group: 2, course: 2, poll: 1 };
  d.fetchOffset = 44;
  d.users = { '7': { name: 'Ann', extranet: false }, '3': { name: 'Bob', extranet: true } };
  d.keyboardDialogs = { '100': 'chat5' };
  (d as unknown as Record<string, unknown>).training = { plans: [{ id: 'x', steps: [1, 2] }] };
  return d;
}

const url = testDatabaseUrl();

if (!url) {
  describe.skip(PG_SKIP, () => {
    it('runs against PostgreSQL', () => undefined);
  });
} else {
  describe('PostgreSQL store', () => {
    let schema: TestSchema;
    let s: PgPortalStore;
    beforeAll(async () => {
      schema = await freshSchema(url);
    });
    afterAll(async () => {
      await schema.drop();
    });
    beforeEach(async () => {
      s = schema.store();
      await s.pool.query('TRUNCATE portals CASCADE');
    });

    /** Every table's rows of one portal, as text, to compare before and after. */
    async function rowsOf(memberId: string): Promise<string> {
      const tables = ['portals', 'groups', 'group_members', 'courses', 'polls', 'pending_inputs', 'completions', 'sent_keys',
        'processed_keys', 'known_users', 'keyboard_dialogs'];
      const out: unknown[] = [];
      for (const t of tables) {
        out.push((await s.pool.query(`SELECT * FROM ${t} WHERE member_id = $1 ORDER BY 1, 2, 3`, [memberId])).rows);
      }
      return JSON.stringify(out);
    }

    it('round-trips every part exactly, a part it does not model included, through a second instance', async () => {
      await s.put(rich('p1'));
      expect(await s.get('p1')).toEqual(rich('p1'));
      expect(await schema.store().get('p1')).toEqual(rich('p1'));
      const changed = await s.update('p1', (d) => {
        (d as unknown as { training: { plans: unknown[] } }).training.plans.push({ id: 'y' });
        d.groups[0]!.members.splice(0, 1);
        d.groups[1]!.members.push({ userId: 9, status: 'member' as never, since: 's', addedBy: 3 });
        d.processed.push('k3');
        delete d.inboxDone;
        d.installation.accessToken = 'a2';
        return d;
      });
      const other = await schema.store().get('p1');
      expect(other).toEqual(changed);
      expect(other!.inboxDone).toBeUndefined();
      expect(other!.groups.map((g) => g.members.map((m) => m.userId))).toEqual([[3], [9]]);
      expect((other as unknown as { training: unknown }).training).toEqual({ plans: [{ id: 'x', steps: [1, 2] }, { id: 'y' }] });
    });

    it('an update of one portal never touches another portal’s rows', async () => {
      await s.put(rich('p1'));
      await s.put(rich('p2'));
      const before = await rowsOf('p2');
      await s.update('p1', (d) => {
        d.groups = [];
        d.users = {};
        d.processed = ['z'];
        d.moderators = [];
        d.installation.status = 'uninstalled';
        (d as unknown as Record<string, unknown>).training = null;
      });
      await s.put({ ...rich('p1'), sent: [] });
      await s.delete('p1');
      expect(await rowsOf('p2')).toBe(before);
      expect(await s.get('p2')).toEqual(rich('p2'));
      expect(await s.list()).toEqual(['p2']);
    });

    it('writes only what changed: an appended key is one row, an untouched part keeps its rows', async () => {
      await s.put(rich('p1'));
      const pos = async (t: string) => (await s.pool.query(`SELECT k, pos FROM ${t} WHERE member_id = 'p1' ORDER BY pos`)).rows;
      const groupsBefore = await pos('group_members');
      await s.update('p1', (d) => {
        d.processed.push('k3');
        d.processed.splice(0, 1);
      });
      expect(await pos('processed_keys')).toEqual([{ k: 'k2', pos: '2' }, { k: 'k3', pos: '3' }]);
      expect(await pos('group_members')).toEqual(groupsBefore);
      // A new order is kept too.
      await s.update('p1', (d) => void d.processed.reverse());
      expect((await schema.store().get('p1'))!.processed).toEqual(['k3', 'k2']);
      // Nothing changed: the rev stays.
      const rev = async () => (await s.pool.query(`SELECT rev FROM portals WHERE member_id = 'p1'`)).rows[0].rev;
      const r = await rev();
      await s.update('p1', (d) => {
        d.moderators.push(1);
        d.moderators.pop();
      });
      expect(await rev()).toBe(r);
    });

    it('two instances updating one portal lose nothing (row lock), and each sees the other’s writes', async () => {
      await s.put(rich('p1'));
      const t = schema.store();
      await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          (i % 2 ? s : t).update('p1', (d) => {
            d.counters.poll += 1;
            d.sent.push(`x${i}`);
          }),
        ),
      );
      for (const store of [s, t]) {
        const d = (await store.get('p1'))!;
        expect(d.counters.poll).toBe(41);
        expect(d.sent.length).toBe(42);
      }
    });

    it('another instance reads again only the collections written since it cached the portal, and a whole new portal whole', async () => {
      const withLearners = () => {
        const d = rich('p1');
        (d as unknown as Record<string, unknown>).training = { rules: [], learners: { '7': { groupId: 1, joined: 'j' } }, attempts: [{ id: 'a1', score: 1 }] };
        return d;
      };
      await s.put(withLearners());
      const t = schema.store();
      const first = (await t.get('p1'))!;
      const training = (d: PortalData) => (d as unknown as { training: { learners: Record<string, unknown>; attempts: unknown[] } }).training;
      await s.update('p1', (d) => {
        d.groups[0]!.name = 'Renamed';
        d.processed.push('k9');
      });
      const second = (await t.get('p1'))!;
      expect(second.groups[0]!.name).toBe('Renamed');
      expect(second.processed).toEqual(['k1', 'k2', 'k9']);
      // Untouched collections are the very objects read before: not read again.
      expect(training(second).learners).toBe(training(first).learners);
      expect(training(second).attempts).toBe(training(first).attempts);
      expect(second.users).toBe(first.users);
      // A member added (the group's own row unchanged) and a learner's facts changed.
      await s.update('p1', (d) => {
        d.groups[1]!.members.push({ userId: 9, status: 'member' as never, since: 's', addedBy: 3 });
        training(d).learners['8'] = { groupId: 2, joined: 'k' };
      });
      const third = (await t.get('p1'))!;
      expect(third.groups[1]!.members.map((m) => m.userId)).toEqual([9]);
      expect(Object.keys(training(third).learners)).toEqual(['7', '8']);
      expect(training(third).attempts).toBe(training(first).attempts);
      expect(third).toEqual(await schema.store().get('p1'));
      // The second instance writes from its partly re-read copy: nothing of the first's writes is lost.
      await t.update('p1', (d) => void d.sent.push('from-t'));
      expect(await schema.store().get('p1')).toEqual({ ...third, sent: [...third.sent, 'from-t'] });
      // Replaced whole (put): read whole, though no collection's rev says so.
      await s.put({ ...rich('p1'), users: { '1': { name: 'New', extranet: false } } });
      expect(await t.get('p1')).toEqual({ ...rich('p1'), users: { '1': { name: 'New', extranet: false } } });
    });

    it('a mutator that throws leaves the database and the cache as they were', async () => {
      await s.put(rich('p1'));
      const before = await rowsOf('p1');
      await expect(
        s.update('p1', (d) => {
          d.groups = [];
          throw new Error('half-way');
        }),
      ).rejects.toThrow('half-way');
      expect(await rowsOf('p1')).toBe(before);
      expect(await s.get('p1')).toEqual(rich('p1'));
    });
  });
}
