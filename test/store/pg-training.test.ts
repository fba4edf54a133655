// PostgreSQL store: training learners and test attempts are rows of their own tables (issue 13 item 1).
import { runner } from 'node-pg-migrate';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Attempt } from '../../src/domain/quiz/model.js';
import type { LearnerFacts } from '../../src/domain/training/model.js';
import { migrate, MIGRATIONS_DIR } from '../../src/store/pg/migrate.js';
import { PgPortalStore, quoteIdent } from '../../src/store/pg/store.js';
import { emptyPortal, type PortalData, type PortalTraining } from '../../src/store/types.js';
import { freshSchema, PG_SKIP, testDatabaseUrl, type TestSchema } from '../helpers/pg.js';

function learner(userId: number, groupId: number): LearnerFacts {
  return { userId, groupId, since: '2026-11-02' as never, completed: { l1: '2026-11-03' as never }, pauses: [{ from: '2026-11-05' as never, to: null }], stopped: null };
}

function attempt(id: string, userId: number, percent: number | null): Attempt {
  return {
    id, userId, test: { courseId: 2, lessonId: 'l1' }, groupId: 1, seed: 7, answers: [[0], null], messageId: 55,
    startedAt: '2026-11-03T10:00:00Z', finishedAt: percent === null ? null : '2026-11-03T10:05:00Z', percent, threshold: percent === null ? null : 80,
    passed: percent === null ? null : percent >= 80,
  };
}

function training(): PortalTraining {
  return {
    learners: { '7': learner(7, 1), '12': learner(12, 2) },
    rules: [],
    defaultsSeeded: true,
    remindedOn: { '7': '2026-11-04' as never },
    attempts: [attempt('a1', 7, 90), attempt('a2', 12, null), attempt('a3', 7, 40)],
    progress: { digestOff: [1] },
  };
}

function portal(memberId: string, withTraining = true): PortalData {
  const d = emptyPortal({
    memberId, domain: `${memberId}.example`, clientEndpoint: 'http://x/rest', serverEndpoint: 'http://o/rest/', applicationToken: 't',
    accessToken: 'a', refreshToken: 'r', expires: 1_900_000_000, scope: 'imbot', installerId: 1, language: 'en', auth: 'oauth',
    botId: 5, botCode: 'b', commandIds: { help: 3 }, eventMode: 'webhook', webhookUrl: null, status: 'active', installedAt: 'i', updatedAt: 'u',
  });
  if (withTraining) d.training = training();
  return d;
}

const url = testDatabaseUrl();

