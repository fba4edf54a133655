// npm run store:import: a DATA_DIR's portals copied into PostgreSQL, idempotently, with counts.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FilePortalStore } from '../../src/store/file.js';
import { importDataDir } from '../../src/store/pg/import.js';
import { emptyPortal, type Installation } from '../../src/store/types.js';
import { freshSchema, PG_SKIP, testDatabaseUrl, type TestSchema } from '../helpers/pg.js';

function installation(memberId: string): Installation {
  return {
    memberId, domain: 'd', clientEndpoint: 'http://x/rest', serverEndpoint: 'http://o/rest/', applicationToken: 't',
    accessToken: 'a', refreshToken: 'r', expires: 0, scope: '', installerId: 1, language: 'en', auth: 'oauth',
    botId: 5, botCode: 'b', commandIds: {}, eventMode: 'webhook', webhookUrl: null, status: 'active', installedAt: '', updatedAt: '',
  };
}

const url = testDatabaseUrl();

if (!url) {
  describe.skip(PG_SKIP, () => {
    it('runs against PostgreSQL', () => undefined);
  });
} else {
  describe('store:import', () => {
    let schema: TestSchema;
    let dir: string;
    beforeAll(async () => {
      schema = await freshSchema(url);
      dir = await mkdtemp(join(tmpdir(), 'sgb-import-'));
    });
    afterAll(async () => {
      await schema.drop();
      await rm(dir, { recursive: true, force: true });
    });

    it('copies every portal, a second run changes nothing, a changed file is copied again', async () => {
      const files = new FilePortalStore(dir);
      const a = emptyPortal(installation('pa'));
      a.groups = [{ id: 1, name: 'G', description: '', workgroupId: 3, linked: false, ownerId: 1, privacy: 'open' as never, accessFrom: null,
        accessTo: null, archived: false, courseIds: [], chatDialogIds: [], createdBy: 1, createdAt: 'c',
        members: [{ userId: 7, status: 'member' as never, since: 's', addedBy: 1 }] }];
      a.users = { '7': { name: 'Ann', extranet: false } };
      a.processed = ['e1'];
      await files.put(a);
      await files.put(emptyPortal(installation('../odd id')));
      const store = schema.store();
      const first = await importDataDir(dir, store);
      expect(first).toMatchObject({ portals: 2, written: 2, unchanged: 0, groups: 1, members: 1, users: 1 });
      expect(await store.get('pa')).toEqual(a);
      expect((await store.list()).sort()).toEqual(['../odd id', 'pa']);
      const rev = async () => (await store.pool.query('SELECT member_id, rev FROM portals ORDER BY member_id')).rows;
      const revs = await rev();
      expect(await importDataDir(dir, schema.store())).toMatchObject({ portals: 2, written: 0, unchanged: 2 });
      expect(await rev()).toEqual(revs);
      await files.update('pa', (d) => void d.processed.push('e2'));
      expect(await importDataDir(dir, store)).toMatchObject({ portals: 2, written: 1, unchanged: 1 });
      expect((await schema.store().get('pa'))!.processed).toEqual(['e1', 'e2']);
    });
  });
}