if (!url) {
  describe.skip(PG_SKIP, () => {
    it('runs against PostgreSQL', () => undefined);
  });
} else {
  describe('PostgreSQL store: training tables', () => {
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

    const rows = async (table: string, memberId: string) =>
      (await s.pool.query(`SELECT * FROM ${table} WHERE member_id = $1 ORDER BY ${table === 'portals' ? 1 : 'pos'}`, [memberId])).rows as Array<Record<string, unknown>>;

    it('keeps learners and attempts as rows with their columns, the rest of training in extra, and reads them back exactly', async () => {
      await s.put(portal('p1'));
      expect(await schema.store().get('p1')).toEqual(portal('p1'));
      const attempts = await rows('test_attempts', 'p1');
      expect(attempts.map((r) => [r.k, r.user_id, r.course_id, r.lesson_id, r.percent, r.passed, r.finished_at])).toEqual([
        ['a1', '7', '2', 'l1', 90, true, '2026-11-03T10:05:00Z'],
        ['a2', '12', '2', 'l1', null, null, null],
        ['a3', '7', '2', 'l1', 40, false, '2026-11-03T10:05:00Z'],
      ]);
      const learners = await rows('training_learners', 'p1');
      expect(learners.map((r) => [r.k, r.user_id, r.group_id, r.since]).sort()).toEqual([['12', '12', '2', '2026-11-02'], ['7', '7', '1', '2026-11-02']]);
      const extra = (await s.pool.query(`SELECT extra FROM portals WHERE member_id = 'p1'`)).rows[0].extra;
      expect(extra.training).toEqual({ ...training(), learners: null, attempts: null });
      // A portal without attempts (written before issue 12) reads back without them.
      const old = portal('p2');
      delete old.training!.attempts;
      await s.put(old);
      expect(await schema.store().get('p2')).toEqual(old);
    });

    it('an answered question rewrites one attempt row; a new attempt adds one; other rows keep their pos and data', async () => {
      await s.put(portal('p1'));
      const before = await rows('test_attempts', 'p1');
      const learnersBefore = await rows('training_learners', 'p1');
      await s.update('p1', (d) => {
        d.training!.attempts![1]!.answers[1] = [2];
      });
      const after = await rows('test_attempts', 'p1');
      expect(after[0]).toEqual(before[0]);
      expect(after[2]).toEqual(before[2]);
      expect((after[1]!.data as Attempt).answers).toEqual([[0], [2]]);
      await s.update('p1', (d) => {
        d.training!.attempts!.push(attempt('a4', 12, null));
        d.training!.learners['12'] = { ...d.training!.learners['12']!, stopped: '2026-11-06' as never };
      });
      expect((await rows('test_attempts', 'p1')).map((r) => [r.k, r.pos])).toEqual([['a1', '1'], ['a2', '2'], ['a3', '3'], ['a4', '4']]);
      const learners = await rows('training_learners', 'p1');
      expect(learners.find((r) => r.k === '7')).toEqual(learnersBefore.find((r) => r.k === '7'));
      expect(learners.find((r) => r.k === '12')!.stopped).toBe('2026-11-06');
      const read = (await schema.store().get('p1'))!;
      expect(read.training!.attempts!.map((a) => a.id)).toEqual(['a1', 'a2', 'a3', 'a4']);
      expect(read.training!.learners['12']!.stopped).toBe('2026-11-06');
      // Training gone: its rows go too.
      await s.update('p1', (d) => void delete d.training);
      expect(await rows('test_attempts', 'p1')).toEqual([]);
      expect(await rows('training_learners', 'p1')).toEqual([]);
      expect((await schema.store().get('p1'))!.training).toBeUndefined();
    });

    it('an update of one portal’s attempts and learners never touches another portal’s rows (same ids)', async () => {
      await s.put(portal('p1'));
      await s.put(portal('p2'));
      const before = JSON.stringify([await rows('test_attempts', 'p2'), await rows('training_learners', 'p2'), await rows('portals', 'p2')]);
      await s.update('p1', (d) => {
        d.training!.attempts!.splice(0, 2);
        d.training!.attempts![0]!.percent = 100;
        d.training!.attempts!.push(attempt('a2', 7, null));
        delete d.training!.learners['7'];
        d.training!.learners['99'] = learner(99, 1);
        d.training!.rules = [];
        d.training!.defaultsSeeded = false;
      });
      await s.put(portal('p1', false));
      await s.delete('p1');
      expect(JSON.stringify([await rows('test_attempts', 'p2'), await rows('training_learners', 'p2'), await rows('portals', 'p2')])).toBe(before);
      expect(await schema.store().get('p2')).toEqual(portal('p2'));
    });
  });

  describe('PostgreSQL store: a portal stored with training in extra', () => {
    const name = `t_${randomBytes(6).toString('hex')}`;
    let s: PgPortalStore | undefined;
    afterAll(async () => {
      await s?.close();
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        await c.query(`DROP SCHEMA IF EXISTS ${quoteIdent(name)} CASCADE`);
      } finally {
        await c.end();
      }
    });

    it('reads the same after the migration moves its learners and attempts into the tables', async () => {
      // The schema as it was before the training tables: the first two migrations.
      await runner({ databaseUrl: url, dir: MIGRATIONS_DIR, direction: 'up', count: 2, migrationsTable: 'pgmigrations', schema: name, createSchema: true, log: () => undefined });
      s = new PgPortalStore({ url, schema: name, poolSize: 2 });
      // Today's store writes the collections' revs (a later migration, which adds the column only if missing).
      await s.pool.query('ALTER TABLE portals ADD COLUMN part_revs jsonb');
      await s.put(portal('old', false));
      await s.put(portal('none', false));
      // As the store wrote it then: the whole of training in extra.
      await s.pool.query(`UPDATE portals SET extra = jsonb_build_object('training', $1::jsonb) WHERE member_id = 'old'`, [JSON.stringify(training())]);
      await s.close();
      expect(await migrate({ url, schema: name })).toEqual(['1765300000000_training-tables', '1765400000000_part-revs']);
      s = new PgPortalStore({ url, schema: name, poolSize: 2 });
      expect(await s.get('old')).toEqual(portal('old'));
      expect(await s.get('none')).toEqual(portal('none', false));
      const n = (await s.pool.query(`SELECT count(*)::int AS n FROM test_attempts WHERE member_id = 'old'`)).rows[0].n;
      expect(n).toBe(3);
      // And it is written in the new shape from then on.
      await s.update('old', (d) => void d.training!.attempts!.push(attempt('a9', 7, null)));
      expect((await new PgPortalStore({ url, schema: name, poolSize: 1 }).get('old'))!.training!.attempts!.map((a) => a.id)).toEqual(['a1', 'a2', 'a3', 'a9']);
    });
  });
}
